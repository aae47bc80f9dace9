//! Just enough ZMTP 3.x, by hand, for the attacker and the legit peers: a NULL greeting,
//! READY, frames and commands, and reading frames back.

use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

/// MORE flag of a frame.
pub const MORE: u8 = 0x01;
/// COMMAND flag of a frame.
const COMMAND: u8 = 0x04;
/// LONG flag of a frame (8-byte size).
const LONG: u8 = 0x02;

/// A NULL-mechanism greeting announcing ZMTP 3.`minor`, as a client.
fn greeting(minor: u8) -> Vec<u8> {
    let mut g = vec![0xff, 0, 0, 0, 0, 0, 0, 0, 0x01, 0x7f, 0x03, minor];
    g.extend_from_slice(b"NULL");
    g.resize(64, 0);
    g
}

/// A frame header for a body of `len` bytes with `flags`.
pub fn header(flags: u8, len: usize) -> Vec<u8> {
    if len <= 255 {
        vec![flags, len as u8]
    } else {
        let mut h = vec![flags | LONG];
        h.extend_from_slice(&(len as u64).to_be_bytes());
        h
    }
}

/// A whole frame.
pub fn frame(flags: u8, body: &[u8]) -> Vec<u8> {
    let mut f = header(flags, body.len());
    f.extend_from_slice(body);
    f
}

/// A command frame `name` + `data`.
pub fn command(name: &[u8], data: &[u8]) -> Vec<u8> {
    let body = [&[name.len() as u8][..], name, data].concat();
    frame(COMMAND, &body)
}

/// A raw ZMTP connection.
pub struct Peer {
    /// The TCP connection.
    pub stream: TcpStream,
}

impl Peer {
    /// Connects to `endpoint` (`tcp://host:port`), greets as ZMTP 3.`minor` announcing
    /// `socket_type`, and reads the other side's greeting and READY within `timeout`.
    pub fn connect(
        endpoint: &str,
        minor: u8,
        socket_type: &str,
        timeout: Duration,
    ) -> io::Result<Peer> {
        let addr = endpoint.strip_prefix("tcp://").unwrap_or(endpoint);
        let stream = TcpStream::connect(addr)?;
        stream.set_nodelay(true)?;
        stream.set_read_timeout(Some(timeout))?;
        let mut peer = Peer { stream };
        let mut props = vec![11];
        props.extend_from_slice(b"Socket-Type");
        props.extend_from_slice(&(socket_type.len() as u32).to_be_bytes());
        props.extend_from_slice(socket_type.as_bytes());
        peer.stream.write_all(&greeting(minor))?;
        peer.stream.write_all(&command(b"READY", &props))?;
        let mut theirs = [0u8; 64];
        peer.stream.read_exact(&mut theirs)?;
        let (flags, _) = peer.read_frame()?;
        if flags & COMMAND == 0 {
            return Err(io::Error::other("no READY from the victim"));
        }
        Ok(peer)
    }

    /// Reads one frame: its flags and body.
    pub fn read_frame(&mut self) -> io::Result<(u8, Vec<u8>)> {
        let mut flags = [0u8; 1];
        self.stream.read_exact(&mut flags)?;
        let size = if flags[0] & LONG != 0 {
            let mut size = [0u8; 8];
            self.stream.read_exact(&mut size)?;
            u64::from_be_bytes(size) as usize
        } else {
            let mut size = [0u8; 1];
            self.stream.read_exact(&mut size)?;
            usize::from(size[0])
        };
        if size > 1 << 20 {
            return Err(io::Error::other("unexpectedly large frame"));
        }
        let mut body = vec![0u8; size];
        self.stream.read_exact(&mut body)?;
        Ok((flags[0], body))
    }

    /// Reads frames up to the next single-frame data message.
    pub fn read_message(&mut self) -> io::Result<Vec<u8>> {
        loop {
            let (flags, body) = self.read_frame()?;
            if flags & (COMMAND | MORE) == 0 {
                return Ok(body);
            }
        }
    }
}
