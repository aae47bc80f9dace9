//! `ferrozmq zyre` as a process with a pyre node (PyPI `zeromq-pyre`): each sees the
//! other's ENTER (headers included) and JOIN; stdin lines are shouted to pyre and, with
//! `--whisper-to`, whispered; pyre's shout and whisper are printed; the CLI's exit is
//! pyre's EXIT.
//!
//! **Network rule**: this runs inside a network namespace it makes itself, holding only
//! loopback (ferrozmq-zyre's `namespace.rs`, included by path); pyre never runs elsewhere.

#[allow(dead_code)]
#[path = "../../ferrozmq-zyre/tests/zyre/namespace.rs"]
mod namespace;
#[path = "../../ferrozmq-zyre/tests/zyre/pyre_support.rs"]
mod pyre_support;

use pyre_support::{pyre, LineChild};
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_ferrozmq");

/// `ferrozmq zyre` on `lo`, beaconing every 100 ms, with `args`.
fn cli(args: &[&str]) -> LineChild {
    let mut command = Command::new(BIN);
    command
        .arg("zyre")
        .args([
            "--interface",
            "lo",
            "--interval",
            "100",
            "--timeout",
            "30000",
        ])
        .args(args);
    LineChild::spawn(command)
}

#[test]
fn ferrozmq_zyre_and_pyre_shout_and_whisper_both_ways() {
    namespace::in_namespace("ferrozmq_zyre_and_pyre_shout_and_whisper_both_ways", || {
        let mut pyre = pyre("pyrenode", &["X-FROM=pyre"]);
        let pyre_uuid = pyre.expect("READY")[1].to_uppercase();
        pyre.say("JOIN CHAT");
        let mut node = cli(&["--name", "cli", "--join", "CHAT", "--header", "X-FROM=cli"]);
        let enter = node.expect("ENTER");
        assert_eq!(
            (enter[1].as_str(), enter[2].as_str()),
            (pyre_uuid.as_str(), "pyrenode")
        );
        assert!(enter[3].starts_with("tcp://127.0.0.1:"), "{enter:?}");
        assert_eq!(enter[4], "X-FROM=pyre");
        assert_eq!(node.expect("JOIN")[3], "CHAT");
        let enter = pyre.expect("ENTER");
        let cli_uuid = enter[1].clone();
        assert_eq!(
            (enter[2].as_str(), enter[3].as_str()),
            ("cli", r#"{"X-FROM": "cli"}"#)
        );
        pyre.expect("JOIN");

        node.say("hello pyre");
        assert_eq!(pyre.expect("SHOUT")[3..], ["CHAT", "hello pyre"]);
        pyre.say("SHOUT CHAT hello cli");
        assert_eq!(node.expect("SHOUT")[3..], ["CHAT", "hello cli"]);
        pyre.say(&format!("WHISPER {cli_uuid} psst cli"));
        assert_eq!(node.expect("WHISPER")[3..], ["psst cli"]);

        let mut whisperer = cli(&["--name", "whisperer", "--whisper-to", "pyrenode"]);
        whisperer.say("psst pyre");
        let whisper = loop {
            let line = pyre.expect("WHISPER");
            if line[2] == "whisperer" {
                break line;
            }
        };
        assert_eq!(whisper[3], "psst pyre");
        whisperer.interrupt();
        node.interrupt();
        let gone: Vec<String> = (0..2).map(|_| pyre.expect("EXIT")[2].clone()).collect();
        assert!(gone.contains(&"cli".to_string()), "{gone:?}");
        pyre.say("QUIT");
    });
}

/// Reads `node`'s events until one of `kind` comes, failing after 20 s.
fn expect_event(node: &ferrozmq_zyre::Node, kind: &str) -> ferrozmq_zyre::Event {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        match node.recv_timeout(left).unwrap() {
            Some(event) if event.kind() == kind => return event,
            Some(_) => {}
            None => panic!("no {kind} within 20 s"),
        }
    }
}

/// `--gossip-connect` and `--endpoint`, beacons off: the CLI and an in-process node
/// running the gossip hub (TCP on 127.0.0.1 only, ephemeral ports: no namespace needed)
/// see each other enter and exchange a shout and a whisper.
#[test]
fn ferrozmq_zyre_finds_a_node_through_its_gossip_hub() {
    let ctx = ferrozmq::Context::new();
    let mut hub = ferrozmq_zyre::Node::new(&ctx, Some("hub")).unwrap();
    hub.set_endpoint("tcp://127.0.0.1:*").unwrap();
    hub.gossip_bind("tcp://127.0.0.1:*").unwrap();
    hub.join("CHAT").unwrap();
    hub.start().unwrap();
    let hub_endpoint = hub.gossip_endpoint().unwrap().unwrap();
    let mut node = cli(&[
        "--name",
        "cli",
        "--join",
        "CHAT",
        "--endpoint",
        "tcp://127.0.0.1:*",
        "--gossip-connect",
        &hub_endpoint,
    ]);
    let enter = node.expect("ENTER");
    assert_eq!(
        (enter[1].as_str(), enter[2].as_str()),
        (hub.uuid().to_string().as_str(), "hub")
    );
    assert_eq!(enter[3], hub.endpoint().unwrap());
    let cli_enter = expect_event(&hub, "ENTER");
    assert_eq!(cli_enter.name(), "cli");
    expect_event(&hub, "JOIN");
    node.expect("JOIN");
    node.say("hello hub");
    let shout = expect_event(&hub, "SHOUT");
    assert_eq!(&shout.content().unwrap()[0][..], b"hello hub");
    hub.whispers(&cli_enter.peer(), "hello cli").unwrap();
    assert_eq!(node.expect("WHISPER")[3..], ["hello cli"]);
    node.interrupt();
}
