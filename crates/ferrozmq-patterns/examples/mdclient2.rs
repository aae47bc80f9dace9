//! Majordomo client, asynchronous (zguide chapter 4): sends 100 000 "Hello world" requests to
//! the "echo" service at once, then reads the replies ([`ferrozmq_patterns::mdp::async_client`]).
//!
//! ```text
//! cargo run -p ferrozmq-patterns --example mdclient2 [-v] [ENDPOINT] [--count N] [--v2 | --majortomo]
//! ```
//!
//! Connects to `tcp://localhost:5555` unless told another endpoint. `--v2` speaks MDP/0.2 as
//! RFC 18 numbers it, `--majortomo` as PyPI's majortomo broker does. Prints
//! "N replies received".

use ferrozmq::{Context, Multipart};
use ferrozmq_patterns::mdp::async_client::AsyncClient;
use ferrozmq_patterns::mdp::ReplyKind;

#[path = "support/client_args.rs"]
mod client_args;
use client_args::ClientArgs;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let ClientArgs {
        verbose,
        dialect,
        endpoint,
        requests,
    } = ClientArgs::parse()?;
    let ctx = Context::new();
    let mut session = AsyncClient::with_dialect(&ctx, &endpoint, dialect)?;
    session.set_verbose(verbose);
    for _ in 0..requests {
        session.send("echo", Multipart::from(["Hello world"]))?;
    }
    let mut count = 0;
    while count < requests {
        match session.recv()? {
            Some(reply) if reply.kind == ReplyKind::Final => count += 1,
            Some(_) => {}
            None => break, // Timed out: the broker or the workers are gone
        }
    }
    println!("{count} replies received");
    Ok(())
}
