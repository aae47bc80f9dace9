//! SHA-1 digests of files, in the printable upper-case hexadecimal form the ICANHAZ cache
//! carries (`DSCF0001.jpg=1FABCD42…`).

use std::io::Read;
use std::path::Path;

use sha1::{Digest, Sha1};

/// The SHA-1 of the first `limit` bytes of the file at `path` (all of it if None), as 40
/// upper-case hex digits.
pub fn file_sha1(path: &Path, limit: Option<u64>) -> std::io::Result<String> {
    let file = std::fs::File::open(path)?;
    let mut reader = file.take(limit.unwrap_or(u64::MAX));
    let mut hasher = Sha1::new();
    let mut buf = vec![0u8; 256 * 1024];
    loop {
        let n = reader.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect())
}

#[cfg(test)]
mod tests {
    #[test]
    fn digest_of_abc_is_the_known_one() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("abc");
        std::fs::write(&path, b"abc").unwrap();
        assert_eq!(
            super::file_sha1(&path, None).unwrap(),
            "A9993E364706816ABA3E25717850C26C9CD0D89D"
        );
        assert_eq!(
            super::file_sha1(&path, Some(0)).unwrap(),
            "DA39A3EE5E6B4B0D3255BFEF95601890AFD80709"
        );
    }
}
