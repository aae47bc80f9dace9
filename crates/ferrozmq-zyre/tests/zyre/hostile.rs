//! Peers written by hand from RFC 36 over TCP alone (no beacons, so no namespace is
//! needed): a HELLO flood from fake UUIDs stays within the peer table's bound, malformed
//! messages are dropped while the node serves on, a sequence gap drops the peer, a peer
//! restarting with the same UUID is re-entered, and a quiet peer is pinged, reported
//! EVASIVE and expired.

use crate::nodes::expect;
use ferrozmq::{Context, Message, Socket, Uuid, DEALER, ROUTER};
use ferrozmq_zyre::message::{Body, Hello, ZreMessage};
use ferrozmq_zyre::{Event, Node};
use std::time::Duration;

/// A node that does not beacon (peers come by HELLO only).
fn quiet_node(ctx: &Context, configure: impl FnOnce(&mut Node)) -> Node {
    let mut node = Node::new(ctx, Some("target")).unwrap();
    node.set_port(0).unwrap();
    configure(&mut node);
    node.start().unwrap();
    node
}

/// A hand-made ZRE peer: a DEALER to the node, a ROUTER the node connects back to.
struct FakePeer {
    uuid: Uuid,
    dealer: Socket,
    inbox: Socket,
    endpoint: String,
    sequence: u16,
}

impl FakePeer {
    fn new(ctx: &Context, uuid: Uuid, node_endpoint: &str) -> FakePeer {
        let inbox = ctx.socket(ROUTER).unwrap();
        inbox.set_linger(0).unwrap();
        inbox.bind("tcp://127.0.0.1:*").unwrap();
        let endpoint = inbox.get_last_endpoint().unwrap().unwrap();
        let dealer = ctx.socket(DEALER).unwrap();
        let mut id = vec![1];
        id.extend_from_slice(uuid.as_bytes());
        dealer.set_identity(&id).unwrap();
        dealer.set_linger(0).unwrap();
        dealer.connect(node_endpoint).unwrap();
        FakePeer {
            uuid,
            dealer,
            inbox,
            endpoint,
            sequence: 0,
        }
    }

    fn send(&mut self, body: Body) {
        self.sequence = self.sequence.wrapping_add(1);
        self.send_as(self.sequence, body);
    }

    fn send_as(&self, sequence: u16, body: Body) {
        let frames = ZreMessage { sequence, body }.encode().unwrap();
        self.dealer.send_multipart(frames, 0).unwrap();
    }

    fn hello(&mut self, name: &str) {
        let body = Body::Hello(Hello {
            endpoint: self.endpoint.clone(),
            name: name.into(),
            ..Hello::default()
        });
        self.send(body);
    }

    /// The next ZRE command the node sends us.
    fn recv(&self) -> &'static str {
        assert!(
            self.inbox.poll(ferrozmq::POLLIN, 10_000).unwrap() > 0,
            "node sent nothing"
        );
        let frames: Vec<Message> = self
            .inbox
            .recv_multipart(0)
            .unwrap()
            .into_iter()
            .map(Message::from)
            .collect();
        ZreMessage::decode(&frames[1..]).unwrap().body.command()
    }
}

#[test]
fn a_hello_flood_from_fake_uuids_stays_within_the_peer_table() {
    let ctx = Context::new();
    let node = quiet_node(&ctx, |n| n.set_max_peers(5).unwrap());
    let endpoint = node.endpoint().unwrap();
    let mut fakes: Vec<FakePeer> = (0..20)
        .map(|_| FakePeer::new(&ctx, Uuid::new(), &endpoint))
        .collect();
    for (i, fake) in fakes.iter_mut().enumerate() {
        fake.hello(&format!("fake{i}"));
    }
    for _ in 0..5 {
        expect(&node, "ENTER", |e| matches!(e, Event::Enter { .. }));
    }
    // The other fifteen get no ENTER, and the table holds five.
    assert!(node
        .recv_timeout(Duration::from_millis(300))
        .unwrap()
        .is_none());
    assert_eq!(node.peers().unwrap().len(), 5);
}

#[test]
fn malformed_messages_are_dropped_and_the_node_serves_on() {
    let ctx = Context::new();
    let node = quiet_node(&ctx, |_| {});
    let endpoint = node.endpoint().unwrap();
    let mut fake = FakePeer::new(&ctx, Uuid::new(), &endpoint);
    for junk in [
        &b"\xAA\xA0\x06\x02\x00\x01"[..],
        b"\xAA\xA1\x06\x09\x00\x01",
        b"\xAA\xA1\x01\x02\x00\x01\x40tcp",
        b"\xAA\xA1\x01\x02\x00\x01\x00\xff\xff\xff\xff",
        b"",
    ] {
        fake.dealer.send(junk, 0).unwrap();
    }
    let mut huge_headers =
        b"\xAA\xA1\x01\x02\x00\x01\x00\x00\x00\x00\x00\x00\x01n\x00\x10\x00\x00".to_vec();
    huge_headers.extend(std::iter::repeat_n(0u8, 1 << 16));
    fake.dealer.send(huge_headers, 0).unwrap();
    let anonymous = ctx.socket(DEALER).unwrap();
    anonymous.set_linger(0).unwrap();
    anonymous.connect(&endpoint).unwrap();
    anonymous
        .send_multipart(
            ZreMessage {
                sequence: 1,
                body: Body::Ping,
            }
            .encode()
            .unwrap(),
            0,
        )
        .unwrap();
    fake.hello("after-junk");
    let enter = expect(&node, "ENTER", |e| matches!(e, Event::Enter { .. }));
    assert_eq!(enter.name(), "after-junk");
    assert_eq!(node.peers().unwrap(), vec![fake.uuid]);
}

#[test]
fn a_sequence_gap_drops_the_peer() {
    let ctx = Context::new();
    let node = quiet_node(&ctx, |_| {});
    let mut fake = FakePeer::new(&ctx, Uuid::new(), &node.endpoint().unwrap());
    fake.hello("gappy");
    expect(&node, "ENTER", |e| matches!(e, Event::Enter { .. }));
    fake.send_as(
        3,
        Body::Join {
            group: "G".into(),
            status: 1,
        },
    );
    let exit = expect(&node, "EXIT", |e| {
        matches!(e, Event::Exit { .. } | Event::Join { .. })
    });
    assert!(
        matches!(exit, Event::Exit { .. }),
        "a JOIN after a gap was taken: {exit:?}"
    );
    assert!(node.peers().unwrap().is_empty());
}

#[test]
fn a_peer_restarting_with_the_same_uuid_exits_and_enters_again() {
    let ctx = Context::new();
    let node = quiet_node(&ctx, |_| {});
    let uuid = Uuid::new();
    let mut first = FakePeer::new(&ctx, uuid, &node.endpoint().unwrap());
    first.hello("phoenix");
    expect(&node, "ENTER", |e| matches!(e, Event::Enter { .. }));
    assert_eq!(first.recv(), "HELLO");
    drop(first);
    let mut second = FakePeer::new(&ctx, uuid, &node.endpoint().unwrap());
    second.hello("phoenix");
    expect(&node, "EXIT", |e| matches!(e, Event::Exit { .. }));
    let enter = expect(&node, "ENTER", |e| matches!(e, Event::Enter { .. }));
    assert_eq!(enter.peer(), uuid);
    assert_eq!(second.recv(), "HELLO");
}

#[test]
fn a_quiet_peer_is_pinged_reported_evasive_and_expired() {
    let ctx = Context::new();
    let node = quiet_node(&ctx, |n| {
        n.set_evasive_timeout(Duration::from_millis(300)).unwrap();
        n.set_expired_timeout(Duration::from_millis(1500)).unwrap();
    });
    let mut fake = FakePeer::new(&ctx, Uuid::new(), &node.endpoint().unwrap());
    fake.hello("sleepy");
    expect(&node, "ENTER", |e| matches!(e, Event::Enter { .. }));
    assert_eq!(fake.recv(), "HELLO");
    let evasive = expect(&node, "EVASIVE", |e| !matches!(e, Event::Enter { .. }));
    assert!(matches!(evasive, Event::Evasive { .. }), "{evasive:?}");
    assert_eq!(fake.recv(), "PING");
    fake.send(Body::PingOk);
    let next = expect(&node, "EVASIVE again", |_| true);
    assert!(matches!(next, Event::Evasive { .. }), "{next:?}");
    assert_eq!(fake.recv(), "PING");
    let exit = expect(&node, "EXIT", |_| true);
    assert!(matches!(exit, Event::Exit { .. }), "{exit:?}");
}
