//! ROUTER-to-DEALER (zguide chapter 3, "ROUTER Broker and DEALER Workers").
//!
//! The `rtreq` example with DEALER workers instead of REQ: a ROUTER broker load-balances dummy
//! tasks over ten DEALER workers running in threads. Each worker says "Hi Boss" when it is
//! ready; the broker answers "Work harder" to whichever worker spoke until the time is up,
//! then "Fired!". Each worker prints how many tasks it did:
//!
//! ```text
//! Completed: 20 tasks
//! Completed: 18 tasks
//! ...
//! ```
//!
//! A DEALER does not add the empty delimiter frame a REQ adds, nor strip it, so the workers
//! send and read it themselves: the broker's protocol is unchanged. (In a pure DEALER-ROUTER
//! protocol both sides could drop the delimiter.)
//!
//! Usage: `rtdealer [ENDPOINT] [--count N]`. The broker binds ENDPOINT (default
//! `tcp://*:5671`; `tcp://127.0.0.1:*` picks a free port) and the workers connect to it. It
//! runs for five seconds; with `--count N` (or `FERROZMQ_EXAMPLE_ROUNDS=N`) it fires the
//! workers after N tasks instead, so the "Completed" counts add up to N.
//! Run: `cargo run -p ferrozmq --example rtdealer`.

use ferrozmq::{Context, Socket, DEALER, ROUTER, SNDMORE};
use std::process::ExitCode;
use std::thread;
use std::time::{Duration, Instant};

const NBR_WORKERS: usize = 10;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("E: rtdealer: {e}");
            ExitCode::FAILURE
        }
    }
}

/// A worker: asks for work until fired. While this example runs in one process, each worker
/// thread has its own context and conceptually acts as a separate process.
fn worker_task(endpoint: &str) -> ferrozmq::Result<()> {
    let context = Context::new();
    let worker = context.socket(DEALER)?;
    set_id(&worker)?; // Set a printable identity
    worker.connect(endpoint)?;

    let mut total = 0;
    loop {
        // Tell the broker we're ready for work: a DEALER sends the delimiter itself
        worker.send("", SNDMORE)?;
        worker.send("Hi Boss", 0)?;

        // Get workload from broker, until finished: [empty delimiter][workload]
        let message = worker.recv_multipart(0)?;
        let workload = message.last().map_or(&[][..], Vec::as_slice);
        if workload == b"Fired!" {
            println!("Completed: {total} tasks");
            return Ok(());
        }
        total += 1;

        // Do some random work
        thread::sleep(Duration::from_millis(randof(500) + 1));
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse()?;
    let context = Context::new();
    let broker = context.socket(ROUTER)?;
    broker.bind(args.endpoint.as_deref().unwrap_or("tcp://*:5671"))?;
    let endpoint = connectable(&broker.get_last_endpoint()?.unwrap_or_default());

    let workers: Vec<_> = (0..NBR_WORKERS)
        .map(|_| {
            let endpoint = endpoint.clone();
            thread::spawn(move || worker_task(&endpoint))
        })
        .collect();

    // Run for five seconds (or N tasks) and then tell workers to end
    let end_time = Instant::now() + Duration::from_secs(5);
    let mut tasks = 0;
    let mut workers_fired = 0;
    while workers_fired < NBR_WORKERS {
        // Next message gives us the least recently used worker:
        // [identity][empty delimiter][response from worker]
        let message = broker.recv_multipart(0)?;
        let Some(identity) = message.first() else {
            continue;
        };
        broker.send(&identity[..], SNDMORE)?;
        broker.send("", SNDMORE)?;

        // Encourage workers until it's time to fire them
        let working = match args.count {
            Some(count) => tasks < count,
            None => Instant::now() < end_time,
        };
        if working {
            broker.send("Work harder", 0)?;
            tasks += 1;
        } else {
            broker.send("Fired!", 0)?;
            workers_fired += 1;
        }
    }
    // Closing the broker delivers the last "Fired!" messages (LINGER is infinite).
    drop(broker);
    drop(context);

    let mut failed = 0;
    for worker in workers {
        match worker.join() {
            Ok(Ok(())) => {}
            Ok(Err(e)) => {
                eprintln!("E: rtdealer worker: {e}");
                failed += 1;
            }
            Err(_) => failed += 1,
        }
    }
    if failed > 0 {
        return Err(format!("{failed} worker(s) failed").into());
    }
    Ok(())
}

/// Sets a random printable identity, `XXXX-XXXX` (zhelpers' `s_set_id`).
fn set_id(socket: &Socket) -> ferrozmq::Result<()> {
    let identity = format!("{:04X}-{:04X}", randof(0x10000), randof(0x10000));
    socket.set_identity(identity.as_bytes())
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

/// The endpoint to connect to for a bound endpoint: a wildcard address becomes localhost.
fn connectable(bound: &str) -> String {
    for any in ["tcp://0.0.0.0:", "tcp://[::]:"] {
        if let Some(port) = bound.strip_prefix(any) {
            return format!("tcp://localhost:{port}");
        }
    }
    bound.to_string()
}

/// Command line: one optional endpoint and `--count N` (default: `FERROZMQ_EXAMPLE_ROUNDS`).
struct Args {
    endpoint: Option<String>,
    count: Option<u64>,
}

impl Args {
    fn parse() -> Result<Args, String> {
        let mut endpoint = None;
        let mut count = std::env::var("FERROZMQ_EXAMPLE_ROUNDS").ok();
        let mut args = std::env::args().skip(1);
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--count" => count = Some(args.next().ok_or("--count needs a value")?),
                _ if arg.starts_with('-') || endpoint.is_some() => {
                    return Err(format!(
                        "unexpected argument {arg:?}; usage: rtdealer [ENDPOINT] [--count N]"
                    ))
                }
                _ => endpoint = Some(arg),
            }
        }
        let count = match count {
            Some(n) => Some(n.parse().map_err(|_| format!("bad count {n:?}"))?),
            None => None,
        };
        Ok(Args { endpoint, count })
    }
}
