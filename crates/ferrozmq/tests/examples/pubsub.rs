//! Smoke tests of the pub-sub, pipeline and multithreading examples of zguide chapters 1, 2
//! and 5 (`examples/`): wuserver/wuclient, wuproxy, psenvpub/psenvsub, syncpub/syncsub,
//! espresso, lvcache, suisnail, taskvent/taskwork/tasksink, taskwork2/tasksink2, msreader,
//! mspoller, mtserver, mtrelay and interrupt.
//!
//! Each test runs the built example binaries as child processes with small counts and free
//! ports, bounded in time (a child still running [`TIMEOUT`] after its start is killed and the
//! test fails), and checks exit statuses and the lines printed. Where an example needs a peer
//! that is not one of these examples (a task ventilator that sends known tasks, lvcache's
//! publisher and subscribers, mtserver's clients), the test plays it with ferrozmq itself.
//!
//! The binaries are those next to this test's executable (`target/<profile>/examples/`). As
//! `cargo test --test examples` does not build examples, the first test to need one
//! runs `cargo build -p ferrozmq --examples` into the same target directory and profile.

use crate::harness::*;
use ferrozmq::{Context, Socket, PUB, PUSH, REQ, SNDMORE, SUB, XPUB};
use std::process::Command;
use std::thread::{self, sleep, JoinHandle};
use std::time::Duration;

/// Receive/send timeout of the test's own sockets, in ms.
const TIMEO: i32 = 10_000;

/// A socket of the test's own, with bounded timeouts and linger.
fn socket(ctx: &Context, kind: ferrozmq::SocketType) -> Socket {
    let socket = ctx.socket(kind).expect("socket");
    socket.set_rcvtimeo(TIMEO).expect("RCVTIMEO");
    socket.set_sndtimeo(TIMEO).expect("SNDTIMEO");
    socket.set_linger(1000).expect("LINGER");
    socket
}

/// Parses "Average temperature for zipcode '<filter>' was <n>F" and checks the range of the
/// guide's random temperatures (-80 to 134).
fn check_average(client: &Finished, filter: &str) {
    let average = client.number_in(
        &format!("Average temperature for zipcode '{filter}' was "),
        "F",
    );
    if !(-80..=134).contains(&average) {
        client.fail(&format!("average {average}F out of range"));
    }
}

// ---------------------------------------------------------------------------------------------
// Chapter 1 and 2 pub-sub

#[test]
fn wuclient_averages_the_temperature_of_its_zip_codes() {
    let [port] = free_ports();
    let endpoint = tcp(port);
    // The clients connect first (and retry) so that the server's time limit is all theirs.
    // A prefix filter takes far fewer updates than one zip code out of 100 000.
    let wide = Proc::start("wuclient", &["1", &endpoint, "--count", "100"]);
    let narrow = Proc::start("wuclient", &["42", &endpoint, "--count", "20"]);
    let server = Proc::start("wuserver", &[&endpoint, "--seconds", "3"]);

    for (client, filter) in [(wide, "1"), (narrow, "42")] {
        let client = client.finish_ok();
        assert_eq!(client.count("Collecting updates from weather server..."), 1);
        check_average(&client, filter);
    }
    let server = server.finish_ok();
    assert!(server.number_in("Sent ", " weather updates") > 0);
}

#[test]
fn wuproxy_bridges_weather_updates_and_subscriptions() {
    let [upstream, downstream] = free_ports();
    let (upstream, downstream) = (tcp(upstream), tcp(downstream));
    let client = Proc::start("wuclient", &["1", &downstream, "--count", "50"]);
    let proxy = Proc::start("wuproxy", &[&upstream, &downstream, "--seconds", "4"]);
    let server = Proc::start("wuserver", &[&upstream, "--seconds", "4"]);

    // The client's subscription went upstream through the proxy, and updates came back.
    check_average(&client.finish_ok(), "1");
    let proxy = proxy.finish_ok();
    assert_eq!(proxy.count("W: context terminated, proxy stopped"), 1);
    server.finish_ok();
}

#[test]
fn psenvsub_sees_only_the_b_envelope() {
    let [port] = free_ports();
    let endpoint = tcp(port);
    let subscriber = Proc::start("psenvsub", &[&endpoint, "--count", "3"]);
    // Publishes until the subscriber is done, however long a loaded machine takes to start
    // both and pass the subscription on.
    let publisher = Proc::start("psenvpub", &[&endpoint, "--interval", "100"]);

    let subscriber = subscriber.finish_ok();
    let lines: Vec<&str> = subscriber.stdout.lines().collect();
    assert_eq!(
        lines, ["[B] We would like to see this"; 3],
        "{}",
        subscriber.stdout
    );
    publisher.kill();
}

#[test]
fn syncsub_receives_every_update() {
    const SUBSCRIBERS: usize = 3;
    const UPDATES: &str = "50000";
    let [updates, sync] = free_ports();
    let (updates, sync) = (tcp(updates), tcp(sync));
    let publisher = Proc::start(
        "syncpub",
        &[&updates, &sync, "--subscribers", "3", "--count", UPDATES],
    );
    let subscribers: Vec<Proc> = (0..SUBSCRIBERS)
        .map(|_| Proc::start("syncsub", &[&updates, &sync]))
        .collect();

    for subscriber in subscribers {
        let subscriber = subscriber.finish_ok();
        assert_eq!(
            subscriber.count(&format!("Received {UPDATES} updates")),
            1,
            "{}",
            subscriber.stdout
        );
    }
    let publisher = publisher.finish_ok();
    assert_eq!(
        publisher.stdout.lines().collect::<Vec<_>>(),
        ["Waiting for subscribers", "Broadcasting messages"]
    );
}

// ---------------------------------------------------------------------------------------------
// Chapter 5 pub-sub

#[test]
fn espresso_traces_subscriptions_data_and_unsubscriptions() {
    let [upstream, downstream] = free_ports();
    let espresso = Proc::start(
        "espresso",
        &[&tcp(upstream), &tcp(downstream), "--seconds", "1"],
    )
    .finish_ok();

    let lines: Vec<&str> = espresso.stdout.lines().collect();
    let at = |line: &str| {
        lines
            .iter()
            .position(|l| *l == line)
            .unwrap_or_else(|| espresso.fail(&format!("no line {line:?}")))
    };
    let (subscribed_a, subscribed_b) = (at("[002] 0141"), at("[002] 0142"));
    let (cancelled_a, cancelled_b) = (at("[002] 0041"), at("[002] 0042"));
    let data: Vec<usize> = (0..lines.len())
        .filter(|&i| {
            let line = lines[i];
            line.len() == "[007] A-12345".len()
                && (line.starts_with("[007] A-") || line.starts_with("[007] B-"))
        })
        .collect();
    // Only subscribed topics flow through the proxy, and the subscriber read five of them
    // before it closed its socket.
    if data.len() < 5 || lines.len() != data.len() + 5 {
        espresso.fail("expected 2 subscriptions, 5 or more A/B messages, 2 cancels");
    }
    if subscribed_a.max(subscribed_b) > data[4] || cancelled_a.min(cancelled_b) < data[4] {
        espresso.fail("subscriptions, data and cancels out of order");
    }
    assert_eq!(lines.last(), Some(&" interrupted"));
}

#[test]
fn lvcache_answers_a_late_subscriber_from_its_cache() {
    let [frontend, backend] = free_ports();
    let (frontend, backend) = (tcp(frontend), tcp(backend));
    let lvcache = Proc::start("lvcache", &[&frontend, &backend, "--count", "2"]);

    let ctx = Context::new();
    // The publisher is an XPUB so that it sees when the cache has subscribed.
    let publisher = socket(&ctx, XPUB);
    publisher.connect(&frontend).unwrap();
    assert_eq!(
        publisher.recv_bytes(0).expect("lvcache subscribes"),
        b"\x01"
    );
    for (topic, value) in [
        ("041", "Not this"),
        ("042", "Save Roger"),
        ("043", "Nor this"),
    ] {
        publisher.send(topic, SNDMORE).unwrap();
        publisher.send(value, 0).unwrap();
    }

    // A first subscriber gets the value (live or from the cache); once it has, the cache
    // holds it for sure.
    let expected = vec![b"042".to_vec(), b"Save Roger".to_vec()];
    let early = socket(&ctx, SUB);
    early.connect(&backend).unwrap();
    early.set_subscribe(b"042").unwrap();
    assert_eq!(early.recv_multipart(0).expect("first subscriber"), expected);

    // The publisher is silent now: a late subscriber to the same topic is answered from the
    // cache (which needs XPUB_VERBOSE, as the topic is already subscribed).
    let late = socket(&ctx, SUB);
    late.connect(&backend).unwrap();
    late.set_subscribe(b"042").unwrap();
    assert_eq!(late.recv_multipart(0).expect("late subscriber"), expected);

    let lvcache = lvcache.finish_ok();
    assert_eq!(
        lvcache.count("Sending cached topic 042"),
        2,
        "{}",
        lvcache.stdout
    );
}

#[test]
fn suisnail_subscriber_detects_that_it_is_too_slow() {
    let [port] = free_ports();
    let snail = Proc::start("suisnail", &[&tcp(port), "--seconds", "25"]).finish_ok();
    if !snail
        .stderr
        .contains("E: subscriber cannot keep up, aborting")
    {
        snail.fail("the subscriber did not give up");
    }
    // Every line is a publisher timestamp, and the last ones are more than a second old.
    let stamps: Vec<i64> = snail
        .stdout
        .lines()
        .map(|l| l.trim().parse().unwrap_or_else(|_| snail.fail("bad line")))
        .collect();
    if stamps.len() < 100 || stamps.windows(2).any(|w| w[0] > w[1]) {
        snail.fail("expected many increasing timestamps");
    }
}

// ---------------------------------------------------------------------------------------------
// Chapter 1 and 2 pipeline

#[test]
fn tasksink_reports_the_elapsed_time_of_a_batch() {
    let [tasks, results_port] = free_ports();
    let (tasks, results) = (tcp(tasks), tcp(results_port));
    let sink = Proc::start("tasksink", &[&results]);
    // The sink's clock starts at the ventilator's "0": with the sink not yet listening (a
    // slow start on a loaded machine), the worker's first tasks would pass unclocked.
    wait_until_listening(results_port);
    let mut ventilator = Proc::start("taskvent", &[&tasks, &results]);
    let worker = Proc::start("taskwork", &[&tasks, &results, "--count", "100"]);
    ventilator.type_line("");

    let ventilator = ventilator.finish_ok();
    let expected = ventilator.number_in("Total expected cost: ", " msec");
    let worker = worker.finish_ok();
    assert_eq!(worker.stdout.matches('.').count(), 100, "{}", worker.stdout);
    let sink = sink.finish_ok();
    let progress: String = sink.stdout.lines().next().unwrap_or_default().into();
    assert_eq!(progress, ":.........".repeat(10));
    // One worker sleeps through every task's workload. The sink's clock starts when the
    // ventilator's "0" arrives, which can be a reconnect interval (100 ms) after the worker got
    // its first task if the sink was not listening yet when the ventilator connected.
    let elapsed = sink.number_in("Total elapsed time: ", " msec");
    if elapsed < expected - 250 {
        sink.fail(&format!("elapsed {elapsed} < expected {expected} msec"));
    }
}

#[test]
fn tasksink2_kills_the_workers_after_the_batch() {
    let [tasks, results, control] = free_ports();
    let (tasks, results, control) = (tcp(tasks), tcp(results), tcp(control));
    let sink = Proc::start("tasksink2", &[&results, &control, "--count", "20"]);
    let mut ventilator = Proc::start("taskvent", &[&tasks, &results, "--count", "20"]);
    let workers: Vec<Proc> = (0..2)
        .map(|_| Proc::start("taskwork2", &[&tasks, &results, &control]))
        .collect();
    // "Press Enter when the workers are ready"
    sleep(Duration::from_millis(500));
    ventilator.type_line("");

    let ventilator = ventilator.finish_ok();
    let expected = ventilator.number_in("Total expected cost: ", " msec");
    let sink = sink.finish_ok();
    // Two workers share the batch's workload: it cannot take less than half of it (less a
    // reconnect interval's slack, as above).
    let elapsed = sink.number_in("Total elapsed time: ", " msec");
    if elapsed < expected / 2 - 250 {
        sink.fail(&format!(
            "elapsed {elapsed} < half the expected {expected} msec"
        ));
    }
    // Both workers exit on KILL, whoever did the work.
    let mut done = 0;
    for worker in workers {
        let worker = worker.finish_ok();
        done += worker.number_in("W: killed after ", " tasks");
    }
    assert_eq!(done, 20);
}

/// Runs `msreader` or `mspoller` against a ventilator and a weather server played by the
/// test: it must process every task and the weather updates for zip code 10001 only.
fn read_from_two_sockets(example: &str) {
    const N: usize = 5;
    let [tasks, weather] = free_ports();
    let ctx = Context::new();
    let ventilator = socket(&ctx, PUSH);
    ventilator.bind(&tcp(tasks)).unwrap();
    let server = socket(&ctx, PUB);
    server.bind(&tcp(weather)).unwrap();

    let mut reader = Proc::start(
        example,
        &[&tcp(tasks), &tcp(weather), "--count", &N.to_string()],
    );
    for task in 0..N {
        ventilator.send(format!("{}", 10 + task), 0).unwrap();
    }
    // Publish until the reader has had its fill (it may join late).
    while !reader.has_exited() && !reader.timed_out() {
        server.send("10001 21 50", 0).unwrap();
        server.send("10002 99 99", 0).unwrap();
        sleep(Duration::from_millis(10));
    }
    let reader = reader.finish_ok();
    assert_eq!(
        reader.starting_with("Task: "),
        ["Task: 10", "Task: 11", "Task: 12", "Task: 13", "Task: 14"]
    );
    let updates = reader.starting_with("Weather update: ");
    if updates.len() < N || updates.iter().any(|u| *u != "Weather update: 10001 21 50") {
        reader.fail("expected only updates for 10001");
    }
    let summary = format!("Processed {N} tasks and {} weather updates", updates.len());
    assert_eq!(reader.count(&summary), 1, "{}", reader.stdout);
}

#[test]
fn msreader_reads_tasks_and_weather_without_blocking() {
    read_from_two_sockets("msreader");
}

#[test]
fn mspoller_reads_tasks_and_weather_with_poll() {
    read_from_two_sockets("mspoller");
}

// ---------------------------------------------------------------------------------------------
// Chapter 2 multithreading and signals

#[test]
fn mtserver_serves_every_request() {
    const CLIENTS: usize = 10;
    let [port] = free_ports();
    let endpoint = tcp(port);
    let server = Proc::start("mtserver", &[&endpoint, "--count", &CLIENTS.to_string()]);

    // Ten clients at once; five workers take a second each, so about two seconds.
    let ctx = Context::new();
    let clients: Vec<JoinHandle<String>> = (0..CLIENTS)
        .map(|_| {
            let (ctx, endpoint) = (ctx.clone(), endpoint.clone());
            thread::spawn(move || {
                let client = socket(&ctx, REQ);
                client.connect(&endpoint).unwrap();
                client.send("Hello", 0).unwrap();
                let reply = client.recv_msg(0).expect("reply from mtserver");
                String::from_utf8_lossy(&reply).into_owned()
            })
        })
        .collect();
    for client in clients {
        assert_eq!(client.join().unwrap(), "World");
    }

    let server = server.finish_ok();
    assert_eq!(server.count("Received request: [Hello]"), CLIENTS);
    assert_eq!(server.count(&format!("I: served {CLIENTS} requests")), 1);
}

#[test]
fn mtrelay_signals_down_the_chain() {
    let relay = Proc::start("mtrelay", &["--count", "20"]).finish_ok();
    let expected = [
        "Step 1 ready, signaling step 2",
        "Step 2 ready, signaling step 3",
        "Test successful!",
    ]
    .repeat(20);
    assert_eq!(relay.stdout.lines().collect::<Vec<_>>(), expected);
}

#[test]
fn interrupt_stops_cleanly_on_sigint() {
    let [port] = free_ports();
    let endpoint = tcp(port);
    let mut server = Proc::start("interrupt", &[&endpoint]);

    // A round trip: the server is up, and its signal handler is installed (before it binds).
    let ctx = Context::new();
    let client = socket(&ctx, REQ);
    client.connect(&endpoint).unwrap();
    client.send("Hello", 0).unwrap();
    assert_eq!(
        client.recv_bytes(0).expect("reply from interrupt"),
        b"World"
    );

    // Ctrl-C. Repeat it: a signal that lands between the server's flag check and its next
    // blocking receive is only noticed at the next interruption.
    let pid = server.pid().to_string();
    while !server.has_exited() && !server.timed_out() {
        let status = Command::new("kill")
            .args(["-INT", &pid])
            .status()
            .expect("run kill");
        if !status.success() {
            break; // Already gone
        }
        sleep(Duration::from_millis(200));
    }
    let server = server.finish_ok();
    assert_eq!(
        server.stdout.lines().collect::<Vec<_>>(),
        [
            "W: recv [Hello]",
            "W: interrupt received, killing server...",
            "W: cleaning up"
        ]
    );
}
