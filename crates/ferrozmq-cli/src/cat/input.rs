//! stdin for `cat`: a thread reads lines and hands them, already split into
//! frames, to the main thread over an inproc PAIR, so the main thread can
//! wait for stdin and its socket together with `ferrozmq::poll`.
//!
//! The PAIR lives in a context of its own: the reader thread may stay blocked
//! in `read` when `cat` is done, and the main socket's context must still be
//! able to terminate (and linger) without waiting for it.

use std::io::BufRead;
use std::thread;

use ferrozmq::{Context, Socket, PAIR};

use crate::cli_args::Failure;
use crate::frames::parse_line;

/// First frame of a line message.
const LINE: &[u8] = b"L";
/// First (only) frame of the end-of-input message.
const END: &[u8] = b"E";
/// First frame of a read error; the second holds the error text.
const FAILED: &[u8] = b"F";

/// What the reader thread reports.
#[derive(Debug, PartialEq, Eq)]
pub enum Input {
    /// One line, as frames.
    Line(Vec<Vec<u8>>),
    /// stdin ended.
    End,
}

/// The main thread's end of the stdin reader.
pub struct Stdin {
    socket: Socket,
    // Declared after `socket` so that the socket closes first.
    _ctx: Context,
}

impl Stdin {
    /// Starts the reader thread.
    pub fn spawn(separator: Vec<u8>) -> Result<Stdin, Failure> {
        let fail = |e: ferrozmq::Error| Failure::Run(format!("cannot set up stdin: {e}"));
        let ctx = Context::new();
        let socket = ctx.socket(PAIR).map_err(fail)?;
        socket.bind("inproc://stdin").map_err(fail)?;
        let feed = ctx.socket(PAIR).map_err(fail)?;
        feed.connect("inproc://stdin").map_err(fail)?;
        thread::Builder::new()
            .name("stdin".into())
            .spawn(move || read_lines(&feed, &separator))
            .map_err(|e| Failure::Run(format!("cannot start the stdin thread: {e}")))?;
        Ok(Stdin { socket, _ctx: ctx })
    }

    /// The socket to poll for input.
    pub fn socket(&self) -> &Socket {
        &self.socket
    }

    /// The next line or the end (blocks).
    pub fn next(&self) -> Result<Input, Failure> {
        let fail = |e: ferrozmq::Error| Failure::Run(format!("cannot read stdin: {e}"));
        let mut frames = self.socket.recv_multipart(0).map_err(fail)?;
        match frames.first().map(Vec::as_slice) {
            Some(LINE) => {
                frames.remove(0);
                Ok(Input::Line(frames))
            }
            Some(END) => Ok(Input::End),
            _ => {
                let text = frames
                    .get(1)
                    .map(|t| String::from_utf8_lossy(t).into_owned());
                Err(Failure::Run(format!(
                    "cannot read stdin: {}",
                    text.unwrap_or_default()
                )))
            }
        }
    }
}

/// The reader thread: each line (without its `\n`) as a LINE message, then
/// END, or FAILED on a read error. A send fails only once `cat` is done.
fn read_lines(feed: &Socket, separator: &[u8]) {
    let stdin = std::io::stdin();
    let mut stdin = stdin.lock();
    let mut line = Vec::new();
    loop {
        line.clear();
        let message = match stdin.read_until(b'\n', &mut line) {
            Ok(0) => vec![END.to_vec()],
            Ok(_) => {
                if line.last() == Some(&b'\n') {
                    line.pop();
                }
                let mut frames = vec![LINE.to_vec()];
                frames.extend(parse_line(&line, separator));
                frames
            }
            Err(e) => vec![FAILED.to_vec(), e.to_string().into_bytes()],
        };
        let last = message[0] != LINE;
        if feed.send_multipart(message, 0).is_err() || last {
            return;
        }
    }
}
