//! The examples as processes, all inside loopback-only namespaces (dechat's fixed port
//! 9000 is private to its namespace): chat, zre_ping, dechat, and zre_tester running
//! clean (no lost messages, no group-status mismatch, no leaked threads or fds).

use crate::namespace::in_namespace;
use crate::pyre_support::LineChild;
use std::path::PathBuf;
use std::process::Command;

/// An example built by `cargo test` next to this test binary.
fn example(name: &str) -> Command {
    let mut path: PathBuf = std::env::current_exe().unwrap();
    path.pop();
    if path.ends_with("deps") {
        path.pop();
    }
    Command::new(path.join("examples").join(name))
}

#[test]
fn chat_nodes_hear_each_other() {
    in_namespace("examples::chat_nodes_hear_each_other", || {
        let spawn = |name: &str| {
            let mut command = example("chat");
            command.args([name, "lo"]);
            LineChild::spawn(command)
        };
        let mut alice = spawn("alice");
        let bob = spawn("bob");
        assert_eq!(bob.expect("* alice")[0], "* alice entered");
        alice.expect("* bob");
        alice.say("hello bob");
        assert_eq!(bob.expect("alice:")[0], "alice: hello bob");
        alice.interrupt();
        assert_eq!(bob.expect("* alice")[0], "* alice left");
    });
}

#[test]
fn zre_ping_nodes_ping_each_other() {
    in_namespace("examples::zre_ping_nodes_ping_each_other", || {
        let run = || {
            let mut command = example("zre_ping");
            command.arg("lo");
            LineChild::spawn(command)
        };
        let pingers = [run(), run()];
        for pinger in &pingers {
            let line = pinger.expect("I: [")[0].clone();
            assert!(line.ends_with("] ENTER"), "{line}");
            while !pinger.expect("I: [")[0].ends_with("received ping (WHISPER)") {}
        }
        pingers.into_iter().for_each(LineChild::interrupt);
    });
}

#[test]
fn dechat_peers_hear_each_other() {
    in_namespace("examples::dechat_peers_hear_each_other", || {
        let spawn = |address: &str, user: &str| {
            let mut command = example("dechat");
            command.args([address, "lo", user]);
            LineChild::spawn(command)
        };
        let mut joe = spawn("127.0.0.1", "Joe");
        let ann = spawn("127.0.0.2", "Ann");
        // Subscriptions settle in the background: say it until Ann hears it.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        let heard = loop {
            joe.say("hi");
            match ann.expect_within("Joe", std::time::Duration::from_millis(200)) {
                Some(line) => break line,
                None if std::time::Instant::now() < deadline => {}
                None => panic!("Ann never heard Joe"),
            }
        };
        assert_eq!(heard[0], "Joe: hi");
    });
}

#[test]
fn zre_tester_runs_clean() {
    in_namespace("examples::zre_tester_runs_clean", || {
        let out = example("zre_tester")
            .args(["20", "8", "lo", "100"])
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{stdout}\n{stderr}");
        assert!(stdout.contains("I: leaks: none"), "{stdout}");
        assert!(!stderr.contains("messages lost"), "{stderr}");
        assert!(!stderr.contains("group status"), "{stderr}");
        println!(
            "{}",
            stdout.lines().rev().take(3).collect::<Vec<_>>().join("\n")
        );
    });
}

/// Reads `logger`'s lines until one satisfies `wanted`, calling `poke` before each wait
/// (records sent before a node's PUB has connected to the collector are dropped, as any
/// PUB drops them, so the node is made to log again), failing after 20 s.
fn logged(logger: &LineChild, mut poke: impl FnMut(), wanted: impl Fn(&str) -> bool) -> String {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        poke();
        if let Some(line) = logger.expect_within("", std::time::Duration::from_millis(200)) {
            let line = line.join("\t");
            if wanted(&line) {
                return line;
            }
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the logger printed no such record"
        );
    }
}

#[test]
fn logger_prints_the_log_records_of_nodes() {
    use ferrozmq_zyre::log::node_id;
    use ferrozmq_zyre::{Event, Node};
    in_namespace("examples::logger_prints_the_log_records_of_nodes", || {
        let mut command = example("logger");
        command.arg("lo");
        let logger = LineChild::spawn(command);
        let ctx = ferrozmq::Context::new();
        let start = |name: &str| {
            let mut node = Node::new(&ctx, Some(name)).unwrap();
            node.set_interface("lo").unwrap();
            node.set_interval(std::time::Duration::from_millis(100))
                .unwrap();
            node.start().unwrap();
            node
        };
        let mut alice = start("alice");
        let enter = crate::nodes::expect(
            &alice,
            "the logger's ENTER",
            |e| matches!(e, Event::Enter { headers, .. } if headers.contains_key("X-ZRELOG")),
        );
        let Event::Enter { headers, .. } = enter else {
            unreachable!()
        };
        assert!(headers["X-ZRELOG"].starts_with("tcp://127.0.0.1:"));
        let alice_id = format!("[{:04X}]", node_id(&alice.endpoint().unwrap()));
        let mut group = 0;
        let line = logged(
            &logger,
            || {
                group += 1;
                alice.join(&format!("LOG{group}")).unwrap();
            },
            |line| line.contains("Join group"),
        );
        let (date, record) = line.split_once("  I: ").expect("the guide's layout");
        assert_eq!(date.len(), 17, "YY-MM-DD HH:MM:SS: {line}");
        assert!(
            record.starts_with(&format!("{alice_id} [0000] - Join group LOG")),
            "{line}"
        );
        let bob = start("bob");
        let bob_endpoint = bob.endpoint().unwrap();
        let about_bob = format!(
            "{alice_id} [{:04X}] - Peer enters {bob_endpoint}",
            node_id(&bob_endpoint)
        );
        logged(&logger, || {}, |line| line.ends_with(&about_bob));
        drop(bob);
        let about_bob = about_bob.replace("Peer enters", "Peer exits");
        logged(&logger, || {}, |line| line.ends_with(&about_bob));
        alice.stop().unwrap();
        logger.interrupt();
    });
}
