//! Lazy Pirate client (zguide chapter 4, "Client-Side Reliability (Lazy Pirate Pattern)").
//!
//! Sends numbered requests through [`ferrozmq_patterns::pirate::lazy`]: a REQ socket polled
//! for each reply with a timeout, closed and reopened to resend when none comes; after three
//! tries the client abandons. Replies must carry the request's sequence number. Run it against `spqueue` and
//! `spworker` (Simple Pirate), killing and restarting workers at will:
//!
//! ```text
//! cargo run -p ferrozmq-patterns --example spqueue &
//! cargo run -p ferrozmq-patterns --example spworker &
//! cargo run -p ferrozmq-patterns --example lpclient
//! ```
//!
//! Usage: `lpclient [ENDPOINT] [--count N] [--timeout MS] [--retries N]`. ENDPOINT defaults to
//! `tcp://localhost:5555`, the timeout to 2500 ms, the retries to 3. The client runs until it
//! abandons, or exits after N good replies with `--count N` (or `FERROZMQ_EXAMPLE_ROUNDS=N`).
//! It exits with status 1 when it abandons.

use ferrozmq::{Context, Multipart};
use ferrozmq_patterns::pirate::lazy::LazyPirate;
use std::process::ExitCode;
use std::time::Duration;

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

/// True when all requests were answered, false when the server seems to be offline.
fn run() -> Result<bool, Box<dyn std::error::Error>> {
    let args = Args::parse()?;
    let endpoint = args.endpoint.as_deref().unwrap_or("tcp://localhost:5555");

    let context = Context::new();
    let mut client = LazyPirate::new(&context, endpoint);
    client.set_timeout(Duration::from_millis(args.timeout.max(0) as u64));
    client.set_retries(args.retries);
    client.set_observer(|event| println!("{}", event.line()));

    let mut sequence: u64 = 0;
    while args.count.is_none_or(|count| sequence < count) {
        // We send a request, then we work to get a reply that matches the sequence
        sequence += 1;
        let request = sequence.to_string();
        let matches = |reply: &Multipart| {
            reply.len() == 1 && reply.first().is_some_and(|f| f[..] == *request.as_bytes())
        };
        match client.request(Multipart::from([request.as_str()]), matches)? {
            Some(_) => println!("I: server replied OK ({request})"),
            None => return Ok(false),
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
