//! A peer library in a child process (pyzmq's `peer.py`, JeroMQ's `Peer.java`), driven one
//! line at a time: each command written to its stdin gets exactly one line back on stdout.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::Duration;

/// How long one command may take before the test fails (receives carry their own timeout).
const REPLY_LIMIT: Duration = Duration::from_secs(20);

/// The child process and its answers; killed when dropped.
pub struct LinePeer {
    child: Child,
    stdin: ChildStdin,
    replies: Receiver<String>,
}

impl LinePeer {
    /// Starts `command`; `missing` says what to install when it cannot start (a missing
    /// install step fails the test, it is no reason to skip).
    pub fn spawn(command: &mut Command, missing: &str) -> LinePeer {
        let mut child = command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect(missing);
        let stdin = child.stdin.take().expect("child stdin");
        let stdout = child.stdout.take().expect("child stdout");
        let (tx, replies) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        LinePeer {
            child,
            stdin,
            replies,
        }
    }

    /// Sends one command line and returns its answer line.
    pub fn call(&mut self, command: &str) -> String {
        writeln!(self.stdin, "{command}").expect("write to the peer process");
        self.stdin.flush().expect("flush the peer process");
        self.replies
            .recv_timeout(REPLY_LIMIT)
            .unwrap_or_else(|e| panic!("peer process did not answer {command:?}: {e}"))
    }
}

impl Drop for LinePeer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
