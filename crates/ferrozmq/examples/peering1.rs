//! Prototype state flow between brokers (zguide chapter 3, "peering1"): each broker
//! publishes its number of free workers (a random number here) once a second as
//! `[name][count]`, and prints each peer's state as `DC2 - 7 workers free`.
//!
//! Usage: `peering1 me {you}... [--count N]`: with N, exit after printing N states.
//! Endpoints are `ipc://NAME-state.ipc` in the current directory.

use ferrozmq::{Context, Multipart, POLLIN, PUB, SUB};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut names = Vec::new();
    let mut count: Option<u64> = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        if arg == "--count" {
            count = Some(args.next().ok_or("--count needs a value")?.parse()?);
        } else {
            names.push(arg);
        }
    }
    let Some((me, peers)) = names.split_first() else {
        println!("syntax: peering1 me {{you}}...");
        return Ok(());
    };
    println!("I: preparing broker at {me}...");
    let ctx = Context::new();
    // Bind the state backend to our endpoint; connect the state frontend to every peer.
    let statebe = ctx.socket(PUB)?;
    statebe.bind(&format!("ipc://{me}-state.ipc"))?;
    let statefe = ctx.socket(SUB)?;
    statefe.set_subscribe(b"")?;
    for peer in peers {
        println!("I: connecting to state backend at '{peer}'");
        statefe.connect(&format!("ipc://{peer}-state.ipc"))?;
    }
    // The poll timeout is our heartbeat: send our state each second without input.
    let mut printed = 0;
    while count.is_none_or(|n| printed < n) {
        if statefe.poll(POLLIN, 1000)? > 0 {
            let mut state = Multipart::recv(&statefe)?;
            let peer_name = state.pop_str().unwrap_or_default();
            let available = state.pop_str().unwrap_or_default();
            println!("{peer_name} - {available} workers free");
            printed += 1;
        } else {
            Multipart::from([me.clone(), randof(10).to_string()]).send(&statebe)?;
        }
    }
    Ok(())
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
