//! Request-reply broker on tokio with the async API: `rrbroker` (zguide chapter 2, "Shared
//! Queue") without threads blocked on sockets.
//!
//! A ROUTER frontend for clients (`rrclient`) and a DEALER backend for workers (`rrworker`);
//! one task awaits both with `tokio::select!` and moves each whole message to the other side.
//! `send_multipart(..).await` waits while the other side is at its high-water mark, so a slow
//! side slows the broker down instead of filling memory. Run:
//!
//! ```text
//! cargo run -p ferrozmq --example async_broker &
//! cargo run -p ferrozmq --example rrworker &
//! cargo run -p ferrozmq --example rrclient
//! ```
//!
//! Usage: `async_broker [FRONTEND [BACKEND]] [--count N]`. The endpoints default to
//! `tcp://*:5559` and `tcp://*:5560`. The broker runs until Ctrl-C, or exits after passing N
//! replies back to clients when `--count N` (or `FERROZMQ_EXAMPLE_ROUNDS=N`) is given.

use ferrozmq::{AsyncSocket, Context, DEALER, ROUTER};
use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    let broker = run();
    tokio::select! {
        outcome = broker => match outcome {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("E: async_broker: {e}");
                ExitCode::FAILURE
            }
        },
        _ = tokio::signal::ctrl_c() => ExitCode::SUCCESS,
    }
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse()?;
    let frontend_endpoint = args
        .endpoints
        .first()
        .map_or("tcp://*:5559", String::as_str);
    let backend_endpoint = args.endpoints.get(1).map_or("tcp://*:5560", String::as_str);

    let context = Context::new();
    let mut frontend: AsyncSocket = context.socket(ROUTER)?.into_async();
    let mut backend: AsyncSocket = context.socket(DEALER)?.into_async();
    frontend.get_ref().bind(frontend_endpoint)?;
    backend.get_ref().bind(backend_endpoint)?;

    // Switch messages between sockets. Both recv futures are cancel-safe: the one that loses
    // the race has taken nothing.
    let mut replies = 0;
    while args.count.is_none_or(|count| replies < count) {
        tokio::select! {
            request = frontend.recv_multipart() => backend.send_multipart(request?).await?,
            reply = backend.recv_multipart() => {
                frontend.send_multipart(reply?).await?;
                replies += 1;
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
                        "unexpected argument {arg:?}; \
                         usage: async_broker [FRONTEND [BACKEND]] [--count N]"
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
