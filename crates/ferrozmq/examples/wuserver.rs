//! Weather update server (zguide chapter 1, "Getting the Message Out").
//!
//! Binds a PUB socket and publishes random weather updates as fast as it can, each a string
//! "zipcode temperature relhumidity" such as `10001 -12 34` (zip codes 00000-99999). PUB
//! never blocks: updates nobody subscribed to are dropped at once. Run it with one or more
//! `wuclient`s:
//!
//! ```text
//! cargo run -p ferrozmq --example wuserver &
//! cargo run -p ferrozmq --example wuclient            # New York City, "10001 "
//! cargo run -p ferrozmq --example wuclient -- "12345 "
//! ```
//!
//! Usage: `wuserver [ENDPOINT...] [--count N] [--seconds S]`. The endpoints default to
//! `tcp://*:5556` and `ipc://weather.ipc`. The server runs forever, or stops after N updates
//! (`--count N` or `FERROZMQ_EXAMPLE_ROUNDS=N`) or after S seconds (`--seconds S` or
//! `FERROZMQ_EXAMPLE_SECONDS=S`), whichever comes first.

use ferrozmq::{Context, PUB};
use std::process::ExitCode;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("E: wuserver: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse()?;
    let endpoints = if args.endpoints.is_empty() {
        vec!["tcp://*:5556".to_string(), "ipc://weather.ipc".to_string()]
    } else {
        args.endpoints
    };

    // Prepare our context and publisher
    let context = Context::new();
    let publisher = context.socket(PUB)?;
    for endpoint in &endpoints {
        publisher.bind(endpoint)?;
    }

    // Initialize random number generator
    let mut rng = Rng::new();
    let deadline = args.seconds.map(|s| Instant::now() + s);
    let mut sent: u64 = 0;
    loop {
        if args.count.is_some_and(|count| sent >= count)
            || deadline.is_some_and(|deadline| Instant::now() >= deadline)
        {
            break;
        }
        // Get values that will fool the boss
        let zipcode = rng.randof(100_000);
        let temperature = rng.randof(215) as i32 - 80;
        let relhumidity = rng.randof(50) + 10;

        // Send message to all subscribers
        publisher.send(format!("{zipcode:05} {temperature} {relhumidity}"), 0)?;
        sent += 1;
    }
    println!("Sent {sent} weather updates");
    Ok(())
}

/// A small xorshift generator, standing in for the C library's `random()`.
struct Rng(u64);

impl Rng {
    fn new() -> Rng {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64);
        Rng(nanos ^ (u64::from(std::process::id()) << 32) | 1)
    }

    /// A number from 0 to n - 1, as zhelpers' `randof(n)`.
    fn randof(&mut self, n: u32) -> u32 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % u64::from(n)) as u32
    }
}

/// Command line: endpoints, `--count N` and `--seconds S` (defaults from
/// `FERROZMQ_EXAMPLE_ROUNDS` and `FERROZMQ_EXAMPLE_SECONDS`).
struct Args {
    endpoints: Vec<String>,
    count: Option<u64>,
    seconds: Option<Duration>,
}

impl Args {
    fn parse() -> Result<Args, String> {
        const USAGE: &str = "usage: wuserver [ENDPOINT...] [--count N] [--seconds S]";
        let mut endpoints = Vec::new();
        let mut count = std::env::var("FERROZMQ_EXAMPLE_ROUNDS").ok();
        let mut seconds = std::env::var("FERROZMQ_EXAMPLE_SECONDS").ok();
        let mut args = std::env::args().skip(1);
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--count" => count = Some(args.next().ok_or("--count needs a value")?),
                "--seconds" => seconds = Some(args.next().ok_or("--seconds needs a value")?),
                _ if arg.starts_with('-') => {
                    return Err(format!("unexpected argument {arg:?}; {USAGE}"))
                }
                _ => endpoints.push(arg),
            }
        }
        let count = match count {
            Some(n) => Some(n.parse().map_err(|_| format!("bad count {n:?}"))?),
            None => None,
        };
        let seconds = match seconds {
            Some(s) => Some(
                s.parse()
                    .ok()
                    .and_then(|s| Duration::try_from_secs_f64(s).ok())
                    .ok_or(format!("bad number of seconds {s:?}"))?,
            ),
            None => None,
        };
        Ok(Args {
            endpoints,
            count,
            seconds,
        })
    }
}
