//! Reading from multiple sockets with `poll` (zguide chapter 2, "Handling Multiple Sockets").
//!
//! Connects a PULL socket to the task ventilator (`taskvent`) and a SUB socket to the weather
//! server (`wuserver`, zip code "10001 "), and waits on both at once with `poll`, handling
//! one message from each ready socket per round. Unlike `msreader` it sleeps in the kernel
//! until there is something to do.
//!
//! ```text
//! cargo run -p ferrozmq --example wuserver &
//! cargo run -p ferrozmq --example mspoller &
//! cargo run -p ferrozmq --example tasksink &
//! cargo run -p ferrozmq --example taskvent
//! ```
//!
//! Usage: `mspoller [VENTILATOR [WEATHER]] [--count N]`. The endpoints default to
//! `tcp://localhost:5557` and `tcp://localhost:5556`. The poller prints what it processes
//! and runs forever, or exits once it has processed N tasks and N weather updates
//! (`--count N` or `FERROZMQ_EXAMPLE_ROUNDS=N`).

use ferrozmq::{poll, Context, POLLIN, PULL, SUB};
use std::process::ExitCode;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("E: mspoller: {e}");
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

    // Process messages from both sockets
    let (mut tasks, mut updates) = (0, 0);
    let done = |tasks: u64, updates: u64| args.count.is_some_and(|n| tasks >= n && updates >= n);
    while !done(tasks, updates) {
        let mut items = [
            receiver.as_poll_item(POLLIN),
            subscriber.as_poll_item(POLLIN),
        ];
        poll(&mut items, -1)?;
        if items[0].is_readable() {
            let task = receiver.recv_msg(0)?;
            // Process task
            println!("Task: {}", String::from_utf8_lossy(&task));
            tasks += 1;
        }
        if items[1].is_readable() {
            let update = subscriber.recv_msg(0)?;
            // Process weather update
            println!("Weather update: {}", String::from_utf8_lossy(&update));
            updates += 1;
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
        const USAGE: &str = "usage: mspoller [VENTILATOR [WEATHER]] [--count N]";
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
