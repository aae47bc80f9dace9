//! Simple Pirate worker (zguide chapter 4, "Basic Reliable Queuing (Simple Pirate Pattern)").
//!
//! A REQ worker for `spqueue`: it announces itself with READY ("\x01"), then echoes every
//! request back as its reply after a second of "work". After a few cycles it simulates
//! problems at random: a crash (it exits without replying) or a CPU overload (it replies
//! three seconds late), so that `lpclient` has something to recover from.
//!
//! ```text
//! cargo run -p ferrozmq-patterns --example spqueue &
//! cargo run -p ferrozmq-patterns --example spworker &
//! cargo run -p ferrozmq-patterns --example lpclient
//! ```
//!
//! Usage: `spworker [ENDPOINT] [--count N] [--simulate random|none|crash:N|overload:N]`.
//! ENDPOINT defaults to `tcp://localhost:5556`. The worker runs until it crashes, or exits
//! after N replies with `--count N` (or `FERROZMQ_EXAMPLE_ROUNDS=N`). `--simulate` chooses the
//! problems: at random after three cycles (the default), none, or a crash or an overload at
//! cycle N exactly.

use ferrozmq::{Context, REQ};
use std::process::ExitCode;
use std::thread::sleep;
use std::time::Duration;

/// Signals worker is ready
const WORKER_READY: &[u8] = b"\x01";

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("E: spworker: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Which problems the worker simulates.
#[derive(Clone, Copy)]
enum Simulate {
    Random,
    Nothing,
    CrashAt(u64),
    OverloadAt(u64),
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse()?;
    let endpoint = args.endpoint.as_deref().unwrap_or("tcp://localhost:5556");

    let context = Context::new();
    let worker = context.socket(REQ)?;

    // Set random identity to make tracing easier
    let identity = format!("{:04X}-{:04X}", randof(0x10000), randof(0x10000));
    worker.set_identity(identity.as_bytes())?;
    worker.connect(endpoint)?;

    // Tell broker we're ready for work
    println!("I: ({identity}) worker ready");
    worker.send(WORKER_READY, 0)?;

    let mut cycles = 0;
    let mut replies = 0;
    while args.count.is_none_or(|count| replies < count) {
        // [client][empty][request]
        let message = worker.recv_multipart(0)?;

        // Simulate various problems, after a few cycles
        cycles += 1;
        let (crash, overload) = match args.simulate {
            Simulate::Random => (cycles > 3 && randof(5) == 0, cycles > 3 && randof(5) == 0),
            Simulate::Nothing => (false, false),
            Simulate::CrashAt(n) => (cycles == n, false),
            Simulate::OverloadAt(n) => (false, cycles == n),
        };
        if crash {
            println!("I: ({identity}) simulating a crash");
            break;
        } else if overload {
            println!("I: ({identity}) simulating CPU overload");
            sleep(Duration::from_secs(3));
        }
        println!("I: ({identity}) normal reply");
        sleep(Duration::from_secs(1)); // Do some heavy work
        worker.send_multipart(message, 0)?;
        replies += 1;
    }
    Ok(())
}

/// A random number in `0..n` (zhelpers' `randof`), from std's randomly keyed hasher.
fn randof(n: u64) -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos()),
    );
    hasher.finish() % n
}

/// Command line: an optional endpoint, `--count N` (default: `FERROZMQ_EXAMPLE_ROUNDS`) and
/// `--simulate WHAT`.
struct Args {
    endpoint: Option<String>,
    count: Option<u64>,
    simulate: Simulate,
}

impl Args {
    fn parse() -> Result<Args, String> {
        let usage =
            "usage: spworker [ENDPOINT] [--count N] [--simulate random|none|crash:N|overload:N]";
        let mut endpoint = None;
        let mut count = std::env::var("FERROZMQ_EXAMPLE_ROUNDS").ok();
        let mut simulate = Simulate::Random;
        let mut args = std::env::args().skip(1);
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--count" => count = Some(args.next().ok_or("--count needs a value")?),
                "--simulate" => {
                    let what = args.next().ok_or("--simulate needs a value")?;
                    let cycle = |n: &str| n.parse().map_err(|_| format!("bad cycle {n:?}"));
                    simulate = match what.split_once(':') {
                        None if what == "random" => Simulate::Random,
                        None if what == "none" => Simulate::Nothing,
                        Some(("crash", n)) => Simulate::CrashAt(cycle(n)?),
                        Some(("overload", n)) => Simulate::OverloadAt(cycle(n)?),
                        _ => return Err(format!("bad --simulate {what:?}; {usage}")),
                    };
                }
                _ if arg.starts_with('-') || endpoint.is_some() => {
                    return Err(format!("unexpected argument {arg:?}; {usage}"))
                }
                _ => endpoint = Some(arg),
            }
        }
        let count = match count {
            Some(n) => Some(n.parse().map_err(|_| format!("bad count {n:?}"))?),
            None => None,
        };
        Ok(Args {
            endpoint,
            count,
            simulate,
        })
    }
}
