//! Freelance client, model 2 (zguide chapter 4): the shotgun — 10,000 "random name"
//! requests, each sent to every server at once, the first matching reply kept.
//!
//! ```text
//! flclient2 <endpoint> ...    e.g. flclient2 tcp://localhost:5555 tcp://localhost:5556
//! ```
//!
//! Prints "Average round trip cost: N usec".

#[path = "support/name_requests.rs"]
mod name_requests;

use ferrozmq::Context;
use ferrozmq_patterns::freelance::model2::Shotgun;

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
    name_requests::time_requests(|request| client.request(request))?;
    Ok(())
}
