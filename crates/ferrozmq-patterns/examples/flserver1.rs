//! Freelance server, model 1 (zguide chapter 4): a trivial REP echo service.
//!
//! ```text
//! flserver1 <endpoint>        e.g. flserver1 tcp://*:5555
//! ```

use ferrozmq::{Context, Multipart, REP};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let Some(endpoint) = std::env::args().nth(1) else {
        println!("I: syntax: flserver1 <endpoint>");
        return Ok(());
    };
    let ctx = Context::new();
    let server = ctx.socket(REP)?;
    server.bind(&endpoint)?;
    println!("I: echo service is ready at {endpoint}");
    loop {
        Multipart::recv(&server)?.send(&server)?;
    }
}
