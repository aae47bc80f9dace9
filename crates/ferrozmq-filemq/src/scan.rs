//! What a mount point publishes: a walk of its directory that keeps only stable files
//! (modified more than a second ago, as the guide has it), resolves the guide's portable
//! `.ln` links (a file `name.ln` holding one line, the real path, publishes `name`), and
//! follows operating-system symbolic links only to files inside the mount (never to
//! directories, which could loop).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use crate::msg::fits_string;
use crate::paths;

/// How old a file's modification time must be before it is published.
pub const STABLE_AFTER: Duration = Duration::from_secs(1);
/// How deep a walk goes (a bound on hostile trees).
const MAX_DEPTH: usize = 32;

/// One published file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Published {
    /// Where its bytes are read from (a `.ln`'s target).
    pub physical: PathBuf,
    /// Its size when scanned.
    pub size: u64,
    /// Its modification time when scanned.
    pub mtime: SystemTime,
}

/// A directory published under a virtual path (`fmq_server_publish (location, alias)`).
#[derive(Clone, Debug)]
pub struct Mount {
    /// The real directory.
    pub location: PathBuf,
    /// Its virtual path, e.g. `/` or `/logs`.
    pub alias: String,
}

impl Mount {
    /// The stable files under this mount, by virtual name, as of `now`.
    pub fn scan(&self, now: SystemTime) -> BTreeMap<String, Published> {
        let mut out = BTreeMap::new();
        let Ok(root) = self.location.canonicalize() else {
            return out;
        };
        let base = self.alias.trim_end_matches('/').to_string();
        walk(&root, &root, &base, now, 0, &mut out);
        out
    }
}

fn walk(
    root: &Path,
    dir: &Path,
    virtual_dir: &str,
    now: SystemTime,
    depth: usize,
    out: &mut BTreeMap<String, Published>,
) {
    if depth > MAX_DEPTH {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let Some(name) = entry.file_name().to_str().map(str::to_string) else {
            continue;
        };
        let path = entry.path();
        let Ok(link_meta) = std::fs::symlink_metadata(&path) else {
            continue;
        };
        if link_meta.file_type().is_symlink() {
            match path.canonicalize() {
                Ok(target) if target.starts_with(root) => {}
                _ => continue,
            }
        }
        let Ok(meta) = std::fs::metadata(&path) else {
            continue;
        };
        if meta.is_dir() {
            if link_meta.file_type().is_symlink() {
                continue; // a linked directory could loop back on itself
            }
            walk(
                root,
                &path,
                &format!("{virtual_dir}/{name}"),
                now,
                depth + 1,
                out,
            );
            continue;
        }
        if !meta.is_file() {
            continue;
        }
        let (published_name, physical) = match name.strip_suffix(".ln") {
            Some(stem) if !stem.is_empty() => match read_link_file(&path) {
                Some(target) => (stem.to_string(), target),
                None => continue,
            },
            _ => (name, path.clone()),
        };
        let Ok(target_meta) = std::fs::metadata(&physical) else {
            continue;
        };
        let Ok(mtime) = target_meta.modified() else {
            continue;
        };
        let link_mtime = meta.modified().unwrap_or(mtime);
        let stable = |t: SystemTime| now.duration_since(t).is_ok_and(|age| age > STABLE_AFTER);
        if !target_meta.is_file() || !stable(mtime) || !stable(link_mtime) {
            continue;
        }
        let virtual_name = format!("{virtual_dir}/{published_name}");
        if !paths::is_valid(&virtual_name) || !fits_string(&virtual_name) {
            continue;
        }
        out.insert(
            virtual_name,
            Published {
                physical,
                size: target_meta.len(),
                mtime: mtime.max(link_mtime),
            },
        );
    }
}

/// The target a `.ln` file names: its first line, trimmed.
fn read_link_file(path: &Path) -> Option<PathBuf> {
    let meta = std::fs::metadata(path).ok()?;
    if meta.len() > 4096 {
        return None;
    }
    let text = std::fs::read_to_string(path).ok()?;
    let line = text.lines().next()?.trim();
    (!line.is_empty()).then(|| PathBuf::from(line))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_files_wait_links_resolve_and_escaping_symlinks_are_skipped() {
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("secret"), b"s").unwrap();
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        std::fs::write(dir.path().join("sub/a.txt"), b"aaa").unwrap();
        std::fs::write(
            dir.path().join("movie.ln"),
            format!("{}\n", outside.path().join("secret").display()),
        )
        .unwrap();
        std::os::unix::fs::symlink(outside.path().join("secret"), dir.path().join("escape"))
            .unwrap();
        std::os::unix::fs::symlink(dir.path().join("sub/a.txt"), dir.path().join("inner")).unwrap();
        let mount = Mount {
            location: dir.path().to_path_buf(),
            alias: "/pub".into(),
        };
        assert!(
            mount.scan(SystemTime::now()).is_empty(),
            "too new to be stable"
        );
        let later = SystemTime::now() + Duration::from_secs(5);
        let files = mount.scan(later);
        let names: Vec<&str> = files.keys().map(String::as_str).collect();
        assert_eq!(names, ["/pub/inner", "/pub/movie", "/pub/sub/a.txt"]);
        assert_eq!(files["/pub/movie"].size, 1);
    }
}
