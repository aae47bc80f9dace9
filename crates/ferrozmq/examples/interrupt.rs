//! Handling Ctrl-C cleanly (zguide chapter 2, "Handling Interrupt Signals").
//!
//! A REP server that shuts down cleanly on SIGINT (Ctrl-C) or SIGTERM. The signal handler
//! only sets a flag; what wakes the main thread is that a blocking call interrupted by a
//! signal returns `Err(Error::EINTR)`, as in libzmq. The loop then sees the flag, prints a
//! warning, closes its socket and terminates the context:
//!
//! ```text
//! cargo run -p ferrozmq --example interrupt
//! ^CW: interrupt received, killing server...
//! W: cleaning up
//! ```
//!
//! Usage: `interrupt [ENDPOINT] [--count N]`. ENDPOINT defaults to `tcp://*:5555`. Each
//! request is answered with "World". The server runs until interrupted, or exits after N
//! requests (`--count N` or `FERROZMQ_EXAMPLE_ROUNDS=N`).
//!
//! Rust's standard library has no API for signal handlers, and this example uses nothing but
//! ferrozmq and std, so it declares the C library's `signal(2)` itself (std links the C
//! library anyway). glibc's `signal` installs the handler with SA_RESTART, unlike the
//! guide's `sigaction` with `sa_flags = 0`; that does not matter here, because ferrozmq
//! waits in `poll(2)`, which a signal handler always interrupts. A signal that lands between
//! the flag check and the next blocking call is only seen at the next wake-up; the guide's
//! self-pipe variant (the handler writes to a pipe that `poll` also watches) closes that gap.

use ferrozmq::{Context, Error, REP};
use std::os::raw::c_int;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};

/// Signal numbers, the same on Linux, macOS and the BSDs.
const SIGINT: c_int = 2;
const SIGTERM: c_int = 15;
/// `signal`'s error return (`SIG_ERR`, -1 as a pointer).
const SIG_ERR: usize = usize::MAX;

extern "C" {
    /// `sighandler_t signal(int signum, sighandler_t handler)`; handlers as addresses.
    fn signal(signum: c_int, handler: usize) -> usize;
}

/// Set by the signal handler; tested by the main loop.
static INTERRUPTED: AtomicBool = AtomicBool::new(false);

extern "C" fn s_signal_handler(_signal_value: c_int) {
    // Only async-signal-safe work here: an atomic store.
    INTERRUPTED.store(true, Ordering::SeqCst);
}

/// Installs `s_signal_handler` for SIGINT and SIGTERM.
fn s_catch_signals() -> std::io::Result<()> {
    for signum in [SIGINT, SIGTERM] {
        let handler = s_signal_handler as extern "C" fn(c_int) as usize;
        // SAFETY: installs a handler that only stores to an atomic, which is
        // async-signal-safe; `signal` has no other preconditions.
        if unsafe { signal(signum, handler) } == SIG_ERR {
            return Err(std::io::Error::last_os_error());
        }
    }
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("E: interrupt: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse()?;
    let endpoint = args.endpoint.as_deref().unwrap_or("tcp://*:5555");

    let context = Context::new();
    let socket = context.socket(REP)?;
    s_catch_signals()?;
    socket.bind(endpoint)?;

    let mut served = 0;
    while args.count.is_none_or(|count| served < count) {
        // Blocking read will exit on a signal
        match socket.recv_msg(0) {
            Ok(request) => {
                println!("W: recv [{}]", String::from_utf8_lossy(&request));
                socket.send("World", 0)?;
                served += 1;
            }
            Err(Error::EINTR) => {} // Interrupted: look at the flag
            Err(e) => return Err(e.into()),
        }
        if INTERRUPTED.load(Ordering::SeqCst) {
            println!("W: interrupt received, killing server...");
            break;
        }
    }
    println!("W: cleaning up");
    drop(socket);
    drop(context);
    Ok(())
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
                        "unexpected argument {arg:?}; usage: interrupt [ENDPOINT] [--count N]"
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
