//! Task ventilator (zguide chapter 1, "Divide and Conquer").
//!
//! Binds a PUSH socket for the workers (`taskwork`) and connects another PUSH socket to the
//! sink (`tasksink`). When you press Enter — once the workers have connected, or the first
//! one would get every task — it sends the sink "0" (start of batch), then 100 tasks to the
//! workers, each a random workload of 1 to 100 ms, and prints the total expected cost:
//!
//! ```text
//! cargo run -p ferrozmq --example tasksink &
//! cargo run -p ferrozmq --example taskwork &
//! cargo run -p ferrozmq --example taskwork &
//! cargo run -p ferrozmq --example taskvent
//! Press Enter when the workers are ready:
//! Sending tasks to workers...
//! Total expected cost: 5034 msec
//! ```
//!
//! Usage: `taskvent [WORKERS_ENDPOINT [SINK_ENDPOINT]] [--count N]`. The endpoints default to
//! `tcp://*:5557` (bound) and `tcp://localhost:5558` (connected); N, the number of tasks, to
//! 100 (or `FERROZMQ_EXAMPLE_ROUNDS`). End of input counts as Enter.

use ferrozmq::{Context, PUSH};
use std::io::Write;
use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("E: taskvent: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse()?;
    let workers_endpoint = args
        .endpoints
        .first()
        .map_or("tcp://*:5557", String::as_str);
    let sink_endpoint = args
        .endpoints
        .get(1)
        .map_or("tcp://localhost:5558", String::as_str);

    let context = Context::new();

    // Socket to send messages on
    let sender = context.socket(PUSH)?;
    sender.bind(workers_endpoint)?;

    // Socket to send start of batch message on
    let sink = context.socket(PUSH)?;
    sink.connect(sink_endpoint)?;

    print!("Press Enter when the workers are ready: ");
    std::io::stdout().flush()?;
    std::io::stdin().read_line(&mut String::new())?;
    println!("Sending tasks to workers...");

    // The first message is "0" and signals start of batch
    sink.send("0", 0)?;

    // Initialize random number generator
    let mut rng = Rng::new();

    // Send the tasks
    let mut total_msec = 0; // Total expected cost in msecs
    for _ in 0..args.count.unwrap_or(100) {
        // Random workload from 1 to 100msecs
        let workload = rng.randof(100) + 1;
        total_msec += workload;
        sender.send(workload.to_string(), 0)?;
    }
    println!("Total expected cost: {total_msec} msec");
    // Dropping the sockets and the context delivers what is still queued (LINGER is infinite).
    Ok(())
}

/// A small xorshift generator, standing in for the C library's `random()`.
struct Rng(u64);

impl Rng {
    fn new() -> Rng {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64);
        Rng(nanos ^ (u64::from(std::process::id()) << 32) | 1)
    }

    /// A number from 0 to n - 1, as zhelpers' `randof(n)`.
    fn randof(&mut self, n: u32) -> u32 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % u64::from(n)) as u32
    }
}

/// Command line: up to two endpoints and `--count N` (default: `FERROZMQ_EXAMPLE_ROUNDS`).
struct Args {
    endpoints: Vec<String>,
    count: Option<u64>,
}

impl Args {
    fn parse() -> Result<Args, String> {
        const USAGE: &str = "usage: taskvent [WORKERS_ENDPOINT [SINK_ENDPOINT]] [--count N]";
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
