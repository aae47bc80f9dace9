//! `Multipart` (CZMQ's `zmsg`; each frame a [`Message`], CZMQ's `zframe`): a whole multipart
//! message as a list of frames, sent and received in one call, with the envelope helpers the
//! guide's brokers use — [`wrap`](Multipart::wrap) an address plus an empty delimiter on the
//! front, [`unwrap`](Multipart::unwrap) it off again.
//!
//! ```
//! use ferrozmq::{Context, Multipart, DEALER, ROUTER};
//! let ctx = Context::new();
//! let router = ctx.socket(ROUTER)?;
//! router.bind("inproc://multipart-doc")?;
//! let dealer = ctx.socket(DEALER)?;
//! dealer.set_identity(b"CLIENT")?;
//! dealer.connect("inproc://multipart-doc")?;
//!
//! let mut request = Multipart::from(["", "HELLO"]);
//! request.send(&dealer)?;
//! let mut got = Multipart::recv(&router)?; // [CLIENT][][HELLO]
//! let client = got.unwrap().unwrap();
//! assert_eq!(&client[..], b"CLIENT");
//! assert_eq!(got.pop_str().as_deref(), Some("HELLO"));
//!
//! let mut reply = Multipart::from(["OK"]);
//! reply.wrap(client);
//! reply.send(&router)?;
//! assert_eq!(dealer.recv_multipart(0)?, [b"".to_vec(), b"OK".to_vec()]);
//! # Ok::<(), ferrozmq::Error>(())
//! ```

use crate::error::{Error, Result};
use crate::message::Message;
use crate::socket::Socket;
use std::collections::VecDeque;
use std::fmt;
use std::io::{Read, Write};

/// A multipart message (`zmsg_t`): frames in order, first frame first.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Multipart {
    frames: VecDeque<Message>,
}

impl Multipart {
    /// An empty message (`zmsg_new`).
    pub fn new() -> Multipart {
        Multipart::default()
    }

    /// Receives every frame of the next message from `socket` (`zmsg_recv`), blocking.
    pub fn recv(socket: &Socket) -> Result<Multipart> {
        Multipart::recv_with(socket, 0)
    }

    /// [`recv`](Multipart::recv) with flags (`DONTWAIT`): the whole message, or nothing.
    pub fn recv_with(socket: &Socket, flags: i32) -> Result<Multipart> {
        Ok(Multipart {
            frames: socket.recv_parts(flags)?.into(),
        })
    }

    /// Sends the message on `socket` as one multipart message (`zmsg_send`), blocking, and
    /// leaves `self` empty; on error nothing was sent and `self` is unchanged. Sending an
    /// empty message is a no-op, as in CZMQ.
    pub fn send(&mut self, socket: &Socket) -> Result<()> {
        self.send_with(socket, 0)
    }

    /// [`send`](Multipart::send) with flags (`DONTWAIT`, `SNDMORE`).
    pub fn send_with(&mut self, socket: &Socket, flags: i32) -> Result<()> {
        if self.frames.is_empty() {
            return Ok(());
        }
        let mut frames: Vec<Message> = std::mem::take(&mut self.frames).into();
        let result = socket.send_parts(&mut frames, flags);
        if result.is_err() {
            self.frames = frames.into();
        }
        result
    }

    /// Number of frames (`zmsg_size`).
    pub fn len(&self) -> usize {
        self.frames.len()
    }

    /// True if there are no frames.
    pub fn is_empty(&self) -> bool {
        self.frames.is_empty()
    }

    /// Total bytes in all frames (`zmsg_content_size`).
    pub fn content_size(&self) -> usize {
        self.frames.iter().map(|f| f.len()).sum()
    }

    /// Puts a frame in front (`zmsg_push`, `zmsg_pushstr`, `zmsg_pushmem`).
    pub fn push(&mut self, frame: impl Into<Message>) {
        self.frames.push_front(frame.into());
    }

    /// Puts a frame at the end (`zmsg_append`, `zmsg_addstr`, `zmsg_addmem`).
    pub fn append(&mut self, frame: impl Into<Message>) {
        self.frames.push_back(frame.into());
    }

    /// Takes the first frame (`zmsg_pop`).
    pub fn pop(&mut self) -> Option<Message> {
        self.frames.pop_front()
    }

    /// Takes the first frame as text, invalid UTF-8 replaced (`zmsg_popstr`).
    pub fn pop_str(&mut self) -> Option<String> {
        self.pop().map(|f| String::from_utf8_lossy(&f).into_owned())
    }

    /// Takes the last frame.
    pub fn pop_back(&mut self) -> Option<Message> {
        self.frames.pop_back()
    }

    /// The first frame (`zmsg_first`).
    pub fn first(&self) -> Option<&Message> {
        self.frames.front()
    }

    /// The last frame (`zmsg_last`).
    pub fn last(&self) -> Option<&Message> {
        self.frames.back()
    }

    /// The frames, first to last (`zmsg_first`/`zmsg_next`).
    pub fn iter(&self) -> impl Iterator<Item = &Message> + '_ {
        self.frames.iter()
    }

    /// Frame `index`, if there is one.
    pub fn get(&self, index: usize) -> Option<&Message> {
        self.frames.get(index)
    }

    /// Puts an envelope in front: `address`, then an empty delimiter (`zmsg_wrap`).
    pub fn wrap(&mut self, address: impl Into<Message>) {
        self.frames.push_front(Message::new());
        self.frames.push_front(address.into());
    }

    /// Takes the envelope off the front (`zmsg_unwrap`): returns the first frame, and drops
    /// the next one if it is an empty delimiter.
    pub fn unwrap(&mut self) -> Option<Message> {
        let address = self.frames.pop_front()?;
        if self.frames.front().is_some_and(|f| f.is_empty()) {
            self.frames.pop_front();
        }
        Some(address)
    }

    /// The frames as `zmsg_dump` and the guide's `s_dump` print them: a rule of 40 dashes,
    /// then `[NNN] ` (the size) and the frame, as text if every byte is printable ASCII,
    /// else in hex.
    pub fn dump(&self) -> String {
        let mut out = "-".repeat(40);
        out.push('\n');
        for frame in &self.frames {
            out.push_str(&frame_line(frame, usize::MAX));
            out.push('\n');
        }
        out
    }

    /// Writes the frames to `file` in `zmsg_save`'s format: per frame, its size as a native
    /// `size_t` (8 bytes little-endian on x86-64 Linux) then its bytes.
    pub fn save(&self, file: &mut impl Write) -> std::io::Result<()> {
        for frame in &self.frames {
            file.write_all(&frame.len().to_ne_bytes())?;
            file.write_all(frame)?;
        }
        Ok(())
    }

    /// Reads a message written by [`save`](Multipart::save) or `zmsg_save` until end of file
    /// (`zmsg_load`). A size whose bytes are missing, or a partial size, is EINVAL; nothing is
    /// allocated for bytes that are not there. Unlike `zmsg_load`, empty frames (envelope
    /// delimiters) load as frames instead of failing the load.
    pub fn load(file: &mut impl Read) -> Result<Multipart> {
        let mut message = Multipart::new();
        loop {
            let mut size = [0u8; std::mem::size_of::<usize>()];
            let got = read_full(file, &mut size)?;
            if got == 0 {
                return Ok(message);
            }
            if got < size.len() {
                return Err(Error::EINVAL);
            }
            let size = usize::from_ne_bytes(size) as u64;
            let mut data = Vec::new();
            file.by_ref()
                .take(size)
                .read_to_end(&mut data)
                .map_err(io_error)?;
            if data.len() as u64 != size {
                return Err(Error::EINVAL);
            }
            message.append(data);
        }
    }
}

/// Reads until `buf` is full or end of file; returns how much was read.
fn read_full(file: &mut impl Read, buf: &mut [u8]) -> Result<usize> {
    let mut got = 0;
    while got < buf.len() {
        match file.read(&mut buf[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(io_error(e)),
        }
    }
    Ok(got)
}

fn io_error(e: std::io::Error) -> Error {
    Error::from_raw(e.raw_os_error().unwrap_or(libc::EIO))
}

/// One frame as `[NNN] text` or `[NNN] HEX`, at most `max` bytes shown, then `...`.
fn frame_line(frame: &[u8], max: usize) -> String {
    let binary = frame.iter().any(|&b| !(32..=127).contains(&b));
    let shown = &frame[..frame.len().min(max)];
    let mut line = format!("[{:03}] ", frame.len());
    if binary {
        for byte in shown {
            line.push_str(&format!("{byte:02X}"));
        }
    } else {
        line.push_str(&String::from_utf8_lossy(shown));
    }
    if shown.len() < frame.len() {
        line.push_str("...");
    }
    line
}

impl fmt::Display for Multipart {
    /// One line per frame as `zmsg_print` prints them (without its log prefix): `[NNN] `
    /// then up to 70 characters of text or 35 bytes of hex, then `...` if cut.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for frame in &self.frames {
            let binary = frame.iter().any(|&b| !(32..=127).contains(&b));
            writeln!(f, "{}", frame_line(frame, if binary { 35 } else { 70 }))?;
        }
        Ok(())
    }
}

impl<T: Into<Message>, const N: usize> From<[T; N]> for Multipart {
    fn from(frames: [T; N]) -> Multipart {
        frames.into_iter().collect()
    }
}

impl From<Vec<Vec<u8>>> for Multipart {
    fn from(frames: Vec<Vec<u8>>) -> Multipart {
        frames.into_iter().collect()
    }
}

impl<T: Into<Message>> FromIterator<T> for Multipart {
    fn from_iter<I: IntoIterator<Item = T>>(frames: I) -> Multipart {
        Multipart {
            frames: frames.into_iter().map(Into::into).collect(),
        }
    }
}

impl IntoIterator for Multipart {
    type Item = Message;
    type IntoIter = std::collections::vec_deque::IntoIter<Message>;
    fn into_iter(self) -> Self::IntoIter {
        self.frames.into_iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_and_unwrap_envelopes() {
        let mut m = Multipart::from(["body"]);
        m.wrap("B");
        m.wrap("A");
        assert_eq!(m.len(), 5);
        assert_eq!(m.unwrap().as_deref(), Some(&b"A"[..]));
        assert_eq!(m.unwrap().as_deref(), Some(&b"B"[..]));
        // No delimiter after the address: only the address comes off.
        assert_eq!(m.unwrap().as_deref(), Some(&b"body"[..]));
        assert_eq!(m.unwrap(), None);
    }

    #[test]
    fn printing_shows_text_or_hex_and_cuts_long_frames() {
        let m = Multipart::from([&b"HELLO"[..], &[0, 1, 0xAB][..], &[b'x'; 80][..]]);
        let printed = m.to_string();
        let lines: Vec<&str> = printed.lines().collect();
        assert_eq!(lines[0], "[005] HELLO");
        assert_eq!(lines[1], "[003] 0001AB");
        assert_eq!(lines[2], format!("[080] {}...", "x".repeat(70)));
        let dumped = m.dump();
        assert!(dumped.starts_with(&format!("{}\n[005] HELLO\n", "-".repeat(40))));
        assert!(dumped.contains(&"x".repeat(80)));
    }

    #[test]
    fn save_and_load_round_trip_in_zmsg_save_format() {
        let m = Multipart::from(["A", "", "payload"]);
        let mut file = Vec::new();
        m.save(&mut file).unwrap();
        let mut expected = 1usize.to_ne_bytes().to_vec();
        expected.extend_from_slice(b"A");
        expected.extend_from_slice(&0usize.to_ne_bytes());
        expected.extend_from_slice(&7usize.to_ne_bytes());
        expected.extend_from_slice(b"payload");
        assert_eq!(file, expected);
        assert_eq!(Multipart::load(&mut &file[..]).unwrap(), m);
    }

    #[test]
    fn truncated_files_are_einval_without_allocating_the_declared_size() {
        let mut file = (usize::MAX / 2).to_ne_bytes().to_vec();
        file.extend_from_slice(b"short");
        assert_eq!(Multipart::load(&mut &file[..]), Err(Error::EINVAL));
        assert_eq!(Multipart::load(&mut &[1u8, 2][..]), Err(Error::EINVAL));
        assert!(Multipart::load(&mut &[][..]).unwrap().is_empty());
    }
}
