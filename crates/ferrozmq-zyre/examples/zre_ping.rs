//! zre_ping: the guide's (and Zyre's zpinger) ping tool. Joins GLOBAL, whispers `Hello`
//! to every peer that enters, answers nothing, and logs what happens:
//! `I: [NAME] ENTER`, `I: [NAME] received ping (WHISPER)`, `I: [NAME] EXIT`, … until
//! interrupted.
//!
//! ```text
//! zre_ping [INTERFACE]
//! ```

use ferrozmq::Context;
use ferrozmq_zyre::{Event, Node};
use std::time::Duration;

fn main() -> Result<(), ferrozmq::Error> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let ctx = Context::new();
    let mut node = Node::new(&ctx, None)?;
    if let Some(interface) = args.first() {
        node.set_interface(interface)?;
    }
    node.join("GLOBAL")?;
    node.start()?;
    ferrozmq::interrupt::catch_interrupts()?;
    while !ferrozmq::interrupt::interrupted() {
        let event = match node.recv_timeout(Duration::from_millis(100)) {
            Ok(Some(event)) => event,
            Ok(None) | Err(ferrozmq::Error::EINTR) => continue,
            Err(e) => return Err(e),
        };
        match &event {
            Event::Enter { peer, .. } => {
                println!("I: [{}] ENTER", event.name());
                node.whispers(peer, "Hello")?;
            }
            Event::Whisper { .. } => {
                println!("I: [{}] received ping (WHISPER)", event.name());
            }
            _ => println!("I: [{}] {}", event.name(), event.kind()),
        }
    }
    Ok(())
}
