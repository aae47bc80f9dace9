//! The classic socket types against another library's socket in a child process
//! ([`SocketPeer`]: JeroMQ, libzmq 4.1) over tcp, each pair in both directions (which side
//! binds, which side is ferrozmq), multipart messages and routing ids included. Each peer's
//! module instantiates them with [`classic_tests!`].

use crate::common::{last_ep, ours, payload, recv_frames};
use crate::socket_peer::SocketPeer;
use ferrozmq::{Context, DEALER, PAIR, PUB, PULL, PUSH, REP, REQ, ROUTER, SUB};

/// Starts the peer library's socket of a type (its constant name, e.g. "REP").
pub type NewPeer = fn(&str) -> SocketPeer;

/// The classic tests as `#[test]`s against the peer that `$new_peer` starts.
macro_rules! classic_tests {
    ($new_peer:path) => {
        #[test]
        fn req_rep_both_ways() {
            crate::common::bounded(|| crate::classic_peers::req_rep_both_ways($new_peer));
        }
        #[test]
        fn push_pull_both_ways() {
            crate::common::bounded(|| crate::classic_peers::push_pull_both_ways($new_peer));
        }
        #[test]
        fn dealer_router_both_ways_with_routing_ids() {
            crate::common::bounded(|| {
                crate::classic_peers::dealer_router_both_ways_with_routing_ids($new_peer)
            });
        }
        #[test]
        fn pub_sub_both_ways_filter_by_topic() {
            crate::common::bounded(|| {
                crate::classic_peers::pub_sub_both_ways_filter_by_topic($new_peer)
            });
        }
        #[test]
        fn pair_both_ways() {
            crate::common::bounded(|| crate::classic_peers::pair_both_ways($new_peer));
        }
    };
}
pub(crate) use classic_tests;

const WAIT_MS: u32 = 5000;

/// A three-frame message with a large middle frame (long frame header both ways).
fn multipart() -> Vec<Vec<u8>> {
    vec![b"head".to_vec(), payload(300, 7), Vec::new()]
}

fn as_slices(frames: &[Vec<u8>]) -> Vec<&[u8]> {
    frames.iter().map(Vec::as_slice).collect()
}

pub fn req_rep_both_ways(new_peer: NewPeer) {
    let ctx = Context::new();
    // ferrozmq REQ → the peer REP (which binds).
    let mut rep = new_peer("REP");
    let endpoint = rep.bind();
    let req = ours(&ctx, REQ);
    req.connect(&endpoint).unwrap();
    for i in 0..3 {
        req.send(format!("request {i}").as_str(), 0).unwrap();
        let got = rep.recv(WAIT_MS).expect("request at the peer");
        assert_eq!(got, vec![format!("request {i}").into_bytes()]);
        rep.send(&[b"reply"]);
        assert_eq!(req.recv_bytes(0).unwrap(), b"reply");
    }
    // The peer REQ → ferrozmq REP (which binds), multipart.
    let rep = ours(&ctx, REP);
    rep.bind("tcp://127.0.0.1:*").unwrap();
    let mut req = new_peer("REQ");
    req.connect(&last_ep(&rep));
    req.send(&as_slices(&multipart()));
    assert_eq!(recv_frames(&rep).unwrap(), multipart());
    rep.send_multipart([&b"re"[..], b"ply"], 0).unwrap();
    assert_eq!(
        req.recv(WAIT_MS).expect("reply at the peer"),
        vec![b"re".to_vec(), b"ply".to_vec()]
    );
}

pub fn push_pull_both_ways(new_peer: NewPeer) {
    let ctx = Context::new();
    // The peer PUSH (binds) → ferrozmq PULL.
    let mut push = new_peer("PUSH");
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
    // ferrozmq PUSH (binds) → the peer PULL.
    let push = ours(&ctx, PUSH);
    push.bind("tcp://127.0.0.1:*").unwrap();
    let mut pull = new_peer("PULL");
    pull.connect(&last_ep(&push));
    let big = payload(100_000, 3);
    push.send_multipart([&b"big"[..], &big], 0).unwrap();
    push.send("after", 0).unwrap();
    assert_eq!(pull.recv(WAIT_MS).expect("big"), vec![b"big".to_vec(), big]);
    assert_eq!(pull.recv(WAIT_MS).expect("after"), vec![b"after".to_vec()]);
}

pub fn dealer_router_both_ways_with_routing_ids(new_peer: NewPeer) {
    let ctx = Context::new();
    // The peer DEALER with a routing id → ferrozmq ROUTER.
    let router = ours(&ctx, ROUTER);
    router.bind("tcp://127.0.0.1:*").unwrap();
    let mut dealer = new_peer("DEALER");
    dealer.identity(b"peer-dealer");
    dealer.connect(&last_ep(&router));
    dealer.send(&as_slices(&multipart()));
    let mut want = vec![b"peer-dealer".to_vec()];
    want.extend(multipart());
    assert_eq!(recv_frames(&router).unwrap(), want);
    router
        .send_multipart([&b"peer-dealer"[..], b"back"], 0)
        .unwrap();
    assert_eq!(
        dealer.recv(WAIT_MS).expect("routed back"),
        vec![b"back".to_vec()]
    );
    // ferrozmq DEALER with a routing id → the peer ROUTER (which binds).
    let mut router = new_peer("ROUTER");
    let endpoint = router.bind();
    let dealer = ours(&ctx, DEALER);
    dealer.set_identity(b"rust-dealer").unwrap();
    dealer.connect(&endpoint).unwrap();
    dealer.send("hello", 0).unwrap();
    assert_eq!(
        router.recv(WAIT_MS).expect("at the peer's ROUTER"),
        vec![b"rust-dealer".to_vec(), b"hello".to_vec()]
    );
    router.send(&[b"rust-dealer", b"to you"]);
    assert_eq!(dealer.recv_bytes(0).unwrap(), b"to you");
}

pub fn pub_sub_both_ways_filter_by_topic(new_peer: NewPeer) {
    let ctx = Context::new();
    // The peer PUB (binds) → ferrozmq SUB: our subscription travels in the
    // peer's revision's form (a message before ZMTP/3.1).
    let mut publisher = new_peer("PUB");
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
        .expect("the subscription reached the peer");
    assert_eq!(first, b"wanted 1", "only the subscribed topic arrives");
    // ferrozmq PUB (binds) → the peer SUB.
    let publisher = ours(&ctx, PUB);
    publisher.bind("tcp://127.0.0.1:*").unwrap();
    let mut sub = new_peer("SUB");
    sub.subscribe(b"wanted");
    sub.connect(&last_ep(&publisher));
    let first = (0..100)
        .find_map(|_| {
            publisher.send("unwanted", 0).unwrap();
            publisher.send("wanted 2", 0).unwrap();
            sub.recv(100)
        })
        .expect("the peer's subscription reached ferrozmq");
    assert_eq!(first, vec![b"wanted 2".to_vec()], "filtered at our PUB");
}

pub fn pair_both_ways(new_peer: NewPeer) {
    let ctx = Context::new();
    let mut theirs = new_peer("PAIR");
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
    let mut theirs = new_peer("PAIR");
    theirs.connect(&last_ep(&pair));
    theirs.send(&[b"from peer"]);
    assert_eq!(pair.recv_bytes(0).unwrap(), b"from peer");
    pair.send("from rust", 0).unwrap();
    assert_eq!(
        theirs.recv(WAIT_MS).expect("reply"),
        vec![b"from rust".to_vec()]
    );
}
