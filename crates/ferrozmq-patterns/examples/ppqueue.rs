//! Paranoid Pirate queue (zguide chapter 4, "Robust Reliable Queuing (Paranoid Pirate
//! Pattern)"): [`ferrozmq_patterns::pirate::paranoid::ParanoidQueue`], a load-balancing queue
//! that heartbeats its workers (RFC 6) and forgets those that fall silent.
//!
//! ```text
//! cargo run -p ferrozmq-patterns --example ppqueue [FRONTEND [BACKEND]] [--heartbeat MS]
//! ```
//!
//! Binds `tcp://*:5555` for clients (`lpclient`) and `tcp://*:5556` for workers
//! (`ppworker`); heartbeats every second (`--heartbeat MS`) with liveness 3.

use ferrozmq::Context;
use ferrozmq_patterns::pirate::paranoid::{Heartbeat, ParanoidQueue};
use std::time::Duration;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut endpoints = Vec::new();
    let mut heartbeat = Heartbeat::default();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--heartbeat" => {
                let ms = args
                    .next()
                    .ok_or("--heartbeat needs milliseconds")?
                    .parse()?;
                heartbeat.interval = Duration::from_millis(ms);
            }
            _ => endpoints.push(arg),
        }
    }
    let frontend = endpoints.first().map_or("tcp://*:5555", String::as_str);
    let backend = endpoints.get(1).map_or("tcp://*:5556", String::as_str);
    let context = Context::new();
    ParanoidQueue::bind(&context, frontend, backend, heartbeat)?.run()?;
    Ok(())
}
