//! JeroMQ (Debian's libjeromq-java 0.3.6, pure Java) as a peer: `Peer.java`, compiled once per
//! test run with `javac`, drives one JeroMQ socket by line commands over stdin and stdout.
//! JeroMQ 0.3.6 speaks ZMTP/2.0 (libzmq 3.2's revision), so these tests are also the real
//! peer for that revision. `scripts/test.sh` installs the JDK and the jar; a missing one fails
//! the test (a missing install step, not a reason to skip).

use crate::classic_peers::classic_tests;
use crate::common::bounded;
use crate::socket_peer::{greeting_start, SocketPeer};
use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;

classic_tests!(jeromq_peer);

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

/// One JeroMQ socket of `socket_type` (JeroMQ's constant name, e.g. "REP") in a `java` child
/// process; killed when dropped.
pub fn jeromq_peer(socket_type: &str) -> SocketPeer {
    let classpath = format!("{JAR}:{}", classes().display());
    SocketPeer::spawn(
        Command::new("java").args(["-cp", &classpath, "Peer"]),
        "java is needed for the JeroMQ interop tests (scripts/test.sh installs it)",
        socket_type,
    )
}

#[test]
fn jeromq_greets_with_zmtp_2_0() {
    bounded(|| {
        let mut rep = jeromq_peer("REP");
        let endpoint = rep.bind();
        let greeting = greeting_start(&endpoint);
        assert_eq!(greeting[10], 0x01, "revision 01: ZMTP/2.0");
        assert_eq!(greeting[11], 0x04, "socket type REP");
    });
}
