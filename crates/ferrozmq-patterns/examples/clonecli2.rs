//! Clone client, Model 2 (zguide chapter 5): subscribes to updates on
//! `tcp://localhost:5557` first, then asks `tcp://localhost:5556` for a snapshot (ICANHAZ?),
//! and applies only the updates newer than the snapshot.
//!
//! ```text
//! cargo run -p ferrozmq-patterns --example clonecli2
//! ```
//!
//! Prints "Received snapshot=N", then applies updates until Ctrl-C.

#[path = "support/interrupted_recv.rs"]
mod interrupted_recv;

use ferrozmq::{Context, Socket, DEALER, SUB};
use ferrozmq_patterns::clone::protocol::ICANHAZ;
use ferrozmq_patterns::clone::replica::Replica;
use ferrozmq_patterns::kvmsg::{KvMsg, RecvError};
use interrupted_recv::wait_readable;

/// The next simple kvmsg on `socket`, malformed ones dropped with a log line; `None` on
/// Ctrl-C.
fn next(socket: &Socket) -> Result<Option<KvMsg>, ferrozmq::Error> {
    while wait_readable(socket)? {
        match KvMsg::recv_simple(socket) {
            Ok(kvmsg) => return Ok(Some(kvmsg)),
            Err(RecvError::Malformed(why)) => eprintln!("E: dropped {why}"),
            Err(RecvError::Socket(e)) => return Err(e),
        }
    }
    Ok(None)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let ctx = Context::new();
    let snapshot = ctx.socket(DEALER)?;
    snapshot.connect("tcp://localhost:5556")?;
    let subscriber = ctx.socket(SUB)?;
    subscriber.set_subscribe(b"")?;
    subscriber.connect("tcp://localhost:5557")?;

    let mut replica = Replica::new();
    replica.begin_snapshot();
    snapshot.send(ICANHAZ, 0)?;
    while let Some(kvmsg) = next(&snapshot)? {
        if replica.snapshot_message(kvmsg) {
            println!("Received snapshot={}", replica.sequence());
            break;
        }
    }
    while let Some(kvmsg) = next(&subscriber)? {
        replica.update(kvmsg);
    }
    Ok(())
}
