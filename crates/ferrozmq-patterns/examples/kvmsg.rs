//! kvmsg (zguide chapter 5): the self-test of the full key-value message class, five frames
//! `[key][sequence][uuid][properties][body]` ([`ferrozmq_patterns::kvmsg`]).
//!
//! ```text
//! cargo run -p ferrozmq-patterns --example kvmsg [-v]
//! ```
//!
//! Sends a kvmsg with a UUID, then one with properties, between two DEALERs over ipc, and
//! prints " * kvmsg: OK"; with `-v` also dumps each message to stderr as `kvmsg_dump` does.

use ferrozmq::{Context, DEALER};
use ferrozmq_patterns::kvmsg::{KvMap, KvMsg};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let verbose = std::env::args().any(|a| a == "-v");
    let dump = |m: &KvMsg| {
        if verbose {
            eprintln!("{}", m.dump());
        }
    };
    print!(" * kvmsg: ");
    let ctx = Context::new();
    let endpoint = format!("ipc:///tmp/kvmsg-selftest-{}.ipc", std::process::id());
    let output = ctx.socket(DEALER)?;
    output.bind(&endpoint)?;
    let input = ctx.socket(DEALER)?;
    input.connect(&endpoint)?;
    let mut kvmap = KvMap::new();

    // A message with a UUID.
    let mut kvmsg = KvMsg::new(1, "key", "body");
    kvmsg.set_uuid();
    dump(&kvmsg);
    kvmsg.send(&output)?;
    kvmap.store(kvmsg.clone());
    let received = KvMsg::recv(&input)?;
    dump(&received);
    assert_eq!(received, kvmsg);
    kvmap.store(received);

    // A message with properties, one of them set twice.
    let mut kvmsg = KvMsg::new(2, "key", "body");
    kvmsg.set_prop("prop1", "value1");
    kvmsg.set_prop("prop2", "value1");
    kvmsg.set_prop("prop2", "value2");
    kvmsg.set_uuid();
    assert_eq!(kvmsg.prop("prop2"), Some("value2"));
    dump(&kvmsg);
    kvmsg.send(&output)?;
    let received = KvMsg::recv(&input)?;
    dump(&received);
    assert_eq!(received.key, "key");
    assert_eq!(received.prop("prop2"), Some("value2"));
    println!("OK");
    Ok(())
}
