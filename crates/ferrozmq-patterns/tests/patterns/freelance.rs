//! Freelance: the three client models against our example servers run as processes (one
//! killed mid-run), the examples swapped with pyzmq peers (`ha_peer.py`) both ways, and bad
//! replies dropped with a log line.

use crate::harness::{free_ports, tcp, Proc};
use crate::python::{run_python, Background};
use ferrozmq::{Context, Multipart, REP, ROUTER};
use ferrozmq_patterns::freelance::model1::Model1Client;
use ferrozmq_patterns::freelance::model2::Shotgun;
use ferrozmq_patterns::freelance::model3::FreelanceClient;
use std::sync::{mpsc, Arc, Mutex};
use std::time::Duration;

/// Log lines a client wrote, for assertions.
fn collected_log() -> (Arc<Mutex<Vec<String>>>, impl FnMut(&str) + Send + 'static) {
    let lines = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&lines);
    (lines, move |line: &str| {
        sink.lock().unwrap().push(line.to_string())
    })
}

/// `n` loopback endpoints on free ports.
fn endpoints<const N: usize>() -> [String; N] {
    free_ports::<N>().map(tcp)
}

/// The model 3 form of `endpoint`: what the server's routing id is.
fn localhost(endpoint: &str) -> String {
    endpoint.replace("127.0.0.1", "localhost")
}

#[test]
fn model1_tries_each_server_once_and_a_single_server_three_times() {
    let [dead, live] = endpoints();
    let ctx = Context::new();
    let server = ctx.socket(REP).unwrap();
    server.bind(&live).unwrap();
    let echo = std::thread::spawn(move || {
        Multipart::recv(&server).unwrap().send(&server).unwrap();
    });
    let (lines, log) = collected_log();
    let mut client = Model1Client::new(&ctx, &[&dead, &live]);
    client.set_timeout(Duration::from_millis(200));
    client.set_log(log);
    let reply = client.request(&Multipart::from(["Hello world"])).unwrap();
    assert_eq!(reply, Some(Multipart::from(["Hello world"])));
    echo.join().unwrap();
    assert_eq!(
        *lines.lock().unwrap(),
        [
            format!("I: trying echo service at {dead}..."),
            format!("W: no response from {dead}"),
            format!("I: trying echo service at {live}..."),
        ]
    );

    let (lines, log) = collected_log();
    let mut alone = Model1Client::new(&ctx, &[&dead]);
    alone.set_timeout(Duration::from_millis(100));
    alone.set_log(log);
    assert_eq!(alone.request(&Multipart::from(["x"])).unwrap(), None);
    let retries = format!("W: no response from {dead}, retrying...");
    assert_eq!(
        lines
            .lock()
            .unwrap()
            .iter()
            .filter(|l| **l == retries)
            .count(),
        3
    );
}

#[test]
fn flclient1_finds_the_running_flserver1() {
    let [dead, live] = endpoints();
    let _server = Proc::start("flserver1", &[&live]);
    let client = Proc::start("flclient1", &[&dead, &live]).finish_ok();
    assert_eq!(client.lines().last(), Some(&"Service is running OK"));
}

/// Starts example `server` on three free ports (bound at `bind(endpoint)`), gives the
/// client each `address(endpoint)`, then asks 600 requests, killing the first server after
/// 200: every request must be answered "OK".
fn answers_through_a_kill(
    server: &str,
    bind: impl Fn(&str) -> String,
    address: impl Fn(&str) -> String,
    mut connect: impl FnMut(&str),
    mut request: impl FnMut() -> Option<Multipart>,
) {
    let mut servers: Vec<Proc> = endpoints::<3>()
        .iter()
        .map(|e| {
            connect(&address(e));
            Proc::start(server, &[&bind(e)])
        })
        .collect();
    // Model 3's agent sends to servers in connect order: the first one gets the first request.
    let mut victim = Some(servers.remove(0));
    for round in 0..600 {
        if round == 200 {
            victim.take().unwrap().kill();
        }
        assert_eq!(request(), Some(Multipart::from(["OK"])), "request {round}");
    }
}

#[test]
fn flclient1_finds_a_pyzmq_flserver1_after_a_dead_endpoint() {
    let [dead, live] = endpoints();
    let _server = Background::start("ha_peer.py", &["flserver1", &live]);
    let client = Proc::start("flclient1", &[&dead, &live]).finish_ok();
    assert_eq!(client.lines().last(), Some(&"Service is running OK"));
}

#[test]
fn model2_keeps_answering_when_one_of_three_servers_is_killed_mid_run() {
    let ctx = Context::new();
    let client = std::cell::RefCell::new(Shotgun::new(&ctx).unwrap());
    answers_through_a_kill(
        "flserver2",
        str::to_string,
        str::to_string,
        |endpoint| client.borrow_mut().connect(endpoint).unwrap(),
        || {
            client
                .borrow_mut()
                .request(Multipart::from(["random name"]))
                .unwrap()
        },
    );
}

#[test]
fn model2_drops_malformed_and_late_replies_with_a_log_line() {
    let [endpoint] = endpoints();
    let ctx = Context::new();
    let server = ctx.socket(ROUTER).unwrap();
    server.bind(&endpoint).unwrap();
    let (lines, log) = collected_log();
    let mut client = Shotgun::new(&ctx).unwrap();
    client.set_log(log);
    client.connect(&endpoint).unwrap();
    let vandal = std::thread::spawn(move || {
        let request = Multipart::recv(&server).unwrap();
        let peer = request.first().unwrap().clone();
        let seq = request.get(2).unwrap().clone();
        let garbage: [&[&[u8]]; 4] = [
            &[b"x"],
            &[b"", b"nine", b"OK"],
            &[b"not empty", b"1", b"OK"],
            &[b"", b"999", b"OK"],
        ];
        for frames in garbage {
            let mut reply: Multipart = frames.iter().copied().collect();
            reply.push(peer.clone());
            reply.send(&server).unwrap();
        }
        Multipart::from([peer, "".into(), seq, "OK".into()])
            .send(&server)
            .unwrap();
    });
    let reply = client.request(Multipart::from(["random name"])).unwrap();
    assert_eq!(reply, Some(Multipart::from(["OK"])));
    vandal.join().unwrap();
    let dropped = lines
        .lock()
        .unwrap()
        .iter()
        .filter(|l| l.starts_with("W: dropped malformed reply"))
        .count();
    assert_eq!(dropped, 3, "{:?}", lines.lock().unwrap());
}

/// A Freelance client's output must end with its timing line (every request answered).
fn assert_timed(stdout: &str) {
    let last = stdout.lines().last().unwrap_or_default();
    assert!(last.starts_with("Average round trip cost: "), "{stdout}");
}

#[test]
fn flclient2_and_flserver2_swap_with_pyzmq_peers() {
    let [ours, theirs] = endpoints();
    let _our_server = Proc::start("flserver2", &[&ours]);
    let _their_server = Background::start("ha_peer.py", &["flserver2", &theirs]);
    let client = Proc::start("flclient2", &[&ours, &theirs]).finish_ok();
    assert_timed(&client.stdout);
    assert_timed(&run_python("ha_peer.py", &["flclient2", "500", &ours]));
}

#[test]
fn model3_keeps_answering_when_one_of_three_servers_is_killed_mid_run() {
    let ctx = Context::new();
    let (lines, log) = collected_log();
    let client = FreelanceClient::with_log(&ctx, Box::new(log)).unwrap();
    answers_through_a_kill(
        "flserver3",
        |e| e.replace("127.0.0.1", "*"),
        localhost,
        |endpoint| client.connect(endpoint).unwrap(),
        || client.request(Multipart::from(["random name"])).unwrap(),
    );
    let lines = lines.lock().unwrap();
    assert!(
        lines.iter().all(|l| l.starts_with("I: connecting to")),
        "{lines:?}"
    );
}

#[test]
fn model3_gives_up_after_the_global_timeout_without_servers() {
    let [nobody] = endpoints();
    let ctx = Context::new();
    let client = FreelanceClient::with_log(&ctx, Box::new(|_| {})).unwrap();
    client.connect(&localhost(&nobody)).unwrap();
    let (done, wait) = mpsc::channel();
    std::thread::spawn(move || done.send(client.request(Multipart::from(["x"]))).unwrap());
    let got = wait
        .recv_timeout(Duration::from_secs(10))
        .expect("the request ends");
    assert_eq!(got.unwrap(), None);
}

#[test]
fn flclient3_and_flserver3_swap_with_pyzmq_peers() {
    let [a, b, c] = endpoints();
    let _ours = Proc::start("flserver3", &[&a.replace("127.0.0.1", "*")]);
    let _theirs = [&b, &c]
        .map(|e| Background::start("ha_peer.py", &["flserver3", &e.replace("127.0.0.1", "*")]));
    let client = Proc::start(
        "flclient3",
        &[&localhost(&a), &localhost(&b), &localhost(&c)],
    )
    .finish_ok();
    assert_timed(&client.stdout);
    assert_timed(&run_python(
        "ha_peer.py",
        &["flclient3", "500", &localhost(&a)],
    ));
}

#[test]
fn model3_serves_again_when_its_only_server_comes_back() {
    let [endpoint] = endpoints();
    let bind = endpoint.replace("127.0.0.1", "*");
    let ctx = Context::new();
    let client = FreelanceClient::with_log(&ctx, Box::new(|_| {})).unwrap();
    client.connect(&localhost(&endpoint)).unwrap();
    let ask = || client.request(Multipart::from(["random name"])).unwrap();
    let server = Proc::start("flserver3", &[&bind]);
    assert_eq!(ask(), Some(Multipart::from(["OK"])));
    server.kill();
    let _server = Proc::start("flserver3", &[&bind]);
    // The agent reconnects by itself and finds the server again within a request's 3 s.
    assert_eq!(ask(), Some(Multipart::from(["OK"])));
}
