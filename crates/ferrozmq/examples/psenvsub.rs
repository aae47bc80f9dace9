//! Pub-sub envelope subscriber (zguide chapter 2, "Pub-Sub Message Envelopes").
//!
//! Connects a SUB socket to `psenvpub` and subscribes to key "B". The filter looks at the
//! first frame only, and accepts or rejects the whole multipart message: every message
//! received is the envelope "B" and its content, printed as `[B] We would like to see this`.
//!
//! ```text
//! cargo run -p ferrozmq --example psenvpub &
//! cargo run -p ferrozmq --example psenvsub
//! ```
//!
//! Usage: `psenvsub [ENDPOINT] [--count N]`. ENDPOINT defaults to `tcp://localhost:5563`.
//! The subscriber runs forever, or exits after N messages (`--count N` or
//! `FERROZMQ_EXAMPLE_ROUNDS=N`).

use ferrozmq::{Context, SUB};
use std::process::ExitCode;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("E: psenvsub: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse()?;
    let endpoint = args.endpoint.as_deref().unwrap_or("tcp://localhost:5563");

    // Prepare our context and subscriber
    let context = Context::new();
    let subscriber = context.socket(SUB)?;
    subscriber.connect(endpoint)?;
    subscriber.set_subscribe(b"B")?;

    let mut received = 0;
    while args.count.is_none_or(|count| received < count) {
        // Read envelope with address
        let address = subscriber.recv_msg(0)?;
        // Read message contents
        if !subscriber.get_rcvmore()? {
            return Err("message without contents".into());
        }
        let contents = subscriber.recv_msg(0)?;
        println!(
            "[{}] {}",
            String::from_utf8_lossy(&address),
            String::from_utf8_lossy(&contents)
        );
        received += 1;
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
                        "unexpected argument {arg:?}; usage: psenvsub [ENDPOINT] [--count N]"
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
