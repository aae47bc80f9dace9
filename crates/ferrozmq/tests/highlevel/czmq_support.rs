//! Small C programs that drive a real CZMQ (Debian's libczmq-dev, which scripts/test.sh
//! installs), for interop tests: each is a `.c` file in this directory, compiled on first use.

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::Command;
use std::sync::Mutex;

/// The program built from `tests/highlevel/<name>.c` with `cc -lczmq -lzmq`, compiled once
/// per test process.
pub fn czmq_program(name: &str) -> PathBuf {
    static BUILT: Mutex<Option<HashMap<String, PathBuf>>> = Mutex::new(None);
    let mut built = BUILT.lock().unwrap_or_else(|e| e.into_inner());
    let built = built.get_or_insert_with(HashMap::new);
    if let Some(path) = built.get(name) {
        return path.clone();
    }
    let source =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("tests/highlevel/{name}.c"));
    let out = std::env::temp_dir().join(format!("ferrozmq-{name}-{}", std::process::id()));
    let status = Command::new("cc")
        .arg(&source)
        .arg("-o")
        .arg(&out)
        .args(["-lczmq", "-lzmq"])
        .status()
        .expect("run cc");
    assert!(
        status.success(),
        "compiling {} failed: install libczmq-dev (scripts/test.sh does)",
        source.display()
    );
    built.insert(name.to_string(), out.clone());
    out
}
