//! Freelance server, model 2 (zguide chapter 4): a REP service that answers each
//! `[sequence, body]` request with `[sequence, "OK"]`.
//!
//! ```text
//! flserver2 <endpoint>        e.g. flserver2 tcp://*:5555
//! ```

use ferrozmq::{Context, Multipart, REP};
use ferrozmq_patterns::freelance::model2::server_reply;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let Some(endpoint) = std::env::args().nth(1) else {
        println!("I: syntax: flserver2 <endpoint>");
        return Ok(());
    };
    let ctx = Context::new();
    let server = ctx.socket(REP)?;
    server.bind(&endpoint)?;
    println!("I: service is ready at {endpoint}");
    loop {
        let request = Multipart::recv(&server)?;
        let mut reply = server_reply(&request).unwrap_or_else(|| {
            // A REP socket must answer before it reads again: an empty reply, which
            // no model 2 client takes for an answer.
            eprintln!(
                "W: invalid request ({} frames), answered empty",
                request.len()
            );
            Multipart::from([""])
        });
        reply.send(&server)?;
    }
}
