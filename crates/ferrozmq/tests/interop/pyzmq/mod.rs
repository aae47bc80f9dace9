//! A real libzmq peer with CURVE, for the security interop tests: a pyzmq socket in a
//! `python3` child process (`peer.py`), driven by JSON commands over its stdin and stdout.
//!
//! pyzmq bundles libzmq 4.3.5 built with libsodium; `scripts/test.sh` installs it. A missing
//! python3 or pyzmq fails the test (it is a missing install step, not a reason to skip).

#![allow(dead_code)]

use crate::line_peer::LinePeer;
use serde_json::{json, Value};
use std::process::Command;

/// One pyzmq socket in a child process; killed when dropped.
pub struct PyPeer(LinePeer);

impl PyPeer {
    /// Starts `peer.py` and makes its socket of `socket_type` (a zmq constant name, e.g.
    /// "REP") with `options` (zmq option names to values).
    pub fn new(socket_type: &str, options: Value) -> PyPeer {
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/interop/pyzmq/peer.py");
        let mut peer = PyPeer(LinePeer::spawn(
            Command::new("python3").arg(script),
            "python3 with pyzmq is needed for the security interop tests (scripts/test.sh installs it)",
        ));
        peer.ok(json!({"op": "socket", "type": socket_type, "options": options}));
        peer
    }

    /// Sends one command and returns its answer (`ok` true or false).
    pub fn call(&mut self, command: Value) -> Value {
        self.0.call_json(command)
    }

    /// Sends one command that must succeed.
    pub fn ok(&mut self, command: Value) -> Value {
        self.0.ok_json(command)
    }

    /// Binds and returns the resolved endpoint.
    pub fn bind(&mut self, endpoint: &str) -> String {
        let reply = self.ok(json!({"op": "bind", "endpoint": endpoint}));
        reply["endpoint"].as_str().expect("endpoint").to_string()
    }

    /// Connects to `endpoint`.
    pub fn connect(&mut self, endpoint: &str) {
        self.ok(json!({"op": "connect", "endpoint": endpoint}));
    }

    /// Sends one message.
    pub fn send(&mut self, frames: &[&[u8]]) {
        let frames: Vec<String> = frames.iter().map(|f| hex(f)).collect();
        self.ok(json!({"op": "send", "frames": frames}));
    }

    /// Receives one message within `timeout_ms`; None on timeout.
    pub fn recv(&mut self, timeout_ms: u32) -> Option<Vec<Vec<u8>>> {
        self.recv_with(timeout_ms, &[]).map(|(frames, _)| frames)
    }

    /// Receives one message and the named properties of its last frame (`zmq_msg_gets`).
    pub fn recv_with(
        &mut self,
        timeout_ms: u32,
        properties: &[&str],
    ) -> Option<(Vec<Vec<u8>>, Value)> {
        let reply =
            self.call(json!({"op": "recv", "timeout": timeout_ms, "properties": properties}));
        if reply["ok"] != json!(true) {
            let error = reply["error"].as_str().unwrap_or_default();
            assert!(error.contains("Again"), "python recv failed: {reply}");
            return None;
        }
        let frames = reply["frames"]
            .as_array()
            .expect("frames")
            .iter()
            .map(|f| unhex(f.as_str().expect("hex frame")))
            .collect();
        Some((frames, reply["properties"].clone()))
    }

    /// Subscribes a SUB socket to `topic`.
    pub fn subscribe(&mut self, topic: &[u8]) {
        self.ok(json!({"op": "subscribe", "topic": hex(topic)}));
    }

    /// Starts pyzmq's ZAP handler (ThreadAuthenticator) with a policy, e.g.
    /// `json!({"plain": {"admin": "secret"}})` or `json!({"curve_any": true})`.
    pub fn authenticator(&mut self, policy: Value) {
        let mut command = policy;
        command["op"] = json!("auth");
        self.ok(command);
    }

    /// Starts monitoring the socket's events (call before bind or connect).
    pub fn monitor(&mut self) {
        self.ok(json!({"op": "monitor"}));
    }

    /// The next handshake outcome the socket's monitor reports, as (event number, value),
    /// skipping connection lifecycle events; fails the test if none comes within 5 s.
    pub fn handshake(&mut self) -> (u16, u32) {
        let reply = self.ok(json!({"op": "handshake", "timeout": 5000}));
        let number = |k: &str| reply[k].as_u64().expect("event field");
        (number("event") as u16, number("value") as u32)
    }

    /// A fresh CURVE key pair from libzmq, as Z85 (public, secret).
    pub fn keypair(&mut self) -> (String, String) {
        let reply = self.ok(json!({"op": "keypair"}));
        let text = |k: &str| reply[k].as_str().expect("key").to_string();
        (text("public"), text("secret"))
    }
}

pub use crate::line_peer::{hex, unhex};
