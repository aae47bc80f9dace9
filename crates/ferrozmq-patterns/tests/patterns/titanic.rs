//! Titanic as processes (mdbroker, titanic, mdworker, ticlient examples): the guide's round
//! trip, and every acknowledged request delivered after a `kill -9` of Titanic.

use crate::harness::{free_ports, tcp, Proc, TempDir};
use crate::support::texts;
use ferrozmq::{Context, Multipart};
use ferrozmq_patterns::mdp::client::Client;
use std::time::{Duration, Instant};

#[test]
fn ticlient_gets_its_reply_through_titanic() {
    let [port] = free_ports();
    let dir = TempDir::new("titanic-ticlient");
    let dir_arg = dir.0.to_str().unwrap();
    let broker = Proc::start("mdbroker", &[&tcp(port), "-v"]);
    let _titanic = Proc::start("titanic", &[&tcp(port), "--dir", dir_arg, "--retry", "100"]);
    let _worker = Proc::start("mdworker", &[&tcp(port)]);
    // titanic.request, .reply, .close and echo: the guide's client gives up (silently) when
    // a service takes longer than its retries to come up, as it can on a loaded machine.
    broker.wait_for_log("I: registering new worker", 4);
    let client = Proc::start("ticlient", &[&tcp(port), "--interval", "100"]).finish_ok();
    assert_eq!(client.starting_with("I: request UUID: ").len(), 1);
    assert_eq!(client.lines().last(), Some(&"Reply: Hello world"));
}

/// Asks `service` about `uuid` through `client`; the status and the rest.
fn ask(client: &mut Client, service: &str, uuid: &str) -> Vec<String> {
    let reply = client.send(service, Multipart::from([uuid])).unwrap();
    texts(&reply.expect("Titanic answers"))
}

#[test]
fn a_titanic_killed_with_sigkill_and_restarted_delivers_every_accepted_request() {
    let [port] = free_ports();
    let dir = TempDir::new("titanic-kill");
    let dir_arg = dir.0.to_str().unwrap();
    let _broker = Proc::start("mdbroker", &[&tcp(port)]);
    let titanic = Proc::start("titanic", &[&tcp(port), "--dir", dir_arg, "--retry", "100"]);
    let ctx = Context::new();
    let mut client = Client::new(&ctx, &tcp(port)).unwrap();
    // After the restart the killed Titanic's workers are still registered until the broker
    // expires them, and each may swallow one request: retry soon.
    client.set_timeout(Duration::from_secs(1));
    client.set_retries(10);
    // No echo worker yet: every request stays pending, on disk only.
    let mut accepted = Vec::new();
    for i in 0..10 {
        let request = Multipart::from(["echo".to_string(), format!("request {i}")]);
        let reply = client.send("titanic.request", request).unwrap();
        let reply = texts(&reply.expect("titanic.request answers"));
        assert_eq!(reply[0], "200", "{reply:?}");
        assert_eq!(reply[1].len(), 32);
        accepted.push((reply[1].clone(), format!("request {i}")));
    }
    assert_eq!(ask(&mut client, "titanic.reply", &accepted[0].0), ["300"]);
    let killed = titanic.kill(); // SIGKILL
    assert!(!killed.status.success());

    let _titanic = Proc::start("titanic", &[&tcp(port), "--dir", dir_arg, "--retry", "100"]);
    let _worker = Proc::start("mdworker", &[&tcp(port)]);
    let deadline = Instant::now() + Duration::from_secs(20);
    for (uuid, body) in &accepted {
        // RFC 9: "300" means ask again later.
        let reply = loop {
            let reply = ask(&mut client, "titanic.reply", uuid);
            if reply[0] != "300" {
                break reply;
            }
            assert!(Instant::now() < deadline, "{uuid} still pending");
            std::thread::sleep(Duration::from_millis(50));
        };
        assert_eq!(reply, ["200", body.as_str()]);
        assert_eq!(ask(&mut client, "titanic.close", uuid), ["200"]);
        assert_eq!(ask(&mut client, "titanic.reply", uuid), ["400"]);
    }
    assert_eq!(
        ask(&mut client, "titanic.reply", "../../etc/passwd"),
        ["400"]
    );
}
