//! Our broker, workers and clients against each other, in both revisions.

use crate::support::{texts, Running};
use ferrozmq::Multipart;
use ferrozmq_patterns::mdp::async_client::AsyncClient;
use ferrozmq_patterns::mdp::client::Client;
use ferrozmq_patterns::mdp::worker::Worker;
use ferrozmq_patterns::mdp::{Dialect, ReplyKind};
use std::time::Duration;

fn echo(request: Multipart) -> Multipart {
    request
}

#[test]
fn every_request_of_a_sync_client_is_answered_by_one_of_the_workers() {
    let mut running = Running::broker();
    for name in ["A", "B"] {
        running.worker("echo", Dialect::V01, move |mut request| {
            request.append(name);
            request
        });
    }
    let mut client = Client::new(&running.ctx, &running.endpoint).unwrap();
    let mut served_by = std::collections::BTreeSet::new();
    for i in 0..200 {
        let reply = client
            .send("echo", Multipart::from([format!("request {i}")]))
            .unwrap()
            .expect("a reply");
        let frames = texts(&reply);
        assert_eq!(frames[0], format!("request {i}"));
        served_by.insert(frames[1].clone());
    }
    assert_eq!(served_by.len(), 2, "both workers served: {served_by:?}");
}

#[test]
fn services_are_kept_apart() {
    let mut running = Running::broker();
    running.worker("upper", Dialect::V01, |request| {
        texts(&request).iter().map(|t| t.to_uppercase()).collect()
    });
    running.worker("echo", Dialect::V01, echo);
    let mut client = Client::new(&running.ctx, &running.endpoint).unwrap();
    let reply = client.send("upper", Multipart::from(["abc", "d"])).unwrap();
    assert_eq!(texts(&reply.unwrap()), ["ABC", "D"]);
    let reply = client.send("echo", Multipart::from(["abc"])).unwrap();
    assert_eq!(texts(&reply.unwrap()), ["abc"]);
}

#[test]
fn a_request_waits_in_the_broker_until_a_worker_for_its_service_comes() {
    let mut running = Running::broker();
    let mut client = AsyncClient::new(&running.ctx, &running.endpoint).unwrap();
    client.set_timeout(Duration::from_millis(300));
    client
        .send("late", Multipart::from(["early request"]))
        .unwrap();
    assert_eq!(client.recv().unwrap(), None, "no worker yet");
    running.worker("late", Dialect::V01, echo);
    client.set_timeout(Duration::from_secs(10));
    let reply = client.recv().unwrap().expect("reply once the worker came");
    assert_eq!(texts(&reply.body), ["early request"]);
}

#[test]
fn mmi_service_tells_which_services_have_workers_and_other_mmi_names_are_501() {
    let mut running = Running::broker();
    running.worker("echo", Dialect::V01, echo);
    let mut client = Client::new(&running.ctx, &running.endpoint).unwrap();
    // The worker has registered once a request to it is answered.
    client
        .send("echo", Multipart::from(["x"]))
        .unwrap()
        .unwrap();
    let ask = |client: &mut Client, service: &str, body: &str| {
        texts(
            &client
                .send(service, Multipart::from([body]))
                .unwrap()
                .unwrap(),
        )
    };
    assert_eq!(ask(&mut client, "mmi.service", "echo"), ["200"]);
    assert_eq!(ask(&mut client, "mmi.service", "nobody"), ["404"]);
    assert_eq!(ask(&mut client, "mmi.nothing", "echo"), ["501"]);
}

#[test]
fn a_worker_dropped_is_forgotten_by_the_broker() {
    let mut running = Running::broker();
    let config = crate::support::worker_config(Dialect::V01);
    let mut worker = Worker::with_config(&running.ctx, &running.endpoint, "gone", config).unwrap();
    running.spawn(move || {
        let mut reply = None;
        while let Ok(request) = worker.recv(reply.take()) {
            if texts(&request) == ["quit"] {
                break; // dropping the worker sends DISCONNECT
            }
            reply = Some(request);
        }
    });
    let mut client = Client::new(&running.ctx, &running.endpoint).unwrap();
    let mut lookup = || {
        texts(
            &client
                .send("mmi.service", Multipart::from(["gone"]))
                .unwrap()
                .unwrap(),
        )
    };
    let mut caller = Client::new(&running.ctx, &running.endpoint).unwrap();
    assert!(caller
        .send("gone", Multipart::from(["ping"]))
        .unwrap()
        .is_some());
    assert_eq!(lookup(), ["200"]);
    let mut quitter = AsyncClient::new(&running.ctx, &running.endpoint).unwrap();
    quitter.send("gone", Multipart::from(["quit"])).unwrap();
    // The DISCONNECT comes on the worker's connection, the lookups on the client's: ask
    // until the broker has read it.
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while lookup() != ["404"] {
        assert!(
            std::time::Instant::now() < deadline,
            "the broker kept a departed worker"
        );
    }
}

#[test]
fn a_sync_client_gives_up_after_its_retries_when_nobody_answers() {
    let running = Running::broker();
    let mut client = Client::new(&running.ctx, &running.endpoint).unwrap();
    client.set_timeout(Duration::from_millis(100));
    client.set_retries(2);
    assert_eq!(client.send("nobody", Multipart::from(["x"])).unwrap(), None);
}

#[test]
fn an_async_client_gets_every_reply_of_many_requests_in_flight() {
    let mut running = Running::broker();
    for _ in 0..3 {
        running.worker("echo", Dialect::V01, echo);
    }
    let mut client = AsyncClient::new(&running.ctx, &running.endpoint).unwrap();
    client.set_timeout(Duration::from_secs(10));
    const N: usize = 5000;
    for i in 0..N {
        client
            .send("echo", Multipart::from([i.to_string()]))
            .unwrap();
    }
    let mut seen = vec![false; N];
    for _ in 0..N {
        let reply = client.recv().unwrap().expect("a reply within the timeout");
        assert_eq!(reply.kind, ReplyKind::Final);
        let i: usize = texts(&reply.body)[0].parse().unwrap();
        assert!(!seen[i], "reply {i} twice");
        seen[i] = true;
    }
}

#[test]
fn v02_partials_reach_v02_clients_and_v01_clients_get_the_final_reply_only() {
    let mut running = Running::broker();
    let config = crate::support::worker_config(Dialect::V02);
    let mut worker = Worker::with_config(&running.ctx, &running.endpoint, "count", config).unwrap();
    running.spawn(move || {
        let mut reply = None;
        while let Ok(request) = worker.recv(reply.take()) {
            for part in ["1", "2"] {
                if worker.send_partial(Multipart::from([part])).is_err() {
                    return;
                }
            }
            let mut last = request;
            last.append("3");
            reply = Some(last);
        }
    });
    for dialect in [Dialect::V02, Dialect::V02_BARE] {
        let mut client = Client::with_dialect(&running.ctx, &running.endpoint, dialect).unwrap();
        let mut partials = Vec::new();
        let last = client
            .send_with_partials("count", Multipart::from(["go"]), |p| {
                partials.push(texts(&p))
            })
            .unwrap()
            .unwrap();
        assert_eq!(partials, [["1"], ["2"]], "{dialect:?}");
        assert_eq!(texts(&last), ["go", "3"]);
    }
    let mut old = Client::new(&running.ctx, &running.endpoint).unwrap();
    let mut partials = 0;
    let last = old
        .send_with_partials("count", Multipart::from(["go"]), |_| partials += 1)
        .unwrap()
        .unwrap();
    assert_eq!((partials, texts(&last)), (0, vec!["go".into(), "3".into()]));
}

#[test]
fn a_v02_client_is_served_by_a_v01_worker_and_the_other_way_round() {
    let mut running = Running::broker();
    running.worker("old", Dialect::V01, echo);
    running.worker("new", Dialect::V02_BARE, echo);
    let mut v02 = Client::with_dialect(&running.ctx, &running.endpoint, Dialect::V02).unwrap();
    assert_eq!(
        texts(&v02.send("old", Multipart::from(["a"])).unwrap().unwrap()),
        ["a"]
    );
    let mut v01 = Client::new(&running.ctx, &running.endpoint).unwrap();
    assert_eq!(
        texts(&v01.send("new", Multipart::from(["b"])).unwrap().unwrap()),
        ["b"]
    );
}

#[test]
fn a_worker_reconnects_when_its_broker_comes_back() {
    // The broker runs in a context of its own, so it can be stopped and started again on the
    // same port while the worker's context lives on.
    let first = Running::broker();
    let endpoint = first.endpoint.clone();
    let mut clients = Running::without_broker(&endpoint);
    clients.worker("echo", Dialect::V01, echo);
    let mut client = Client::new(&clients.ctx, &endpoint).unwrap();
    client.set_timeout(Duration::from_secs(5));
    assert!(client
        .send("echo", Multipart::from(["1"]))
        .unwrap()
        .is_some());
    drop(first);
    let ctx = ferrozmq::Context::new();
    let config = ferrozmq_patterns::mdp::broker::BrokerConfig {
        heartbeat_interval: crate::support::HEARTBEAT,
        ..Default::default()
    };
    let mut broker = ferrozmq_patterns::mdp::broker::Broker::new(&ctx, config).unwrap();
    broker.bind(&endpoint).unwrap();
    let again = std::thread::spawn(move || broker.run());
    // The worker notices the silence (3 heartbeats), reconnects and sends READY again; the
    // client's request waits in the new broker until then.
    let reply = client.send("echo", Multipart::from(["2"])).unwrap();
    assert_eq!(texts(&reply.expect("served after the restart")), ["2"]);
    ctx.shutdown().unwrap();
    again.join().unwrap().unwrap();
}

#[test]
fn a_worker_busy_past_the_busy_timeout_is_forgotten() {
    let running = Running::broker_with(ferrozmq_patterns::mdp::broker::BrokerConfig {
        heartbeat_interval: crate::support::HEARTBEAT,
        busy_timeout: Duration::from_millis(200),
        ..Default::default()
    });
    let stuck = running.ctx.socket(ferrozmq::DEALER).unwrap();
    stuck.set_linger(0).unwrap();
    stuck.set_rcvtimeo(5000).unwrap();
    stuck.connect(&running.endpoint).unwrap();
    stuck
        .send_multipart([&b""[..], b"MDPW01", b"\x01", b"stuck"], 0)
        .unwrap();
    let mut client = AsyncClient::new(&running.ctx, &running.endpoint).unwrap();
    client.send("stuck", Multipart::from(["work"])).unwrap();
    loop {
        let got = stuck.recv_multipart(0).expect("the request within 5 s");
        if got[2] == b"\x02" {
            break; // the request: never answered
        }
    }
    let mut lookups = Client::new(&running.ctx, &running.endpoint).unwrap();
    assert_eq!(
        texts(
            &lookups
                .send("mmi.service", Multipart::from(["stuck"]))
                .unwrap()
                .unwrap()
        ),
        ["200"]
    );
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        let reply = lookups
            .send("mmi.service", Multipart::from(["stuck"]))
            .unwrap();
        if texts(&reply.unwrap()) == ["404"] {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the stuck worker was kept"
        );
        // The purge runs at the broker's next heartbeat; ask again after one.
        std::thread::sleep(crate::support::HEARTBEAT);
    }
}
