//! Suicidal Snail: slow subscriber detection (zguide chapter 5, "Slow Subscriber Detection
//! (Suicidal Snail Pattern)").
//!
//! A publisher thread sends the current time in milliseconds every millisecond. A subscriber
//! thread prints each message and then "works" for 1 to 3 ms, so it falls further and further
//! behind. When a message is more than a second old on arrival the subscriber croaks
//! (`E: subscriber cannot keep up, aborting`) and tells the main thread, which stops the
//! publisher. In reality publisher and subscriber would be separate processes; threads make
//! the demonstration self-contained. They talk to the main thread over inproc PAIR pipes, as
//! CZMQ's attached threads do.
//!
//! ```text
//! cargo run -p ferrozmq --example suisnail
//! ```
//!
//! Usage: `suisnail [ENDPOINT] [--seconds S]`. The publisher binds ENDPOINT (default
//! `tcp://*:5556`); the subscriber connects to it with `*` read as `localhost`. The example
//! ends when the subscriber gives up, or after S seconds if it has not (`--seconds S` or
//! `FERROZMQ_EXAMPLE_SECONDS=S`).

use ferrozmq::{Context, Error, Socket, DONTWAIT, PAIR, POLLIN, PUB, SUB};
use std::process::ExitCode;
use std::thread::{sleep, spawn};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// A message more than this late means the subscriber cannot keep up, in ms.
const MAX_ALLOWED_DELAY: i64 = 1000;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("E: suisnail: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Milliseconds since the epoch, as CZMQ's `zclock_time`.
fn clock_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

/// This is our subscriber. It connects to the publisher and subscribes to everything. It
/// sleeps for a short time between messages to simulate doing too much work. If a message is
/// more than one second late, it croaks.
fn subscriber(context: Context, endpoint: String, pipe: Socket) -> ferrozmq::Result<()> {
    // Subscribe to everything
    let subscriber = context.socket(SUB)?;
    subscriber.set_subscribe(b"")?;
    subscriber.connect(&endpoint)?;

    // Get and process messages
    let mut rng = Rng::new();
    loop {
        let string = match subscriber.recv_msg(0) {
            Ok(message) => String::from_utf8_lossy(&message).into_owned(),
            Err(Error::ETERM) => return Ok(()), // Stopped by the main thread
            Err(e) => return Err(e),
        };
        println!("{}", string.trim_end());
        let Ok(clock) = string.trim().parse::<i64>() else {
            eprintln!("E: bad timestamp {string:?}");
            break;
        };

        // Suicide snail logic
        if clock_ms() - clock > MAX_ALLOWED_DELAY {
            eprintln!("E: subscriber cannot keep up, aborting");
            break;
        }
        // Work for 1 msec plus some random additional time
        sleep(Duration::from_millis(1 + u64::from(rng.randof(2))));
    }
    pipe.send("gone and died", 0)
}

/// This is our publisher task. It publishes a time-stamped message to its PUB socket every
/// millisecond.
fn publisher(context: Context, endpoint: String, pipe: Socket) -> ferrozmq::Result<()> {
    // Prepare publisher
    let publisher = context.socket(PUB)?;
    publisher.bind(&endpoint)?;

    loop {
        // Send current clock (msecs) to subscribers
        publisher.send(format!("{:<20}", clock_ms()), 0)?;
        match pipe.recv_msg(DONTWAIT) {
            Ok(_) => return Ok(()), // Told to stop
            Err(Error::EAGAIN) => {}
            Err(e) => return Err(e),
        }
        sleep(Duration::from_millis(1)); // 1msec wait
    }
}

/// Makes the pipe to an attached thread: a PAIR bound here, and its peer for the thread.
fn pipe(context: &Context, name: &str) -> ferrozmq::Result<(Socket, Socket)> {
    let ours = context.socket(PAIR)?;
    ours.bind(name)?;
    let theirs = context.socket(PAIR)?;
    theirs.connect(name)?;
    Ok((ours, theirs))
}

/// The main task simply starts a client and a server, and then waits for the client to
/// signal that it has died.
fn run() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse()?;
    let endpoint = args.endpoint.as_deref().unwrap_or("tcp://*:5556");

    let mut context = Context::new();
    let (pubpipe, theirs) = pipe(&context, "inproc://suisnail-publisher")?;
    let publisher = {
        let (context, endpoint) = (context.clone(), endpoint.to_string());
        spawn(move || publisher(context, endpoint, theirs))
    };
    let (subpipe, theirs) = pipe(&context, "inproc://suisnail-subscriber")?;
    let subscriber = {
        let (context, endpoint) = (context.clone(), endpoint.replace('*', "localhost"));
        spawn(move || subscriber(context, endpoint, theirs))
    };

    // Wait for the subscriber to die (checking that the publisher is still there).
    let deadline = args.seconds.map(|seconds| Instant::now() + seconds);
    loop {
        if subpipe.poll(POLLIN, 100)? > 0 {
            subpipe.recv_msg(0)?;
            break;
        }
        if publisher.is_finished() || subscriber.is_finished() {
            println!("W: a thread stopped early; stopping");
            break;
        }
        if deadline.is_some_and(|deadline| Instant::now() >= deadline) {
            println!("W: the subscriber kept up; stopping");
            break;
        }
    }
    match pubpipe.send("break", DONTWAIT) {
        Ok(()) | Err(Error::EAGAIN) => {} // EAGAIN: the publisher is gone already
        Err(e) => return Err(e.into()),
    }
    sleep(Duration::from_millis(100));

    // Stop whatever still runs (ETERM), then collect the threads.
    drop((pubpipe, subpipe));
    context.destroy()?;
    publisher.join().map_err(|_| "publisher panicked")??;
    subscriber.join().map_err(|_| "subscriber panicked")??;
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

/// Command line: one optional endpoint and `--seconds S` (default:
/// `FERROZMQ_EXAMPLE_SECONDS`).
struct Args {
    endpoint: Option<String>,
    seconds: Option<Duration>,
}

impl Args {
    fn parse() -> Result<Args, String> {
        let mut endpoint = None;
        let mut seconds = std::env::var("FERROZMQ_EXAMPLE_SECONDS").ok();
        let mut args = std::env::args().skip(1);
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--seconds" => seconds = Some(args.next().ok_or("--seconds needs a value")?),
                _ if arg.starts_with('-') || endpoint.is_some() => {
                    return Err(format!(
                        "unexpected argument {arg:?}; usage: suisnail [ENDPOINT] [--seconds S]"
                    ))
                }
                _ => endpoint = Some(arg),
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
        Ok(Args { endpoint, seconds })
    }
}
