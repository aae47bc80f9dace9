//! REP takes the ROUTER options libzmq gives it (libzmq's `rep_t` is a `router_t`), with
//! libzmq peers on the wire, over tcp and ipc: PROBE_ROUTER sends each new peer an empty
//! message (as a libzmq REP does), a second peer announcing a routing id in use is not
//! served (as by a libzmq REP), and ROUTER_HANDOVER gives it the id and closes the old
//! connection.

use crate::common::*;

over_both!(
    rep_probe_router_reaches_libzmq_dealers,
    rep_serves_one_peer_per_routing_id_like_libzmq,
    rep_handover_with_libzmq_peers,
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
use over_both;

fn rep_probe_router_reaches_libzmq_dealers(tr: Transport) {
    let ctx = ferrozmq::Context::new();
    let zctx = zmq::Context::new();
    // Ours: the libzmq DEALER hears the probe first, then is served as usual.
    let rep = ours(&ctx, ferrozmq::REP);
    rep.set_probe_router(true).unwrap();
    rep.bind(&tr.bind_endpoint()).unwrap();
    let dealer = theirs(&zctx, zmq::DEALER);
    dealer.connect(&last_ep(&rep)).unwrap();
    // A bound socket attaches an accepted peer (and probes it) when it next processes
    // commands, in libzmq as here: keep calling into it while the probe is awaited.
    awaiting_probe(|| {
        rep.get_events().unwrap();
        dealer.poll(zmq::POLLIN, 10).unwrap() > 0
    });
    assert_eq!(
        dealer.recv_multipart(0).unwrap(),
        frames(&[""]),
        "the probe"
    );
    dealer.send_multipart(["", "question"], 0).unwrap();
    assert_eq!(rep.recv_string(0).unwrap().unwrap(), "question");
    rep.send("answer", 0).unwrap();
    assert_eq!(dealer.recv_multipart(0).unwrap(), frames(&["", "answer"]));

    // libzmq's REP does the same to our DEALER.
    let zrep = theirs(&zctx, zmq::REP);
    zrep.set_probe_router(true).unwrap();
    zrep.bind(&tr.bind_endpoint()).unwrap();
    let our_dealer = ours(&ctx, ferrozmq::DEALER);
    our_dealer.connect(&zlast_ep(&zrep)).unwrap();
    awaiting_probe(|| {
        zrep.get_events().unwrap();
        our_dealer.poll(ferrozmq::POLLIN, 10).unwrap() > 0
    });
    assert_eq!(recv_frames(&our_dealer).unwrap(), frames(&[""]));
}

/// Runs `arrived` (which waits up to 10 ms) until it says the probe is there, within TIMEO.
fn awaiting_probe(mut arrived: impl FnMut() -> bool) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_millis(TIMEO as u64);
    while !arrived() {
        assert!(std::time::Instant::now() < deadline, "no probe arrived");
    }
}

/// One REP of either library, its requesters libzmq REQs.
enum Rep {
    Ours(ferrozmq::Socket),
    Theirs(zmq::Socket),
}

impl Rep {
    fn recv(&self) -> Option<String> {
        match self {
            Rep::Ours(s) => s.recv_string(0).ok().map(Result::unwrap),
            Rep::Theirs(s) => s.recv_string(0).ok().map(Result::unwrap),
        }
    }
    fn send(&self, reply: &str) {
        match self {
            Rep::Ours(s) => s.send(reply, 0).unwrap(),
            Rep::Theirs(s) => s.send(reply, 0).unwrap(),
        }
    }
}

/// A second requester announcing the routing id of one already connected gets no answer
/// while the first stays, from our REP as from libzmq's; the first is served on.
fn rep_serves_one_peer_per_routing_id_like_libzmq(tr: Transport) {
    let ctx = ferrozmq::Context::new();
    let zctx = zmq::Context::new();
    let (ep, rep) = {
        let s = ours(&ctx, ferrozmq::REP);
        s.bind(&tr.bind_endpoint()).unwrap();
        (last_ep(&s), Rep::Ours(s))
    };
    let zrep = theirs(&zctx, zmq::REP);
    zrep.bind(&tr.bind_endpoint()).unwrap();
    let zep = zlast_ep(&zrep);
    for (ep, rep, who) in [(ep, rep, "ferrozmq"), (zep, Rep::Theirs(zrep), "libzmq")] {
        let first = theirs(&zctx, zmq::REQ);
        first.set_identity(b"X").unwrap();
        first.connect(&ep).unwrap();
        first.send("one", 0).unwrap();
        assert_eq!(rep.recv().as_deref(), Some("one"), "{who}");
        rep.send("1");
        assert_eq!(first.recv_string(0).unwrap().unwrap(), "1");

        let second = theirs(&zctx, zmq::REQ);
        second.set_identity(b"X").unwrap();
        second.connect(&ep).unwrap();
        second.send("two", 0).unwrap();
        first.send("three", 0).unwrap();
        assert_eq!(
            rep.recv().as_deref(),
            Some("three"),
            "{who}: the first goes on"
        );
        rep.send("3");
        assert_eq!(first.recv_string(0).unwrap().unwrap(), "3");
        // The duplicate's request is not served: a bounded wait proves nothing arrives.
        match &rep {
            Rep::Ours(s) => s.set_rcvtimeo(300).unwrap(),
            Rep::Theirs(s) => s.set_rcvtimeo(300).unwrap(),
        }
        assert_eq!(rep.recv(), None, "{who} served a duplicate routing id");
    }
}

fn rep_handover_with_libzmq_peers(tr: Transport) {
    let ctx = ferrozmq::Context::new();
    let zctx = zmq::Context::new();
    let rep = ours(&ctx, ferrozmq::REP);
    rep.set_router_handover(true).unwrap();
    rep.bind(&tr.bind_endpoint()).unwrap();
    let ep = last_ep(&rep);

    let old = theirs(&zctx, zmq::REQ);
    old.set_identity(b"X").unwrap();
    old.set_reconnect_ivl(-1).unwrap();
    old.monitor(
        "inproc://rep-handover-old",
        zmq::SocketEvent::DISCONNECTED as i32,
    )
    .unwrap();
    let old_mon = zctx.socket(zmq::PAIR).unwrap();
    old_mon.set_rcvtimeo(TIMEO).unwrap();
    old_mon.connect("inproc://rep-handover-old").unwrap();
    old.connect(&ep).unwrap();
    old.send("from old", 0).unwrap();
    assert_eq!(rep.recv_string(0).unwrap().unwrap(), "from old");
    rep.send("to old", 0).unwrap();
    assert_eq!(old.recv_string(0).unwrap().unwrap(), "to old");

    let new = theirs(&zctx, zmq::REQ);
    new.set_identity(b"X").unwrap();
    new.connect(&ep).unwrap();
    new.send("from new", 0).unwrap();
    assert_eq!(rep.recv_string(0).unwrap().unwrap(), "from new");
    rep.send("to new", 0).unwrap();
    assert_eq!(new.recv_string(0).unwrap().unwrap(), "to new");
    // The old libzmq peer's connection was closed by our REP.
    let event = old_mon.recv_multipart(0).expect("DISCONNECTED event");
    let code = u16::from_ne_bytes([event[0][0], event[0][1]]);
    assert_eq!(code, zmq::SocketEvent::DISCONNECTED as u16);
}
