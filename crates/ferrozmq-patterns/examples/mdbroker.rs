//! Majordomo broker (zguide chapter 4, "Service-Oriented Reliable Queuing (Majordomo
//! Pattern)"): MDP/0.1 and MDP/0.2 (RFC 7, RFC 18) with MMI (RFC 8), on one ROUTER socket.
//!
//! ```text
//! cargo run -p ferrozmq-patterns --example mdbroker [-v] [ENDPOINT]
//! ```
//!
//! Binds `tcp://*:5555` unless told another endpoint; `-v` prints every message. Runs until
//! interrupted.

use ferrozmq::Context;
use ferrozmq_patterns::mdp::broker::{Broker, BrokerConfig};

fn main() -> Result<(), ferrozmq::Error> {
    let mut verbose = false;
    let mut endpoint = "tcp://*:5555".to_string();
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            "-v" => verbose = true,
            _ => endpoint = arg,
        }
    }
    let ctx = Context::new();
    let config = BrokerConfig {
        verbose,
        ..BrokerConfig::default()
    };
    let mut broker = Broker::new(&ctx, config)?;
    broker.bind(&endpoint)?;
    println!("I: MDP broker/0.2.0 is active at {endpoint}");
    broker.run()?;
    println!("W: interrupt received, shutting down...");
    Ok(())
}
