//! The Freelance model 2 server (REP: `[sequence, body]` -> `[sequence, "OK"]`) on libzmq
//! 4.3.4 (the `zmq` crate), with the arguments and first line of ferrozmq-patterns'
//! `flserver2` example, for `bench/freelance.sh`.
//!
//! ```text
//! cargo run --release -p libzmq-perf --bin libzmq-flserver2 -- <endpoint>
//! ```

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let endpoint = std::env::args()
        .nth(1)
        .ok_or("usage: libzmq-flserver2 <endpoint>")?;
    let ctx = zmq::Context::new();
    let server = ctx.socket(zmq::REP)?;
    server.bind(&endpoint)?;
    println!("I: service is ready at {endpoint}");
    loop {
        let request = server.recv_multipart(0)?;
        let sequence = request.first().cloned().unwrap_or_default();
        server.send_multipart([sequence, b"OK".to_vec()], 0)?;
    }
}
