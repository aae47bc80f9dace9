//! What the process tests share: a running `ferrozmq` with piped stdio and
//! deadlines on every wait, and sockets (ours and libzmq's) with deadlines on
//! their calls. Each test binary uses a part of it.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError};
use std::thread;
use std::time::{Duration, Instant};

pub const BIN: &str = env!("CARGO_BIN_EXE_ferrozmq");

/// Longest any single step may take.
pub const STEP: Duration = Duration::from_secs(20);

/// A running `ferrozmq` with piped stdin, stdout and stderr; killed on drop.
pub struct Tool {
    child: Child,
    stdin: Option<ChildStdin>,
    stdout: Receiver<String>,
    stderr: Receiver<String>,
    /// stderr lines seen so far (kept for messages).
    err_seen: Vec<String>,
}

/// What a finished tool left.
pub struct Finished {
    /// How it exited.
    pub status: ExitStatus,
    /// Its stdout lines.
    pub stdout: Vec<String>,
    /// Its stderr lines.
    pub stderr: Vec<String>,
}

/// Sends each line a pipe yields to a channel, until end of file.
pub fn lines<R: Read + Send + 'static>(pipe: R) -> Receiver<String> {
    let (tx, rx) = channel();
    thread::spawn(move || {
        let mut reader = BufReader::new(pipe);
        let mut line = Vec::new();
        while reader.read_until(b'\n', &mut line).unwrap_or(0) > 0 {
            let text = String::from_utf8_lossy(&line);
            if tx.send(text.trim_end_matches('\n').to_string()).is_err() {
                return;
            }
            line.clear();
        }
    });
    rx
}

impl Tool {
    pub fn start(args: &[&str]) -> Tool {
        let mut child = Command::new(BIN)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start ferrozmq");
        Tool {
            stdin: child.stdin.take(),
            stdout: lines(child.stdout.take().expect("stdout")),
            stderr: lines(child.stderr.take().expect("stderr")),
            child,
            err_seen: Vec::new(),
        }
    }

    /// Starts the tool with `input` on stdin, then closes it.
    pub fn with_input(args: &[&str], input: &[u8]) -> Tool {
        let mut tool = Tool::start(args);
        tool.write(input);
        tool.close_stdin();
        tool
    }

    pub fn write(&mut self, input: &[u8]) {
        let stdin = self.stdin.as_mut().expect("stdin open");
        stdin.write_all(input).expect("write stdin");
        stdin.flush().expect("flush stdin");
    }

    pub fn close_stdin(&mut self) {
        self.stdin = None;
    }

    /// The next stdout line.
    pub fn line(&mut self) -> String {
        match self.stdout.recv_timeout(STEP) {
            Ok(line) => line,
            Err(e) => panic!("no stdout line ({e:?}); stderr: {:?}", self.err_seen),
        }
    }

    /// Waits for the stderr line `ferrozmq <label>bound to <endpoint>`.
    pub fn bound(&mut self, label: &str) -> String {
        let prefix = format!("ferrozmq {label}bound to ");
        let deadline = Instant::now() + STEP;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.stderr.recv_timeout(left) {
                Ok(line) => {
                    if let Some(endpoint) = line.strip_prefix(&prefix) {
                        return endpoint.to_string();
                    }
                    self.err_seen.push(line);
                }
                Err(e) => panic!("no '{prefix}' line ({e:?}); stderr: {:?}", self.err_seen),
            }
        }
    }

    pub fn signal(&self, signal: libc::c_int) {
        let pid = self.child.id() as libc::pid_t;
        // SAFETY: kill only sends a signal to our own child process.
        assert_eq!(unsafe { libc::kill(pid, signal) }, 0);
    }

    /// Waits for the exit (panics past `STEP`) and collects what is left.
    pub fn finish(mut self) -> Finished {
        self.close_stdin();
        let deadline = Instant::now() + STEP;
        let status = loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                break status;
            }
            assert!(
                Instant::now() < deadline,
                "timed out; stderr: {:?}",
                self.err_seen
            );
            thread::sleep(Duration::from_millis(5));
        };
        let rest = |rx: &Receiver<String>| {
            let mut out = Vec::new();
            loop {
                match rx.recv_timeout(STEP) {
                    Ok(line) => out.push(line),
                    Err(RecvTimeoutError::Disconnected) => return out,
                    Err(RecvTimeoutError::Timeout) => panic!("output never ended"),
                }
            }
        };
        let stdout = rest(&self.stdout);
        let mut stderr = std::mem::take(&mut self.err_seen);
        stderr.extend(rest(&self.stderr));
        Finished {
            status,
            stdout,
            stderr,
        }
    }
}

impl Drop for Tool {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

impl Finished {
    pub fn assert_ok(&self) -> &Finished {
        assert!(
            self.status.success(),
            "{}; stdout {:?}; stderr {:?}",
            self.status,
            self.stdout,
            self.stderr
        );
        self
    }
}

/// A ferrozmq socket bound to a wildcard tcp port, and its endpoint.
pub fn ours_bound(
    ctx: &ferrozmq::Context,
    kind: ferrozmq::SocketType,
) -> (ferrozmq::Socket, String) {
    let s = ctx.socket(kind).unwrap();
    s.set_rcvtimeo(STEP.as_millis() as i32).unwrap();
    s.set_sndtimeo(STEP.as_millis() as i32).unwrap();
    s.set_linger(0).unwrap();
    s.bind("tcp://127.0.0.1:*").unwrap();
    let ep = s.get_last_endpoint().unwrap().unwrap();
    (s, ep)
}

/// A libzmq socket with deadlines on its calls.
pub fn theirs(ctx: &zmq::Context, kind: zmq::SocketType) -> zmq::Socket {
    let s = ctx.socket(kind).unwrap();
    s.set_rcvtimeo(STEP.as_millis() as i32).unwrap();
    s.set_sndtimeo(STEP.as_millis() as i32).unwrap();
    s.set_linger(0).unwrap();
    s
}
