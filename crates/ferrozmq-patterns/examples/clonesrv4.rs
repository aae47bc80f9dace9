//! Clone server, Model 4 (zguide chapter 5): as model 3, answering snapshots of a subtree.
//!
//! ```text
//! cargo run -p ferrozmq-patterns --example clonesrv4
//! ```
//!
//! Prints "I: publishing update N" for each update, "I: sending shapshot=N" (the guide's
//! spelling) for each snapshot, and on Ctrl-C " Interrupted" and "N messages handled".

#[path = "support/clone_server.rs"]
mod clone_server;

use ferrozmq_patterns::clone::protocol::Form;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    clone_server::serve(Form::Simple, false)
}
