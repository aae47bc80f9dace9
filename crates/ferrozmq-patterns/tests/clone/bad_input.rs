//! Hostile peers: malformed updates on the collector and malformed snapshot requests are
//! dropped with a log line, and the server keeps serving.

use crate::support::{client, pump, server_with};
use ferrozmq::{Message, Multipart, DEALER, PUB, PUSH, ROUTER, SUB};
use ferrozmq_patterns::clone::client::{ClientConfig, Updates};
use ferrozmq_patterns::clone::protocol::{addressed, kthxbai, Endpoints, Form};
use ferrozmq_patterns::clone::server::{Collector, Event, ServerConfig};
use ferrozmq_patterns::kvmsg::KvMsg;
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[test]
fn malformed_updates_and_requests_are_dropped_and_the_server_keeps_serving() {
    let (ctx, mut server, endpoints) = server_with(ServerConfig {
        collector: Collector::Pull,
        ttl_check: Duration::from_millis(20),
        ..ServerConfig::default()
    });
    let events = Arc::new(Mutex::new(Vec::new()));
    let log = events.clone();
    server.set_logger(move |e| log.lock().unwrap().push(e.clone()));

    let push = ctx.socket(PUSH).unwrap();
    push.connect(&endpoints.collector).unwrap();
    let seq = 7u64.to_be_bytes();
    let bad_updates: Vec<Vec<&[u8]>> = vec![
        vec![b"only", b"three", b"frames"],
        vec![b"k", b"1234", b"", b"", b"short sequence"],
        vec![b"k", &seq, b"bad-uuid", b"", b"v"],
        vec![b"k", &seq, b"", b"no-equals\n", b"v"],
        vec![b"\xff\xfe", &seq, b"", b"", b"not utf-8"],
        vec![b"k", &seq, b"", b"", b"v", b"sixth"],
    ];
    for frames in &bad_updates {
        let mut message: Multipart = frames.iter().map(|f| Message::from(*f)).collect();
        message.send(&push).unwrap();
    }
    let dealer = ctx.socket(DEALER).unwrap();
    dealer.connect(&endpoints.snapshot).unwrap();
    for request in [&["HELLO"][..], &["ICANHAZ?", "/a/", "extra"], &[]] {
        let mut message: Multipart = request.iter().map(|f| Message::from(*f)).collect();
        if message.is_empty() {
            message.append("");
        }
        message.send(&dealer).unwrap();
    }
    pump(
        &mut [&mut server],
        "every bad message to be dropped",
        |_| events.lock().unwrap().len() == bad_updates.len() + 3,
    );
    assert!(events
        .lock()
        .unwrap()
        .iter()
        .all(|e| matches!(e, Event::Dropped(_))));
    assert_eq!(server.state().sequence(), 0);

    // A well-behaved client is still served: its update is published and it syncs.
    let good = crate::support::client_with(
        &ctx,
        &endpoints,
        ClientConfig {
            updates: Updates::Push,
            ..ClientConfig::default()
        },
    );
    good.set("good", "yes", 0).unwrap();
    let late = client(&ctx, "", &[]);
    pump(&mut [&mut server], "the good update", |s| {
        s[0].state().sequence() == 1
    });
    late.connect_endpoints(&endpoints).unwrap();
    pump(&mut [&mut server], "a snapshot after the garbage", |_| {
        late.get("good").unwrap().is_some()
    });
}

#[test]
fn a_garbage_snapshot_does_not_hurt_a_client() {
    let ctx = ferrozmq::Context::new();
    let router = ctx.socket(ROUTER).unwrap();
    router.set_rcvtimeo(10_000).unwrap();
    router.bind("tcp://127.0.0.1:*").unwrap();
    let publisher = ctx.socket(PUB).unwrap();
    publisher.bind("tcp://127.0.0.1:*").unwrap();
    let collector = ctx.socket(SUB).unwrap();
    collector.bind("tcp://127.0.0.1:*").unwrap();
    let last = |s: &ferrozmq::Socket| s.get_last_endpoint().unwrap().unwrap();
    let endpoints = Endpoints {
        snapshot: last(&router),
        publisher: last(&publisher),
        collector: last(&collector),
    };
    let victim = client(&ctx, "", &[&endpoints]);
    let mut request = Multipart::recv(&router).expect("the client's ICANHAZ?");
    let identity = request.pop().unwrap();
    let seq = 9u64.to_be_bytes();
    let garbage: Vec<Vec<&[u8]>> = vec![
        vec![b"two", b"frames"],
        vec![b"k", b"short", b"", b"", b"v"],
        vec![b"k", &seq, b"", b"=\n\xff", b"v"],
    ];
    for frames in &garbage {
        let mut reply: Multipart = std::iter::once(identity.clone())
            .chain(frames.iter().map(|f| Message::from(*f)))
            .collect();
        reply.send(&router).unwrap();
    }
    for entry in [KvMsg::new(0, "a", "1"), kthxbai(9, "")] {
        addressed(&identity, Form::Full.encode(&entry))
            .send(&router)
            .unwrap();
    }
    let deadline = std::time::Instant::now() + crate::support::TIMEOUT;
    while victim.values().unwrap() != crate::support::map_of(&[("a", "1")]) {
        assert!(
            std::time::Instant::now() < deadline,
            "the client never synced"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}
