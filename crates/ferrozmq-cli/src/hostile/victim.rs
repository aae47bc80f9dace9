//! The attacked side of the hostile-peer benchmark (`bench/hostile.sh`), written once and
//! compiled into two programs: `hostile-victim` on ferrozmq and `libzmq-hostile-victim` on
//! libzmq 4.3.4 (through the `zmq` crate). Each program's root provides `crate::api` with
//! `Context`, `Socket`, `Error`, `PUB`, `PULL` and `DONTWAIT` from its library; this file
//! uses only those names and std.
//!
//! Roles (`hostile-peer` starts one, reads its lines, and ends it by closing its stdin):
//! - `pub <bind-to> <interval-us>`: a PUB sending `tick` + a big-endian u64 sequence number
//!   every interval, to the legit subscriber, while an attacker subscribes;
//! - `pull <bind-to> <maxmsgsize> <conflate 0|1> <reads-per-second, 0 = as they come>`: a
//!   PULL counting what it receives.
//!
//! Both print `ready` once bound and, at the end, `sent N` or `received N` (the PULL's last
//! message's first 8 bytes as `last N` too, when it got any).

use crate::api;
use std::io::{BufRead, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// Runs the role named in `args`; an error is one line for stderr.
pub fn run(args: &[String]) -> Result<(), String> {
    let stop = Arc::new(AtomicBool::new(false));
    let flag = stop.clone();
    std::thread::spawn(move || {
        // The driver closes our stdin to end the run.
        for _ in std::io::stdin().lock().lines() {}
        flag.store(true, Ordering::SeqCst);
    });
    let int = |i: usize, what: &str| -> Result<i64, String> {
        args.get(i)
            .ok_or(format!("missing <{what}>"))?
            .parse()
            .map_err(|_| format!("bad <{what}>"))
    };
    let ctx = api::Context::new();
    match args.first().map(String::as_str) {
        Some("pub") => {
            let endpoint = args.get(1).ok_or("missing <bind-to>")?;
            let interval = Duration::from_micros(int(2, "interval-us")? as u64);
            let publisher = ctx.socket(api::PUB).map_err(|e| e.to_string())?;
            publisher.bind(endpoint).map_err(|e| e.to_string())?;
            say("ready");
            let mut sent = 0u64;
            while !stop.load(Ordering::SeqCst) {
                let mut tick = b"tick".to_vec();
                tick.extend_from_slice(&sent.to_be_bytes());
                publisher.send(&tick[..], 0).map_err(|e| e.to_string())?;
                sent += 1;
                std::thread::sleep(interval);
            }
            say(&format!("sent {sent}"));
        }
        Some("pull") => {
            let endpoint = args.get(1).ok_or("missing <bind-to>")?;
            let pull = ctx.socket(api::PULL).map_err(|e| e.to_string())?;
            pull.set_maxmsgsize(int(2, "maxmsgsize")?)
                .map_err(|e| e.to_string())?;
            pull.set_conflate(int(3, "conflate")? != 0)
                .map_err(|e| e.to_string())?;
            let per_second = int(4, "reads-per-second")?;
            pull.set_rcvtimeo(100).map_err(|e| e.to_string())?;
            pull.bind(endpoint).map_err(|e| e.to_string())?;
            say("ready");
            let (mut received, mut last) = (0u64, None);
            while !stop.load(Ordering::SeqCst) {
                let flags = if per_second > 0 {
                    std::thread::sleep(Duration::from_micros(1_000_000 / per_second as u64));
                    api::DONTWAIT
                } else {
                    0
                };
                match pull.recv_bytes(flags) {
                    Ok(m) => {
                        received += 1;
                        if let Some(head) = m.get(..8) {
                            last = Some(u64::from_be_bytes(head.try_into().unwrap_or([0; 8])));
                        }
                    }
                    Err(api::Error::EAGAIN) => {}
                    Err(e) => return Err(e.to_string()),
                }
            }
            say(&format!("received {received}"));
            if let Some(last) = last {
                say(&format!("last {last}"));
            }
        }
        _ => return Err("usage: <pub|pull> <bind-to> …".into()),
    }
    Ok(())
}

/// One line on stdout, flushed at once (the driver waits for it).
fn say(line: &str) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{line}");
    let _ = out.flush();
}
