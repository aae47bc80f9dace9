//! Our broker, worker and client against Python peers: MDP/0.1 peers written from RFC 7 with
//! pyzmq (`mdp_peer.py`, libzmq 4.3.5 underneath).

use crate::support::{texts, Running};
use ferrozmq::Multipart;
use ferrozmq_patterns::mdp::client::Client;
use ferrozmq_patterns::mdp::Dialect;
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};
use std::time::Duration;

/// The longest a Python peer may run (each also bounds its own waits).
const PYTHON_TIMEOUT: &str = "60";

/// A script beside this file.
pub fn script(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/patterns")
        .join(name)
}

/// Starts `python3 script args…` under `timeout`, with piped output.
pub fn start_python(name: &str, args: &[&str]) -> Child {
    Command::new("timeout")
        .args([PYTHON_TIMEOUT, "python3"])
        .arg(script(name))
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run python3 (scripts/test.sh installs pyzmq and majortomo)")
}

/// Waits for a Python peer and asserts that it succeeded; returns its stdout.
pub fn finish_python(child: Child) -> String {
    let Output {
        status,
        stdout,
        stderr,
    } = child.wait_with_output().expect("wait for python3");
    let stdout = String::from_utf8_lossy(&stdout).into_owned();
    assert!(
        status.success(),
        "python peer failed ({status})\nstdout:\n{stdout}\nstderr:\n{}",
        String::from_utf8_lossy(&stderr)
    );
    stdout
}

/// Runs a Python peer to its end.
pub fn run_python(name: &str, args: &[&str]) -> String {
    finish_python(start_python(name, args))
}

#[test]
fn our_broker_serves_a_pyzmq_client_with_a_pyzmq_worker() {
    let running = Running::broker();
    let worker = start_python("mdp_peer.py", &["worker", &running.endpoint, "echo", "50"]);
    let client = run_python("mdp_peer.py", &["client", &running.endpoint, "echo", "50"]);
    assert_eq!(client.trim(), "50 requests/replies processed");
    assert_eq!(finish_python(worker).lines().last(), Some("served 50"));
}

#[test]
fn our_client_and_worker_interoperate_with_pyzmq_peers_through_our_broker() {
    let mut running = Running::broker();
    running.worker("ours", Dialect::V01, |request| request);
    let py_worker = start_python(
        "mdp_peer.py",
        &["worker", &running.endpoint, "theirs", "20"],
    );

    let py_client = run_python("mdp_peer.py", &["client", &running.endpoint, "ours", "20"]);
    assert_eq!(py_client.trim(), "20 requests/replies processed");

    let mut client = Client::new(&running.ctx, &running.endpoint).unwrap();
    client.set_timeout(Duration::from_secs(5));
    for i in 0..20 {
        let request = Multipart::from(["request".to_string(), i.to_string()]);
        let reply = client.send("theirs", request).unwrap();
        assert_eq!(
            texts(&reply.expect("reply")),
            ["request".to_string(), i.to_string()]
        );
    }
    assert_eq!(finish_python(py_worker).lines().last(), Some("served 20"));

    let found = run_python("mdp_peer.py", &["mmi", &running.endpoint, "ours"]);
    assert_eq!(found.trim(), "200");
    let missing = run_python("mdp_peer.py", &["mmi", &running.endpoint, "nobody"]);
    assert_eq!(missing.trim(), "404");
}

/// A long-running Python peer (a broker), killed when dropped.
pub struct Background(Child);

impl Background {
    /// Starts `python3 script args…` with its output discarded.
    pub fn start(name: &str, args: &[&str]) -> Background {
        let child = Command::new("python3")
            .arg(script(name))
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("run python3");
        Background(child)
    }
}

impl Drop for Background {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}
