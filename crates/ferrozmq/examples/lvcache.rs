//! Last value cache (zguide chapter 5, "Last Value Caching").
//!
//! A proxy between publishers and subscribers that remembers the last message of every
//! topic. Publishers connect to its SUB socket (which subscribes to everything) and send
//! two-part messages, topic then value; it caches each value and forwards the message on its
//! XPUB socket. When a subscriber subscribes to a topic, the XPUB hands the subscription to
//! the proxy (byte 1 plus the topic) and the proxy sends that topic's cached value at once,
//! so a late joiner does not wait for the next update. The XPUB is VERBOSE, so it reports
//! every subscription, not only the first one to each topic.
//!
//! With the guide's pathological publisher and subscriber (`pathopub`, `pathosub`, not
//! ported here) each subscriber reports "Save Roger" at once:
//!
//! ```text
//! cargo run -p ferrozmq --example lvcache &
//! ./pathopub tcp://localhost:5557
//! ./pathosub tcp://localhost:5558
//! ```
//!
//! Usage: `lvcache [FRONTEND [BACKEND]] [--count N] [--seconds S]`. The proxy binds FRONTEND
//! (publishers, default `tcp://*:5557`) and BACKEND (subscribers, default `tcp://*:5558`).
//! It runs forever, or exits after handling N subscriptions (`--count N` or
//! `FERROZMQ_EXAMPLE_ROUNDS=N`) or after S seconds (`--seconds S` or
//! `FERROZMQ_EXAMPLE_SECONDS=S`).

use ferrozmq::{poll, Context, Error, POLLIN, SNDMORE, SUB, XPUB};
use std::collections::HashMap;
use std::process::ExitCode;
use std::time::{Duration, Instant};

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("E: lvcache: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse()?;
    let frontend_endpoint = args
        .endpoints
        .first()
        .map_or("tcp://*:5557", String::as_str);
    let backend_endpoint = args.endpoints.get(1).map_or("tcp://*:5558", String::as_str);

    let context = Context::new();
    let frontend = context.socket(SUB)?;
    frontend.bind(frontend_endpoint)?;
    let backend = context.socket(XPUB)?;
    backend.set_xpub_verbose(true)?;
    backend.bind(backend_endpoint)?;

    // Subscribe to every single topic from publisher
    frontend.set_subscribe(b"")?;

    // Store last instance of each topic in a cache
    let mut cache: HashMap<Vec<u8>, Vec<u8>> = HashMap::new();

    // We route topic updates from frontend to backend, and we handle subscriptions by sending
    // whatever we cached, if anything
    let deadline = args.seconds.map(|seconds| Instant::now() + seconds);
    let mut subscriptions = 0;
    while args.count.is_none_or(|count| subscriptions < count)
        && deadline.is_none_or(|deadline| Instant::now() < deadline)
    {
        let mut items = [frontend.as_poll_item(POLLIN), backend.as_poll_item(POLLIN)];
        match poll(&mut items, 1000) {
            Ok(_) => {}
            Err(Error::EINTR) => break, // Interrupted
            Err(e) => return Err(e.into()),
        }

        // Any new topic data we cache and then forward
        if items[0].is_readable() {
            let mut message = frontend.recv_multipart(0)?;
            if message.len() != 2 {
                eprintln!("W: lvcache: dropping a {}-part message", message.len());
                continue;
            }
            let current = message.pop().unwrap_or_default();
            let topic = message.pop().unwrap_or_default();
            backend.send(&topic[..], SNDMORE)?;
            backend.send(&current[..], 0)?;
            cache.insert(topic, current);
        }

        // When we get a new subscription, we pull data from the cache
        if items[1].is_readable() {
            let event = backend.recv_bytes(0)?;
            // Event is one byte 0=unsub or 1=sub, followed by topic
            if let Some((&1, topic)) = event.split_first() {
                println!("Sending cached topic {}", String::from_utf8_lossy(topic));
                if let Some(previous) = cache.get(topic) {
                    backend.send(topic, SNDMORE)?;
                    backend.send(&previous[..], 0)?;
                }
                subscriptions += 1;
            }
        }
    }
    Ok(())
}

/// Command line: up to two endpoints, `--count N` and `--seconds S` (defaults from
/// `FERROZMQ_EXAMPLE_ROUNDS` and `FERROZMQ_EXAMPLE_SECONDS`).
struct Args {
    endpoints: Vec<String>,
    count: Option<u64>,
    seconds: Option<Duration>,
}

impl Args {
    fn parse() -> Result<Args, String> {
        const USAGE: &str = "usage: lvcache [FRONTEND [BACKEND]] [--count N] [--seconds S]";
        let mut endpoints = Vec::new();
        let mut count = std::env::var("FERROZMQ_EXAMPLE_ROUNDS").ok();
        let mut seconds = std::env::var("FERROZMQ_EXAMPLE_SECONDS").ok();
        let mut args = std::env::args().skip(1);
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--count" => count = Some(args.next().ok_or("--count needs a value")?),
                "--seconds" => seconds = Some(args.next().ok_or("--seconds needs a value")?),
                _ if arg.starts_with('-') || endpoints.len() == 2 => {
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
