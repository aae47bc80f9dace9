//! Smoke tests of the async examples (`examples/async_broker.rs`, `examples/asyncsrv_tokio.rs`)
//! run as child processes with small round counts and free ports, bounded in time (see
//! `harness`).

use crate::harness::*;
use std::time::{Duration, Instant};

#[test]
fn async_broker_between_rrclient_and_rrworker() {
    let [frontend, backend] = free_ports();
    let broker = Proc::start(
        "async_broker",
        &[&tcp(frontend), &tcp(backend), "--count", "10"],
    );
    let worker = Proc::start("rrworker", &[&tcp(backend)]);
    let client = Proc::start("rrclient", &[&tcp(frontend)]);

    let client = client.finish_ok();
    let expected: Vec<String> = (0..10)
        .map(|i| format!("Received reply {i} [World]"))
        .collect();
    assert_eq!(client.lines(), expected, "rrclient output");
    let broker = broker.finish_ok();
    assert!(broker.stderr.is_empty(), "stderr: {}", broker.stderr);
    let worker = worker.kill();
    assert_eq!(
        worker.count("Received request: [Hello]"),
        10,
        "{}",
        worker.stdout
    );
}

#[test]
fn asyncsrv_tokio_clients_get_replies_and_everything_stops() {
    let started = Instant::now();
    let done = Proc::start("asyncsrv_tokio", &["tcp://127.0.0.1:*", "--count", "3"]).finish_ok();
    assert!(
        started.elapsed() >= Duration::from_secs(3),
        "ran less than its 3 seconds"
    );
    assert!(done.stderr.is_empty(), "stderr: {}", done.stderr);
    let lines = done.lines();
    // Nine requests in three seconds, each answered 0..4 times: nothing at all would be a bug.
    assert!(!lines.is_empty(), "no reply reached any client");
    let mut clients = std::collections::HashSet::new();
    for line in lines {
        // XXXX-XXXX[0NN] request #N
        let (client, rest) = line.split_at_checked(9).unwrap_or(("", ""));
        let (id_a, id_b) = client.split_once('-').unwrap_or(("", ""));
        let hex = |s: &str| s.len() == 4 && s.bytes().all(|b| b.is_ascii_hexdigit());
        assert!(hex(id_a) && hex(id_b), "bad client identity in {line:?}");
        clients.insert(client.to_string());
        let n = rest
            .strip_prefix("[010] request #")
            .and_then(|n| n.parse::<u32>().ok())
            .unwrap_or_else(|| panic!("not a request echo: {line:?}"));
        assert!(
            (1..=3).contains(&n),
            "request #{n} was never sent: {line:?}"
        );
    }
    assert!(clients.len() <= 3, "more than three clients: {clients:?}");
}
