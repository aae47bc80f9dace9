//! Task sink with a kill signal (zguide chapter 2, "Handling Errors and ETERM").
//!
//! Like `tasksink`, and also binds a PUB socket for control: when the batch is complete it
//! publishes "KILL", and every `taskwork2` exits.
//!
//! ```text
//! cargo run -p ferrozmq --example tasksink2 &
//! cargo run -p ferrozmq --example taskwork2 &
//! cargo run -p ferrozmq --example taskwork2 &
//! cargo run -p ferrozmq --example taskvent
//! ```
//!
//! Usage: `tasksink2 [ENDPOINT [CONTROLLER]] [--count N]`. The endpoints default to
//! `tcp://*:5558` (results) and `tcp://*:5559` (control); N, the number of results in a
//! batch, to 100 (or `FERROZMQ_EXAMPLE_ROUNDS`). The sink exits after one batch.

use ferrozmq::{Context, PUB, PULL};
use std::io::Write;
use std::process::ExitCode;
use std::time::Instant;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("E: tasksink2: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse()?;
    let endpoint = args
        .endpoints
        .first()
        .map_or("tcp://*:5558", String::as_str);
    let control_endpoint = args.endpoints.get(1).map_or("tcp://*:5559", String::as_str);

    let context = Context::new();

    // Socket to receive messages on
    let receiver = context.socket(PULL)?;
    receiver.bind(endpoint)?;

    // Socket for worker control
    let controller = context.socket(PUB)?;
    controller.bind(control_endpoint)?;

    // Wait for start of batch
    receiver.recv_msg(0)?;

    // Start our clock now
    let start_time = Instant::now();

    // Process the confirmations
    for task_nbr in 0..args.count.unwrap_or(100) {
        receiver.recv_msg(0)?;
        print!("{}", if task_nbr % 10 == 0 { ":" } else { "." });
        std::io::stdout().flush()?;
    }
    println!(
        "\nTotal elapsed time: {} msec",
        start_time.elapsed().as_millis()
    );

    // Send kill signal to workers; dropping the socket and the context delivers it.
    controller.send("KILL", 0)?;
    Ok(())
}

/// Command line: up to two endpoints and `--count N` (default: `FERROZMQ_EXAMPLE_ROUNDS`).
struct Args {
    endpoints: Vec<String>,
    count: Option<u64>,
}

impl Args {
    fn parse() -> Result<Args, String> {
        const USAGE: &str = "usage: tasksink2 [ENDPOINT [CONTROLLER]] [--count N]";
        let mut endpoints = Vec::new();
        let mut count = std::env::var("FERROZMQ_EXAMPLE_ROUNDS").ok();
        let mut args = std::env::args().skip(1);
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--count" => count = Some(args.next().ok_or("--count needs a value")?),
                _ if arg.starts_with('-') || endpoints.len() == 2 => {
                    return Err(format!("unexpected argument {arg:?}; {USAGE}"))
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
