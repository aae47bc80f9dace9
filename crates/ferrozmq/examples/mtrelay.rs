//! Multithreaded relay (zguide chapter 2, "Signaling Between Threads (PAIR Sockets)").
//!
//! Three threads signal readiness down a chain with PAIR sockets over inproc on one shared
//! context. Each parent binds its PAIR *before* starting the child that will connect to it,
//! so no signal can be lost: step 1 signals step 2, which signals the main thread (step 3).
//!
//! ```text
//! cargo run -p ferrozmq --example mtrelay
//! Step 1 ready, signaling step 2
//! Step 2 ready, signaling step 3
//! Test successful!
//! ```
//!
//! Usage: `mtrelay [--count N]`: run the relay N times (default 1, or
//! `FERROZMQ_EXAMPLE_ROUNDS`), rebinding the same inproc endpoints each time.

use ferrozmq::{Context, PAIR};
use std::process::ExitCode;
use std::thread::spawn;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("E: mtrelay: {e}");
            ExitCode::FAILURE
        }
    }
}

fn step1(context: Context) -> ferrozmq::Result<()> {
    // Connect to step2 and tell it we're ready
    let xmitter = context.socket(PAIR)?;
    xmitter.connect("inproc://step2")?;
    println!("Step 1 ready, signaling step 2");
    xmitter.send("READY", 0)
}

fn step2(context: Context) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    // Bind inproc socket before starting step1
    let receiver = context.socket(PAIR)?;
    receiver.bind("inproc://step2")?;
    let thread = {
        let context = context.clone();
        spawn(move || step1(context))
    };

    // Wait for signal and pass it on
    receiver.recv_msg(0)?;
    drop(receiver);
    thread.join().map_err(|_| "step 1 panicked")??;

    // Connect to step3 and tell it we're ready
    let xmitter = context.socket(PAIR)?;
    xmitter.connect("inproc://step3")?;
    println!("Step 2 ready, signaling step 3");
    xmitter.send("READY", 0)?;
    Ok(())
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let rounds = parse_count()?.unwrap_or(1);
    let context = Context::new();
    for _ in 0..rounds {
        // Bind inproc socket before starting step2
        let receiver = context.socket(PAIR)?;
        receiver.bind("inproc://step3")?;
        let thread = {
            let context = context.clone();
            spawn(move || step2(context))
        };

        // Wait for signal
        receiver.recv_msg(0)?;
        drop(receiver);
        thread
            .join()
            .map_err(|_| "step 2 panicked")?
            .map_err(|e| e.to_string())?;
        println!("Test successful!");
    }
    Ok(())
}

/// Command line: `--count N` (default: `FERROZMQ_EXAMPLE_ROUNDS`).
fn parse_count() -> Result<Option<u64>, String> {
    let mut count = std::env::var("FERROZMQ_EXAMPLE_ROUNDS").ok();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--count" => count = Some(args.next().ok_or("--count needs a value")?),
            _ => {
                return Err(format!(
                    "unexpected argument {arg:?}; usage: mtrelay [--count N]"
                ))
            }
        }
    }
    match count {
        Some(n) => Ok(Some(n.parse().map_err(|_| format!("bad count {n:?}"))?)),
        None => Ok(None),
    }
}
