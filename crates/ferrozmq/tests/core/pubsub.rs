//! Publish-subscribe between ferrozmq sockets over tcp, ipc and inproc (RFC 29/PUBSUB and the
//! ground of libzmq's test_pubsub, test_hwm_pubsub, test_xpub_nodrop, test_xpub_manual,
//! test_xpub_welcome_msg, test_xpub_verbose, test_xsub_verbose, test_pub_invert_matching,
//! test_sub_forward and test_conflate).
//!
//! * Filtering: nothing arrives before a subscription; prefix match on the first frame; ""
//!   matches everything; binary topics and topics longer than 255 bytes; subscriptions are
//!   counted; unsubscribing stops delivery; multipart messages are filtered on their first
//!   frame and delivered whole; a SUB fair-queues over several PUBs; subscriptions made
//!   before the publisher exists reach it once it binds.
//! * Flow: PUB never blocks and drops per subscriber at SNDHWM, so a slow subscriber does not
//!   stop a fast one; XPUB_NODROP turns the drop into EAGAIN.
//! * XPUB: subscriptions arrive as `\x01topic` / `\x00topic`; duplicates only with
//!   XPUB_VERBOSE, non-last unsubscriptions only with XPUB_VERBOSER; a subscriber that goes away
//!   is unsubscribed; XPUB_MANUAL, XPUB_WELCOME_MSG, INVERT_MATCHING, TOPICS_COUNT.
//! * XSUB: subscribes with `\x01topic` messages, sends other messages upstream,
//!   XSUB_VERBOSE_UNSUBSCRIBE; an XSUB/XPUB forwarder by hand and with `proxy_steerable`.
//! * CONFLATE on SUB keeps the newest message; a SUB whose PUB restarts (closed or unbound,
//!   then bound again on the same endpoint) receives again without subscribing again.
//!
//! Synchronisation never sleeps: a test waits for an XPUB to see a subscription, or publishes
//! probes on a topic until every subscriber has one (the slow-joiner effect), and checks that
//! nothing else arrived by sending a marker behind the messages under test (one pipe keeps
//! order). Every socket has RCVTIMEO/SNDTIMEO and every test runs under a watchdog.

use crate::common;
use crate::common::{bounded, ipc_endpoint, last_ep, ours, payload, recv_frames, TIMEO};
use ferrozmq::{
    proxy_steerable, Context, Error, Socket, DONTWAIT, PAIR, POLLIN, PUB, SUB, XPUB, XSUB,
};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// A message as a list of frames.
type Msg = Vec<Vec<u8>>;

/// Longest wait for subscriptions to reach a publisher.
const SYNC_LIMIT: Duration = Duration::from_secs(20);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tx {
    Tcp,
    Ipc,
    Inproc,
}

static NEXT: AtomicUsize = AtomicUsize::new(0);

fn unique() -> usize {
    NEXT.fetch_add(1, Ordering::Relaxed)
}

impl Tx {
    /// An endpoint to bind: an ephemeral loopback port, a fresh ipc path or inproc name.
    fn endpoint(self) -> String {
        match self {
            Tx::Tcp => "tcp://127.0.0.1:*".to_string(),
            Tx::Ipc => ipc_endpoint(),
            Tx::Inproc => format!("inproc://pubsub-{}-{}", std::process::id(), unique()),
        }
    }
}

/// Generates a `tcp`, an `ipc` and an `inproc` test for each function `name(Tx)`; attributes
/// given before a name (an `ignore`) apply to all three.
macro_rules! per_transport {
    ($($(#[$attr:meta])* $name:ident),* $(,)?) => {
        $(
            mod $name {
                use super::*;
                #[test]
                $(#[$attr])*
                fn tcp() {
                    bounded(|| super::$name(Tx::Tcp));
                }
                #[test]
                $(#[$attr])*
                fn ipc() {
                    bounded(|| super::$name(Tx::Ipc));
                }
                #[test]
                $(#[$attr])*
                fn inproc() {
                    bounded(|| super::$name(Tx::Inproc));
                }
            }
        )*
    };
}

/// Like `per_transport!` for tcp and ipc only (tests that need reconnection, which inproc
/// does not do).
macro_rules! tcp_and_ipc {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                use super::*;
                #[test]
                fn tcp() {
                    bounded(|| super::$name(Tx::Tcp));
                }
                #[test]
                fn ipc() {
                    bounded(|| super::$name(Tx::Ipc));
                }
            }
        )*
    };
}

// ---------------------------------------------------------------------------------------------
// Helpers.

/// Binds `s` on a fresh endpoint of `tx`; returns the endpoint to connect to.
fn bind(s: &Socket, tx: Tx) -> String {
    let ep = tx.endpoint();
    s.bind(&ep).unwrap_or_else(|e| panic!("bind {ep}: {e:?}"));
    last_ep(s)
}

/// Binds `s` on `ep`, retrying while the previous owner's listener is still being closed.
fn bind_again(s: &Socket, ep: &str) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        match s.bind(ep) {
            Ok(()) => return,
            Err(Error::EADDRINUSE) if Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(10))
            }
            Err(e) => panic!("bind {ep} again: {e:?}"),
        }
    }
}

/// A socket of type `ty` connected to `ep`.
fn connected(ctx: &Context, ty: ferrozmq::SocketType, ep: &str) -> Socket {
    let s = ours(ctx, ty);
    s.connect(ep)
        .unwrap_or_else(|e| panic!("connect {ep}: {e:?}"));
    s
}

/// Subscribes a SUB (option) or an XSUB (`\x01topic` message) to `topic`.
fn subscribe(s: &Socket, topic: &[u8]) {
    if s.get_socket_type().unwrap() == XSUB {
        s.send([&[1u8][..], topic].concat(), 0).unwrap();
    } else {
        s.set_subscribe(topic).unwrap();
    }
}

/// Removes one subscription of a SUB (option) or an XSUB (`\x00topic` message).
fn unsubscribe(s: &Socket, topic: &[u8]) {
    if s.get_socket_type().unwrap() == XSUB {
        s.send([&[0u8][..], topic].concat(), 0).unwrap();
    } else {
        s.set_unsubscribe(topic).unwrap();
    }
}

/// The next message of `s`, failing the test after RCVTIMEO.
fn recv(s: &Socket, what: &str) -> Msg {
    s.recv_multipart(0)
        .unwrap_or_else(|e| panic!("{what}: nothing received ({e:?})"))
}

/// The next single-frame message of `s`.
fn recv1(s: &Socket, what: &str) -> Vec<u8> {
    let m = recv(s, what);
    assert_eq!(m.len(), 1, "{what}: expected one frame, got {m:?}");
    m.into_iter().next().unwrap()
}

/// The next message of `s` if one comes before `deadline`.
fn recv_before(s: &Socket, deadline: Instant) -> Option<Msg> {
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if s.poll(POLLIN, left.as_millis() as i64).unwrap() == 0 {
            return None;
        }
        match s.recv_multipart(DONTWAIT) {
            Ok(m) => return Some(m),
            Err(Error::EAGAIN) if Instant::now() < deadline => {}
            Err(Error::EAGAIN) => return None,
            Err(e) => panic!("recv: {e:?}"),
        }
    }
}

/// Single-frame messages.
fn msgs(parts: &[&[u8]]) -> Vec<Msg> {
    parts.iter().map(|p| vec![p.to_vec()]).collect()
}

/// A message of `size` bytes (at least 8) carrying `i` in its first 8 bytes.
fn numbered(i: usize, size: usize) -> Vec<u8> {
    let mut m = vec![0x5a; size.max(8)];
    m[..8].copy_from_slice(&(i as u64).to_be_bytes());
    m
}

/// The number carried by a [`numbered`] message.
fn number(m: &[u8]) -> usize {
    u64::from_be_bytes(m[..8].try_into().expect("a numbered message")) as usize
}

/// A fresh topic for synchronisation: binary, and never a prefix of a test topic or of
/// another synchronisation topic (its unsubscription may still be on its way).
fn sync_topic() -> Vec<u8> {
    let mut t = vec![0xff];
    t.extend_from_slice(format!("sync-{}.", unique()).as_bytes());
    t
}

/// Waits until `publisher` delivers `topic` to every one of `subs` (which must be subscribed
/// to it): publishes `topic/probe` until each has one, then `topic/end`, which each reads up
/// to. Returns, per subscriber, every other message received meanwhile — everything the
/// publisher sent to it before the probes, since one connection keeps order.
fn sync_on(publisher: &Socket, subs: &[&Socket], topic: &[u8]) -> Vec<Vec<Msg>> {
    let probe = [topic, b"/probe"].concat();
    let end = [topic, b"/end"].concat();
    let mut before = vec![Vec::new(); subs.len()];
    let mut reached = vec![false; subs.len()];
    let deadline = Instant::now() + SYNC_LIMIT;
    while reached.contains(&false) {
        assert!(
            Instant::now() < deadline,
            "subscriptions did not reach the publisher within {SYNC_LIMIT:?}"
        );
        publisher.send(&probe, 0).unwrap();
        for (i, s) in subs.iter().enumerate() {
            let wait = Instant::now() + Duration::from_millis(20);
            while !reached[i] {
                let Some(m) = recv_before(s, wait) else { break };
                if m == [probe.clone()] {
                    reached[i] = true;
                } else {
                    before[i].push(m);
                }
            }
        }
    }
    publisher.send(&end, 0).unwrap();
    for (i, s) in subs.iter().enumerate() {
        loop {
            let m = recv(s, "synchronisation end marker");
            if m == [end.clone()] {
                break;
            }
            if m != [probe.clone()] {
                before[i].push(m);
            }
        }
    }
    before
}

/// Makes sure every subscription `subs` made so far has reached `publisher` (a fresh topic
/// subscribed last travels behind them), and returns per subscriber what it received before
/// (see [`sync_on`]). The fresh topic is unsubscribed again.
fn settle(publisher: &Socket, subs: &[&Socket]) -> Vec<Vec<Msg>> {
    let topic = sync_topic();
    for s in subs {
        subscribe(s, &topic);
    }
    let before = sync_on(publisher, subs, &topic);
    for s in subs {
        unsubscribe(s, &topic);
    }
    before
}

/// [`settle`] for one subscriber.
fn settle1(publisher: &Socket, sub: &Socket) -> Vec<Msg> {
    settle(publisher, &[sub]).remove(0)
}

/// Reads `s` up to the single-frame message `marker`; returns what came before it.
fn until_marker(s: &Socket, marker: &[u8]) -> Vec<Msg> {
    let mut got = Vec::new();
    loop {
        let m = recv(s, "marker");
        if m == [marker.to_vec()] {
            return got;
        }
        got.push(m);
    }
}

// ---------------------------------------------------------------------------------------------
// Filtering.

per_transport!(
    nothing_is_received_before_subscribing,
    prefix_matching_on_the_first_frame,
    empty_topic_matches_everything,
    binary_and_long_topics,
    subscriptions_are_counted,
    unsubscribing_stops_delivery,
    multipart_is_filtered_on_the_first_frame_and_delivered_whole,
    sub_fair_queues_over_publishers,
    subscriptions_made_before_the_publisher_exists,
);

fn nothing_is_received_before_subscribing(tx: Tx) {
    let ctx = Context::new();
    let publisher = ours(&ctx, XPUB);
    let ep = bind(&publisher, tx);
    let sub = connected(&ctx, SUB, &ep);
    // The XPUB sees the SUB attached (a subscription) and then with no subscription at all.
    sub.set_subscribe(b"attached").unwrap();
    assert_eq!(recv1(&publisher, "subscription"), b"\x01attached");
    sub.set_unsubscribe(b"attached").unwrap();
    assert_eq!(recv1(&publisher, "unsubscription"), b"\x00attached");
    for m in ["", "attached", "x", "\0"] {
        publisher.send(m, 0).unwrap();
    }
    assert_eq!(sub.recv_bytes(DONTWAIT), Err(Error::EAGAIN));
    sub.set_subscribe(b"").unwrap();
    assert_eq!(recv1(&publisher, "subscription to all"), b"\x01");
    publisher.send("after", 0).unwrap();
    assert_eq!(
        recv1(&sub, "first message after subscribing"),
        b"after",
        "messages published before the SUB subscribed must not be delivered"
    );
}

fn prefix_matching_on_the_first_frame(tx: Tx) {
    let ctx = Context::new();
    let publisher = ours(&ctx, PUB);
    let ep = bind(&publisher, tx);
    let sub = connected(&ctx, SUB, &ep);
    sub.set_subscribe(b"ab").unwrap();
    assert!(settle1(&publisher, &sub).is_empty());
    for m in ["ab", "abc", "a", "b", "xab", "AB", "ba", "ab\0", ""] {
        publisher.send(m, 0).unwrap();
    }
    assert_eq!(settle1(&publisher, &sub), msgs(&[b"ab", b"abc", b"ab\0"]));
}

fn empty_topic_matches_everything(tx: Tx) {
    let ctx = Context::new();
    let publisher = ours(&ctx, PUB);
    let ep = bind(&publisher, tx);
    let sub = connected(&ctx, SUB, &ep);
    sub.set_subscribe(b"").unwrap();
    assert!(settle1(&publisher, &sub).is_empty());
    let big = payload(1000, 1);
    let sent: Vec<&[u8]> = vec![b"", b"x", b"\0", b"\x01", b"\xff\xfe", &big];
    for m in &sent {
        publisher.send(*m, 0).unwrap();
    }
    assert_eq!(settle1(&publisher, &sub), msgs(&sent));
}

fn binary_and_long_topics(tx: Tx) {
    let ctx = Context::new();
    let publisher = ours(&ctx, PUB);
    let ep = bind(&publisher, tx);
    let sub = connected(&ctx, SUB, &ep);
    let bin = vec![0x00, 0xff, 0x01, 0x80, 0x00];
    let long = payload(300, 7); // longer than a short frame: a LONG SUBSCRIBE command
    let longer = payload(1000, 7); // starts with `long`
    let other = payload(1000, 8); // does not
    sub.set_subscribe(&bin).unwrap();
    sub.set_subscribe(&long).unwrap();
    assert!(settle1(&publisher, &sub).is_empty());
    let bin_x = [&bin[..], b"x"].concat();
    let sent: Vec<Msg> = vec![
        vec![bin.clone()],
        vec![bin_x.clone()],
        vec![bin[..4].to_vec()],
        vec![vec![0x00]],
        vec![long.clone()],
        vec![longer.clone()],
        vec![long[..299].to_vec()],
        vec![other],
        vec![long.clone(), b"body".to_vec()],
        vec![bin[..4].to_vec(), bin.clone()],
    ];
    for m in &sent {
        publisher.send_multipart(m, 0).unwrap();
    }
    let want = vec![
        vec![bin],
        vec![bin_x],
        vec![long.clone()],
        vec![longer],
        vec![long, b"body".to_vec()],
    ];
    assert_eq!(settle1(&publisher, &sub), want);
}

fn subscriptions_are_counted(tx: Tx) {
    let ctx = Context::new();
    let publisher = ours(&ctx, PUB);
    let ep = bind(&publisher, tx);
    let sub = connected(&ctx, SUB, &ep);
    sub.set_subscribe(b"A").unwrap();
    sub.set_subscribe(b"A").unwrap();
    assert!(settle1(&publisher, &sub).is_empty());
    sub.set_unsubscribe(b"A").unwrap();
    settle1(&publisher, &sub);
    publisher.send("A1", 0).unwrap();
    assert_eq!(
        settle1(&publisher, &sub),
        msgs(&[b"A1"]),
        "two subscribes need two unsubscribes"
    );
    sub.set_unsubscribe(b"A").unwrap();
    settle1(&publisher, &sub);
    publisher.send("A2", 0).unwrap();
    assert_eq!(settle1(&publisher, &sub), Vec::<Msg>::new());
}

fn unsubscribing_stops_delivery(tx: Tx) {
    let ctx = Context::new();
    let publisher = ours(&ctx, PUB);
    let ep = bind(&publisher, tx);
    let sub = connected(&ctx, SUB, &ep);
    sub.set_subscribe(b"A").unwrap();
    sub.set_subscribe(b"B").unwrap();
    settle1(&publisher, &sub);
    publisher.send("A1", 0).unwrap();
    publisher.send("B1", 0).unwrap();
    sub.set_unsubscribe(b"A").unwrap();
    // A1 was sent before the unsubscription, but the SUB filters what it receives against
    // its subscriptions of the moment (as libzmq's does).
    assert_eq!(settle1(&publisher, &sub), msgs(&[b"B1"]));
    publisher.send("A2", 0).unwrap();
    publisher.send("B2", 0).unwrap();
    assert_eq!(settle1(&publisher, &sub), msgs(&[b"B2"]));
    // Unsubscribing what was never subscribed changes nothing.
    sub.set_unsubscribe(b"C").unwrap();
    publisher.send("B3", 0).unwrap();
    assert_eq!(settle1(&publisher, &sub), msgs(&[b"B3"]));
}

fn multipart_is_filtered_on_the_first_frame_and_delivered_whole(tx: Tx) {
    let ctx = Context::new();
    let publisher = ours(&ctx, PUB);
    let ep = bind(&publisher, tx);
    let sub = connected(&ctx, SUB, &ep);
    sub.set_subscribe(b"A").unwrap();
    settle1(&publisher, &sub);
    let sent: Vec<Vec<&str>> = vec![
        vec!["A", "x", "y"],
        vec!["B", "A"],
        vec!["AZ", ""],
        vec!["", "A"],
        vec!["A"],
        vec!["xA", "A", "A"],
    ];
    for m in &sent {
        publisher.send_multipart(m.iter().copied(), 0).unwrap();
    }
    let want: Vec<Msg> = [&sent[0], &sent[2], &sent[4]]
        .iter()
        .map(|m| m.iter().map(|f| f.as_bytes().to_vec()).collect())
        .collect();
    assert_eq!(settle1(&publisher, &sub), want);
    // Frame by frame, RCVMORE marks all but the last frame.
    publisher.send_multipart(["A", "1", "2"], 0).unwrap();
    assert_eq!(recv_frames(&sub).unwrap(), common::frames(&["A", "1", "2"]));
}

fn sub_fair_queues_over_publishers(tx: Tx) {
    const N: usize = 20;
    let ctx = Context::new();
    let publishers: Vec<Socket> = (0..3).map(|_| ours(&ctx, PUB)).collect();
    let sub = ours(&ctx, SUB);
    sub.set_subscribe(b"").unwrap();
    for p in &publishers {
        sub.connect(&bind(p, tx)).unwrap();
    }
    for p in &publishers {
        assert!(settle1(p, &sub).is_empty());
    }
    // Each publisher sends its whole batch before the next one starts.
    for (i, p) in publishers.iter().enumerate() {
        for k in 0..N {
            p.send(format!("{i}:{k}").as_str(), 0).unwrap();
        }
    }
    let got: Vec<(usize, usize)> = (0..3 * N)
        .map(|_| {
            let m = String::from_utf8(recv1(&sub, "published message")).unwrap();
            let (i, k) = m.split_once(':').unwrap();
            (i.parse().unwrap(), k.parse().unwrap())
        })
        .collect();
    for i in 0..3 {
        let from_i: Vec<usize> = got.iter().filter(|m| m.0 == i).map(|m| m.1).collect();
        assert_eq!(
            from_i,
            (0..N).collect::<Vec<_>>(),
            "publisher {i}: all, in order"
        );
    }
    if tx == Tx::Inproc {
        // Everything was queued before the first receive: strict turns.
        for (n, turn) in got.chunks(3).enumerate() {
            let mut who: Vec<usize> = turn.iter().map(|m| m.0).collect();
            who.sort_unstable();
            assert_eq!(
                who,
                [0, 1, 2],
                "turn {n} serves every publisher once: {got:?}"
            );
        }
    }
}

/// The SUB connects and subscribes before anyone listens (inproc: connect before bind); the
/// XPUB that binds later gets the subscriptions in the order they were made.
fn subscriptions_made_before_the_publisher_exists(tx: Tx) {
    let ctx = Context::new();
    let ep = match tx {
        Tx::Tcp => common::free_tcp_endpoint(),
        _ => tx.endpoint(),
    };
    let sub = ours(&ctx, SUB);
    sub.set_reconnect_ivl(20).unwrap();
    sub.connect(&ep).unwrap();
    sub.set_subscribe(b"A").unwrap();
    sub.set_subscribe(b"B").unwrap();
    sub.set_unsubscribe(b"B").unwrap();
    let xpub = ours(&ctx, XPUB);
    bind_again(&xpub, &ep);
    for want in [&b"\x01A"[..], b"\x01B", b"\x00B"] {
        assert_eq!(recv1(&xpub, "queued subscription"), want);
    }
    xpub.send("A1", 0).unwrap();
    assert_eq!(recv1(&sub, "A1"), b"A1");
}

// ---------------------------------------------------------------------------------------------
// High-water marks.

per_transport!(
    pub_never_blocks_and_a_slow_subscriber_does_not_stop_a_fast_one,
    xpub_nodrop_refuses_with_eagain_instead_of_dropping,
);

fn pub_never_blocks_and_a_slow_subscriber_does_not_stop_a_fast_one(tx: Tx) {
    const H: i32 = 50;
    // Over tcp/ipc, far more than both pipes and the kernel buffers can hold.
    let (n, size) = match tx {
        Tx::Inproc => (1000, 8),
        _ => (2000, 16 * 1024),
    };
    let ctx = Context::new();
    let publisher = ours(&ctx, PUB);
    publisher.set_sndhwm(H).unwrap();
    let ep = bind(&publisher, tx);
    let fast = connected(&ctx, SUB, &ep);
    let slow = ours(&ctx, SUB);
    slow.set_rcvhwm(H).unwrap();
    slow.connect(&ep).unwrap();
    fast.set_subscribe(b"").unwrap();
    slow.set_subscribe(b"").unwrap();
    settle(&publisher, &[&fast, &slow]);

    // In lock step with the fast subscriber; the slow one reads nothing meanwhile.
    for i in 0..n {
        publisher
            .send(numbered(i, size), DONTWAIT)
            .unwrap_or_else(|e| panic!("PUB send {i} must never block or fail: {e:?}"));
        let got = fast.recv_bytes(0).unwrap_or_else(|e| {
            panic!("the fast subscriber must get message {i} despite the slow one: {e:?}")
        });
        assert_eq!(number(&got), i);
    }

    // The slow subscriber reads what was kept for it; once it runs dry, an end marker is
    // published (and re-published until one gets through).
    let mut seen = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        assert!(Instant::now() < deadline, "slow subscriber never drained");
        match recv_before(&slow, Instant::now() + Duration::from_millis(200)) {
            Some(m) if m == [b"end".to_vec()] => break,
            Some(m) => seen.push(number(&m[0])),
            None => publisher.send("end", DONTWAIT).unwrap(),
        }
    }
    assert!(
        seen.windows(2).all(|w| w[0] < w[1]),
        "slow subscriber: in order, no duplicates"
    );
    assert!(
        seen.len() < n,
        "the slow subscriber cannot have kept all {n} messages"
    );
    let h = H as usize;
    assert_eq!(
        seen[..h],
        (0..h).collect::<Vec<_>>(),
        "the first SNDHWM messages fit in the pipe and are not dropped"
    );
    if tx == Tx::Inproc {
        // inproc: the pipe holds SNDHWM + RCVHWM messages, the rest is dropped.
        assert_eq!(seen, (0..2 * h).collect::<Vec<_>>());
    }
}

fn xpub_nodrop_refuses_with_eagain_instead_of_dropping(tx: Tx) {
    const H: i32 = 10;
    let size = if tx == Tx::Inproc { 8 } else { 16 * 1024 };
    let ctx = Context::new();
    let xpub = ours(&ctx, XPUB);
    xpub.set_sndhwm(H).unwrap();
    xpub.set_xpub_nodrop(true).unwrap();
    let ep = bind(&xpub, tx);
    let sub = ours(&ctx, SUB);
    sub.set_rcvhwm(H).unwrap();
    sub.connect(&ep).unwrap();
    sub.set_subscribe(b"").unwrap();
    assert_eq!(recv1(&xpub, "subscription"), b"\x01");

    // Nobody reads: sends succeed until the path is full, then EAGAIN.
    let mut sent = 0;
    loop {
        match xpub.send(numbered(sent, size), DONTWAIT) {
            Ok(()) => sent += 1,
            Err(Error::EAGAIN) => break,
            Err(e) => panic!("send: {e:?}"),
        }
        assert!(sent < 100_000, "XPUB_NODROP never refused");
    }
    assert!(
        sent >= H as usize,
        "{sent} sent before EAGAIN, SNDHWM is {H}"
    );
    if tx == Tx::Inproc {
        assert_eq!(sent, 2 * H as usize, "inproc holds SNDHWM + RCVHWM");
        // A blocking send waits SNDTIMEO for room, then gives up with EAGAIN.
        xpub.set_sndtimeo(100).unwrap();
        let t0 = Instant::now();
        assert_eq!(xpub.send(numbered(sent, size), 0), Err(Error::EAGAIN));
        assert!(t0.elapsed() >= Duration::from_millis(90));
        xpub.set_sndtimeo(TIMEO).unwrap();
    }
    // Nothing accepted was dropped.
    for i in 0..sent {
        assert_eq!(number(&recv1(&sub, "message kept by NODROP")), i);
    }
    xpub.send("after", 0).unwrap();
    assert_eq!(recv1(&sub, "message after draining"), b"after");

    // Blocking sends against a reader that runs concurrently: nothing is lost.
    const N: usize = 2000;
    let reader = std::thread::spawn(move || {
        for i in 0..N {
            assert_eq!(number(&recv1(&sub, "NODROP message")), i);
        }
        sub
    });
    for i in 0..N {
        xpub.send(numbered(i, size), 0).unwrap();
    }
    drop(reader.join().expect("reader"));
}

// ---------------------------------------------------------------------------------------------
// XPUB.

per_transport!(
    xpub_receives_subscriptions_and_unsubscriptions,
    xpub_passes_duplicates_only_with_verbose,
    xpub_verbose_sees_a_repeat_from_the_same_subscriber,
    xpub_passes_unsubscriptions_when_last_or_with_verboser,
    xpub_unsubscribes_a_subscriber_that_goes_away,
    xpub_verboser_reports_every_topic_of_a_departed_subscriber,
    xpub_manual_applies_subscriptions_for_the_last_subscriber,
    xpub_manual_forgets_a_departed_subscriber,
    xpub_manual_subscribe_before_any_subscriber_is_accepted,
    xpub_manual_reports_what_a_departed_subscriber_subscribed,
    xpub_manual_applies_to_the_sender_of_the_message_just_received,
    xpub_welcome_message_reaches_a_subscriber_of_it,
    invert_matching_on_pub_and_sub,
    topics_count,
);

fn xpub_receives_subscriptions_and_unsubscriptions(tx: Tx) {
    let ctx = Context::new();
    let xpub = ours(&ctx, XPUB);
    let ep = bind(&xpub, tx);
    let sub = connected(&ctx, SUB, &ep);
    let long = [&[0u8, 1, 0xff][..], &payload(300, 3)].concat();
    sub.set_subscribe(b"A").unwrap();
    assert_eq!(recv1(&xpub, "\\x01A"), b"\x01A");
    sub.set_subscribe(&long).unwrap();
    assert_eq!(
        recv1(&xpub, "long subscription"),
        [&[1u8][..], &long].concat()
    );
    sub.set_subscribe(b"").unwrap();
    assert_eq!(recv1(&xpub, "subscription to all"), b"\x01");
    assert!(!xpub.get_rcvmore().unwrap());
    xpub.send_multipart([&long[..], b"x"], 0).unwrap();
    assert_eq!(
        recv(&sub, "long-topic message"),
        vec![long.clone(), b"x".to_vec()]
    );
    sub.set_unsubscribe(b"A").unwrap();
    assert_eq!(recv1(&xpub, "\\x00A"), b"\x00A");
    sub.set_unsubscribe(&long).unwrap();
    assert_eq!(
        recv1(&xpub, "long unsubscription"),
        [&[0u8][..], &long].concat()
    );
    sub.set_unsubscribe(b"").unwrap();
    assert_eq!(recv1(&xpub, "unsubscription from all"), b"\x00");
    assert_eq!(xpub.recv_bytes(DONTWAIT), Err(Error::EAGAIN));

    // A PUB takes the same subscriptions but never hands them out.
    let publisher = ours(&ctx, PUB);
    assert_eq!(publisher.recv_bytes(DONTWAIT), Err(Error::ENOTSUP));
}

fn xpub_passes_duplicates_only_with_verbose(tx: Tx) {
    let ctx = Context::new();
    let xpub = ours(&ctx, XPUB);
    let ep = bind(&xpub, tx);
    let subs: Vec<Socket> = (0..3).map(|_| connected(&ctx, SUB, &ep)).collect();
    subs[0].set_subscribe(b"A").unwrap();
    assert_eq!(recv1(&xpub, "first subscription"), b"\x01A");
    subs[1].set_subscribe(b"A").unwrap();
    subs[1].set_subscribe(b"Z1").unwrap();
    assert_eq!(
        recv1(&xpub, "marker"),
        b"\x01Z1",
        "a duplicate subscription is filtered without XPUB_VERBOSE"
    );
    xpub.set_xpub_verbose(true).unwrap();
    subs[2].set_subscribe(b"A").unwrap();
    assert_eq!(recv1(&xpub, "duplicate with VERBOSE"), b"\x01A");
    subs[2].set_unsubscribe(b"A").unwrap();
    subs[2].set_subscribe(b"Z2").unwrap();
    assert_eq!(
        recv1(&xpub, "marker"),
        b"\x01Z2",
        "VERBOSE does not pass unsubscriptions others still hold"
    );
    subs[2].set_subscribe(b"A").unwrap();
    assert_eq!(recv1(&xpub, "duplicate with VERBOSE"), b"\x01A");
    // Delivery is unaffected.
    xpub.send("A!", 0).unwrap();
    for s in &subs {
        assert_eq!(recv1(s, "A!"), b"A!");
    }
}

/// libzmq test_xpub_verbose_one_sub: one SUB subscribing to a topic it already has.
fn xpub_verbose_sees_a_repeat_from_the_same_subscriber(tx: Tx) {
    let ctx = Context::new();
    let xpub = ours(&ctx, XPUB);
    let ep = bind(&xpub, tx);
    let sub = connected(&ctx, SUB, &ep);
    sub.set_subscribe(b"A").unwrap();
    assert_eq!(recv1(&xpub, "\\x01A"), b"\x01A");
    sub.set_subscribe(b"B").unwrap();
    assert_eq!(recv1(&xpub, "\\x01B"), b"\x01B");
    sub.set_subscribe(b"A").unwrap();
    sub.set_subscribe(b"Z").unwrap();
    assert_eq!(recv1(&xpub, "marker"), b"\x01Z", "filtered without VERBOSE");
    xpub.set_xpub_verbose(true).unwrap();
    sub.set_subscribe(b"A").unwrap();
    assert_eq!(recv1(&xpub, "repeat with VERBOSE"), b"\x01A");
    xpub.send("A", 0).unwrap();
    xpub.send("B", 0).unwrap();
    assert_eq!(recv1(&sub, "A"), b"A");
    assert_eq!(recv1(&sub, "B"), b"B");
}

fn xpub_passes_unsubscriptions_when_last_or_with_verboser(tx: Tx) {
    let ctx = Context::new();
    let xpub = ours(&ctx, XPUB);
    let ep = bind(&xpub, tx);
    let s0 = connected(&ctx, SUB, &ep);
    let s1 = connected(&ctx, SUB, &ep);
    s0.set_subscribe(b"A").unwrap();
    assert_eq!(recv1(&xpub, "\\x01A"), b"\x01A");
    s1.set_subscribe(b"A").unwrap();
    s1.set_subscribe(b"Z1").unwrap();
    assert_eq!(recv1(&xpub, "marker"), b"\x01Z1");
    s0.set_unsubscribe(b"A").unwrap();
    s0.set_subscribe(b"Z0").unwrap();
    assert_eq!(
        recv1(&xpub, "marker"),
        b"\x01Z0",
        "an unsubscription another subscriber still holds is not passed on"
    );
    s1.set_unsubscribe(b"A").unwrap();
    assert_eq!(recv1(&xpub, "last unsubscription"), b"\x00A");

    xpub.set_xpub_verboser(true).unwrap();
    s0.set_subscribe(b"A").unwrap();
    assert_eq!(recv1(&xpub, "\\x01A"), b"\x01A");
    s1.set_subscribe(b"A").unwrap();
    assert_eq!(
        recv1(&xpub, "duplicate: VERBOSER implies VERBOSE"),
        b"\x01A"
    );
    s0.set_unsubscribe(b"A").unwrap();
    assert_eq!(
        recv1(&xpub, "non-last unsubscription with VERBOSER"),
        b"\x00A"
    );
    s1.set_unsubscribe(b"A").unwrap();
    assert_eq!(recv1(&xpub, "last unsubscription"), b"\x00A");
    assert_eq!(xpub.recv_bytes(DONTWAIT), Err(Error::EAGAIN));
}

fn xpub_unsubscribes_a_subscriber_that_goes_away(tx: Tx) {
    let ctx = Context::new();
    let xpub = ours(&ctx, XPUB);
    let ep = bind(&xpub, tx);
    let s0 = connected(&ctx, SUB, &ep);
    let s1 = connected(&ctx, SUB, &ep);
    s0.set_subscribe(b"A").unwrap();
    s0.set_subscribe(b"B").unwrap();
    assert_eq!(recv1(&xpub, "\\x01A"), b"\x01A");
    assert_eq!(recv1(&xpub, "\\x01B"), b"\x01B");
    s1.set_subscribe(b"A").unwrap();
    s1.set_subscribe(b"Z").unwrap();
    assert_eq!(recv1(&xpub, "marker"), b"\x01Z");
    drop(s0);
    assert_eq!(
        recv1(
            &xpub,
            "unsubscription of the departed subscriber's own topic"
        ),
        b"\x00B",
        "A is still held by the other subscriber"
    );
    drop(s1);
    let mut last = vec![
        recv1(&xpub, "unsubscription"),
        recv1(&xpub, "unsubscription"),
    ];
    last.sort();
    assert_eq!(last, [b"\x00A".to_vec(), b"\x00Z".to_vec()]);
    // Publishing to nobody is fine.
    xpub.send("A", 0).unwrap();
}

fn xpub_verboser_reports_every_topic_of_a_departed_subscriber(tx: Tx) {
    let ctx = Context::new();
    let xpub = ours(&ctx, XPUB);
    xpub.set_xpub_verboser(true).unwrap();
    let ep = bind(&xpub, tx);
    let s0 = connected(&ctx, SUB, &ep);
    let s1 = connected(&ctx, SUB, &ep);
    s0.set_subscribe(b"A").unwrap();
    assert_eq!(recv1(&xpub, "\\x01A"), b"\x01A");
    s1.set_subscribe(b"A").unwrap();
    assert_eq!(recv1(&xpub, "\\x01A (verbose)"), b"\x01A");
    drop(s0);
    assert_eq!(recv1(&xpub, "unsubscription of s0"), b"\x00A");
    drop(s1);
    assert_eq!(recv1(&xpub, "unsubscription of s1"), b"\x00A");
}

/// libzmq test_xpub_manual: test_basic and test_unsubscribe_manual.
fn xpub_manual_applies_subscriptions_for_the_last_subscriber(tx: Tx) {
    let ctx = Context::new();
    let xpub = ours(&ctx, XPUB);
    xpub.set_xpub_manual(true).unwrap();
    let ep = bind(&xpub, tx);
    let xsub = connected(&ctx, XSUB, &ep);
    xsub.send(b"\x01A", 0).unwrap();
    assert_eq!(recv1(&xpub, "\\x01A"), b"\x01A");
    xpub.set_subscribe(b"B").unwrap();
    xpub.send("A", 0).unwrap();
    xpub.send("B", 0).unwrap();
    assert_eq!(
        recv1(&xsub, "B"),
        b"B",
        "only what the application subscribed (B) is delivered, not what was asked (A)"
    );
    // Every subscription and unsubscription is passed, duplicates included.
    xsub.send(b"\x01C", 0).unwrap();
    assert_eq!(recv1(&xpub, "\\x01C"), b"\x01C");
    xpub.set_subscribe(b"XC").unwrap();
    xsub.send(b"\x01C", 0).unwrap();
    assert_eq!(recv1(&xpub, "duplicate \\x01C"), b"\x01C");
    // The XSUB counts: the first of two unsubscriptions stays with it.
    xsub.send(b"\x00C", 0).unwrap();
    xsub.send(b"\x00C", 0).unwrap();
    assert_eq!(recv1(&xpub, "\\x00C"), b"\x00C");
    xpub.set_unsubscribe(b"XC").unwrap();
    xpub.send("XC", 0).unwrap();
    xpub.send("B2", 0).unwrap();
    assert_eq!(
        recv1(&xsub, "B2"),
        b"B2",
        "XC was unsubscribed by the application"
    );
}

/// libzmq test_xpub_manual test_unsubscribe_cleanup: what was applied for a subscriber that
/// left does not leak to the next one.
fn xpub_manual_forgets_a_departed_subscriber(tx: Tx) {
    let ctx = Context::new();
    let xpub = ours(&ctx, XPUB);
    xpub.set_xpub_manual(true).unwrap();
    let ep = bind(&xpub, tx);
    let xsub = connected(&ctx, XSUB, &ep);
    xsub.send(b"\x01A", 0).unwrap();
    assert_eq!(recv1(&xpub, "\\x01A"), b"\x01A");
    xpub.set_subscribe(b"XA").unwrap();
    xpub.send("XB", 0).unwrap();
    xpub.send("XA", 0).unwrap();
    assert_eq!(recv1(&xsub, "XA"), b"XA");
    drop(xsub);
    let gone = recv1(&xpub, "unsubscription on close");
    assert_eq!(gone[0], 0, "an unsubscription: {gone:?}");
    // libzmq: with no subscriber to apply it to, this does nothing and succeeds.
    xpub.set_unsubscribe(b"XA").unwrap();

    let xsub = connected(&ctx, XSUB, &ep);
    xsub.send(b"\x01B", 0).unwrap();
    assert_eq!(recv1(&xpub, "\\x01B"), b"\x01B");
    xpub.set_subscribe(b"XB").unwrap();
    xpub.send("XA", 0).unwrap();
    xpub.send("XB", 0).unwrap();
    assert_eq!(
        recv1(&xsub, "XB"),
        b"XB",
        "XA was applied for the departed subscriber only"
    );
}

/// libzmq accepts (and ignores) ZMQ_SUBSCRIBE on an XPUB_MANUAL socket that has not heard
/// from any subscriber yet.
fn xpub_manual_subscribe_before_any_subscriber_is_accepted(tx: Tx) {
    let ctx = Context::new();
    let xpub = ours(&ctx, XPUB);
    xpub.set_xpub_manual(true).unwrap();
    let ep = bind(&xpub, tx);
    assert_eq!(xpub.set_subscribe(b"A"), Ok(()));
    assert_eq!(xpub.set_unsubscribe(b"A"), Ok(()));
    let sub = connected(&ctx, SUB, &ep);
    sub.set_subscribe(b"B").unwrap();
    assert_eq!(recv1(&xpub, "\\x01B"), b"\x01B");
    xpub.set_subscribe(b"B").unwrap();
    xpub.send("A", 0).unwrap();
    xpub.send("B", 0).unwrap();
    assert_eq!(
        recv1(&sub, "B"),
        b"B",
        "the early set_subscribe applied to nobody"
    );
}

/// libzmq test_xpub_manual test_unsubscribe_manual: on close, the subscriber's own remaining
/// subscriptions are reported.
fn xpub_manual_reports_what_a_departed_subscriber_subscribed(tx: Tx) {
    let ctx = Context::new();
    let xpub = ours(&ctx, XPUB);
    xpub.set_xpub_manual(true).unwrap();
    let ep = bind(&xpub, tx);
    let xsub = connected(&ctx, XSUB, &ep);
    xsub.send(b"\x01A", 0).unwrap();
    xsub.send(b"\x01B", 0).unwrap();
    assert_eq!(recv1(&xpub, "\\x01A"), b"\x01A");
    xpub.set_subscribe(b"XA").unwrap();
    assert_eq!(recv1(&xpub, "\\x01B"), b"\x01B");
    xpub.set_subscribe(b"XB").unwrap();
    xsub.send(b"\x00A", 0).unwrap();
    assert_eq!(recv1(&xpub, "\\x00A"), b"\x00A");
    xpub.set_unsubscribe(b"XA").unwrap();
    xpub.send("XA", 0).unwrap();
    xpub.send("XB", 0).unwrap();
    assert_eq!(recv1(&xsub, "XB"), b"XB");
    drop(xsub);
    assert_eq!(recv1(&xpub, "unsubscription on close"), b"\x00B");
    xpub.set_unsubscribe(b"XB").unwrap();
}

fn xpub_manual_applies_to_the_sender_of_the_message_just_received(tx: Tx) {
    let ctx = Context::new();
    let xpub = ours(&ctx, XPUB);
    xpub.set_xpub_manual(true).unwrap();
    let ep = bind(&xpub, tx);
    let x1 = connected(&ctx, XSUB, &ep);
    let x2 = connected(&ctx, XSUB, &ep);
    // Both subscriptions are queued (on inproc: surely) before the application reads one.
    x1.send(b"\x01A", 0).unwrap();
    x2.send(b"\x01B", 0).unwrap();
    for _ in 0..2 {
        let m = recv1(&xpub, "subscription");
        assert_eq!(m[0], 1);
        xpub.set_subscribe(&[b"to-", &m[1..]].concat()).unwrap();
    }
    for x in [&x1, &x2] {
        x.send(b"\x01end", 0).unwrap();
        assert_eq!(recv1(&xpub, "\\x01end"), b"\x01end");
        xpub.set_subscribe(b"end").unwrap();
    }
    for m in ["to-A", "to-B", "end"] {
        xpub.send(m, 0).unwrap();
    }
    assert_eq!(
        until_marker(&x1, b"end"),
        msgs(&[b"to-A"]),
        "x1 asked for A"
    );
    assert_eq!(
        until_marker(&x2, b"end"),
        msgs(&[b"to-B"]),
        "x2 asked for B"
    );
}

/// libzmq test_xpub_welcome_msg.
fn xpub_welcome_message_reaches_a_subscriber_of_it(tx: Tx) {
    let ctx = Context::new();
    let xpub = ours(&ctx, XPUB);
    xpub.set_xpub_welcome_msg(Some("W")).unwrap();
    let ep = bind(&xpub, tx);
    let sub = ours(&ctx, SUB);
    sub.set_subscribe(b"W").unwrap();
    sub.connect(&ep).unwrap();
    assert_eq!(recv1(&xpub, "\\x01W"), b"\x01W");
    assert_eq!(recv1(&sub, "welcome message"), b"W");
    // A subscriber not subscribed to it filters it out like any other message.
    let other = ours(&ctx, SUB);
    other.set_subscribe(b"X").unwrap();
    other.connect(&ep).unwrap();
    assert_eq!(recv1(&xpub, "\\x01X"), b"\x01X");
    xpub.send("X1", 0).unwrap();
    xpub.send("W2", 0).unwrap();
    assert_eq!(recv1(&other, "first message"), b"X1");
    assert_eq!(
        recv1(&sub, "next message"),
        b"W2",
        "the welcome message goes to each new subscriber only"
    );
}

/// libzmq test_pub_invert_matching.
fn invert_matching_on_pub_and_sub(tx: Tx) {
    let ctx = Context::new();
    let publisher = ours(&ctx, PUB);
    let ep = bind(&publisher, tx);
    let s1 = connected(&ctx, SUB, &ep);
    let s2 = connected(&ctx, SUB, &ep);
    s1.set_subscribe(b"prefix1").unwrap();
    s2.set_subscribe(b"p2").unwrap();
    settle(&publisher, &[&s1, &s2]);
    publisher.send("prefix1", 0).unwrap();
    publisher.send("p2", 0).unwrap();
    let got = settle(&publisher, &[&s1, &s2]);
    assert_eq!(got[0], msgs(&[b"prefix1"]));
    assert_eq!(got[1], msgs(&[b"p2"]));

    for s in [&publisher, &s1, &s2] {
        s.set_invert_matching(true).unwrap();
    }
    // "zzz" matches no subscription: with inverted matching everyone gets it.
    for m in ["prefix1", "p2", "zzz"] {
        publisher.send(m, 0).unwrap();
    }
    assert_eq!(until_marker(&s1, b"zzz"), msgs(&[b"p2"]));
    assert_eq!(until_marker(&s2, b"zzz"), msgs(&[b"prefix1"]));
}

fn topics_count(tx: Tx) {
    let ctx = Context::new();
    let sub = ours(&ctx, SUB);
    assert_eq!(sub.get_topics_count().unwrap(), 0);
    for t in [&b"A"[..], b"A", b"B"] {
        sub.set_subscribe(t).unwrap();
    }
    assert_eq!(sub.get_topics_count().unwrap(), 2, "distinct topics");
    sub.set_unsubscribe(b"A").unwrap();
    assert_eq!(
        sub.get_topics_count().unwrap(),
        2,
        "A is still subscribed once"
    );
    sub.set_unsubscribe(b"A").unwrap();
    assert_eq!(sub.get_topics_count().unwrap(), 1);

    let xsub = ours(&ctx, XSUB);
    for t in [&b"A"[..], b"A", b"B", b"C"] {
        subscribe(&xsub, t);
    }
    unsubscribe(&xsub, b"C");
    assert_eq!(xsub.get_topics_count().unwrap(), 2);

    let xpub = ours(&ctx, XPUB);
    let ep = bind(&xpub, tx);
    assert_eq!(xpub.get_topics_count().unwrap(), 0);
    let s0 = connected(&ctx, SUB, &ep);
    let s1 = connected(&ctx, SUB, &ep);
    s0.set_subscribe(b"A").unwrap();
    s0.set_subscribe(b"B").unwrap();
    assert_eq!(recv1(&xpub, "\\x01A"), b"\x01A");
    assert_eq!(recv1(&xpub, "\\x01B"), b"\x01B");
    s1.set_subscribe(b"A").unwrap();
    s1.set_subscribe(b"C").unwrap();
    assert_eq!(recv1(&xpub, "\\x01C"), b"\x01C");
    assert_eq!(xpub.get_topics_count().unwrap(), 3);
    drop(s0);
    assert_eq!(recv1(&xpub, "\\x00B"), b"\x00B");
    assert_eq!(xpub.get_topics_count().unwrap(), 2);
}

// ---------------------------------------------------------------------------------------------
// XSUB and forwarding.

per_transport!(
    xsub_subscribes_with_messages_and_sends_the_rest_upstream,
    xsub_verbose_unsubscribe,
    forwarder_by_hand,
    forwarder_with_proxy,
    sub_pollin_only_for_a_matching_message,
    conflate_on_sub_keeps_the_newest_message,
);

fn xsub_subscribes_with_messages_and_sends_the_rest_upstream(tx: Tx) {
    let ctx = Context::new();
    let publisher = ours(&ctx, PUB);
    let ep = bind(&publisher, tx);
    let xsub = connected(&ctx, XSUB, &ep);
    xsub.send(b"\x01A", 0).unwrap();
    settle1(&publisher, &xsub);
    publisher.send("A1", 0).unwrap();
    publisher.send("B1", 0).unwrap();
    publisher.send_multipart(["A2", "x"], 0).unwrap();
    assert_eq!(
        settle1(&publisher, &xsub),
        vec![vec![b"A1".to_vec()], vec![b"A2".to_vec(), b"x".to_vec()]]
    );
    xsub.send(b"\x00A", 0).unwrap();
    settle1(&publisher, &xsub);
    publisher.send("A3", 0).unwrap();
    assert!(settle1(&publisher, &xsub).is_empty());
    // A PUB drops what comes upstream; it still serves the XSUB afterwards.
    xsub.send("hello", 0).unwrap();
    xsub.send(b"\x01A", 0).unwrap();
    settle1(&publisher, &xsub);
    publisher.send("A4", 0).unwrap();
    assert_eq!(settle1(&publisher, &xsub), msgs(&[b"A4"]));

    // An XPUB gets everything that is not a subscription as it was sent.
    let xpub = ours(&ctx, XPUB);
    let ep = bind(&xpub, tx);
    let xsub = connected(&ctx, XSUB, &ep);
    xsub.send(b"\x02user", 0).unwrap();
    xsub.send_multipart(["up", "stream"], 0).unwrap();
    xsub.send(b"", 0).unwrap();
    xsub.send(b"\x01T", 0).unwrap();
    assert_eq!(recv(&xpub, "user message"), [b"\x02user".to_vec()]);
    assert_eq!(recv(&xpub, "multipart"), common::frames(&["up", "stream"]));
    assert_eq!(recv(&xpub, "empty message"), [Vec::<u8>::new()]);
    assert_eq!(recv1(&xpub, "subscription"), b"\x01T");
    xpub.send("T!", 0).unwrap();
    assert_eq!(recv1(&xsub, "T!"), b"T!");
}

/// libzmq test_xsub_verbose (4.3.5 draft ZMQ_XSUB_VERBOSE_UNSUBSCRIBE); where libzmq checks
/// that nothing arrived, the XSUB subscribes to a marker that must be the next thing seen.
fn xsub_verbose_unsubscribe(tx: Tx) {
    let ctx = Context::new();
    let xpub = ours(&ctx, XPUB);
    xpub.set_xpub_verboser(true).unwrap();
    let ep = bind(&xpub, tx);
    let xsub = connected(&ctx, XSUB, &ep);
    let marker = |n: u8| {
        xsub.send(&[1, b'Z', n], 0).unwrap();
        assert_eq!(
            recv1(&xpub, "marker"),
            [1, b'Z', n],
            "nothing before marker {n}"
        );
    };
    xsub.send(b"\x00A", 0).unwrap();
    marker(1); // an unknown topic's unsubscription is not forwarded
    xsub.send(b"\x01A", 0).unwrap();
    assert_eq!(recv1(&xpub, "\\x01A"), b"\x01A");
    xsub.send(b"\x01A", 0).unwrap();
    assert_eq!(recv1(&xpub, "every subscribe is forwarded"), b"\x01A");
    xsub.send(b"\x00A", 0).unwrap();
    marker(2); // A is still subscribed once
    xsub.send(b"\x00A", 0).unwrap();
    assert_eq!(recv1(&xpub, "last unsubscription"), b"\x00A");

    xsub.set_xsub_verbose_unsubscribe(true).unwrap();
    xsub.send(b"\x00A", 0).unwrap();
    assert_eq!(recv1(&xpub, "forwarded though unknown"), b"\x00A");
    xsub.send(b"\x01A", 0).unwrap();
    assert_eq!(recv1(&xpub, "\\x01A"), b"\x01A");
    xsub.send(b"\x01A", 0).unwrap();
    assert_eq!(recv1(&xpub, "\\x01A"), b"\x01A");
    xsub.send(b"\x00A", 0).unwrap();
    assert_eq!(recv1(&xpub, "non-last unsubscription forwarded"), b"\x00A");
    xsub.send(b"\x00A", 0).unwrap();
    assert_eq!(recv1(&xpub, "last unsubscription"), b"\x00A");
    // Only XSUB has the option.
    assert_eq!(
        ours(&ctx, SUB).set_xsub_verbose_unsubscribe(true),
        Err(Error::EINVAL)
    );
}

/// libzmq test_sub_forward: PUB → XSUB … XPUB → SUB, forwarded by hand.
fn forwarder_by_hand(tx: Tx) {
    let ctx = Context::new();
    let xpub = ours(&ctx, XPUB);
    let xpub_ep = bind(&xpub, tx);
    let xsub = ours(&ctx, XSUB);
    let xsub_ep = bind(&xsub, tx);
    let publisher = connected(&ctx, PUB, &xsub_ep);
    let sub = connected(&ctx, SUB, &xpub_ep);
    sub.set_subscribe(b"").unwrap();
    let subscription = recv1(&xpub, "subscription at the XPUB");
    assert_eq!(subscription, b"\x01");
    xsub.send(subscription, 0).unwrap();
    sync_on(&publisher, &[&xsub], b"");
    publisher.send_multipart(["", "body"], 0).unwrap();
    let m = recv(&xsub, "message at the XSUB");
    xpub.send_multipart(&m, 0).unwrap();
    assert_eq!(
        recv(&sub, "forwarded message"),
        common::frames(&["", "body"])
    );
}

/// PUB → XSUB [proxy] XPUB → SUBs, steered to a stop.
fn forwarder_with_proxy(tx: Tx) {
    let ctx = Context::new();
    let frontend = ours(&ctx, XSUB);
    let front_ep = bind(&frontend, tx);
    let backend = ours(&ctx, XPUB);
    let back_ep = bind(&backend, tx);
    let control_ep = Tx::Inproc.endpoint();
    let control = ours(&ctx, PAIR);
    control.bind(&control_ep).unwrap();
    let steer = connected(&ctx, PAIR, &control_ep);
    let proxy = std::thread::spawn(move || {
        let result = proxy_steerable(&frontend, &backend, &control);
        drop((frontend, backend, control));
        result.map(|_| ())
    });

    let publisher = connected(&ctx, PUB, &front_ep);
    let s1 = connected(&ctx, SUB, &back_ep);
    let s2 = connected(&ctx, SUB, &back_ep);
    s1.set_subscribe(b"A").unwrap();
    s2.set_subscribe(b"B").unwrap();
    settle(&publisher, &[&s1, &s2]);
    publisher.send("A1", 0).unwrap();
    publisher.send("B1", 0).unwrap();
    publisher.send("C1", 0).unwrap();
    publisher.send_multipart(["A2", "x"], 0).unwrap();
    publisher.send("AB", 0).unwrap();
    let got = settle(&publisher, &[&s1, &s2]);
    assert_eq!(
        got[0],
        vec![
            vec![b"A1".to_vec()],
            vec![b"A2".to_vec(), b"x".to_vec()],
            vec![b"AB".to_vec()]
        ]
    );
    assert_eq!(got[1], msgs(&[b"B1"]));

    steer.send("TERMINATE", 0).unwrap();
    assert_eq!(proxy.join().expect("proxy thread"), Ok(()));
}

/// libzmq's SUB reports POLLIN only when a message it wants is there (it filters before it
/// says so); a message the publisher sent but the SUB filters out must not wake a poller.
fn sub_pollin_only_for_a_matching_message(tx: Tx) {
    let ctx = Context::new();
    let xpub = ours(&ctx, XPUB);
    xpub.set_xpub_manual(true).unwrap();
    let ep = bind(&xpub, tx);
    let sub = connected(&ctx, SUB, &ep);
    sub.set_subscribe(b"A").unwrap();
    assert_eq!(recv1(&xpub, "\\x01A"), b"\x01A");
    // The XPUB sends this subscriber everything; the SUB keeps only A.
    xpub.set_subscribe(b"").unwrap();
    xpub.send("B1", 0).unwrap();
    xpub.send("A1", 0).unwrap();
    assert_eq!(recv1(&sub, "A1"), b"A1", "B1 was filtered out by the SUB");
    xpub.send("B2", 0).unwrap();
    // inproc: B2 is in the pipe already; tcp/ipc: it arrives within the wait.
    let wait = if tx == Tx::Inproc { 0 } else { 300 };
    assert_eq!(
        sub.poll(POLLIN, wait).unwrap(),
        0,
        "POLLIN for a filtered message"
    );
    assert!(!sub.get_events().unwrap().contains(POLLIN));
    xpub.send("A2", 0).unwrap();
    assert_eq!(sub.poll(POLLIN, i64::from(TIMEO)).unwrap(), 1);
    assert_eq!(sub.recv_bytes(DONTWAIT).unwrap(), b"A2");
}

/// libzmq test_conflate, for SUB.
fn conflate_on_sub_keeps_the_newest_message(tx: Tx) {
    const N: usize = 10_000;
    let ctx = Context::new();
    let publisher = ours(&ctx, PUB);
    publisher.set_sndhwm(0).unwrap();
    let ep = bind(&publisher, tx);
    let sub = ours(&ctx, SUB);
    sub.set_conflate(true).unwrap();
    assert!(sub.is_conflate().unwrap());
    sub.connect(&ep).unwrap();
    // One subscription only: the conflating pipe would keep only the newest of several.
    sub.set_subscribe(b"").unwrap();
    let witness = ours(&ctx, SUB);
    witness.set_rcvhwm(0).unwrap();
    witness.connect(&ep).unwrap();
    witness.set_subscribe(b"").unwrap();
    sync_on(&publisher, &[&sub, &witness], b"");

    for i in 0..N {
        publisher.send(numbered(i, 8), 0).unwrap();
    }
    for i in 0..N {
        assert_eq!(number(&recv1(&witness, "witness")), i);
    }
    let mut got = Vec::new();
    loop {
        let i = number(&recv1(&sub, "conflated message"));
        got.push(i);
        if i == N - 1 {
            break;
        }
    }
    assert!(
        got.windows(2).all(|w| w[0] < w[1]),
        "newer each time: {got:?}"
    );
    assert!(got.len() < N, "conflation kept every message");
    if tx == Tx::Inproc {
        assert_eq!(
            got,
            [N - 1],
            "inproc: everything was queued before the receive"
        );
    }
    assert_eq!(sub.recv_bytes(DONTWAIT), Err(Error::EAGAIN));
}

// ---------------------------------------------------------------------------------------------
// Publishers that restart.

tcp_and_ipc!(
    sub_subscriptions_are_replayed_to_a_restarted_publisher,
    bound_sub_subscriptions_reach_a_new_publisher,
);

mod sub_receives_again_after_its_publisher_unbinds_and_binds_again {
    use super::*;
    #[test]
    fn tcp() {
        bounded(|| super::sub_receives_again_after_its_publisher_unbinds_and_binds_again(Tx::Tcp));
    }
    #[test]
    fn ipc() {
        bounded(|| super::sub_receives_again_after_its_publisher_unbinds_and_binds_again(Tx::Ipc));
    }
}

/// The SUB connects; its PUB (in its own context) is closed and another one binds the same
/// endpoint. The SUB does not subscribe again: it replays its subscriptions on reconnect.
fn sub_subscriptions_are_replayed_to_a_restarted_publisher(tx: Tx) {
    let ctx = Context::new();
    let sub = ours(&ctx, SUB);
    sub.set_reconnect_ivl(20).unwrap();
    let mut first_ctx = Context::new();
    let first = ours(&first_ctx, PUB);
    let ep = bind(&first, tx);
    sub.connect(&ep).unwrap();
    sub.set_subscribe(b"T").unwrap();
    sub.set_subscribe(b"U").unwrap();
    sync_on(&first, &[&sub], b"U");
    drop(first);
    first_ctx.destroy().unwrap();

    let second_ctx = Context::new();
    let second = ours(&second_ctx, XPUB);
    bind_again(&second, &ep);
    let mut replayed = vec![
        recv1(&second, "replayed subscription"),
        recv1(&second, "replayed subscription"),
    ];
    replayed.sort();
    assert_eq!(replayed, [b"\x01T".to_vec(), b"\x01U".to_vec()]);
    second.send("T again", 0).unwrap();
    assert_eq!(recv1(&sub, "message from the new publisher"), b"T again");
}

fn sub_receives_again_after_its_publisher_unbinds_and_binds_again(tx: Tx) {
    let ctx = Context::new();
    let publisher = ours(&ctx, PUB);
    let ep = bind(&publisher, tx);
    let sub = ours(&ctx, SUB);
    sub.set_reconnect_ivl(20).unwrap();
    sub.connect(&ep).unwrap();
    sub.set_subscribe(b"T").unwrap();
    sync_on(&publisher, &[&sub], b"T");
    publisher.unbind(&ep).unwrap();
    bind_again(&publisher, &ep);
    assert!(
        sync_on(&publisher, &[&sub], b"T")[0].is_empty(),
        "the subscription reached the publisher again"
    );
    publisher.send("T1", 0).unwrap();
    assert_eq!(recv1(&sub, "T1"), b"T1");
}

/// The SUB binds; its PUB goes away and a new publisher connects: the SUB sends its
/// subscriptions to the new peer.
fn bound_sub_subscriptions_reach_a_new_publisher(tx: Tx) {
    let ctx = Context::new();
    let sub = ours(&ctx, SUB);
    let ep = bind(&sub, tx);
    sub.set_subscribe(b"T").unwrap();
    let mut first_ctx = Context::new();
    let first = connected(&first_ctx, PUB, &ep);
    sync_on(&first, &[&sub], b"T");
    drop(first);
    first_ctx.destroy().unwrap();

    // As in libzmq, a bound socket takes a new peer in when its application calls into it:
    // the SUB polls (inside sync_on) while the new publisher probes.
    let second = connected(&ctx, XPUB, &ep);
    sync_on(&second, &[&sub], b"T");
    assert_eq!(recv1(&second, "subscription to the new peer"), b"\x01T");
    second.send("T2", 0).unwrap();
    assert_eq!(recv1(&sub, "T2"), b"T2");
}
