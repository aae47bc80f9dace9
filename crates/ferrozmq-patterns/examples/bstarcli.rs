//! Binary Star client (zguide chapter 4): one numbered request a second to the primary
//! (tcp://localhost:5001); when no reply comes within a second it closes its REQ socket,
//! waits two seconds for the servers to fail over, and tries the other server.
//!
//! ```text
//! bstarcli
//! ```
//!
//! Prints "I: server replied OK (N)" for each reply and "W: no response from server, failing
//! over" before each switch.

use ferrozmq::{Context, Socket, REQ};
use std::thread::sleep;
use std::time::Duration;

const REQUEST_TIMEOUT: i64 = 1000; // msecs
const SETTLE_DELAY: Duration = Duration::from_millis(2000); // Before failing over
const SERVERS: [&str; 2] = ["tcp://localhost:5001", "tcp://localhost:5002"];

fn connect(ctx: &Context, server: &str) -> ferrozmq::Result<Socket> {
    println!("I: connecting to server at {server}...");
    let client = ctx.socket(REQ)?;
    client.set_linger(0)?;
    client.connect(server)?;
    Ok(client)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let ctx = Context::new();
    let mut server_nbr = 0;
    let mut client = connect(&ctx, SERVERS[server_nbr])?;
    let mut sequence = 0u64;
    loop {
        // We send a request, then we work to get a reply
        sequence += 1;
        let request = sequence.to_string();
        client.send(request.as_str(), 0)?;
        loop {
            if client.poll(ferrozmq::POLLIN, REQUEST_TIMEOUT)? != 0 {
                // We got a reply from the server, must match sequence
                let reply = client.recv_bytes(0)?;
                let reply = String::from_utf8_lossy(&reply);
                if reply.trim().parse::<u64>().ok() == Some(sequence) {
                    println!("I: server replied OK ({reply})");
                    sleep(Duration::from_secs(1)); // One request per second
                    break;
                }
                println!("E: bad reply from server: {reply}");
            } else {
                println!("W: no response from server, failing over");
                // Old socket is confused; close it and open a new one
                drop(client);
                server_nbr = (server_nbr + 1) % 2;
                sleep(SETTLE_DELAY);
                client = connect(&ctx, SERVERS[server_nbr])?;
                // Send request again, on new socket
                client.send(request.as_str(), 0)?;
            }
        }
    }
}
