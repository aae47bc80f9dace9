//! Titanic's disk store: one file per message under one directory, `<UUID>.req` for a
//! request (its target service first) and `<UUID>.rep` for its reply, in `zmsg_save`'s
//! format ([`Multipart::save`]). The directory is the queue: a request without a reply is
//! pending, so nothing else needs to survive a crash.
//!
//! A file is written as `<name>.tmp`, synced, renamed into place and the directory synced
//! ([`Fsync::Always`]) before the caller goes on, so a request acknowledged to a client is on
//! disk whatever happens to the process afterwards, and a file under its final name is always
//! whole. Leftover `.tmp` files (a crash mid-write, never acknowledged) are removed at open.

use ferrozmq::{Multipart, Uuid};
use std::fs::{self, File};
use std::io::{self, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

/// When the store forces its writes to the disk.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fsync {
    /// Sync each file and the directory before acknowledging (survives power loss).
    Always,
    /// Rely on the kernel (survives the process being killed, not the machine failing).
    Never,
}

/// A request's id as Titanic spells it: 32 uppercase hex digits (RFC 9 allows either case).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RequestId(String);

impl RequestId {
    /// A fresh random id.
    pub fn new() -> RequestId {
        RequestId(Uuid::new().to_czmq_string())
    }

    /// The id in `text` if it is 32 hex digits (anything else, such as a path, is refused).
    pub fn parse(text: &[u8]) -> Option<RequestId> {
        (text.len() == 32 && text.iter().all(u8::is_ascii_hexdigit))
            .then(|| RequestId(String::from_utf8_lossy(text).to_ascii_uppercase()))
    }

    /// The id's text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Default for RequestId {
    fn default() -> RequestId {
        RequestId::new()
    }
}

/// The files of one Titanic directory.
#[derive(Clone, Debug)]
pub struct Store {
    directory: PathBuf,
    fsync: Fsync,
}

impl Store {
    /// Opens (creating it if needed) `directory`, removing unfinished `.tmp` files.
    pub fn open(directory: impl Into<PathBuf>, fsync: Fsync) -> io::Result<Store> {
        let directory = directory.into();
        fs::create_dir_all(&directory)?;
        for entry in fs::read_dir(&directory)? {
            let path = entry?.path();
            if path.extension().is_some_and(|e| e == "tmp") {
                fs::remove_file(&path)?;
            }
        }
        Ok(Store { directory, fsync })
    }

    /// The directory.
    pub fn directory(&self) -> &Path {
        &self.directory
    }

    fn path(&self, id: &RequestId, kind: &str) -> PathBuf {
        self.directory.join(format!("{}.{kind}", id.as_str()))
    }

    /// Stores a request (`service`, then the body); on disk when this returns.
    pub fn save_request(&self, id: &RequestId, request: &Multipart) -> io::Result<()> {
        self.write(&self.path(id, "req"), request)
    }

    /// Stores the reply to request `id`; on disk when this returns.
    pub fn save_reply(&self, id: &RequestId, reply: &Multipart) -> io::Result<()> {
        self.write(&self.path(id, "rep"), reply)
    }

    /// The request `id`, if stored.
    pub fn request(&self, id: &RequestId) -> io::Result<Option<Multipart>> {
        read(&self.path(id, "req"))
    }

    /// The reply to request `id`, if stored.
    pub fn reply(&self, id: &RequestId) -> io::Result<Option<Multipart>> {
        read(&self.path(id, "rep"))
    }

    /// True if request `id` is stored.
    pub fn has_request(&self, id: &RequestId) -> bool {
        self.path(id, "req").is_file()
    }

    /// Forgets request `id` and its reply; nothing to forget is not an error.
    pub fn close(&self, id: &RequestId) -> io::Result<()> {
        for kind in ["req", "rep"] {
            match fs::remove_file(self.path(id, kind)) {
                Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
                _ => {}
            }
        }
        Ok(())
    }

    /// The stored requests that have no reply yet, oldest first.
    pub fn pending(&self) -> io::Result<Vec<RequestId>> {
        let mut pending = Vec::new();
        for entry in fs::read_dir(&self.directory)? {
            let entry = entry?;
            let name = entry.file_name();
            let Some(stem) = name.to_str().and_then(|n| n.strip_suffix(".req")) else {
                continue;
            };
            let Some(id) = RequestId::parse(stem.as_bytes()) else {
                continue;
            };
            if !self.path(&id, "rep").exists() {
                let modified = entry.metadata()?.modified()?;
                pending.push((modified, id));
            }
        }
        pending.sort();
        Ok(pending.into_iter().map(|(_, id)| id).collect())
    }

    /// Writes `message` to `path` through a temporary file and a rename.
    fn write(&self, path: &Path, message: &Multipart) -> io::Result<()> {
        let temporary = path.with_extension("tmp");
        let file = File::create(&temporary)?;
        let mut writer = BufWriter::new(file);
        message.save(&mut writer)?;
        writer.flush()?;
        let file = writer.into_inner().map_err(|e| e.into_error())?;
        if self.fsync == Fsync::Always {
            file.sync_all()?;
        }
        drop(file);
        fs::rename(&temporary, path)?;
        if self.fsync == Fsync::Always {
            File::open(&self.directory)?.sync_all()?;
        }
        Ok(())
    }
}

/// The message in `path`, or `None` if there is no such file.
fn read(path: &Path) -> io::Result<Option<Multipart>> {
    let file = match File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    Multipart::load(&mut BufReader::new(file))
        .map(Some)
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e.message()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_store(tag: &str) -> Store {
        let dir = std::env::temp_dir().join(format!("titanic-{tag}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        Store::open(dir, Fsync::Always).unwrap()
    }

    #[test]
    fn requests_are_pending_until_replied_and_gone_once_closed() {
        let store = temp_store("pending");
        let (a, b) = (RequestId::new(), RequestId::new());
        let request = Multipart::from(["echo", "hello", ""]);
        store.save_request(&a, &request).unwrap();
        store.save_request(&b, &request).unwrap();
        let mut pending = store.pending().unwrap();
        pending.sort();
        let mut both = vec![a.clone(), b.clone()];
        both.sort();
        assert_eq!(pending, both);
        assert_eq!(store.request(&a).unwrap(), Some(request));
        store.save_reply(&a, &Multipart::from(["hi"])).unwrap();
        assert_eq!(store.pending().unwrap(), std::slice::from_ref(&b));
        assert_eq!(store.reply(&a).unwrap(), Some(Multipart::from(["hi"])));
        store.close(&a).unwrap();
        store.close(&a).unwrap();
        assert_eq!(store.request(&a).unwrap(), None);
        assert_eq!(store.reply(&a).unwrap(), None);
        let _ = fs::remove_dir_all(store.directory());
    }

    #[test]
    fn an_unfinished_write_is_removed_at_open() {
        let store = temp_store("tmp");
        let id = RequestId::new();
        fs::write(
            store.directory().join(format!("{}.tmp", id.as_str())),
            b"half",
        )
        .unwrap();
        let store = Store::open(store.directory(), Fsync::Never).unwrap();
        assert_eq!(fs::read_dir(store.directory()).unwrap().count(), 0);
        let _ = fs::remove_dir_all(store.directory());
    }

    #[test]
    fn only_32_hex_digits_are_an_id() {
        let id = RequestId::new();
        assert_eq!(RequestId::parse(id.as_str().as_bytes()), Some(id.clone()));
        let lower = id.as_str().to_ascii_lowercase();
        assert_eq!(RequestId::parse(lower.as_bytes()), Some(id));
        for bad in [
            &b""[..],
            b"../../etc/passwd",
            &[b'A'; 31],
            &[b'G'; 32],
            &[b'0'; 33],
        ] {
            assert_eq!(RequestId::parse(bad), None);
        }
    }
}
