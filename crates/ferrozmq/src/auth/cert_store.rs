//! A store of known CURVE public keys, as CZMQ's `zcertstore`: every public certificate file
//! in a directory (and its subdirectories), reloaded when the files change, plus certificates
//! inserted in memory. The authenticator asks it whether a client's key is known.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use super::cert::Certificate;

/// Subdirectory levels searched below the store's directory.
const MAX_DEPTH: usize = 8;

/// What a directory looked like when it was last loaded: each file's path, modification time
/// and size. A different snapshot means the store must reload.
type Snapshot = Vec<(PathBuf, Option<SystemTime>, u64)>;

/// Certificates by their public key in Z85.
#[derive(Debug, Default)]
pub struct CertStore {
    /// The directory certificates are loaded from; `None` for a memory-only store.
    location: Option<PathBuf>,
    /// The directory's state at the last load; `None` before the first.
    loaded: Option<Snapshot>,
    /// Certificates loaded from the directory.
    from_disk: HashMap<String, Certificate>,
    /// Certificates inserted by the application; they survive reloads.
    inserted: HashMap<String, Certificate>,
}

impl CertStore {
    /// A store of the certificates in `location` (`zcertstore_new`). The directory may be
    /// absent or empty now and filled later: every lookup first reloads it if its files
    /// changed. Files named `*_secret`, and files that cannot be read or are not
    /// certificates, are ignored; each file is read as it is (no `_secret` twin is consulted,
    /// so a store never holds secret keys).
    pub fn new(location: impl Into<PathBuf>) -> CertStore {
        CertStore {
            location: Some(location.into()),
            ..CertStore::default()
        }
    }

    /// A store held in memory only, filled with [`insert`](CertStore::insert).
    pub fn in_memory() -> CertStore {
        CertStore::default()
    }

    /// Adds a certificate (replacing one with the same public key). Unlike `zcertstore`,
    /// inserted certificates are kept when the directory is reloaded.
    pub fn insert(&mut self, cert: Certificate) {
        self.inserted.insert(cert.public_txt(), cert);
    }

    /// The certificate whose public key is `public_txt` (40 Z85 characters), after
    /// reloading the directory if its files changed.
    pub fn lookup(&mut self, public_txt: &str) -> Option<&Certificate> {
        self.refresh();
        self.inserted
            .get(public_txt)
            .or_else(|| self.from_disk.get(public_txt))
    }

    /// How many certificates the store holds, after reloading the directory if its files
    /// changed.
    pub fn len(&mut self) -> usize {
        self.refresh();
        self.inserted.len()
            + self
                .from_disk
                .keys()
                .filter(|k| !self.inserted.contains_key(*k))
                .count()
    }

    /// Whether the store holds no certificate, after reloading the directory if its files
    /// changed.
    pub fn is_empty(&mut self) -> bool {
        self.len() == 0
    }

    /// Reloads the directory's certificates if its files changed since the last load.
    fn refresh(&mut self) {
        let Some(location) = &self.location else {
            return;
        };
        let mut files = Vec::new();
        collect_files(location, 0, &mut files);
        files.sort();
        if self.loaded.as_ref() == Some(&files) {
            return;
        }
        self.from_disk = files
            .iter()
            .filter_map(|(path, _, _)| Certificate::load_file(path).ok())
            .map(|cert| (cert.public_txt(), cert))
            .collect();
        self.loaded = Some(files);
    }
}

/// Appends the candidate certificate files under `dir` (regular files not named `*_secret`,
/// searching subdirectories up to [`MAX_DEPTH`] levels, never following links to
/// directories). Unreadable entries are skipped.
fn collect_files(dir: &Path, depth: usize, out: &mut Snapshot) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() {
            if depth < MAX_DEPTH {
                collect_files(&path, depth + 1, out);
            }
            continue;
        }
        if entry.file_name().to_string_lossy().ends_with("_secret") {
            continue;
        }
        // Follows a link to a file; skips links to anything else.
        if let Ok(meta) = fs::metadata(&path) {
            if meta.is_file() {
                out.push((path, meta.modified().ok(), meta.len()));
            }
        }
    }
}
