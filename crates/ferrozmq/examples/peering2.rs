//! Prototype of the local and cloud task flow (zguide chapter 3, "Prototyping the Local and
//! Cloud Flows": peering2). Each broker process is one cluster: 10 clients and 3 workers
//! (threads with contexts of their own, as if they were processes) and a load-balancing
//! broker between them that, a fifth of the time, sends a local request to a random peer
//! broker instead (ROUTER to ROUTER, by broker name). Clients print `Client: OK` for each
//! answer, workers `Worker: [005] HELLO` for each request (zframe_print's form).
//!
//! Run several at once, each naming itself and its peers, then press Enter in each once all
//! are started: `peering2 DC1 DC2` and `peering2 DC2 DC1`. Endpoints are
//! `ipc://NAME-cloud.ipc`, `ipc://NAME-localfe.ipc` and `ipc://NAME-localbe.ipc` in the
//! current directory.

use ferrozmq::{poll, Context, Message, Multipart, POLLIN, REQ, ROUTER};
use std::collections::VecDeque;
use std::io::{BufRead, Write};
use std::process::ExitCode;
use std::thread;
use std::time::Duration;

const NBR_CLIENTS: usize = 10;
const NBR_WORKERS: usize = 3;
/// Signals that a worker is ready.
const WORKER_READY: &[u8] = b"\x01";

fn main() -> ExitCode {
    let names: Vec<String> = std::env::args().skip(1).collect();
    if names.is_empty() {
        println!("syntax: peering2 me {{you}}...");
        return ExitCode::SUCCESS;
    }
    match broker(&names[0], &names[1..]) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("E: peering2: {e}");
            ExitCode::FAILURE
        }
    }
}

/// A client: sends HELLO, prints the answer, once a second.
fn client_task(me: String) -> ferrozmq::Result<()> {
    let ctx = Context::new();
    let client = ctx.socket(REQ)?;
    client.connect(&format!("ipc://{me}-localfe.ipc"))?;
    loop {
        client.send("HELLO", 0)?;
        let reply = client.recv_string(0)?.unwrap_or_default();
        println!("Client: {reply}");
        thread::sleep(Duration::from_secs(1));
    }
}

/// A worker: says it is ready, then prints each request and answers it with OK.
fn worker_task(me: String) -> ferrozmq::Result<()> {
    let ctx = Context::new();
    let worker = ctx.socket(REQ)?;
    worker.connect(&format!("ipc://{me}-localbe.ipc"))?;
    worker.send(WORKER_READY, 0)?;
    loop {
        let mut msg = Multipart::recv(&worker)?;
        if let Some(request) = msg.pop_back() {
            println!(
                "Worker: [{:03}] {}",
                request.len(),
                String::from_utf8_lossy(&request)
            );
        }
        msg.append("OK");
        msg.send(&worker)?;
    }
}

fn broker(me: &str, peers: &[String]) -> ferrozmq::Result<()> {
    println!("I: preparing broker at {me}...");
    let ctx = Context::new();
    // Cloud frontend (bound, with our name as identity) and cloud backend (connected to
    // every peer's cloud frontend, also under our name).
    let cloudfe = ctx.socket(ROUTER)?;
    cloudfe.set_identity(me.as_bytes())?;
    cloudfe.bind(&format!("ipc://{me}-cloud.ipc"))?;
    let cloudbe = ctx.socket(ROUTER)?;
    cloudbe.set_identity(me.as_bytes())?;
    for peer in peers {
        println!("I: connecting to cloud frontend at '{peer}'");
        cloudbe.connect(&format!("ipc://{peer}-cloud.ipc"))?;
    }
    let localfe = ctx.socket(ROUTER)?;
    localfe.bind(&format!("ipc://{me}-localfe.ipc"))?;
    let localbe = ctx.socket(ROUTER)?;
    localbe.bind(&format!("ipc://{me}-localbe.ipc"))?;

    // Without state from the peers, the user says when they are all up.
    print!("Press Enter when all brokers are started: ");
    std::io::stdout().flush()?;
    std::io::stdin().lock().read_line(&mut String::new())?;

    for _ in 0..NBR_WORKERS {
        let me = me.to_string();
        thread::spawn(move || worker_task(me));
    }
    for _ in 0..NBR_CLIENTS {
        let me = me.to_string();
        thread::spawn(move || client_task(me));
    }

    // The interesting part: backends are always polled, frontends only while a local worker
    // is free (the sockets' own buffers are the request queues).
    let mut workers: VecDeque<Message> = VecDeque::new();
    loop {
        let mut backends = [localbe.as_poll_item(POLLIN), cloudbe.as_poll_item(POLLIN)];
        poll(&mut backends, if workers.is_empty() { -1 } else { 1000 })?;

        // A reply (or READY) from a local worker, or a reply from a peer broker.
        let mut reply = None;
        if backends[0].is_readable() {
            let mut msg = Multipart::recv(&localbe)?;
            if let Some(worker) = msg.unwrap() {
                workers.push_back(worker);
            }
            if msg.first().is_some_and(|f| &f[..] != WORKER_READY) {
                reply = Some(msg);
            }
        } else if backends[1].is_readable() {
            let mut msg = Multipart::recv(&cloudbe)?;
            msg.unwrap(); // the peer broker's identity, not needed
            reply = Some(msg);
        }
        if let Some(mut msg) = reply {
            // To a peer broker if addressed to one, else to a local client.
            let to_peer = msg
                .first()
                .is_some_and(|f| peers.iter().any(|p| p.as_bytes() == &f[..]));
            msg.send(if to_peer { &cloudfe } else { &localfe })?;
        }

        // Route as many requests as there are free workers. Peers' requests first (so they
        // do not starve) and only to local workers; local ones to a random peer 20% of the
        // time, to simulate work spread across the cluster.
        while !workers.is_empty() {
            let mut frontends = [localfe.as_poll_item(POLLIN), cloudfe.as_poll_item(POLLIN)];
            poll(&mut frontends, 0)?;
            let (mut msg, reroutable) = if frontends[1].is_readable() {
                (Multipart::recv(&cloudfe)?, false)
            } else if frontends[0].is_readable() {
                (Multipart::recv(&localfe)?, true)
            } else {
                break; // No work: back to the backends.
            };
            if reroutable && !peers.is_empty() && randof(5) == 0 {
                let peer = &peers[randof(peers.len() as u64) as usize];
                msg.push(peer.as_str());
                msg.send(&cloudbe)?;
            } else if let Some(worker) = workers.pop_front() {
                msg.wrap(worker);
                msg.send(&localbe)?;
            }
        }
    }
}

/// A random number in `0..n` (zhelpers' `randof`), from std's randomly keyed hasher.
fn randof(n: u64) -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos()),
    );
    hasher.finish() % n.max(1)
}
