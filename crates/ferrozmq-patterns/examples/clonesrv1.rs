//! Clone server, Model 1 (zguide chapter 5): publishes random updates of 4-digit keys
//! (simple kvmsgs) on `tcp://*:5556` as fast as it can, keeping them in its own store.
//!
//! ```text
//! cargo run -p ferrozmq-patterns --example clonesrv1
//! ```
//!
//! Waits 200 ms after binding (against the slow joiner), then publishes until Ctrl-C and
//! prints " Interrupted" and "N messages out".

#[path = "support/random_update.rs"]
mod random_update;

use ferrozmq::{Context, PUB};
use ferrozmq_patterns::kvmsg::KvMap;
use std::time::Duration;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    ferrozmq::interrupt::catch_interrupts()?;
    let ctx = Context::new();
    let publisher = ctx.socket(PUB)?;
    publisher.bind("tcp://*:5556")?;
    std::thread::sleep(Duration::from_millis(200));

    let mut kvmap = KvMap::new();
    let mut sequence = 0;
    while !ferrozmq::interrupt::interrupted() {
        sequence += 1;
        let kvmsg = random_update::random_update(sequence, "");
        kvmsg.send_simple(&publisher)?;
        kvmap.store(kvmsg);
    }
    println!(" Interrupted\n{sequence} messages out");
    Ok(())
}
