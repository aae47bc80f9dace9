//! Paranoid Pirate worker (zguide chapter 4): [`ferrozmq_patterns::pirate::paranoid::ParanoidWorker`]
//! echoing requests after a second of "work", heartbeating the queue and reconnecting with a
//! back-off (1 s doubling to 32 s) when the queue falls silent; after a few cycles it crashes
//! or overloads at random.
//!
//! ```text
//! cargo run -p ferrozmq-patterns --example ppworker [ENDPOINT] [--heartbeat MS] [--simulate random|none|crash:N|overload:N] [--work MS]
//! ```
//!
//! Connects to `tcp://localhost:5556` unless told another endpoint. Prints "I: worker
//! ready", "I: normal reply" per request, the simulated problems, and "W: heartbeat failure,
//! can't reach queue" / "W: reconnecting in N msec..." when the queue is gone.

#[path = "support/simulate.rs"]
mod simulate;

use ferrozmq::Context;
use ferrozmq_patterns::pirate::paranoid::{Heartbeat, ParanoidWorker};
use simulate::{randof, Simulate};
use std::thread::sleep;
use std::time::Duration;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut endpoint = "tcp://localhost:5556".to_string();
    let mut heartbeat = Heartbeat::default();
    let mut simulate = Simulate::Random;
    let mut work = Duration::from_secs(1);
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--heartbeat" => {
                let ms = args
                    .next()
                    .ok_or("--heartbeat needs milliseconds")?
                    .parse()?;
                heartbeat.interval = Duration::from_millis(ms);
                heartbeat.reconnect_initial = heartbeat.interval;
            }
            "--simulate" => simulate = Simulate::parse(&args.next().unwrap_or_default())?,
            "--work" => work = Duration::from_millis(args.next().unwrap_or_default().parse()?),
            _ => endpoint = arg,
        }
    }
    let context = Context::new();
    // Set random identity to make tracing easier
    let identity = format!("{:04X}-{:04X}", randof(0x10000), randof(0x10000));
    let mut worker =
        ParanoidWorker::connect(&context, &endpoint, Some(identity.as_bytes()), heartbeat)?;
    worker.set_observer(|event| println!("{}", event.line()));
    println!("I: worker ready");

    let mut cycles = 0;
    loop {
        let request = worker.recv()?;
        // Simulate various problems, after a few cycles
        cycles += 1;
        let (crash, overload) = simulate.at(cycles, 5);
        if crash {
            println!("I: simulating a crash");
            return Ok(());
        } else if overload {
            println!("I: simulating CPU overload");
            sleep(3 * work);
        }
        println!("I: normal reply");
        sleep(work); // Do some heavy work
        worker.reply(request.envelope, request.body)?;
    }
}
