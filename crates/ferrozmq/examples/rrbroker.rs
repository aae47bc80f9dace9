//! Simple request-reply broker (zguide chapter 2, "Shared Queue (DEALER and ROUTER sockets)").
//!
//! Binds a ROUTER frontend for `rrclient`s and a DEALER backend for `rrworker`s, polls both,
//! and moves every message, frame by frame (SNDMORE while RCVMORE), to the other side. This
//! loop is what `ferrozmq::proxy` does (the guide's `msgqueue`). Run:
//!
//! ```text
//! cargo run -p ferrozmq --example rrbroker &
//! cargo run -p ferrozmq --example rrworker &
//! cargo run -p ferrozmq --example rrclient
//! ```
//!
//! Usage: `rrbroker [FRONTEND [BACKEND]] [--count N]`. The endpoints default to `tcp://*:5559`
//! and `tcp://*:5560`. The broker runs forever, or exits after passing N replies back to
//! clients when `--count N` (or `FERROZMQ_EXAMPLE_ROUNDS=N`) is given.

use ferrozmq::{poll, Context, Socket, DEALER, POLLIN, ROUTER, SNDMORE};
use std::process::ExitCode;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("E: rrbroker: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse()?;
    let frontend_endpoint = args
        .endpoints
        .first()
        .map_or("tcp://*:5559", String::as_str);
    let backend_endpoint = args.endpoints.get(1).map_or("tcp://*:5560", String::as_str);

    // Prepare our context and sockets
    let context = Context::new();
    let frontend = context.socket(ROUTER)?;
    let backend = context.socket(DEALER)?;
    frontend.bind(frontend_endpoint)?;
    backend.bind(backend_endpoint)?;

    // Switch messages between sockets
    let mut replies = 0;
    while args.count.is_none_or(|count| replies < count) {
        let mut items = [frontend.as_poll_item(POLLIN), backend.as_poll_item(POLLIN)];
        poll(&mut items, -1)?;
        if items[0].is_readable() {
            forward(&frontend, &backend)?;
        }
        if items[1].is_readable() {
            forward(&backend, &frontend)?;
            replies += 1;
        }
    }
    Ok(())
}

/// Moves one whole message, all its frames, from `from` to `to`.
fn forward(from: &Socket, to: &Socket) -> ferrozmq::Result<()> {
    loop {
        let frame = from.recv_msg(0)?;
        let more = from.get_rcvmore()?;
        to.send(frame, if more { SNDMORE } else { 0 })?;
        if !more {
            return Ok(()); // Last frame
        }
    }
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
                    "unexpected argument {arg:?}; usage: rrbroker [FRONTEND [BACKEND]] [--count N]"
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
