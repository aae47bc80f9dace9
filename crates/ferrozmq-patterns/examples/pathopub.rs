//! Pathological publisher (zguide chapter 5): sends 1,000 topics ("000" to "999", each with
//! "Save Roger"), then one random topic a second with "Off with his head!".
//!
//! ```text
//! cargo run -p ferrozmq-patterns --example pathopub [ENDPOINT]
//! ```
//!
//! Binds `tcp://*:5556` unless told another endpoint; waits a second for subscribers to
//! connect first. Runs until Ctrl-C.

#[path = "support/randof.rs"]
mod randof;

use ferrozmq::{Context, Multipart, PUB};
use randof::randof;
use std::time::Duration;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    ferrozmq::interrupt::catch_interrupts()?;
    let endpoint = std::env::args().nth(1);
    let ctx = Context::new();
    let publisher = ctx.socket(PUB)?;
    publisher.bind(endpoint.as_deref().unwrap_or("tcp://*:5556"))?;
    // Ensure subscriber connection has time to complete.
    std::thread::sleep(Duration::from_secs(1));

    for topic in 0..1000 {
        Multipart::from([format!("{topic:03}"), "Save Roger".into()]).send(&publisher)?;
    }
    while !ferrozmq::interrupt::interrupted() {
        std::thread::sleep(Duration::from_secs(1));
        let topic = format!("{:03}", randof(1000));
        Multipart::from([topic, "Off with his head!".into()]).send(&publisher)?;
    }
    Ok(())
}
