//! Child processes driven by stdin lines whose stdout lines are read as tab-separated
//! fields ([`LineChild`]): a pyre node (`pyre_peer.py`, [`pyre`]), the examples and
//! `ferrozmq zyre`. Shared with ferrozmq-cli's tests, which include this file by path.
//! Start pyre only inside a loopback-only namespace.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(15);

/// A running child: its stdin and its stdout lines, split at tabs. Killed when dropped.
pub struct LineChild {
    child: Child,
    stdin: ChildStdin,
    lines: Receiver<Vec<String>>,
}

/// Starts a pyre node called `name` with `KEY=VALUE` headers.
pub fn pyre(name: &str, headers: &[&str]) -> LineChild {
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../ferrozmq-zyre/tests/zyre/pyre_peer.py"
    );
    let mut command = Command::new("python3");
    command.arg(script).arg(name).args(headers);
    LineChild::spawn(command)
}

impl LineChild {
    /// Starts `command` with piped stdin and stdout.
    pub fn spawn(mut command: Command) -> LineChild {
        let mut child = command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| {
                panic!("cannot start {command:?} ({e}); scripts/test.sh installs zeromq-pyre")
            });
        let stdin = child.stdin.take().unwrap();
        let stdout = BufReader::new(child.stdout.take().unwrap());
        let (tx, lines) = channel();
        std::thread::spawn(move || {
            for line in stdout.lines().map_while(Result::ok) {
                let _ = tx.send(line.split('\t').map(str::to_string).collect());
            }
        });
        LineChild {
            child,
            stdin,
            lines,
        }
    }

    /// Writes one line to the child's stdin.
    pub fn say(&mut self, line: &str) {
        writeln!(self.stdin, "{line}").unwrap();
        self.stdin.flush().unwrap();
    }

    /// The next line whose first field starts with `prefix`, within [`WAIT`].
    pub fn expect(&self, prefix: &str) -> Vec<String> {
        self.expect_within(prefix, WAIT)
            .unwrap_or_else(|| panic!("{} printed no {prefix} within {WAIT:?}", self.child.id()))
    }

    /// The next line whose first field starts with `prefix`, or `None` after `wait`.
    pub fn expect_within(&self, prefix: &str, wait: Duration) -> Option<Vec<String>> {
        let deadline = std::time::Instant::now() + wait;
        loop {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) if line[0].starts_with(prefix) => return Some(line),
                Ok(_) => {}
                Err(_) => return None,
            }
        }
    }

    /// Interrupts the child (SIGINT: it leaves politely) and waits, at most `WAIT`, for it
    /// to succeed. (A child that inherited SIGINT ignored, as from a non-interactive
    /// shell's `&`, never ends: the test fails instead of hanging.)
    pub fn interrupt(mut self) {
        let pid = self.child.id().to_string();
        Command::new("kill").args(["-INT", &pid]).status().unwrap();
        let deadline = std::time::Instant::now() + WAIT;
        let status = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break status;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "{pid} did not end within {WAIT:?} of SIGINT"
            );
            std::thread::sleep(Duration::from_millis(20));
        };
        assert!(status.success());
    }
}

impl Drop for LineChild {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
