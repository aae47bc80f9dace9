//! Binary Star: the state machine table without sockets (every state × event, with the peer
//! alive and expired; the split-brain cases), and the reactor class in threads with fast
//! heartbeats (failover on a client vote, garbage on the state socket ignored).

use ferrozmq::{Context, Multipart, PUB, REQ, ROUTER};
use ferrozmq_patterns::bstar::fsm::{transition, Event, Fsm, State, Transition};
use ferrozmq_patterns::bstar::{BinaryStar, Handlers, Role};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use Event::{ClientRequest, Peer};
use State::{Active, Backup, Passive, Primary};
use Transition::{Become, Fatal, Reject, Stay};

/// What each (state, event) does with the peer alive and with the peer expired.
#[rustfmt::skip]
const TABLE: [(State, Event, Transition, Transition); 20] = [
    (Primary, Peer(Primary), Stay, Stay),
    (Primary, Peer(Backup), Become(Active, "I: connected to backup (passive), ready as active"),
                            Become(Active, "I: connected to backup (passive), ready as active")),
    (Primary, Peer(Active), Become(Passive, "I: connected to backup (active), ready as passive"),
                            Become(Passive, "I: connected to backup (active), ready as passive")),
    (Primary, Peer(Passive), Stay, Stay),
    (Primary, ClientRequest, Reject, Become(Active, "I: request from client, ready as active")),
    (Backup, Peer(Primary), Stay, Stay),
    (Backup, Peer(Backup), Stay, Stay),
    (Backup, Peer(Active), Become(Passive, "I: connected to primary (active), ready as passive"),
                           Become(Passive, "I: connected to primary (active), ready as passive")),
    (Backup, Peer(Passive), Stay, Stay),
    (Backup, ClientRequest, Reject, Reject),
    (Active, Peer(Primary), Stay, Stay),
    (Active, Peer(Backup), Stay, Stay),
    (Active, Peer(Active), Fatal("E: fatal error - dual actives, aborting"),
                           Fatal("E: fatal error - dual actives, aborting")),
    (Active, Peer(Passive), Stay, Stay),
    (Active, ClientRequest, Stay, Stay),
    (Passive, Peer(Primary), Become(Active, "I: primary (passive) is restarting, ready as active"),
                             Become(Active, "I: primary (passive) is restarting, ready as active")),
    (Passive, Peer(Backup), Become(Active, "I: backup (passive) is restarting, ready as active"),
                            Become(Active, "I: backup (passive) is restarting, ready as active")),
    (Passive, Peer(Active), Stay, Stay),
    (Passive, Peer(Passive), Fatal("E: fatal error - dual passives, aborting"),
                             Fatal("E: fatal error - dual passives, aborting")),
    (Passive, ClientRequest, Reject, Become(Active, "I: failover successful, ready as active")),
];

#[test]
fn every_state_and_event_has_the_guides_transition() {
    for state in State::ALL {
        for event in Event::ALL {
            let row = TABLE
                .iter()
                .find(|row| row.0 == state && row.1 == event)
                .unwrap_or_else(|| panic!("no row for {state:?} x {event:?}"));
            assert_eq!(
                transition(state, event, false),
                row.2,
                "{state:?} x {event:?}, peer alive"
            );
            assert_eq!(
                transition(state, event, true),
                row.3,
                "{state:?} x {event:?}, peer expired"
            );
        }
    }
}

const BEAT: Duration = Duration::from_millis(100);

/// A machine that has gone from BACKUP to PASSIVE on hearing an active primary at `t0`.
fn passive_backup(t0: Instant) -> Fsm {
    let mut fsm = Fsm::new(Backup, BEAT);
    assert!(matches!(fsm.handle(Peer(Active), t0), Become(Passive, _)));
    fsm
}

#[test]
fn a_passive_server_takes_over_only_on_a_client_vote_after_two_silent_heartbeats() {
    let t0 = Instant::now();
    let mut fsm = passive_backup(t0);
    // The peer's last state was at t0: before two heartbeats have passed, clients are refused.
    assert_eq!(fsm.handle(ClientRequest, t0 + BEAT), Reject);
    assert_eq!(
        fsm.handle(ClientRequest, t0 + 2 * BEAT - Duration::from_millis(1)),
        Reject
    );
    assert_eq!(fsm.state(), Passive);
    // Silence alone changes nothing (no split brain when only the servers' link is cut):
    // the machine has no timer event at all; only a client request after expiry moves it.
    assert_eq!(fsm.state(), Passive);
    assert!(matches!(
        fsm.handle(ClientRequest, t0 + 2 * BEAT),
        Become(Active, _)
    ));
    assert_eq!(fsm.state(), Active);
    assert_eq!(fsm.handle(ClientRequest, t0 + 3 * BEAT), Stay);
}

#[test]
fn each_peer_state_message_extends_the_peers_life_by_two_heartbeats() {
    let t0 = Instant::now();
    let mut fsm = passive_backup(t0);
    assert_eq!(fsm.handle(Peer(Active), t0 + BEAT), Stay);
    assert_eq!(fsm.handle(ClientRequest, t0 + 2 * BEAT), Reject);
    assert!(matches!(
        fsm.handle(ClientRequest, t0 + 3 * BEAT),
        Become(Active, _)
    ));
}

#[test]
fn a_primary_serves_at_once_when_it_has_never_heard_its_backup_but_a_backup_never_does() {
    let now = Instant::now();
    let mut primary = Fsm::new(Primary, BEAT);
    assert!(matches!(
        primary.handle(ClientRequest, now),
        Become(Active, _)
    ));
    let mut backup = Fsm::new(Backup, BEAT);
    for later in [now, now + 10 * BEAT] {
        assert_eq!(backup.handle(ClientRequest, later), Reject);
        assert_eq!(backup.state(), Backup);
    }
}

#[test]
fn split_brain_is_fatal_and_leaves_the_state_alone() {
    let now = Instant::now();
    let mut active = Fsm::new(Primary, BEAT);
    active.handle(Peer(Backup), now);
    assert!(matches!(active.handle(Peer(Active), now), Fatal(_)));
    assert_eq!(active.state(), Active);
    let mut passive = passive_backup(now);
    assert!(matches!(passive.handle(Peer(Passive), now), Fatal(_)));
    assert_eq!(passive.state(), Passive);
}

/// A state change or log line of a server in a thread.
#[derive(Debug, PartialEq)]
enum Seen {
    Active,
    Passive,
    Log(String),
}

/// Runs a Binary Star echo server in a thread of `ctx` with fast heartbeats; its voter and
/// state endpoints are fixed by the caller (loopback, free ports). Reports what it does.
fn start_server(
    ctx: &Context,
    role: Role,
    [voter, local, remote]: [String; 3],
    seen: mpsc::Sender<Seen>,
) -> std::thread::JoinHandle<()> {
    let ctx = ctx.clone();
    std::thread::spawn(move || {
        let mut bstar = BinaryStar::new(&ctx, role, &local, &remote).expect("bstar");
        bstar.set_heartbeat(BEAT);
        let log = seen.clone();
        bstar.set_log(move |line| drop(log.send(Seen::Log(line.to_string()))));
        bstar.voter(&voter, ROUTER).expect("voter");
        let (on_active, on_passive) = (seen.clone(), seen);
        let handlers = Handlers::new(|_, socket| Multipart::recv(socket)?.send(socket))
            .on_active(move |_| report(&on_active, Seen::Active))
            .on_passive(move |_| report(&on_passive, Seen::Passive));
        let _ = bstar.start(handlers);
    })
}

/// Tells the test what a server did (a test that stopped listening is not an error).
fn report(to: &mpsc::Sender<Seen>, what: Seen) -> ferrozmq::Result<()> {
    let _ = to.send(what);
    Ok(())
}

/// Waits (bounded) until `seen` reports `wanted`.
fn wait_for(seen: &mpsc::Receiver<Seen>, wanted: Seen) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match seen.recv_timeout(left) {
            Ok(got) if got == wanted => return,
            Ok(_) => {}
            Err(e) => panic!("no {wanted:?}: {e}"),
        }
    }
}

/// Sends `request` on a fresh REQ socket to `endpoint`; the reply if one comes within `wait`.
fn ask(ctx: &Context, endpoint: &str, request: &str, wait: Duration) -> Option<String> {
    let client = ctx.socket(REQ).unwrap();
    client.set_linger(0).unwrap();
    client.connect(endpoint).unwrap();
    client.send(request, 0).unwrap();
    (client
        .poll(ferrozmq::POLLIN, wait.as_millis() as i64)
        .unwrap()
        != 0)
        .then(|| client.recv_string(0).unwrap().unwrap())
}

fn endpoints<const N: usize>() -> [String; N] {
    crate::harness::free_ports::<N>().map(|port| format!("tcp://127.0.0.1:{port}"))
}

#[test]
fn the_backup_takes_over_on_a_client_vote_once_the_active_primary_is_gone() {
    let [voter_p, voter_b, state_p, state_b] = endpoints();
    let (primary_ctx, backup_ctx, client_ctx) = (Context::new(), Context::new(), Context::new());
    let (p_tx, p_seen) = mpsc::channel();
    let (b_tx, b_seen) = mpsc::channel();
    let primary = start_server(
        &primary_ctx,
        Role::Primary,
        [voter_p.clone(), state_p.clone(), state_b.clone()],
        p_tx,
    );
    let backup = start_server(
        &backup_ctx,
        Role::Backup,
        [voter_b.clone(), state_b, state_p],
        b_tx,
    );
    wait_for(&p_seen, Seen::Active);
    wait_for(&b_seen, Seen::Passive);
    assert_eq!(
        ask(&client_ctx, &voter_p, "1", Duration::from_secs(5)).as_deref(),
        Some("1")
    );
    // While the primary lives, the passive backup drops requests.
    assert_eq!(ask(&client_ctx, &voter_b, "2", BEAT), None);

    primary_ctx.shutdown().unwrap();
    primary.join().unwrap();
    // The client votes until the backup counts the primary dead (two heartbeats) and serves.
    let reply = (0..50).find_map(|_| ask(&client_ctx, &voter_b, "3", BEAT));
    assert_eq!(reply.as_deref(), Some("3"));
    wait_for(
        &b_seen,
        Seen::Log("I: failover successful, ready as active".into()),
    );
    wait_for(&b_seen, Seen::Active);
    backup_ctx.shutdown().unwrap();
    backup.join().unwrap();
}

#[test]
fn garbage_on_the_state_socket_is_logged_and_never_moves_the_machine() {
    let [voter, local, remote] = endpoints();
    let ctx = Context::new();
    let vandal = ctx.socket(PUB).unwrap();
    vandal.bind(&remote).unwrap();
    let (tx, seen) = mpsc::channel();
    let server = start_server(&ctx, Role::Backup, [voter.clone(), local, remote], tx);
    let garbage: [&[&[u8]]; 7] = [
        &[b"0"],
        &[b"5"],
        &[b"33"],
        &[b"-3"],
        &[b"\xff\xfe"],
        &[b""],
        &[b"3", b"3"],
    ];
    // Resend until the SUB is connected and a line about the last one comes back.
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut ignored = 0;
    while ignored < garbage.len() {
        assert!(
            Instant::now() < deadline,
            "only {ignored} bad messages logged"
        );
        for message in garbage {
            vandal.send_multipart(message.iter().copied(), 0).unwrap();
        }
        while let Ok(got) = seen.recv_timeout(BEAT) {
            match got {
                Seen::Log(line) if line.starts_with("W: ignored bad state message") => ignored += 1,
                other => panic!("the machine moved on garbage: {other:?}"),
            }
        }
    }
    // Still a backup: it refuses clients, and a real ACTIVE state still moves it.
    assert_eq!(ask(&ctx, &voter, "1", BEAT), None);
    vandal.send("3", 0).unwrap();
    wait_for(&seen, Seen::Passive);
    ctx.shutdown().unwrap();
    server.join().unwrap();
}
