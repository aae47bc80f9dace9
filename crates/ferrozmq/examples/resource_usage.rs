//! Memory and file descriptors per socket and per idle connection, ferrozmq next to libzmq
//! (through the `zmq` crate), measured the same way in separate processes.
//!
//! Run: `cargo run --release -p ferrozmq --example resource_usage [count]`
//! (with no library argument it runs itself once per library and prints a Markdown table).

use std::process::Command;
use std::time::{Duration, Instant};

fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmRSS:"))
                .and_then(|v| v.split_whitespace().next())
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

fn fds() -> u64 {
    std::fs::read_dir("/proc/self/fd").map_or(0, |d| d.count() as u64)
}

/// (RSS KiB, fds) now.
fn sample() -> (u64, u64) {
    (rss_kib(), fds())
}

/// Measures one library: prints `sockets_rss sockets_fds connections_rss connections_fds`
/// as totals for `count` sockets and for `count` idle connections.
fn measure(library: &str, count: usize) -> Result<(), Box<dyn std::error::Error>> {
    let before_sockets;
    let after_sockets;
    let before_connections;
    let after_connections;
    match library {
        "ferrozmq" => {
            let ctx = ferrozmq::Context::new();
            let router = ctx.socket(ferrozmq::ROUTER)?;
            // Room for every connect at once: with the default BACKLOG (100) the kernel drops
            // SYNs and the clients retry with exponential backoff, for seconds.
            router.set_backlog(count as i32)?;
            router.bind("tcp://127.0.0.1:*")?;
            let endpoint = router.get_last_endpoint()?.unwrap_or_default();
            before_sockets = sample();
            let sockets: Vec<_> = (0..count)
                .map(|_| ctx.socket(ferrozmq::DEALER))
                .collect::<Result<_, _>>()?;
            after_sockets = sample();
            before_connections = sample();
            for s in &sockets {
                s.connect(&endpoint)?;
                s.send("hi", 0)?;
            }
            router.set_rcvtimeo(10_000)?;
            for _ in 0..count {
                router.recv_multipart(0)?;
            }
            after_connections = sample();
        }
        "libzmq" => {
            let ctx = zmq::Context::new();
            let router = ctx.socket(zmq::ROUTER)?;
            router.set_backlog(count as i32)?;
            router.bind("tcp://127.0.0.1:*")?;
            let endpoint = router
                .get_last_endpoint()?
                .map_err(|_| "endpoint is not UTF-8")?;
            before_sockets = sample();
            let sockets: Vec<_> = (0..count)
                .map(|_| ctx.socket(zmq::DEALER))
                .collect::<Result<_, _>>()?;
            after_sockets = sample();
            before_connections = sample();
            for s in &sockets {
                s.connect(&endpoint)?;
                s.send("hi", 0)?;
            }
            router.set_rcvtimeo(10_000)?;
            for _ in 0..count {
                router.recv_multipart(0)?;
            }
            after_connections = sample();
        }
        other => return Err(format!("unknown library {other}").into()),
    }
    println!(
        "{} {} {} {}",
        after_sockets.0.saturating_sub(before_sockets.0),
        after_sockets.1.saturating_sub(before_sockets.1),
        after_connections.0.saturating_sub(before_connections.0),
        after_connections.1.saturating_sub(before_connections.1),
    );
    Ok(())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let count: usize = args.iter().find_map(|a| a.parse().ok()).unwrap_or(1000);
    if let Some(library) = args.iter().find(|a| a.parse::<usize>().is_err()) {
        return measure(library, count);
    }
    let me = std::env::current_exe()?;
    println!("| per socket / per idle tcp connection ({count} of each) | ferrozmq | libzmq |");
    println!("|---|---|---|");
    let mut rows = Vec::new();
    for library in ["ferrozmq", "libzmq"] {
        let start = Instant::now();
        let output = Command::new(&me)
            .arg(library)
            .arg(count.to_string())
            .output()?;
        if !output.status.success() || start.elapsed() > Duration::from_secs(120) {
            return Err(format!(
                "{library} run failed: {}",
                String::from_utf8_lossy(&output.stderr)
            )
            .into());
        }
        let numbers: Vec<f64> = String::from_utf8_lossy(&output.stdout)
            .split_whitespace()
            .filter_map(|n| n.parse().ok())
            .collect();
        if numbers.len() != 4 {
            return Err(format!("{library} printed {numbers:?}").into());
        }
        rows.push(numbers);
    }
    let per = |v: f64| v / count as f64;
    let labels = [
        ("memory per socket (KiB)", 0),
        ("fds per socket", 1),
        ("memory per connection, both ends (KiB)", 2),
        ("fds per connection, both ends", 3),
    ];
    for (label, i) in labels {
        println!(
            "| {label} | {:.1} | {:.1} |",
            per(rows[0][i]),
            per(rows[1][i])
        );
    }
    Ok(())
}
