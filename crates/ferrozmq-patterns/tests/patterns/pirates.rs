//! The Pirate examples as processes: lpclient/spqueue/spworker (Lazy and Simple Pirate),
//! lpserver, ppqueue/ppworker (Paranoid Pirate).

use crate::harness::*;

#[test]
fn lpclient_survives_a_worker_crash_when_restarted() {
    let [frontend, backend] = free_ports();
    let queue = Proc::start("spqueue", &[&tcp(frontend), &tcp(backend), "--count", "5"]);
    let crashing = Proc::start("spworker", &[&tcp(backend), "--simulate", "crash:3"]);
    // Started once the worker is up: a first request timed out by a slow start is retried
    // and costs the worker one of its counted replies.
    crashing.wait_for_output(") worker ready");
    let client = Proc::start("lpclient", &[&tcp(frontend), "--count", "5"]);

    // The worker answers requests 1 and 2, then "crashes" on request 3.
    let crashed = crashing.finish_ok();
    let crashed_lines = crashed.lines();
    assert_eq!(crashed_lines.len(), 4, "{}", crashed.stdout);
    assert!(
        crashed_lines[0].ends_with(") worker ready"),
        "{}",
        crashed.stdout
    );
    assert!(
        crashed_lines[3].ends_with(") simulating a crash"),
        "{}",
        crashed.stdout
    );
    assert_eq!(
        crashed.stdout.matches(") normal reply").count(),
        2,
        "{}",
        crashed.stdout
    );

    // A new worker takes over: the client's retried request 3, then 4 and 5.
    let restarted = Proc::start(
        "spworker",
        &[&tcp(backend), "--count", "3", "--simulate", "none"],
    );
    let client = client.finish_ok();
    assert_eq!(
        client.lines(),
        [
            "I: connecting to server...",
            "I: server replied OK (1)",
            "I: server replied OK (2)",
            "W: no response from server, retrying...",
            "I: connecting to server...",
            "I: server replied OK (3)",
            "I: server replied OK (4)",
            "I: server replied OK (5)",
        ],
        "lpclient output"
    );
    let restarted = restarted.finish_ok();
    assert_eq!(
        restarted.stdout.matches(") normal reply").count(),
        3,
        "{}",
        restarted.stdout
    );
    queue.finish_ok();
}

#[test]
fn lpclient_survives_an_overloaded_worker() {
    let [frontend, backend] = free_ports();
    // Four replies: 1, the late answer to the first try of 2 (to a closed client socket),
    // 2 again and 3.
    let queue = Proc::start("spqueue", &[&tcp(frontend), &tcp(backend), "--count", "4"]);
    let worker = Proc::start(
        "spworker",
        &[&tcp(backend), "--count", "4", "--simulate", "overload:2"],
    );
    worker.wait_for_output(") worker ready");
    // The overloaded worker answers after 4 s; the client gives up on it after 3 s.
    let client = Proc::start(
        "lpclient",
        &[&tcp(frontend), "--count", "3", "--timeout", "3000"],
    );
    let client = client.finish_ok();
    assert_eq!(
        client.lines(),
        [
            "I: connecting to server...",
            "I: server replied OK (1)",
            "W: no response from server, retrying...",
            "I: connecting to server...",
            "I: server replied OK (2)",
            "I: server replied OK (3)",
        ],
        "lpclient output"
    );
    let worker = worker.finish_ok();
    assert_eq!(
        worker.stdout.matches(") simulating CPU overload").count(),
        1,
        "{}",
        worker.stdout
    );
    assert_eq!(
        worker.stdout.matches(") normal reply").count(),
        4,
        "{}",
        worker.stdout
    );
    queue.finish_ok();
}

#[test]
fn lpclient_abandons_when_no_server_answers() {
    let [port] = free_ports();
    let client = Proc::start(
        "lpclient",
        &[&tcp(port), "--timeout", "300", "--retries", "3"],
    );
    let done = client.finish();
    assert_eq!(
        done.status.code(),
        Some(1),
        "exit status; stderr: {}",
        done.stderr
    );
    assert_eq!(
        done.lines(),
        [
            "I: connecting to server...",
            "W: no response from server, retrying...",
            "I: connecting to server...",
            "W: no response from server, retrying...",
            "I: connecting to server...",
            "E: server seems to be offline, abandoning",
        ]
    );
}

#[test]
fn lpclient_retries_past_a_crashed_lpserver_restarted_on_its_port() {
    let [port] = free_ports();
    let server = Proc::start(
        "lpserver",
        &[&tcp(port), "--simulate", "crash:2", "--work", "10"],
    );
    let client = Proc::start(
        "lpclient",
        &[&tcp(port), "--count", "3", "--timeout", "1000"],
    );
    let crashed = server.finish_ok();
    assert_eq!(
        crashed.lines(),
        ["I: normal request (1)", "I: simulating a crash"]
    );
    let _again = Proc::start(
        "lpserver",
        &[&tcp(port), "--simulate", "none", "--work", "10"],
    );
    let client = client.finish_ok();
    // Every request answered in order, request 2 only after a retry (the crash). A server
    // slow to start or restart on a loaded machine adds retries of its own; nothing else may
    // appear.
    let lines = client.lines();
    let replies: Vec<usize> = (1..=3)
        .map(|n| {
            let reply = format!("I: server replied OK ({n})");
            lines
                .iter()
                .position(|l| *l == reply)
                .unwrap_or_else(|| client.fail(&reply))
        })
        .collect();
    assert!(replies.is_sorted(), "{}", client.stdout);
    assert!(
        lines[replies[0]..replies[1]].contains(&"W: no response from server, retrying..."),
        "{}",
        client.stdout
    );
    assert!(
        lines.iter().all(|l| l.starts_with("I: server replied OK (")
            || *l == "I: connecting to server..."
            || *l == "W: no response from server, retrying..."),
        "{}",
        client.stdout
    );
}

#[test]
fn lpclient_is_served_through_ppqueue_by_ppworkers_even_when_one_crashes() {
    let [frontend, backend] = free_ports();
    let _queue = Proc::start(
        "ppqueue",
        &[&tcp(frontend), &tcp(backend), "--heartbeat", "100"],
    );
    // The only worker at first: it answers request 1 and crashes on request 2.
    let crashing = Proc::start(
        "ppworker",
        &[
            &tcp(backend),
            "--heartbeat",
            "100",
            "--simulate",
            "crash:2",
            "--work",
            "10",
        ],
    );
    let client = Proc::start(
        "lpclient",
        &[
            &tcp(frontend),
            "--count",
            "10",
            "--timeout",
            "1000",
            "--retries",
            "10",
        ],
    );
    let crashed = crashing.finish_ok();
    assert_eq!(crashed.lines().last(), Some(&"I: simulating a crash"));
    // The client's retries of request 2 find the worker that comes next.
    let steady = Proc::start(
        "ppworker",
        &[
            &tcp(backend),
            "--heartbeat",
            "100",
            "--simulate",
            "none",
            "--work",
            "10",
        ],
    );
    let client = client.finish_ok();
    assert_eq!(
        client.count("I: server replied OK (10)"),
        1,
        "{}",
        client.stdout
    );
    assert!(client
        .stdout
        .contains("W: no response from server, retrying..."));
    let steady = steady.kill();
    assert_eq!(
        steady.stdout.matches("I: normal reply").count(),
        9,
        "{}",
        steady.stdout
    );
}

#[test]
fn a_ppworker_reconnects_with_a_back_off_when_its_queue_restarts() {
    let [frontend, backend] = free_ports();
    let queue = Proc::start(
        "ppqueue",
        &[&tcp(frontend), &tcp(backend), "--heartbeat", "100"],
    );
    let worker = Proc::start(
        "ppworker",
        &[
            &tcp(backend),
            "--heartbeat",
            "100",
            "--simulate",
            "none",
            "--work",
            "10",
        ],
    );
    let client = Proc::start("lpclient", &[&tcp(frontend), "--count", "1"]).finish_ok();
    assert_eq!(client.count("I: server replied OK (1)"), 1);
    drop(queue.kill());
    // The worker notices after 3 silent heartbeats and reconnects, 100 ms then 200 ms…
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while !worker.stdout().contains("W: reconnecting in 200 msec...") {
        assert!(std::time::Instant::now() < deadline, "{}", worker.stdout());
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let _queue = Proc::start(
        "ppqueue",
        &[&tcp(frontend), &tcp(backend), "--heartbeat", "100"],
    );
    let client = Proc::start("lpclient", &[&tcp(frontend), "--count", "3"]).finish_ok();
    assert_eq!(
        client.count("I: server replied OK (3)"),
        1,
        "{}",
        client.stdout
    );
    let worker = worker.kill();
    assert!(
        worker
            .stdout
            .contains("W: heartbeat failure, can't reach queue"),
        "{}",
        worker.stdout
    );
}

#[test]
fn a_pyzmq_lazy_pirate_client_is_served_by_lpserver() {
    let [port] = free_ports();
    let _server = Proc::start(
        "lpserver",
        &[&tcp(port), "--simulate", "none", "--work", "10"],
    );
    let out = crate::python::run_python("pirate_peer.py", &["lpclient", &tcp(port), "3"]);
    assert_eq!(
        out.lines().collect::<Vec<_>>(),
        [
            "I: server replied OK (1)",
            "I: server replied OK (2)",
            "I: server replied OK (3)"
        ]
    );
}

#[test]
fn ppqueue_serves_lpclient_with_a_pyzmq_ppp_worker_and_a_pyzmq_client_with_ppworker() {
    let [frontend, backend] = free_ports();
    let _queue = Proc::start(
        "ppqueue",
        &[&tcp(frontend), &tcp(backend), "--heartbeat", "100"],
    );
    let py_worker =
        crate::python::start_python("pirate_peer.py", &["ppworker", &tcp(backend), "5"]);
    let client = Proc::start("lpclient", &[&tcp(frontend), "--count", "5"]).finish_ok();
    assert_eq!(
        client.count("I: server replied OK (5)"),
        1,
        "{}",
        client.stdout
    );
    assert_eq!(crate::python::finish_python(py_worker).trim(), "served 5");

    let _worker = Proc::start(
        "ppworker",
        &[
            &tcp(backend),
            "--heartbeat",
            "100",
            "--simulate",
            "none",
            "--work",
            "10",
        ],
    );
    let out = crate::python::run_python("pirate_peer.py", &["lpclient", &tcp(frontend), "3"]);
    assert_eq!(out.lines().last(), Some("I: server replied OK (3)"));
}
