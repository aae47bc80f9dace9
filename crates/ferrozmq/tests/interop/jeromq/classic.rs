//! The classic socket types against JeroMQ over tcp, each pair in both directions (which side
//! binds, which side is ferrozmq), multipart messages and routing ids included.

use super::JeroPeer;
use crate::common::{bounded, last_ep, ours, payload, recv_frames};
use ferrozmq::{Context, DEALER, PAIR, PUB, PULL, PUSH, REP, REQ, ROUTER, SUB};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

const WAIT_MS: u32 = 5000;

/// A three-frame message with a large middle frame (long frame header both ways).
fn multipart() -> Vec<Vec<u8>> {
    vec![b"head".to_vec(), payload(300, 7), Vec::new()]
}

fn as_slices(frames: &[Vec<u8>]) -> Vec<&[u8]> {
    frames.iter().map(Vec::as_slice).collect()
}

#[test]
fn jeromq_greets_with_zmtp_2_0() {
    bounded(|| {
        let mut rep = JeroPeer::new("REP");
        let endpoint = rep.bind();
        let mut raw = TcpStream::connect(endpoint.trim_start_matches("tcp://")).unwrap();
        raw.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        // A versioned signature, then our major version: JeroMQ answers with its revision
        // byte and socket type, as a ZMTP/2.0 peer does.
        raw.write_all(&[0xff, 0, 0, 0, 0, 0, 0, 0, 1, 0x7f, 3])
            .unwrap();
        let mut greeting = [0u8; 12];
        raw.read_exact(&mut greeting).unwrap();
        assert_eq!(greeting[0], 0xff);
        assert_eq!(greeting[9], 0x7f);
        assert_eq!(greeting[10], 0x01, "revision 01: ZMTP/2.0");
        assert_eq!(greeting[11], 0x04, "socket type REP");
    });
}

#[test]
fn req_rep_both_ways() {
    bounded(|| {
        let ctx = Context::new();
        // ferrozmq REQ → JeroMQ REP (which binds).
        let mut rep = JeroPeer::new("REP");
        let endpoint = rep.bind();
        let req = ours(&ctx, REQ);
        req.connect(&endpoint).unwrap();
        for i in 0..3 {
            req.send(format!("request {i}").as_str(), 0).unwrap();
            let got = rep.recv(WAIT_MS).expect("request at JeroMQ");
            assert_eq!(got, vec![format!("request {i}").into_bytes()]);
            rep.send(&[b"reply"]);
            assert_eq!(req.recv_bytes(0).unwrap(), b"reply");
        }
        // JeroMQ REQ → ferrozmq REP (which binds), multipart.
        let rep = ours(&ctx, REP);
        rep.bind("tcp://127.0.0.1:*").unwrap();
        let mut req = JeroPeer::new("REQ");
        req.connect(&last_ep(&rep));
        req.send(&as_slices(&multipart()));
        assert_eq!(recv_frames(&rep).unwrap(), multipart());
        rep.send_multipart([&b"re"[..], b"ply"], 0).unwrap();
        assert_eq!(
            req.recv(WAIT_MS).expect("reply at JeroMQ"),
            vec![b"re".to_vec(), b"ply".to_vec()]
        );
    });
}

#[test]
fn push_pull_both_ways() {
    bounded(|| {
        let ctx = Context::new();
        // JeroMQ PUSH (binds) → ferrozmq PULL.
        let mut push = JeroPeer::new("PUSH");
        let endpoint = push.bind();
        let pull = ours(&ctx, PULL);
        pull.connect(&endpoint).unwrap();
        for i in 0..100u8 {
            push.send(&[&[i], b"second"]);
        }
        for i in 0..100u8 {
            assert_eq!(
                recv_frames(&pull).unwrap(),
                vec![vec![i], b"second".to_vec()]
            );
        }
        // ferrozmq PUSH (binds) → JeroMQ PULL.
        let push = ours(&ctx, PUSH);
        push.bind("tcp://127.0.0.1:*").unwrap();
        let mut pull = JeroPeer::new("PULL");
        pull.connect(&last_ep(&push));
        let big = payload(100_000, 3);
        push.send_multipart([&b"big"[..], &big], 0).unwrap();
        push.send("after", 0).unwrap();
        assert_eq!(pull.recv(WAIT_MS).expect("big"), vec![b"big".to_vec(), big]);
        assert_eq!(pull.recv(WAIT_MS).expect("after"), vec![b"after".to_vec()]);
    });
}

#[test]
fn dealer_router_both_ways_with_routing_ids() {
    bounded(|| {
        let ctx = Context::new();
        // JeroMQ DEALER with a routing id → ferrozmq ROUTER.
        let router = ours(&ctx, ROUTER);
        router.bind("tcp://127.0.0.1:*").unwrap();
        let mut dealer = JeroPeer::new("DEALER");
        dealer.identity(b"java-dealer");
        dealer.connect(&last_ep(&router));
        dealer.send(&as_slices(&multipart()));
        let mut want = vec![b"java-dealer".to_vec()];
        want.extend(multipart());
        assert_eq!(recv_frames(&router).unwrap(), want);
        router
            .send_multipart([&b"java-dealer"[..], b"back"], 0)
            .unwrap();
        assert_eq!(
            dealer.recv(WAIT_MS).expect("routed back"),
            vec![b"back".to_vec()]
        );
        // ferrozmq DEALER with a routing id → JeroMQ ROUTER (which binds).
        let mut router = JeroPeer::new("ROUTER");
        let endpoint = router.bind();
        let dealer = ours(&ctx, DEALER);
        dealer.set_identity(b"rust-dealer").unwrap();
        dealer.connect(&endpoint).unwrap();
        dealer.send("hello", 0).unwrap();
        assert_eq!(
            router.recv(WAIT_MS).expect("at JeroMQ's ROUTER"),
            vec![b"rust-dealer".to_vec(), b"hello".to_vec()]
        );
        router.send(&[b"rust-dealer", b"to you"]);
        assert_eq!(dealer.recv_bytes(0).unwrap(), b"to you");
    });
}

#[test]
fn pub_sub_both_ways_filter_by_topic() {
    bounded(|| {
        let ctx = Context::new();
        // JeroMQ PUB (binds) → ferrozmq SUB: our subscription travels as a ZMTP/2.0
        // subscription message.
        let mut publisher = JeroPeer::new("PUB");
        let endpoint = publisher.bind();
        let sub = ours(&ctx, SUB);
        sub.set_subscribe(b"wanted").unwrap();
        sub.set_rcvtimeo(100).unwrap();
        sub.connect(&endpoint).unwrap();
        // Until the subscription has reached the publisher, what it sends is dropped.
        let first = (0..100)
            .find_map(|_| {
                publisher.send(&[b"unwanted"]);
                publisher.send(&[b"wanted 1"]);
                sub.recv_bytes(0).ok()
            })
            .expect("the subscription reached JeroMQ");
        assert_eq!(first, b"wanted 1", "only the subscribed topic arrives");
        // ferrozmq PUB (binds) → JeroMQ SUB.
        let publisher = ours(&ctx, PUB);
        publisher.bind("tcp://127.0.0.1:*").unwrap();
        let mut sub = JeroPeer::new("SUB");
        sub.subscribe(b"wanted");
        sub.connect(&last_ep(&publisher));
        let first = (0..100)
            .find_map(|_| {
                publisher.send("unwanted", 0).unwrap();
                publisher.send("wanted 2", 0).unwrap();
                sub.recv(100)
            })
            .expect("JeroMQ's subscription reached ferrozmq");
        assert_eq!(first, vec![b"wanted 2".to_vec()], "filtered at our PUB");
    });
}

#[test]
fn pair_both_ways() {
    bounded(|| {
        let ctx = Context::new();
        let mut theirs = JeroPeer::new("PAIR");
        let endpoint = theirs.bind();
        let pair = ours(&ctx, PAIR);
        pair.connect(&endpoint).unwrap();
        pair.send("ping", 0).unwrap();
        assert_eq!(theirs.recv(WAIT_MS).expect("ping"), vec![b"ping".to_vec()]);
        theirs.send(&[b"pong", b""]);
        assert_eq!(
            recv_frames(&pair).unwrap(),
            vec![b"pong".to_vec(), Vec::new()]
        );

        let pair = ours(&ctx, PAIR);
        pair.bind("tcp://127.0.0.1:*").unwrap();
        let mut theirs = JeroPeer::new("PAIR");
        theirs.connect(&last_ep(&pair));
        theirs.send(&[b"from java"]);
        assert_eq!(pair.recv_bytes(0).unwrap(), b"from java");
        pair.send("from rust", 0).unwrap();
        assert_eq!(
            theirs.recv(WAIT_MS).expect("reply"),
            vec![b"from rust".to_vec()]
        );
    });
}
