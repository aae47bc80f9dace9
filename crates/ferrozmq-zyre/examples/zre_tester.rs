//! zre_tester: the guide's Zyre tester. Keeps a pool of MAX nodes (default 100), each in
//! its own thread, and every ~750 ms (500-1000 ms at random) starts or stops a random one.
//! Each node whispers to peers that enter and leave, answers half the whispers with a
//! whisper, answers a third of the shouts with a whisper and a third with a shout, and
//! once a second joins or leaves one of 10 groups. After SECONDS (default: until
//! interrupted) it stops every node and reports what ran, and whether threads and file
//! descriptors came back to where they started (`leaks: none`, else exit status 1).
//!
//! ```text
//! zre_tester [MAX] [SECONDS] [INTERFACE] [TOGGLE_MS]
//! ```
//! TOGGLE_MS replaces the 500-1000 ms pause (for short test runs).

use ferrozmq::{Context, Uuid};
use ferrozmq_zyre::{Event, Node};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// A random number below `n` (from a fresh random UUID: no RNG crate for this).
fn randof(n: u32) -> u32 {
    let bytes = Uuid::new();
    let b = bytes.as_bytes();
    u32::from_le_bytes([b[0], b[1], b[2], b[3]]) % n.max(1)
}

/// One running node's thread and its stop flag.
struct Running {
    stop: Arc<AtomicBool>,
    thread: JoinHandle<Result<(), ferrozmq::Error>>,
}

/// Counts shared by all node threads.
#[derive(Default)]
struct Totals {
    events: AtomicU64,
    sent: AtomicU64,
}

fn count(dir: &str) -> usize {
    std::fs::read_dir(dir).map(|d| d.count()).unwrap_or(0)
}

fn node_task(
    ctx: Context,
    interface: Option<String>,
    stop: Arc<AtomicBool>,
    totals: Arc<Totals>,
) -> Result<(), ferrozmq::Error> {
    let mut node = Node::new(&ctx, None)?;
    if let Some(interface) = &interface {
        node.set_interface(interface)?;
    }
    node.set_interval(Duration::from_millis(250))?;
    node.start()?;
    let mut next_group_change = Instant::now() + Duration::from_secs(1);
    let send = |result: Result<(), ferrozmq::Error>| {
        totals.sent.fetch_add(1, Ordering::Relaxed);
        result
    };
    while !stop.load(Ordering::Relaxed) {
        if Instant::now() >= next_group_change {
            let group = format!("GROUP{:03}", randof(10));
            if node.own_groups()?.contains(&group) {
                node.leave(&group)?;
            } else {
                node.join(&group)?;
            }
            next_group_change = Instant::now() + Duration::from_secs(1);
        }
        let Some(event) = node.recv_timeout(Duration::from_millis(50))? else {
            continue;
        };
        totals.events.fetch_add(1, Ordering::Relaxed);
        match &event {
            Event::Enter { peer, .. } | Event::Exit { peer, .. } => {
                send(node.whispers(peer, "Hello"))?
            }
            Event::Whisper { peer, .. } if randof(2) == 0 => send(node.whispers(peer, "Hello"))?,
            Event::Shout { peer, group, .. } => match randof(3) {
                0 => send(node.whispers(peer, "Hello"))?,
                1 => send(node.shouts(group, "Hello"))?,
                _ => {}
            },
            _ => {}
        }
    }
    node.stop()
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let max: usize = args.first().and_then(|a| a.parse().ok()).unwrap_or(100);
    let seconds: Option<u64> = args.get(1).and_then(|a| a.parse().ok()).filter(|s| *s > 0);
    let interface = args.get(2).cloned();
    let toggle_ms: Option<u64> = args.get(3).and_then(|a| a.parse().ok());
    // The interrupt handler's self-pipe stays open: count after it exists.
    let _ = ferrozmq::interrupt::catch_interrupts();
    let (fds_before, threads_before) = (count("/proc/self/fd"), count("/proc/self/task"));
    let totals = Arc::new(Totals::default());
    let (mut started, mut stopped, mut failures) = (0, 0, 0);
    {
        let ctx = Context::new();
        // Every pair of nodes costs two DEALERs; libzmq's default of 1023 sockets per
        // context would stop a full pool of 100 at about 30.
        let _ = ctx.set(ferrozmq::context_options::MAX_SOCKETS, 65_535);
        let mut pool: Vec<Option<Running>> = (0..max).map(|_| None).collect();
        let end = seconds.map(|s| Instant::now() + Duration::from_secs(s));
        let mut running = 0;
        while !ferrozmq::interrupt::interrupted() && end.is_none_or(|e| Instant::now() < e) {
            let index = randof(max as u32) as usize;
            match pool[index].take() {
                Some(node) => {
                    node.stop.store(true, Ordering::Relaxed);
                    if !matches!(node.thread.join(), Ok(Ok(()))) {
                        failures += 1;
                    }
                    running -= 1;
                    stopped += 1;
                    println!("I: Stopped interface ({running} running)");
                }
                None => {
                    let stop = Arc::new(AtomicBool::new(false));
                    let (ctx, iface) = (ctx.clone(), interface.clone());
                    let (flag, t) = (Arc::clone(&stop), Arc::clone(&totals));
                    let thread = std::thread::spawn(move || node_task(ctx, iface, flag, t));
                    pool[index] = Some(Running { stop, thread });
                    running += 1;
                    started += 1;
                    println!("I: Started interface ({running} running)");
                }
            }
            let pause = toggle_ms.unwrap_or_else(|| u64::from(randof(500) + 500));
            std::thread::sleep(Duration::from_millis(pause));
        }
        for node in pool.into_iter().flatten() {
            node.stop.store(true, Ordering::Relaxed);
            if !matches!(node.thread.join(), Ok(Ok(()))) {
                failures += 1;
            }
            stopped += 1;
        }
    }
    let (fds_after, threads_after) = (count("/proc/self/fd"), count("/proc/self/task"));
    println!(
        "I: {started} started, {stopped} stopped, {failures} failed, {} events, {} messages sent",
        totals.events.load(Ordering::Relaxed),
        totals.sent.load(Ordering::Relaxed)
    );
    println!("I: file descriptors {fds_before} -> {fds_after}, threads {threads_before} -> {threads_after}");
    let clean = failures == 0 && fds_after <= fds_before && threads_after <= threads_before;
    println!("I: leaks: {}", if clean { "none" } else { "FOUND" });
    std::process::exit(if clean { 0 } else { 1 });
}
