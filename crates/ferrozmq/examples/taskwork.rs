//! Task worker (zguide chapter 1, "Divide and Conquer").
//!
//! Connects a PULL socket to the ventilator (`taskvent`) and a PUSH socket to the sink
//! (`tasksink`). For each task it prints the workload and a dot, sleeps that many
//! milliseconds, and sends an empty result to the sink. Start as many as you like:
//!
//! ```text
//! cargo run -p ferrozmq --example tasksink &
//! cargo run -p ferrozmq --example taskwork &
//! cargo run -p ferrozmq --example taskvent
//! ```
//!
//! Usage: `taskwork [VENTILATOR [SINK]] [--count N]`. The endpoints default to
//! `tcp://localhost:5557` and `tcp://localhost:5558`. The worker runs forever, or exits after
//! N tasks (`--count N` or `FERROZMQ_EXAMPLE_ROUNDS=N`). (`taskwork2` shows how a sink can
//! tell workers to stop instead.)

use ferrozmq::{Context, PULL, PUSH};
use std::io::Write;
use std::process::ExitCode;
use std::thread::sleep;
use std::time::Duration;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("E: taskwork: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse()?;
    let ventilator = args
        .endpoints
        .first()
        .map_or("tcp://localhost:5557", String::as_str);
    let sink = args
        .endpoints
        .get(1)
        .map_or("tcp://localhost:5558", String::as_str);

    let context = Context::new();

    // Socket to receive messages on
    let receiver = context.socket(PULL)?;
    receiver.connect(ventilator)?;

    // Socket to send messages to
    let sender = context.socket(PUSH)?;
    sender.connect(sink)?;

    // Process tasks forever
    let mut tasks = 0;
    while args.count.is_none_or(|count| tasks < count) {
        let task = receiver.recv_msg(0)?;
        let workload = String::from_utf8_lossy(&task);
        print!("{workload}."); // Show progress
        std::io::stdout().flush()?;
        let msec = workload.trim().parse().unwrap_or(0);
        sleep(Duration::from_millis(msec)); // Do the work
        sender.send("", 0)?; // Send results to sink
        tasks += 1;
    }
    println!();
    Ok(())
}

/// Command line: up to two endpoints and `--count N` (default: `FERROZMQ_EXAMPLE_ROUNDS`).
struct Args {
    endpoints: Vec<String>,
    count: Option<u64>,
}

impl Args {
    fn parse() -> Result<Args, String> {
        const USAGE: &str = "usage: taskwork [VENTILATOR [SINK]] [--count N]";
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
