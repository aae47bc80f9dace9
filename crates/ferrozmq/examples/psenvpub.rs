//! Pub-sub envelope publisher (zguide chapter 2, "Pub-Sub Message Envelopes").
//!
//! Binds a PUB socket and, once a second, publishes two two-part messages: the first frame is
//! the key ("A" or "B") that subscribers filter on, the second the content. Run it with
//! `psenvsub`, which subscribes to "B" only:
//!
//! ```text
//! cargo run -p ferrozmq --example psenvpub &
//! cargo run -p ferrozmq --example psenvsub
//! [B] We would like to see this
//! ```
//!
//! Usage: `psenvpub [ENDPOINT] [--count N] [--interval MS]`. ENDPOINT defaults to
//! `tcp://*:5563`. The publisher runs forever, or stops after N rounds (`--count N` or
//! `FERROZMQ_EXAMPLE_ROUNDS=N`); it waits MS milliseconds between rounds (default 1000).

use ferrozmq::{Context, PUB, SNDMORE};
use std::process::ExitCode;
use std::thread::sleep;
use std::time::Duration;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("E: psenvpub: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse()?;
    let endpoint = args.endpoint.as_deref().unwrap_or("tcp://*:5563");

    // Prepare our context and publisher
    let context = Context::new();
    let publisher = context.socket(PUB)?;
    publisher.bind(endpoint)?;

    let mut rounds = 0;
    while args.count.is_none_or(|count| rounds < count) {
        // Write two messages, each with an envelope and content
        publisher.send("A", SNDMORE)?;
        publisher.send("We don't want to see this", 0)?;
        publisher.send("B", SNDMORE)?;
        publisher.send("We would like to see this", 0)?;
        rounds += 1;
        sleep(args.interval);
    }
    Ok(())
}

/// Command line: one optional endpoint, `--count N` (default: `FERROZMQ_EXAMPLE_ROUNDS`) and
/// `--interval MS`.
struct Args {
    endpoint: Option<String>,
    count: Option<u64>,
    interval: Duration,
}

impl Args {
    fn parse() -> Result<Args, String> {
        const USAGE: &str = "usage: psenvpub [ENDPOINT] [--count N] [--interval MS]";
        let mut endpoint = None;
        let mut count = std::env::var("FERROZMQ_EXAMPLE_ROUNDS").ok();
        let mut interval = Duration::from_secs(1);
        let mut args = std::env::args().skip(1);
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--count" => count = Some(args.next().ok_or("--count needs a value")?),
                "--interval" => {
                    let ms = args.next().ok_or("--interval needs a value")?;
                    let ms = ms.parse().map_err(|_| format!("bad interval {ms:?}"))?;
                    interval = Duration::from_millis(ms);
                }
                _ if arg.starts_with('-') || endpoint.is_some() => {
                    return Err(format!("unexpected argument {arg:?}; {USAGE}"))
                }
                _ => endpoint = Some(arg),
            }
        }
        let count = match count {
            Some(n) => Some(n.parse().map_err(|_| format!("bad count {n:?}"))?),
            None => None,
        };
        Ok(Args {
            endpoint,
            count,
            interval,
        })
    }
}
