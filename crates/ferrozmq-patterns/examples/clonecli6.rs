//! Clone client, Model 6 (zguide chapter 5): the `clone` API against a highly available
//! pair of servers (`clonesrv6 -p` and `clonesrv6 -b`), failing over between them.
//!
//! ```text
//! cargo run -p ferrozmq-patterns --example clonecli6
//! ```
//!
//! Connects to the servers at `tcp://localhost:5556` and `tcp://localhost:5566` (each with
//! its +1 and +2 ports) for the subtree `/client/`, and sets a random key there to a random
//! value with a random TTL (under 30 s) each second, until Ctrl-C. The agent logs which
//! server it uses and its fail-overs on stderr.

#[path = "support/randof.rs"]
mod randof;

use ferrozmq::Context;
use ferrozmq_patterns::clone::client::Client;
use randof::randof;
use std::time::Duration;

const SUBTREE: &str = "/client/";

fn main() -> Result<(), Box<dyn std::error::Error>> {
    ferrozmq::interrupt::catch_interrupts()?;
    let ctx = Context::new();
    let clone = Client::new(&ctx)?;
    clone.subtree(SUBTREE)?;
    clone.connect("tcp://localhost", "5556")?;
    clone.connect("tcp://localhost", "5566")?;
    while !ferrozmq::interrupt::interrupted() {
        let key = format!("{SUBTREE}{}", randof(10_000));
        let value = randof(1_000_000).to_string();
        clone.set(&key, value, randof(30))?;
        std::thread::sleep(Duration::from_secs(1));
    }
    Ok(())
}
