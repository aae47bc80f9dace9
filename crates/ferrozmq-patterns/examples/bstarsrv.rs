//! Binary Star server, proof of concept (zguide chapter 4): the state machine of
//! `ferrozmq_patterns::bstar::fsm` driven by a hand-written poll loop. It does no real work:
//! it echoes the requests it may serve, so that `bstarcli` can show failover.
//!
//! ```text
//! bstarsrv -p    primary: clients on tcp://*:5001, state out on 5003, peer's state from 5004
//! bstarsrv -b    backup: clients on tcp://*:5002, state out on 5004, peer's state from 5003
//! ```

#[path = "support/bstar_args.rs"]
mod bstar_args;

use bstar_args::Server;
use ferrozmq::{Context, Multipart, POLLIN, PUB, ROUTER, SUB};
use ferrozmq_patterns::bstar::fsm::{Event, Fsm, Transition};
use ferrozmq_patterns::bstar::{peer_state, HEARTBEAT};
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let Some(server) = Server::from_args("bstarsrv") else {
        return Ok(());
    };
    let ctx = Context::new();
    let statepub = ctx.socket(PUB)?;
    let statesub = ctx.socket(SUB)?;
    statesub.set_subscribe(b"")?;
    let frontend = ctx.socket(ROUTER)?;
    frontend.bind(server.frontend)?;
    statepub.bind(server.local)?;
    statesub.connect(server.remote)?;
    let mut fsm = Fsm::new(server.start, HEARTBEAT);

    // Set timer for next outgoing state message
    let mut send_state_at = Instant::now() + HEARTBEAT;
    loop {
        let mut items = [frontend.as_poll_item(POLLIN), statesub.as_poll_item(POLLIN)];
        let time_left = send_state_at.saturating_duration_since(Instant::now());
        let wait_ms = time_left.as_micros().div_ceil(1000) as i64; // never a busy wait
        if ferrozmq::poll(&mut items, wait_ms).is_err() {
            break; // Interrupted
        }
        if items[0].is_readable() {
            // Have a client request
            let mut request = Multipart::recv(&frontend)?;
            if serves(fsm.handle(Event::ClientRequest, Instant::now())) {
                // Answer client by echoing request back
                request.send(&frontend)?;
            }
        }
        if items[1].is_readable() {
            // Have state from our peer, execute as event
            let message = Multipart::recv(&statesub)?;
            match peer_state(&message) {
                Some(peer) => {
                    let outcome = fsm.handle(Event::Peer(peer), Instant::now());
                    serves(outcome);
                    if let Transition::Fatal(_) = outcome {
                        break; // Error, so exit
                    }
                }
                None => println!("W: ignored bad state message: {}", message.dump()),
            }
        }
        // If we timed out, send state to peer
        if Instant::now() >= send_state_at {
            statepub.send(fsm.state().wire().as_str(), 0)?;
            send_state_at = Instant::now() + HEARTBEAT;
        }
    }
    Ok(())
}

/// Prints what a transition says; true if a client request is to be answered.
fn serves(outcome: Transition) -> bool {
    match outcome {
        Transition::Stay => true,
        Transition::Become(_, line) => {
            println!("{line}");
            true
        }
        Transition::Reject => false,
        Transition::Fatal(line) => {
            println!("{line}");
            false
        }
    }
}
