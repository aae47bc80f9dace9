//! Synchronized publisher (zguide chapter 2, "Node Coordination").
//!
//! Solves the slow-joiner problem: the publisher waits until the expected number of
//! subscribers (10) have told it, over a REQ-REP "sync service", that they are connected and
//! subscribed. Only then does it broadcast 1 000 000 updates, followed by "END". With a send
//! high-water mark above the batch size no subscriber misses an update, and each `syncsub`
//! prints `Received 1000000 updates`:
//!
//! ```text
//! cargo run -p ferrozmq --example syncpub &
//! for i in $(seq 10); do cargo run -p ferrozmq --example syncsub & done
//! ```
//!
//! Usage: `syncpub [PUB_ENDPOINT [SYNC_ENDPOINT]] [--subscribers N] [--count N]`. The
//! endpoints default to `tcp://*:5561` (updates) and `tcp://*:5562` (synchronization); the
//! number of subscribers to 10; the number of updates to 1 000 000 (or
//! `FERROZMQ_EXAMPLE_ROUNDS`). The publisher exits after sending "END".

use ferrozmq::{Context, PUB, REP};
use std::process::ExitCode;

/// We wait for this many subscribers.
const SUBSCRIBERS_EXPECTED: u64 = 10;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("E: syncpub: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse()?;
    let pub_endpoint = args
        .endpoints
        .first()
        .map_or("tcp://*:5561", String::as_str);
    let sync_endpoint = args.endpoints.get(1).map_or("tcp://*:5562", String::as_str);
    let expected = args.subscribers.unwrap_or(SUBSCRIBERS_EXPECTED);
    let updates = args.count.unwrap_or(1_000_000);

    let context = Context::new();

    // Socket to talk to clients; the high-water mark must hold the whole batch
    let publisher = context.socket(PUB)?;
    let sndhwm = if updates < 1_100_000 { 1_100_000 } else { 0 };
    publisher.set_sndhwm(sndhwm)?;
    publisher.bind(pub_endpoint)?;

    // Socket to receive signals
    let syncservice = context.socket(REP)?;
    syncservice.bind(sync_endpoint)?;

    // Get synchronization from subscribers
    println!("Waiting for subscribers");
    let mut subscribers = 0;
    while subscribers < expected {
        // - wait for synchronization request
        syncservice.recv_msg(0)?;
        // - send synchronization reply
        syncservice.send("", 0)?;
        subscribers += 1;
    }

    // Now broadcast exactly the updates followed by END
    println!("Broadcasting messages");
    for _ in 0..updates {
        publisher.send("Rhubarb", 0)?;
    }
    publisher.send("END", 0)?;
    // Dropping the sockets and the context delivers what is still queued (LINGER is infinite).
    Ok(())
}

/// Command line: up to two endpoints, `--subscribers N` and `--count N` (default:
/// `FERROZMQ_EXAMPLE_ROUNDS`).
struct Args {
    endpoints: Vec<String>,
    subscribers: Option<u64>,
    count: Option<u64>,
}

impl Args {
    fn parse() -> Result<Args, String> {
        const USAGE: &str =
            "usage: syncpub [PUB_ENDPOINT [SYNC_ENDPOINT]] [--subscribers N] [--count N]";
        let mut endpoints = Vec::new();
        let mut subscribers = None;
        let mut count = std::env::var("FERROZMQ_EXAMPLE_ROUNDS").ok();
        let mut args = std::env::args().skip(1);
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--count" => count = Some(args.next().ok_or("--count needs a value")?),
                "--subscribers" => {
                    subscribers = Some(args.next().ok_or("--subscribers needs a value")?)
                }
                _ if arg.starts_with('-') || endpoints.len() == 2 => {
                    return Err(format!("unexpected argument {arg:?}; {USAGE}"))
                }
                _ => endpoints.push(arg),
            }
        }
        let number = |value: Option<String>| -> Result<Option<u64>, String> {
            match value {
                Some(n) => Ok(Some(n.parse().map_err(|_| format!("bad number {n:?}"))?)),
                None => Ok(None),
            }
        };
        Ok(Args {
            endpoints,
            subscribers: number(subscribers)?,
            count: number(count)?,
        })
    }
}
