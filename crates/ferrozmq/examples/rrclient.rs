//! Request-reply client (zguide chapter 2, "Shared Queue (DEALER and ROUTER sockets)").
//!
//! Connects a REQ socket to the frontend of `rrbroker`, sends "Hello" and prints the "World"
//! reply, ten times; the broker passes each request to an `rrworker`. Run the three together:
//!
//! ```text
//! cargo run -p ferrozmq --example rrbroker &
//! cargo run -p ferrozmq --example rrworker &
//! cargo run -p ferrozmq --example rrclient
//! ```
//!
//! Usage: `rrclient [ENDPOINT] [--count N]`. ENDPOINT defaults to `tcp://localhost:5559`; N,
//! the number of requests, to 10 (or `FERROZMQ_EXAMPLE_ROUNDS`).

use ferrozmq::{Context, REQ};
use std::process::ExitCode;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("E: rrclient: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse()?;
    let endpoint = args.endpoint.as_deref().unwrap_or("tcp://localhost:5559");

    let context = Context::new();

    // Socket to talk to the broker
    let requester = context.socket(REQ)?;
    requester.connect(endpoint)?;

    for request_nbr in 0..args.count.unwrap_or(10) {
        requester.send("Hello", 0)?;
        let reply = requester.recv_string(0)?;
        let reply = reply.unwrap_or_else(|bytes| String::from_utf8_lossy(&bytes).into_owned());
        println!("Received reply {request_nbr} [{reply}]");
    }
    Ok(())
}

/// Command line: one optional endpoint and `--count N` (default: `FERROZMQ_EXAMPLE_ROUNDS`).
struct Args {
    endpoint: Option<String>,
    count: Option<u64>,
}

impl Args {
    fn parse() -> Result<Args, String> {
        let mut endpoint = None;
        let mut count = std::env::var("FERROZMQ_EXAMPLE_ROUNDS").ok();
        let mut args = std::env::args().skip(1);
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--count" => count = Some(args.next().ok_or("--count needs a value")?),
                _ if arg.starts_with('-') || endpoint.is_some() => {
                    return Err(format!(
                        "unexpected argument {arg:?}; usage: rrclient [ENDPOINT] [--count N]"
                    ))
                }
                _ => endpoint = Some(arg),
            }
        }
        let count = match count {
            Some(n) => Some(n.parse().map_err(|_| format!("bad count {n:?}"))?),
            None => None,
        };
        Ok(Args { endpoint, count })
    }
}
