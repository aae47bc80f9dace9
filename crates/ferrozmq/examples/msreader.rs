//! Reading from multiple sockets, the wrong way (zguide chapter 2, "Handling Multiple
//! Sockets").
//!
//! Connects a PULL socket to the task ventilator (`taskvent`) and a SUB socket to the weather
//! server (`wuserver`, zip code "10001 "), and reads both with non-blocking receives
//! (`DONTWAIT`): first every waiting task, then every waiting weather update, then a 1 ms
//! sleep when there was nothing. This gives tasks priority, but costs latency and wakes the
//! process a thousand times a second; `mspoller` does it right.
//!
//! ```text
//! cargo run -p ferrozmq --example wuserver &
//! cargo run -p ferrozmq --example msreader &
//! cargo run -p ferrozmq --example tasksink &
//! cargo run -p ferrozmq --example taskvent
//! ```
//!
//! Usage: `msreader [VENTILATOR [WEATHER]] [--count N]`. The endpoints default to
//! `tcp://localhost:5557` and `tcp://localhost:5556`. The reader prints what it processes
//! and runs forever, or exits once it has processed N tasks and N weather updates
//! (`--count N` or `FERROZMQ_EXAMPLE_ROUNDS=N`).

use ferrozmq::{Context, Error, DONTWAIT, PULL, SUB};
use std::process::ExitCode;
use std::thread::sleep;
use std::time::Duration;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("E: msreader: {e}");
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
    let weather = args
        .endpoints
        .get(1)
        .map_or("tcp://localhost:5556", String::as_str);

    // Connect to task ventilator
    let context = Context::new();
    let receiver = context.socket(PULL)?;
    receiver.connect(ventilator)?;

    // Connect to weather server
    let subscriber = context.socket(SUB)?;
    subscriber.connect(weather)?;
    subscriber.set_subscribe(b"10001 ")?;

    // Process messages from both sockets; we prioritize traffic from the task ventilator
    let (mut tasks, mut updates) = (0, 0);
    let done = |tasks: u64, updates: u64| args.count.is_some_and(|n| tasks >= n && updates >= n);
    while !done(tasks, updates) {
        let mut idle = true;
        loop {
            match receiver.recv_msg(DONTWAIT) {
                Ok(task) => {
                    // Process task
                    println!("Task: {}", String::from_utf8_lossy(&task));
                    tasks += 1;
                    idle = false;
                }
                Err(Error::EAGAIN) => break,
                Err(e) => return Err(e.into()),
            }
        }
        loop {
            match subscriber.recv_msg(DONTWAIT) {
                Ok(update) => {
                    // Process weather update
                    println!("Weather update: {}", String::from_utf8_lossy(&update));
                    updates += 1;
                    idle = false;
                }
                Err(Error::EAGAIN) => break,
                Err(e) => return Err(e.into()),
            }
        }
        // No activity, so sleep for 1 msec
        if idle {
            sleep(Duration::from_millis(1));
        }
    }
    println!("Processed {tasks} tasks and {updates} weather updates");
    Ok(())
}

/// Command line: up to two endpoints and `--count N` (default: `FERROZMQ_EXAMPLE_ROUNDS`).
struct Args {
    endpoints: Vec<String>,
    count: Option<u64>,
}

impl Args {
    fn parse() -> Result<Args, String> {
        const USAGE: &str = "usage: msreader [VENTILATOR [WEATHER]] [--count N]";
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
