//! Receiving that gives way to Ctrl-C, for the Clone examples that block on one socket:
//! `None` once SIGINT or SIGTERM has arrived. Included with `#[path]`.

use ferrozmq::{Error, Socket, POLLIN};

/// Waits for `socket` to be readable, checking for Ctrl-C every 100 ms; false once it came.
pub fn wait_readable(socket: &Socket) -> ferrozmq::Result<bool> {
    ferrozmq::interrupt::catch_interrupts()?;
    while !ferrozmq::interrupt::interrupted() {
        match socket.poll(POLLIN, 100) {
            Ok(0) | Err(Error::EINTR) => {}
            Ok(_) => return Ok(true),
            Err(e) => return Err(e),
        }
    }
    Ok(false)
}
