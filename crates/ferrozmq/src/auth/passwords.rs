//! PLAIN password files as CZMQ's zauth reads them (`zhashx_load`): one `name=password` per
//! line; lines starting with `#`, without `=` or starting with `=` are skipped; a later line
//! for the same name wins. The file is reread when its modification time or size changes
//! (`zhashx_refresh` looks at the time only), and a missing file is an empty table until it
//! appears.

use std::collections::HashMap;
use std::fs;
use std::path::PathBuf;
use std::time::SystemTime;

/// The largest password file read; the rest is ignored.
const MAX_FILE_SIZE: u64 = 16 << 20;

/// A password table loaded from a file.
#[derive(Debug)]
pub(crate) struct PasswordFile {
    path: PathBuf,
    /// The file's modification time and size at the last load (`None`: missing).
    stamp: Option<(SystemTime, u64)>,
    passwords: HashMap<Vec<u8>, Vec<u8>>,
}

impl PasswordFile {
    /// Loads `path` (an empty table if it cannot be read).
    pub fn load(path: PathBuf) -> PasswordFile {
        let mut file = PasswordFile {
            path,
            stamp: None,
            passwords: HashMap::new(),
        };
        file.reload();
        file
    }

    /// Whether `password` is `username`'s, after rereading the file if it changed.
    pub fn check(&mut self, username: &[u8], password: &[u8]) -> bool {
        if stamp(&self.path) != self.stamp {
            self.reload();
        }
        self.passwords
            .get(username)
            .is_some_and(|p| p.as_slice() == password)
    }

    fn reload(&mut self) {
        self.stamp = stamp(&self.path);
        self.passwords = fs::File::open(&self.path)
            .and_then(|f| {
                let mut text = Vec::new();
                std::io::Read::read_to_end(&mut std::io::Read::take(f, MAX_FILE_SIZE), &mut text)
                    .map(|_| text)
            })
            .map(|text| parse(&text))
            .unwrap_or_default();
    }
}

/// What tells a changed file: its modification time and size.
fn stamp(path: &std::path::Path) -> Option<(SystemTime, u64)> {
    let meta = fs::metadata(path).ok()?;
    Some((meta.modified().ok()?, meta.len()))
}

/// The table a password file's bytes describe. Line ends (`\n`, and a `\r` before it) are not
/// part of the password.
fn parse(text: &[u8]) -> HashMap<Vec<u8>, Vec<u8>> {
    let mut table = HashMap::new();
    for line in text.split(|&b| b == b'\n') {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.first() == Some(&b'#') {
            continue;
        }
        match line.iter().position(|&b| b == b'=') {
            Some(0) | None => continue,
            Some(equals) => {
                table.insert(line[..equals].to_vec(), line[equals + 1..].to_vec());
            }
        }
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn zauth_format() {
        let table =
            parse(b"# users\nadmin=Password\n=nobody\njunk\nbob=a=b\r\nadmin=New\n\nempty=");
        assert_eq!(table.len(), 3);
        assert_eq!(table[&b"admin".to_vec()], b"New");
        assert_eq!(table[&b"bob".to_vec()], b"a=b");
        assert_eq!(table[&b"empty".to_vec()], b"");
    }

    proptest! {
        #[test]
        fn parse_never_panics(text in proptest::collection::vec(any::<u8>(), 0..200)) {
            let _ = parse(&text);
        }
    }
}
