//! The Freelance model 2 client (the shotgun: each numbered request sent to every server on
//! one DEALER, the first matching reply kept) on libzmq 4.3.4 (the `zmq` crate), with the
//! arguments and last line of ferrozmq-patterns' `flclient2` example, for
//! `bench/freelance.sh`.
//!
//! ```text
//! cargo run --release -p libzmq-perf --bin libzmq-flclient2 -- <endpoint> ...
//! ```

use std::time::{Duration, Instant};

const REQUESTS: u32 = 10_000;
const GLOBAL_TIMEOUT: Duration = Duration::from_millis(2500);

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let endpoints: Vec<String> = std::env::args().skip(1).collect();
    let ctx = zmq::Context::new();
    let socket = ctx.socket(zmq::DEALER)?;
    socket.set_linger(0)?;
    for endpoint in &endpoints {
        socket.connect(endpoint)?;
    }
    let start = Instant::now();
    for sequence in 1..=REQUESTS {
        let text = sequence.to_string();
        for _ in &endpoints {
            socket.send_multipart([&b""[..], text.as_bytes(), b"random name"], 0)?;
        }
        let deadline = Instant::now() + GLOBAL_TIMEOUT;
        loop {
            let wait = deadline.saturating_duration_since(Instant::now());
            if wait.is_zero() || socket.poll(zmq::POLLIN, wait.as_millis() as i64 + 1)? == 0 {
                println!("E: name service not available, aborting");
                return Ok(());
            }
            let reply = socket.recv_multipart(0)?;
            if reply.len() == 3 && reply[1] == text.as_bytes() {
                break;
            }
        }
    }
    let average = start.elapsed().as_micros() / u128::from(REQUESTS);
    println!("Average round trip cost: {average} usec");
    Ok(())
}
