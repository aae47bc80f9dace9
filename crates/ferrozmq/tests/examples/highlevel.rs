//! Smoke tests of the guide's examples built on the high-level layer and of the chapter 1
//! basics they lean on: hwserver/hwclient, version, msgqueue, eagain, lbbroker2 (message
//! helpers), lbbroker3 (reactor and actors), peering1, peering2 and peering3 (cluster state and
//! task flow), udpping1, udpping2 and udpping3 (UDP broadcast discovery). Each runs the built
//! example binaries as processes, bounded in time, and checks the lines they print.

use crate::harness::*;

#[test]
fn hwclient_talks_to_hwserver() {
    let [port] = free_ports();
    let server = Proc::start("hwserver", &[&tcp(port), "--count", "2"]);
    let client = Proc::start("hwclient", &[&tcp(port), "--count", "2"]).finish_ok();
    assert_eq!(
        client.lines(),
        [
            "Connecting to hello world server...",
            "Sending Hello 0...",
            "Received World 0",
            "Sending Hello 1...",
            "Received World 1",
        ]
    );
    assert_eq!(server.finish_ok().lines(), ["Received Hello"; 2]);
}

#[test]
fn version_prints_the_libzmq_version() {
    let done = Proc::start("version", &[]).finish_ok();
    assert_eq!(done.lines(), ["Current 0MQ version is 4.3.4"]);
}

#[test]
fn msgqueue_joins_rrclient_and_rrworker() {
    let [front, back] = free_ports();
    let queue = Proc::start("msgqueue", &[&tcp(front), &tcp(back)]);
    let worker = Proc::start("rrworker", &[&tcp(back)]);
    let client = Proc::start("rrclient", &[&tcp(front), "--count", "3"]).finish_ok();
    assert_eq!(
        client.lines(),
        [
            "Received reply 0 [World]",
            "Received reply 1 [World]",
            "Received reply 2 [World]"
        ]
    );
    assert_eq!(worker.kill().count("Received request: [Hello]"), 3);
    queue.kill();
}

#[test]
fn eagain_fills_four_slots_then_fails() {
    let [port] = free_ports(); // nobody listens there
    let done = Proc::start("eagain", &[&tcp(port)]).finish_ok();
    let mut expected: Vec<String> = (0..5).map(|n| format!("Sending message {n}")).collect();
    expected.push("Resource temporarily unavailable".into());
    assert_eq!(done.lines(), expected);
}

#[test]
fn lbbroker2_serves_every_client() {
    let dir = TempDir::new("lbbroker2");
    let done = Proc::start_in("lbbroker2", &["--count", "5"], Some(&dir.0)).finish_ok();
    assert_eq!(done.count("Client: OK"), 5, "{}", done.stdout);
    assert_eq!(done.count("Worker: [005] HELLO"), 5, "{}", done.stdout);
}

#[test]
fn lbbroker3_reactor_forwards_replies_until_its_count() {
    let dir = TempDir::new("lbbroker3");
    let done = Proc::start_in("lbbroker3", &["--count", "12"], Some(&dir.0)).finish_ok();
    // Every reply went through a worker; clients print the replies that arrived before the
    // actors were told to stop.
    assert!(done.count("Worker: [005] HELLO") >= 12, "{}", done.stdout);
    let clients = done.count("Client: OK");
    assert!((1..=12).contains(&clients), "{}", done.stdout);
    assert!(
        done.lines()
            .iter()
            .all(|l| *l == "Client: OK" || *l == "Worker: [005] HELLO"),
        "{}",
        done.stdout
    );
}

#[test]
fn peering1_brokers_see_each_others_state() {
    // Both run until each has printed two states (one that exited first would leave the
    // other with no one to hear), then are stopped.
    let dir = TempDir::new("peering1");
    let dc1 = Proc::start_in("peering1", &["DC1", "DC2"], Some(&dir.0));
    let dc2 = Proc::start_in("peering1", &["DC2", "DC1"], Some(&dir.0));
    let states = |out: &str| out.lines().skip(2).count();
    while states(&dc1.stdout()) < 2 || states(&dc2.stdout()) < 2 {
        assert!(
            !dc1.timed_out(),
            "too slow:\n{}\n{}",
            dc1.stdout(),
            dc2.stdout()
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    for (done, peer) in [(dc1.kill(), "DC2"), (dc2.kill(), "DC1")] {
        let lines = done.lines();
        assert_eq!(
            lines[1],
            format!("I: connecting to state backend at '{peer}'")
        );
        for state in &lines[2..] {
            let free = state
                .strip_prefix(&format!("{peer} - "))
                .and_then(|s| s.strip_suffix(" workers free"))
                .unwrap_or_else(|| panic!("bad state line {state:?}"));
            assert!(free.parse::<u32>().is_ok_and(|n| n < 10), "{state:?}");
        }
        assert!(lines.len() >= 4, "{}", done.stdout);
    }
}

#[test]
fn peering2_brokers_share_their_clients_tasks() {
    // Both brokers wait for Enter (the guide's "all brokers are started") before starting
    // their clients and workers; they run until each has printed 5 answers and 3 requests,
    // then are stopped.
    const PROMPT: &str = "Press Enter when all brokers are started: ";
    let dir = TempDir::new("peering2");
    let mut dc1 = Proc::start_in("peering2", &["DC1", "DC2"], Some(&dir.0));
    let mut dc2 = Proc::start_in("peering2", &["DC2", "DC1"], Some(&dir.0));
    let wait_for = |procs: [&Proc; 2], done: &dyn Fn(&str) -> bool| {
        while !procs.iter().all(|p| done(&p.stdout())) {
            assert!(
                !procs[0].timed_out(),
                "too slow:\n{}\n{}",
                procs[0].stdout(),
                procs[1].stdout()
            );
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
    };
    wait_for([&dc1, &dc2], &|out| out.contains(PROMPT));
    dc1.type_line("");
    dc2.type_line("");
    let busy = |out: &str| {
        out.matches("Client: OK\n").count() >= 5
            && out.matches("Worker: [005] HELLO\n").count() >= 3
    };
    wait_for([&dc1, &dc2], &busy);
    for (done, me, peer) in [(dc1.kill(), "DC1", "DC2"), (dc2.kill(), "DC2", "DC1")] {
        let header = format!(
            "I: preparing broker at {me}...\nI: connecting to cloud frontend at '{peer}'\n{PROMPT}"
        );
        let traffic = done
            .stdout
            .strip_prefix(&header)
            .unwrap_or_else(|| done.fail("not the guide's first lines"));
        for line in traffic.lines() {
            assert!(
                ["Client: OK", "Worker: [005] HELLO"].contains(&line),
                "bad line {line:?} in\n{}",
                done.stdout
            );
        }
    }
}

#[test]
fn peering3_cluster_prints_its_task_traffic() {
    // Both brokers run until each has printed 10 completed tasks (a broker that exited
    // early would strand the tasks routed to it), then are stopped.
    let dir = TempDir::new("peering3");
    let dc1 = Proc::start_in("peering3", &["DC1", "DC2"], Some(&dir.0));
    let dc2 = Proc::start_in("peering3", &["DC2", "DC1"], Some(&dir.0));
    let tasks = |out: &str| out.lines().skip(3).count();
    while tasks(&dc1.stdout()) < 10 || tasks(&dc2.stdout()) < 10 {
        assert!(
            !dc1.timed_out(),
            "too slow:\n{}\n{}",
            dc1.stdout(),
            dc2.stdout()
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    for (done, me, peer) in [(dc1.kill(), "DC1", "DC2"), (dc2.kill(), "DC2", "DC1")] {
        let lines = done.lines();
        assert_eq!(
            lines[..3],
            [
                format!("I: preparing broker at {me}..."),
                format!("I: connecting to cloud frontend at '{peer}'"),
                format!("I: connecting to state backend at '{peer}'"),
            ]
        );
        // Each monitor line is a completed task's id (four hex digits): none was lost.
        for task in &lines[3..] {
            assert!(
                task.len() == 4 && task.bytes().all(|b| b.is_ascii_hexdigit()),
                "{task:?} in\n{}",
                done.stdout
            );
        }
    }
}

#[test]
fn udpping1_finds_itself_by_broadcast() {
    // The network rule: udpping1 broadcasts, so it runs only in a network namespace of its
    // own holding loopback alone, where its ping to 255.255.255.255 comes back to itself.
    let pinger = Proc::start_in_namespace("udpping1", &[]);
    while !pinger.stdout().contains("Found peer") {
        assert!(!pinger.timed_out(), "no peer found:\n{}", pinger.stdout());
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let done = pinger.kill();
    let lines = done.lines();
    assert_eq!(
        lines[..2],
        ["Pinging peers...", "Found peer 127.0.0.1:9999"]
    );
}

#[test]
fn udpping2_instances_share_the_ping_port() {
    // The network rule: both run only in a loopback-only network namespace of their own.
    // udpping2 binds port 9999 with SO_REUSEADDR, so a second instance beside the first
    // starts and keeps pinging instead of failing with "Address already in use".
    let first = Proc::start_in_namespace("udpping2", &[]);
    first.wait_for_output("Pinging peers...");
    let second = Proc::start_in_namespace_of(&first, "udpping2", &[]);
    second.wait_for_output("Pinging peers...\nPinging peers...\n");
    first.wait_for_output("Pinging peers...\nPinging peers...\nPinging peers...\n");
    for done in [second.kill(), first.kill()] {
        if !done.stderr.is_empty() || done.lines().iter().any(|l| *l != "Pinging peers...") {
            done.fail("printed something besides its pings");
        }
    }
}

/// The two lines `zmsg_dump` prints for an interface event: the event and a node's UUID.
fn interface_event(out: &str, event: &str) -> Vec<String> {
    let prefix = format!("[{:03}] {event}\n[032] ", event.len());
    out.match_indices(&prefix)
        .map(|(at, _)| {
            out[at + prefix.len()..]
                .lines()
                .next()
                .unwrap_or("")
                .to_string()
        })
        .collect()
}

#[test]
fn udpping3_nodes_join_and_leave() {
    // The network rule: both nodes run only in a loopback-only network namespace of their
    // own, where each hears the other's beacon.
    let first = Proc::start_in_namespace("udpping3", &[]);
    let second = Proc::start_in_namespace_of(&first, "udpping3", &[]);
    first.wait_for_output("[006] JOINED\n[032] ");
    second.wait_for_output("[006] JOINED\n[032] ");
    let second = second.kill();
    // The first reports the second gone after five silent seconds.
    first.wait_for_output("[004] LEFT\n[032] ");
    let first = first.kill();
    let joined = interface_event(&first.stdout, "JOINED");
    let left = interface_event(&first.stdout, "LEFT");
    let heard_by_second = interface_event(&second.stdout, "JOINED");
    assert_eq!(joined.len(), 1, "{}", first.stdout);
    assert_eq!(left, joined, "the node that left is the one that joined");
    assert_eq!(heard_by_second.len(), 1, "{}", second.stdout);
    assert_ne!(
        joined[0], heard_by_second[0],
        "a node reports the other, not itself"
    );
    for uuid in [&joined[0], &heard_by_second[0]] {
        assert!(
            uuid.len() == 32
                && uuid
                    .chars()
                    .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_lowercase()),
            "not a CZMQ UUID string: {uuid}"
        );
    }
    assert!(first
        .stdout
        .starts_with(&format!("{}\n[006] JOINED", "-".repeat(40))));
}
