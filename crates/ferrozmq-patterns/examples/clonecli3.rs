//! Clone client, Model 3 (zguide chapter 5): clients send updates to the server (PUSH to 5558), which sequences and republishes them; simple kvmsgs.
//!
//! ```text
//! cargo run -p ferrozmq-patterns --example clonecli3
//! ```
//!
//! Connects to `tcp://localhost:5556` (snapshot), 5557 (updates) and 5558 (its own
//! updates). Prints "I: received snapshot=N", "I: received update=N" for each update, and
//! on Ctrl-C " Interrupted" and "N messages in".

#[path = "support/clone_client.rs"]
mod clone_client;

use clone_client::{run, Model};
use ferrozmq_patterns::clone::protocol::Form;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    run(Model {
        form: Form::Simple,
        subtree: None,
        ttl: false,
    })
}
