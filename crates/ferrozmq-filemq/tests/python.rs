//! Interop with a FILEMQ peer on pyzmq (`filemq_peer.py`, written from spec 19: no FileMQ
//! implementation is on PyPI), both ways: our server to its client, its server to our
//! client. Each side checks the other's credit: the Python client exits on a chunk larger
//! than its credit left, and our client counts any excess.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::time::{Duration, Instant};

use ferrozmq::Context;
use ferrozmq_filemq::{Client, ClientOptions, Event, Mount, Server, ServerConfig};

struct Peer {
    child: Child,
    lines: Receiver<String>,
}

impl Peer {
    fn start(args: &[&str]) -> Peer {
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/filemq_peer.py");
        let mut child = Command::new("python3")
            .arg(script)
            .args(args)
            .stdout(Stdio::piped())
            .spawn()
            .expect("run python3 (scripts/test.sh installs pyzmq)");
        let (tx, lines) = channel();
        let stdout = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Peer { child, lines }
    }

    fn line(&self, deadline: Instant) -> String {
        self.lines
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
            .expect("a line from the python peer in time")
    }
}

impl Drop for Peer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn a_pyzmq_client_receives_our_servers_tree_within_its_credit() {
    let src = tempfile::tempdir().unwrap();
    common::make_tree(src.path(), 20, 3 * 1024 * 1024);
    let mut config = ServerConfig::default();
    config.mounts.push(Mount {
        location: src.path().to_path_buf(),
        alias: "/".into(),
    });
    let ctx = Context::new();
    let server = Server::bind(&ctx, config, "tcp://127.0.0.1:*").unwrap();
    let dst = tempfile::tempdir().unwrap();
    let peer = Peer::start(&[
        "client",
        server.endpoint(),
        dst.path().to_str().unwrap(),
        "300000",
    ]);
    let want: std::collections::BTreeMap<String, String> = common::digests(src.path())
        .into_iter()
        .map(|(k, v)| (format!("/{k}"), v))
        .collect();
    let mut got = std::collections::BTreeMap::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    while got.len() < want.len() {
        let line = peer.line(deadline);
        let parts: Vec<&str> = line.split(' ').collect();
        assert_eq!(parts[0], "DELIVER", "{line}");
        got.insert(parts[1].to_string(), parts[2].to_string());
    }
    assert_eq!(got, want);
}

#[test]
fn our_client_receives_a_pyzmq_servers_tree() {
    let src = tempfile::tempdir().unwrap();
    common::make_tree(src.path(), 20, 2 * 1024 * 1024);
    let peer = Peer::start(&["server", src.path().to_str().unwrap()]);
    let deadline = Instant::now() + Duration::from_secs(30);
    let line = peer.line(deadline);
    let endpoint = line.strip_prefix("ENDPOINT ").expect("ENDPOINT line");
    let dst = tempfile::tempdir().unwrap();
    let ctx = Context::new();
    let client = Client::connect(&ctx, endpoint, dst.path(), ClientOptions::default()).unwrap();
    client.subscribe("/").unwrap();
    let mut missing: std::collections::BTreeSet<String> = common::digests(src.path())
        .into_keys()
        .map(|k| format!("/{k}"))
        .collect();
    let deadline = Instant::now() + Duration::from_secs(60);
    while !missing.is_empty() {
        let left = deadline.saturating_duration_since(Instant::now());
        assert!(!left.is_zero(), "missing {missing:?}");
        if let Some(Event::Deliver { filename, .. }) = client.recv_timeout(left) {
            missing.remove(&filename);
        }
    }
    assert_eq!(common::digests(src.path()), common::digests(dst.path()));
    assert_eq!(
        client
            .stats()
            .credit_exceeded
            .load(std::sync::atomic::Ordering::Relaxed),
        0
    );
}
