//! Smoke tests of the Clone examples, run as processes on the guide's fixed ports (5556 to
//! 5558): this is the only file that uses them, and its tests hold [`GUIDE_PORTS`] so they
//! run one at a time. Processes are stopped with SIGINT, as Ctrl-C would, and must print
//! the guide's closing lines.

use crate::harness::{Finished, Proc};
use std::sync::{Mutex, MutexGuard};

/// Ctrl-C's signal number on Linux.
const SIGINT: i32 = 2;

/// Held by each test here: the guide's ports are one set for the whole machine.
static GUIDE_PORTS: Mutex<()> = Mutex::new(());

/// The guide's ports, one test at a time (the model 6 tests in `pair.rs` hold it too).
pub fn guide_ports() -> MutexGuard<'static, ()> {
    GUIDE_PORTS.lock().unwrap_or_else(|e| e.into_inner())
}

/// Sends SIGINT to `proc` once it catches it, and waits for it to exit by itself.
fn interrupt(proc: Proc) -> Finished {
    proc.wait_for_signal_handler(SIGINT);
    let status = std::process::Command::new("kill")
        .args(["-INT", &proc.pid().to_string()])
        .status()
        .expect("run kill");
    assert!(status.success());
    proc.finish_ok()
}

/// The number right after `prefix` on the first line of `text` that starts with it.
fn number_after(text: &str, prefix: &str) -> i64 {
    text.lines()
        .find_map(|l| l.strip_prefix(prefix))
        .and_then(|rest| rest.split_whitespace().next()?.parse().ok())
        .unwrap_or_else(|| panic!("no {prefix:?}<number> line in:\n{text}"))
}

/// The number at the start of the first line of `text` that ends with `suffix`.
fn number_before(text: &str, suffix: &str) -> i64 {
    text.lines()
        .find_map(|l| l.strip_suffix(suffix))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("no <number>{suffix:?} line in:\n{text}"))
}

#[test]
fn kvsimple_and_kvmsg_pass_their_self_tests() {
    for name in ["kvsimple", "kvmsg"] {
        let done = Proc::start(name, &[]).finish_ok();
        assert_eq!(done.lines(), [" * kvmsg: OK"], "{name}");
    }
}

#[test]
fn clonecli1_stores_what_clonesrv1_publishes() {
    let _ports = guide_ports();
    let client = Proc::start("clonecli1", &[]);
    // Connected and waiting for updates (it catches Ctrl-C from its first wait on).
    client.wait_for_signal_handler(SIGINT);
    // A probe that subscribes as the client does: once it has an update, so has the client
    // (or soon will), and the server is past its start.
    let ctx = ferrozmq::Context::new();
    let probe = ctx.socket(ferrozmq::SUB).unwrap();
    probe.set_subscribe(b"").unwrap();
    probe.set_rcvtimeo(30_000).unwrap();
    probe.connect("tcp://localhost:5556").unwrap();
    let server = Proc::start("clonesrv1", &[]);
    // Ten thousand updates (three frames each) give the client's subscription time too.
    for _ in 0..30_000 {
        probe.recv_msg(0).expect("an update from clonesrv1");
    }
    let server = interrupt(server);
    assert!(
        number_before(&server.stdout, " messages out") > 0,
        "{}",
        server.stdout
    );
    let client = interrupt(client);
    assert_eq!(client.lines()[0], " Interrupted");
    assert!(
        number_before(&client.stdout, " messages in") > 0,
        "{}",
        client.stdout
    );
}

#[test]
fn clonecli2_gets_a_snapshot_from_clonesrv2() {
    let _ports = guide_ports();
    let server = Proc::start("clonesrv2", &[]);
    let client = Proc::start("clonecli2", &[]);
    client.wait_for_output("Received snapshot=");
    server.wait_for_output("Sending state shapshot=");
    interrupt(client);
    let server = interrupt(server);
    assert!(number_before(&server.stdout, " messages out") > 0);
}

/// clonesrv`n` with two clonecli`n`, the second one joining once the first has seen
/// updates: it must get a snapshot that holds them.
fn clone_model(n: u32) {
    let _ports = guide_ports();
    let server = Proc::start(&format!("clonesrv{n}"), &[]);
    let first = Proc::start(&format!("clonecli{n}"), &[]);
    first.wait_for_output("I: received snapshot=0");
    first.wait_for_output("I: received update=2\n");
    let late = Proc::start(&format!("clonecli{n}"), &[]);
    late.wait_for_output("I: received snapshot=");
    let snapshot = number_after(&late.stdout(), "I: received snapshot=");
    assert!(snapshot >= 2, "late snapshot at {snapshot}");
    late.wait_for_output(&format!("I: received update={}\n", snapshot + 1));
    for client in [first, late] {
        let done = interrupt(client);
        assert!(done.stdout.contains(" Interrupted\n"), "{}", done.stdout);
    }
    let server = interrupt(server);
    assert!(
        server.stdout.contains("I: sending shapshot="),
        "{}",
        server.stdout
    );
    assert!(number_before(&server.stdout, " messages handled") >= 3);
}

#[test]
fn clonecli3_clients_share_updates_through_clonesrv3() {
    clone_model(3);
}

#[test]
fn clonecli4_clients_share_a_subtree_through_clonesrv4() {
    clone_model(4);
}

#[test]
fn clonecli5_clients_share_updates_with_ttls_through_clonesrv5() {
    clone_model(5);
}

/// Starts `pathopub` until `subscriber` has printed `text`: the pathological publisher sends
/// its thousand topics once, a second after it starts, and a subscriber slower than that to
/// start (a loaded machine) misses them; then a new publisher gives it another chance.
fn pathopub_until(subscriber: &Proc, text: &str) -> Proc {
    for _ in 0..3 {
        let publisher = Proc::start("pathopub", &[]);
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
        while std::time::Instant::now() < deadline {
            if subscriber.stdout().contains(text) {
                return publisher;
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    }
    panic!("no {text:?} from pathosub in three runs of pathopub");
}

#[test]
fn pathosub_and_blackbox_receive_what_pathopub_sends() {
    let _ports = guide_ports();
    let subscriber = Proc::start("pathosub", &["--topic", "999"]);
    // Ends by itself once a message is in: one that started too late for the first thousand
    // still gets one of the publisher's later messages (one a second).
    let blackbox = Proc::start("blackbox", &["--workers", "3", "--count", "1"]);
    // Topic 999 is the last of the thousand first messages.
    let publisher = pathopub_until(&subscriber, "Save Roger\n");
    let blackbox = blackbox.finish_ok();
    let received = number_before(&blackbox.stdout, " messages in");
    assert!(received >= 1, "{}", blackbox.stdout);
    let workers: i64 = (0..3)
        .map(|k| number_after(&blackbox.stdout, &format!("worker {k}: ")))
        .sum();
    assert!(workers <= received);
    interrupt(subscriber);
    interrupt(publisher);
}
