//! stdout and stderr for `cat`: each received message printed as a line and
//! flushed, and the counts behind `--progress`.

use std::io::{self, Write};
use std::time::{Duration, Instant};

use crate::cli_args::Failure;
use crate::frames::format_message;

/// How often `--progress` reports.
const PROGRESS_EVERY: Duration = Duration::from_secs(1);

/// Prints messages and keeps the counts.
pub struct Printer {
    separator: Vec<u8>,
    line: Vec<u8>,
    /// Messages and bytes received.
    received: (u64, u64),
    /// Messages and bytes sent.
    sent: (u64, u64),
    /// When progress was last reported, if `--progress` is on.
    progress: Option<Instant>,
}

/// Whether printing may go on.
#[derive(Debug, PartialEq, Eq)]
pub enum Printed {
    /// The line is out.
    Ok,
    /// stdout was closed by its reader (`| head -1`): stop quietly.
    Closed,
}

impl Printer {
    /// A printer joining frames with `separator`.
    pub fn new(separator: &[u8], progress: bool) -> Printer {
        Printer {
            separator: separator.to_vec(),
            line: Vec::new(),
            received: (0, 0),
            sent: (0, 0),
            progress: progress.then(Instant::now),
        }
    }

    /// Messages received so far.
    pub fn received(&self) -> u64 {
        self.received.0
    }

    /// Prints a received message as one line and flushes it.
    pub fn print(&mut self, frames: &[Vec<u8>]) -> Result<Printed, Failure> {
        self.received.0 += 1;
        self.received.1 += frames.iter().map(|f| f.len() as u64).sum::<u64>();
        self.line.clear();
        format_message(frames, &self.separator, &mut self.line);
        let mut out = io::stdout().lock();
        let written = out.write_all(&self.line).and_then(|()| out.flush());
        self.tick();
        match written {
            Ok(()) => Ok(Printed::Ok),
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(Printed::Closed),
            Err(e) => Err(Failure::Run(format!("cannot write to stdout: {e}"))),
        }
    }

    /// Counts a sent message.
    pub fn sent(&mut self, frames: &[Vec<u8>]) {
        self.sent.0 += 1;
        self.sent.1 += frames.iter().map(|f| f.len() as u64).sum::<u64>();
        self.tick();
    }

    /// Reports progress if it is on and due.
    fn tick(&mut self) {
        if let Some(last) = self.progress {
            if last.elapsed() >= PROGRESS_EVERY {
                self.report();
            }
        }
    }

    /// Reports progress one last time (if it is on).
    pub fn finish(&mut self) {
        if self.progress.is_some() {
            self.report();
        }
    }

    fn report(&mut self) {
        eprintln!(
            "ferrozmq cat: sent {} messages ({} B), received {} messages ({} B)",
            self.sent.0, self.sent.1, self.received.0, self.received.1
        );
        self.progress = Some(Instant::now());
    }
}
