//! libzmq 4.1.5 as a peer: the last libzmq whose greeting says ZMTP/3.0, so these tests are
//! the real peer for that revision (libzmq 4.2 and later speak 3.1). `scripts/libzmq41.sh`
//! builds the library from the source pyzmq 15.4.0's sdist bundles (`scripts/test.sh` runs it);
//! `peer.c`, compiled once per test run against it, drives one socket by the same line
//! commands as the JeroMQ peer, so the classic tests run against both.

use crate::classic_peers::classic_tests;
use crate::common::{bounded, last_ep, ours};
use crate::socket_peer::{greeting_start, SocketPeer};
use ferrozmq::{Context, Error, MonitorEvent, SocketEvent, PAIR, REQ, ROUTER};
use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;

classic_tests!(libzmq41_peer);

/// Where `scripts/libzmq41.sh` puts the library and its headers.
fn library_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/peers/libzmq-4.1.5")
}

/// `peer.c` compiled against libzmq 4.1.5 (the library found through the binary's rpath).
fn program() -> &'static PathBuf {
    static PROGRAM: OnceLock<PathBuf> = OnceLock::new();
    PROGRAM.get_or_init(|| {
        let lib = library_dir();
        let so = lib.join("libzmq.so.4.1.5");
        assert!(
            so.exists(),
            "{} is missing: run scripts/libzmq41.sh (scripts/test.sh does)",
            so.display()
        );
        let out = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("libzmq41-peer");
        let status = Command::new("cc")
            .arg(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/tests/interop/libzmq41/peer.c"
            ))
            .arg("-I")
            .arg(lib.join("include"))
            .arg(&so)
            .arg(format!("-Wl,-rpath,{}", lib.display()))
            .arg("-o")
            .arg(&out)
            .status()
            .expect("cc is needed for the libzmq 4.1 interop tests");
        assert!(status.success(), "compiling libzmq41/peer.c failed");
        out
    })
}

/// One libzmq 4.1.5 socket of `socket_type` (libzmq's constant name without `ZMQ_`, e.g.
/// "REP") in a child process; killed when dropped.
pub fn libzmq41_peer(socket_type: &str) -> SocketPeer {
    SocketPeer::spawn(
        &mut Command::new(program()),
        "the libzmq 4.1 peer program did not start",
        socket_type,
    )
}

#[test]
fn the_peer_runs_libzmq_4_1_5() {
    bounded(|| {
        let mut peer = libzmq41_peer("REP");
        assert_eq!(peer.ok("version"), "4.1.5");
    });
}

#[test]
fn libzmq_4_1_greets_with_zmtp_3_0() {
    bounded(|| {
        let mut rep = libzmq41_peer("REP");
        let endpoint = rep.bind();
        let greeting = greeting_start(&endpoint);
        assert_eq!(greeting[10], 3, "major version 3");
        assert_eq!(greeting[11], 0, "minor version 0: ZMTP/3.0");
    });
}

/// ZMTP/3.0 has no PING: a 3.0 peer never answers one, so with heartbeats on ferrozmq must
/// neither send PINGs to it nor time it out for a missing PONG. The connection stays up through
/// three heartbeat timeouts of silence (a drop would show as DISCONNECTED about one timeout in)
/// and still carries a round trip.
#[test]
fn heartbeats_on_do_not_time_out_a_zmtp_3_0_peer() {
    bounded(|| {
        let ctx = Context::new();
        let mut rep = libzmq41_peer("REP");
        let endpoint = rep.bind();
        let req = ours(&ctx, REQ);
        req.set_heartbeat_ivl(20).unwrap();
        req.set_heartbeat_timeout(200).unwrap();
        req.monitor(
            "inproc://zmtp30-heartbeats",
            SocketEvent::DISCONNECTED as i32,
        )
        .unwrap();
        let events = ctx.socket(PAIR).unwrap();
        events.connect("inproc://zmtp30-heartbeats").unwrap();
        req.connect(&endpoint).unwrap();
        req.send("first", 0).unwrap();
        assert_eq!(rep.recv(5000).expect("request"), vec![b"first".to_vec()]);
        rep.send(&[b"reply"]);
        assert_eq!(req.recv_bytes(0).unwrap(), b"reply");

        events.set_rcvtimeo(600).unwrap();
        assert_eq!(
            MonitorEvent::recv(&events).map(|e| e.event),
            Err(Error::EAGAIN),
            "no disconnect while the 3.0 peer is silent"
        );
        req.send("second", 0).unwrap();
        assert_eq!(rep.recv(5000).expect("request"), vec![b"second".to_vec()]);
    });
}

/// A 3.0 ROUTER learns our routing id from the READY command's Identity property.
#[test]
fn routing_id_reaches_a_zmtp_3_0_router_and_back() {
    bounded(|| {
        let ctx = Context::new();
        let router = ours(&ctx, ROUTER);
        router.bind("tcp://127.0.0.1:*").unwrap();
        let mut dealer = libzmq41_peer("DEALER");
        dealer.identity(b"from-4.1");
        dealer.connect(&last_ep(&router));
        dealer.send(&[b"hi"]);
        let frames = crate::common::recv_frames(&router).unwrap();
        assert_eq!(frames, vec![b"from-4.1".to_vec(), b"hi".to_vec()]);
    });
}
