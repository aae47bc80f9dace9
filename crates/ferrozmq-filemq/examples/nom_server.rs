//! The guide's NOM protocol server (chapter 7, "State Machines"): one state machine per
//! client on a ROUTER at tcp port 5670.
//!
//! ```text
//! nom-protocol = open-peering *use-peering
//! open-peering = C:OHAI ( S:OHAI-OK / S:WTF )
//! use-peering  = C:ICANHAZ / S:CHEEZBURGER / C:HUGZ S:HUGZ-OK / S:HUGZ C:HUGZ-OK
//! ```
//!
//! States: `start` (OHAI → check credentials → `authenticated`), `authenticated` (ok →
//! OHAI-OK, `ready`; error → WTF, `start`), `ready` (ICANHAZ → CHEEZBURGER, HUGZ → HUGZ-OK,
//! heartbeat → HUGZ). Events a state does not list are ignored. The only good credentials
//! are "Joe". Commands are frames of text: the command, then any body.
//!
//! `nom_server` prints `Starting NOM protocol server on port 5670…` and serves;
//! `nom_server --selftest` runs the model's selftest steps against a server of its own
//! and prints ` * nom_server: OK`.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use ferrozmq::{Context, Socket, DEALER, POLLIN, ROUTER};

const HEARTBEAT: Duration = Duration::from_secs(1);

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    Start,
    Authenticated,
    Ready,
}

/// The events the model names: the client's commands and the server's own.
#[derive(PartialEq, Eq)]
enum NomEvent<'a> {
    Ohai(Option<&'a [u8]>),
    Icanhaz,
    Hugz,
    Ok,
    Error,
    Heartbeat,
    Other,
}

/// Runs one client's machine on `event`; returns the replies to send.
fn execute(state: &mut State, mut event: NomEvent<'_>) -> Vec<&'static str> {
    let mut replies = Vec::new();
    loop {
        let next = match (*state, event) {
            (State::Start, NomEvent::Ohai(body)) => {
                *state = State::Authenticated;
                //  Check credentials
                Some(if body == Some(b"Joe") {
                    NomEvent::Ok
                } else {
                    NomEvent::Error
                })
            }
            (State::Authenticated, NomEvent::Ok) => {
                replies.push("OHAI-OK");
                *state = State::Ready;
                None
            }
            (State::Authenticated, NomEvent::Error) => {
                replies.push("WTF");
                *state = State::Start;
                None
            }
            (State::Ready, NomEvent::Icanhaz) => {
                replies.push("CHEEZBURGER");
                None
            }
            (State::Ready, NomEvent::Hugz) => {
                replies.push("HUGZ-OK");
                None
            }
            (State::Ready, NomEvent::Heartbeat) => {
                replies.push("HUGZ");
                None
            }
            _ => None,
        };
        match next {
            Some(e) => event = e,
            None => return replies,
        }
    }
}

fn serve(router: &Socket) -> ferrozmq::Result<()> {
    let mut clients: HashMap<Vec<u8>, State> = HashMap::new();
    let mut next_heartbeat = Instant::now() + HEARTBEAT;
    loop {
        let wait = next_heartbeat.saturating_duration_since(Instant::now());
        if router.poll(POLLIN, wait.as_millis() as i64)? > 0 {
            let frames = router.recv_multipart(0)?;
            let Some((identity, rest)) = frames.split_first() else {
                continue;
            };
            let event = match rest.first().map(Vec::as_slice) {
                Some(b"OHAI") => NomEvent::Ohai(rest.get(1).map(Vec::as_slice)),
                Some(b"ICANHAZ") => NomEvent::Icanhaz,
                Some(b"HUGZ") => NomEvent::Hugz,
                _ => NomEvent::Other,
            };
            let state = clients.entry(identity.clone()).or_insert(State::Start);
            for reply in execute(state, event) {
                router.send_multipart([identity.as_slice(), reply.as_bytes()], 0)?;
            }
        }
        if Instant::now() >= next_heartbeat {
            next_heartbeat = Instant::now() + HEARTBEAT;
            for (identity, state) in clients.iter_mut() {
                for reply in execute(state, NomEvent::Heartbeat) {
                    router.send_multipart([identity.as_slice(), reply.as_bytes()], 0)?;
                }
            }
        }
    }
}

/// The model's selftest steps: send this, expect that.
fn selftest(ctx: &Context) -> ferrozmq::Result<()> {
    let dealer = ctx.socket(DEALER)?;
    dealer.set_rcvtimeo(5000)?;
    dealer.connect("tcp://localhost:5670")?;
    let steps: [(Option<&[&str]>, &str); 5] = [
        (Some(&["OHAI", "Sleepy"]), "WTF"),
        (Some(&["OHAI", "Joe"]), "OHAI-OK"),
        (Some(&["ICANHAZ"]), "CHEEZBURGER"),
        (Some(&["HUGZ"]), "HUGZ-OK"),
        (None, "HUGZ"),
    ];
    for (send, recv) in steps {
        if let Some(frames) = send {
            dealer.send_multipart(frames.iter().copied(), 0)?;
        }
        let reply = dealer.recv_multipart(0)?;
        if reply.first().map(Vec::as_slice) != Some(recv.as_bytes()) {
            eprintln!(
                "E: expected {recv}, got {:?}",
                String::from_utf8_lossy(&reply[0])
            );
            return Err(ferrozmq::Error::EPROTO);
        }
    }
    Ok(())
}

fn main() {
    let ctx = Context::new();
    let router = ctx.socket(ROUTER).expect("ROUTER socket");
    if let Err(e) = router.bind("tcp://*:5670") {
        eprintln!("E: cannot bind tcp://*:5670: {e}");
        std::process::exit(1);
    }
    if std::env::args().nth(1).as_deref() == Some("--selftest") {
        std::thread::spawn(move || serve(&router));
        match selftest(&ctx) {
            Ok(()) => println!(" * nom_server: OK"),
            Err(_) => std::process::exit(1),
        }
        return;
    }
    println!("Starting NOM protocol server on port 5670…");
    if let Err(e) = serve(&router) {
        eprintln!("E: {e}");
        std::process::exit(1);
    }
}
