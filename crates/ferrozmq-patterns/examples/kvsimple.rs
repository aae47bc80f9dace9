//! kvsimple (zguide chapter 5): the self-test of the simple key-value message class, three
//! frames `[key][sequence][body]` ([`ferrozmq_patterns::kvmsg`]).
//!
//! ```text
//! cargo run -p ferrozmq-patterns --example kvsimple [-v]
//! ```
//!
//! Sends a kvmsg between two DEALERs over ipc, stores it and prints " * kvmsg: OK"; with
//! `-v` also dumps each message to stderr as `kvmsg_dump` does.

use ferrozmq::{Context, DEALER};
use ferrozmq_patterns::kvmsg::{KvMap, KvMsg};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let verbose = std::env::args().any(|a| a == "-v");
    print!(" * kvmsg: ");
    let ctx = Context::new();
    let endpoint = format!("ipc:///tmp/kvsimple-selftest-{}.ipc", std::process::id());
    let output = ctx.socket(DEALER)?;
    output.bind(&endpoint)?;
    let input = ctx.socket(DEALER)?;
    input.connect(&endpoint)?;
    let mut kvmap = KvMap::new();

    let kvmsg = KvMsg::new(1, "key", "body");
    if verbose {
        eprintln!("{}", kvmsg.dump());
    }
    kvmsg.send_simple(&output)?;
    kvmap.store(kvmsg);
    let received = KvMsg::recv_simple(&input)?;
    if verbose {
        eprintln!("{}", received.dump());
    }
    assert_eq!(received.key, "key");
    assert_eq!(received.sequence, 1);
    kvmap.store(received);
    assert_eq!(kvmap.len(), 1);
    println!("OK");
    Ok(())
}
