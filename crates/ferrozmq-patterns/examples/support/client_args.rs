//! The command line both Majordomo clients (`mdclient`, `mdclient2`) take:
//! `[-v] [ENDPOINT] [--count N] [--v2 | --majortomo]`. Included with `#[path]`.

use ferrozmq_patterns::mdp::Dialect;

/// What the command line asked for.
pub struct ClientArgs {
    /// `-v`: log every message.
    pub verbose: bool,
    /// MDP/0.1, `--v2` (RFC 18's numbering) or `--majortomo` (majortomo's).
    pub dialect: Dialect,
    /// The broker to connect to.
    pub endpoint: String,
    /// `--count N`: how many requests.
    pub requests: u64,
}

impl ClientArgs {
    /// Reads the process's arguments (defaults: `tcp://localhost:5555`, 100,000 requests).
    pub fn parse() -> Result<ClientArgs, Box<dyn std::error::Error>> {
        let mut parsed = ClientArgs {
            verbose: false,
            dialect: Dialect::V01,
            endpoint: "tcp://localhost:5555".to_string(),
            requests: 100_000,
        };
        let mut args = std::env::args().skip(1);
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "-v" => parsed.verbose = true,
                "--v2" => parsed.dialect = Dialect::V02,
                "--majortomo" => parsed.dialect = Dialect::MAJORTOMO,
                "--count" => {
                    parsed.requests = args.next().ok_or("--count needs a number")?.parse()?
                }
                _ => parsed.endpoint = arg,
            }
        }
        Ok(parsed)
    }
}
