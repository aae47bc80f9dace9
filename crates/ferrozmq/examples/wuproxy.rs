//! Weather update proxy (zguide chapter 2, "Transport Bridging").
//!
//! Bridges two networks: an XSUB socket connects to the weather server on the internal
//! network, an XPUB socket binds on the external one, and `proxy` moves updates one way and
//! subscriptions the other, so external `wuclient`s subscribe through it as if it were the
//! server. The guide's addresses are those of a two-network machine; on one machine:
//!
//! ```text
//! cargo run -p ferrozmq --example wuserver &
//! cargo run -p ferrozmq --example wuproxy -- tcp://localhost:5556 tcp://*:8100 &
//! cargo run -p ferrozmq --example wuclient -- "10001 " tcp://localhost:8100
//! ```
//!
//! Usage: `wuproxy [FRONTEND [BACKEND]] [--seconds S]`. FRONTEND (connected) defaults to
//! `tcp://192.168.55.210:5556`, BACKEND (bound) to `tcp://10.1.1.0:8100`. The proxy runs
//! until the process is killed, or for S seconds (`--seconds S` or
//! `FERROZMQ_EXAMPLE_SECONDS=S`): then another thread terminates the context, `proxy`
//! returns ETERM, and the proxy closes its sockets and exits.

use ferrozmq::{Context, Error, XPUB, XSUB};
use std::process::ExitCode;
use std::time::Duration;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("E: wuproxy: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse()?;
    let frontend_endpoint = args
        .endpoints
        .first()
        .map_or("tcp://192.168.55.210:5556", String::as_str);
    let backend_endpoint = args
        .endpoints
        .get(1)
        .map_or("tcp://10.1.1.0:8100", String::as_str);

    let context = Context::new();

    // This is where the weather server sits
    let frontend = context.socket(XSUB)?;
    frontend.connect(frontend_endpoint)?;

    // This is our public endpoint for subscribers
    let backend = context.socket(XPUB)?;
    backend.bind(backend_endpoint)?;

    // With a time limit, terminate the context when it is up: that ends the proxy (ETERM).
    let stopper = args.seconds.map(|seconds| {
        let mut context = context.clone();
        std::thread::spawn(move || {
            std::thread::sleep(seconds);
            context.destroy()
        })
    });

    // Run the proxy until the user interrupts us
    match ferrozmq::proxy(&frontend, &backend) {
        Err(Error::ETERM) => println!("W: context terminated, proxy stopped"),
        Err(e) => return Err(e.into()),
        Ok(()) => {}
    }
    drop(frontend);
    drop(backend);
    if let Some(stopper) = stopper {
        stopper.join().map_err(|_| "stopper thread panicked")??;
    }
    Ok(())
}

/// Command line: up to two endpoints and `--seconds S` (default: `FERROZMQ_EXAMPLE_SECONDS`).
struct Args {
    endpoints: Vec<String>,
    seconds: Option<Duration>,
}

impl Args {
    fn parse() -> Result<Args, String> {
        const USAGE: &str = "usage: wuproxy [FRONTEND [BACKEND]] [--seconds S]";
        let mut endpoints = Vec::new();
        let mut seconds = std::env::var("FERROZMQ_EXAMPLE_SECONDS").ok();
        let mut args = std::env::args().skip(1);
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--seconds" => seconds = Some(args.next().ok_or("--seconds needs a value")?),
                _ if arg.starts_with('-') || endpoints.len() == 2 => {
                    return Err(format!("unexpected argument {arg:?}; {USAGE}"))
                }
                _ => endpoints.push(arg),
            }
        }
        let seconds = match seconds {
            Some(s) => Some(
                s.parse()
                    .ok()
                    .and_then(|s| Duration::try_from_secs_f64(s).ok())
                    .ok_or(format!("bad number of seconds {s:?}"))?,
            ),
            None => None,
        };
        Ok(Args { endpoints, seconds })
    }
}
