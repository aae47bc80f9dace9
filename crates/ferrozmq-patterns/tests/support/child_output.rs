//! Programs under test as child processes whose standard output is read while they run —
//! our examples through the harness's `Proc`, pyzmq peers through [`Python`] — and bounded
//! waits on what they printed. Shared by the process tests on the guide's fixed ports (Binary
//! Star and Clone model 6), which include this file with `#[path]`.

use crate::harness::Proc;
use std::io::Read;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::thread::sleep;
use std::time::{Duration, Instant};

/// A running program whose standard output can be read; dropping it kills it.
pub trait Output {
    /// Everything it has printed so far.
    fn text(&self) -> String;
}

impl Output for Proc {
    fn text(&self) -> String {
        self.stdout()
    }
}

/// A pyzmq peer (a script under `tests/`), its stdout collected, killed when dropped.
pub struct Python {
    child: Child,
    stdout: Arc<Mutex<String>>,
}

impl Python {
    /// Runs `python3 tests/<script> <args>`; its stderr goes to the test's, for diagnosis.
    /// Not under timeout(1): killing that would leave python3 running (the scripts end
    /// themselves after a while instead).
    pub fn start(script: &str, args: &[&str]) -> Python {
        let script = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("tests")
            .join(script);
        let mut child = Command::new("python3")
            .arg(script)
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("run python3 (scripts/test.sh installs pyzmq)");
        let stdout = Arc::new(Mutex::new(String::new()));
        let mut pipe = child.stdout.take().expect("piped stdout");
        let sink = Arc::clone(&stdout);
        std::thread::spawn(move || {
            let mut buffer = [0; 4096];
            while let Ok(n @ 1..) = pipe.read(&mut buffer) {
                let text = String::from_utf8_lossy(&buffer[..n]);
                sink.lock().unwrap().push_str(&text);
            }
        });
        Python { child, stdout }
    }
}

impl Output for Python {
    fn text(&self) -> String {
        self.stdout.lock().unwrap().clone()
    }
}

impl Drop for Python {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Waits, at most `limit`, until `what` holds for the output of `who`; `why` names what is
/// awaited in the failure message.
pub fn wait_until(who: &dyn Output, why: &str, limit: Duration, what: impl Fn(&str) -> bool) {
    let deadline = Instant::now() + limit;
    while !what(&who.text()) {
        assert!(
            Instant::now() < deadline,
            "waited for {why} in:\n{}",
            who.text()
        );
        sleep(Duration::from_millis(20));
    }
}
