//! Hello World client (zguide chapter 1): connects REQ to `tcp://localhost:5555`, sends
//! `Hello` ten times and waits for each `World`, printing `Sending Hello N...` and
//! `Received World N`.
//!
//! Usage: `hwclient [ENDPOINT] [--count N]`: connect to ENDPOINT; N requests.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (endpoint, count) = args("tcp://localhost:5555")?;
    let context = ferrozmq::Context::new();
    println!("Connecting to hello world server...");
    let requester = context.socket(ferrozmq::REQ)?;
    requester.connect(&endpoint)?;
    for request_nbr in 0..count.unwrap_or(10) {
        let mut buffer = [0u8; 10];
        println!("Sending Hello {request_nbr}...");
        requester.send("Hello", 0)?;
        requester.recv_into(&mut buffer, 0)?;
        println!("Received World {request_nbr}");
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
