//! The victim process: started from a command line, watched through `/proc` (resident and
//! peak memory, open fds), ended by closing its stdin.

use std::io::{BufRead, BufReader, Lines};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

/// A running victim.
pub struct Victim {
    child: Child,
    lines: Lines<BufReader<ChildStdout>>,
}

/// What the victim printed when it ended (`sent N`, `received N`, `last N`).
#[derive(Default, Debug)]
pub struct Outcome {
    /// Messages it sent (PUB).
    pub sent: Option<u64>,
    /// Messages it received (PULL).
    pub received: Option<u64>,
    /// The sequence number of the last message it received.
    pub last: Option<u64>,
}

impl Victim {
    /// Starts `command` and waits for its `ready` line.
    pub fn start(command: &[String]) -> Result<Victim, String> {
        let (program, args) = command.split_first().ok_or("no victim command")?;
        let mut child = Command::new(program)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|e| format!("starting {program}: {e}"))?;
        let stdout = child.stdout.take().ok_or("no victim stdout")?;
        let mut lines = BufReader::new(stdout).lines();
        match lines.next() {
            Some(Ok(line)) if line == "ready" => Ok(Victim { child, lines }),
            other => Err(format!("victim did not get ready: {other:?}")),
        }
    }

    fn status_kib(&self, field: &str) -> u64 {
        let path = format!("/proc/{}/status", self.child.id());
        std::fs::read_to_string(path)
            .ok()
            .and_then(|s| {
                s.lines()
                    .find_map(|l| l.strip_prefix(field))
                    .and_then(|v| v.split_whitespace().next())
                    .and_then(|v| v.parse().ok())
            })
            .unwrap_or(0)
    }

    /// Resident memory now, in KiB.
    pub fn rss_kib(&self) -> u64 {
        self.status_kib("VmRSS:")
    }

    /// Peak resident memory so far, in KiB.
    pub fn peak_kib(&self) -> u64 {
        self.status_kib("VmHWM:")
    }

    /// Open file descriptors now.
    pub fn fds(&self) -> usize {
        std::fs::read_dir(format!("/proc/{}/fd", self.child.id()))
            .map(|d| d.count())
            .unwrap_or(0)
    }

    /// Waits until resident memory holds still (within 1 MiB for 2 s), at most `limit`;
    /// returns it in KiB.
    pub fn settled_rss_kib(&self, limit: Duration) -> u64 {
        let deadline = Instant::now() + limit;
        let (mut last, mut since) = (self.rss_kib(), Instant::now());
        while Instant::now() < deadline && since.elapsed() < Duration::from_secs(2) {
            std::thread::sleep(Duration::from_millis(100));
            let now = self.rss_kib();
            if now.abs_diff(last) > 1024 {
                (last, since) = (now, Instant::now());
            }
        }
        last
    }

    /// Ends the victim (closes its stdin) and reads its last lines.
    pub fn stop(mut self) -> Outcome {
        drop(self.child.stdin.take());
        let mut outcome = Outcome::default();
        for line in self.lines.by_ref().map_while(Result::ok) {
            let mut words = line.split_whitespace();
            let (Some(key), Some(value)) = (words.next(), words.next()) else {
                continue;
            };
            let value = value.parse().ok();
            match key {
                "sent" => outcome.sent = value,
                "received" => outcome.received = value,
                "last" => outcome.last = value,
                _ => {}
            }
        }
        let _ = self.child.wait();
        outcome
    }
}

impl Drop for Victim {
    fn drop(&mut self) {
        // Only when `stop` was not reached (an attack failed): do not leave it running.
        if self.child.stdin.is_some() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}
