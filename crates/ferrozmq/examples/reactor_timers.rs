//! Reactor timer accuracy benchmark (not a test): how late `Reactor` timers fire, idle and
//! under load. 100 repeating timers with delays of 1..=10 ms run for the given seconds; each
//! firing's lateness (actual minus due time) is collected and printed as percentiles.
//! "Under load" adds a reader on the same reactor draining a PULL socket that another
//! thread floods over inproc. A firing's due time is the one the reactor scheduled: one
//! delay after the previous due time, or the firing turn if that was later (no catch-up).
//!
//! Usage: `cargo run --release -p ferrozmq --example reactor_timers [SECONDS]` (default 3
//! per run). Results are in docs/PERFORMANCE.md.

use ferrozmq::reactor::Reactor;
use ferrozmq::{Context, DONTWAIT, PULL, PUSH};
use std::cell::RefCell;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

fn main() -> ferrozmq::Result<()> {
    let seconds: u64 = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(3);
    println!("run      firings    p50 us    p90 us    p99 us  p99.9 us    max us  msgs read");
    report("idle", measure(seconds, false)?);
    report("loaded", measure(seconds, true)?);
    Ok(())
}

fn report(name: &str, (mut lateness, messages): (Vec<Duration>, u64)) {
    lateness.sort();
    let at = |q: f64| lateness[((lateness.len() - 1) as f64 * q) as usize].as_secs_f64() * 1e6;
    println!(
        "{name:<8} {:>8} {:>9.0} {:>9.0} {:>9.0} {:>9.0} {:>9.0} {messages:>10}",
        lateness.len(),
        at(0.5),
        at(0.9),
        at(0.99),
        at(0.999),
        at(1.0)
    );
}

fn measure(seconds: u64, loaded: bool) -> ferrozmq::Result<(Vec<Duration>, u64)> {
    let ctx = Context::new();
    let pull = ctx.socket(PULL)?;
    pull.bind("inproc://reactor-timers")?;
    let stop = Arc::new(AtomicBool::new(false));
    let mut helpers = Vec::new();
    if loaded {
        let push = ctx.socket(PUSH)?;
        push.connect("inproc://reactor-timers")?;
        let flag = Arc::clone(&stop);
        helpers.push(std::thread::spawn(move || {
            while !flag.load(Ordering::Relaxed) {
                let _ = push.send(&[0u8; 64][..], DONTWAIT);
            }
        }));
    }

    let lateness = RefCell::new(Vec::new());
    let messages = RefCell::new(0u64);
    let mut reactor = Reactor::new();
    let start = Instant::now();
    for n in 0..100u64 {
        let delay = Duration::from_millis(1 + n % 10);
        let mut due = start + delay;
        let lateness = &lateness;
        reactor.add_timer(delay, 0, move |_, _| {
            let now = Instant::now();
            lateness
                .borrow_mut()
                .push(now.saturating_duration_since(due));
            due = (due + delay).max(now);
            Ok(())
        });
    }
    if loaded {
        reactor.add_reader(&pull, |_, socket| {
            // Drain a batch, then let the timers run.
            for _ in 0..64 {
                match socket.recv_msg(DONTWAIT) {
                    Ok(_) => *messages.borrow_mut() += 1,
                    Err(_) => break,
                }
            }
            Ok(())
        });
    }
    reactor.add_timer(Duration::from_secs(seconds), 1, |reactor, _| {
        reactor.stop();
        Ok(())
    });
    reactor.start()?;
    drop(reactor);
    stop.store(true, Ordering::Relaxed);
    for helper in helpers {
        let _ = helper.join();
    }
    let messages = *messages.borrow();
    Ok((lateness.into_inner(), messages))
}
