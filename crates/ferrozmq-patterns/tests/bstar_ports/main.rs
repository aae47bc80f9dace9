//! Binary Star examples as processes on the guide's fixed ports (tcp 5001-5004), so in a
//! test binary of their own and one at a time: a pair of servers, a client, the active
//! server killed — the client fails over and gets its replies from the backup — and the
//! primary restarted, which comes back passive. Also swapped with pyzmq peers written from
//! the guide (`../patterns/ha_peer.py`): their client with our pair, our client with theirs,
//! and a pair of one pyzmq server and one of ours.

#[path = "../../../ferrozmq/tests/examples/harness.rs"]
mod harness;

#[path = "../support/child_output.rs"]
mod child_output;

use child_output::{Output, Python};
use harness::Proc;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

/// The ports are fixed: one scenario at a time.
fn one_at_a_time() -> MutexGuard<'static, ()> {
    static PORTS: Mutex<()> = Mutex::new(());
    PORTS.lock().unwrap_or_else(|e| e.into_inner())
}

/// The longest any awaited line may take (a failover takes about four seconds).
const WAIT: Duration = Duration::from_secs(20);

/// Waits (bounded) until `what` holds for the output of `who`.
fn wait_until(who: &dyn Output, why: &str, what: impl Fn(&str) -> bool) {
    child_output::wait_until(who, why, WAIT, what);
}

/// Waits until `who` has printed `line`.
fn wait_for_line(who: &dyn Output, line: &str) {
    wait_until(who, line, |out| out.lines().any(|l| l == line));
}

/// The replies a client printed after the last time it printed `marker` (all of them if
/// it never did).
fn replies_after(out: &str, marker: &str) -> usize {
    let tail = match out.rfind(marker) {
        Some(at) if !marker.is_empty() => &out[at..],
        _ => out,
    };
    tail.lines()
        .filter(|l| l.starts_with("I: server replied OK ("))
        .count()
}

/// Waits until the client `who` has `count` replies after `marker`.
fn wait_for_replies(who: &dyn Output, marker: &str, count: usize) {
    wait_until(who, &format!("{count} replies after {marker:?}"), |out| {
        replies_after(out, marker) >= count
    });
}

const PRIMARY_ACTIVE: &str = "I: request from client, ready as active";
const BACKUP_PASSIVE: &str = "I: connected to primary (active), ready as passive";
const FAILING_OVER: &str = "W: no response from server, failing over";
const FAILED_OVER: &str = "I: failover successful, ready as active";

/// Starts the pair, then the client; waits until the primary serves and the backup is
/// passive. The primary becomes active on the first client request (it has not heard an
/// active backup), which is also when it publishes ACTIVE to the backup.
fn serve_until_failover(primary: Box<dyn Output>, backup: &dyn Output, client: &dyn Output) {
    wait_for_replies(client, "", 2);
    wait_until(primary.as_ref(), "the primary active", |out| {
        out.contains(PRIMARY_ACTIVE)
            || out.contains("I: connected to backup (passive), ready as active")
    });
    wait_for_line(backup, BACKUP_PASSIVE);
    drop(primary); // killed
    wait_for_line(client, FAILING_OVER);
    wait_for_replies(
        client,
        "I: connecting to server at tcp://localhost:5002...",
        2,
    );
    wait_for_line(backup, FAILED_OVER);
}

#[test]
fn bstarsrv2_pair_fails_over_for_bstarcli_and_a_restarted_primary_comes_back_passive() {
    let _ports = one_at_a_time();
    let primary = Proc::start("bstarsrv2", &["-p"]);
    wait_for_line(&primary, "I: Primary active, waiting for backup (passive)");
    let backup = Proc::start("bstarsrv2", &["-b"]);
    let client = Proc::start("bstarcli", &[]);
    serve_until_failover(Box::new(primary), &backup, &client);

    // The primary (here the proof-of-concept server) restarts and sees the active backup.
    let primary = Proc::start("bstarsrv", &["-p"]);
    wait_for_line(
        &primary,
        "I: connected to backup (active), ready as passive",
    );
    let replies = replies_after(&client.stdout(), "tcp://localhost:5002...");
    wait_for_replies(&client, "tcp://localhost:5002...", replies + 1);
    let client = client.kill();
    assert_eq!(client.count(FAILING_OVER), 1, "{}", client.stdout);
    assert_eq!(client.starting_with("E:").len(), 0, "{}", client.stdout);
}

#[test]
fn the_pyzmq_bstarcli_fails_over_between_our_bstarsrv2_pair() {
    let _ports = one_at_a_time();
    let primary = Proc::start("bstarsrv2", &["-p"]);
    let backup = Proc::start("bstarsrv2", &["-b"]);
    let client = Python::start("patterns/ha_peer.py", &["bstarcli"]);
    serve_until_failover(Box::new(primary), &backup, &client);
}

#[test]
fn our_bstarcli_fails_over_between_a_pyzmq_pair() {
    let _ports = one_at_a_time();
    let primary = Python::start("patterns/ha_peer.py", &["bstarsrv", "-p"]);
    let backup = Python::start("patterns/ha_peer.py", &["bstarsrv", "-b"]);
    let client = Proc::start("bstarcli", &[]);
    serve_until_failover(Box::new(primary), &backup, &client);
}

#[test]
fn our_bstarsrv2_backup_takes_over_from_a_pyzmq_primary() {
    let _ports = one_at_a_time();
    let primary = Python::start("patterns/ha_peer.py", &["bstarsrv", "-p"]);
    let backup = Proc::start("bstarsrv2", &["-b"]);
    let client = Proc::start("bstarcli", &[]);
    serve_until_failover(Box::new(primary), &backup, &client);
}
