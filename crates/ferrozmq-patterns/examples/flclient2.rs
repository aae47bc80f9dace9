//! Freelance client, model 2 (zguide chapter 4): the shotgun — 10,000 "random name"
//! requests, each sent to every server at once, the first matching reply kept.
//!
//! ```text
//! flclient2 <endpoint> ...    e.g. flclient2 tcp://localhost:5555 tcp://localhost:5556
//! ```
//!
//! Prints "Average round trip cost: N usec".

use ferrozmq::{Context, Multipart};
use ferrozmq_patterns::freelance::model2::Shotgun;
use std::time::Instant;

const REQUESTS: u32 = 10_000;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let endpoints: Vec<String> = std::env::args().skip(1).collect();
    if endpoints.is_empty() {
        println!("I: syntax: flclient2 <endpoint> ...");
        return Ok(());
    }
    let ctx = Context::new();
    let mut client = Shotgun::new(&ctx)?;
    for endpoint in &endpoints {
        client.connect(endpoint)?;
    }
    // Send a bunch of name resolution 'requests', measure time
    let start = Instant::now();
    for _ in 0..REQUESTS {
        if client.request(Multipart::from(["random name"]))?.is_none() {
            println!("E: name service not available, aborting");
            break;
        }
    }
    let average = start.elapsed().as_micros() / u128::from(REQUESTS);
    println!("Average round trip cost: {average} usec");
    Ok(())
}
