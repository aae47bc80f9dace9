//! Smoke tests of this crate's examples, run as processes (the ferrozmq crate's harness),
//! also against the pyzmq peers of `mdp_peer.py`.

use crate::harness::{free_ports, tcp, Proc};
use crate::python::run_python;
use ferrozmq::DEALER;
use std::time::Duration;

#[test]
fn mdclient_gets_every_reply_through_mdbroker_and_mdworker() {
    let [port] = free_ports();
    let broker = Proc::start("mdbroker", &[&tcp(port)]);
    let worker = Proc::start("mdworker", &[&tcp(port)]);
    let client = Proc::start("mdclient", &[&tcp(port), "--count", "1000"]).finish_ok();
    assert_eq!(client.lines(), ["1000 requests/replies processed"]);
    let client2 = Proc::start("mdclient2", &[&tcp(port), "--count", "2000"]).finish_ok();
    assert_eq!(client2.lines(), ["2000 replies received"]);
    let mmi = Proc::start("mmiecho", &[&tcp(port)]).finish_ok();
    assert_eq!(mmi.lines(), ["Lookup echo service: 200"]);
    drop(worker);
    let broker = broker.kill();
    assert_eq!(
        broker.lines(),
        [format!("I: MDP broker/0.2.0 is active at {}", tcp(port))]
    );
}

#[test]
fn mmiecho_says_404_without_an_echo_worker() {
    let [port] = free_ports();
    let _broker = Proc::start("mdbroker", &[&tcp(port)]);
    let mmi = Proc::start("mmiecho", &[&tcp(port)]).finish_ok();
    assert_eq!(mmi.lines(), ["Lookup echo service: 404"]);
}

#[test]
fn the_examples_serve_pyzmq_peers() {
    let [port] = free_ports();
    let _broker = Proc::start("mdbroker", &[&tcp(port)]);
    let _worker = Proc::start("mdworker", &[&tcp(port)]);
    let out = run_python("mdp_peer.py", &["client", &tcp(port), "echo", "100"]);
    assert_eq!(out.trim(), "100 requests/replies processed");
    let py_worker =
        crate::python::start_python("mdp_peer.py", &["worker", &tcp(port), "python", "1"]);
    // Our client library asks the pyzmq worker through the mdbroker process.
    let ctx = ferrozmq::Context::new();
    let mut session =
        ferrozmq_patterns::mdp::client::Client::new(&ctx, &tcp(port)).expect("client");
    session.set_timeout(Duration::from_secs(5));
    let reply = session
        .send("python", ferrozmq::Multipart::from(["hi"]))
        .unwrap()
        .expect("the pyzmq worker replies");
    assert_eq!(crate::support::texts(&reply), ["hi"]);
    crate::python::finish_python(py_worker);
}

#[test]
fn mdbroker_logs_and_drops_garbage_and_keeps_serving() {
    let [port] = free_ports();
    let broker = Proc::start("mdbroker", &[&tcp(port)]);
    let worker = Proc::start("mdworker", &[&tcp(port)]);
    let ctx = ferrozmq::Context::new();
    let vandal = ctx.socket(DEALER).unwrap();
    vandal.set_linger(1000).unwrap();
    vandal.connect(&tcp(port)).unwrap();
    for message in crate::bad_input::garbage() {
        vandal.send_multipart(message, 0).unwrap();
    }
    // Answered once every message before it was read.
    vandal
        .send_multipart([&b""[..], b"MDPC01", b"mmi.service", b"echo"], 0)
        .unwrap();
    vandal.set_rcvtimeo(10_000).unwrap();
    loop {
        let got = vandal
            .recv_multipart(0)
            .expect("the broker answers after the garbage");
        if got[1] == b"MDPC01" {
            break;
        }
    }
    let client = Proc::start("mdclient", &[&tcp(port), "--count", "10"]).finish_ok();
    assert_eq!(client.lines(), ["10 requests/replies processed"]);
    drop(worker);
    let broker = broker.kill();
    for expected in [
        "E: invalid message from",
        "unknown protocol header \"MDPX01\"",
        "unknown command 0x17",
        "no empty frame after the client address",
        "no service name",
        "unexpected REPLY from worker",
        "may not register \"mmi.stolen\"",
    ] {
        assert!(
            broker.stderr.contains(expected),
            "no {expected:?} in the broker's log:\n{}",
            broker.stderr
        );
    }
}

#[test]
fn mdworker_and_mdclient_swap_in_around_majortomos_broker() {
    let [port] = free_ports();
    let _broker =
        crate::python::Background::start("majortomo_peer.py", &["default-broker", &tcp(port)]);
    let _worker = Proc::start("mdworker", &[&tcp(port), "--v2"]);
    let client =
        Proc::start("mdclient", &[&tcp(port), "--majortomo", "--count", "200"]).finish_ok();
    assert_eq!(client.lines(), ["200 requests/replies processed"]);
    let client2 =
        Proc::start("mdclient2", &[&tcp(port), "--majortomo", "--count", "500"]).finish_ok();
    assert_eq!(client2.lines(), ["500 replies received"]);
}

#[test]
fn tripping_prints_both_round_trip_rates() {
    let [frontend, backend] = free_ports();
    let run = Proc::start(
        "tripping",
        &[
            "--sync",
            "200",
            "--async",
            "2000",
            &tcp(frontend),
            &tcp(backend),
        ],
    )
    .finish_ok();
    let lines = run.lines();
    assert_eq!(lines.len(), 5, "{}", run.stdout);
    assert_eq!(lines[0], "Setting up test...");
    assert_eq!(lines[1], "Synchronous round-trip test...");
    assert_eq!(lines[3], "Asynchronous round-trip test...");
    for rate in [lines[2], lines[4]] {
        let calls = rate
            .strip_prefix(' ')
            .and_then(|r| r.strip_suffix(" calls/second"))
            .and_then(|n| n.parse::<u64>().ok());
        assert!(calls.is_some_and(|n| n > 0), "{rate:?}");
    }
}
