//! Binary Star server on the `bstar` reactor class (zguide chapter 4): an echo service that
//! fails over with its peer. Same command line, endpoints and lines as `bstarsrv`.
//!
//! ```text
//! bstarsrv2 -p    primary: clients on tcp://*:5001, state out on 5003, peer's state from 5004
//! bstarsrv2 -b    backup: clients on tcp://*:5002, state out on 5004, peer's state from 5003
//! ```

#[path = "support/bstar_args.rs"]
mod bstar_args;

use bstar_args::Server;
use ferrozmq::{Context, Multipart, ROUTER};
use ferrozmq_patterns::bstar::fsm::State;
use ferrozmq_patterns::bstar::{BinaryStar, Handlers, Role};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let Some(server) = Server::from_args("bstarsrv2") else {
        return Ok(());
    };
    let role = match server.start {
        State::Backup => Role::Backup,
        _ => Role::Primary,
    };
    let ctx = Context::new();
    let mut bstar = BinaryStar::new(&ctx, role, server.local, server.remote)?;
    bstar.set_log(|line| println!("{line}"));
    bstar.voter(server.frontend, ROUTER)?;
    // Echo service
    bstar.start(Handlers::new(|_, socket| {
        Multipart::recv(socket)?.send(socket)
    }))?;
    Ok(())
}
