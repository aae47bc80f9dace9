//! Virtual paths and how they map to real ones, with every check that keeps a peer inside
//! the directory it was given. A virtual path is `/` or `/`-separated names, none of them
//! empty, `.` or `..`, none holding a NUL or a backslash. Anything else is refused (the
//! server answers SRSLY; the client drops the chunk) — the one place path traversal is
//! decided.

use std::path::{Component, Path, PathBuf};

/// The names of a valid virtual path (`/` has none), or None if it is not valid.
pub fn components(virtual_path: &str) -> Option<Vec<&str>> {
    let rest = virtual_path.strip_prefix('/')?;
    if rest.is_empty() {
        return Some(Vec::new());
    }
    let rest = rest.strip_suffix('/').unwrap_or(rest);
    let names: Vec<&str> = rest.split('/').collect();
    let bad =
        |n: &&str| n.is_empty() || *n == "." || *n == ".." || n.contains('\0') || n.contains('\\');
    if names.iter().any(bad) {
        return None;
    }
    Some(names)
}

/// Whether `virtual_path` is a valid virtual path.
pub fn is_valid(virtual_path: &str) -> bool {
    components(virtual_path).is_some()
}

/// Whether the file `name` lies at or under the subscription `prefix` (both valid).
pub fn is_under(name: &str, prefix: &str) -> bool {
    match (components(name), components(prefix)) {
        (Some(n), Some(p)) => n.len() >= p.len() && n[..p.len()] == p[..],
        _ => false,
    }
}

/// The real path of the valid virtual `name` inside `root`, or None if it is not valid or
/// has no names (a file needs at least one).
pub fn inside(root: &Path, name: &str) -> Option<PathBuf> {
    let names = components(name)?;
    if names.is_empty() {
        return None;
    }
    let mut path = root.to_path_buf();
    for n in names {
        path.push(n);
    }
    Some(path)
}

/// Whether any directory between `root` (excluded) and `path` (excluded) is a symbolic
/// link: writing through one could land outside `root`.
pub fn crosses_symlink(root: &Path, path: &Path) -> bool {
    let Ok(relative) = path.strip_prefix(root) else {
        return true;
    };
    let mut here = root.to_path_buf();
    let parts: Vec<Component<'_>> = relative.components().collect();
    for part in parts.iter().take(parts.len().saturating_sub(1)) {
        here.push(part);
        if let Ok(meta) = std::fs::symlink_metadata(&here) {
            if meta.file_type().is_symlink() {
                return true;
            }
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn traversal_and_odd_names_are_refused() {
        for bad in [
            "",
            "a",
            "../x",
            "/../x",
            "/a/../../x",
            "/a//b",
            "/./a",
            "/a\\..\\b",
            "//",
        ] {
            assert!(!is_valid(bad), "{bad:?}");
        }
        for good in ["/", "/a", "/a/b.txt", "/logs/", "/..a/b..", "/a b"] {
            assert!(is_valid(good), "{good:?}");
        }
        assert!(inside(Path::new("/r"), "/").is_none());
        assert_eq!(
            inside(Path::new("/r"), "/a/b"),
            Some(PathBuf::from("/r/a/b"))
        );
        assert!(is_under("/logs/a", "/logs") && is_under("/logs/a", "/"));
        assert!(!is_under("/logsx/a", "/logs"));
    }

    proptest! {
        #[test]
        fn a_mapped_path_never_leaves_its_root(name in "[/a.\\\\]{0,12}") {
            if let Some(path) = inside(Path::new("/root"), &name) {
                prop_assert!(path.starts_with("/root"));
                prop_assert!(path.components().all(|c| matches!(c, Component::RootDir | Component::Normal(_))));
            }
        }
    }
}
