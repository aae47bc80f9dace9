//! Multithreaded service (zguide chapter 2, "Multithreading with ZeroMQ").
//!
//! The main thread binds a ROUTER socket for clients and a DEALER socket on
//! `inproc://workers`, starts a pool of five worker threads, and connects them with a queue
//! `proxy`. Each worker is a plain REP server on the shared context: it prints the request,
//! "works" for a second and replies "World". Clients (any REQ, e.g. the guide's `hwclient`)
//! see one server that handles five requests at a time:
//!
//! ```text
//! cargo run -p ferrozmq --example mtserver
//! ```
//!
//! Usage: `mtserver [ENDPOINT] [--count N]`. ENDPOINT defaults to `tcp://*:5555`. The server
//! runs forever, or exits after N replies (`--count N` or `FERROZMQ_EXAMPLE_ROUNDS=N`). To
//! stop cleanly it runs a steerable proxy: after the Nth reply a worker asks a controller
//! thread to send TERMINATE on the proxy's control socket, the main thread forwards any reply
//! still queued, terminates the context (the workers' blocking receives return ETERM) and
//! waits for the workers.

use ferrozmq::{Context, Error, Socket, DEALER, DONTWAIT, PAIR, REP, ROUTER};
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{mpsc, Arc};
use std::thread::{sleep, spawn};
use std::time::Duration;

/// The size of the worker pool.
const WORKERS: usize = 5;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("E: mtserver: {e}");
            ExitCode::FAILURE
        }
    }
}

/// What a worker needs besides the context: the reply counter and, with a limit, who to tell
/// when the limit is reached.
struct Quota {
    served: AtomicU64,
    limit: Option<u64>,
}

fn worker_routine(
    context: Context,
    quota: Arc<Quota>,
    done: mpsc::Sender<()>,
) -> ferrozmq::Result<()> {
    // Socket to talk to dispatcher
    let receiver = context.socket(REP)?;
    receiver.connect("inproc://workers")?;

    loop {
        let request = match receiver.recv_msg(0) {
            Ok(request) => request,
            Err(Error::ETERM) => return Ok(()), // The server is shutting down
            Err(e) => return Err(e),
        };
        println!("Received request: [{}]", String::from_utf8_lossy(&request));

        // Do some 'work'
        sleep(Duration::from_secs(1));

        // Send reply back to client
        match receiver.send("World", 0) {
            Ok(()) => {}
            Err(Error::ETERM) => return Ok(()),
            Err(e) => return Err(e),
        }
        let served = quota.served.fetch_add(1, Ordering::SeqCst) + 1;
        if quota.limit == Some(served) {
            // The reply is already queued for the proxy: now ask it to stop.
            let _ = done.send(());
        }
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse()?;
    let endpoint = args.endpoint.as_deref().unwrap_or("tcp://*:5555");

    let mut context = Context::new();

    // Socket to talk to clients
    let clients = context.socket(ROUTER)?;
    clients.bind(endpoint)?;

    // Socket to talk to workers
    let workers = context.socket(DEALER)?;
    workers.bind("inproc://workers")?;

    // Launch pool of worker threads
    let quota = Arc::new(Quota {
        served: AtomicU64::new(0),
        limit: args.count,
    });
    let (done_tx, done_rx) = mpsc::channel();
    let pool: Vec<_> = (0..WORKERS)
        .map(|_| {
            let (context, quota, done) = (context.clone(), quota.clone(), done_tx.clone());
            spawn(move || worker_routine(context, quota, done))
        })
        .collect();
    drop(done_tx);

    // Connect work threads to client threads via a queue proxy
    let mut controller = None;
    let result = if args.count.is_some() {
        let control = context.socket(PAIR)?;
        control.bind("inproc://mtserver-control")?;
        let pipe = context.socket(PAIR)?;
        pipe.connect("inproc://mtserver-control")?;
        controller = Some(spawn(move || -> ferrozmq::Result<()> {
            if done_rx.recv().is_ok() {
                pipe.send("TERMINATE", 0)?;
            }
            Ok(())
        }));
        let result = ferrozmq::proxy_steerable(&clients, &workers, &control).map(|_| ());
        // A reply sent just before TERMINATE may still wait on the DEALER: pass it on.
        if result.is_ok() {
            forward_queued(&workers, &clients)?;
        }
        result
    } else {
        ferrozmq::proxy(&clients, &workers)
    };
    match result {
        Ok(()) => println!("I: served {} requests", quota.served.load(Ordering::SeqCst)),
        Err(Error::ETERM) => println!("W: context terminated"),
        Err(e) => return Err(e.into()),
    }

    // Clean up: close our sockets (queued replies are still delivered), then terminate the
    // context so that the workers' blocking calls return ETERM.
    drop((clients, workers));
    context.destroy()?;
    for worker in pool {
        worker.join().map_err(|_| "worker panicked")??;
    }
    if let Some(controller) = controller {
        controller.join().map_err(|_| "controller panicked")??;
    }
    Ok(())
}

/// Moves every message waiting on `from` to `to`, without blocking.
fn forward_queued(from: &Socket, to: &Socket) -> ferrozmq::Result<()> {
    loop {
        match from.recv_multipart(DONTWAIT) {
            Ok(message) => to.send_multipart(message, 0)?,
            Err(Error::EAGAIN) => return Ok(()),
            Err(e) => return Err(e),
        }
    }
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
                        "unexpected argument {arg:?}; usage: mtserver [ENDPOINT] [--count N]"
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
