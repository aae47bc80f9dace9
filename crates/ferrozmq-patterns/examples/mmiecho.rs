//! MMI echo query (zguide chapter 4): asks the broker's `mmi.service` whether the "echo"
//! service has workers; prints "Lookup echo service: 200" (or 404).
//!
//! ```text
//! cargo run -p ferrozmq-patterns --example mmiecho [-v] [ENDPOINT]
//! ```

use ferrozmq::{Context, Multipart};
use ferrozmq_patterns::mdp::client::Client;

fn main() -> Result<(), ferrozmq::Error> {
    let mut verbose = false;
    let mut endpoint = "tcp://localhost:5555".to_string();
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            "-v" => verbose = true,
            _ => endpoint = arg,
        }
    }
    let ctx = Context::new();
    let mut session = Client::new(&ctx, &endpoint)?;
    session.set_verbose(verbose);
    // This is the service we want to look up, sent to the service we ask
    match session.send("mmi.service", Multipart::from(["echo"]))? {
        Some(mut reply) => println!(
            "Lookup echo service: {}",
            reply.pop_str().unwrap_or_default()
        ),
        None => println!("E: no response from broker, make sure it's running"),
    }
    Ok(())
}
