//! FileMQ end to end, in one process: a server and a client (or a raw FILEMQ peer built on
//! the codec, to see the wire) over tcp on ephemeral ports.

mod common;

use std::time::{Duration, Instant};

use common::{digests, make_tree, write_file, RawPeer};
use ferrozmq::{Context, ROUTER};
use ferrozmq_filemq::msg::{Command, OP_CREATE};
use ferrozmq_filemq::{Client, ClientOptions, Event, Mount, Server, ServerConfig};

const ANY_PORT: &str = "tcp://127.0.0.1:*";

fn serve(ctx: &Context, dir: &std::path::Path, alias: &str) -> Server {
    let mut config = ServerConfig::default();
    config.mounts.push(Mount {
        location: dir.to_path_buf(),
        alias: alias.into(),
    });
    Server::bind(ctx, config, ANY_PORT).unwrap()
}

/// Waits for Deliver events naming every file in `names` (virtual names), up to `limit`.
fn await_deliveries(client: &Client, names: &[String], limit: Duration) {
    let deadline = Instant::now() + limit;
    let mut missing: std::collections::BTreeSet<&String> = names.iter().collect();
    while !missing.is_empty() {
        let left = deadline.saturating_duration_since(Instant::now());
        assert!(
            !left.is_zero(),
            "still missing after {limit:?}: {missing:?}"
        );
        if let Some(Event::Deliver { filename, .. }) = client.recv_timeout(left) {
            missing.remove(&filename);
        }
    }
}

fn virtual_names(root: &std::path::Path) -> Vec<String> {
    digests(root).keys().map(|k| format!("/{k}")).collect()
}

#[test]
fn a_tree_of_small_files_and_one_over_100_mib_arrives_byte_identical() {
    let src = tempfile::tempdir().unwrap();
    let dst = tempfile::tempdir().unwrap();
    make_tree(src.path(), 200, 101 * 1024 * 1024 + 7);
    let ctx = Context::new();
    let server = serve(&ctx, src.path(), "/");
    let client = Client::connect(
        &ctx,
        server.endpoint(),
        dst.path(),
        ClientOptions::default(),
    )
    .unwrap();
    client.subscribe("/").unwrap();
    await_deliveries(
        &client,
        &virtual_names(src.path()),
        Duration::from_secs(300),
    );
    assert_eq!(digests(src.path()), digests(dst.path()));
    let stats = client.stats();
    assert_eq!(
        stats
            .credit_exceeded
            .load(std::sync::atomic::Ordering::Relaxed),
        0
    );
}

#[test]
fn a_client_with_a_full_cache_gets_nothing_with_resync() {
    let src = tempfile::tempdir().unwrap();
    let dst = tempfile::tempdir().unwrap();
    make_tree(&src.path().join("data"), 40, 3 * 1024 * 1024);
    make_tree(&dst.path().join("data"), 40, 3 * 1024 * 1024);
    write_file(&src.path().join("marker/m.txt"), 1000, 5);
    let ctx = Context::new();
    let server = serve(&ctx, src.path(), "/");
    let client = Client::connect(
        &ctx,
        server.endpoint(),
        dst.path(),
        ClientOptions::default(),
    )
    .unwrap();
    client.subscribe("/data").unwrap();
    // Commands are handled in order: once the marker (asked for after /data) has arrived,
    // everything /data would have sent has too.
    client.subscribe("/marker").unwrap();
    await_deliveries(
        &client,
        &["/marker/m.txt".to_string()],
        Duration::from_secs(30),
    );
    assert_eq!(
        client
            .stats()
            .bytes_received
            .load(std::sync::atomic::Ordering::Relaxed),
        1000
    );
    assert_eq!(
        client
            .stats()
            .files_received
            .load(std::sync::atomic::Ordering::Relaxed),
        1
    );
}

#[test]
fn the_server_never_sends_more_than_the_credit_counted_on_the_wire() {
    let src = tempfile::tempdir().unwrap();
    write_file(&src.path().join("big.bin"), 4 * 1024 * 1024, 3);
    let ctx = Context::new();
    let server = serve(&ctx, src.path(), "/");
    let peer = RawPeer::connect(&ctx, server.endpoint());
    peer.open();
    peer.send(&Command::Icanhaz {
        path: "/".into(),
        options: vec![("RESYNC".into(), "1".into())],
        cache: Vec::new(),
    });
    assert_eq!(peer.recv_skipping_hugz(), Command::IcanhazOk);
    // No credit yet: the next thing from the server is a heartbeat, not data.
    assert_eq!(peer.recv(), Command::Hugz);
    let mut granted = 0u64;
    let mut received = 0u64;
    for grant in [100_000u64, 1, 300_000] {
        peer.send(&Command::Nom {
            credit: grant,
            sequence: 0,
        });
        granted += grant;
        // Take chunks until the server has used the credit, then one heartbeat more: it
        // had a whole heartbeat to overstep and must not have.
        loop {
            match peer.recv() {
                Command::Cheezburger {
                    chunk, operation, ..
                } => {
                    assert_eq!(operation, OP_CREATE);
                    received += chunk.len() as u64;
                    assert!(received <= granted, "{received} > {granted}");
                }
                Command::Hugz if received == granted => break,
                Command::Hugz => peer.send(&Command::HugzOk),
                other => panic!("unexpected {other:?}"),
            }
        }
    }
    assert_eq!(received, 400_001);
}

#[test]
fn traversal_paths_in_icanhaz_get_srsly() {
    let src = tempfile::tempdir().unwrap();
    let ctx = Context::new();
    let server = serve(&ctx, src.path(), "/");
    let peer = RawPeer::connect(&ctx, server.endpoint());
    peer.open();
    for path in ["/../etc", "../x", "etc/passwd", "/a/../../b", "//etc", ""] {
        peer.send(&Command::Icanhaz {
            path: path.into(),
            options: Vec::new(),
            cache: Vec::new(),
        });
        assert!(
            matches!(peer.recv_skipping_hugz(), Command::Srsly { .. }),
            "{path:?} was not refused"
        );
    }
}

#[test]
fn symlinks_out_of_the_mount_are_not_published() {
    let outside = tempfile::tempdir().unwrap();
    write_file(&outside.path().join("secret.txt"), 100, 1);
    let src = tempfile::tempdir().unwrap();
    write_file(&src.path().join("ok.txt"), 100, 2);
    std::os::unix::fs::symlink(
        outside.path().join("secret.txt"),
        src.path().join("secret.txt"),
    )
    .unwrap();
    std::os::unix::fs::symlink(outside.path(), src.path().join("outdir")).unwrap();
    let dst = tempfile::tempdir().unwrap();
    let ctx = Context::new();
    let server = serve(&ctx, src.path(), "/");
    let client = Client::connect(
        &ctx,
        server.endpoint(),
        dst.path(),
        ClientOptions::default(),
    )
    .unwrap();
    client.subscribe("/").unwrap();
    await_deliveries(&client, &["/ok.txt".to_string()], Duration::from_secs(30));
    let got: Vec<String> = digests(dst.path()).into_keys().collect();
    assert_eq!(got, ["ok.txt"]);
}

/// A hostile server: whatever the client asks, it sends files named to climb out of the
/// inbox, then one good file.
#[test]
fn the_client_never_writes_outside_its_inbox() {
    let ctx = Context::new();
    let router = ctx.socket(ROUTER).unwrap();
    router.set_rcvtimeo(10_000).unwrap();
    router.bind(ANY_PORT).unwrap();
    let endpoint = router.get_last_endpoint().unwrap().unwrap();
    let base = tempfile::tempdir().unwrap();
    let inbox = base.path().join("inbox");
    let client = Client::connect(&ctx, &endpoint, &inbox, ClientOptions::default()).unwrap();
    client.subscribe("/").unwrap();
    let recv = || {
        let mut frames = router.recv_multipart(0).unwrap();
        let id = frames.remove(0);
        (id, Command::decode(&frames).unwrap())
    };
    let (id, ohai) = recv();
    assert_eq!(ohai, Command::Ohai);
    let send = |c: Command| {
        let mut frames = vec![id.clone()];
        frames.extend(c.encode());
        router.send_multipart(frames, 0).unwrap();
    };
    send(Command::Orly {
        mechanisms: vec!["ANONYMOUS".into()],
        challenge: Vec::new(),
    });
    assert!(matches!(recv().1, Command::Yarly { .. }));
    send(Command::OhaiOk);
    let evil = [
        "/../evil1",
        "/a/../../evil2",
        "../evil3",
        "//evil4",
        "/x/./../../evil5",
        "/ok.txt",
    ];
    for (i, name) in evil.iter().enumerate() {
        for (offset, chunk) in [(0u64, b"pwned".to_vec()), (5, Vec::new())] {
            send(Command::Cheezburger {
                sequence: i as u64,
                operation: OP_CREATE,
                filename: name.to_string(),
                offset,
                headers: Vec::new(),
                chunk,
            });
        }
    }
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut refused = 0;
    loop {
        match client.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
            Some(Event::Refused { .. }) => refused += 1,
            Some(Event::Deliver { filename, .. }) => {
                assert_eq!(filename, "/ok.txt");
                break;
            }
            Some(_) => {}
            None => panic!("no delivery of /ok.txt"),
        }
    }
    assert!(refused >= 5, "{refused} refusals");
    let mut everything: Vec<String> = digests(base.path()).into_keys().collect();
    everything.sort();
    assert_eq!(everything, ["inbox/ok.txt"]);
}

#[test]
fn malformed_commands_get_rtfm_and_the_server_keeps_serving() {
    let src = tempfile::tempdir().unwrap();
    write_file(&src.path().join("f.txt"), 10, 1);
    let ctx = Context::new();
    let server = serve(&ctx, src.path(), "/");
    let peer = RawPeer::connect(&ctx, server.endpoint());
    let bad: Vec<Vec<Vec<u8>>> = vec![
        vec![b"\x00\x01".to_vec()],
        vec![b"\xAA\xA4\x01\x06FILEMQ\x01".to_vec()],
        vec![b"\xAA\xA3\x01\x06FILEMQ\x02".to_vec()],
        vec![b"\xAA\xA3\x07\x00\x00".to_vec()],
        vec![b"\xAA\xA3\x42".to_vec()],
        vec![b"\xAA\xA3\x05\x09/".to_vec()],
        vec![b"\xAA\xA3\x09".to_vec(), b"surplus".to_vec()],
        Command::Cheezburger {
            sequence: 0,
            operation: 1,
            filename: "/x".into(),
            offset: 0,
            headers: Vec::new(),
            chunk: Vec::new(),
        }
        .encode(),
        Command::Nom {
            credit: 5,
            sequence: 0,
        }
        .encode(),
    ];
    for frames in bad {
        peer.send_frames(frames.clone());
        assert!(
            matches!(peer.recv(), Command::Rtfm { .. }),
            "{frames:?} did not get RTFM"
        );
    }
    assert_eq!(
        server
            .stats()
            .rtfm_sent
            .load(std::sync::atomic::Ordering::Relaxed),
        9
    );
    let dst = tempfile::tempdir().unwrap();
    let client = Client::connect(
        &ctx,
        server.endpoint(),
        dst.path(),
        ClientOptions::default(),
    )
    .unwrap();
    client.subscribe("/").unwrap();
    await_deliveries(&client, &["/f.txt".to_string()], Duration::from_secs(30));
}

#[test]
fn plain_accounts_are_checked() {
    let src = tempfile::tempdir().unwrap();
    let mut config = ServerConfig {
        anonymous: false,
        ..ServerConfig::default()
    };
    config.plain.push(("guest".into(), "guest".into()));
    config.mounts.push(Mount {
        location: src.path().to_path_buf(),
        alias: "/".into(),
    });
    let ctx = Context::new();
    let server = Server::bind(&ctx, config, ANY_PORT).unwrap();
    let peer = RawPeer::connect(&ctx, server.endpoint());
    peer.send(&Command::Ohai);
    let Command::Orly { mechanisms, .. } = peer.recv() else {
        panic!("no ORLY")
    };
    assert_eq!(mechanisms, ["PLAIN"]);
    peer.send(&Command::Yarly {
        mechanism: "PLAIN".into(),
        response: b"\0guest\0wrong".to_vec(),
    });
    assert!(matches!(peer.recv(), Command::Srsly { .. }));
    peer.send(&Command::Ohai);
    assert!(matches!(peer.recv(), Command::Orly { .. }));
    peer.send(&Command::Yarly {
        mechanism: "PLAIN".into(),
        response: b"\0guest\0guest".to_vec(),
    });
    assert_eq!(peer.recv(), Command::OhaiOk);
    // Heartbeats go both ways: ours is answered.
    peer.send(&Command::Hugz);
    assert_eq!(peer.recv_skipping_server_hugz(), Command::HugzOk);
    // KTHXBAI ends the conversation: the server has forgotten us.
    peer.send(&Command::Kthxbai);
    peer.send(&Command::Nom {
        credit: 1,
        sequence: 0,
    });
    assert!(matches!(
        peer.recv_skipping_server_hugz(),
        Command::Rtfm { .. }
    ));
}

#[test]
fn new_files_are_noticed_and_deletions_follow() {
    let src = tempfile::tempdir().unwrap();
    let dst = tempfile::tempdir().unwrap();
    let ctx = Context::new();
    let server = serve(&ctx, src.path(), "/logs");
    let client = Client::connect(
        &ctx,
        server.endpoint(),
        dst.path(),
        ClientOptions::default(),
    )
    .unwrap();
    client.subscribe("/logs").unwrap();
    while client.recv_timeout(Duration::from_secs(10)) != Some(Event::Connected) {}
    write_file(&src.path().join("late.txt"), 5000, 8);
    await_deliveries(
        &client,
        &["/logs/late.txt".to_string()],
        Duration::from_secs(30),
    );
    std::fs::remove_file(src.path().join("late.txt")).unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        match client.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
            Some(Event::Delete { filename }) => {
                assert_eq!(filename, "/logs/late.txt");
                break;
            }
            Some(_) => {}
            None => panic!("no deletion"),
        }
    }
    assert!(!dst.path().join("logs/late.txt").exists());
}
