//! Hello World server (zguide chapter 1): binds REP to `tcp://*:5555`, prints
//! `Received Hello` for each request, does "some work" (one second) and replies `World`.
//!
//! Usage: `hwserver [ENDPOINT] [--count N]`: bind ENDPOINT instead; exit after N replies.

use std::time::Duration;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (endpoint, count) = args("tcp://*:5555")?;
    let context = ferrozmq::Context::new();
    let responder = context.socket(ferrozmq::REP)?;
    responder.bind(&endpoint)?;
    let mut served = 0;
    while count.is_none_or(|n| served < n) {
        let mut buffer = [0u8; 10];
        responder.recv_into(&mut buffer, 0)?;
        println!("Received Hello");
        std::thread::sleep(Duration::from_secs(1)); // Do some 'work'
        responder.send("World", 0)?;
        served += 1;
    }
    Ok(())
}

/// `[ENDPOINT] [--count N]`.
fn args(default: &str) -> Result<(String, Option<u64>), String> {
    let mut endpoint = default.to_string();
    let mut count = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        if arg == "--count" {
            let n = args.next().ok_or("--count needs a value")?;
            count = Some(n.parse().map_err(|_| format!("bad count {n:?}"))?);
        } else {
            endpoint = arg;
        }
    }
    Ok((endpoint, count))
}
