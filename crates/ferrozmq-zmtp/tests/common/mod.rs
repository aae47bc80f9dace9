//! Helpers shared by the integration tests: wiring two engines back to back.

#![allow(dead_code)]

use bytes::BytesMut;
use ferrozmq_zmtp::{Engine, EngineConfig, EngineError, Event, SocketType};

/// One side of an in-memory connection: its engine, the bytes it has not consumed yet, and
/// every event it emitted.
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

    /// Feeds pending input; records events and the first error.
    pub fn feed(&mut self) {
        if self.error.is_some() {
            return;
        }
        let events = &mut self.events;
        if let Err(e) = self.engine.handle_input(&mut self.input, &mut |ev| {
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
        a.feed();
        b.feed();
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
