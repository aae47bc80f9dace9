//! Clone server, Model 5 (zguide chapter 5): as model 4 in full kvmsgs, deleting (and publishing the delete of) each key whose `ttl` has run out.
//!
//! ```text
//! cargo run -p ferrozmq-patterns --example clonesrv5
//! ```
//!
//! Prints "<time> I: publishing update=N" for each update, "<time> I: publishing delete=N"
//! for each expired key, "I: sending shapshot=N" (the guide's
//! spelling) for each snapshot, and on Ctrl-C " Interrupted" and "N messages handled".

#[path = "support/clone_server.rs"]
mod clone_server;

use ferrozmq_patterns::clone::protocol::Form;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    clone_server::serve(Form::Full, true)
}
