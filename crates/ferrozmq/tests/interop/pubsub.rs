//! Publish-subscribe interop: ferrozmq against real libzmq (4.3, linked through the `zmq`
//! crate, in the same process), over tcp and ipc, in both bind/connect directions.
//!
//! * Every publisher/subscriber pairing with one side of each — our PUB or XPUB → libzmq SUB
//!   or XSUB, libzmq PUB or XPUB → our SUB or XSUB (32 generated cases). In each, the
//!   subscriber subscribes to a binary topic (with `0x00` and `0xff` bytes), a 300-byte topic
//!   (a LONG SUBSCRIBE frame) and `A`, subscribes to `B` and unsubscribes it again; an XPUB
//!   publisher must see exactly those subscriptions (`\x01topic`, `\x00B`). The subscriber
//!   then gets exactly the messages of its topics — single- and multipart — and none of the
//!   others, stops getting `A` once it unsubscribes, and an XSUB's non-subscription message
//!   reaches an XPUB upstream.
//! * Restarts: a libzmq SUB that is closed and created again (connecting to our XPUB, or
//!   binding while our PUB connects) is subscribed again; our SUB whose libzmq publisher
//!   restarts on the same endpoint (bound by libzmq, or connecting to our bound SUB)
//!   receives again without subscribing again — the new libzmq XPUB sees the replayed
//!   subscription.
//!
//! No bare sleeps: a test waits until an XPUB sees a subscription, or publishes probes until
//! the subscriber has one (the slow-joiner effect), and proves that nothing else arrived with
//! a marker sent behind the messages under test. Where libzmq receives over ipc it gets
//! RCVHWM 0 (libzmq issue #4660).

use crate::common::{bounded, last_ep, ours, payload, theirs, zlast_ep, Transport};
use std::time::{Duration, Instant};

/// A message as a list of frames.
type Msg = Vec<Vec<u8>>;

/// Longest wait for subscriptions to reach a publisher.
const SYNC_LIMIT: Duration = Duration::from_secs(20);

/// A socket of either implementation behind one interface.
enum Sock {
    Ours(ferrozmq::Socket),
    Libzmq(zmq::Socket),
}

impl Sock {
    fn ours(ctx: &ferrozmq::Context, ty: ferrozmq::SocketType) -> Sock {
        Sock::Ours(ours(ctx, ty))
    }

    /// A libzmq socket; over ipc it gets RCVHWM 0 (libzmq issue #4660).
    fn libzmq(ctx: &zmq::Context, ty: zmq::SocketType, transport: Transport) -> Sock {
        let s = theirs(ctx, ty);
        if transport == Transport::Ipc {
            s.set_rcvhwm(0).unwrap();
        }
        Sock::Libzmq(s)
    }

    fn name(&self) -> String {
        match self {
            Sock::Ours(s) => format!("ferrozmq {:?}", s.get_socket_type().unwrap()),
            Sock::Libzmq(s) => format!("libzmq {:?}", s.get_socket_type().unwrap()),
        }
    }

    fn is_xsub(&self) -> bool {
        match self {
            Sock::Ours(s) => s.get_socket_type().unwrap() == ferrozmq::XSUB,
            Sock::Libzmq(s) => s.get_socket_type().unwrap() == zmq::XSUB,
        }
    }

    fn is_xpub(&self) -> bool {
        match self {
            Sock::Ours(s) => s.get_socket_type().unwrap() == ferrozmq::XPUB,
            Sock::Libzmq(s) => s.get_socket_type().unwrap() == zmq::XPUB,
        }
    }

    /// Binds on a fresh endpoint; returns the endpoint to connect to.
    fn bind(&self, transport: Transport) -> String {
        let ep = transport.bind_endpoint();
        match self {
            Sock::Ours(s) => {
                s.bind(&ep).unwrap();
                last_ep(s)
            }
            Sock::Libzmq(s) => {
                s.bind(&ep).unwrap();
                zlast_ep(s)
            }
        }
    }

    /// Binds on `ep`, retrying while a previous owner's listener is still being closed.
    fn bind_at(&self, ep: &str) {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let in_use = match self {
                Sock::Ours(s) => match s.bind(ep) {
                    Ok(()) => return,
                    Err(e) => (e == ferrozmq::Error::EADDRINUSE)
                        .then_some(())
                        .ok_or(e.to_string()),
                },
                Sock::Libzmq(s) => match s.bind(ep) {
                    Ok(()) => return,
                    Err(e) => (e == zmq::Error::EADDRINUSE)
                        .then_some(())
                        .ok_or(e.to_string()),
                },
            };
            if let Err(e) = in_use {
                panic!("bind {ep}: {e}");
            }
            assert!(Instant::now() < deadline, "{ep} stayed in use");
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    fn connect(&self, ep: &str) {
        match self {
            Sock::Ours(s) => s.connect(ep).unwrap(),
            Sock::Libzmq(s) => s.connect(ep).unwrap(),
        }
    }

    fn send(&self, frames: &[&[u8]]) {
        match self {
            Sock::Ours(s) => s.send_multipart(frames.iter().copied(), 0).unwrap(),
            Sock::Libzmq(s) => s.send_multipart(frames.iter().copied(), 0).unwrap(),
        }
    }

    /// The next message, failing the test after RCVTIMEO.
    fn recv(&self, what: &str) -> Msg {
        let got = match self {
            Sock::Ours(s) => s.recv_multipart(0).map_err(|e| e.to_string()),
            Sock::Libzmq(s) => s.recv_multipart(0).map_err(|e| e.to_string()),
        };
        got.unwrap_or_else(|e| panic!("{}: {what}: nothing received ({e})", self.name()))
    }

    /// The next single-frame message.
    fn recv1(&self, what: &str) -> Vec<u8> {
        let m = self.recv(what);
        assert_eq!(m.len(), 1, "{what}: one frame expected, got {m:?}");
        m.into_iter().next().unwrap()
    }

    /// The next message if one comes before `deadline`.
    fn recv_before(&self, deadline: Instant) -> Option<Msg> {
        loop {
            let left = deadline
                .saturating_duration_since(Instant::now())
                .as_millis() as i64;
            let got = match self {
                Sock::Ours(s) => {
                    if s.poll(ferrozmq::POLLIN, left).unwrap() == 0 {
                        return None;
                    }
                    match s.recv_multipart(ferrozmq::DONTWAIT) {
                        Ok(m) => Some(m),
                        Err(ferrozmq::Error::EAGAIN) => None,
                        Err(e) => panic!("recv: {e:?}"),
                    }
                }
                Sock::Libzmq(s) => {
                    if s.poll(zmq::POLLIN, left).unwrap() == 0 {
                        return None;
                    }
                    match s.recv_multipart(zmq::DONTWAIT) {
                        Ok(m) => Some(m),
                        Err(zmq::Error::EAGAIN) => None,
                        Err(e) => panic!("recv: {e:?}"),
                    }
                }
            };
            if got.is_some() || Instant::now() >= deadline {
                return got;
            }
        }
    }

    /// Lets the socket take in what its I/O thread prepared (a bound socket attaches a new
    /// peer only when its application calls into it, in libzmq as in ferrozmq). Consumes
    /// nothing.
    fn nudge(&self) {
        match self {
            Sock::Ours(s) => drop(s.poll(ferrozmq::POLLIN, 0).unwrap()),
            Sock::Libzmq(s) => drop(s.poll(zmq::POLLIN, 0).unwrap()),
        }
    }

    /// Subscribes a SUB (option) or an XSUB (`\x01topic` message).
    fn subscribe(&self, topic: &[u8]) {
        self.subscription(true, topic)
    }

    /// Unsubscribes a SUB (option) or an XSUB (`\x00topic` message).
    fn unsubscribe(&self, topic: &[u8]) {
        self.subscription(false, topic)
    }

    fn subscription(&self, on: bool, topic: &[u8]) {
        if self.is_xsub() {
            self.send(&[&[&[u8::from(on)][..], topic].concat()]);
            return;
        }
        match (self, on) {
            (Sock::Ours(s), true) => s.set_subscribe(topic).unwrap(),
            (Sock::Ours(s), false) => s.set_unsubscribe(topic).unwrap(),
            (Sock::Libzmq(s), true) => s.set_subscribe(topic).unwrap(),
            (Sock::Libzmq(s), false) => s.set_unsubscribe(topic).unwrap(),
        }
    }
}

/// Waits until `publisher` delivers `topic` to `sub` (subscribed to it): publishes
/// `topic/probe` until `sub` has one, then `topic/end`, which `sub` reads up to. Returns the
/// other messages `sub` got meanwhile (those the publisher sent before: one connection keeps
/// order).
fn sync_on(publisher: &Sock, sub: &Sock, topic: &[u8]) -> Vec<Msg> {
    let probe = [topic, b"/probe"].concat();
    let end = [topic, b"/end"].concat();
    let mut before = Vec::new();
    let deadline = Instant::now() + SYNC_LIMIT;
    'probing: loop {
        assert!(
            Instant::now() < deadline,
            "{} never got {topic:?} from {} within {SYNC_LIMIT:?}",
            sub.name(),
            publisher.name()
        );
        publisher.send(&[&probe]);
        let wait = Instant::now() + Duration::from_millis(20);
        while let Some(m) = sub.recv_before(wait) {
            if m == [probe.clone()] {
                break 'probing;
            }
            before.push(m);
        }
    }
    publisher.send(&[&end]);
    loop {
        let m = sub.recv("synchronisation end marker");
        if m == [end.clone()] {
            return before;
        }
        if m != [probe.clone()] {
            before.push(m);
        }
    }
}

/// Reads `sub` up to the single-frame message `marker`; returns what came before it.
fn until_marker(sub: &Sock, marker: &[u8]) -> Vec<Msg> {
    let mut got = Vec::new();
    loop {
        let m = sub.recv("marker");
        if m == [marker.to_vec()] {
            return got;
        }
        got.push(m);
    }
}

/// Reads subscription notifications from an XPUB until the topics they add up to are
/// `want`, nudging `sub` meanwhile; fails on anything that is not a notification.
fn await_xpub_topics(xpub: &Sock, sub: &Sock, want: &[&[u8]]) {
    let mut want: Vec<Vec<u8>> = want.iter().map(|t| t.to_vec()).collect();
    want.sort();
    let mut have: Vec<Vec<u8>> = Vec::new();
    let deadline = Instant::now() + SYNC_LIMIT;
    while have != want {
        sub.nudge();
        let Some(n) = xpub.recv_before(Instant::now() + Duration::from_millis(20)) else {
            assert!(
                Instant::now() < deadline,
                "{} saw {have:?} of {want:?} within {SYNC_LIMIT:?}",
                xpub.name()
            );
            continue;
        };
        assert_eq!(n.len(), 1, "a one-frame notification: {n:?}");
        let n = &n[0];
        let (kind, topic) = n.split_first().expect("a non-empty notification");
        match kind {
            1 => {
                assert!(!have.contains(&topic.to_vec()), "duplicate {topic:?}");
                have.push(topic.to_vec());
            }
            0 => {
                let at = have.iter().position(|t| t == topic);
                have.remove(at.unwrap_or_else(|| panic!("unknown cancel {topic:?}")));
            }
            _ => panic!("not a notification: {n:?}"),
        }
        have.sort();
    }
}

// ---------------------------------------------------------------------------------------------
// Every publisher/subscriber pairing.

#[derive(Clone, Copy, Debug, PartialEq)]
enum Publisher {
    OurPub,
    OurXpub,
    LibzmqPub,
    LibzmqXpub,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Subscriber {
    OurSub,
    OurXsub,
    LibzmqSub,
    LibzmqXsub,
}

/// Who binds; the other connects.
#[derive(Clone, Copy, Debug)]
enum Binder {
    Publisher,
    Subscriber,
}

/// End markers (topics too); neither is a prefix of the other.
const END: &[u8] = b"\xffend1";
const END2: &[u8] = b"\xffend2";

fn run_case(p: Publisher, s: Subscriber, binder: Binder, transport: Transport) {
    let ctx = ferrozmq::Context::new();
    let zctx = zmq::Context::new();
    let publisher = match p {
        Publisher::OurPub => Sock::ours(&ctx, ferrozmq::PUB),
        Publisher::OurXpub => Sock::ours(&ctx, ferrozmq::XPUB),
        Publisher::LibzmqPub => Sock::libzmq(&zctx, zmq::PUB, transport),
        Publisher::LibzmqXpub => Sock::libzmq(&zctx, zmq::XPUB, transport),
    };
    let sub = match s {
        Subscriber::OurSub => Sock::ours(&ctx, ferrozmq::SUB),
        Subscriber::OurXsub => Sock::ours(&ctx, ferrozmq::XSUB),
        Subscriber::LibzmqSub => Sock::libzmq(&zctx, zmq::SUB, transport),
        Subscriber::LibzmqXsub => Sock::libzmq(&zctx, zmq::XSUB, transport),
    };
    match binder {
        Binder::Publisher => sub.connect(&publisher.bind(transport)),
        Binder::Subscriber => publisher.connect(&sub.bind(transport)),
    }

    let bin: &[u8] = b"\x00\xff\x01\x80\x00";
    let long = [&b"L"[..], &payload(299, 11)].concat();
    sub.subscribe(bin);
    sub.subscribe(&long);
    sub.subscribe(b"A");
    sub.subscribe(b"B");
    sub.unsubscribe(b"B");
    sub.subscribe(END);
    if publisher.is_xpub() {
        await_xpub_topics(&publisher, &sub, &[bin, &long, b"A", END]);
    } else {
        assert!(sync_on(&publisher, &sub, END).is_empty());
    }

    let bin_x = [bin, b"x"].concat();
    let long_tail = [&long[..], b"tail"].concat();
    let sent: Vec<Vec<&[u8]>> = vec![
        vec![bin],
        vec![&bin_x],
        vec![&bin[..2]],
        vec![b"\x00"],
        vec![&long],
        vec![&long_tail],
        vec![&long[..299]],
        vec![b"A"],
        vec![b"AB"],
        vec![b"A", b"frame 2", b""],
        vec![b"B1"],
        vec![b"C", b"A"],
        vec![b""],
        vec![b"a"],
    ];
    for m in &sent {
        publisher.send(m);
    }
    publisher.send(&[END]);
    let want: Vec<Msg> = [0, 1, 4, 5, 7, 8, 9]
        .iter()
        .map(|&i| sent[i].iter().map(|f| f.to_vec()).collect())
        .collect();
    assert_eq!(
        until_marker(&sub, END),
        want,
        "{} → {}: exactly the subscribed topics",
        publisher.name(),
        sub.name()
    );

    // An XSUB's other messages go upstream, where an XPUB hands them out as they are.
    if sub.is_xsub() && publisher.is_xpub() {
        sub.send(&[b"\x02upstream", b"part 2"]);
        assert_eq!(
            publisher.recv("upstream message"),
            [b"\x02upstream".to_vec(), b"part 2".to_vec()]
        );
    }

    // Unsubscribing A stops it.
    sub.unsubscribe(b"A");
    sub.subscribe(END2);
    if publisher.is_xpub() {
        assert_eq!(publisher.recv1("\\x00A"), b"\x00A");
        assert_eq!(publisher.recv1("\\x01end2"), [b"\x01", END2].concat());
    } else {
        sync_on(&publisher, &sub, END2);
    }
    for m in [&b"A2"[..], b"AB2", bin] {
        publisher.send(&[m]);
    }
    publisher.send(&[END2]);
    assert_eq!(until_marker(&sub, END2), vec![vec![bin.to_vec()]]);
}

macro_rules! cases {
    ($($name:ident: $p:ident, $s:ident, $binder:ident, $transport:ident;)*) => {
        $(
            #[test]
            fn $name() {
                bounded(|| {
                    run_case(
                        Publisher::$p,
                        Subscriber::$s,
                        Binder::$binder,
                        Transport::$transport,
                    )
                });
            }
        )*
    };
}

cases! {
    our_pub_to_libzmq_sub_pub_binds_tcp: OurPub, LibzmqSub, Publisher, Tcp;
    our_pub_to_libzmq_sub_pub_binds_ipc: OurPub, LibzmqSub, Publisher, Ipc;
    our_pub_to_libzmq_sub_sub_binds_tcp: OurPub, LibzmqSub, Subscriber, Tcp;
    our_pub_to_libzmq_sub_sub_binds_ipc: OurPub, LibzmqSub, Subscriber, Ipc;
    our_pub_to_libzmq_xsub_pub_binds_tcp: OurPub, LibzmqXsub, Publisher, Tcp;
    our_pub_to_libzmq_xsub_pub_binds_ipc: OurPub, LibzmqXsub, Publisher, Ipc;
    our_pub_to_libzmq_xsub_sub_binds_tcp: OurPub, LibzmqXsub, Subscriber, Tcp;
    our_pub_to_libzmq_xsub_sub_binds_ipc: OurPub, LibzmqXsub, Subscriber, Ipc;
    our_xpub_to_libzmq_sub_pub_binds_tcp: OurXpub, LibzmqSub, Publisher, Tcp;
    our_xpub_to_libzmq_sub_pub_binds_ipc: OurXpub, LibzmqSub, Publisher, Ipc;
    our_xpub_to_libzmq_sub_sub_binds_tcp: OurXpub, LibzmqSub, Subscriber, Tcp;
    our_xpub_to_libzmq_sub_sub_binds_ipc: OurXpub, LibzmqSub, Subscriber, Ipc;
    our_xpub_to_libzmq_xsub_pub_binds_tcp: OurXpub, LibzmqXsub, Publisher, Tcp;
    our_xpub_to_libzmq_xsub_pub_binds_ipc: OurXpub, LibzmqXsub, Publisher, Ipc;
    our_xpub_to_libzmq_xsub_sub_binds_tcp: OurXpub, LibzmqXsub, Subscriber, Tcp;
    our_xpub_to_libzmq_xsub_sub_binds_ipc: OurXpub, LibzmqXsub, Subscriber, Ipc;
    libzmq_pub_to_our_sub_pub_binds_tcp: LibzmqPub, OurSub, Publisher, Tcp;
    libzmq_pub_to_our_sub_pub_binds_ipc: LibzmqPub, OurSub, Publisher, Ipc;
    libzmq_pub_to_our_sub_sub_binds_tcp: LibzmqPub, OurSub, Subscriber, Tcp;
    libzmq_pub_to_our_sub_sub_binds_ipc: LibzmqPub, OurSub, Subscriber, Ipc;
    libzmq_pub_to_our_xsub_pub_binds_tcp: LibzmqPub, OurXsub, Publisher, Tcp;
    libzmq_pub_to_our_xsub_pub_binds_ipc: LibzmqPub, OurXsub, Publisher, Ipc;
    libzmq_pub_to_our_xsub_sub_binds_tcp: LibzmqPub, OurXsub, Subscriber, Tcp;
    libzmq_pub_to_our_xsub_sub_binds_ipc: LibzmqPub, OurXsub, Subscriber, Ipc;
    libzmq_xpub_to_our_sub_pub_binds_tcp: LibzmqXpub, OurSub, Publisher, Tcp;
    libzmq_xpub_to_our_sub_pub_binds_ipc: LibzmqXpub, OurSub, Publisher, Ipc;
    libzmq_xpub_to_our_sub_sub_binds_tcp: LibzmqXpub, OurSub, Subscriber, Tcp;
    libzmq_xpub_to_our_sub_sub_binds_ipc: LibzmqXpub, OurSub, Subscriber, Ipc;
    libzmq_xpub_to_our_xsub_pub_binds_tcp: LibzmqXpub, OurXsub, Publisher, Tcp;
    libzmq_xpub_to_our_xsub_pub_binds_ipc: LibzmqXpub, OurXsub, Publisher, Ipc;
    libzmq_xpub_to_our_xsub_sub_binds_tcp: LibzmqXpub, OurXsub, Subscriber, Tcp;
    libzmq_xpub_to_our_xsub_sub_binds_ipc: LibzmqXpub, OurXsub, Subscriber, Ipc;
}

// ---------------------------------------------------------------------------------------------
// Restarts.

/// A libzmq socket in its own context, so that dropping it (context termination) guarantees
/// its listener and connections are closed before the next incarnation starts.
struct Incarnation {
    socket: Option<Sock>,
    ctx: Option<zmq::Context>,
}

impl Incarnation {
    fn new(ty: zmq::SocketType, transport: Transport) -> Incarnation {
        let ctx = zmq::Context::new();
        let socket = Sock::libzmq(&ctx, ty, transport);
        if let Sock::Libzmq(s) = &socket {
            s.set_linger(0).unwrap();
        }
        Incarnation {
            socket: Some(socket),
            ctx: Some(ctx),
        }
    }

    fn sock(&self) -> &Sock {
        self.socket.as_ref().expect("socket")
    }

    /// Closes the socket and terminates its context.
    fn kill(mut self) {
        drop(self.socket.take());
        drop(self.ctx.take());
    }
}

/// Our XPUB binds; a libzmq SUB connects, subscribes, is closed and created again.
fn libzmq_sub_reconnecting_to_our_xpub(transport: Transport) {
    let ctx = ferrozmq::Context::new();
    let xpub = Sock::ours(&ctx, ferrozmq::XPUB);
    let ep = xpub.bind(transport);
    for round in 0..3 {
        let sub = Incarnation::new(zmq::SUB, transport);
        sub.sock().connect(&ep);
        sub.sock().subscribe(b"T");
        assert_eq!(xpub.recv1("subscription"), b"\x01T", "round {round}");
        xpub.send(&[format!("T{round}").as_bytes()]);
        assert_eq!(sub.sock().recv1("message"), format!("T{round}").as_bytes());
        sub.kill();
        assert_eq!(
            xpub.recv1("unsubscription of the closed subscriber"),
            b"\x00T",
            "round {round}"
        );
    }
}

/// A libzmq SUB binds; our PUB connects. The SUB is closed and a new one binds the same
/// endpoint and subscribes: our PUB reconnects and serves it.
fn libzmq_sub_rebinding_while_our_pub_connects(transport: Transport) {
    let ctx = ferrozmq::Context::new();
    let publisher = ours(&ctx, ferrozmq::PUB);
    publisher.set_reconnect_ivl(20).unwrap();
    let publisher = Sock::Ours(publisher);
    let first = Incarnation::new(zmq::SUB, transport);
    let ep = first.sock().bind(transport);
    first.sock().subscribe(b"T");
    publisher.connect(&ep);
    assert!(sync_on(&publisher, first.sock(), b"T").is_empty());
    first.kill();

    let second = Incarnation::new(zmq::SUB, transport);
    second.sock().bind_at(&ep);
    second.sock().subscribe(b"T");
    assert!(sync_on(&publisher, second.sock(), b"T").is_empty());
    publisher.send(&[b"T2"]);
    assert_eq!(second.sock().recv1("T2"), b"T2");
    second.kill();
}

/// Our SUB connects; the libzmq PUB it subscribed through is closed and a libzmq XPUB binds
/// the same endpoint: it sees our subscriptions replayed, and our SUB receives again.
fn our_sub_survives_libzmq_publisher_restart(transport: Transport) {
    let ctx = ferrozmq::Context::new();
    let sub = ours(&ctx, ferrozmq::SUB);
    sub.set_reconnect_ivl(20).unwrap();
    let sub = Sock::Ours(sub);
    let first = Incarnation::new(zmq::PUB, transport);
    let ep = first.sock().bind(transport);
    sub.connect(&ep);
    sub.subscribe(b"T");
    sub.subscribe(b"\x00bin");
    assert!(sync_on(first.sock(), &sub, b"T").is_empty());
    first.kill();

    let second = Incarnation::new(zmq::XPUB, transport);
    second.sock().bind_at(&ep);
    await_xpub_topics(second.sock(), &sub, &[b"T", b"\x00bin"]);
    second.sock().send(&[b"T again"]);
    second.sock().send(&[b"U"]);
    second.sock().send(&[b"\x00bin!"]);
    assert_eq!(sub.recv1("from the new publisher"), b"T again");
    assert_eq!(sub.recv1("from the new publisher"), b"\x00bin!");
    second.kill();
}

/// Our SUB binds; a libzmq PUB connects, is closed, and a libzmq XPUB connects instead: our
/// SUB sends it its subscriptions.
fn our_bound_sub_serves_a_new_libzmq_publisher(transport: Transport) {
    let ctx = ferrozmq::Context::new();
    let sub = Sock::ours(&ctx, ferrozmq::SUB);
    let ep = sub.bind(transport);
    sub.subscribe(b"T");
    let first = Incarnation::new(zmq::PUB, transport);
    first.sock().connect(&ep);
    assert!(sync_on(first.sock(), &sub, b"T").is_empty());
    first.kill();

    let second = Incarnation::new(zmq::XPUB, transport);
    second.sock().connect(&ep);
    // A bound socket takes a new peer in when its application calls into it (as libzmq's):
    // our SUB polls inside sync_on while the XPUB probes.
    assert!(sync_on(second.sock(), &sub, b"T").is_empty());
    assert_eq!(second.sock().recv1("subscription"), b"\x01T");
    second.kill();
}

macro_rules! tcp_and_ipc {
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

tcp_and_ipc!(
    libzmq_sub_reconnecting_to_our_xpub,
    libzmq_sub_rebinding_while_our_pub_connects,
    our_sub_survives_libzmq_publisher_restart,
    our_bound_sub_serves_a_new_libzmq_publisher,
);
