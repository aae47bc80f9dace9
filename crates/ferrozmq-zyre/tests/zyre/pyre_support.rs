//! A pyre node in a child process (`pyre_peer.py`, driven by stdin lines, printing its
//! events as tab-separated lines), for interop tests here and in ferrozmq-cli (which
//! includes this file by path). Start it only inside a loopback-only namespace.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(15);

/// A running `pyre_peer.py`: its stdin and its event lines, split at tabs.
pub struct Pyre {
    child: Child,
    stdin: ChildStdin,
    lines: Receiver<Vec<String>>,
}

impl Pyre {
    /// Starts pyre as `name` with `KEY=VALUE` headers.
    pub fn start(name: &str, headers: &[&str]) -> Pyre {
        let script = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../ferrozmq-zyre/tests/zyre/pyre_peer.py"
        );
        let mut child = Command::new("python3")
            .arg(script)
            .arg(name)
            .args(headers)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("python3 with pyre (scripts/test.sh installs zeromq-pyre)");
        let stdin = child.stdin.take().unwrap();
        let stdout = BufReader::new(child.stdout.take().unwrap());
        let (tx, lines) = channel();
        std::thread::spawn(move || {
            for line in stdout.lines().map_while(Result::ok) {
                let _ = tx.send(line.split('\t').map(str::to_string).collect());
            }
        });
        Pyre {
            child,
            stdin,
            lines,
        }
    }

    /// Sends one command line.
    pub fn say(&mut self, line: &str) {
        writeln!(self.stdin, "{line}").unwrap();
        self.stdin.flush().unwrap();
    }

    /// The next line whose first field is `kind`, within [`WAIT`].
    pub fn expect(&self, kind: &str) -> Vec<String> {
        let deadline = std::time::Instant::now() + WAIT;
        loop {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) if line[0] == kind => return line,
                Ok(_) => {}
                Err(_) => panic!("pyre printed no {kind} within {WAIT:?}"),
            }
        }
    }
}

impl Drop for Pyre {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
