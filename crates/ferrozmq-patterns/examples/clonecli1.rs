//! Clone client, Model 1 (zguide chapter 5): subscribes to `tcp://localhost:5556` and stores
//! every update (simple kvmsgs) it receives.
//!
//! ```text
//! cargo run -p ferrozmq-patterns --example clonecli1
//! ```
//!
//! On Ctrl-C prints " Interrupted" and "N messages in".

#[path = "support/interrupted_recv.rs"]
mod interrupted_recv;

use ferrozmq::{Context, SUB};
use ferrozmq_patterns::kvmsg::{KvMap, KvMsg, RecvError};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let ctx = Context::new();
    let updates = ctx.socket(SUB)?;
    updates.set_subscribe(b"")?;
    updates.connect("tcp://localhost:5556")?;

    let mut kvmap = KvMap::new();
    let mut received = 0;
    while interrupted_recv::wait_readable(&updates)? {
        match KvMsg::recv_simple(&updates) {
            Ok(kvmsg) => {
                kvmap.store(kvmsg);
                received += 1;
            }
            Err(RecvError::Malformed(why)) => eprintln!("E: dropped {why}"),
            Err(RecvError::Socket(e)) => return Err(e.into()),
        }
    }
    println!(" Interrupted\n{received} messages in");
    Ok(())
}
