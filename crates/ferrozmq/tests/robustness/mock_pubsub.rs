//! Raw-TCP peers speaking ZMTP 3.0 and 3.1 by hand against ferrozmq publishers and
//! subscribers (the ground of libzmq's test_mock_pub_sub; RFC 37 SUBSCRIBE/CANCEL, RFC 29;
//! `libzmq-facts.md` §5.7).
//!
//! * A mock SUB against a ferrozmq PUB or XPUB subscribes with a ZMTP 3.1 SUBSCRIBE command or
//!   with a ZMTP 3.0 `0x01`-prefixed message — each form under each greeting version, since
//!   libzmq accepts both whatever was negotiated — including a 300-byte topic (LONG frames).
//!   It receives exactly the messages of the topics it subscribed to, stops receiving a topic
//!   it cancels (CANCEL command or `0x00` message), and an XPUB hands the application the
//!   legacy form (`\x01A`, `\x00A`). Data reaches the mock as `00 04 'ALOL'`.
//! * A mock PUB against a ferrozmq SUB or XSUB checks the bytes ferrozmq sends: the command
//!   `04 0b 09 'SUBSCRIBE' 'A'` when the mock greets as 3.1, the message `00 02 01 41` when it
//!   greets as 3.0, CANCEL / `00 02 00 41` on unsubscribe, LONG forms for long topics,
//!   subscriptions made before the connection sent right after the handshake, and an XSUB's
//!   other messages passed upstream unchanged.
//!
//! Every raw read has a timeout and every test runs under a watchdog.

use crate::bounded;
use crate::common::{last_ep, ours, payload};
use ferrozmq::{Context, Error, MonitorEvent, Socket, SocketEvent, DONTWAIT, PUB, SUB, XPUB, XSUB};
use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

/// Timeout of a raw read that must succeed.
const READ_TIMEOUT: Duration = Duration::from_secs(5);
/// Longest wait for a subscription to take effect.
const SYNC_LIMIT: Duration = Duration::from_secs(20);

// ---------------------------------------------------------------------------------------------
// ZMTP by hand (`libzmq-facts.md` §5.1-5.3, §5.7).

/// A NULL greeting announcing ZMTP 3.`minor`.
pub(super) fn greeting(minor: u8) -> Vec<u8> {
    let mut g = vec![0xff, 0, 0, 0, 0, 0, 0, 0, 0x01, 0x7f, 0x03, minor];
    g.extend_from_slice(b"NULL");
    g.extend_from_slice(&[0u8; 16]);
    g.push(0); // as-server
    g.extend_from_slice(&[0u8; 31]);
    assert_eq!(g.len(), 64);
    g
}

/// A frame with `flags` (MORE/COMMAND) around `body`; LONG iff the body is over 255 bytes.
pub(super) fn frame_with(flags: u8, body: &[u8]) -> Vec<u8> {
    let mut f = Vec::with_capacity(body.len() + 9);
    if body.len() <= 255 {
        f.push(flags);
        f.push(body.len() as u8);
    } else {
        f.push(flags | 0x02);
        f.extend_from_slice(&(body.len() as u64).to_be_bytes());
    }
    f.extend_from_slice(body);
    f
}

/// A command frame: `name-len name data`.
pub(super) fn command(name: &[u8], data: &[u8]) -> Vec<u8> {
    let body = [&[name.len() as u8][..], name, data].concat();
    frame_with(0x04, &body)
}

/// READY announcing `socket_type`.
pub(super) fn ready(socket_type: &str) -> Vec<u8> {
    let mut props = vec![11];
    props.extend_from_slice(b"Socket-Type");
    props.extend_from_slice(&(socket_type.len() as u32).to_be_bytes());
    props.extend_from_slice(socket_type.as_bytes());
    command(b"READY", &props)
}

/// A data message.
pub(super) fn message(parts: &[&[u8]]) -> Vec<u8> {
    let mut m = Vec::new();
    for (i, p) in parts.iter().enumerate() {
        m.extend(frame_with(u8::from(i + 1 < parts.len()), p));
    }
    m
}

/// How a mock subscriber subscribes.
#[derive(Clone, Copy, Debug)]
enum Form {
    /// ZMTP 3.1 SUBSCRIBE / CANCEL commands.
    Command,
    /// ZMTP 3.0 messages `0x01`+topic / `0x00`+topic.
    Legacy,
}

/// A subscription (or cancellation) in `form`.
fn subscription(form: Form, subscribe: bool, topic: &[u8]) -> Vec<u8> {
    match (form, subscribe) {
        (Form::Command, true) => command(b"SUBSCRIBE", topic),
        (Form::Command, false) => command(b"CANCEL", topic),
        (Form::Legacy, s) => message(&[&[&[u8::from(s)][..], topic].concat()]),
    }
}

/// A raw TCP peer.
pub(super) struct Mock {
    pub(super) stream: TcpStream,
}

impl Mock {
    pub(super) fn connect(endpoint: &str) -> Mock {
        let addr = endpoint.strip_prefix("tcp://").expect("a tcp endpoint");
        let stream = TcpStream::connect(addr).expect("raw connect");
        stream.set_nodelay(true).unwrap();
        stream.set_read_timeout(Some(READ_TIMEOUT)).unwrap();
        Mock { stream }
    }

    pub(super) fn send(&mut self, bytes: &[u8]) {
        self.stream.write_all(bytes).expect("raw write");
    }

    fn read_exact(&mut self, n: usize, what: &str) -> Vec<u8> {
        let mut buf = vec![0u8; n];
        self.stream
            .read_exact(&mut buf)
            .unwrap_or_else(|e| panic!("{what}: reading {n} bytes from ferrozmq: {e}"));
        buf
    }

    /// Greets as ZMTP 3.`minor`, announces `socket_type`, and reads ferrozmq's greeting and
    /// READY. Returns ferrozmq's greeting and its `Socket-Type`.
    pub(super) fn handshake(&mut self, minor: u8, socket_type: &str) -> (Vec<u8>, Vec<u8>) {
        self.send(&greeting(minor));
        self.send(&ready(socket_type));
        let theirs = self.read_exact(64, "greeting");
        let (flags, body) = self.read_frame("READY");
        assert_eq!(flags, 0x04, "READY is a command");
        assert_eq!(&body[..6], b"\x05READY");
        let mut rest = &body[6..];
        let mut ty = None;
        while !rest.is_empty() {
            let n = rest[0] as usize;
            let name = &rest[1..1 + n];
            let len = u32::from_be_bytes(rest[1 + n..5 + n].try_into().unwrap()) as usize;
            let value = &rest[5 + n..5 + n + len];
            if name.eq_ignore_ascii_case(b"Socket-Type") {
                ty = Some(value.to_vec());
            }
            rest = &rest[5 + n + len..];
        }
        (theirs, ty.expect("READY carries Socket-Type"))
    }

    /// One frame: its flags and body.
    pub(super) fn read_frame(&mut self, what: &str) -> (u8, Vec<u8>) {
        let flags = self.read_exact(1, what)[0];
        let size = if flags & 0x02 != 0 {
            u64::from_be_bytes(self.read_exact(8, what).try_into().unwrap()) as usize
        } else {
            self.read_exact(1, what)[0] as usize
        };
        (flags, self.read_exact(size, what))
    }

    /// One whole data message.
    pub(super) fn read_message(&mut self, what: &str) -> Vec<Vec<u8>> {
        let mut parts = Vec::new();
        loop {
            let (flags, body) = self.read_frame(what);
            assert_eq!(flags & 0x04, 0, "{what}: a data frame, not a command");
            parts.push(body);
            if flags & 0x01 == 0 {
                return parts;
            }
        }
    }

    /// Waits until ferrozmq has sent something, calling `nudge` between short waits (to let
    /// a ferrozmq socket run, or to publish a probe). Consumes nothing.
    pub(super) fn await_data(&mut self, mut nudge: impl FnMut()) {
        let deadline = Instant::now() + SYNC_LIMIT;
        self.stream
            .set_read_timeout(Some(Duration::from_millis(20)))
            .unwrap();
        let mut byte = [0u8; 1];
        loop {
            match self.stream.peek(&mut byte) {
                Ok(0) => panic!("ferrozmq closed the connection"),
                Ok(_) => break,
                Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) => panic!("raw peek: {e}"),
            }
            assert!(
                Instant::now() < deadline,
                "ferrozmq sent nothing in {SYNC_LIMIT:?}"
            );
            nudge();
        }
        self.stream.set_read_timeout(Some(READ_TIMEOUT)).unwrap();
    }
}

/// A ferrozmq socket of `ty` bound on an ephemeral loopback port, and that endpoint.
pub(super) fn bound(ctx: &Context, ty: ferrozmq::SocketType) -> (Socket, String) {
    let s = ours(ctx, ty);
    s.set_linger(0).unwrap();
    s.bind("tcp://127.0.0.1:*").unwrap();
    let ep = last_ep(&s);
    (s, ep)
}

// ---------------------------------------------------------------------------------------------
// (a) A mock SUB against a ferrozmq PUB / XPUB.

/// Publishes `topic/probe` until the mock has one, then `topic/end`; the mock reads up to the
/// end marker. Returns what else the mock got meanwhile.
fn sync_mock(publisher: &Socket, mock: &mut Mock, topic: &[u8]) -> Vec<Vec<Vec<u8>>> {
    let probe = [topic, b"/probe"].concat();
    let end = [topic, b"/end"].concat();
    mock.await_data(|| publisher.send(&probe, 0).unwrap());
    publisher.send(&end, 0).unwrap();
    let mut other = Vec::new();
    loop {
        let m = mock.read_message("synchronisation");
        if m == [end.clone()] {
            return other;
        }
        if m != [probe.clone()] {
            other.push(m);
        }
    }
}

fn mock_sub_gets_exactly_its_topics(minor: u8, form: Form) {
    let ctx = Context::new();
    let (publisher, ep) = bound(&ctx, PUB);
    let mut mock = Mock::connect(&ep);
    let (theirs, ty) = mock.handshake(minor, "SUB");
    assert_eq!(&theirs[10..12], &[3, 1], "ferrozmq greets as ZMTP 3.1");
    assert_eq!(&theirs[12..16], b"NULL");
    assert_eq!(ty, b"PUB");

    let long = [&[0u8, 0xff][..], &payload(298, 9)].concat(); // 300 bytes: LONG frames
    mock.send(&subscription(form, true, b"A"));
    mock.send(&subscription(form, true, &long));
    mock.send(&subscription(form, true, b"\xffsync"));
    assert!(sync_mock(&publisher, &mut mock, b"\xffsync").is_empty());

    let long_x = [&long[..], b"x"].concat();
    let sent: Vec<Vec<&[u8]>> = vec![
        vec![b"A1"],
        vec![b"B1"],
        vec![&long_x],
        vec![&long[..299]],
        vec![b""],
        vec![b"A", b"more"],
        vec![b"B", b"A"],
        vec![b"AZ"],
        vec![b"a"],
    ];
    for m in &sent {
        publisher.send_multipart(m.iter().copied(), 0).unwrap();
    }
    let want: Vec<Vec<Vec<u8>>> = [&sent[0], &sent[2], &sent[5], &sent[7]]
        .iter()
        .map(|m| m.iter().map(|f| f.to_vec()).collect())
        .collect();
    assert_eq!(sync_mock(&publisher, &mut mock, b"\xffsync"), want);

    // Cancelling A (then subscribing a marker behind it) stops A.
    mock.send(&subscription(form, false, b"A"));
    mock.send(&subscription(form, true, b"\xffmark"));
    sync_mock(&publisher, &mut mock, b"\xffmark");
    for m in ["A2", "B2", "AZ2"] {
        publisher.send(m, 0).unwrap();
    }
    publisher.send(&long_x, 0).unwrap();
    assert_eq!(
        sync_mock(&publisher, &mut mock, b"\xffmark"),
        vec![vec![long_x]]
    );
}

#[test]
fn mock_sub_zmtp31_subscribe_command() {
    bounded(|| mock_sub_gets_exactly_its_topics(1, Form::Command));
}

#[test]
fn mock_sub_zmtp30_subscription_message() {
    bounded(|| mock_sub_gets_exactly_its_topics(0, Form::Legacy));
}

#[test]
fn mock_sub_zmtp31_subscription_message() {
    bounded(|| mock_sub_gets_exactly_its_topics(1, Form::Legacy));
}

#[test]
fn mock_sub_zmtp30_subscribe_command() {
    bounded(|| mock_sub_gets_exactly_its_topics(0, Form::Command));
}

/// libzmq test_mock_sub_command / test_mock_sub_legacy: an XPUB hands the application the
/// legacy form whatever form came in, and its data reaches the mock as plain frames.
fn mock_sub_against_xpub(minor: u8, form: Form) {
    let ctx = Context::new();
    let (xpub, ep) = bound(&ctx, XPUB);
    let mut mock = Mock::connect(&ep);
    let (_, ty) = mock.handshake(minor, "SUB");
    assert_eq!(ty, b"XPUB");
    mock.send(&subscription(form, true, b"A"));
    assert_eq!(xpub.recv_bytes(0).unwrap(), b"\x01A");
    let long = payload(300, 4);
    mock.send(&subscription(form, true, &long));
    assert_eq!(xpub.recv_bytes(0).unwrap(), [&[1u8][..], &long].concat());
    xpub.send("ALOL", 0).unwrap();
    assert_eq!(mock.read_exact(6, "ALOL"), b"\x00\x04ALOL");
    xpub.send_multipart([&long[..], b"!"], 0).unwrap();
    let mut want = vec![0x03];
    want.extend_from_slice(&300u64.to_be_bytes());
    want.extend_from_slice(&long);
    want.extend_from_slice(b"\x00\x01!");
    assert_eq!(
        mock.read_exact(want.len(), "LONG first frame with MORE"),
        want
    );
    mock.send(&subscription(form, false, b"A"));
    assert_eq!(xpub.recv_bytes(0).unwrap(), b"\x00A");
    mock.send(&subscription(form, false, &long));
    assert_eq!(xpub.recv_bytes(0).unwrap(), [&[0u8][..], &long].concat());
    assert_eq!(xpub.recv_bytes(DONTWAIT), Err(Error::EAGAIN));
}

#[test]
fn mock_sub_zmtp31_command_against_xpub() {
    bounded(|| mock_sub_against_xpub(1, Form::Command));
}

#[test]
fn mock_sub_zmtp30_message_against_xpub() {
    bounded(|| mock_sub_against_xpub(0, Form::Legacy));
}

#[test]
fn mock_sub_zmtp31_message_against_xpub() {
    bounded(|| mock_sub_against_xpub(1, Form::Legacy));
}

#[test]
fn mock_sub_zmtp30_command_against_xpub() {
    bounded(|| mock_sub_against_xpub(0, Form::Command));
}

// ---------------------------------------------------------------------------------------------
// (b) A mock PUB against a ferrozmq SUB / XSUB: the bytes ferrozmq sends.

/// What a SUB sends for `topic` to a peer that greeted as 3.`minor`.
fn expected(minor: u8, subscribe: bool, topic: &[u8]) -> Vec<u8> {
    let form = if minor >= 1 {
        Form::Command
    } else {
        Form::Legacy
    };
    subscription(form, subscribe, topic)
}

/// Reads exactly `want` from the mock, letting `sub` run meanwhile (a bound socket takes its
/// new peer in when its application calls into it, as in libzmq).
fn expect_bytes(mock: &mut Mock, sub: &Socket, want: &[u8], what: &str) {
    mock.await_data(|| {
        let _ = sub.recv_bytes(DONTWAIT);
    });
    assert_eq!(mock.read_exact(want.len(), what), want, "{what}");
}

fn mock_pub_sees_subscriptions(minor: u8, mock_type: &str, sub_type: ferrozmq::SocketType) {
    let ctx = Context::new();
    let (sub, ep) = bound(&ctx, sub_type);
    let xsub = sub_type == XSUB;
    let subscribe = |topic: &[u8], on: bool| {
        if xsub {
            sub.send([&[u8::from(on)][..], topic].concat(), 0).unwrap();
        } else if on {
            sub.set_subscribe(topic).unwrap();
        } else {
            sub.set_unsubscribe(topic).unwrap();
        }
    };
    // Made before any publisher is there: sent right after the handshake.
    subscribe(b"T", true);
    let mut mock = Mock::connect(&ep);
    let (theirs, ty) = mock.handshake(minor, mock_type);
    assert_eq!(&theirs[10..12], &[3, 1]);
    assert_eq!(ty, if xsub { &b"XSUB"[..] } else { b"SUB" });
    expect_bytes(
        &mut mock,
        &sub,
        &expected(minor, true, b"T"),
        "early subscription",
    );

    subscribe(b"A", true);
    let want = expected(minor, true, b"A");
    if minor >= 1 {
        assert_eq!(want, b"\x04\x0b\x09SUBSCRIBEA", "libzmq-facts §5.7");
    } else {
        assert_eq!(want, b"\x00\x02\x01A", "libzmq-facts §5.7");
    }
    expect_bytes(&mut mock, &sub, &want, "subscription to A");

    // The mock publishes; the SUB keeps what matches.
    mock.send(b"\x00\x04ALOL");
    assert_eq!(sub.recv_bytes(0).unwrap(), b"ALOL");
    if !xsub {
        mock.send(&message(&[b"BLOL"]));
    }
    mock.send(&message(&[b"A", b"two"]));
    assert_eq!(
        sub.recv_multipart(0).unwrap(),
        [b"A".to_vec(), b"two".to_vec()]
    );

    let long = [&[0u8][..], &payload(299, 5)].concat();
    subscribe(&long, true);
    let want = expected(minor, true, &long);
    assert_eq!(want[0] & 0x02, 0x02, "a 300-byte topic needs a LONG frame");
    expect_bytes(&mut mock, &sub, &want, "long subscription");

    subscribe(b"A", false);
    let want = expected(minor, false, b"A");
    if minor >= 1 {
        assert_eq!(want, b"\x04\x08\x06CANCELA");
    } else {
        assert_eq!(want, b"\x00\x02\x00A");
    }
    expect_bytes(&mut mock, &sub, &want, "cancellation of A");
    subscribe(&long, false);
    expect_bytes(
        &mut mock,
        &sub,
        &expected(minor, false, &long),
        "long cancellation",
    );

    if xsub {
        // Anything else an XSUB sends goes upstream as it is.
        sub.send(b"\x02hi", 0).unwrap();
        expect_bytes(&mut mock, &sub, b"\x00\x03\x02hi", "upstream message");
        sub.send_multipart([&b"up"[..], b""], 0).unwrap();
        expect_bytes(&mut mock, &sub, b"\x01\x02up\x00\x00", "upstream multipart");
    }
}

#[test]
fn mock_pub_zmtp31_gets_subscribe_commands() {
    bounded(|| mock_pub_sees_subscriptions(1, "PUB", SUB));
}

#[test]
fn mock_pub_zmtp30_gets_subscription_messages() {
    bounded(|| mock_pub_sees_subscriptions(0, "PUB", SUB));
}

/// libzmq's test announces the mock publisher as an XPUB.
#[test]
fn mock_xpub_zmtp31_gets_subscribe_commands() {
    bounded(|| mock_pub_sees_subscriptions(1, "XPUB", SUB));
}

#[test]
fn mock_xpub_zmtp30_gets_subscription_messages() {
    bounded(|| mock_pub_sees_subscriptions(0, "XPUB", SUB));
}

#[test]
fn mock_pub_zmtp31_gets_xsub_subscribe_commands() {
    bounded(|| mock_pub_sees_subscriptions(1, "PUB", XSUB));
}

#[test]
fn mock_pub_zmtp30_gets_xsub_subscription_messages() {
    bounded(|| mock_pub_sees_subscriptions(0, "PUB", XSUB));
}

/// A SUB whose (mock) publisher went away sends all its subscriptions again to the next one
/// on the same endpoint, without the application subscribing again.
#[test]
fn mock_pub_sees_the_subscriptions_again_after_reconnect() {
    bounded(|| {
        let ctx = Context::new();
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let ep = format!("tcp://{}", listener.local_addr().unwrap());
        let sub = ours(&ctx, SUB);
        sub.set_reconnect_ivl(20).unwrap();
        sub.connect(&ep).unwrap();
        sub.set_subscribe(b"A").unwrap();
        sub.set_subscribe(b"B").unwrap();
        let accept = || {
            let (stream, _) = listener.accept().expect("accept");
            stream.set_read_timeout(Some(READ_TIMEOUT)).unwrap();
            stream.set_nodelay(true).unwrap();
            Mock { stream }
        };
        for round in 0..2 {
            let mut mock = accept();
            mock.handshake(1, "PUB");
            let mut got = vec![
                mock.read_frame("replayed subscription").1,
                mock.read_frame("replayed subscription").1,
            ];
            got.sort();
            assert_eq!(
                got,
                [b"\x09SUBSCRIBEA".to_vec(), b"\x09SUBSCRIBEB".to_vec()],
                "round {round}"
            );
            mock.send(&message(&[b"A1"]));
            assert_eq!(sub.recv_bytes(0).unwrap(), b"A1");
            // `mock` drops: the SUB reconnects to the listener.
        }
    });
}

// ---------------------------------------------------------------------------------------------
// (c) Hostile subscribers (issue 23): per-peer limits, and a flood that leaves.

impl Mock {
    /// Waits until ferrozmq closes the connection, calling `nudge` between short waits (the
    /// publisher applies subscriptions when its application calls it). Data is discarded.
    fn await_close(&mut self, mut nudge: impl FnMut()) {
        let deadline = Instant::now() + SYNC_LIMIT;
        self.stream
            .set_read_timeout(Some(Duration::from_millis(20)))
            .unwrap();
        let mut buf = [0u8; 4096];
        loop {
            match self.stream.read(&mut buf) {
                Ok(0) => return,
                Ok(_) => {}
                Err(e) if e.kind() == ErrorKind::ConnectionReset => return,
                Err(e)
                    if matches!(
                        e.kind(),
                        ErrorKind::WouldBlock | ErrorKind::TimedOut | ErrorKind::Interrupted
                    ) => {}
                Err(e) => panic!("raw read: {e}"),
            }
            assert!(
                Instant::now() < deadline,
                "ferrozmq kept the connection open for {SYNC_LIMIT:?}"
            );
            nudge();
        }
    }
}

/// A SUB of ours, subscribed to everything, that has received from `publisher`.
fn legit_subscriber(ctx: &Context, publisher: &Socket, ep: &str) -> Socket {
    let legit = ours(ctx, SUB);
    legit.set_subscribe(b"").unwrap();
    legit.connect(ep).unwrap();
    await_delivery(publisher, &legit, b"hello");
    legit
}

/// Publishes `body` until `legit` receives it (skipping what came before).
fn await_delivery(publisher: &Socket, legit: &Socket, body: &[u8]) {
    let deadline = Instant::now() + SYNC_LIMIT;
    loop {
        publisher.send(body, DONTWAIT).unwrap();
        legit.set_rcvtimeo(10).unwrap();
        while let Ok(got) = legit.recv_bytes(0) {
            if got == body {
                return;
            }
        }
        assert!(
            Instant::now() < deadline,
            "the legit subscriber got nothing"
        );
    }
}

/// XPUB_MAX_SUBSCRIPTIONS 2 or XPUB_MAX_SUBSCRIPTION_BYTES 4: a mock SUB subscribing to `ab`
/// twice, `cd`, then `ef` is dropped at `ef`, with a SUBSCRIPTION_LIMIT event naming the
/// option; an XPUB's application saw its two subscriptions and then their removal; the legit
/// subscriber is served before and after.
fn limit_drops_the_peer(ty: ferrozmq::SocketType, form: Form, by_bytes: bool) {
    let ctx = Context::new();
    let (publisher, ep) = bound(&ctx, ty);
    let option = if by_bytes {
        publisher.set_xpub_max_subscription_bytes(4).unwrap();
        assert_eq!(publisher.get_xpub_max_subscription_bytes(), Ok(4));
        ferrozmq::options::ids::XPUB_MAX_SUBSCRIPTION_BYTES
    } else {
        publisher.set_xpub_max_subscriptions(2).unwrap();
        assert_eq!(publisher.get_xpub_max_subscriptions(), Ok(2));
        ferrozmq::options::ids::XPUB_MAX_SUBSCRIPTIONS
    };
    let monitor_ep = format!("inproc://limit-{ty:?}-{form:?}-{by_bytes}");
    let limit_event = SocketEvent::SUBSCRIPTION_LIMIT;
    publisher
        .monitor(&monitor_ep, i32::from(limit_event.to_raw()))
        .unwrap();
    let events = ctx.socket(ferrozmq::PAIR).unwrap();
    events.set_rcvtimeo(5000).unwrap();
    events.connect(&monitor_ep).unwrap();
    let legit = legit_subscriber(&ctx, &publisher, &ep);
    let mut seen = Vec::new();
    if ty == XPUB {
        seen.push(publisher.recv_bytes(0).unwrap());
    }

    let mut mock = Mock::connect(&ep);
    mock.handshake(1, "SUB");
    for topic in [&b"ab"[..], b"ab", b"cd", b"ef"] {
        mock.send(&subscription(form, true, topic));
    }
    mock.await_close(|| {
        publisher.send(&b"zz"[..], DONTWAIT).unwrap();
        if ty == XPUB {
            while let Ok(m) = publisher.recv_bytes(DONTWAIT) {
                seen.push(m);
            }
        }
    });
    let event = MonitorEvent::recv(&events).unwrap();
    assert_eq!(event.event, limit_event);
    assert_eq!(event.value, option as u32);
    assert!(event.endpoint.contains("127.0.0.1"), "{}", event.endpoint);
    await_delivery(&publisher, &legit, b"after");
    if ty == XPUB {
        publisher.set_rcvtimeo(5000).unwrap();
        while seen.len() < 5 {
            seen.push(publisher.recv_bytes(0).unwrap());
        }
        let want: Vec<&[u8]> = vec![b"\x01", b"\x01ab", b"\x01cd", b"\x00ab", b"\x00cd"];
        assert_eq!(seen, want, "{form:?}");
    }
    assert_eq!(
        publisher.get_topics_count(),
        Ok(1),
        "the legit subscriber's"
    );
}

#[test]
fn subscription_count_limit_drops_a_pub_peer() {
    bounded(|| {
        limit_drops_the_peer(PUB, Form::Command, false);
        limit_drops_the_peer(PUB, Form::Legacy, false);
    });
}

#[test]
fn subscription_bytes_limit_drops_a_pub_peer() {
    bounded(|| {
        limit_drops_the_peer(PUB, Form::Command, true);
        limit_drops_the_peer(PUB, Form::Legacy, true);
    });
}

#[test]
fn subscription_limits_drop_an_xpub_peer() {
    bounded(|| {
        limit_drops_the_peer(XPUB, Form::Command, false);
        limit_drops_the_peer(XPUB, Form::Legacy, true);
    });
}

#[test]
fn subscription_limits_are_off_by_default_and_checked() {
    let ctx = Context::new();
    let publisher = ours(&ctx, PUB);
    assert_eq!(publisher.get_xpub_max_subscriptions(), Ok(-1));
    assert_eq!(publisher.get_xpub_max_subscription_bytes(), Ok(-1));
    assert_eq!(publisher.set_xpub_max_subscriptions(-2), Err(Error::EINVAL));
    assert_eq!(
        publisher.set_xpub_max_subscription_bytes(-2),
        Err(Error::EINVAL)
    );
    let sub = ours(&ctx, SUB);
    assert_eq!(sub.set_xpub_max_subscriptions(10), Err(Error::EINVAL));
}

/// 3,000 distinct 199-byte topics (many turns' worth) from one mock, which then leaves: the
/// publisher holds all of them, then none (the memory returns), and an XPUB reports each
/// subscription and each removal once.
fn flood_then_leave(ty: ferrozmq::SocketType, form: Form) {
    const N: usize = 3_000;
    let ctx = Context::new();
    let (publisher, ep) = bound(&ctx, ty);
    let mut mock = Mock::connect(&ep);
    mock.handshake(1, "SUB");
    let topic = |i: usize| format!("{i:0>199}").into_bytes();
    let flood: Vec<u8> = (0..N)
        .flat_map(|i| subscription(form, true, &topic(i)))
        .collect();
    let mut writer = mock.stream.try_clone().unwrap();
    let sender = std::thread::spawn(move || writer.write_all(&flood).unwrap());
    let deadline = Instant::now() + SYNC_LIMIT;
    let mut reported = std::collections::BTreeSet::new();
    let mut drive = |want_topics: usize, subscribe: u8| {
        publisher.set_rcvtimeo(10).unwrap();
        while publisher.get_topics_count() != Ok(want_topics as i32)
            || (ty == XPUB && reported.len() < N)
        {
            assert!(Instant::now() < deadline, "the publisher fell behind");
            if ty == XPUB {
                if let Ok(m) = publisher.recv_bytes(0) {
                    assert_eq!(m[0], subscribe);
                    assert!(reported.insert(m[1..].to_vec()), "reported once");
                }
            } else {
                publisher.send(&b"-"[..], 0).unwrap();
            }
        }
        reported.clear();
    };
    drive(N, 1);
    sender.join().unwrap();
    drop(mock);
    drive(0, 0);
}

#[test]
fn a_subscription_flood_is_applied_and_removed_in_turns_by_pub() {
    bounded(|| {
        flood_then_leave(PUB, Form::Legacy);
        flood_then_leave(PUB, Form::Command);
    });
}

#[test]
fn a_subscription_flood_is_applied_and_removed_in_turns_by_xpub() {
    bounded(|| {
        flood_then_leave(XPUB, Form::Legacy);
        flood_then_leave(XPUB, Form::Command);
    });
}
