//! Cluster simulation (zguide chapter 3, "Putting it All Together": peering3). Each broker
//! process is one cluster: 10 clients and 5 workers (threads with contexts of their own, as
//! if they were processes), a load-balancing broker between them, state flow to its peers
//! (PUB/SUB: how many workers are free) and task flow to them (ROUTER to ROUTER, by broker
//! name) when no local worker is free. Clients send bursts of requests with random task ids
//! and report every answer — or a request lost after 10 seconds — to a monitor socket,
//! which the broker prints: this is the guide's cluster traffic (`4F2A`, or
//! `E: CLIENT EXIT - lost task 4F2A`).
//!
//! Run several at once, each naming itself and its peers:
//! `peering3 DC1 DC2 DC3 & peering3 DC2 DC1 DC3 & peering3 DC3 DC1 DC2`. Endpoints are
//! `ipc://NAME-localfe.ipc`, `-localbe`, `-cloud`, `-state` and `-monitor` in the current
//! directory.
//!
//! Usage: `peering3 me {you}... [--count N]`: with N, exit after printing N monitor lines.

use ferrozmq::{poll, Context, Message, Multipart, POLLIN, PUB, PULL, PUSH, REQ, ROUTER, SUB};
use std::collections::VecDeque;
use std::process::ExitCode;
use std::thread;
use std::time::Duration;

const NBR_CLIENTS: usize = 10;
const NBR_WORKERS: usize = 5;
/// Signals that a worker is ready.
const WORKER_READY: &[u8] = b"\x01";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (names, count) = match parse(&args) {
        Ok(parsed) => parsed,
        Err(e) => {
            eprintln!("E: peering3: {e}");
            return ExitCode::from(2);
        }
    };
    if names.is_empty() {
        println!("syntax: peering3 me {{you}}...");
        return ExitCode::SUCCESS;
    }
    match broker(&names[0], &names[1..], count) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("E: peering3: {e}");
            ExitCode::FAILURE
        }
    }
}

/// A client: bursts of requests after random pauses, each answer (or a loss) reported.
fn client_task(me: String) -> ferrozmq::Result<()> {
    let ctx = Context::new();
    let client = ctx.socket(REQ)?;
    client.connect(&format!("ipc://{me}-localfe.ipc"))?;
    let monitor = ctx.socket(PUSH)?;
    monitor.connect(&format!("ipc://{me}-monitor.ipc"))?;
    loop {
        thread::sleep(Duration::from_secs(randof(5)));
        for _ in 0..randof(15) {
            let task_id = format!("{:04X}", randof(0x10000));
            client.send(task_id.as_str(), 0)?;
            // Wait max ten seconds for a reply, then complain.
            if client.poll(POLLIN, 10_000)? == 0 {
                monitor.send(format!("E: CLIENT EXIT - lost task {task_id}"), 0)?;
                return Ok(());
            }
            let reply = client.recv_string(0)?.unwrap_or_default();
            assert_eq!(reply, task_id, "a reply for another task");
            monitor.send(reply, 0)?;
        }
    }
}

/// A worker: says it is ready, then answers every request after a random pause.
fn worker_task(me: String) -> ferrozmq::Result<()> {
    let ctx = Context::new();
    let worker = ctx.socket(REQ)?;
    worker.connect(&format!("ipc://{me}-localbe.ipc"))?;
    worker.send(WORKER_READY, 0)?;
    loop {
        let mut msg = Multipart::recv(&worker)?;
        thread::sleep(Duration::from_secs(randof(2)));
        msg.send(&worker)?;
    }
}

fn broker(me: &str, peers: &[String], count: Option<u64>) -> ferrozmq::Result<()> {
    println!("I: preparing broker at {me}...");
    let ctx = Context::new();
    // Local frontend and backend, cloud frontend (bound, with our name as identity) and cloud
    // backend (connected to every peer's cloud frontend).
    let localfe = ctx.socket(ROUTER)?;
    localfe.bind(&format!("ipc://{me}-localfe.ipc"))?;
    let localbe = ctx.socket(ROUTER)?;
    localbe.bind(&format!("ipc://{me}-localbe.ipc"))?;
    let cloudfe = ctx.socket(ROUTER)?;
    cloudfe.set_identity(me.as_bytes())?;
    cloudfe.bind(&format!("ipc://{me}-cloud.ipc"))?;
    let cloudbe = ctx.socket(ROUTER)?;
    cloudbe.set_identity(me.as_bytes())?;
    for peer in peers {
        println!("I: connecting to cloud frontend at '{peer}'");
        cloudbe.connect(&format!("ipc://{peer}-cloud.ipc"))?;
    }
    // State backend and frontend.
    let statebe = ctx.socket(PUB)?;
    statebe.bind(&format!("ipc://{me}-state.ipc"))?;
    let statefe = ctx.socket(SUB)?;
    statefe.set_subscribe(b"")?;
    for peer in peers {
        println!("I: connecting to state backend at '{peer}'");
        statefe.connect(&format!("ipc://{peer}-state.ipc"))?;
    }
    // The monitor socket the clients report to.
    let monitor = ctx.socket(PULL)?;
    monitor.bind(&format!("ipc://{me}-monitor.ipc"))?;

    for _ in 0..NBR_WORKERS {
        let me = me.to_string();
        thread::spawn(move || worker_task(me));
    }
    for _ in 0..NBR_CLIENTS {
        let me = me.to_string();
        thread::spawn(move || client_task(me));
    }

    let mut local_capacity = 0usize;
    let mut cloud_capacity = 0usize;
    let mut workers: VecDeque<Message> = VecDeque::new();
    let mut printed = 0u64;
    loop {
        // Primary: backends, state and monitor; wait forever if no worker is free.
        let mut primary = [
            localbe.as_poll_item(POLLIN),
            cloudbe.as_poll_item(POLLIN),
            statefe.as_poll_item(POLLIN),
            monitor.as_poll_item(POLLIN),
        ];
        poll(&mut primary, if local_capacity > 0 { 1000 } else { -1 })?;
        let ready: Vec<bool> = primary.iter().map(|i| i.is_readable()).collect();
        let previous = local_capacity;

        // A reply from a local worker (or READY), or from a peer broker.
        let mut reply = None;
        if ready[0] {
            let mut msg = Multipart::recv(&localbe)?;
            if let Some(worker) = msg.unwrap() {
                workers.push_back(worker);
                local_capacity += 1;
            }
            if msg.first().is_some_and(|f| &f[..] != WORKER_READY) {
                reply = Some(msg);
            }
        } else if ready[1] {
            let mut msg = Multipart::recv(&cloudbe)?;
            msg.unwrap(); // the peer broker's identity
            reply = Some(msg);
        }
        if let Some(mut msg) = reply {
            // To a peer broker if addressed to one, else to a local client.
            let to_peer = msg
                .first()
                .is_some_and(|f| peers.iter().any(|p| p.as_bytes() == &f[..]));
            msg.send(if to_peer { &cloudfe } else { &localfe })?;
        }

        // A peer's state: [name][free workers].
        if ready[2] {
            let mut state = Multipart::recv(&statefe)?;
            let _peer = state.pop_str();
            cloud_capacity = state.pop_str().and_then(|s| s.parse().ok()).unwrap_or(0);
        }
        // A client's report.
        if ready[3] {
            let status = monitor.recv_string(0)?.unwrap_or_default();
            println!("{status}");
            printed += 1;
            if count.is_some_and(|n| printed >= n) {
                return Ok(());
            }
        }

        // Route requests while there is capacity: cloud requests only to local workers,
        // local requests to local workers first, else to a random peer.
        while local_capacity + cloud_capacity > 0 {
            let mut secondary = [localfe.as_poll_item(POLLIN), cloudfe.as_poll_item(POLLIN)];
            let polled = if local_capacity > 0 { 2 } else { 1 };
            poll(&mut secondary[..polled], 0)?;
            let mut msg = if secondary[0].is_readable() {
                Multipart::recv(&localfe)?
            } else if polled == 2 && secondary[1].is_readable() {
                Multipart::recv(&cloudfe)?
            } else {
                break; // No work: back to the primary poll.
            };
            if let Some(worker) = workers.pop_front() {
                msg.wrap(worker);
                msg.send(&localbe)?;
                local_capacity -= 1;
            } else if !peers.is_empty() {
                let peer = &peers[randof(peers.len() as u64) as usize];
                msg.push(peer.as_str());
                msg.send(&cloudbe)?;
            }
        }

        // Tell the peers when our capacity changed.
        if local_capacity != previous {
            Multipart::from([me.to_string(), local_capacity.to_string()]).send(&statebe)?;
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

/// Broker names and `--count N`.
fn parse(args: &[String]) -> Result<(Vec<String>, Option<u64>), String> {
    let mut names = Vec::new();
    let mut count = None;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        if arg == "--count" {
            let n = args.next().ok_or("--count needs a value")?;
            count = Some(n.parse().map_err(|_| format!("bad count {n:?}"))?);
        } else {
            names.push(arg.clone());
        }
    }
    Ok((names, count))
}
