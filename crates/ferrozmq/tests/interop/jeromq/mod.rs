//! JeroMQ (Debian's libjeromq-java 0.3.6, pure Java) as a peer: `Peer.java`, compiled once per
//! test run with `javac`, drives one JeroMQ socket by line commands over stdin and stdout.
//! JeroMQ 0.3.6 speaks ZMTP/2.0 (libzmq 3.2's revision), so these tests are also the real
//! peer for that revision. `scripts/test.sh` installs the JDK and the jar; a missing one fails
//! the test (a missing install step, not a reason to skip).

mod classic;

use crate::line_peer::LinePeer;
use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;

/// Debian's JeroMQ jar.
const JAR: &str = "/usr/share/java/jeromq.jar";

/// The directory holding the compiled `Peer.class`.
fn classes() -> &'static PathBuf {
    static CLASSES: OnceLock<PathBuf> = OnceLock::new();
    CLASSES.get_or_init(|| {
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("jeromq-peer");
        std::fs::create_dir_all(&dir).expect("class directory");
        let source = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/interop/jeromq/Peer.java"
        );
        let status = Command::new("javac")
            .args(["-cp", JAR, "-d"])
            .arg(&dir)
            .arg(source)
            .status()
            .expect("javac is needed for the JeroMQ interop tests (scripts/test.sh installs it)");
        assert!(
            status.success(),
            "javac failed on Peer.java (is {JAR} installed?)"
        );
        dir
    })
}

/// One JeroMQ socket in a `java` child process; killed when dropped.
pub struct JeroPeer(LinePeer);

impl JeroPeer {
    /// Starts the peer with a socket of `socket_type` (JeroMQ's constant name, e.g. "REP").
    pub fn new(socket_type: &str) -> JeroPeer {
        let classpath = format!("{JAR}:{}", classes().display());
        let mut peer = JeroPeer(LinePeer::spawn(
            Command::new("java").args(["-cp", &classpath, "Peer"]),
            "java is needed for the JeroMQ interop tests (scripts/test.sh installs it)",
        ));
        peer.ok(&format!("socket {socket_type}"));
        peer
    }

    /// Sends one command line and returns its answer line.
    fn call(&mut self, command: &str) -> String {
        self.0.call(command)
    }

    /// Sends one command that must succeed; its value (what follows "ok ").
    fn ok(&mut self, command: &str) -> String {
        let reply = self.call(command);
        match reply.strip_prefix("ok") {
            Some(value) => value.trim_start().to_string(),
            None => panic!("java peer failed {command:?}: {reply}"),
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
            .unwrap_or_else(|| panic!("java recv failed: {reply}"));
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
