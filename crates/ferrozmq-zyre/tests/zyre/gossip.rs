//! Gossip discovery: nodes with beacons off that find each other only through a gossip
//! hub (TCP on 127.0.0.1, ephemeral ports, no discovery broadcast, so no namespace), and
//! a hub facing hostile gossip clients.

use crate::nodes::expect;
use ferrozmq::{Context, Socket, Uuid, DEALER};
use ferrozmq_zyre::gossip::GossipMessage;
use ferrozmq_zyre::{Event, Node};
use std::collections::BTreeSet;
use std::time::{Duration, Instant};

/// A node that discovers only through gossip (its ROUTER on 127.0.0.1), with short
/// timeouts so a stopped peer's EXIT comes soon.
fn gossiping(ctx: &Context, name: &str) -> Node {
    let mut node = Node::new(ctx, Some(name)).unwrap();
    node.set_endpoint("tcp://127.0.0.1:*").unwrap();
    node.set_evasive_timeout(Duration::from_millis(300))
        .unwrap();
    node.set_silent_timeout(Duration::from_millis(300)).unwrap();
    node.set_expired_timeout(Duration::from_secs(2)).unwrap();
    node
}

/// A started hub node; returns it and the endpoint its hub is bound to.
fn hub(ctx: &Context, max_peers: usize) -> (Node, String) {
    let mut hub = gossiping(ctx, "hub");
    hub.set_max_peers(max_peers).unwrap();
    hub.gossip_bind("tcp://127.0.0.1:*").unwrap();
    hub.start().unwrap();
    let endpoint = hub.gossip_endpoint().unwrap().expect("hub bound");
    (hub, endpoint)
}

/// Waits until `node` has seen each of `wanted` (event kind, peer), in any order.
fn expect_all(node: &Node, mut wanted: BTreeSet<(&'static str, Uuid)>) {
    while !wanted.is_empty() {
        let event = expect(node, "the events awaited", |e| {
            wanted.contains(&(e.kind(), e.peer()))
        });
        wanted.remove(&(event.kind(), event.peer()));
    }
}

/// Waits until `node` has seen ENTER from every one of `peers`.
fn expect_enters(node: &Node, peers: &[&Node]) {
    expect_all(node, peers.iter().map(|p| ("ENTER", p.uuid())).collect());
}

#[test]
fn three_nodes_meet_through_a_gossip_hub_with_beacons_off() {
    let ctx = Context::new();
    let (hub, hub_endpoint) = hub(&ctx, 1024);
    let mut nodes: Vec<Node> = ["alice", "bob", "carol"]
        .iter()
        .map(|name| {
            let mut node = gossiping(&ctx, name);
            node.gossip_connect(&hub_endpoint).unwrap();
            node.set_header("X-NAME", name).unwrap();
            node.join("GLOBAL").unwrap();
            node.start().unwrap();
            node
        })
        .collect();
    for node in &nodes {
        let others = nodes.iter().filter(|n| n.uuid() != node.uuid());
        let mut wanted: BTreeSet<_> = others
            .flat_map(|n| [("ENTER", n.uuid()), ("JOIN", n.uuid())])
            .collect();
        wanted.insert(("ENTER", hub.uuid()));
        expect_all(node, wanted);
    }
    let (alice, bob, carol) = (&nodes[0], &nodes[1], &nodes[2]);
    assert_eq!(
        bob.peer_header_value(&alice.uuid(), "X-NAME").unwrap(),
        Some("alice".to_string())
    );
    assert_eq!(
        bob.peer_address(&alice.uuid()).unwrap(),
        Some(alice.endpoint().unwrap())
    );
    alice.shouts("GLOBAL", "hello all").unwrap();
    for listener in [bob, carol] {
        let shout = expect(listener, "SHOUT", |e| matches!(e, Event::Shout { .. }));
        assert_eq!(
            (shout.peer(), shout.group()),
            (alice.uuid(), Some("GLOBAL"))
        );
        assert_eq!(&shout.content().unwrap()[0][..], b"hello all");
    }
    carol.whispers(&alice.uuid(), "psst").unwrap();
    let whisper = expect(alice, "WHISPER", |e| matches!(e, Event::Whisper { .. }));
    assert_eq!(whisper.peer(), carol.uuid());
    assert_eq!(&whisper.content().unwrap()[0][..], b"psst");
    let carol_uuid = carol.uuid();
    nodes[2].stop().unwrap();
    for node in &nodes[..2] {
        let exit = expect(node, "EXIT", |e| matches!(e, Event::Exit { .. }));
        assert_eq!(exit.peer(), carol_uuid);
    }
}

#[test]
fn a_node_joining_late_is_told_of_everyone_already_there() {
    let ctx = Context::new();
    let (hub, hub_endpoint) = hub(&ctx, 1024);
    let start = |name: &str| {
        let mut node = gossiping(&ctx, name);
        node.gossip_connect(&hub_endpoint).unwrap();
        node.start().unwrap();
        node
    };
    let early = [start("early1"), start("early2")];
    expect_enters(&early[0], &[&early[1], &hub]);
    expect_enters(&early[1], &[&early[0], &hub]);
    let late = start("late");
    expect_enters(&late, &[&early[0], &early[1], &hub]);
    for node in &early {
        expect_enters(node, &[&late]);
    }
    expect_enters(&hub, &[&early[0], &early[1], &late]);
}

/// A raw gossip client on `endpoint` (what a hostile peer would use).
fn client(ctx: &Context, endpoint: &str) -> Socket {
    let socket = ctx.socket(DEALER).unwrap();
    socket.set_rcvtimeo(2000).unwrap();
    socket.set_linger(0).unwrap();
    socket.connect(endpoint).unwrap();
    socket
}

fn send(socket: &Socket, message: &GossipMessage) {
    socket.send(message.encode().unwrap(), 0).unwrap();
}

/// Says HELLO and collects the tuples the hub sends, up to the PONG that answers the
/// PING sent after the HELLO (the hub answers in order).
fn tuples_told(socket: &Socket) -> Vec<(String, String)> {
    send(socket, &GossipMessage::Hello);
    send(socket, &GossipMessage::Ping);
    let mut tuples = Vec::new();
    loop {
        let frame = socket.recv_bytes(0).expect("the hub answers within 2 s");
        match GossipMessage::decode(&frame).unwrap() {
            GossipMessage::Publish { key, value, .. } => tuples.push((key, value)),
            GossipMessage::Pong => return tuples,
            other => panic!("unexpected {other:?}"),
        }
    }
}

#[test]
fn a_publish_flood_stays_within_the_hubs_tuple_table() {
    let ctx = Context::new();
    let (hub, hub_endpoint) = hub(&ctx, 16);
    let flooder = client(&ctx, &hub_endpoint);
    send(&flooder, &GossipMessage::Hello);
    for i in 0..1000u32 {
        let key = Uuid::new().to_czmq_string();
        let value = format!("tcp://127.0.0.1:{}", 1 + i % 1000);
        send(&flooder, &GossipMessage::Publish { key, value, ttl: 0 });
    }
    // Bad input is answered INVALID, and the hub keeps working.
    flooder.send(&b"\xAA\xA0\x02\x01\xFF"[..], 0).unwrap();
    let mut answers = Vec::new();
    while answers.last() != Some(&GossipMessage::Invalid) {
        let frame = flooder.recv_bytes(0).expect("INVALID within 2 s");
        answers.push(GossipMessage::decode(&frame).unwrap());
    }
    // Before it: the hub's own tuple, sent in answer to HELLO, and nothing else.
    assert_eq!(answers.len(), 2, "{answers:?}");
    let observer = client(&ctx, &hub_endpoint);
    let told = tuples_told(&observer);
    assert_eq!(told.len(), 16, "the table holds max_peers tuples");
    assert!(told
        .iter()
        .any(|(key, _)| *key == hub.uuid().to_czmq_string()));
    assert!(hub.peers().unwrap().len() <= 16);
}

#[test]
fn a_tuple_with_a_ttl_is_forgotten_when_it_runs_out() {
    let ctx = Context::new();
    let (_hub, hub_endpoint) = hub(&ctx, 1024);
    let publisher = client(&ctx, &hub_endpoint);
    send(&publisher, &GossipMessage::Hello);
    let (key, value) = ("X-SHORT-LIVED".to_string(), "gone soon".to_string());
    send(
        &publisher,
        &GossipMessage::Publish {
            key: key.clone(),
            value: value.clone(),
            ttl: 1000,
        },
    );
    let observer = client(&ctx, &hub_endpoint);
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut seen = false;
    loop {
        let held = tuples_told(&observer).contains(&(key.clone(), value.clone()));
        seen |= held;
        if seen && !held {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "seen: {seen}; still held after 10 s"
        );
        std::thread::yield_now();
    }
}

#[test]
fn nodes_greet_a_hub_that_restarted_and_meet_through_it() {
    let ctx = Context::new();
    let (mut first, hub_endpoint) = hub(&ctx, 1024);
    let mut early = gossiping(&ctx, "early");
    early.gossip_connect(&hub_endpoint).unwrap();
    early.start().unwrap();
    expect_enters(&early, &[&first]);
    first.stop().unwrap();
    drop(first);
    // A new hub on the same endpoint knows nothing of `early` until it greets again.
    let mut second = gossiping(&ctx, "hub2");
    second.gossip_bind(&hub_endpoint).unwrap();
    // The first hub's listener closes in the background: no event tells when the port is
    // free, so binding is retried (bounded).
    let deadline = Instant::now() + Duration::from_secs(10);
    while let Err(e) = second.start() {
        assert!(
            Instant::now() < deadline,
            "the hub's port stayed taken: {e}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let mut late = gossiping(&ctx, "late");
    late.gossip_connect(&hub_endpoint).unwrap();
    late.start().unwrap();
    expect_enters(&late, &[&early, &second]);
    expect_enters(&early, &[&late, &second]);
}

#[test]
fn the_hubs_client_table_is_bounded_too() {
    let ctx = Context::new();
    let (_hub, hub_endpoint) = hub(&ctx, 4);
    let clients: Vec<Socket> = (0..10).map(|_| client(&ctx, &hub_endpoint)).collect();
    let mut answers = Vec::new();
    for socket in &clients {
        send(socket, &GossipMessage::Hello);
        send(socket, &GossipMessage::Ping);
        // The hub's tuple and PONG for a client it took, INVALID for one it had no room for.
        let mut last = GossipMessage::Hello;
        while !matches!(last, GossipMessage::Pong | GossipMessage::Invalid) {
            let frame = socket.recv_bytes(0).expect("an answer within 2 s");
            last = GossipMessage::decode(&frame).unwrap();
        }
        answers.push(last);
    }
    let taken = answers
        .iter()
        .filter(|a| **a == GossipMessage::Pong)
        .count();
    assert_eq!(taken, 4, "{answers:?}");
}
