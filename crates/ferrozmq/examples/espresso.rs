//! Espresso pattern: pub-sub tracing (zguide chapter 5, "Pub-Sub Tracing (Espresso Pattern)").
//!
//! Four threads in one process. A publisher thread sends a random message "X-nnnnn" (X from
//! A to J) every 100 ms on a PUB socket. The main thread runs `proxy_with_capture` between an
//! XSUB connected to that publisher and an XPUB that subscribers connect to, and copies
//! everything that flows through it to a listener thread over an inproc PAIR. A subscriber
//! thread subscribes to "A" and "B", reads five messages and closes its socket. The listener
//! prints each frame as `[size] data` (binary frames in hex): two subscriptions (byte 1 plus
//! the topic), five data messages, two unsubscriptions (byte 0 plus the topic), then
//! silence, because the publisher drops messages nobody subscribed to:
//!
//! ```text
//! cargo run -p ferrozmq --example espresso
//! [002] 0141
//! [002] 0142
//! [007] B-91164
//! [007] B-12979
//! [007] A-52599
//! [007] A-06417
//! [007] A-45770
//! [002] 0041
//! [002] 0042
//! ```
//!
//! Usage: `espresso [UPSTREAM [DOWNSTREAM]] [--seconds S]`. The publisher binds UPSTREAM
//! (default `tcp://*:6000`) and the proxy's XPUB binds DOWNSTREAM (default `tcp://*:6001`);
//! the XSUB and the subscriber connect to them with `*` read as `localhost`. The example runs
//! until killed, or stops S seconds after the subscriber has gone (`--seconds S` or
//! `FERROZMQ_EXAMPLE_SECONDS=S`): the context is terminated, which ends the proxy and the
//! other threads with ETERM, and the main thread prints " interrupted".

use ferrozmq::{Context, Error, Socket, PAIR, PUB, SUB, XPUB, XSUB};
use std::io::Write;
use std::process::ExitCode;
use std::thread::{sleep, spawn};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Where the capture socket hands frames to the listener thread.
const LISTENER: &str = "inproc://espresso-listener";

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("E: espresso: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The subscriber thread requests messages starting with A and B, then reads and counts
/// incoming messages.
fn subscriber_thread(context: Context, endpoint: String) -> ferrozmq::Result<()> {
    // Subscribe to "A" and "B"
    let subscriber = context.socket(SUB)?;
    subscriber.connect(&endpoint)?;
    subscriber.set_subscribe(b"A")?;
    subscriber.set_subscribe(b"B")?;

    let mut count = 0;
    while count < 5 {
        match subscriber.recv_msg(0) {
            Ok(_) => count += 1,
            Err(Error::ETERM) => break, // Interrupted
            Err(e) => return Err(e),
        }
    }
    // Dropping the socket closes it: the XPUB sees the subscriptions go.
    Ok(())
}

/// The publisher sends random messages starting with A-J.
fn publisher_thread(context: Context, endpoint: String) -> ferrozmq::Result<()> {
    let publisher = context.socket(PUB)?;
    publisher.bind(&endpoint)?;

    let mut rng = Rng::new();
    loop {
        let topic = char::from(b'A' + rng.randof(10) as u8);
        let string = format!("{topic}-{:05}", rng.randof(100_000));
        match publisher.send(string, 0) {
            Ok(()) => {}
            Err(Error::ETERM) => return Ok(()), // Interrupted
            Err(e) => return Err(e),
        }
        sleep(Duration::from_millis(100)); // Wait for 1/10th second
    }
}

/// The listener receives all messages flowing through the proxy, on its pipe (a PAIR over
/// inproc), and prints them.
fn listener_thread(pipe: Socket) -> ferrozmq::Result<()> {
    loop {
        match pipe.recv_msg(0) {
            Ok(frame) => print_frame(&frame),
            Err(Error::ETERM) => return Ok(()), // Interrupted
            Err(e) => return Err(e),
        }
    }
}

/// Prints a frame as CZMQ's `zframe_print` does: `[size] data`, in hex if it is binary.
fn print_frame(frame: &[u8]) {
    let binary = frame.iter().any(|&b| !(9..=127).contains(&b));
    let data: String = if binary {
        frame.iter().map(|b| format!("{b:02X}")).collect()
    } else {
        String::from_utf8_lossy(frame).into_owned()
    };
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "[{:03}] {data}", frame.len());
    let _ = out.flush();
}

/// The main task starts the subscriber and publisher, and then sets itself up as a listening
/// proxy. The listener runs as a child thread.
fn run() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse()?;
    let upstream = args
        .endpoints
        .first()
        .map_or("tcp://*:6000", String::as_str);
    let downstream = args.endpoints.get(1).map_or("tcp://*:6001", String::as_str);
    let connectable = |endpoint: &str| endpoint.replace('*', "localhost");

    // Start child threads
    let context = Context::new();
    let publisher = {
        let (context, endpoint) = (context.clone(), upstream.to_string());
        spawn(move || publisher_thread(context, endpoint))
    };
    let subscriber = {
        let (context, endpoint) = (context.clone(), connectable(downstream));
        spawn(move || subscriber_thread(context, endpoint))
    };

    let xsub = context.socket(XSUB)?;
    xsub.connect(&connectable(upstream))?;
    let xpub = context.socket(XPUB)?;
    xpub.bind(downstream)?;

    let capture = context.socket(PAIR)?;
    capture.bind(LISTENER)?;
    let pipe = context.socket(PAIR)?;
    pipe.connect(LISTENER)?;
    let listener = spawn(move || listener_thread(pipe));

    // With a time limit: once the subscriber has gone, wait, then terminate the context.
    let subscriber = match args.seconds {
        Some(seconds) => {
            let mut context = context.clone();
            let stopper = spawn(move || {
                let subscribed = subscriber.join();
                sleep(seconds);
                context.destroy()?;
                subscribed.map_err(|_| "subscriber thread panicked")??;
                Ok::<(), Box<dyn std::error::Error + Send + Sync>>(())
            });
            Err(stopper)
        }
        None => Ok(subscriber),
    };

    match ferrozmq::proxy_with_capture(&xsub, &xpub, &capture) {
        Err(Error::ETERM) => println!(" interrupted"),
        Err(e) => return Err(e.into()),
        Ok(()) => {}
    }

    // Tell attached threads to exit: the context is terminated, so close our sockets and
    // wait for the threads.
    drop((xsub, xpub, capture));
    match subscriber {
        Ok(subscriber) => subscriber
            .join()
            .map_err(|_| "subscriber thread panicked")??,
        Err(stopper) => stopper
            .join()
            .map_err(|_| "stopper thread panicked")?
            .map_err(|e| e.to_string())?,
    }
    publisher
        .join()
        .map_err(|_| "publisher thread panicked")??;
    listener.join().map_err(|_| "listener thread panicked")??;
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

/// Command line: up to two endpoints and `--seconds S` (default: `FERROZMQ_EXAMPLE_SECONDS`).
struct Args {
    endpoints: Vec<String>,
    seconds: Option<Duration>,
}

impl Args {
    fn parse() -> Result<Args, String> {
        const USAGE: &str = "usage: espresso [UPSTREAM [DOWNSTREAM]] [--seconds S]";
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
