//! npm `zeromq` 6.x as a draft-API peer: its prebuilt libzmq 4.3.5 has CLIENT, SERVER,
//! RADIO, DISH, SCATTER, GATHER and DGRAM (its `Datagram`). A `node` child process runs `peer.js`, driven by JSON
//! commands over its stdin and stdout. `scripts/test.sh` installs node and runs `npm ci`
//! here; a missing node or package fails the test.

use crate::line_peer::{hex, unhex, LinePeer};
use serde_json::{json, Value};
use std::process::Command;

/// What one received message carried.
#[derive(Debug, PartialEq, Eq)]
pub struct Received {
    pub body: Vec<u8>,
    pub routing_id: Option<u32>,
    pub group: Option<String>,
    /// A Datagram's first frame: the sender's `ip:port`.
    pub address: Option<String>,
}

/// One npm zeromq draft socket in a child process; killed when dropped.
pub struct NpmPeer(LinePeer);

impl NpmPeer {
    /// Starts `peer.js` with a socket of npm zeromq's class `class`: a draft one ("Server",
    /// "Client", "Radio", "Dish", "Scatter", "Gather") or a classic one ("Push", "Reply"...).
    pub fn new(class: &str) -> NpmPeer {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/interop/npm");
        let mut peer = NpmPeer(LinePeer::spawn(
            Command::new("node").arg("peer.js").current_dir(dir),
            "node with npm zeromq is needed for the draft interop tests (scripts/test.sh installs them)",
        ));
        peer.0.ok_json(json!({"op": "socket", "type": class}));
        peer
    }

    /// Binds and returns the resolved endpoint.
    pub fn bind(&mut self, endpoint: &str) -> String {
        let reply = self.0.ok_json(json!({"op": "bind", "endpoint": endpoint}));
        reply["endpoint"].as_str().expect("endpoint").to_string()
    }

    /// Connects to `endpoint`.
    pub fn connect(&mut self, endpoint: &str) {
        self.0
            .ok_json(json!({"op": "connect", "endpoint": endpoint}));
    }

    /// Subscribes to `topic` (Subscriber).
    pub fn subscribe(&mut self, topic: &str) {
        self.0.ok_json(json!({"op": "subscribe", "topic": topic}));
    }

    /// Joins `group` (Dish).
    pub fn join(&mut self, group: &str) {
        self.0.ok_json(json!({"op": "join", "group": group}));
    }

    /// Sends `body`, to `routing_id` (Server) or in `group` (Radio).
    pub fn send(&mut self, body: &[u8], routing_id: Option<u32>, group: Option<&str>) {
        let mut command = json!({"op": "send", "body": hex(body)});
        if let Some(id) = routing_id {
            command["routingId"] = json!(id);
        }
        if let Some(group) = group {
            command["group"] = json!(group);
        }
        self.0.ok_json(command);
    }

    /// The next message, or None after `timeout_ms`.
    pub fn recv(&mut self, timeout_ms: u32) -> Option<Received> {
        let reply: Value = self
            .0
            .call_json(json!({"op": "recv", "timeout": timeout_ms}));
        if reply["ok"] != json!(true) {
            return None;
        }
        Some(Received {
            body: unhex(reply["body"].as_str().expect("hex body")),
            routing_id: reply["routingId"].as_u64().map(|id| id as u32),
            group: reply["group"].as_str().map(str::to_string),
            address: reply["address"].as_str().map(str::to_string),
        })
    }

    /// Sends `body` to `address` (`ip:port`) from a Datagram.
    pub fn send_to(&mut self, address: &str, body: &[u8]) {
        self.0
            .ok_json(json!({"op": "send", "body": hex(body), "address": address}));
    }
}
