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

    /// Sends one JSON command line and returns its JSON answer (`ok` true or false).
    pub fn call_json(&mut self, command: serde_json::Value) -> serde_json::Value {
        let line = self.call(&command.to_string());
        serde_json::from_str(&line).unwrap_or_else(|e| panic!("bad answer {line:?}: {e}"))
    }

    /// Sends one JSON command that must succeed and returns its answer.
    pub fn ok_json(&mut self, command: serde_json::Value) -> serde_json::Value {
        let reply = self.call_json(command.clone());
        assert_eq!(
            reply["ok"],
            serde_json::json!(true),
            "peer process failed {command}: {reply}"
        );
        reply
    }

    /// The next line the peer prints unasked (a peer that reports as it goes).
    pub fn next_line(&mut self) -> String {
        self.replies
            .recv_timeout(REPLY_LIMIT)
            .unwrap_or_else(|e| panic!("peer process printed no further line: {e}"))
    }

    /// The next line the peer prints unasked, if one comes within `wait`.
    pub fn line_within(&mut self, wait: Duration) -> Option<String> {
        self.replies.recv_timeout(wait).ok()
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

/// Lowercase hex of `bytes`, as the JSON peers carry frames.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The bytes of lowercase or uppercase hex `text`.
pub fn unhex(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).expect("hex"))
        .collect()
}
