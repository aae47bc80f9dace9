//! Asynchronous client/server (zguide chapter 3, "The Asynchronous Client/Server Pattern").
//!
//! Three DEALER clients each send a request once a second and print every reply as it
//! arrives (`<client id>[<size>] <content>`, as CZMQ's `zframe_print`). The server binds a
//! ROUTER frontend for the clients and a DEALER backend on inproc for a pool of five DEALER
//! workers, and joins them with `ferrozmq::proxy`. A worker answers each request with zero to
//! four replies, at random intervals: one client can talk to several workers at once.
//!
//! ```text
//! 9B2A-41F0[010] request #1
//! 3C7E-0D15[010] request #1
//! 9B2A-41F0[010] request #1
//! ...
//! ```
//!
//! Frames: client to server one part; server to worker two parts ([client identity][body]);
//! replies the same way back.
//!
//! Usage: `asyncsrv [ENDPOINT] [--count SECONDS]`. The server binds ENDPOINT (default
//! `tcp://*:5570`; `tcp://127.0.0.1:*` picks a free port) and the clients connect to it. It
//! runs for five seconds, or SECONDS (also `FERROZMQ_EXAMPLE_ROUNDS`), then stops the clients
//! and terminates the server's context: the proxy and the workers end with ETERM.
//! Run: `cargo run -p ferrozmq --example asyncsrv`.

use ferrozmq::{poll, Context, Error, DEALER, POLLIN, ROUTER, SNDMORE};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::Duration;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("E: asyncsrv: {e}");
            ExitCode::FAILURE
        }
    }
}

/// A client: connects to the server and sends a request once per second, collecting and
/// printing replies as they arrive, until `stop` is set. It has its own context:
/// conceptually it is a separate process.
fn client_task(endpoint: &str, stop: &AtomicBool) -> ferrozmq::Result<()> {
    let context = Context::new();
    let client = context.socket(DEALER)?;
    // Do not wait for undelivered requests at close time (CZMQ's default).
    client.set_linger(0)?;

    // Set random identity to make tracing easier
    let identity = format!("{:04X}-{:04X}", randof(0x10000), randof(0x10000));
    client.set_identity(identity.as_bytes())?;
    client.connect(endpoint)?;

    let mut request_nbr = 0;
    loop {
        // Tick once per second, pulling in arriving messages
        for _centitick in 0..100 {
            if stop.load(Ordering::Relaxed) {
                return Ok(());
            }
            let mut items = [client.as_poll_item(POLLIN)];
            poll(&mut items, 10)?;
            if items[0].is_readable() {
                let message = client.recv_multipart(0)?;
                if let Some(content) = message.last() {
                    println!("{identity}{}", frame_text(content));
                }
            }
        }
        request_nbr += 1;
        client.send(format!("request #{request_nbr}").as_str(), 0)?;
    }
}

/// A server worker: works on one request at a time and sends a random number of replies
/// back, with random delays between them, until the server's context is terminated (which
/// may happen before it even got going).
fn server_worker(context: Context) -> ferrozmq::Result<()> {
    match serve(&context) {
        Err(Error::ETERM) => Ok(()),
        other => other,
    }
}

fn serve(context: &Context) -> ferrozmq::Result<()> {
    let worker = context.socket(DEALER)?;
    worker.set_linger(0)?;
    worker.connect("inproc://backend")?;

    loop {
        // The DEALER socket gives us the reply envelope and message
        let message = worker.recv_multipart(0)?;
        let [identity, content] = &message[..] else {
            eprintln!("E: worker: malformed request ({} frames)", message.len());
            continue;
        };
        // Send 0..4 replies back
        for _ in 0..randof(5) {
            // Sleep for some fraction of a second
            thread::sleep(Duration::from_millis(randof(1000) + 1));
            worker.send(&identity[..], SNDMORE)?;
            worker.send(&content[..], 0)?;
        }
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let (endpoint, seconds) = parse_args()?;

    // The server: a ROUTER frontend talks to clients over TCP, a DEALER backend to workers
    // over inproc. Everything uses linger 0, as CZMQ does by default.
    let mut server_context = Context::new();
    let frontend = server_context.socket(ROUTER)?;
    frontend.set_linger(0)?;
    frontend.bind(endpoint.as_deref().unwrap_or("tcp://*:5570"))?;
    let backend = server_context.socket(DEALER)?;
    backend.set_linger(0)?;
    backend.bind("inproc://backend")?;
    let client_endpoint = connectable(&frontend.get_last_endpoint()?.unwrap_or_default());

    let stop = Arc::new(AtomicBool::new(false));
    let clients: Vec<_> = (0..3)
        .map(|_| {
            let (endpoint, stop) = (client_endpoint.clone(), stop.clone());
            thread::spawn(move || client_task(&endpoint, &stop))
        })
        .collect();

    // Launch a pool of worker threads; the precise number is not critical
    let workers: Vec<_> = (0..5)
        .map(|_| {
            let context = server_context.clone();
            thread::spawn(move || server_worker(context))
        })
        .collect();

    // Connect backend to frontend via a proxy; it returns when the context is terminated.
    let server = thread::spawn(move || match ferrozmq::proxy(&frontend, &backend) {
        Err(Error::ETERM) => Ok(()),
        other => other,
    });

    // Run for a few seconds, then quit: stop the clients, then terminate the server.
    thread::sleep(Duration::from_secs(seconds));
    stop.store(true, Ordering::Relaxed);
    let mut failed = 0;
    for task in clients {
        failed += report(task.join());
    }
    server_context.destroy()?;
    failed += report(server.join());
    for task in workers {
        failed += report(task.join());
    }
    if failed > 0 {
        return Err(format!("{failed} task(s) failed").into());
    }
    Ok(())
}

/// Prints a task's failure; 1 if it failed.
fn report(outcome: thread::Result<ferrozmq::Result<()>>) -> usize {
    match outcome {
        Ok(Ok(())) => 0,
        Ok(Err(e)) => {
            eprintln!("E: asyncsrv task: {e}");
            1
        }
        Err(_) => 1,
    }
}

/// A frame as CZMQ's `zframe_print` shows it: `[size] content`, hex if binary.
fn frame_text(frame: &[u8]) -> String {
    let content: String = if frame.iter().all(|&b| (32..127).contains(&b)) {
        String::from_utf8_lossy(frame).into_owned()
    } else {
        frame.iter().map(|b| format!("{b:02X}")).collect()
    };
    format!("[{:03}] {content}", frame.len())
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

/// Command line: an optional endpoint and `--count SECONDS` (default:
/// `FERROZMQ_EXAMPLE_ROUNDS`, else 5).
fn parse_args() -> Result<(Option<String>, u64), String> {
    let mut endpoint = None;
    let mut count = std::env::var("FERROZMQ_EXAMPLE_ROUNDS").ok();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--count" => count = Some(args.next().ok_or("--count needs a value")?),
            _ if arg.starts_with('-') || endpoint.is_some() => {
                return Err(format!(
                    "unexpected argument {arg:?}; usage: asyncsrv [ENDPOINT] [--count SECONDS]"
                ))
            }
            _ => endpoint = Some(arg),
        }
    }
    let seconds = match count {
        Some(n) => n.parse().map_err(|_| format!("bad count {n:?}"))?,
        None => 5,
    };
    Ok((endpoint, seconds))
}
