//! Our server and our clone client against a CHP peer written with pyzmq from RFC 12
//! (`chp_peer.py`, libzmq 4.3.5 underneath): either side of the protocol can be swapped.

use crate::support::{chp_server, client, pump, TIMEOUT};
use ferrozmq::Context;
use ferrozmq_patterns::clone::protocol::Endpoints;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Instant;

/// Starts `python3 chp_peer.py args…` under `timeout`, with piped stdin and stdout.
fn start_peer(args: &[&str]) -> Child {
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/clone/chp_peer.py");
    Command::new("timeout")
        .args(["60", "python3"])
        .arg(script)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("run python3 (scripts/test.sh installs pyzmq)")
}

/// Waits for `child`, asserts it succeeded and returns its stdout.
fn finish(child: Child) -> String {
    let output = child.wait_with_output().expect("wait for python3");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "chp_peer.py failed ({})\n{stdout}",
        output.status
    );
    stdout
}

#[test]
fn a_pyzmq_chp_client_syncs_and_updates_through_our_server() {
    let (ctx, mut server, endpoints) = chp_server();
    let ours = client(&ctx, "", &[&endpoints]);
    for i in 0..5 {
        ours.set(&format!("/rust/{i}"), "r", 0).unwrap();
    }
    pump(&mut [&mut server], "our 5 updates", |s| {
        s[0].state().sequence() == 5
    });
    let mut peer = start_peer(&[
        "client",
        &endpoints.snapshot,
        &endpoints.publisher,
        &endpoints.collector,
        "20",
    ]);
    pump(&mut [&mut server], "the python client to finish", |_| {
        peer.try_wait().expect("python3 status").is_some()
    });
    assert_eq!(finish(peer), "snapshot 5 at 5\nupdates 20 in sequence\n");
    assert_eq!(server.state().map().len(), 25);
    pump(
        &mut [&mut server],
        "our client to see the python updates",
        |_| ours.values().unwrap().len() == 25,
    );
    assert_eq!(ours.get("/py/19").unwrap().as_deref(), Some(&b"v19"[..]));
}

#[test]
fn our_clone_clients_sync_and_update_through_a_pyzmq_chp_server() {
    let mut peer = start_peer(&["server"]);
    let mut line = String::new();
    BufReader::new(peer.stdout.as_mut().unwrap())
        .read_line(&mut line)
        .expect("the server's endpoints");
    let [snapshot, publisher, collector]: [&str; 3] = line
        .split_whitespace()
        .collect::<Vec<_>>()
        .try_into()
        .expect("three endpoints");
    let endpoints = Endpoints {
        snapshot: snapshot.into(),
        publisher: publisher.into(),
        collector: collector.into(),
    };
    let ctx = Context::new();
    let writer = client(&ctx, "", &[&endpoints]);
    for i in 0..10 {
        writer
            .set(&format!("/client/{i}"), format!("{i}"), 0)
            .unwrap();
    }
    writer.set("/other/x", "x", 0).unwrap();
    let late = client(&ctx, "/client/", &[&endpoints]);
    let deadline = Instant::now() + TIMEOUT;
    while late.values().unwrap().len() != 10 || writer.values().unwrap().len() != 11 {
        assert!(Instant::now() < deadline, "our clients never converged");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert_eq!(late.get("/client/3").unwrap().as_deref(), Some(&b"3"[..]));
    drop(peer.stdin.take());
    assert_eq!(finish(peer), "served 11 updates\n");
}
