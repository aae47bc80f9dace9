//! Freelance client, model 1 (zguide chapter 4): asks "Hello world" of the echo service at
//! one or more endpoints — one server is tried three times, several are each tried once.
//!
//! ```text
//! flclient1 <endpoint> ...    e.g. flclient1 tcp://localhost:5555 tcp://localhost:5556
//! ```
//!
//! Prints "Service is running OK" when a server replied.

use ferrozmq::{Context, Multipart};
use ferrozmq_patterns::freelance::model1::Model1Client;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let endpoints: Vec<String> = std::env::args().skip(1).collect();
    if endpoints.is_empty() {
        println!("I: syntax: flclient1 <endpoint> ...");
        return Ok(());
    }
    let ctx = Context::new();
    let endpoints: Vec<&str> = endpoints.iter().map(String::as_str).collect();
    let mut client = Model1Client::new(&ctx, &endpoints);
    client.set_log(|line| println!("{line}"));
    if client.request(&Multipart::from(["Hello world"]))?.is_some() {
        println!("Service is running OK");
    }
    Ok(())
}
