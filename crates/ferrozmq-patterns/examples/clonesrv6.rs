//! Clone server, Model 6 (zguide chapter 5): a highly available pair on Binary Star. The
//! active server sequences and publishes updates; the passive one follows it, holds the
//! client updates it has not published yet, and publishes them if it takes over.
//!
//! ```text
//! clonesrv6 -p    primary: snapshots on tcp://*:5556, updates out on 5557, in on 5558,
//!                 state out on 5003, the backup's from 5004
//! clonesrv6 -b    backup: snapshots on tcp://*:5566, updates out on 5567, in on 5568,
//!                 state out on 5004, the primary's from 5003
//! ```
//!
//! Prints the guide's lines, each after the time: "I: publishing update=N",
//! "I: publishing pending=N", "I: publishing delete=N", "I: sending shapshot=N",
//! "I: asking for snapshot from: tcp://localhost:P", "I: received snapshot=N",
//! "I: received update=N", and the Binary Star state changes. Runs until Ctrl-C.

#[path = "support/zclock.rs"]
mod zclock;

use ferrozmq::Context;
use ferrozmq_patterns::bstar::Role;
use ferrozmq_patterns::clone::pair::{Event, PairConfig, PairServer};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let role = match args.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        ["-p"] => {
            zclock::log("I: primary active, waiting for backup (passive)");
            Role::Primary
        }
        ["-b"] => {
            zclock::log("I: backup passive, waiting for primary (active)");
            Role::Backup
        }
        _ => {
            println!("Usage: clonesrv6 {{ -p | -b }}");
            return Ok(());
        }
    };
    let ctx = Context::new();
    let mut server = PairServer::new(&ctx, PairConfig::guide(role))?;
    server.set_logger(|event| {
        let line = match event {
            Event::Published(n) => format!("I: publishing update={n}"),
            Event::PublishedPending(n) => format!("I: publishing pending={n}"),
            Event::Expired(n) => format!("I: publishing delete={n}"),
            Event::SnapshotSent(n) => format!("I: sending shapshot={n}"),
            Event::AskingSnapshot(from) => format!("I: asking for snapshot from: {from}"),
            Event::SnapshotReceived(n) => format!("I: received snapshot={n}"),
            Event::UpdateReceived(n) => format!("I: received update={n}"),
            Event::Bstar(line) => line.clone(),
            Event::Dropped(why) => return eprintln!("E: dropped {why}"),
        };
        zclock::log(&line);
    });
    server.run()?;
    Ok(())
}
