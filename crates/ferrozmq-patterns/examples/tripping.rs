//! Round-trip demonstrator (zguide chapter 4, "Asynchronous Majordomo Pattern"): a client, a
//! worker and a broker in threads of one process, each with its own context as if each were
//! a process. The broker passes messages between a frontend and a backend ROUTER; the client
//! (DEALER "C") first makes its requests one at a time, then sends them all before reading
//! the replies, to show what waiting for each round trip costs.
//!
//! ```text
//! cargo run --release -p ferrozmq-patterns --example tripping [--sync N] [--async N] [FRONTEND BACKEND]
//! ```
//!
//! Uses `tcp://localhost:5555` (clients) and `5556` (the worker) as the guide does, 10 000
//! synchronous and 100 000 asynchronous requests. Prints "Setting up test...",
//! "Synchronous round-trip test...", " N calls/second", "Asynchronous round-trip test...",
//! " N calls/second".

use ferrozmq::{poll, Context, Multipart, DEALER, POLLIN, ROUTER};
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut sync_requests: u64 = 10_000;
    let mut async_requests: u64 = 100_000;
    let mut endpoints = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--sync" => sync_requests = args.next().ok_or("--sync needs a number")?.parse()?,
            "--async" => async_requests = args.next().ok_or("--async needs a number")?.parse()?,
            _ => endpoints.push(arg),
        }
    }
    let (frontend, backend) = match &endpoints[..] {
        [] => ("tcp://*:5555".to_string(), "tcp://*:5556".to_string()),
        [f, b] => (f.clone(), b.clone()),
        _ => return Err("give both endpoints or none".into()),
    };
    let connect = |bound: &str| bound.replace("tcp://*:", "tcp://localhost:");
    let (client_endpoint, worker_endpoint) = (connect(&frontend), connect(&backend));

    // The broker binds first, so the client and worker connect to something.
    let broker_ctx = Context::new();
    let front = broker_ctx.socket(ROUTER)?;
    let back = broker_ctx.socket(ROUTER)?;
    front.bind(&frontend)?;
    back.bind(&backend)?;
    let broker = std::thread::spawn(move || broker_task(front, back));
    let worker = std::thread::spawn(move || worker_task(&worker_endpoint));

    let result = client_task(&client_endpoint, sync_requests, async_requests);
    // Ending the broker's context ends the broker; the worker ends with the process.
    broker_ctx.shutdown()?;
    let _ = broker.join();
    drop(worker);
    result
}

fn client_task(
    endpoint: &str,
    sync_requests: u64,
    async_requests: u64,
) -> Result<(), Box<dyn std::error::Error>> {
    let ctx = Context::new();
    let client = ctx.socket(DEALER)?;
    client.set_identity(b"C")?;
    client.set_rcvhwm(0)?;
    client.connect(endpoint)?;

    // The broker reads requests once the worker has said it is there (the guide sleeps
    // 100 ms instead, which loses requests when the worker is slower to connect).
    println!("Setting up test...");

    println!("Synchronous round-trip test...");
    let start = Instant::now();
    for _ in 0..sync_requests {
        client.send("hello", 0)?;
        client.recv_bytes(0)?;
    }
    println!(" {} calls/second", per_second(sync_requests, start));

    println!("Asynchronous round-trip test...");
    let start = Instant::now();
    for _ in 0..async_requests {
        client.send("hello", 0)?;
    }
    for _ in 0..async_requests {
        client.recv_bytes(0)?;
    }
    println!(" {} calls/second", per_second(async_requests, start));
    Ok(())
}

/// Calls per second since `start`.
fn per_second(calls: u64, start: Instant) -> u64 {
    let micros = start.elapsed().as_micros().max(1);
    (u128::from(calls) * 1_000_000 / micros) as u64
}

/// What the worker says first, so the broker knows it can route to "W".
const READY: &[u8] = b"READY";

fn worker_task(endpoint: &str) -> ferrozmq::Result<()> {
    let ctx = Context::new();
    let worker = ctx.socket(DEALER)?;
    worker.set_identity(b"W")?;
    worker.connect(endpoint)?;
    worker.send(READY, 0)?;
    loop {
        let mut message = Multipart::recv(&worker)?;
        message.send(&worker)?;
    }
}

fn broker_task(frontend: ferrozmq::Socket, backend: ferrozmq::Socket) -> ferrozmq::Result<()> {
    // Replies to the client must not be dropped while it is still sending.
    frontend.set_sndhwm(0)?;
    backend.set_sndhwm(0)?;
    let mut worker_ready = false;
    loop {
        let mut items = [backend.as_poll_item(POLLIN), frontend.as_poll_item(POLLIN)];
        let polled = if worker_ready { 2 } else { 1 };
        poll(&mut items[..polled], -1)?;
        if polled == 2 && items[1].is_readable() {
            let mut message = Multipart::recv(&frontend)?;
            message.pop(); // the client's address
            message.push("W");
            message.send(&backend)?;
        }
        if items[0].is_readable() {
            let mut message = Multipart::recv(&backend)?;
            message.pop(); // the worker's address
            if !worker_ready {
                worker_ready = message.first().is_some_and(|f| &f[..] == READY);
                continue;
            }
            message.push("C");
            message.send(&frontend)?;
        }
    }
}
