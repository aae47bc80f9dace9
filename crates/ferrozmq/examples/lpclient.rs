//! Lazy Pirate client (zguide chapter 4, "Client-Side Reliability (Lazy Pirate Pattern)").
//!
//! Sends numbered requests on a REQ socket and polls for each reply with a timeout. When no
//! reply comes in time, the REQ socket is stuck (it will not send again before a reply), so
//! the client closes it, opens a new one and resends the request; after three tries it
//! abandons. Replies must carry the request's sequence number. Run it against `spqueue` and
//! `spworker` (Simple Pirate), killing and restarting workers at will:
//!
//! ```text
//! cargo run -p ferrozmq --example spqueue &
//! cargo run -p ferrozmq --example spworker &
//! cargo run -p ferrozmq --example lpclient
//! ```
//!
//! Usage: `lpclient [ENDPOINT] [--count N] [--timeout MS] [--retries N]`. ENDPOINT defaults to
//! `tcp://localhost:5555`, the timeout to 2500 ms, the retries to 3. The client runs until it
//! abandons, or exits after N good replies with `--count N` (or `FERROZMQ_EXAMPLE_ROUNDS=N`).
//! It exits with status 1 when it abandons.

use ferrozmq::{Context, Socket, POLLIN, REQ};
use std::process::ExitCode;

const REQUEST_TIMEOUT: i64 = 2500; // msecs, (> 1000!)
const REQUEST_RETRIES: u32 = 3; // Before we abandon

fn main() -> ExitCode {
    match run() {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("E: lpclient: {e}");
            ExitCode::FAILURE
        }
    }
}

/// A new REQ socket connected to the server, that does not wait at close time.
fn client_socket(context: &Context, endpoint: &str) -> ferrozmq::Result<Socket> {
    println!("I: connecting to server...");
    let client = context.socket(REQ)?;
    client.connect(endpoint)?;
    // Configure socket to not wait at close time
    client.set_linger(0)?;
    Ok(client)
}

/// True when all requests were answered, false when the server seems to be offline.
fn run() -> Result<bool, Box<dyn std::error::Error>> {
    let args = Args::parse()?;
    let endpoint = args.endpoint.as_deref().unwrap_or("tcp://localhost:5555");

    let context = Context::new();
    let mut client = client_socket(&context, endpoint)?;

    let mut sequence: u64 = 0;
    let mut retries_left = args.retries;
    while args.count.is_none_or(|count| sequence < count) {
        // We send a request, then we work to get a reply
        sequence += 1;
        let request = sequence.to_string();
        client.send(request.as_str(), 0)?;

        loop {
            // Poll socket for a reply, with timeout
            if client.poll(POLLIN, args.timeout)? > 0 {
                // We got a reply from the server, must match sequence
                let reply = client.recv_bytes(0)?;
                let reply = String::from_utf8_lossy(&reply);
                if reply.parse::<u64>().ok() == Some(sequence) {
                    println!("I: server replied OK ({reply})");
                    retries_left = args.retries;
                    break;
                }
                println!("E: malformed reply from server: {reply}");
            } else {
                retries_left = retries_left.saturating_sub(1);
                if retries_left == 0 {
                    println!("E: server seems to be offline, abandoning");
                    return Ok(false);
                }
                println!("W: no response from server, retrying...");
                // Old socket is confused; close it and open a new one
                drop(client);
                client = client_socket(&context, endpoint)?;
                // Send request again, on new socket
                client.send(request.as_str(), 0)?;
            }
        }
    }
    Ok(true)
}

/// Command line: an optional endpoint, `--count N` (default: `FERROZMQ_EXAMPLE_ROUNDS`),
/// `--timeout MS` and `--retries N`.
struct Args {
    endpoint: Option<String>,
    count: Option<u64>,
    timeout: i64,
    retries: u32,
}

impl Args {
    fn parse() -> Result<Args, String> {
        let usage = "usage: lpclient [ENDPOINT] [--count N] [--timeout MS] [--retries N]";
        let mut endpoint = None;
        let mut count = std::env::var("FERROZMQ_EXAMPLE_ROUNDS").ok();
        let mut timeout = None;
        let mut retries = None;
        let mut args = std::env::args().skip(1);
        while let Some(arg) = args.next() {
            let slot = match arg.as_str() {
                "--count" => &mut count,
                "--timeout" => &mut timeout,
                "--retries" => &mut retries,
                _ if arg.starts_with('-') || endpoint.is_some() => {
                    return Err(format!("unexpected argument {arg:?}; {usage}"))
                }
                _ => {
                    endpoint = Some(arg);
                    continue;
                }
            };
            *slot = Some(args.next().ok_or(format!("{arg} needs a value"))?);
        }
        fn number<T: std::str::FromStr>(value: Option<String>) -> Result<Option<T>, String> {
            match value {
                Some(v) => v.parse().map(Some).map_err(|_| format!("bad number {v:?}")),
                None => Ok(None),
            }
        }
        Ok(Args {
            endpoint,
            count: number(count)?,
            timeout: number(timeout)?.unwrap_or(REQUEST_TIMEOUT),
            retries: number(retries)?.unwrap_or(REQUEST_RETRIES).max(1),
        })
    }
}
