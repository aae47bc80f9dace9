//! Clone server, Model 3 (zguide chapter 5): collects client updates (PULL at 5558), sequences them and republishes them (PUB at 5557), and answers snapshot requests (ROUTER at 5556); simple kvmsgs.
//!
//! ```text
//! cargo run -p ferrozmq-patterns --example clonesrv3
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
