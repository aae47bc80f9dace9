//! The command line of the Binary Star servers (`bstarsrv`, `bstarsrv2`): `-p` or `-b`, and
//! the guide's endpoints for each. Included with `#[path]`.

use ferrozmq_patterns::bstar::fsm::State;

/// One server's endpoints and starting state.
pub struct Server {
    /// Where clients connect (the voter socket).
    pub frontend: &'static str,
    /// Where this server publishes its state.
    pub local: &'static str,
    /// Where its peer publishes.
    pub remote: &'static str,
    /// PRIMARY or BACKUP.
    pub start: State,
}

impl Server {
    /// The server the arguments name, after printing the guide's first line; `None` (after
    /// printing the usage) for anything but `-p` or `-b`.
    pub fn from_args(program: &str) -> Option<Server> {
        let args: Vec<String> = std::env::args().skip(1).collect();
        match args.iter().map(String::as_str).collect::<Vec<_>>()[..] {
            ["-p"] => {
                println!("I: Primary active, waiting for backup (passive)");
                Some(Server {
                    frontend: "tcp://*:5001",
                    local: "tcp://*:5003",
                    remote: "tcp://localhost:5004",
                    start: State::Primary,
                })
            }
            ["-b"] => {
                println!("I: Backup passive, waiting for primary (active)");
                Some(Server {
                    frontend: "tcp://*:5002",
                    local: "tcp://*:5004",
                    remote: "tcp://localhost:5003",
                    start: State::Backup,
                })
            }
            _ => {
                println!("Usage: {program} {{ -p | -b }}");
                None
            }
        }
    }
}
