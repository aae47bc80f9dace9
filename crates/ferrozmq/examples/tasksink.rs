//! Task sink (zguide chapter 1, "Divide and Conquer").
//!
//! Binds a PULL socket, waits for the ventilator's start-of-batch message, then collects
//! 100 results from the workers (printing ":" for every tenth and "." for the others) and
//! reports how long the batch took — about 5 s with one worker, half that with two:
//!
//! ```text
//! cargo run -p ferrozmq --example tasksink &
//! cargo run -p ferrozmq --example taskwork &
//! cargo run -p ferrozmq --example taskvent
//! :.........:.........:.........  ...
//! Total elapsed time: 5034 msec
//! ```
//!
//! Usage: `tasksink [ENDPOINT] [--count N]`. ENDPOINT defaults to `tcp://*:5558`; N, the
//! number of results in a batch, to 100 (or `FERROZMQ_EXAMPLE_ROUNDS`). The sink exits after
//! one batch.

use ferrozmq::{Context, PULL};
use std::io::Write;
use std::process::ExitCode;
use std::time::Instant;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("E: tasksink: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse()?;
    let endpoint = args.endpoint.as_deref().unwrap_or("tcp://*:5558");

    // Prepare our context and socket
    let context = Context::new();
    let receiver = context.socket(PULL)?;
    receiver.bind(endpoint)?;

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
    // Calculate and report duration of batch
    println!(
        "\nTotal elapsed time: {} msec",
        start_time.elapsed().as_millis()
    );
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
                        "unexpected argument {arg:?}; usage: tasksink [ENDPOINT] [--count N]"
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
