//! UDP discovery, model 3 (zguide chapter 8, "Designing the API": udpping3): the UDP work
//! moves into an [`Interface`] actor that gives every node a UUID and reports peers joining
//! and leaving the network as messages; this program just prints each one as `zmsg_dump`
//! does:
//!
//! ```text
//! ----------------------------------------
//! [006] JOINED
//! [032] 418E98D4B7184844B7D5E0EE5691084C
//! ```
//!
//! A node does not report itself: run two to see them find each other. Runs until Ctrl-C.
//!
//! It broadcasts on the machine's networks: its smoke test runs it only inside a network
//! namespace holding loopback alone.

mod interface;

use ferrozmq::{interrupt, poll, Context, PollItem, POLLIN};
use interface::Interface;
use std::process::ExitCode;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("E: udpping3: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> ferrozmq::Result<()> {
    let interrupts = interrupt::catch_interrupts()?;
    let ctx = Context::new();
    let interface = Interface::new(&ctx)?;
    while !interrupt::interrupted() {
        let mut items = [
            interface.pipe().as_poll_item(POLLIN),
            PollItem::from_fd(interrupts, POLLIN),
        ];
        match poll(&mut items, -1) {
            Err(ferrozmq::Error::EINTR) => break,
            result => result?,
        };
        if items[1].is_readable() {
            break; // Ctrl-C
        }
        if items[0].is_readable() {
            print!("{}", interface.recv()?.dump());
        }
    }
    Ok(())
}
