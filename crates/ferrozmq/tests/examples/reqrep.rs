//! Smoke tests of the request-reply examples of zguide chapters 3 and 4 (`examples/`):
//! rrclient/rrworker/rrbroker, identity, rtreq, rtdealer, lbbroker and asyncsrv (the Pirate
//! examples live in crates/ferrozmq-patterns).
//!
//! Each test runs the built example binaries as child processes, with small round counts and
//! free ports, bounded in time (a child still running after [`TIMEOUT`] is killed and the test
//! fails), and checks their exit status and the lines they print. The binaries are those next
//! to this test's executable (`target/<profile>/examples/<name>`); as `cargo test --test
//! examples` does not build examples, the tests first run `cargo build --examples`.

use crate::harness::*;
use std::time::{Duration, Instant};

#[test]
fn rrclient_rrworker_rrbroker() {
    let [frontend, backend] = free_ports();
    let broker = Proc::start(
        "rrbroker",
        &[&tcp(frontend), &tcp(backend), "--count", "10"],
    );
    // The worker runs until the test stops it: see `rrworker_exits_after_its_last_reply` for
    // why it is not given `--count`.
    let worker = Proc::start("rrworker", &[&tcp(backend)]);
    let client = Proc::start("rrclient", &[&tcp(frontend)]);

    let client = client.finish_ok();
    let expected: Vec<String> = (0..10)
        .map(|i| format!("Received reply {i} [World]"))
        .collect();
    assert_eq!(client.lines(), expected, "rrclient output");
    broker.finish_ok();
    let worker = worker.kill();
    assert_eq!(
        worker.count("Received request: [Hello]"),
        10,
        "{}",
        worker.stdout
    );
    assert_eq!(worker.lines().len(), 10, "{}", worker.stdout);
}

/// The worker exits right after sending its last reply. That reply must still reach the
/// client (LINGER is infinite), but ferrozmq loses it now and then: a DEALER that is polled
/// (here rrbroker's backend) drops a peer's unread messages as soon as the peer disconnects,
/// because `get_events` asks the load balancer for POLLOUT, and `LoadBalancer::select` marks
/// any pipe whose other end closed as dead, unread input and all.
#[test]
fn rrworker_exits_after_its_last_reply() {
    for _ in 0..5 {
        let [frontend, backend] = free_ports();
        let broker = Proc::start("rrbroker", &[&tcp(frontend), &tcp(backend), "--count", "2"]);
        let worker = Proc::start("rrworker", &[&tcp(backend), "--count", "2"]);
        let client = Proc::start("rrclient", &[&tcp(frontend), "--count", "2"]);
        let client = client.finish_ok();
        assert_eq!(
            client.count("Received reply 1 [World]"),
            1,
            "{}",
            client.stdout
        );
        worker.finish_ok();
        broker.finish_ok();
    }
}

#[test]
fn identity_shows_generated_and_chosen_identities() {
    let done = Proc::start("identity", &[]).finish_ok();
    let lines = done.lines();
    let rule = "-".repeat(40);
    assert_eq!(lines.len(), 8, "{}", done.stdout);
    assert_eq!(lines[0], rule);
    // A generated identity: 5 bytes, a zero byte then a 32-bit number, shown in hex.
    let generated = lines[1]
        .strip_prefix("[005] 00")
        .unwrap_or_else(|| panic!("not a generated identity: {:?}", lines[1]));
    assert!(
        generated.len() == 8 && generated.bytes().all(|b| b.is_ascii_hexdigit()),
        "not a generated identity: {:?}",
        lines[1]
    );
    assert_eq!(lines[2], "[000]");
    assert_eq!(lines[3], "[039] ROUTER uses a generated 5 byte identity");
    assert_eq!(lines[4], rule);
    assert_eq!(lines[5], "[005] PEER2");
    assert_eq!(lines[6], "[000]");
    assert_eq!(lines[7], "[033] ROUTER uses REQ's socket identity");
}

/// rtreq and rtdealer: ten workers each print "Completed: N tasks"; the Ns add up to the
/// tasks the broker handed out.
fn check_router_to_workers(example: &str) {
    let done = Proc::start(example, &["tcp://127.0.0.1:*", "--count", "30"]).finish_ok();
    let lines = done.lines();
    assert_eq!(lines.len(), 10, "one line per worker:\n{}", done.stdout);
    let total: u32 = lines
        .iter()
        .map(|line| {
            line.strip_prefix("Completed: ")
                .and_then(|l| l.strip_suffix(" tasks"))
                .and_then(|n| n.parse::<u32>().ok())
                .unwrap_or_else(|| panic!("unexpected line {line:?}"))
        })
        .sum();
    assert_eq!(total, 30, "{}", done.stdout);
}

#[test]
fn rtreq_fires_ten_req_workers() {
    check_router_to_workers("rtreq");
}

#[test]
fn rtdealer_fires_ten_dealer_workers() {
    check_router_to_workers("rtdealer");
}

#[test]
fn lbbroker_serves_every_client() {
    // The example binds ipc://frontend.ipc and ipc://backend.ipc in its working directory.
    let dir = TempDir::new("lbbroker");
    let done = Proc::start_in("lbbroker", &[], Some(&dir.0)).finish_ok();
    assert_eq!(done.count("Client: OK"), 10, "{}", done.stdout);
    assert_eq!(done.count("Worker: HELLO"), 10, "{}", done.stdout);
    assert_eq!(done.lines().len(), 20, "{}", done.stdout);
    assert!(done.stderr.is_empty(), "stderr: {}", done.stderr);
}

#[test]
fn asyncsrv_clients_get_replies_and_everything_stops() {
    let started = Instant::now();
    let done = Proc::start("asyncsrv", &["tcp://127.0.0.1:*", "--count", "4"]).finish_ok();
    assert!(
        started.elapsed() >= Duration::from_secs(4),
        "ran less than its 4 seconds"
    );
    assert!(done.stderr.is_empty(), "stderr: {}", done.stderr);
    let lines = done.lines();
    // Twelve requests in four seconds, each answered 0..4 times: nothing at all would be a bug.
    assert!(!lines.is_empty(), "no reply reached any client");
    let mut clients = std::collections::HashSet::new();
    for line in lines {
        // XXXX-XXXX[0NN] request #N
        let (client, rest) = line.split_at_checked(9).unwrap_or(("", ""));
        let (id_a, id_b) = client.split_once('-').unwrap_or(("", ""));
        let hex = |s: &str| s.len() == 4 && s.bytes().all(|b| b.is_ascii_hexdigit());
        assert!(hex(id_a) && hex(id_b), "bad client identity in {line:?}");
        clients.insert(client.to_string());
        let content = rest
            .strip_prefix('[')
            .and_then(|r| r.split_once("] "))
            .filter(|(size, content)| size.parse::<usize>().ok() == Some(content.len()))
            .map(|(_, content)| content)
            .unwrap_or_else(|| panic!("bad frame in {line:?}"));
        let n = content
            .strip_prefix("request #")
            .and_then(|n| n.parse::<u32>().ok())
            .unwrap_or_else(|| panic!("not a request echo: {line:?}"));
        assert!(
            (1..=4).contains(&n),
            "request #{n} was never sent: {line:?}"
        );
    }
    assert!(clients.len() <= 3, "more than three clients: {clients:?}");
}
