//! Freelance client, model 3 (zguide chapter 4): 10,000 "random name" requests through the
//! `flcliapi` agent (`ferrozmq_patterns::freelance::model3`), to the servers at
//! tcp://localhost:5555, 5556 and 5557 (or the endpoints given).
//!
//! ```text
//! flclient3 [ENDPOINT ...]
//! ```
//!
//! Prints "I: connecting to ENDPOINT..." per server and "Average round trip cost: N usec".

#[path = "support/name_requests.rs"]
mod name_requests;

use ferrozmq::Context;
use ferrozmq_patterns::freelance::model3::FreelanceClient;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut endpoints: Vec<String> = std::env::args().skip(1).collect();
    if endpoints.is_empty() {
        endpoints = [
            "tcp://localhost:5555",
            "tcp://localhost:5556",
            "tcp://localhost:5557",
        ]
        .map(String::from)
        .to_vec();
    }
    let ctx = Context::new();
    // Create new freelance client object
    let client = FreelanceClient::with_log(&ctx, Box::new(|line| println!("{line}")))?;
    // Connect to several endpoints
    for endpoint in &endpoints {
        client.connect(endpoint)?;
    }
    name_requests::time_requests(|request| client.request(request))?;
    Ok(())
}
