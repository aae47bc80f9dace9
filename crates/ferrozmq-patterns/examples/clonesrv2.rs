//! Clone server, Model 2 (zguide chapter 5): publishes random updates (simple kvmsgs) on
//! `tcp://*:5557`, and a state manager thread, fed the same updates over a PAIR pipe,
//! answers ICANHAZ? snapshot requests on `tcp://*:5556` with its store and a KTHXBAI.
//!
//! ```text
//! cargo run -p ferrozmq-patterns --example clonesrv2
//! ```
//!
//! Prints "Sending state shapshot=N" (the guide's spelling) for each snapshot, and on
//! Ctrl-C " Interrupted" and "N messages out".

#[path = "support/random_update.rs"]
mod random_update;

use ferrozmq::actor::{self, Actor};
use ferrozmq::{Context, Error, Multipart, Socket, POLLIN, PUB, ROUTER};
use ferrozmq_patterns::clone::protocol::{addressed, kthxbai, Form, SnapshotRequest};
use ferrozmq_patterns::kvmsg::{KvMap, KvMsg};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    ferrozmq::interrupt::catch_interrupts()?;
    let ctx = Context::new();
    let publisher = ctx.socket(PUB)?;
    publisher.bind("tcp://*:5557")?;
    let manager_ctx = ctx.clone();
    let updates = Actor::new(&ctx, move |pipe| state_manager(&manager_ctx, pipe))?;

    let mut sequence = 0;
    while !ferrozmq::interrupt::interrupted() {
        sequence += 1;
        let kvmsg = random_update::random_update(sequence, "");
        kvmsg.send_simple(&publisher)?;
        // The pipe blocks at its HWM while the state manager sends a snapshot; Ctrl-C then
        // interrupts the send (EINTR), and the loop sees it.
        match kvmsg.send_simple(updates.pipe()) {
            Ok(()) | Err(Error::EINTR) => {}
            Err(e) => return Err(e.into()),
        }
    }
    println!(" Interrupted\n{sequence} messages out");
    Ok(())
}

/// Keeps the store from the updates on `pipe` and answers snapshot requests, until `$TERM`.
/// A Ctrl-C that lands in this thread (EINTR) does not end it: the main thread says when.
fn state_manager(ctx: &Context, pipe: &Socket) -> ferrozmq::Result<()> {
    let snapshot = ctx.socket(ROUTER)?;
    // A snapshot outgrows the default HWM, where a ROUTER drops (and the KTHXBAI with it).
    snapshot.set_sndhwm(0)?;
    snapshot.bind("tcp://*:5556")?;
    actor::signal(pipe, 0)?;
    let mut store = Store::default();
    loop {
        match store.serve_once(pipe, &snapshot) {
            Ok(true) | Err(Error::EINTR) => {}
            Ok(false) => return Ok(()),
            Err(e) => return Err(e),
        }
    }
}

/// The state manager's store and the sequence number it has reached.
#[derive(Default)]
struct Store {
    kvmap: KvMap,
    sequence: u64,
}

impl Store {
    /// Handles what has arrived on the pipe or the snapshot socket; false on `$TERM`.
    fn serve_once(&mut self, pipe: &Socket, snapshot: &Socket) -> ferrozmq::Result<bool> {
        let mut items = [pipe.as_poll_item(POLLIN), snapshot.as_poll_item(POLLIN)];
        ferrozmq::poll(&mut items, -1)?;
        if items[0].is_readable() {
            let frames = Multipart::recv(pipe)?;
            if frames.first().is_some_and(|f| &f[..] == b"$TERM") {
                return Ok(false);
            }
            if let Ok(kvmsg) = KvMsg::from_simple_frames(&frames) {
                self.sequence = kvmsg.sequence;
                self.kvmap.store(kvmsg);
            }
        }
        if items[1].is_readable() {
            match SnapshotRequest::parse(Multipart::recv(snapshot)?) {
                Ok(request) => {
                    let end = kthxbai(self.sequence, "");
                    for kvmsg in self.kvmap.iter().chain([&end]) {
                        addressed(&request.identity, Form::Simple.encode(kvmsg)).send(snapshot)?;
                    }
                    println!("Sending state shapshot={}", self.sequence);
                }
                Err(why) => eprintln!("E: bad request dropped: {why}"),
            }
        }
        Ok(true)
    }
}
