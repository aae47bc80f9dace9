//! Interop: ferrozmq sockets against real libzmq (4.3, linked through the `zmq` crate, in the
//! same process).
//!
//! * Every implemented socket-type pair — our PUSH → libzmq PULL, libzmq PUSH → our PULL, our
//!   REQ ↔ libzmq REP, libzmq REQ ↔ our REP, PAIR ↔ PAIR — in both bind/connect directions and
//!   over tcp and ipc (20 generated cases). Each case exchanges single-frame messages (one of
//!   them empty), a 3-frame message with an empty middle frame, a 1 MiB message checked byte for
//!   byte, and 1000 messages whose order is checked.
//! * A libzmq peer that restarts on the same endpoint while our connecting socket keeps its
//!   queue: what was sent while the peer was away arrives once it is back (PUSH → PULL, and a
//!   REQ's request to a REP).
//! * Envelopes at the edge of RFC 28: a libzmq DEALER talking to our REP (delimiter + body, and
//!   multi-hop envelopes, pipelined requests), a libzmq ROUTER talking to our REQ (it sees
//!   [routing-id, "", body]), requests without a delimiter sent to our REP (discarded; crafted
//!   by a DEALER, since ROUTER is not a legal peer of REP), a ROUTER sending our REQ malformed
//!   replies (discarded), and a REQ that only accepts the reply of the peer it asked.

use crate::common;
use crate::common::*;

/// Which pair of socket types a case runs.
#[derive(Clone, Copy, Debug)]
enum Pattern {
    /// Our PUSH sends to a libzmq PULL.
    PushToLibzmq,
    /// A libzmq PUSH sends to our PULL.
    PushFromLibzmq,
    /// Our REQ asks a libzmq REP.
    ReqToLibzmq,
    /// A libzmq REQ asks our REP.
    ReqFromLibzmq,
    /// Our PAIR and a libzmq PAIR, both directions.
    Pair,
}

/// Who binds; the other side connects.
#[derive(Clone, Copy, Debug)]
enum Binder {
    Ours,
    Libzmq,
}

/// One side of a case, ours or libzmq's, behind one interface.
enum Peer {
    Ours(ferrozmq::Socket),
    Libzmq(zmq::Socket),
}

impl Peer {
    fn name(&self) -> &'static str {
        match self {
            Peer::Ours(_) => "ferrozmq",
            Peer::Libzmq(_) => "libzmq",
        }
    }

    fn send(&self, msg: &[Vec<u8>]) {
        match self {
            Peer::Ours(s) => s
                .send_multipart(msg.iter().map(|f| f.as_slice()), 0)
                .unwrap_or_else(|e| panic!("ferrozmq send: {e:?}")),
            Peer::Libzmq(s) => s
                .send_multipart(msg.iter().map(|f| f.as_slice()), 0)
                .unwrap_or_else(|e| panic!("libzmq send: {e:?}")),
        }
    }

    fn recv(&self) -> Vec<Vec<u8>> {
        match self {
            Peer::Ours(s) => recv_frames(s).unwrap_or_else(|e| panic!("ferrozmq recv: {e:?}")),
            Peer::Libzmq(s) => s
                .recv_multipart(0)
                .unwrap_or_else(|e| panic!("libzmq recv: {e:?}")),
        }
    }
}

/// How messages flow in a case.
#[derive(Clone, Copy, Debug)]
enum Flow {
    /// `a` sends, `b` receives.
    OneWay,
    /// `a` requests, `b` replies.
    ReqRep,
    /// Both directions.
    Both,
}

/// The reply a replier sends for `request`: its frames reversed (differs from the request for
/// multipart messages, so a reply is not mistaken for an echo of the wire).
fn reply_for(request: &[Vec<u8>]) -> Vec<Vec<u8>> {
    request.iter().rev().cloned().collect()
}

/// Exchanges one message according to `flow`; `a` initiates.
fn exchange(flow: Flow, a: &Peer, b: &Peer, msg: &[Vec<u8>], what: &str) {
    match flow {
        Flow::OneWay => {
            a.send(msg);
            assert_frames_eq(&b.recv(), msg, what);
        }
        Flow::ReqRep => {
            a.send(msg);
            let request = b.recv();
            assert_frames_eq(&request, msg, &format!("{what}: request at {}", b.name()));
            let reply = reply_for(&request);
            b.send(&reply);
            assert_frames_eq(&a.recv(), &reply, &format!("{what}: reply at {}", a.name()));
        }
        Flow::Both => {
            a.send(msg);
            assert_frames_eq(&b.recv(), msg, &format!("{what}: at {}", b.name()));
            b.send(msg);
            assert_frames_eq(&a.recv(), msg, &format!("{what}: back at {}", a.name()));
        }
    }
}

/// 1000 numbered messages; every one must arrive, in order.
fn thousand_in_order(flow: Flow, a: &Peer, b: &Peer) {
    const N: usize = 1000;
    let msg = |i: usize| vec![format!("msg-{i:04}").into_bytes()];
    let one_way = |from: &Peer, to: &Peer| {
        for i in 0..N {
            from.send(&msg(i));
        }
        for i in 0..N {
            let got = to.recv();
            assert_eq!(
                got,
                msg(i),
                "message {i} of {N} from {} to {}",
                from.name(),
                to.name()
            );
        }
    };
    match flow {
        Flow::OneWay => one_way(a, b),
        Flow::Both => {
            one_way(a, b);
            one_way(b, a);
        }
        Flow::ReqRep => {
            for i in 0..N {
                exchange(flow, a, b, &msg(i), &format!("round trip {i}"));
            }
        }
    }
}

fn run_case(pattern: Pattern, binder: Binder, transport: Transport) {
    let bind_ep = transport.bind_endpoint();
    // Declared first, dropped last: after libzmq's socket is closed.
    let _cleanup = IpcFileGuard::new(&bind_ep);
    let ctx = ferrozmq::Context::new();
    let zctx = zmq::Context::new();
    let (our_type, their_type, flow) = match pattern {
        Pattern::PushToLibzmq => (ferrozmq::PUSH, zmq::PULL, Flow::OneWay),
        Pattern::PushFromLibzmq => (ferrozmq::PULL, zmq::PUSH, Flow::OneWay),
        Pattern::ReqToLibzmq => (ferrozmq::REQ, zmq::REP, Flow::ReqRep),
        Pattern::ReqFromLibzmq => (ferrozmq::REP, zmq::REQ, Flow::ReqRep),
        Pattern::Pair => (ferrozmq::PAIR, zmq::PAIR, Flow::Both),
    };
    let our = ours(&ctx, our_type);
    let their = theirs(&zctx, their_type);
    match binder {
        Binder::Ours => {
            our.bind(&bind_ep).expect("ferrozmq bind");
            let ep = last_ep(&our);
            their.connect(&ep).expect("libzmq connect");
        }
        Binder::Libzmq => {
            their.bind(&bind_ep).expect("libzmq bind");
            let ep = zlast_ep(&their);
            our.connect(&ep).expect("ferrozmq connect");
        }
    }
    let our = Peer::Ours(our);
    let their = Peer::Libzmq(their);
    // `a` initiates (PUSH, REQ, or our PAIR), `b` answers.
    let (a, b) = match pattern {
        Pattern::PushToLibzmq | Pattern::ReqToLibzmq | Pattern::Pair => (&our, &their),
        Pattern::PushFromLibzmq | Pattern::ReqFromLibzmq => (&their, &our),
    };

    for i in 0..5 {
        exchange(
            flow,
            a,
            b,
            &[format!("single-{i}").into_bytes()],
            "single frame",
        );
    }
    exchange(flow, a, b, &[Vec::new()], "empty single frame");
    exchange(
        flow,
        a,
        b,
        &frames(&["first", "", "third"]),
        "3 frames with an empty middle frame",
    );
    exchange(flow, a, b, &[payload(1 << 20, 7)], "1 MiB message");
    exchange(
        flow,
        a,
        b,
        &[payload(300, 1), payload(1 << 20, 2), b"tail".to_vec()],
        "multipart with a 1 MiB frame",
    );
    thousand_in_order(flow, a, b);
    exchange(flow, a, b, &frames(&["still", "alive"]), "after the burst");
}

macro_rules! cases {
    ($($name:ident: $pattern:ident, $binder:ident, $transport:ident;)*) => {
        $(
            #[test]
            fn $name() {
                bounded(|| run_case(Pattern::$pattern, Binder::$binder, Transport::$transport));
            }
        )*
    };
}

cases! {
    push_to_libzmq_pull_ours_binds_tcp: PushToLibzmq, Ours, Tcp;
    push_to_libzmq_pull_ours_binds_ipc: PushToLibzmq, Ours, Ipc;
    push_to_libzmq_pull_libzmq_binds_tcp: PushToLibzmq, Libzmq, Tcp;
    push_to_libzmq_pull_libzmq_binds_ipc: PushToLibzmq, Libzmq, Ipc;
    pull_from_libzmq_push_ours_binds_tcp: PushFromLibzmq, Ours, Tcp;
    pull_from_libzmq_push_ours_binds_ipc: PushFromLibzmq, Ours, Ipc;
    pull_from_libzmq_push_libzmq_binds_tcp: PushFromLibzmq, Libzmq, Tcp;
    pull_from_libzmq_push_libzmq_binds_ipc: PushFromLibzmq, Libzmq, Ipc;
    req_to_libzmq_rep_ours_binds_tcp: ReqToLibzmq, Ours, Tcp;
    req_to_libzmq_rep_ours_binds_ipc: ReqToLibzmq, Ours, Ipc;
    req_to_libzmq_rep_libzmq_binds_tcp: ReqToLibzmq, Libzmq, Tcp;
    req_to_libzmq_rep_libzmq_binds_ipc: ReqToLibzmq, Libzmq, Ipc;
    rep_for_libzmq_req_ours_binds_tcp: ReqFromLibzmq, Ours, Tcp;
    rep_for_libzmq_req_ours_binds_ipc: ReqFromLibzmq, Ours, Ipc;
    rep_for_libzmq_req_libzmq_binds_tcp: ReqFromLibzmq, Libzmq, Tcp;
    rep_for_libzmq_req_libzmq_binds_ipc: ReqFromLibzmq, Libzmq, Ipc;
    pair_with_libzmq_pair_ours_binds_tcp: Pair, Ours, Tcp;
    pair_with_libzmq_pair_ours_binds_ipc: Pair, Ours, Ipc;
    pair_with_libzmq_pair_libzmq_binds_tcp: Pair, Libzmq, Tcp;
    pair_with_libzmq_pair_libzmq_binds_ipc: Pair, Libzmq, Ipc;
}

// ---------------------------------------------------------------------------------------------
// A libzmq peer that restarts.

/// A libzmq socket in its own context, so that dropping it (context termination) guarantees
/// its listener and connections are closed before the next incarnation binds.
struct Incarnation {
    socket: Option<zmq::Socket>,
    ctx: Option<zmq::Context>,
}

impl Incarnation {
    fn bind(ty: zmq::SocketType, endpoint: &str) -> Incarnation {
        let ctx = zmq::Context::new();
        let socket = theirs(&ctx, ty);
        socket.set_linger(0).unwrap();
        socket
            .bind(endpoint)
            .unwrap_or_else(|e| panic!("libzmq bind {endpoint}: {e:?}"));
        Incarnation {
            socket: Some(socket),
            ctx: Some(ctx),
        }
    }

    fn socket(&self) -> &zmq::Socket {
        self.socket.as_ref().expect("socket")
    }

    /// Closes the socket and terminates its context (waits until everything is closed).
    fn kill(mut self) {
        drop(self.socket.take());
        drop(self.ctx.take());
    }
}

fn restarted_pull_gets_queued_messages(transport: Transport) {
    let ctx = ferrozmq::Context::new();
    let first = Incarnation::bind(zmq::PULL, &transport.bind_endpoint());
    let endpoint = zlast_ep(first.socket());
    let _cleanup = IpcFileGuard::new(&endpoint);

    let push = ours(&ctx, ferrozmq::PUSH);
    push.set_reconnect_ivl(20).unwrap();
    push.connect(&endpoint).unwrap();
    push.send("before", 0).unwrap();
    assert_eq!(first.socket().recv_bytes(0).unwrap(), b"before");

    first.kill();
    // Once our PUSH redials, it knows the peer is gone: what it sends now queues in its
    // connect-side pipe (sooner, it could still go to the dying connection and be lost, as
    // with libzmq).
    let stand_in = await_redial(&endpoint);
    for i in 0..10 {
        push.send(format!("away-{i}").as_str(), 0)
            .expect("PUSH with a connect-side pipe queues while the peer is away");
    }
    drop(stand_in);

    let second = Incarnation::bind(zmq::PULL, &endpoint);
    for i in 0..10 {
        let got = second.socket().recv_bytes(0).unwrap_or_else(|e| {
            panic!("message away-{i} queued while the peer was away never arrived: {e:?}")
        });
        assert_eq!(got, format!("away-{i}").into_bytes());
    }
    push.send("after", 0).unwrap();
    assert_eq!(second.socket().recv_bytes(0).unwrap(), b"after");
    second.kill();
}

#[test]
fn push_keeps_queue_across_libzmq_pull_restart_tcp() {
    bounded(|| restarted_pull_gets_queued_messages(Transport::Tcp));
}

#[test]
fn push_keeps_queue_across_libzmq_pull_restart_ipc() {
    bounded(|| restarted_pull_gets_queued_messages(Transport::Ipc));
}

fn req_survives_libzmq_rep_restart(transport: Transport) {
    let ctx = ferrozmq::Context::new();
    let first = Incarnation::bind(zmq::REP, &transport.bind_endpoint());
    let endpoint = zlast_ep(first.socket());
    let _cleanup = IpcFileGuard::new(&endpoint);

    let req = ours(&ctx, ferrozmq::REQ);
    req.set_reconnect_ivl(20).unwrap();
    req.connect(&endpoint).unwrap();
    req.send("ping-1", 0).unwrap();
    assert_eq!(first.socket().recv_bytes(0).unwrap(), b"ping-1");
    first.socket().send("pong-1", 0).unwrap();
    assert_eq!(req.recv_bytes(0).unwrap(), b"pong-1");

    first.kill();
    // A fresh request while the REP is away (and our REQ knows it): it waits in the queue.
    let stand_in = await_redial(&endpoint);
    req.send("ping-2", 0).unwrap();
    drop(stand_in);

    let second = Incarnation::bind(zmq::REP, &endpoint);
    assert_eq!(
        second.socket().recv_bytes(0).unwrap(),
        b"ping-2",
        "the request queued while the REP was away"
    );
    second.socket().send("pong-2", 0).unwrap();
    assert_eq!(req.recv_bytes(0).unwrap(), b"pong-2");

    req.send("ping-3", 0).unwrap();
    assert_eq!(second.socket().recv_bytes(0).unwrap(), b"ping-3");
    second.socket().send("pong-3", 0).unwrap();
    assert_eq!(req.recv_bytes(0).unwrap(), b"pong-3");
    second.kill();
}

#[test]
fn req_survives_libzmq_rep_restart_tcp() {
    bounded(|| req_survives_libzmq_rep_restart(Transport::Tcp));
}

#[test]
fn req_survives_libzmq_rep_restart_ipc() {
    bounded(|| req_survives_libzmq_rep_restart(Transport::Ipc));
}

// ---------------------------------------------------------------------------------------------
// Envelopes: libzmq DEALER and ROUTER as raw peers of our REP and REQ.

#[test]
fn libzmq_dealer_talks_to_our_rep() {
    bounded(|| {
        let ctx = ferrozmq::Context::new();
        let zctx = zmq::Context::new();
        let rep = ours(&ctx, ferrozmq::REP);
        rep.bind("tcp://127.0.0.1:*").unwrap();
        let dealer = theirs(&zctx, zmq::DEALER);
        dealer.connect(&last_ep(&rep)).unwrap();

        // Envelope = just the delimiter.
        dealer.send_multipart(["", "hello"], 0).unwrap();
        assert_eq!(recv_frames(&rep).unwrap(), frames(&["hello"]));
        rep.send("world", 0).unwrap();
        assert_eq!(dealer.recv_multipart(0).unwrap(), frames(&["", "world"]));

        // A multi-hop envelope is kept whole and put back in front of the reply.
        dealer
            .send_multipart(["hop-1", "hop-2", "", "body-a", "body-b"], 0)
            .unwrap();
        assert_eq!(recv_frames(&rep).unwrap(), frames(&["body-a", "body-b"]));
        rep.send_multipart(["re-a", "re-b"], 0).unwrap();
        assert_eq!(
            dealer.recv_multipart(0).unwrap(),
            frames(&["hop-1", "hop-2", "", "re-a", "re-b"])
        );

        // Pipelined requests from one DEALER are answered one by one, in order.
        for i in 0..20 {
            dealer
                .send_multipart([format!("id-{i}").as_str(), "", &format!("q-{i}")], 0)
                .unwrap();
        }
        for i in 0..20 {
            assert_eq!(
                recv_frames(&rep).unwrap(),
                vec![format!("q-{i}").into_bytes()]
            );
            rep.send(format!("r-{i}").as_str(), 0).unwrap();
        }
        for i in 0..20 {
            assert_eq!(
                dealer.recv_multipart(0).unwrap(),
                vec![
                    format!("id-{i}").into_bytes(),
                    vec![],
                    format!("r-{i}").into_bytes()
                ]
            );
        }
    });
}

#[test]
fn libzmq_router_talks_to_our_req() {
    bounded(|| {
        let ctx = ferrozmq::Context::new();
        let zctx = zmq::Context::new();
        let router = theirs(&zctx, zmq::ROUTER);
        router.bind("tcp://127.0.0.1:*").unwrap();
        let req = ours(&ctx, ferrozmq::REQ);
        req.set_identity(b"our-req").unwrap();
        req.connect(&zlast_ep(&router)).unwrap();

        req.send("hello", 0).unwrap();
        let request = router.recv_multipart(0).unwrap();
        assert_eq!(
            request,
            frames(&["our-req", "", "hello"]),
            "ROUTER sees [routing-id (our Identity), empty delimiter, body]"
        );
        router
            .send_multipart([&request[0][..], b"", b"world"], 0)
            .unwrap();
        assert_eq!(recv_frames(&req).unwrap(), frames(&["world"]));

        // Multipart request and reply.
        req.send_multipart(["a", "", "c"], 0).unwrap();
        let request = router.recv_multipart(0).unwrap();
        assert_eq!(request, frames(&["our-req", "", "a", "", "c"]));
        router
            .send_multipart([&request[0][..], b"", b"x", b"y"], 0)
            .unwrap();
        assert_eq!(recv_frames(&req).unwrap(), frames(&["x", "y"]));
    });
}

#[test]
fn libzmq_router_without_identity_sees_generated_routing_id() {
    bounded(|| {
        let ctx = ferrozmq::Context::new();
        let zctx = zmq::Context::new();
        let router = theirs(&zctx, zmq::ROUTER);
        // Not libzmq's `ipc://*`: it leaves a socket file in the working directory.
        router.bind(&common::ipc_endpoint()).unwrap();
        let req = ours(&ctx, ferrozmq::REQ);
        req.connect(&zlast_ep(&router)).unwrap();
        req.send("anonymous", 0).unwrap();
        let request = router.recv_multipart(0).unwrap();
        assert_eq!(request.len(), 3, "{request:?}");
        assert_eq!(
            request[0].len(),
            5,
            "libzmq generates a 5-byte routing id for a peer with an empty Identity"
        );
        assert_eq!(request[0][0], 0);
        assert_eq!(&request[1..], &frames(&["", "anonymous"])[..]);
        router
            .send_multipart([&request[0][..], b"", b"ok"], 0)
            .unwrap();
        assert_eq!(req.recv_bytes(0).unwrap(), b"ok");
    });
}

#[test]
fn our_rep_discards_requests_without_delimiter() {
    // A ROUTER is not a legal peer of REP (RFC 28 / libzmq's compatibility table), so the raw
    // peer that crafts envelopes here is a libzmq DEALER, which sends frames as given.
    bounded(|| {
        let ctx = ferrozmq::Context::new();
        let zctx = zmq::Context::new();
        let rep = ours(&ctx, ferrozmq::REP);
        rep.bind("tcp://127.0.0.1:*").unwrap();
        let dealer = theirs(&zctx, zmq::DEALER);
        dealer.connect(&last_ep(&rep)).unwrap();

        // Malformed requests: no empty delimiter anywhere, or nothing after it.
        dealer.send("no-delimiter", 0).unwrap();
        dealer.send_multipart(["a", "b", "c"], 0).unwrap();
        dealer.send_multipart(["x", ""], 0).unwrap();
        dealer.send("", 0).unwrap();
        // A well-formed one.
        dealer.send_multipart(["", "good"], 0).unwrap();

        assert_eq!(
            recv_frames(&rep).unwrap(),
            frames(&["good"]),
            "REP must drop requests without an envelope delimiter and serve the next one"
        );
        rep.send("answer", 0).unwrap();
        assert_eq!(dealer.recv_multipart(0).unwrap(), frames(&["", "answer"]));
        // Nothing else was queued for the application.
        assert_eq!(
            rep.recv_msg(ferrozmq::DONTWAIT).unwrap_err(),
            ferrozmq::Error::EAGAIN
        );

        // And it keeps serving.
        dealer.send_multipart(["", "again"], 0).unwrap();
        assert_eq!(recv_frames(&rep).unwrap(), frames(&["again"]));
        rep.send("still here", 0).unwrap();
        assert_eq!(
            dealer.recv_multipart(0).unwrap(),
            frames(&["", "still here"])
        );
    });
}

#[test]
fn our_req_discards_malformed_replies() {
    bounded(|| {
        let ctx = ferrozmq::Context::new();
        let zctx = zmq::Context::new();
        let router = theirs(&zctx, zmq::ROUTER);
        router.bind("tcp://127.0.0.1:*").unwrap();
        let req = ours(&ctx, ferrozmq::REQ);
        req.connect(&zlast_ep(&router)).unwrap();

        req.send("question", 0).unwrap();
        let request = router.recv_multipart(0).unwrap();
        let id = request[0].clone();
        assert_eq!(&request[1..], &frames(&["", "question"])[..]);

        // Replies without the delimiter, or with nothing after it: REQ must discard them.
        router
            .send_multipart([&id[..], b"no-delimiter"], 0)
            .unwrap();
        router.send_multipart([&id[..], b"x", b"y"], 0).unwrap();
        router.send_multipart([&id[..], b""], 0).unwrap();
        router.send_multipart([&id[..], b"", b"good"], 0).unwrap();
        assert_eq!(recv_frames(&req).unwrap(), frames(&["good"]));

        // The REQ is back in its sending state.
        req.send("next", 0).unwrap();
        let request = router.recv_multipart(0).unwrap();
        assert_eq!(&request[1..], &frames(&["", "next"])[..]);
        router.send_multipart([&id[..], b"", b"fine"], 0).unwrap();
        assert_eq!(req.recv_bytes(0).unwrap(), b"fine");
    });
}

#[test]
fn our_req_only_accepts_reply_from_the_peer_it_asked() {
    bounded(|| {
        let ctx = ferrozmq::Context::new();
        let zctx = zmq::Context::new();
        let routers: Vec<zmq::Socket> = (0..2)
            .map(|_| {
                let r = theirs(&zctx, zmq::ROUTER);
                r.set_router_mandatory(true).unwrap();
                r.bind("tcp://127.0.0.1:*").unwrap();
                r
            })
            .collect();
        let req = ours(&ctx, ferrozmq::REQ);
        req.set_identity(b"A").unwrap();
        for r in &routers {
            req.connect(&zlast_ep(r)).unwrap();
        }

        // Which router does each request reach? Round-robin visits both in two requests.
        let serve = |n: usize| -> usize {
            req.send(format!("req-{n}").as_str(), 0).unwrap();
            let mut items = [
                routers[0].as_poll_item(zmq::POLLIN),
                routers[1].as_poll_item(zmq::POLLIN),
            ];
            assert!(
                zmq::poll(&mut items, i64::from(TIMEO)).unwrap() > 0,
                "request {n} lost"
            );
            let which = if items[0].is_readable() { 0 } else { 1 };
            let got = routers[which].recv_multipart(0).unwrap();
            assert_eq!(
                got,
                vec![b"A".to_vec(), vec![], format!("req-{n}").into_bytes()]
            );
            which
        };
        let first = serve(0);
        routers[first]
            .send_multipart(["A", "", "rep-0"], 0)
            .unwrap();
        assert_eq!(req.recv_bytes(0).unwrap(), b"rep-0");
        let second = serve(1);
        assert_ne!(
            first, second,
            "REQ round-robins its requests over its peers"
        );
        routers[second]
            .send_multipart(["A", "", "rep-1"], 0)
            .unwrap();
        assert_eq!(req.recv_bytes(0).unwrap(), b"rep-1");

        // Request 2 goes to `first`; `second` answers anyway, several times, before `first`.
        let asked = serve(2);
        assert_eq!(asked, first);
        let other = 1 - asked;
        for i in 0..10 {
            routers[other]
                .send_multipart(["A", "", &format!("impostor-{i}")], 0)
                .unwrap();
        }
        routers[asked]
            .send_multipart(["A", "", "genuine"], 0)
            .unwrap();
        assert_eq!(
            req.recv_bytes(0).unwrap(),
            b"genuine",
            "REQ must only accept the reply of the peer it sent the request to"
        );
    });
}

#[test]
fn libzmq_req_and_our_rep_many_clients() {
    bounded(|| {
        let ctx = ferrozmq::Context::new();
        let zctx = zmq::Context::new();
        let rep = ours(&ctx, ferrozmq::REP);
        rep.bind("tcp://127.0.0.1:*").unwrap();
        let ep = last_ep(&rep);
        let reqs: Vec<zmq::Socket> = (0..4)
            .map(|_| {
                let r = theirs(&zctx, zmq::REQ);
                r.connect(&ep).unwrap();
                r
            })
            .collect();
        for round in 0..5 {
            for (i, r) in reqs.iter().enumerate() {
                r.send(format!("client-{i}-round-{round}").as_str(), 0)
                    .unwrap();
            }
            for _ in 0..reqs.len() {
                let request = rep.recv_bytes(0).unwrap();
                let mut reply = b"re:".to_vec();
                reply.extend_from_slice(&request);
                rep.send(reply, 0).unwrap();
            }
            for (i, r) in reqs.iter().enumerate() {
                assert_eq!(
                    r.recv_string(0).unwrap().unwrap(),
                    format!("re:client-{i}-round-{round}"),
                    "each reply goes back to the REQ that asked"
                );
            }
        }
    });
}

#[test]
fn libzmq_pull_over_ipc_gets_everything_before_our_push_closes() {
    // The sender closes right after sending; libzmq as receiver over ipc with RCVHWM 0 (see
    // DESIGN §4 on libzmq issue #4660). Our LINGER must flush the whole queue.
    bounded(|| {
        let ep = ipc_endpoint();
        let _cleanup = IpcFileGuard::new(&ep);
        let ctx = ferrozmq::Context::new();
        let zctx = zmq::Context::new();
        let pull = theirs(&zctx, zmq::PULL);
        pull.set_rcvhwm(0).unwrap();
        pull.bind(&ep).unwrap();
        let push = ours(&ctx, ferrozmq::PUSH);
        push.set_linger(-1).unwrap();
        push.connect(&zlast_ep(&pull)).unwrap();
        for i in 0..5000 {
            push.send(format!("m{i}").as_str(), 0).unwrap();
        }
        drop(push);
        for i in 0..5000 {
            assert_eq!(pull.recv_string(0).unwrap().unwrap(), format!("m{i}"));
        }
        drop(ctx);
    });
}

/// A ferrozmq PUSH that queues a burst and exits (socket and context dropped, LINGER -1 as
/// libzmq's default) delivers all of it to a libzmq PULL that only starts reading then — over
/// ipc as over tcp. Closing a Unix socket while the peer has not read everything hangs the
/// connection up, and libzmq, its input stopped by its full queue, then drops the connection
/// with the unread bytes (`remote-thr` to libzmq's `local_thr` over ipc lost a third).
#[test]
fn a_burst_queued_before_exit_reaches_libzmq_entirely() {
    for endpoint in [
        "tcp://127.0.0.1:*".to_string(),
        crate::common::ipc_endpoint(),
    ] {
        bounded(move || {
            let z = zmq::Context::new();
            let pull = theirs(&z, zmq::PULL);
            // A small queue, so that libzmq stops reading early and the rest waits in the
            // kernel when the sender closes.
            pull.set_rcvhwm(100).unwrap();
            pull.bind(&endpoint).unwrap();
            let bound = zlast_ep(&pull);
            let (queued, all_queued) = std::sync::mpsc::channel();
            let sender = std::thread::spawn(move || {
                let ctx = ferrozmq::Context::new();
                let push = ctx.socket(ferrozmq::PUSH).unwrap();
                push.connect(&bound).unwrap();
                // As much as the queues take without waiting (nothing is read yet).
                let mut sent = 0;
                while sent < 5_000 {
                    match push.send(ferrozmq::Message::with_size(16), ferrozmq::DONTWAIT) {
                        Ok(()) => sent += 1,
                        Err(ferrozmq::Error::EAGAIN) => break,
                        Err(e) => panic!("send: {e}"),
                    }
                }
                queued.send(sent).unwrap();
                // Dropping the socket and then the context waits for delivery (LINGER -1).
            });
            let sent = all_queued.recv().unwrap();
            assert!(
                sent > 100,
                "only {sent} queued: the test needs more than libzmq's queue"
            );
            for received in 0..sent {
                if let Err(e) = pull.recv_bytes(0) {
                    panic!("{endpoint}: {received} of {sent} arrived ({e})");
                }
            }
            sender.join().unwrap();
        });
    }
}

/// RECONNECT_IVL -1 against libzmq both ways (libzmq's test_reconnect_ivl): the connecting
/// PAIR does not redial once its bound peer unbinds, even after it binds again, and a second
/// connect to the endpoint gives it the peer back.
#[test]
fn reconnect_ivl_minus_one_with_libzmq_on_either_side() {
    bounded(|| {
        let zctx = zmq::Context::new();
        let ctx = ferrozmq::Context::new();
        // Ours connects, theirs binds.
        let bound = theirs(&zctx, zmq::PAIR);
        bound.bind("tcp://127.0.0.1:*").unwrap();
        let endpoint = zlast_ep(&bound);
        let pair = ours(&ctx, ferrozmq::PAIR);
        pair.set_reconnect_ivl(-1).unwrap();
        let events = "inproc://interop-reconnect-ivl";
        pair.monitor(events, ferrozmq::SocketEvent::DISCONNECTED as i32)
            .unwrap();
        let monitor = ours(&ctx, ferrozmq::PAIR);
        monitor.connect(events).unwrap();
        pair.connect(&endpoint).unwrap();
        pair.send("first", 0).unwrap();
        assert_eq!(bound.recv_bytes(0).unwrap(), b"first");
        bound.unbind(&endpoint).unwrap();
        // libzmq finishes closing the accepted connection only as its socket handles
        // commands, which it does inside calls: poke it while waiting for our side to see it.
        monitor.set_rcvtimeo(100).unwrap();
        let lost = (0..50).find_map(|_| {
            let _ = bound.get_events();
            ferrozmq::MonitorEvent::recv(&monitor).ok()
        });
        assert_eq!(
            lost.map(|e| e.event),
            Some(ferrozmq::SocketEvent::DISCONNECTED)
        );
        bound.bind(&endpoint).unwrap();
        bound.set_rcvtimeo(200).unwrap();
        pair.send("lost", ferrozmq::DONTWAIT).ok();
        assert!(
            bound.recv_bytes(0).is_err(),
            "no redial under RECONNECT_IVL -1"
        );
        pair.connect(&endpoint).unwrap();
        pair.send("again", 0).unwrap();
        bound.set_rcvtimeo(TIMEO).unwrap();
        assert_eq!(bound.recv_bytes(0).unwrap(), b"again");
        bound.send("back", 0).unwrap();
        assert_eq!(pair.recv_bytes(0).unwrap(), b"back");

        // Theirs connects with RECONNECT_IVL -1, ours binds: our unbind ends the connection
        // (libzmq sees it go), and after our rebind libzmq does not come back.
        let ours_bound = ours(&ctx, ferrozmq::PAIR);
        ours_bound.bind("tcp://127.0.0.1:*").unwrap();
        let endpoint = last_ep(&ours_bound);
        let their_pair = theirs(&zctx, zmq::PAIR);
        their_pair.set_reconnect_ivl(-1).unwrap();
        let their_events = "inproc://interop-reconnect-ivl-theirs";
        let wanted = zmq::SocketEvent::CONNECTED as i32 | zmq::SocketEvent::DISCONNECTED as i32;
        their_pair.monitor(their_events, wanted).unwrap();
        let their_monitor = theirs(&zctx, zmq::PAIR);
        their_monitor.connect(their_events).unwrap();
        let next_event = |timeout: i32| {
            their_monitor.set_rcvtimeo(timeout).unwrap();
            let frames = their_monitor.recv_multipart(0).ok()?;
            Some(zmq::SocketEvent::from_raw(u16::from_ne_bytes([
                frames[0][0],
                frames[0][1],
            ])))
        };
        their_pair.connect(&endpoint).unwrap();
        their_pair.send("first", 0).unwrap();
        assert_eq!(ours_bound.recv_bytes(0).unwrap(), b"first");
        assert_eq!(next_event(TIMEO), Some(zmq::SocketEvent::CONNECTED));
        ours_bound.unbind(&endpoint).unwrap();
        assert_eq!(next_event(TIMEO), Some(zmq::SocketEvent::DISCONNECTED));
        ours_bound.bind(&endpoint).unwrap();
        assert_eq!(
            next_event(300),
            None,
            "libzmq does not redial under RECONNECT_IVL -1"
        );
    });
}

/// `Socket::peer_state` (zmq_socket_get_peer_state) on our ROUTER with a libzmq DEALER as
/// the peer: room for it while it reads, none once ROUTER_MANDATORY finds it full.
#[test]
fn peer_state_of_a_libzmq_dealer() {
    bounded(|| {
        let zctx = zmq::Context::new();
        let ctx = ferrozmq::Context::new();
        let router = ours(&ctx, ferrozmq::ROUTER);
        router.set_router_mandatory(true).unwrap();
        router.set_sndhwm(1).unwrap();
        router.bind("tcp://127.0.0.1:*").unwrap();
        let dealer = theirs(&zctx, zmq::DEALER);
        dealer.set_identity(b"X").unwrap();
        dealer.set_rcvhwm(1).unwrap();
        dealer.connect(&last_ep(&router)).unwrap();
        dealer.send("hello", 0).unwrap();
        assert_eq!(router.recv_multipart(0).unwrap(), [&b"X"[..], b"hello"]);
        assert_eq!(router.peer_state(b"X"), Ok(ferrozmq::POLLOUT));
        assert_eq!(router.peer_state(b"Y"), Err(ferrozmq::Error::EHOSTUNREACH));
        // Fill the path to the DEALER, which does not read, until a send is refused; then
        // peer_state says there is no room. (The I/O thread may still move a message on to
        // the kernel in between, so a refused send is tried again until both agree.)
        let body = vec![0u8; 65536];
        let full = (0..10_000).any(|_| {
            router
                .send_multipart([&b"X"[..], &body[..]], ferrozmq::DONTWAIT)
                .is_err()
                && router.peer_state(b"X") == Ok(ferrozmq::PollEvents::empty())
        });
        assert!(full, "peer_state never reported the full peer");
    });
}
