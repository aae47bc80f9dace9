//! Interop of the request-reply family with real libzmq (4.3.4 through the `zmq` crate, in the
//! same process). Every case runs with either side binding, over tcp and over ipc:
//!
//! * libzmq REQ → our ROUTER (envelope `[id, "", body]` intact, ROUTING_ID or a generated
//!   5-byte id, reply routed back) and our REQ → libzmq ROUTER (also with REQ_CORRELATE);
//! * libzmq DEALER → our REP and our DEALER → libzmq REP (envelopes, 1000 pipelined requests);
//! * DEALER ↔ ROUTER both ways (multipart, a 1 MiB frame, 1000 messages in order each way, the
//!   DEALER's identity as the ROUTER's first frame);
//! * ROUTER ↔ ROUTER with identities and CONNECT_ROUTING_ID;
//!
//! and, over tcp and ipc: ROUTER_MANDATORY raising EHOSTUNREACH while a libzmq peer is
//! connected, libzmq peers with PROBE_ROUTER (and ours towards libzmq), `Message::gets` on
//! messages from libzmq peers (and libzmq's `zmq_msg_gets` on ours), ROUTER_HANDOVER and
//! ROUTER_NOTIFY with libzmq peers, a libzmq REQ with REQ_CORRELATE served by our REP.

use crate::common::*;
use std::time::{Duration, Instant};

/// Who binds; the other side connects.
#[derive(Clone, Copy, Debug)]
enum Binder {
    Ours,
    Libzmq,
}

/// Generates the four combinations of binder and transport for each `name(Binder, Transport)`.
macro_rules! cases {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                use super::*;
                #[test]
                fn ours_binds_tcp() {
                    bounded(|| super::$name(Binder::Ours, Transport::Tcp));
                }
                #[test]
                fn ours_binds_ipc() {
                    bounded(|| super::$name(Binder::Ours, Transport::Ipc));
                }
                #[test]
                fn libzmq_binds_tcp() {
                    bounded(|| super::$name(Binder::Libzmq, Transport::Tcp));
                }
                #[test]
                fn libzmq_binds_ipc() {
                    bounded(|| super::$name(Binder::Libzmq, Transport::Ipc));
                }
            }
        )*
    };
}

cases!(
    libzmq_req_to_our_router,
    our_req_to_libzmq_router,
    libzmq_dealer_to_our_rep,
    our_dealer_to_libzmq_rep,
    libzmq_dealer_with_our_router,
    our_dealer_with_libzmq_router,
    router_to_router,
);

/// Generates a tcp and an ipc test for each `name(Transport)`.
macro_rules! over_both {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                use super::*;
                #[test]
                fn tcp() {
                    bounded(|| super::$name(Transport::Tcp));
                }
                #[test]
                fn ipc() {
                    bounded(|| super::$name(Transport::Ipc));
                }
            }
        )*
    };
}

over_both!(
    router_mandatory_with_a_libzmq_peer,
    libzmq_probe_router_seen_by_our_router,
    our_probe_router_seen_by_libzmq_router,
    socket_type_of_libzmq_peers,
    router_handover_with_libzmq_peers,
    router_notify_with_a_libzmq_peer,
    libzmq_correlated_req_served_by_our_rep,
);

// ---------------------------------------------------------------------------------------------
// Helpers

/// One socket of either implementation, for wiring.
enum S<'a> {
    O(&'a ferrozmq::Socket),
    Z(&'a zmq::Socket),
}

impl S<'_> {
    fn bind(&self, tr: Transport) -> String {
        match self {
            S::O(s) => {
                s.bind(&tr.bind_endpoint()).expect("ferrozmq bind");
                last_ep(s)
            }
            S::Z(s) => {
                s.bind(&tr.bind_endpoint()).expect("libzmq bind");
                zlast_ep(s)
            }
        }
    }

    fn connect(&self, ep: &str) {
        match self {
            S::O(s) => s.connect(ep).expect("ferrozmq connect"),
            S::Z(s) => s.connect(ep).expect("libzmq connect"),
        }
    }

    fn is_ours(&self) -> bool {
        matches!(self, S::O(_))
    }
}

/// Wires `hub` to each of `spokes`: if the hub's side binds, it binds once and every spoke
/// connects to it; otherwise every spoke binds an endpoint of its own and the hub connects to
/// each, in order.
fn wire(binder: Binder, tr: Transport, hub: S, spokes: &[S]) {
    let hub_binds = matches!(binder, Binder::Ours) == hub.is_ours();
    if hub_binds {
        let ep = hub.bind(tr);
        for s in spokes {
            s.connect(&ep);
        }
    } else {
        for s in spokes {
            let ep = s.bind(tr);
            hub.connect(&ep);
        }
    }
}

/// A ferrozmq message with the peer's properties: frames, and the `Socket-Type` and `Identity`
/// of its last frame.
struct Got {
    frames: Vec<Vec<u8>>,
    socket_type: Option<String>,
    identity: Option<String>,
}

fn our_recv(s: &ferrozmq::Socket, what: &str) -> Got {
    let mut frames = Vec::new();
    loop {
        let m = s
            .recv_msg(0)
            .unwrap_or_else(|e| panic!("{what}: ferrozmq recv: {e:?}"));
        frames.push(m.to_vec());
        if !m.get_more() {
            return Got {
                frames,
                socket_type: m.gets("Socket-Type").map(str::to_string),
                identity: m.gets("Identity").map(str::to_string),
            };
        }
    }
}

fn their_recv(s: &zmq::Socket, what: &str) -> Got {
    let mut frames = Vec::new();
    loop {
        let mut m = s
            .recv_msg(0)
            .unwrap_or_else(|e| panic!("{what}: libzmq recv: {e:?}"));
        frames.push(m.to_vec());
        if !m.get_more() {
            return Got {
                frames,
                socket_type: m.gets("Socket-Type").map(str::to_string),
                identity: m.gets("Identity").map(str::to_string),
            };
        }
    }
}

fn our_send(s: &ferrozmq::Socket, frames: &[Vec<u8>], what: &str) {
    s.send_multipart(frames.iter().map(Vec::as_slice), 0)
        .unwrap_or_else(|e| panic!("{what}: ferrozmq send: {e:?}"));
}

fn their_send(s: &zmq::Socket, frames: &[Vec<u8>], what: &str) {
    s.send_multipart(frames.iter().map(Vec::as_slice), 0)
        .unwrap_or_else(|e| panic!("{what}: libzmq send: {e:?}"));
}

/// `head` frames followed by `tail` frames.
fn cat(head: &[&[u8]], tail: &[Vec<u8>]) -> Vec<Vec<u8>> {
    head.iter()
        .map(|f| f.to_vec())
        .chain(tail.iter().cloned())
        .collect()
}

/// Bodies every case exchanges: single frame, empty frame, multipart with an empty middle
/// frame, a 1 MiB frame among small ones.
fn bodies() -> Vec<Vec<Vec<u8>>> {
    vec![
        frames(&["hello"]),
        vec![Vec::new()],
        frames(&["a", "", "c"]),
        vec![payload(300, 1), payload(1 << 20, 2), b"tail".to_vec()],
    ]
}

/// The reply to `request`: its frames reversed (so it differs from an echo).
fn reply_for(request: &[Vec<u8>]) -> Vec<Vec<u8>> {
    request.iter().rev().cloned().collect()
}

fn numbered(prefix: &str, i: usize) -> Vec<Vec<u8>> {
    vec![format!("{prefix}-{i:04}").into_bytes()]
}

/// Retries `attempt` every 2 ms until it gives a value, for at most TIMEO.
fn eventually<T>(what: &str, mut attempt: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + Duration::from_millis(TIMEO as u64);
    loop {
        if let Some(v) = attempt() {
            return v;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(2));
    }
}

/// Sends from a libzmq ROUTER_MANDATORY socket once the first frame's id is routable.
fn their_send_when_routable(s: &zmq::Socket, msg: &[&[u8]]) {
    eventually("libzmq route", || {
        match s.send_multipart(msg.iter().copied(), zmq::DONTWAIT) {
            Ok(()) => Some(()),
            Err(zmq::Error::EHOSTUNREACH) => None,
            Err(e) => panic!("libzmq send: {e:?}"),
        }
    })
}

/// Sends from our ROUTER_MANDATORY socket once the first frame's id is routable.
fn our_send_when_routable(s: &ferrozmq::Socket, msg: &[&[u8]]) {
    eventually("ferrozmq route", || {
        match s.send_multipart(msg.iter().copied(), ferrozmq::DONTWAIT) {
            Ok(()) => Some(()),
            Err(ferrozmq::Error::EHOSTUNREACH) => None,
            Err(e) => panic!("ferrozmq send: {e:?}"),
        }
    })
}

mod raw {
    use std::os::raw::{c_int, c_void};
    extern "C" {
        pub fn zmq_setsockopt(
            s: *mut c_void,
            option: c_int,
            optval: *const c_void,
            optvallen: usize,
        ) -> c_int;
    }
}

/// ZMQ_CONNECT_ROUTING_ID on a libzmq socket (the `zmq` crate has no setter for it).
fn their_set_connect_routing_id(s: &mut zmq::Socket, id: &[u8]) {
    const ZMQ_CONNECT_ROUTING_ID: i32 = 61;
    // SAFETY: the socket is live for the call and `id` is a valid buffer of its length.
    let rc = unsafe {
        raw::zmq_setsockopt(
            s.as_mut_ptr(),
            ZMQ_CONNECT_ROUTING_ID,
            id.as_ptr().cast(),
            id.len(),
        )
    };
    assert_eq!(rc, 0, "libzmq ZMQ_CONNECT_ROUTING_ID");
}

fn assert_generated_id(id: &[u8], what: &str) {
    assert_eq!(id.len(), 5, "{what}: generated id {id:?} is 5 bytes");
    assert_eq!(id[0], 0, "{what}: generated id {id:?} starts with 0x00");
}

// ---------------------------------------------------------------------------------------------
// REQ ↔ ROUTER

fn libzmq_req_to_our_router(binder: Binder, tr: Transport) {
    let ctx = ferrozmq::Context::new();
    let zctx = zmq::Context::new();
    let router = ours(&ctx, ferrozmq::ROUTER);
    router.set_router_mandatory(true).unwrap();
    let named = theirs(&zctx, zmq::REQ);
    named.set_identity(b"zreq").unwrap();
    let anonymous = theirs(&zctx, zmq::REQ);
    wire(binder, tr, S::O(&router), &[S::Z(&named), S::Z(&anonymous)]);

    for (req, name) in [(&named, Some(&b"zreq"[..])), (&anonymous, None)] {
        let mut id = Vec::new();
        for body in bodies() {
            their_send(req, &body, "request");
            let got = our_recv(&router, "request");
            assert_eq!(got.frames.len(), body.len() + 2, "[id, \"\", body...]");
            id = got.frames[0].clone();
            match name {
                Some(n) => assert_eq!(id, n, "the REQ's ROUTING_ID is the first frame"),
                None => assert_generated_id(&id, "anonymous libzmq REQ"),
            }
            assert_frames_eq(&got.frames[1..], &cat(&[b""], &body), "envelope intact");
            assert_eq!(got.socket_type.as_deref(), Some("REQ"));
            assert_eq!(
                got.identity.as_deref().map(str::as_bytes),
                Some(name.unwrap_or(b"")),
                "Identity property"
            );
            let reply = reply_for(&body);
            our_send(&router, &cat(&[&id, b""], &reply), "reply");
            assert_frames_eq(&req.recv_multipart(0).unwrap(), &reply, "reply routed back");
        }
        for i in 0..200 {
            their_send(req, &numbered("q", i), "round trip");
            let got = our_recv(&router, "round trip");
            assert_eq!(got.frames, cat(&[&id, b""], &numbered("q", i)));
            our_send(&router, &cat(&[&id, b""], &numbered("r", i)), "round trip");
            assert_eq!(req.recv_multipart(0).unwrap(), numbered("r", i));
        }
    }
}

fn our_req_to_libzmq_router(binder: Binder, tr: Transport) {
    let ctx = ferrozmq::Context::new();
    let zctx = zmq::Context::new();
    let router = theirs(&zctx, zmq::ROUTER);
    router.set_router_mandatory(true).unwrap();
    let named = ours(&ctx, ferrozmq::REQ);
    named.set_identity(b"oreq").unwrap();
    let anonymous = ours(&ctx, ferrozmq::REQ);
    let correlated = ours(&ctx, ferrozmq::REQ);
    correlated.set_identity(b"ocorr").unwrap();
    correlated.set_req_correlate(true).unwrap();
    wire(
        binder,
        tr,
        S::Z(&router),
        &[S::O(&named), S::O(&anonymous), S::O(&correlated)],
    );

    for (req, name, correlate) in [
        (&named, Some(&b"oreq"[..]), false),
        (&anonymous, None, false),
        (&correlated, Some(&b"ocorr"[..]), true),
    ] {
        let what = format!("our REQ {name:?}");
        for body in bodies() {
            our_send(req, &body, &what);
            let got = their_recv(&router, &what);
            let id = got.frames[0].clone();
            match name {
                Some(n) => assert_eq!(id, n, "{what}: our ROUTING_ID is libzmq's first frame"),
                None => assert_generated_id(&id, &what),
            }
            let mut rest = &got.frames[1..];
            let mut request_id = Vec::new();
            if correlate {
                assert_eq!(rest[0].len(), 4, "{what}: a 4-byte request id frame");
                request_id = rest[0].clone();
                rest = &rest[1..];
            }
            assert_frames_eq(rest, &cat(&[b""], &body), &what);
            assert_eq!(
                got.socket_type.as_deref(),
                Some("REQ"),
                "{what}: zmq_msg_gets"
            );
            assert_eq!(
                got.identity.as_deref().map(str::as_bytes),
                Some(name.unwrap_or(b"")),
                "{what}: libzmq sees our Identity property"
            );
            let reply = reply_for(&body);
            let envelope: Vec<&[u8]> = if correlate {
                vec![&id, &request_id, b""]
            } else {
                vec![&id, b""]
            };
            their_send(&router, &cat(&envelope, &reply), &what);
            assert_frames_eq(&recv_frames(req).unwrap(), &reply, &what);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// DEALER ↔ REP

fn libzmq_dealer_to_our_rep(binder: Binder, tr: Transport) {
    let ctx = ferrozmq::Context::new();
    let zctx = zmq::Context::new();
    let rep = ours(&ctx, ferrozmq::REP);
    let dealer = theirs(&zctx, zmq::DEALER);
    wire(binder, tr, S::O(&rep), &[S::Z(&dealer)]);

    for body in bodies() {
        their_send(&dealer, &cat(&[b""], &body), "request");
        let got = our_recv(&rep, "request");
        assert_frames_eq(&got.frames, &body, "REP strips the delimiter");
        assert_eq!(got.socket_type.as_deref(), Some("DEALER"));
        let reply = reply_for(&body);
        our_send(&rep, &reply, "reply");
        assert_frames_eq(
            &dealer.recv_multipart(0).unwrap(),
            &cat(&[b""], &reply),
            "reply behind the delimiter",
        );
    }
    // A multi-hop envelope is kept and put back.
    their_send(&dealer, &frames(&["h1", "h2", "", "a", "b"]), "hops");
    assert_eq!(our_recv(&rep, "hops").frames, frames(&["a", "b"]));
    our_send(&rep, &frames(&["x", "y"]), "hops");
    assert_eq!(
        dealer.recv_multipart(0).unwrap(),
        frames(&["h1", "h2", "", "x", "y"])
    );
    // 1000 pipelined requests, answered in order.
    for i in 0..1000 {
        their_send(&dealer, &cat(&[b""], &numbered("q", i)), "pipelined");
    }
    for i in 0..1000 {
        assert_eq!(our_recv(&rep, "pipelined").frames, numbered("q", i));
        our_send(&rep, &numbered("r", i), "pipelined");
    }
    for i in 0..1000 {
        assert_eq!(
            dealer.recv_multipart(0).unwrap(),
            cat(&[b""], &numbered("r", i))
        );
    }
}

fn our_dealer_to_libzmq_rep(binder: Binder, tr: Transport) {
    let ctx = ferrozmq::Context::new();
    let zctx = zmq::Context::new();
    let rep = theirs(&zctx, zmq::REP);
    let dealer = ours(&ctx, ferrozmq::DEALER);
    wire(binder, tr, S::Z(&rep), &[S::O(&dealer)]);

    for body in bodies() {
        our_send(&dealer, &cat(&[b""], &body), "request");
        let got = their_recv(&rep, "request");
        assert_frames_eq(&got.frames, &body, "libzmq REP strips the delimiter");
        assert_eq!(got.socket_type.as_deref(), Some("DEALER"), "zmq_msg_gets");
        let reply = reply_for(&body);
        their_send(&rep, &reply, "reply");
        let back = our_recv(&dealer, "reply");
        assert_frames_eq(&back.frames, &cat(&[b""], &reply), "reply");
        assert_eq!(back.socket_type.as_deref(), Some("REP"));
    }
    our_send(&dealer, &frames(&["h1", "h2", "", "a", "b"]), "hops");
    assert_eq!(their_recv(&rep, "hops").frames, frames(&["a", "b"]));
    their_send(&rep, &frames(&["x", "y"]), "hops");
    assert_eq!(
        our_recv(&dealer, "hops").frames,
        frames(&["h1", "h2", "", "x", "y"])
    );
    for i in 0..1000 {
        our_send(&dealer, &cat(&[b""], &numbered("q", i)), "pipelined");
    }
    for i in 0..1000 {
        assert_eq!(their_recv(&rep, "pipelined").frames, numbered("q", i));
        their_send(&rep, &numbered("r", i), "pipelined");
    }
    for i in 0..1000 {
        assert_eq!(
            our_recv(&dealer, "pipelined").frames,
            cat(&[b""], &numbered("r", i))
        );
    }
}

// ---------------------------------------------------------------------------------------------
// DEALER ↔ ROUTER

fn libzmq_dealer_with_our_router(binder: Binder, tr: Transport) {
    let ctx = ferrozmq::Context::new();
    let zctx = zmq::Context::new();
    let router = ours(&ctx, ferrozmq::ROUTER);
    // Blocking instead of dropping when the DEALER is slow to read.
    router.set_router_mandatory(true).unwrap();
    let dealer = theirs(&zctx, zmq::DEALER);
    dealer.set_identity(b"zdlr").unwrap();
    wire(binder, tr, S::O(&router), &[S::Z(&dealer)]);

    for body in bodies() {
        their_send(&dealer, &body, "dealer → router");
        let got = our_recv(&router, "dealer → router");
        assert_frames_eq(&got.frames, &cat(&[b"zdlr"], &body), "identity first");
        assert_eq!(got.socket_type.as_deref(), Some("DEALER"));
        assert_eq!(got.identity.as_deref(), Some("zdlr"));
        let reply = reply_for(&body);
        our_send(&router, &cat(&[b"zdlr"], &reply), "router → dealer");
        assert_frames_eq(&dealer.recv_multipart(0).unwrap(), &reply, "routed");
    }
    for i in 0..1000 {
        their_send(&dealer, &numbered("up", i), "burst up");
    }
    for i in 0..1000 {
        assert_eq!(
            our_recv(&router, "burst up").frames,
            cat(&[b"zdlr"], &numbered("up", i)),
            "message {i} in order"
        );
    }
    for i in 0..1000 {
        our_send(
            &router,
            &cat(&[b"zdlr"], &numbered("down", i)),
            "burst down",
        );
    }
    for i in 0..1000 {
        assert_eq!(
            dealer.recv_multipart(0).unwrap(),
            numbered("down", i),
            "message {i} in order"
        );
    }
}

fn our_dealer_with_libzmq_router(binder: Binder, tr: Transport) {
    let ctx = ferrozmq::Context::new();
    let zctx = zmq::Context::new();
    let router = theirs(&zctx, zmq::ROUTER);
    router.set_router_mandatory(true).unwrap();
    let dealer = ours(&ctx, ferrozmq::DEALER);
    dealer.set_identity(b"odlr").unwrap();
    wire(binder, tr, S::Z(&router), &[S::O(&dealer)]);

    for body in bodies() {
        our_send(&dealer, &body, "dealer → router");
        let got = their_recv(&router, "dealer → router");
        assert_frames_eq(&got.frames, &cat(&[b"odlr"], &body), "identity first");
        assert_eq!(got.socket_type.as_deref(), Some("DEALER"), "zmq_msg_gets");
        assert_eq!(got.identity.as_deref(), Some("odlr"), "zmq_msg_gets");
        let reply = reply_for(&body);
        their_send(&router, &cat(&[b"odlr"], &reply), "router → dealer");
        let back = our_recv(&dealer, "router → dealer");
        assert_frames_eq(&back.frames, &reply, "routed");
        assert_eq!(back.socket_type.as_deref(), Some("ROUTER"));
    }
    for i in 0..1000 {
        our_send(&dealer, &numbered("up", i), "burst up");
    }
    for i in 0..1000 {
        assert_eq!(
            their_recv(&router, "burst up").frames,
            cat(&[b"odlr"], &numbered("up", i)),
            "message {i} in order"
        );
    }
    for i in 0..1000 {
        their_send(
            &router,
            &cat(&[b"odlr"], &numbered("down", i)),
            "burst down",
        );
    }
    for i in 0..1000 {
        assert_eq!(
            our_recv(&dealer, "burst down").frames,
            numbered("down", i),
            "message {i} in order"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// ROUTER ↔ ROUTER

fn router_to_router(binder: Binder, tr: Transport) {
    let ctx = ferrozmq::Context::new();
    let zctx = zmq::Context::new();
    let our = ours(&ctx, ferrozmq::ROUTER);
    our.set_identity(b"our-router").unwrap();
    our.set_router_mandatory(true).unwrap();
    let mut their = theirs(&zctx, zmq::ROUTER);
    their.set_identity(b"their-router").unwrap();
    their.set_router_mandatory(true).unwrap();
    // A second connecting router without CONNECT_ROUTING_ID, on the connecting side's library.
    let our2 = ours(&ctx, ferrozmq::ROUTER);
    our2.set_identity(b"our-router-2").unwrap();
    our2.set_router_mandatory(true).unwrap();
    let their2 = theirs(&zctx, zmq::ROUTER);
    their2.set_identity(b"their-router-2").unwrap();
    their2.set_router_mandatory(true).unwrap();

    match binder {
        Binder::Ours => {
            let ep = S::O(&our).bind(tr);
            their_set_connect_routing_id(&mut their, b"alias");
            their.connect(&ep).unwrap();
            their2.connect(&ep).unwrap();
            // CONNECT_ROUTING_ID makes the peer routable at once.
            their.send_multipart([&b"alias"[..], b"hello"], 0).unwrap();
            let got = our_recv(&our, "hello");
            assert_eq!(got.frames, frames(&["their-router", "hello"]));
            assert_eq!(got.socket_type.as_deref(), Some("ROUTER"));
            our_send(&our, &frames(&["their-router", "back"]), "back");
            assert_eq!(
                their.recv_multipart(0).unwrap(),
                frames(&["alias", "back"]),
                "libzmq names us by the alias"
            );
            their_send_when_routable(&their2, &[b"our-router", b"second"]);
            assert_eq!(
                our_recv(&our, "second").frames,
                frames(&["their-router-2", "second"])
            );
            our_send(&our, &frames(&["their-router-2", "back2"]), "back2");
            assert_eq!(
                their2.recv_multipart(0).unwrap(),
                frames(&["our-router", "back2"])
            );
            for i in 0..1000 {
                their_send(&their, &cat(&[b"alias"], &numbered("up", i)), "burst up");
            }
            for i in 0..1000 {
                assert_eq!(
                    our_recv(&our, "burst up").frames,
                    cat(&[b"their-router"], &numbered("up", i))
                );
            }
            for i in 0..1000 {
                our_send(&our, &cat(&[b"their-router"], &numbered("down", i)), "down");
            }
            for i in 0..1000 {
                assert_eq!(
                    their.recv_multipart(0).unwrap(),
                    cat(&[b"alias"], &numbered("down", i))
                );
            }
        }
        Binder::Libzmq => {
            let ep = S::Z(&their).bind(tr);
            our.set_connect_routing_id(b"alias").unwrap();
            our.connect(&ep).unwrap();
            our2.connect(&ep).unwrap();
            our_send(&our, &frames(&["alias", "hello"]), "hello");
            let got = their_recv(&their, "hello");
            assert_eq!(got.frames, frames(&["our-router", "hello"]));
            assert_eq!(got.socket_type.as_deref(), Some("ROUTER"), "zmq_msg_gets");
            their_send(&their, &frames(&["our-router", "back"]), "back");
            assert_eq!(
                our_recv(&our, "back").frames,
                frames(&["alias", "back"]),
                "we name libzmq by the alias"
            );
            our_send_when_routable(&our2, &[b"their-router", b"second"]);
            assert_eq!(
                their_recv(&their, "second").frames,
                frames(&["our-router-2", "second"])
            );
            their_send(&their, &frames(&["our-router-2", "back2"]), "back2");
            assert_eq!(
                our_recv(&our2, "back2").frames,
                frames(&["their-router", "back2"])
            );
            for i in 0..1000 {
                our_send(&our, &cat(&[b"alias"], &numbered("up", i)), "burst up");
            }
            for i in 0..1000 {
                assert_eq!(
                    their_recv(&their, "burst up").frames,
                    cat(&[b"our-router"], &numbered("up", i))
                );
            }
            for i in 0..1000 {
                their_send(&their, &cat(&[b"our-router"], &numbered("down", i)), "down");
            }
            for i in 0..1000 {
                assert_eq!(
                    our_recv(&our, "burst down").frames,
                    cat(&[b"alias"], &numbered("down", i))
                );
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Options with libzmq peers

fn router_mandatory_with_a_libzmq_peer(tr: Transport) {
    let ctx = ferrozmq::Context::new();
    let zctx = zmq::Context::new();
    let router = ours(&ctx, ferrozmq::ROUTER);
    router.set_router_mandatory(true).unwrap();
    router.bind(&tr.bind_endpoint()).unwrap();
    let dealer = theirs(&zctx, zmq::DEALER);
    dealer.set_identity(b"zd").unwrap();
    dealer.connect(&last_ep(&router)).unwrap();
    // Routable once the handshake is done, with nothing sent by the peer.
    our_send_when_routable(&router, &[b"zd", b"first"]);
    assert_eq!(dealer.recv_multipart(0).unwrap(), frames(&["first"]));
    for flags in [0, ferrozmq::DONTWAIT] {
        assert_eq!(
            router
                .send_multipart([&b"unknown"[..], b"x"], flags)
                .unwrap_err(),
            ferrozmq::Error::EHOSTUNREACH,
            "unknown id with a libzmq peer connected (flags {flags})"
        );
    }
    our_send(&router, &frames(&["zd", "after", "refusal"]), "known id");
    assert_eq!(
        dealer.recv_multipart(0).unwrap(),
        frames(&["after", "refusal"])
    );
    // The peer leaves: its id becomes unroutable.
    drop(dealer);
    eventually("the libzmq peer's id to go", || {
        match router.send_multipart([&b"zd"[..], b"probe"], ferrozmq::DONTWAIT) {
            Err(ferrozmq::Error::EHOSTUNREACH) => Some(()),
            Ok(()) | Err(ferrozmq::Error::EAGAIN) => None,
            Err(e) => panic!("{e:?}"),
        }
    });
}

fn libzmq_probe_router_seen_by_our_router(tr: Transport) {
    let ctx = ferrozmq::Context::new();
    let zctx = zmq::Context::new();
    let router = ours(&ctx, ferrozmq::ROUTER);
    router.bind(&tr.bind_endpoint()).unwrap();
    let ep = last_ep(&router);
    let dealer = theirs(&zctx, zmq::DEALER);
    dealer.set_identity(b"zd").unwrap();
    dealer.set_probe_router(true).unwrap();
    dealer.connect(&ep).unwrap();
    assert_eq!(our_recv(&router, "probe").frames, frames(&["zd", ""]));
    our_send(&router, &frames(&["zd", "Hello"]), "reply");
    assert_eq!(dealer.recv_multipart(0).unwrap(), frames(&["Hello"]));

    let req = theirs(&zctx, zmq::REQ);
    req.set_identity(b"zq").unwrap();
    req.set_probe_router(true).unwrap();
    req.connect(&ep).unwrap();
    assert_eq!(our_recv(&router, "probe").frames, frames(&["zq", ""]));
    req.send("question", 0).unwrap();
    assert_eq!(
        our_recv(&router, "request").frames,
        frames(&["zq", "", "question"])
    );

    // A libzmq ROUTER that only connects (test_probe_router_router).
    let prober = theirs(&zctx, zmq::ROUTER);
    prober.set_identity(b"zr").unwrap();
    prober.set_probe_router(true).unwrap();
    prober.connect(&ep).unwrap();
    let got = our_recv(&router, "probe");
    assert_eq!(got.frames, frames(&["zr", ""]));
    assert_eq!(got.socket_type.as_deref(), Some("ROUTER"));
    our_send(&router, &frames(&["zr", "Hello"]), "reply");
    let back = prober.recv_multipart(0).unwrap();
    assert_generated_id(&back[0], "libzmq ROUTER names our anonymous ROUTER");
    assert_eq!(back[1], b"Hello");
}

fn our_probe_router_seen_by_libzmq_router(tr: Transport) {
    let ctx = ferrozmq::Context::new();
    let zctx = zmq::Context::new();
    let router = theirs(&zctx, zmq::ROUTER);
    router.bind(&tr.bind_endpoint()).unwrap();
    let ep = zlast_ep(&router);

    let dealer = ours(&ctx, ferrozmq::DEALER);
    dealer.set_identity(b"od").unwrap();
    dealer.set_probe_router(true).unwrap();
    dealer.connect(&ep).unwrap();
    let got = their_recv(&router, "probe from our DEALER");
    assert_eq!(got.frames, frames(&["od", ""]));
    assert_eq!(got.socket_type.as_deref(), Some("DEALER"));
    router.send_multipart(["od", "Hello"], 0).unwrap();
    assert_eq!(our_recv(&dealer, "reply").frames, frames(&["Hello"]));

    let req = ours(&ctx, ferrozmq::REQ);
    req.set_identity(b"oq").unwrap();
    req.set_probe_router(true).unwrap();
    req.connect(&ep).unwrap();
    assert_eq!(
        their_recv(&router, "probe from our REQ").frames,
        frames(&["oq", ""])
    );
    req.send("question", 0).unwrap();
    assert_eq!(
        their_recv(&router, "request").frames,
        frames(&["oq", "", "question"])
    );
    router.send_multipart(["oq", "", "answer"], 0).unwrap();
    assert_eq!(our_recv(&req, "answer").frames, frames(&["answer"]));
}

fn socket_type_of_libzmq_peers(tr: Transport) {
    let ctx = ferrozmq::Context::new();
    let zctx = zmq::Context::new();
    let router = ours(&ctx, ferrozmq::ROUTER);
    router.bind(&tr.bind_endpoint()).unwrap();
    let ep = last_ep(&router);
    let mut peers = Vec::new();
    for (ty, id) in [
        (zmq::DEALER, "z-dealer"),
        (zmq::REQ, "z-req"),
        (zmq::ROUTER, "z-router"),
    ] {
        let mut s = theirs(&zctx, ty);
        s.set_identity(id.as_bytes()).unwrap();
        if ty == zmq::ROUTER {
            their_set_connect_routing_id(&mut s, b"ours");
        }
        s.connect(&ep).unwrap();
        match ty {
            zmq::ROUTER => s.send_multipart(["ours", "hi"], 0).unwrap(),
            _ => s.send("hi", 0).unwrap(),
        }
        let m = router.recv_msg(0).unwrap();
        assert_eq!(&m[..], id.as_bytes(), "identity frame");
        let want_type = match ty {
            zmq::DEALER => "DEALER",
            zmq::REQ => "REQ",
            _ => "ROUTER",
        };
        let mut last = m;
        while last.get_more() {
            last = router.recv_msg(0).unwrap();
            assert_eq!(
                last.gets("Socket-Type"),
                Some(want_type),
                "from a libzmq {ty:?}"
            );
            assert_eq!(last.gets("Identity"), Some(id));
            // ferrozmq answers the documented name too (libzmq 4.3.4 only knows "Identity").
            assert_eq!(last.gets("Routing-Id"), Some(id));
            assert_eq!(last.gets("User-Id"), None);
            assert_eq!(last.gets("No Such"), None);
            match tr {
                Transport::Tcp => assert_eq!(last.gets("Peer-Address"), Some("127.0.0.1")),
                Transport::Ipc => {}
            }
        }
        assert_eq!(&last[..], b"hi");
        peers.push(s);
    }
}

fn router_handover_with_libzmq_peers(tr: Transport) {
    let ctx = ferrozmq::Context::new();
    let zctx = zmq::Context::new();
    let router = ours(&ctx, ferrozmq::ROUTER);
    router.set_router_handover(true).unwrap();
    router.bind(&tr.bind_endpoint()).unwrap();
    let ep = last_ep(&router);

    let old = theirs(&zctx, zmq::DEALER);
    old.set_identity(b"X").unwrap();
    old.set_reconnect_ivl(-1).unwrap();
    old.monitor(
        "inproc://handover-old",
        zmq::SocketEvent::DISCONNECTED as i32,
    )
    .unwrap();
    let old_mon = zctx.socket(zmq::PAIR).unwrap();
    old_mon.set_rcvtimeo(TIMEO).unwrap();
    old_mon.connect("inproc://handover-old").unwrap();
    old.connect(&ep).unwrap();
    old.send("from old", 0).unwrap();
    assert_eq!(our_recv(&router, "old").frames, frames(&["X", "from old"]));

    let new = theirs(&zctx, zmq::DEALER);
    new.set_identity(b"X").unwrap();
    new.connect(&ep).unwrap();
    new.send("from new", 0).unwrap();
    assert_eq!(our_recv(&router, "new").frames, frames(&["X", "from new"]));
    our_send(&router, &frames(&["X", "to X"]), "after handover");
    assert_eq!(new.recv_multipart(0).unwrap(), frames(&["to X"]));
    // The old libzmq peer's connection was closed by our ROUTER.
    let event = old_mon.recv_multipart(0).expect("DISCONNECTED event");
    let code = u16::from_ne_bytes([event[0][0], event[0][1]]);
    assert_eq!(code, zmq::SocketEvent::DISCONNECTED as u16);
}

fn router_notify_with_a_libzmq_peer(tr: Transport) {
    let ctx = ferrozmq::Context::new();
    let zctx = zmq::Context::new();
    let router = ours(&ctx, ferrozmq::ROUTER);
    router
        .set_router_notify(ferrozmq::NOTIFY_CONNECT | ferrozmq::NOTIFY_DISCONNECT)
        .unwrap();
    router.bind(&tr.bind_endpoint()).unwrap();
    let ep = last_ep(&router);
    let dealer = theirs(&zctx, zmq::DEALER);
    dealer.set_identity(b"X").unwrap();
    dealer.connect(&ep).unwrap();
    assert_eq!(our_recv(&router, "connect").frames, frames(&["X", ""]));
    dealer.send("Hello", 0).unwrap();
    assert_eq!(our_recv(&router, "data").frames, frames(&["X", "Hello"]));
    dealer.disconnect(&ep).unwrap();
    // libzmq finishes a disconnect only when its socket processes commands (test_router_notify
    // calls zmq_getsockopt(ZMQ_EVENTS) for that): keep calling into it while we wait.
    eventually("the disconnect notification", || {
        dealer.get_events().unwrap();
        (router.poll(ferrozmq::POLLIN, 10).unwrap() > 0).then_some(())
    });
    assert_eq!(our_recv(&router, "disconnect").frames, frames(&["X", ""]));
}

fn libzmq_correlated_req_served_by_our_rep(tr: Transport) {
    let ctx = ferrozmq::Context::new();
    let zctx = zmq::Context::new();
    let rep = ours(&ctx, ferrozmq::REP);
    rep.bind(&tr.bind_endpoint()).unwrap();
    let req = theirs(&zctx, zmq::REQ);
    req.set_req_correlate(true).unwrap();
    req.set_req_relaxed(true).unwrap();
    req.connect(&last_ep(&rep)).unwrap();
    // The request id is part of the envelope our REP keeps and puts back.
    for i in 0..20 {
        req.send(format!("q{i}").as_str(), 0).unwrap();
        assert_eq!(
            our_recv(&rep, "correlated request").frames,
            vec![format!("q{i}").into_bytes()]
        );
        rep.send(format!("r{i}").as_str(), 0).unwrap();
        assert_eq!(
            req.recv_string(0).unwrap().unwrap(),
            format!("r{i}"),
            "libzmq accepts our reply: the request id came back"
        );
    }
}
