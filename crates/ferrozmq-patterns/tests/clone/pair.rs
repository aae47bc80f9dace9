//! The guide's model 6 as processes on its fixed ports (clonesrv6 `-p`/`-b`: 5556-5558,
//! 5566-5568 and the Binary Star state ports 5003/5004), holding the examples' port lock:
//! the primary killed mid-stream, the clients fail over to the backup and no update a client
//! sent is lost — those the primary published and those it died holding alike — and the
//! restarted primary comes back passive with the whole map. The same with pyzmq stand-ins
//! written from the guide (`ha_clone_peer.py`) for the servers, and for the client.

use crate::child_output::{wait_until, Output, Python};
use crate::examples::guide_ports;
use crate::harness::Proc;
use ferrozmq::Context;
use ferrozmq_patterns::clone::client::Client;
use std::collections::HashMap;
use std::process::Command;
use std::thread::sleep;
use std::time::{Duration, Instant};

/// The longest any awaited state may take (a fail-over takes the client's 5 s server TTL
/// plus the Binary Star pair's two heartbeats).
const WAIT: Duration = Duration::from_secs(30);

/// Waits (bounded) until `who` has printed `text`.
fn wait_for(who: &dyn Output, text: &str) {
    wait_until(who, &format!("{text:?}"), WAIT, |out| out.contains(text));
}

/// Which implementation runs the servers.
#[derive(Clone, Copy)]
enum Servers {
    Ours,
    Python,
}

impl Servers {
    /// Starts `clonesrv6 role` (`-p` or `-b`).
    fn start(self, role: &str) -> Box<dyn Output> {
        match self {
            Servers::Ours => Box::new(Proc::start("clonesrv6", &[role])),
            Servers::Python => Box::new(Python::start(
                "clone/ha_clone_peer.py",
                &["clonesrv6", role],
            )),
        }
    }

    /// Starts the pair and waits until the backup follows the active primary.
    fn start_pair(self, ctx: &Context) -> (Box<dyn Output>, Box<dyn Output>) {
        let primary = self.start("-p");
        wait_for(
            primary.as_ref(),
            "I: primary active, waiting for backup (passive)",
        );
        let backup = self.start("-b");
        wait_for(
            backup.as_ref(),
            "I: backup passive, waiting for primary (active)",
        );
        // A client's snapshot request is the vote that makes the primary active; the guide's
        // backup asks for its snapshot on the first update it hears.
        let voter = guide_client(ctx, "/vote/");
        wait_for(
            backup.as_ref(),
            "I: connected to primary (active), ready as passive",
        );
        voter.set("/vote/1", "x", 0).expect("set");
        wait_for(backup.as_ref(), "I: received snapshot=");
        (primary, backup)
    }
}

/// A clone client of the guide's pair for `subtree`, with `clone.c`'s 5 s server TTL.
fn guide_client(ctx: &Context, subtree: &str) -> Client {
    let client = Client::new(ctx).expect("client");
    client.subtree(subtree).expect("subtree");
    client.connect("tcp://localhost", "5556").expect("primary");
    client.connect("tcp://localhost", "5566").expect("backup");
    client
}

/// Waits (bounded) until `client`'s map satisfies `what`; returns the map.
fn wait_for_map(
    client: &Client,
    why: &str,
    what: impl Fn(&HashMap<String, Vec<u8>>) -> bool,
) -> HashMap<String, Vec<u8>> {
    let deadline = Instant::now() + WAIT;
    loop {
        let map = client.values().expect("values");
        if what(&map) {
            return map;
        }
        assert!(Instant::now() < deadline, "waited for {why}; map: {map:?}");
        sleep(Duration::from_millis(50));
    }
}

/// True if `map` holds every key of `expected` with its value.
fn holds(map: &HashMap<String, Vec<u8>>, expected: &HashMap<String, Vec<u8>>) -> bool {
    expected.iter().all(|(k, v)| map.get(k) == Some(v))
}

/// Sets `key` to `value` (no TTL) through `writer`, and expects it everywhere.
fn set(writer: &Client, expected: &mut HashMap<String, Vec<u8>>, key: String, value: &str) {
    writer.set(&key, value, 0).expect("set");
    expected.insert(key, value.as_bytes().to_vec());
}

/// Waits (bounded) until `observer` is subscribed to its server's updates, not only synced
/// by snapshot: its SUB and snapshot connections race (an update published between the
/// snapshot and the subscription reaching the server is missed, as in the guide's model),
/// so `writer` sets a marker until `observer` has seen it change — the second value can only
/// have come by subscription.
fn wait_subscribed(writer: &Client, observer: &Client) {
    let deadline = Instant::now() + WAIT;
    let mut first_seen = None;
    for round in 0u64.. {
        writer
            .set("/client/marker", round.to_string(), 0)
            .expect("set");
        sleep(Duration::from_millis(50));
        let seen = observer.get("/client/marker").expect("get");
        match (&first_seen, seen) {
            (None, Some(value)) => first_seen = Some(value),
            (Some(first), Some(value)) if *first != value => return,
            _ => {}
        }
        assert!(Instant::now() < deadline, "the observer never subscribed");
    }
}

/// Our clone clients through a pair of `servers`: updates before, during and after the
/// primary is killed reach every client and a late joiner; a subtree stays a subtree; the
/// restarted primary comes back passive with the backup's map.
fn our_clients_fail_over(servers: Servers) {
    let _ports = guide_ports();
    let ctx = Context::new();
    let (primary, backup) = servers.start_pair(&ctx);
    let writer = guide_client(&ctx, "/client/");
    let observer = guide_client(&ctx, "/client/");
    wait_subscribed(&writer, &observer);
    let mut expected = HashMap::new();
    for i in 0..10 {
        set(&writer, &mut expected, format!("/client/before/{i}"), "b");
    }
    writer
        .set("/other/hidden", "x", 0)
        .expect("set outside the subtree");
    let before = expected.clone();
    wait_for_map(&observer, "the first updates through the primary", |m| {
        holds(m, &before)
    });
    wait_for(backup.as_ref(), "I: received update=");

    drop(primary); // killed
                   // Sent while the primary is dead: only the backup's collector takes them, as pending.
    for i in 0..10 {
        set(&writer, &mut expected, format!("/client/during/{i}"), "d");
    }
    wait_for(backup.as_ref(), "I: failover successful, ready as active");
    let map = wait_for_map(&observer, "every update through the backup", |m| {
        holds(m, &expected)
    });
    assert!(
        !map.contains_key("/other/hidden"),
        "outside the subtree: {map:?}"
    );
    assert!(
        backup.text().contains("I: publishing pending="),
        "{}",
        backup.text()
    );
    for i in 0..5 {
        set(&writer, &mut expected, format!("/client/after/{i}"), "a");
    }
    wait_for_map(&writer, "the writer's own map", |m| holds(m, &expected));

    // A client joining now gets it all by snapshot from the backup.
    let late = guide_client(&ctx, "/client/");
    wait_for_map(&late, "a late joiner's snapshot", |m| holds(m, &expected));

    // The restarted primary sees the active backup and follows it.
    let primary = servers.start("-p");
    wait_for(
        primary.as_ref(),
        "I: connected to backup (active), ready as passive",
    );
    writer.set("/client/last", "l", 0).expect("set");
    wait_for(
        primary.as_ref(),
        "I: asking for snapshot from: tcp://localhost:5566",
    );
    wait_for(primary.as_ref(), "I: received snapshot=");
    assert!(!backup.text().contains("E:"), "{}", backup.text());
}

#[test]
fn killing_the_clonesrv6_primary_loses_no_update_and_it_comes_back_passive() {
    our_clients_fail_over(Servers::Ours);
}

#[test]
fn our_clone_clients_fail_over_between_a_pyzmq_clonesrv6_pair() {
    our_clients_fail_over(Servers::Python);
}

#[test]
fn a_key_with_a_ttl_expires_after_the_clonesrv6_backup_takes_over() {
    let _ports = guide_ports();
    let ctx = Context::new();
    let (primary, backup) = Servers::Ours.start_pair(&ctx);
    let writer = guide_client(&ctx, "/client/");
    writer.set("/client/expiring", "soon", 3).expect("set");
    wait_for_map(&writer, "the key published", |m| {
        m.contains_key("/client/expiring")
    });
    wait_for(backup.as_ref(), "I: received update=");
    drop(primary);
    wait_for(backup.as_ref(), "I: failover successful, ready as active");
    wait_for(backup.as_ref(), "I: publishing delete=");
    wait_for_map(&writer, "the key expired", |m| {
        !m.contains_key("/client/expiring")
    });
}

#[test]
fn the_pyzmq_clonecli6_fails_over_between_our_clonesrv6_pair() {
    let _ports = guide_ports();
    let ctx = Context::new();
    let (primary, backup) = Servers::Ours.start_pair(&ctx);
    let client = Python::start("clone/ha_clone_peer.py", &["clonecli6", "30"]);
    wait_for(&client, "I: received from 5556 snapshot=");
    // Mid-stream: the client sets a key each 100 ms.
    wait_for(primary.as_ref(), "I: publishing update=5\n");
    drop(primary);
    wait_for(&client, "I: server at 5556 didn't give HUGZ");
    wait_for(&client, "I: received from 5566 snapshot=");
    wait_for(&client, "confirmed 30");
    assert!(!backup.text().contains("E:"), "{}", backup.text());
}

#[test]
fn clonecli6_sets_its_random_updates_through_the_clonesrv6_pair() {
    let _ports = guide_ports();
    let ctx = Context::new();
    let (_primary, backup) = Servers::Ours.start_pair(&ctx);
    let observer = guide_client(&ctx, "/client/");
    wait_subscribed(&guide_client(&ctx, "/client/"), &observer);
    let client = Proc::start("clonecli6", &[]);
    wait_for_map(&observer, "two of clonecli6's updates", |m| m.len() >= 3);
    wait_for(backup.as_ref(), "I: received update=");
    let status = Command::new("kill")
        .args(["-INT", &client.pid().to_string()])
        .status()
        .expect("run kill");
    assert!(status.success());
    client.finish_ok();
}
