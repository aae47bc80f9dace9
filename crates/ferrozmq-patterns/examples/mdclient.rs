//! Majordomo client (zguide chapter 4): 100 000 "Hello world" requests to the "echo" service,
//! each waited for, through the synchronous client API ([`ferrozmq_patterns::mdp::client`]).
//!
//! ```text
//! cargo run -p ferrozmq-patterns --example mdclient [-v] [ENDPOINT] [--count N] [--v2 | --majortomo]
//! ```
//!
//! Connects to `tcp://localhost:5555` unless told another endpoint. `--v2` speaks MDP/0.2 as
//! RFC 18 numbers it, `--majortomo` as PyPI's majortomo broker does. Prints
//! "N requests/replies processed" with the number of replies received.

use ferrozmq::{Context, Multipart};
use ferrozmq_patterns::mdp::client::Client;

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
    let mut session = Client::with_dialect(&ctx, &endpoint, dialect)?;
    session.set_verbose(verbose);
    let mut count = 0;
    while count < requests {
        let request = Multipart::from(["Hello world"]);
        if session.send("echo", request)?.is_none() {
            break; // Interrupt or failure
        }
        count += 1;
    }
    println!("{count} requests/replies processed");
    Ok(())
}
