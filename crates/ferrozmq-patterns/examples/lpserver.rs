//! Lazy Pirate server (zguide chapter 4): a REP server that echoes each request after a second
//! of "work", and after a few cycles crashes or overloads at random, so that `lpclient` has
//! something to recover from.
//!
//! ```text
//! cargo run -p ferrozmq-patterns --example lpserver [ENDPOINT] [--simulate random|none|crash:N|overload:N] [--work MS]
//! ```
//!
//! Binds `tcp://*:5555` unless told another endpoint. Prints "I: normal request (N)" for each
//! request served, "I: simulating a crash" (and exits) or "I: simulating CPU overload".

#[path = "support/simulate.rs"]
mod simulate;

use ferrozmq::{Context, REP};
use simulate::Simulate;
use std::thread::sleep;
use std::time::Duration;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut endpoint = "tcp://*:5555".to_string();
    let mut simulate = Simulate::Random;
    let mut work = Duration::from_secs(1);
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--simulate" => simulate = Simulate::parse(&args.next().unwrap_or_default())?,
            "--work" => work = Duration::from_millis(args.next().unwrap_or_default().parse()?),
            _ => endpoint = arg,
        }
    }
    let context = Context::new();
    let server = context.socket(REP)?;
    server.bind(&endpoint)?;

    let mut cycles = 0;
    loop {
        let request = server.recv_bytes(0)?;
        cycles += 1;

        // Simulate various problems, after a few cycles
        let (crash, overload) = simulate.at(cycles, 3);
        if crash {
            println!("I: simulating a crash");
            return Ok(());
        } else if overload {
            println!("I: simulating CPU overload");
            sleep(2 * work);
        }
        println!("I: normal request ({})", String::from_utf8_lossy(&request));
        sleep(work); // Do some heavy work
        server.send(request, 0)?;
    }
}
