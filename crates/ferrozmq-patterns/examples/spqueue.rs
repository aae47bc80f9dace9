//! Simple Pirate queue (zguide chapter 4, "Basic Reliable Queuing (Simple Pirate Pattern)").
//!
//! [`ferrozmq_patterns::pirate::simple`]: the load-balancing broker of `lbbroker`, with no
//! reliability mechanism of its own; it relies on the clients (`lpclient`, Lazy Pirate) to
//! retry. The backend keeps a queue of ready `spworker`s (a worker is ready when it sends
//! READY, "\x01", or a reply); the frontend is polled only while a worker is available.
//!
//! ```text
//! cargo run -p ferrozmq-patterns --example spqueue &
//! cargo run -p ferrozmq-patterns --example spworker &
//! cargo run -p ferrozmq-patterns --example lpclient
//! ```
//!
//! Usage: `spqueue [FRONTEND [BACKEND]] [--count N]`. The endpoints default to
//! `tcp://*:5555` (clients) and `tcp://*:5556` (workers). The queue runs forever, or exits
//! after passing N worker replies to the frontend with `--count N` (or
//! `FERROZMQ_EXAMPLE_ROUNDS=N`).

use ferrozmq::Context;
use ferrozmq_patterns::pirate::simple::SimpleQueue;
use std::process::ExitCode;

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
    let frontend = args
        .endpoints
        .first()
        .map_or("tcp://*:5555", String::as_str);
    let backend = args.endpoints.get(1).map_or("tcp://*:5556", String::as_str);

    let context = Context::new();
    let mut queue = SimpleQueue::bind(&context, frontend, backend)?;
    let mut replies = 0;
    while args.count.is_none_or(|count| replies < count) {
        replies += queue.poll_once(None)? as u64;
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
