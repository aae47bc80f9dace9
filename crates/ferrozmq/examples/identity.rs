//! Identity check (zguide chapter 3, "Identities and Addresses").
//!
//! A ROUTER socket receives one request from a REQ peer that lets the ROUTER generate its
//! identity (5 bytes: a zero byte and a 32-bit number) and one from a REQ peer that set its
//! own identity, "PEER2". Each message is dumped frame by frame: `[size] content`, in hex when
//! the frame is binary. The message is identity, empty delimiter, body:
//!
//! ```text
//! ----------------------------------------
//! [005] 006B8B4567
//! [000]
//! [039] ROUTER uses a generated 5 byte identity
//! ----------------------------------------
//! [005] PEER2
//! [000]
//! [033] ROUTER uses REQ's socket identity
//! ```
//!
//! Run it by itself (it uses inproc and exits when done):
//! `cargo run -p ferrozmq --example identity`.

use ferrozmq::{Context, Socket, REQ, ROUTER};
use std::process::ExitCode;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("E: identity: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> ferrozmq::Result<()> {
    let context = Context::new();

    let sink = context.socket(ROUTER)?;
    sink.bind("inproc://example")?;

    // First allow the ROUTER to generate the identity
    let anonymous = context.socket(REQ)?;
    anonymous.connect("inproc://example")?;
    anonymous.send("ROUTER uses a generated 5 byte identity", 0)?;
    dump(&sink)?;

    // Then set the identity ourselves
    let identified = context.socket(REQ)?;
    identified.set_identity(b"PEER2")?;
    identified.connect("inproc://example")?;
    identified.send("ROUTER uses REQ's socket identity", 0)?;
    dump(&sink)?;
    Ok(())
}

/// Receives one message and prints each frame as `[size] content`, like zhelpers' `s_dump`.
fn dump(socket: &Socket) -> ferrozmq::Result<()> {
    println!("----------------------------------------");
    for frame in socket.recv_multipart(0)? {
        let is_text = frame.iter().all(|&b| (32..127).contains(&b));
        let content: String = if is_text {
            String::from_utf8_lossy(&frame).into_owned()
        } else {
            frame.iter().map(|b| format!("{b:02X}")).collect()
        };
        if content.is_empty() {
            println!("[{:03}]", frame.len());
        } else {
            println!("[{:03}] {content}", frame.len());
        }
    }
    Ok(())
}
