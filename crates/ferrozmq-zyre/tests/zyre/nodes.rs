//! ferrozmq nodes with ferrozmq nodes, in loopback-only namespaces.

use crate::namespace::{in_namespace, loopback};
use ferrozmq::Context;
use ferrozmq_zyre::{Event, Node};
use std::time::{Duration, Instant};

const WAIT: Duration = Duration::from_secs(10);

/// A node on `lo` beaconing every 100 ms.
pub fn node(ctx: &Context, name: &str) -> Node {
    let mut node = Node::new(ctx, Some(name)).unwrap();
    node.set_beacon_options(loopback()).unwrap();
    node.set_interval(Duration::from_millis(100)).unwrap();
    node
}

/// Reads events until one matches, failing after [`WAIT`].
pub fn expect(node: &Node, what: &str, matches: impl Fn(&Event) -> bool) -> Event {
    let deadline = Instant::now() + WAIT;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match node.recv_timeout(left).unwrap() {
            Some(event) if matches(&event) => return event,
            Some(_) => {}
            None => panic!("{} saw no {what} within {WAIT:?}", node.name()),
        }
    }
}

#[test]
fn two_nodes_enter_join_shout_whisper_leave_exit() {
    in_namespace(
        "nodes::two_nodes_enter_join_shout_whisper_leave_exit",
        || {
            let ctx = Context::new();
            let mut alice = node(&ctx, "alice");
            alice.set_header("X-COLOR", "red").unwrap();
            alice.join("CHAT").unwrap();
            let mut bob = node(&ctx, "bob");
            alice.start().unwrap();
            bob.start().unwrap();
            let enter = expect(&bob, "ENTER", |e| matches!(e, Event::Enter { .. }));
            let Event::Enter {
                peer,
                name,
                headers,
                address,
            } = enter
            else {
                unreachable!()
            };
            assert_eq!((peer, name.as_str()), (alice.uuid(), "alice"));
            assert_eq!(headers.get("X-COLOR").map(String::as_str), Some("red"));
            assert_eq!(address, alice.endpoint().unwrap());
            expect(&bob, "JOIN CHAT", |e| e.group() == Some("CHAT"));
            expect(&alice, "ENTER", |e| matches!(e, Event::Enter { .. }));
            assert_eq!(
                bob.peer_header_value(&alice.uuid(), "X-COLOR")
                    .unwrap()
                    .as_deref(),
                Some("red")
            );
            assert_eq!(bob.peers_by_group("CHAT").unwrap(), vec![alice.uuid()]);
            assert_eq!(bob.peer_groups().unwrap(), vec!["CHAT".to_string()]);
            bob.join("CHAT").unwrap();
            expect(&alice, "JOIN", |e| matches!(e, Event::Join { .. }));
            bob.shouts("CHAT", "hello group").unwrap();
            let shout = expect(&alice, "SHOUT", |e| matches!(e, Event::Shout { .. }));
            assert_eq!(&shout.content().unwrap()[0][..], b"hello group");
            alice.whispers(&bob.uuid(), "hello bob").unwrap();
            let whisper = expect(&bob, "WHISPER", |e| matches!(e, Event::Whisper { .. }));
            assert_eq!(whisper.peer(), alice.uuid());
            assert_eq!(&whisper.content().unwrap()[0][..], b"hello bob");
            bob.leave("CHAT").unwrap();
            expect(&alice, "LEAVE", |e| matches!(e, Event::Leave { .. }));
            bob.stop().unwrap();
            expect(&bob, "STOP", |e| matches!(e, Event::Stop { .. }));
            let exit = expect(&alice, "EXIT", |e| matches!(e, Event::Exit { .. }));
            assert_eq!(exit.peer(), bob.uuid());
            assert!(alice.peers().unwrap().is_empty());
        },
    );
}

#[test]
fn events_arrive_on_the_async_stream() {
    in_namespace("nodes::events_arrive_on_the_async_stream", || {
        let ctx = Context::new();
        let mut alice = node(&ctx, "alice");
        let mut bob = node(&ctx, "bob");
        let mut events = alice.events().unwrap();
        assert!(
            alice.recv_timeout(Duration::ZERO).is_err(),
            "blocking receive after events()"
        );
        alice.start().unwrap();
        bob.join("ASYNC").unwrap();
        bob.start().unwrap();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .unwrap();
        let (enter, join) = runtime.block_on(async {
            tokio::time::timeout(WAIT, async {
                (events.recv().await.unwrap(), events.recv().await.unwrap())
            })
            .await
            .expect("no async events within the wait")
        });
        assert_eq!((enter.kind(), enter.name()), ("ENTER", "bob"));
        assert_eq!((join.kind(), join.group()), ("JOIN", Some("ASYNC")));
    });
}
