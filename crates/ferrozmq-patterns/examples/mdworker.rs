//! Majordomo worker (zguide chapter 4): an "echo" service on the worker API
//! ([`ferrozmq_patterns::mdp::worker`]), which heartbeats and reconnects by itself.
//!
//! ```text
//! cargo run -p ferrozmq-patterns --example mdworker [-v] [ENDPOINT] [--service NAME] [--v2]
//! ```
//!
//! Connects to `tcp://localhost:5555` unless told another endpoint; `--v2` speaks MDP/0.2.

use ferrozmq::Context;
use ferrozmq_patterns::mdp::worker::{Worker, WorkerConfig};
use ferrozmq_patterns::mdp::Dialect;

fn main() -> Result<(), ferrozmq::Error> {
    let mut config = WorkerConfig::default();
    let mut endpoint = "tcp://localhost:5555".to_string();
    let mut service = "echo".to_string();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "-v" => config.verbose = true,
            "--v2" => config.dialect = Dialect::V02,
            "--service" => service = args.next().unwrap_or(service),
            _ => endpoint = arg,
        }
    }
    let ctx = Context::new();
    let mut session = Worker::with_config(&ctx, &endpoint, &service, config)?;
    let mut reply = None;
    loop {
        let request = session.recv(reply.take())?;
        reply = Some(request); // Echo is complex... :-)
    }
}
