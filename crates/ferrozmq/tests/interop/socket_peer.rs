//! A socket of another ZeroMQ library in a child process (JeroMQ's `jeromq/Peer.java`, libzmq
//! 4.1's `libzmq41/peer.c`), driven by the same line commands over stdin and stdout.

use crate::line_peer::LinePeer;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::Command;
use std::time::Duration;

/// One socket in a peer child process; killed when dropped.
pub struct SocketPeer(LinePeer);

impl SocketPeer {
    /// Starts `command` (`missing`: what to install when it cannot start) and opens a socket
    /// of `socket_type` (the libraries' constant name, e.g. "REP") in it.
    pub fn spawn(command: &mut Command, missing: &str, socket_type: &str) -> SocketPeer {
        let mut peer = SocketPeer(LinePeer::spawn(command, missing));
        peer.ok(&format!("socket {socket_type}"));
        peer
    }

    /// Sends one command line and returns its answer line.
    fn call(&mut self, command: &str) -> String {
        self.0.call(command)
    }

    /// Sends one command that must succeed; its value (what follows "ok ").
    pub fn ok(&mut self, command: &str) -> String {
        let reply = self.call(command);
        match reply.strip_prefix("ok") {
            Some(value) => value.trim_start().to_string(),
            None => panic!("peer process failed {command:?}: {reply}"),
        }
    }

    /// Sets the routing id (before bind or connect).
    pub fn identity(&mut self, id: &[u8]) {
        self.ok(&format!("identity {}", hex(id)));
    }

    /// Binds on a free tcp port of 127.0.0.1 and returns the endpoint.
    pub fn bind(&mut self) -> String {
        let port = self.ok("bind 127.0.0.1");
        format!("tcp://127.0.0.1:{port}")
    }

    /// Connects to `endpoint`.
    pub fn connect(&mut self, endpoint: &str) {
        self.ok(&format!("connect {endpoint}"));
    }

    /// Subscribes a SUB socket to `topic`.
    pub fn subscribe(&mut self, topic: &[u8]) {
        self.ok(&format!("subscribe {}", hex(topic)));
    }

    /// Sends one message.
    pub fn send(&mut self, frames: &[&[u8]]) {
        let frames: Vec<String> = frames.iter().map(|f| hex(f)).collect();
        self.ok(&format!("send {}", frames.join(",")));
    }

    /// Receives one message within `timeout_ms`; None on timeout.
    pub fn recv(&mut self, timeout_ms: u32) -> Option<Vec<Vec<u8>>> {
        let reply = self.call(&format!("recv {timeout_ms}"));
        if reply == "timeout" {
            return None;
        }
        let frames = reply
            .strip_prefix("frames ")
            .unwrap_or_else(|| panic!("peer recv failed: {reply}"));
        Some(frames.split(',').map(unhex).collect())
    }
}

/// Lowercase hex of `bytes`; "-" for none (the peer's form of an empty frame).
fn hex(bytes: &[u8]) -> String {
    if bytes.is_empty() {
        return "-".to_string();
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Vec<u8> {
    if text == "-" {
        return Vec::new();
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).expect("hex"))
        .collect()
}

/// The first 12 bytes a peer listening on tcp `endpoint` greets with, once sent a versioned
/// signature and our major version 3: its signature, then its revision (major) byte and what
/// follows it in that revision (the minor version, or for ZMTP/2.0 its socket type).
pub fn greeting_start(endpoint: &str) -> [u8; 12] {
    let mut raw = TcpStream::connect(endpoint.trim_start_matches("tcp://")).unwrap();
    raw.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    raw.write_all(&[0xff, 0, 0, 0, 0, 0, 0, 0, 1, 0x7f, 3])
        .unwrap();
    let mut greeting = [0u8; 12];
    raw.read_exact(&mut greeting).unwrap();
    assert_eq!(greeting[0], 0xff);
    assert_eq!(greeting[9], 0x7f);
    greeting
}
