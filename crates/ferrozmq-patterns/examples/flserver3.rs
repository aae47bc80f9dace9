//! Freelance server, model 3 (zguide chapter 4): a ROUTER whose routing id is its connect
//! endpoint, answering "PING" with "PONG" and `[sequence, body]` with `[sequence, "OK"]`.
//!
//! ```text
//! flserver3 [-v] [BIND]       BIND defaults to tcp://*:5555; the routing id is BIND with
//!                             "*" replaced by "localhost" (tcp://localhost:5555)
//! ```

use ferrozmq::{Context, Multipart, ROUTER};
use ferrozmq_patterns::freelance::model3::server_reply;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let verbose = args.iter().any(|a| a == "-v");
    let bind_endpoint = args
        .iter()
        .find(|a| *a != "-v")
        .map_or("tcp://*:5555", String::as_str);
    let connect_endpoint = bind_endpoint.replace('*', "localhost");
    let ctx = Context::new();
    // Prepare server socket with predictable identity
    let server = ctx.socket(ROUTER)?;
    server.set_identity(connect_endpoint.as_bytes())?;
    server.bind(bind_endpoint)?;
    println!("I: service is ready at {bind_endpoint}");
    loop {
        let request = Multipart::recv(&server)?;
        if verbose {
            println!("{}", request.dump());
        }
        // Frame 0: identity of client; frame 1: PING, or client control frame
        let Some(mut reply) = server_reply(request) else {
            continue;
        };
        if verbose {
            println!("{}", reply.dump());
        }
        reply.send(&server)?;
    }
}
