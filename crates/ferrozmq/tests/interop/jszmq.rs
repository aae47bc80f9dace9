//! npm `jszmq` 0.1.2, a pure JavaScript ZWS 2.0 peer, against our ws listener. jszmq offers
//! only the bare `ZWS2.0` subprotocol: no ZMTP handshake on the wire, each side's first
//! message its routing id. REQ/REP, DEALER/ROUTER with jszmq's routing id, SUB/XPUB with a
//! subscription, PUSH/PULL, and REQ/REP over wss (Node's TLS, trusting our certificate
//! through NODE_EXTRA_CA_CERTS); `npm/jszmq_peer.js` runs one jszmq socket per `node` child.
//! (jszmq's own ws server is not tested: it would take the first subprotocol our client
//! offers, `ZWS2.0/NULL`, and then not speak it.)

use crate::common::{bounded, last_ep, ours};
use ferrozmq::Context;
use std::path::Path;
use std::process::{Child, Command, Stdio};

/// Starts `node jszmq_peer.js args…`, killed after 30 s.
fn jszmq(args: &[&str]) -> Child {
    jszmq_trusting(None, args)
}

/// As [`jszmq`], with Node trusting the certificates of the PEM file `ca` too.
fn jszmq_trusting(ca: Option<&Path>, args: &[&str]) -> Child {
    let mut command = Command::new("timeout");
    if let Some(ca) = ca {
        command.env("NODE_EXTRA_CA_CERTS", ca);
    }
    command
        .args(["30", "node", "jszmq_peer.js"])
        .args(args)
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/interop/npm"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("node with npm jszmq is needed (scripts/test.sh installs them)")
}

/// Waits for the child (closing its stdin first); its stdout, once it exited with 0.
fn printed(child: Child) -> String {
    let out = child.wait_with_output().expect("wait for node");
    assert!(out.status.success(), "jszmq peer failed: {out:?}");
    String::from_utf8(out.stdout).expect("utf-8 lines")
}

#[test]
fn a_jszmq_req_gets_its_reply_from_our_rep() {
    bounded(|| {
        let ctx = Context::new();
        let rep = ours(&ctx, ferrozmq::REP);
        rep.bind("ws://127.0.0.1:*/jszmq").unwrap();
        let child = jszmq(&["req", &last_ep(&rep), "Hello"]);
        assert_eq!(rep.recv_string(0).unwrap().unwrap(), "Hello");
        rep.send("World", 0).unwrap();
        assert_eq!(printed(child), "World\n");
    });
}

#[test]
fn our_router_sees_a_jszmq_dealers_routing_id() {
    bounded(|| {
        let ctx = Context::new();
        let router = ours(&ctx, ferrozmq::ROUTER);
        router.bind("ws://127.0.0.1:*/jszmq").unwrap();
        let child = jszmq(&["dealer", &last_ep(&router), "js-dealer", "ping"]);
        let request = router.recv_multipart(0).unwrap();
        assert_eq!(request, [b"js-dealer".to_vec(), b"ping".to_vec()]);
        router
            .send_multipart([&b"js-dealer"[..], b"pong"], 0)
            .unwrap();
        assert_eq!(printed(child), "pong\n");
    });
}

#[test]
fn a_jszmq_sub_gets_what_it_subscribed_to_from_our_xpub() {
    bounded(|| {
        let ctx = Context::new();
        let xpub = ours(&ctx, ferrozmq::XPUB);
        xpub.bind("ws://127.0.0.1:*/jszmq").unwrap();
        let child = jszmq(&["sub", &last_ep(&xpub), "news", "2"]);
        assert_eq!(xpub.recv_bytes(0).unwrap(), b"\x01news");
        for topic in ["weather", "news 1", "news 2"] {
            xpub.send(topic, 0).unwrap();
        }
        assert_eq!(printed(child), "news 1\nnews 2\n");
    });
}

#[test]
fn our_pull_gets_a_jszmq_pushs_messages_in_order() {
    bounded(|| {
        let ctx = Context::new();
        let pull = ours(&ctx, ferrozmq::PULL);
        pull.bind("ws://127.0.0.1:*/jszmq").unwrap();
        let child = jszmq(&["push", &last_ep(&pull), "one", "two", "three"]);
        for expected in ["one", "two", "three"] {
            assert_eq!(pull.recv_string(0).unwrap().unwrap(), expected);
        }
        assert_eq!(printed(child), "");
    });
}

#[test]
fn a_jszmq_req_over_wss_gets_its_reply_from_our_rep() {
    bounded(|| {
        let certified = rcgen::generate_simple_self_signed(vec!["localhost".into()]).unwrap();
        let ca =
            std::env::temp_dir().join(format!("ferrozmq-jszmq-wss-{}.pem", std::process::id()));
        std::fs::write(&ca, certified.cert.pem()).unwrap();
        let ctx = Context::new();
        let rep = ours(&ctx, ferrozmq::REP);
        rep.set_wss_cert_pem(certified.cert.pem().as_bytes())
            .unwrap();
        rep.set_wss_key_pem(certified.signing_key.serialize_pem().as_bytes())
            .unwrap();
        rep.bind("wss://127.0.0.1:*/jszmq").unwrap();
        // Node checks the certificate's name against the URL's host.
        let endpoint = last_ep(&rep).replace("127.0.0.1", "localhost");
        let child = jszmq_trusting(Some(&ca), &["req", &endpoint, "Hello over TLS"]);
        assert_eq!(rep.recv_string(0).unwrap().unwrap(), "Hello over TLS");
        rep.send("World over TLS", 0).unwrap();
        let out = printed(child);
        let _ = std::fs::remove_file(&ca);
        assert_eq!(out, "World over TLS\n");
    });
}
