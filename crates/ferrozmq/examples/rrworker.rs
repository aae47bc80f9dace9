//! Request-reply worker (zguide chapter 2, "Shared Queue (DEALER and ROUTER sockets)").
//!
//! Connects a REP socket to the backend of `rrbroker`, and answers every "Hello" request with
//! "World" after a second of "work". Run it with `rrbroker` and `rrclient`:
//!
//! ```text
//! cargo run -p ferrozmq --example rrbroker &
//! cargo run -p ferrozmq --example rrworker &
//! cargo run -p ferrozmq --example rrclient
//! ```
//!
//! Usage: `rrworker [ENDPOINT] [--count N]`. ENDPOINT defaults to `tcp://localhost:5560`.
//! The worker runs forever, or exits after answering N requests when `--count N` (or
//! `FERROZMQ_EXAMPLE_ROUNDS=N`) is given.

use ferrozmq::{Context, REP};
use std::process::ExitCode;
use std::thread::sleep;
use std::time::Duration;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("E: rrworker: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse()?;
    let endpoint = args.endpoint.as_deref().unwrap_or("tcp://localhost:5560");

    let context = Context::new();

    // Socket to talk to clients (through the broker)
    let responder = context.socket(REP)?;
    responder.connect(endpoint)?;

    let mut served = 0;
    while args.count.is_none_or(|count| served < count) {
        // Wait for the next request from a client
        let request = responder.recv_string(0)?;
        let request = request.unwrap_or_else(|bytes| String::from_utf8_lossy(&bytes).into_owned());
        println!("Received request: [{request}]");

        // Do some 'work'
        sleep(Duration::from_secs(1));

        // Send the reply back to the client
        responder.send("World", 0)?;
        served += 1;
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
                        "unexpected argument {arg:?}; usage: rrworker [ENDPOINT] [--count N]"
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
