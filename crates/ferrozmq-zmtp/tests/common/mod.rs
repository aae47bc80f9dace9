//! Helpers shared by the integration tests: wiring two engines back to back.

#![allow(dead_code)]

use bytes::BytesMut;
use ferrozmq_zmtp::fuzzing::pull_events;
use ferrozmq_zmtp::{Engine, EngineConfig, EngineError, Event, SocketType};

/// One side of an in-memory connection: its engine, the bytes that arrived for it and were
/// not handed to the engine yet, and every event it emitted.
pub struct Side {
    pub engine: Engine,
    pub input: BytesMut,
    pub events: Vec<Event>,
    pub error: Option<EngineError>,
}

impl Side {
    pub fn new(config: EngineConfig) -> Side {
        Side {
            engine: Engine::new(config),
            input: BytesMut::new(),
            events: Vec::new(),
            error: None,
        }
    }

    pub fn of(t: SocketType) -> Side {
        Side::new(EngineConfig::new(t))
    }

    /// Hands the arrived bytes to the engine and pulls its events; records them and the
    /// first error.
    pub fn pull(&mut self) {
        if self.error.is_some() {
            return;
        }
        self.engine.handle_input(&self.input.split());
        let events = &mut self.events;
        if let Err(e) = pull_events(&mut self.engine, &mut |ev| {
            events.push(ev);
            true
        }) {
            self.error = Some(e);
        }
    }
}

/// Moves output between the two sides until neither has anything more to say. Bounded.
pub fn pump(a: &mut Side, b: &mut Side) {
    for _ in 0..16 {
        let mut moved = false;
        let mut buf = Vec::new();
        a.engine.take_output(&mut buf);
        if !buf.is_empty() {
            moved = true;
            b.input.extend_from_slice(&buf);
        }
        buf.clear();
        b.engine.take_output(&mut buf);
        if !buf.is_empty() {
            moved = true;
            a.input.extend_from_slice(&buf);
        }
        a.pull();
        b.pull();
        if !moved {
            return;
        }
    }
    panic!("pump did not settle");
}

/// Two engines of the given types, handshaken (or failed).
pub fn connect(a: EngineConfig, b: EngineConfig) -> (Side, Side) {
    let mut a = Side::new(a);
    let mut b = Side::new(b);
    pump(&mut a, &mut b);
    (a, b)
}

/// The 64-byte greeting a peer with `mechanism`, `major` and `minor` would send.
pub fn raw_greeting(mechanism: &[u8], major: u8, minor: u8) -> Vec<u8> {
    let mut g = vec![0u8; 64];
    g[0] = 0xff;
    g[8] = 1;
    g[9] = 0x7f;
    g[10] = major;
    g[11] = minor;
    g[12..12 + mechanism.len()].copy_from_slice(mechanism);
    g
}

/// A command frame (short or long as needed).
pub fn raw_command(name: &[u8], data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    ferrozmq_zmtp::command::encode(name, data, &mut out);
    out
}

/// A READY frame announcing `socket_type`.
pub fn raw_ready(socket_type: &str) -> Vec<u8> {
    let mut props = Vec::new();
    ferrozmq_zmtp::metadata::encode_property("Socket-Type", socket_type.as_bytes(), &mut props);
    raw_command(b"READY", &props)
}

/// Hands `stream` to the engine in chunks of the given sizes (cycled), pulling events after
/// each and pausing (no more pulls until the next chunk) whenever `pause` says so; returns
/// the events, output and error.
pub fn run_chunked(
    mut engine: Engine,
    stream: &[u8],
    chunks: &[usize],
    pause: &[bool],
) -> (Vec<Event>, Vec<u8>, Option<EngineError>) {
    let mut events = Vec::new();
    let mut out = Vec::new();
    let mut pos = 0;
    let mut i = 0;
    let mut error = None;
    // Every call either consumes input, emits an event or waits for more: bounded by the
    // number of bytes plus events, both finite; the extra bound guards the test itself.
    let mut budget = stream.len() * 4 + 1000;
    loop {
        budget -= 1;
        assert!(budget > 0, "engine made no progress");
        if pos < stream.len() {
            let n = chunks
                .get(i % chunks.len().max(1))
                .copied()
                .unwrap_or(1)
                .max(1);
            let end = pos.saturating_add(n).min(stream.len());
            engine.handle_input(&stream[pos..end]);
            pos = end;
        }
        let before = (engine.input_buffer().len(), events.len());
        let mut k = i;
        let r = pull_events(&mut engine, &mut |e| {
            events.push(e);
            k += 1;
            !pause.get(k % pause.len().max(1)).copied().unwrap_or(false)
        });
        i += 1;
        engine.take_output(&mut out);
        if let Err(e) = r {
            error = Some(e);
            break;
        }
        if pos >= stream.len() && (engine.input_buffer().len(), events.len()) == before {
            break;
        }
    }
    (events, out, error)
}

/// Hand-written ZMTP/1.0 frame (RFC 13): length counts the flags byte; 0xFF + 8 bytes when
/// that length is 255 or more.
pub fn v1_frame(more: bool, body: &[u8]) -> Vec<u8> {
    let len = body.len() as u64 + 1;
    let mut out = if len < 255 {
        vec![len as u8]
    } else {
        let mut v = vec![0xff];
        v.extend_from_slice(&len.to_be_bytes());
        v
    };
    out.push(u8::from(more));
    out.extend_from_slice(body);
    out
}

/// Hand-written ZMTP/2.0 frame (RFC 15): flags (MORE, LONG), 1 or 8 length bytes, body.
pub fn v2_frame(more: bool, body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    if body.len() > 255 {
        out.push(0x02 | u8::from(more));
        out.extend_from_slice(&(body.len() as u64).to_be_bytes());
    } else {
        out.push(u8::from(more));
        out.push(body.len() as u8);
    }
    out.extend_from_slice(body);
    out
}

/// Hand-written ZMTP/1.0 decoder for whole frames: (more, body) each; panics on bad input.
pub fn parse_v1(mut wire: &[u8]) -> Vec<(bool, Vec<u8>)> {
    let mut frames = Vec::new();
    while !wire.is_empty() {
        let (len, rest) = if wire[0] == 0xff {
            (
                u64::from_be_bytes(wire[1..9].try_into().unwrap()) as usize,
                &wire[9..],
            )
        } else {
            (wire[0] as usize, &wire[1..])
        };
        frames.push((rest[0] & 1 == 1, rest[1..len].to_vec()));
        wire = &rest[len..];
    }
    frames
}

/// Hand-written ZMTP/2.0 decoder for whole frames: (more, body) each; panics on bad input.
pub fn parse_v2(mut wire: &[u8]) -> Vec<(bool, Vec<u8>)> {
    let mut frames = Vec::new();
    while !wire.is_empty() {
        let flags = wire[0];
        let (len, rest) = if flags & 0x02 != 0 {
            (
                u64::from_be_bytes(wire[1..9].try_into().unwrap()) as usize,
                &wire[9..],
            )
        } else {
            (wire[1] as usize, &wire[2..])
        };
        frames.push((flags & 1 == 1, rest[..len].to_vec()));
        wire = &rest[len..];
    }
    frames
}

/// The greeting a ZMTP/2.0 (revision 1) or 1.0-with-revision (revision 0) peer sends.
pub fn revision_greeting(revision: u8, socket_type: u8) -> Vec<u8> {
    vec![0xff, 0, 0, 0, 0, 0, 0, 0, 1, 0x7f, revision, socket_type]
}
