//! Load-balancing broker with the message helpers (zguide chapter 3, "lbbroker2": CZMQ's
//! zmsg). The same broker as `lbbroker`, its envelopes handled with [`Multipart`]'s
//! `wrap`/`unwrap` instead of frame by frame. Ten REQ clients and three REQ workers run as
//! threads over ipc (`frontend.ipc`, `backend.ipc` in the current directory); each worker
//! prints `Worker: [005] HELLO`, each client `Client: OK`, and the broker exits once every
//! client has its reply.
//!
//! Usage: `lbbroker2 [--count N]`: N clients (default 10).

use ferrozmq::{poll, Context, Error, Message, Multipart, POLLIN, REQ, ROUTER};
use std::collections::VecDeque;
use std::thread;

const NBR_WORKERS: usize = 3;
/// Signals that a worker is ready.
const WORKER_READY: &str = "READY";

/// A REQ client with its own context: one request, one reply.
fn client_task() -> ferrozmq::Result<()> {
    let ctx = Context::new();
    let client = ctx.socket(REQ)?;
    client.connect("ipc://frontend.ipc")?;
    client.send("HELLO", 0)?;
    let reply = client.recv_string(0)?.unwrap_or_default();
    println!("Client: {reply}");
    Ok(())
}

/// A REQ worker sharing the broker's context, until it is terminated.
fn worker_task(ctx: Context) -> ferrozmq::Result<()> {
    let worker = ctx.socket(REQ)?;
    worker.connect("ipc://backend.ipc")?;
    worker.send(WORKER_READY, 0)?;
    loop {
        let mut msg = match Multipart::recv(&worker) {
            Err(Error::ETERM) => return Ok(()),
            other => other?,
        };
        let Some(request) = msg.pop_back() else {
            continue;
        };
        print!("Worker: {}", Multipart::from([request]));
        msg.append("OK");
        msg.send(&worker)?;
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let nbr_clients: u64 = match (args.next().as_deref(), args.next()) {
        (None, _) => 10,
        (Some("--count"), Some(n)) => n.parse()?,
        _ => return Err("usage: lbbroker2 [--count N]".into()),
    };
    let mut ctx = Context::new();
    let frontend = ctx.socket(ROUTER)?;
    frontend.bind("ipc://frontend.ipc")?;
    let backend = ctx.socket(ROUTER)?;
    backend.bind("ipc://backend.ipc")?;
    let mut threads = Vec::new();
    for _ in 0..nbr_clients {
        threads.push(thread::spawn(client_task));
    }
    for _ in 0..NBR_WORKERS {
        let ctx = ctx.clone();
        threads.push(thread::spawn(move || worker_task(ctx)));
    }

    // Queue of available workers; the frontend is polled only while one is ready.
    let mut workers: VecDeque<Message> = VecDeque::new();
    let mut replies_left = nbr_clients;
    while replies_left > 0 {
        let mut items = [backend.as_poll_item(POLLIN), frontend.as_poll_item(POLLIN)];
        let polled = if workers.is_empty() { 1 } else { 2 };
        poll(&mut items[..polled], -1)?;
        // Worker activity: queue the worker; forward a reply, drop a READY.
        if items[0].is_readable() {
            let mut msg = Multipart::recv(&backend)?;
            if let Some(worker) = msg.unwrap() {
                workers.push_back(worker);
            }
            if msg
                .first()
                .is_some_and(|f| &f[..] != WORKER_READY.as_bytes())
            {
                msg.send(&frontend)?;
                replies_left -= 1;
            }
        }
        // A client request goes to the next worker, in the worker's envelope.
        if polled == 2 && items[1].is_readable() {
            let mut msg = Multipart::recv(&frontend)?;
            if let Some(worker) = workers.pop_front() {
                msg.wrap(worker);
                msg.send(&backend)?;
            }
        }
    }
    drop(frontend);
    drop(backend);
    ctx.destroy()?;
    for thread in threads {
        thread.join().map_err(|_| "a task panicked")??;
    }
    Ok(())
}
