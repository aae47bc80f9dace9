//! MDP/0.2 against PyPI's majortomo (`majortomo_peer.py`): its broker with our worker and
//! client, and our broker with its worker and client (and with our MDP/0.1 worker behind).

use crate::harness::{free_ports, tcp};
use crate::python::{finish_python, run_python, start_python, Background};
use crate::support::{texts, worker_config, Running};
use ferrozmq::{Context, Multipart};
use ferrozmq_patterns::mdp::client::Client;
use ferrozmq_patterns::mdp::worker::{Worker, WorkerConfig};
use ferrozmq_patterns::mdp::Dialect;
use std::time::Duration;

#[test]
fn majortomos_broker_serves_our_v02_client_with_our_v02_worker() {
    let [port] = free_ports();
    let _broker = Background::start("majortomo_peer.py", &["broker", &tcp(port)]);
    let mut running = Running::without_broker(&tcp(port));
    // Heartbeats as majortomo_peer.py's broker sends them (RFC 18: agreed-upon intervals).
    let config = WorkerConfig {
        heartbeat_interval: Duration::from_millis(250),
        ..worker_config(Dialect::V02)
    };
    let mut worker = Worker::with_config(&running.ctx, &tcp(port), "ours", config).unwrap();
    running.spawn(move || {
        let mut reply = None;
        while let Ok(request) = worker.recv(reply.take()) {
            if worker.send_partial(Multipart::from(["partial"])).is_err() {
                return;
            }
            reply = Some(request);
        }
    });
    let mut client = Client::with_dialect(&running.ctx, &tcp(port), Dialect::MAJORTOMO).unwrap();
    client.set_timeout(Duration::from_secs(10));
    for i in 0..20 {
        let mut partials = Vec::new();
        let reply = client
            .send_with_partials("ours", Multipart::from([i.to_string()]), |p| {
                partials.push(texts(&p))
            })
            .unwrap()
            .expect("a FINAL reply through majortomo's broker");
        assert_eq!(partials, [["partial"]]);
        assert_eq!(texts(&reply), [i.to_string()]);
    }
    // majortomo's own client reaches our worker through its broker too.
    let out = run_python("majortomo_peer.py", &["client", &tcp(port), "ours", "5"]);
    assert_eq!(out.lines().next(), Some("partial request|0"));
    assert_eq!(out.lines().last(), Some("5 requests/replies processed"));
}

#[test]
fn our_broker_serves_majortomos_client_and_worker() {
    let mut running = Running::broker();
    let endpoint = running.endpoint.clone();
    let py_worker = start_python("majortomo_peer.py", &["worker", &endpoint, "theirs", "15"]);
    // majortomo's client to majortomo's worker, through our broker.
    let out = run_python("majortomo_peer.py", &["client", &endpoint, "theirs", "10"]);
    assert_eq!(out.lines().next(), Some("partial request|0"));
    assert_eq!(out.lines().last(), Some("10 requests/replies processed"));
    // Our MDP/0.2 client to majortomo's worker.
    let ctx = Context::new();
    let mut client = Client::with_dialect(&ctx, &endpoint, Dialect::V02).unwrap();
    client.set_timeout(Duration::from_secs(10));
    for i in 0..5 {
        let mut partials = 0;
        let reply = client
            .send_with_partials(
                "theirs",
                Multipart::from(["x".to_string(), i.to_string()]),
                |_| partials += 1,
            )
            .unwrap()
            .expect("majortomo's worker answers");
        assert_eq!(
            (partials, texts(&reply)),
            (1, vec!["x".into(), i.to_string()])
        );
    }
    assert_eq!(finish_python(py_worker).lines().last(), Some("served 15"));
    // majortomo's client to our MDP/0.1 worker: answered in MDP/0.2 by the broker.
    running.worker("old", Dialect::V01, |request| request);
    let out = run_python("majortomo_peer.py", &["client", &endpoint, "old", "3"]);
    assert_eq!(out.lines().next(), Some("request|0"));
    assert_eq!(out.lines().last(), Some("3 requests/replies processed"));
}
