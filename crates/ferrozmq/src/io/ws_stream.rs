//! The ws transport's connection: a tcp stream whose bytes pass through a ZWS 2.0 bridge
//! (`ferrozmq_zmtp::zws`), so the session and its ZMTP engine read and write the ZMTP byte
//! stream as over tcp. The HTTP upgrade runs first, as a connect in progress does
//! (`Stream::finish_connect`), on both the connecting and the accepting side. For wss, a
//! TLS layer sits between the WebSocket bytes and the tcp stream; its handshake runs as
//! the upgrade's bytes are first read and written.
//!
//! Writes: the engine's bytes are translated into WebSocket frames and reported written only
//! once their frames are in the kernel, so nothing translated is ever stranded while the
//! session believes its output empty (pongs and close replies go out between our frames,
//! with the next write or read). Reads: the socket is read until it would block or a chunk of ZMTP bytes
//! is ready, so a short read still means the kernel is drained (the session's edge rule).

use super::tls::TlsLayer;
use crate::options::{Mechanism, Options};
use ferrozmq_zmtp::zws::{Bridge, ClientHandshake, Decoded, ServerHandshake};
use ferrozmq_zmtp::SocketType;
use mio::net::TcpStream;
use std::collections::VecDeque;
use std::io::{self, IoSlice, Read, Write};
use std::sync::Arc;

/// Longest run of engine bytes translated in one write call.
const MAX_TRANSLATE: usize = 256 * 1024;

/// Where a ws connection is in its life.
#[derive(Debug)]
enum Phase {
    /// Our request is going out or the server's 101 is awaited.
    Client(Box<ClientHandshake>),
    /// The client's request is awaited or our 101 is going out.
    Server(Box<ServerHandshake>),
    /// Upgraded: frames flow.
    Open,
}

/// A ws connection's state beside its tcp stream.
#[derive(Debug)]
pub(crate) struct WsLink {
    phase: Phase,
    bridge: Bridge,
    /// Accepting side: the peer type a bare-ZWS client (which names none) is taken for.
    bare_peer: Option<SocketType>,
    /// Translated bytes the engine has not read yet (the peer's greeting first).
    zmtp_in: Vec<u8>,
    zmtp_pos: usize,
    /// WebSocket bytes not yet in the kernel.
    wire_out: Vec<u8>,
    wire_sent: usize,
    /// Bytes ever appended to / written from `wire_out`.
    wire_total: u64,
    wire_written: u64,
    /// Per translated run: where its frames end in the wire stream, and its engine bytes.
    runs: VecDeque<(u64, usize)>,
    /// Engine bytes translated but not yet reported written.
    held: usize,
    /// Pongs and close replies owed to the peer, put on the wire between our frames.
    replies: Vec<u8>,
    /// The peer closed (EOF or a close frame).
    closed: bool,
    raw: Vec<u8>,
    /// wss: the TLS session the WebSocket bytes pass through.
    tls: Option<Box<TlsLayer>>,
}

/// What a ws listener gives each connection it accepts: the socket's mechanism and type,
/// and for wss the TLS configuration made from its certificate and key at bind.
#[derive(Clone)]
pub(crate) struct WsAccept {
    mechanism: &'static str,
    socket_type: SocketType,
    tls: Option<Arc<rustls::ServerConfig>>,
}

impl WsAccept {
    /// The accepting side of a socket of `socket_type` with `options`; `tls` for wss.
    pub(crate) fn new(
        options: &Options,
        socket_type: SocketType,
        tls: Option<Arc<rustls::ServerConfig>>,
    ) -> WsAccept {
        WsAccept {
            mechanism: mechanism_name(options),
            socket_type,
            tls,
        }
    }

    /// The link of one accepted connection.
    pub(crate) fn link(&self) -> io::Result<WsLink> {
        let tls = match &self.tls {
            Some(config) => Some(TlsLayer::server(config.clone())?),
            None => None,
        };
        Ok(WsLink::server(self.mechanism, self.socket_type, tls))
    }
}

/// The ZMTP name of the socket's mechanism, which its subprotocol carries.
fn mechanism_name(options: &Options) -> &'static str {
    match options.security.mechanism {
        Mechanism::ZMQ_NULL => "NULL",
        Mechanism::ZMQ_PLAIN => "PLAIN",
        Mechanism::ZMQ_CURVE => "CURVE",
    }
}

fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    // A failing OS generator leaves zeros: the keys then only lose their unpredictability.
    let _ = getrandom::getrandom(&mut bytes);
    bytes
}

impl WsLink {
    /// A connecting side's link: `GET path` on `host` (the Host header, `host:port`), over
    /// `tls` for wss.
    pub(crate) fn client(
        host: &str,
        path: &str,
        options: &Options,
        tls: Option<TlsLayer>,
    ) -> WsLink {
        let mechanism = mechanism_name(options);
        let handshake = ClientHandshake::new(host, path, mechanism, random_bytes());
        WsLink::new(Phase::Client(Box::new(handshake)), true, mechanism, tls)
    }

    /// An accepted side's link, for a socket of `socket_type` whose mechanism is `mechanism`.
    fn server(mechanism: &'static str, socket_type: SocketType, tls: Option<TlsLayer>) -> WsLink {
        let handshake = ServerHandshake::new(mechanism);
        let mut link = WsLink::new(Phase::Server(Box::new(handshake)), false, mechanism, tls);
        link.bare_peer = socket_type.a_compatible_peer();
        link
    }

    fn new(phase: Phase, client: bool, mechanism: &str, tls: Option<TlsLayer>) -> WsLink {
        let mut zmtp_in = Vec::new();
        let bridge = Bridge::new(
            client,
            mechanism,
            u64::from_ne_bytes(random_bytes()),
            &mut zmtp_in,
        );
        WsLink {
            phase,
            bridge,
            bare_peer: None,
            zmtp_in,
            zmtp_pos: 0,
            wire_out: Vec::new(),
            wire_sent: 0,
            wire_total: 0,
            wire_written: 0,
            runs: VecDeque::new(),
            held: 0,
            replies: Vec::new(),
            closed: false,
            raw: vec![0; 64 * 1024],
            tls: tls.map(Box::new),
        }
    }

    /// Moves the HTTP upgrade on as far as the socket allows; true once frames may flow.
    pub(crate) fn handshake(&mut self, s: &mut TcpStream) -> io::Result<bool> {
        loop {
            let rest = match &mut self.phase {
                Phase::Open => return Ok(true),
                Phase::Client(h) => {
                    if !h.output().is_empty() {
                        match write_wire(&mut self.tls, s, h.output()) {
                            Ok(n) => h.wrote(n),
                            Err(e) => return would_block(e),
                        }
                        continue;
                    }
                    match read_wire(&mut self.tls, s, &mut self.raw[..1024]) {
                        Ok(0) => return Err(io::ErrorKind::UnexpectedEof.into()),
                        Ok(n) => match h.received(&self.raw[..n]).map_err(invalid)? {
                            Some(rest) => rest,
                            None => continue,
                        },
                        Err(e) => return would_block(e),
                    }
                }
                Phase::Server(h) => {
                    if h.is_done() {
                        if h.is_bare() {
                            let Some(peer) = self.bare_peer else {
                                let why = "no socket type takes a bare ZWS peer";
                                return Err(io::Error::new(io::ErrorKind::InvalidData, why));
                            };
                            self.bridge.go_bare(peer);
                        }
                        h.take_rest()
                    } else if !h.output().is_empty() {
                        match write_wire(&mut self.tls, s, h.output()) {
                            Ok(n) => h.wrote(n),
                            Err(e) => return would_block(e),
                        }
                        continue;
                    } else {
                        match read_wire(&mut self.tls, s, &mut self.raw[..1024]) {
                            Ok(0) => return Err(io::ErrorKind::UnexpectedEof.into()),
                            Ok(n) => {
                                h.received(&self.raw[..n]).map_err(invalid)?;
                                continue;
                            }
                            Err(e) => return would_block(e),
                        }
                    }
                }
            };
            self.phase = Phase::Open;
            self.take_wire(&rest)?;
            return Ok(true);
        }
    }

    /// Decodes the peer's bytes `wire` into `zmtp_in` (replies into `replies`).
    fn take_wire(&mut self, wire: &[u8]) -> io::Result<()> {
        let decoded = self
            .bridge
            .decode(wire, &mut self.zmtp_in, &mut self.replies)
            .map_err(invalid)?;
        if decoded == Decoded::Closed {
            self.closed = true;
        }
        self.queue_replies();
        Ok(())
    }

    /// Moves owed replies onto the wire if no frame of ours is half written.
    fn queue_replies(&mut self) {
        if !self.replies.is_empty() && self.bridge.between_frames() {
            self.wire_total += self.replies.len() as u64;
            self.wire_out.append(&mut self.replies);
        }
    }

    /// Reads up to `max` translated bytes into `buf` (see the module docs for when it reads
    /// the socket).
    pub(crate) fn read_into(
        &mut self,
        s: &mut TcpStream,
        buf: &mut bytes::BytesMut,
        max: usize,
    ) -> io::Result<usize> {
        let mut blocked = None;
        while self.zmtp_in.len() - self.zmtp_pos < max && !self.closed {
            match read_wire(&mut self.tls, s, &mut self.raw) {
                Ok(0) => self.closed = true,
                Ok(n) => {
                    let raw = std::mem::take(&mut self.raw);
                    let taken = self.take_wire(&raw[..n]);
                    self.raw = raw;
                    taken?;
                }
                Err(e) => {
                    blocked = Some(e);
                    break;
                }
            }
        }
        // Pongs and close replies go out as far as the kernel takes them now.
        self.flush(s)?;
        let available = self.zmtp_in.len() - self.zmtp_pos;
        if available == 0 {
            return match blocked {
                Some(e) => Err(e),
                None => Ok(0),
            };
        }
        let n = available.min(max);
        buf.extend_from_slice(&self.zmtp_in[self.zmtp_pos..self.zmtp_pos + n]);
        self.zmtp_pos += n;
        if self.zmtp_pos == self.zmtp_in.len() {
            self.zmtp_in.clear();
            self.zmtp_pos = 0;
        }
        Ok(n)
    }

    /// Translates and writes the engine's `slices`; the count is of engine bytes whose
    /// frames are in the kernel.
    pub(crate) fn write_vectored(
        &mut self,
        s: &mut TcpStream,
        slices: &[IoSlice<'_>],
    ) -> io::Result<usize> {
        if !matches!(self.phase, Phase::Open) {
            return Err(io::ErrorKind::WouldBlock.into());
        }
        let mut skip = self.held;
        let mut translated = 0;
        for slice in slices {
            if translated >= MAX_TRANSLATE {
                break;
            }
            let bytes: &[u8] = slice;
            if skip >= bytes.len() {
                skip -= bytes.len();
                continue;
            }
            let bytes = &bytes[skip..];
            skip = 0;
            let take = bytes.len().min(MAX_TRANSLATE - translated);
            let before = self.wire_out.len();
            self.bridge.encode(&bytes[..take], &mut self.wire_out);
            self.wire_total += (self.wire_out.len() - before) as u64;
            translated += take;
        }
        if translated > 0 {
            self.runs.push_back((self.wire_total, translated));
            self.held += translated;
        }
        self.queue_replies();
        let blocked = self.flush(s)?;
        // Bytes TLS took but has not sent yet are not in the kernel.
        let in_kernel = self.wire_written - self.tls.as_ref().map_or(0, |t| t.unconfirmed()) as u64;
        let mut reported = 0;
        while let Some(&(end, n)) = self.runs.front() {
            if end > in_kernel {
                break;
            }
            self.runs.pop_front();
            reported += n;
        }
        self.held -= reported;
        if reported == 0 && blocked {
            return Err(io::ErrorKind::WouldBlock.into());
        }
        Ok(reported)
    }

    /// Writes `wire_out` until it is empty or the kernel blocks (true then; for wss, also
    /// while TLS records wait for the kernel).
    fn flush(&mut self, s: &mut TcpStream) -> io::Result<bool> {
        if let Some(tls) = &mut self.tls {
            if tls.flush(s)? {
                return Ok(true);
            }
        }
        while self.wire_sent < self.wire_out.len() {
            match write_wire(&mut self.tls, s, &self.wire_out[self.wire_sent..]) {
                Ok(n) => {
                    self.wire_sent += n;
                    self.wire_written += n as u64;
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(true),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        self.wire_out.clear();
        self.wire_sent = 0;
        Ok(self.tls.as_ref().is_some_and(|t| t.unconfirmed() > 0))
    }
}

/// Reads the peer's WebSocket bytes: from the tcp stream, through TLS for wss.
fn read_wire(
    tls: &mut Option<Box<TlsLayer>>,
    s: &mut TcpStream,
    buf: &mut [u8],
) -> io::Result<usize> {
    match tls {
        Some(tls) => tls.read(s, buf),
        None => s.read(buf),
    }
}

/// Writes our WebSocket bytes: to the tcp stream, through TLS for wss.
fn write_wire(tls: &mut Option<Box<TlsLayer>>, s: &mut TcpStream, buf: &[u8]) -> io::Result<usize> {
    match tls {
        Some(tls) => tls.write(s, buf),
        None => s.write(buf),
    }
}

/// Ok(false) for a would-block, else the error.
fn would_block(e: io::Error) -> io::Result<bool> {
    match e.kind() {
        io::ErrorKind::WouldBlock | io::ErrorKind::Interrupted => Ok(false),
        _ => Err(e),
    }
}

/// A protocol error of the peer, as an I/O error naming it.
fn invalid(e: impl std::error::Error + Send + Sync + 'static) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, e)
}
