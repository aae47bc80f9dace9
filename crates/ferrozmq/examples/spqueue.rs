//! Simple Pirate queue (zguide chapter 4, "Basic Reliable Queuing (Simple Pirate Pattern)").
//!
//! The load-balancing broker of `lbbroker`, with no reliability mechanism of its own: it
//! relies on the clients (`lpclient`, Lazy Pirate) to retry. The frontend ROUTER takes client
//! requests; the backend ROUTER keeps a queue of ready `spworker`s (a worker is ready when it
//! sends READY, "\x01", or a reply). The frontend is polled only while a worker is available.
//!
//! ```text
//! cargo run -p ferrozmq --example spqueue &
//! cargo run -p ferrozmq --example spworker &
//! cargo run -p ferrozmq --example lpclient
//! ```
//!
//! Usage: `spqueue [FRONTEND [BACKEND]] [--count N]`. The endpoints default to
//! `tcp://*:5555` (clients) and `tcp://*:5556` (workers). The queue runs forever, or exits
//! after passing N worker replies to the frontend with `--count N` (or
//! `FERROZMQ_EXAMPLE_ROUNDS=N`).

use ferrozmq::{poll, Context, POLLIN, ROUTER};
use std::collections::VecDeque;
use std::process::ExitCode;

/// Signals worker is ready
const WORKER_READY: &[u8] = b"\x01";

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("E: spqueue: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse()?;
    let frontend_endpoint = args
        .endpoints
        .first()
        .map_or("tcp://*:5555", String::as_str);
    let backend_endpoint = args.endpoints.get(1).map_or("tcp://*:5556", String::as_str);

    // Prepare our context and sockets
    let context = Context::new();
    let frontend = context.socket(ROUTER)?;
    let backend = context.socket(ROUTER)?;
    frontend.bind(frontend_endpoint)?; // For clients
    backend.bind(backend_endpoint)?; // For workers

    // Queue of available workers
    let mut workers: VecDeque<Vec<u8>> = VecDeque::new();
    let mut replies = 0;
    while args.count.is_none_or(|count| replies < count) {
        let mut items = [backend.as_poll_item(POLLIN), frontend.as_poll_item(POLLIN)];
        // Poll frontend only if we have available workers
        let polled = if workers.is_empty() { 1 } else { 2 };
        poll(&mut items[..polled], -1)?;

        // Handle worker activity on backend: [worker][empty][READY] or
        // [worker][empty][client][empty][reply]
        if items[0].is_readable() {
            let mut message = backend.recv_multipart(0)?;
            // Use worker identity for load balancing
            if message.len() < 3 || !message[1].is_empty() {
                eprintln!(
                    "E: malformed message from worker ({} frames)",
                    message.len()
                );
                continue;
            }
            let body = message.split_off(2);
            workers.push_back(message.swap_remove(0));

            // Forward message to client if it's not a READY
            if body != [WORKER_READY] {
                frontend.send_multipart(body, 0)?;
                replies += 1;
            }
        }
        // Get client request, route to first available worker
        if polled == 2 && items[1].is_readable() {
            let request = frontend.recv_multipart(0)?;
            if let Some(worker) = workers.pop_front() {
                let envelope = [worker, Vec::new()];
                backend.send_multipart(envelope.into_iter().chain(request), 0)?;
            }
        }
    }
    Ok(())
}

/// Command line: up to two endpoints and `--count N` (default: `FERROZMQ_EXAMPLE_ROUNDS`).
struct Args {
    endpoints: Vec<String>,
    count: Option<u64>,
}

impl Args {
    fn parse() -> Result<Args, String> {
        let mut endpoints = Vec::new();
        let mut count = std::env::var("FERROZMQ_EXAMPLE_ROUNDS").ok();
        let mut args = std::env::args().skip(1);
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--count" => count = Some(args.next().ok_or("--count needs a value")?),
                _ if arg.starts_with('-') || endpoints.len() == 2 => {
                    return Err(format!(
                    "unexpected argument {arg:?}; usage: spqueue [FRONTEND [BACKEND]] [--count N]"
                ))
                }
                _ => endpoints.push(arg),
            }
        }
        let count = match count {
            Some(n) => Some(n.parse().map_err(|_| format!("bad count {n:?}"))?),
            None => None,
        };
        Ok(Args { endpoints, count })
    }
}
