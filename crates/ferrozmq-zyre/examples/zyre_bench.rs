//! zyre_bench: how long N nodes in one process take to all see each other (by beacons,
//! or through a gossip hub with beacons off), and how many SHOUTs a second one node gets
//! to a group of N receivers (for `bench/zyre.sh`).
//!
//! ```text
//! zyre_bench discovery N [INTERFACE]
//! zyre_bench gossip N
//! zyre_bench shout N MESSAGES SIZE [INTERFACE]
//! ```
//! Prints one line of results, with the process's open file descriptors at the end.

use ferrozmq::{Context, PollItem, POLLIN};
use ferrozmq_zyre::{Event, Node};
use std::time::{Duration, Instant};

fn start(ctx: &Context, name: &str, interface: Option<&String>, group: bool) -> Node {
    let mut node = Node::new(ctx, Some(name)).unwrap();
    if let Some(interface) = interface {
        node.set_interface(interface).unwrap();
    }
    if group {
        node.join("BENCH").unwrap();
    }
    node
}

/// Polls every node's events; `on_event` gets the node's index and the event, and says
/// whether the run is complete. Panics after a minute.
fn pump(nodes: &[Node], mut on_event: impl FnMut(usize, Event) -> bool) {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        assert!(
            Instant::now() < deadline,
            "zyre_bench: no result within a minute"
        );
        let mut items: Vec<PollItem<'_>> = (nodes.iter())
            .map(|n| n.socket().unwrap().as_poll_item(POLLIN))
            .collect();
        ferrozmq::poll(&mut items, 100).unwrap();
        let ready: Vec<usize> = (0..nodes.len())
            .filter(|&i| items[i].is_readable())
            .collect();
        for i in ready {
            while let Some(event) = nodes[i].recv_timeout(Duration::ZERO).unwrap() {
                if on_event(i, event) {
                    return;
                }
            }
        }
    }
}

fn open_fds() -> usize {
    std::fs::read_dir("/proc/self/fd")
        .map(|d| d.count())
        .unwrap_or(0)
}

/// A context with room for the sockets of many nodes (two DEALERs per pair).
fn context() -> Context {
    let ctx = Context::new();
    let _ = ctx.set(ferrozmq::context_options::MAX_SOCKETS, 65_535);
    ctx
}

/// Reads events until each of `nodes` has seen every other enter.
fn until_all_see_all(nodes: &[Node]) {
    let n = nodes.len();
    let mut seen = vec![0usize; n];
    let mut complete = 0;
    pump(nodes, |i, event| {
        if matches!(event, Event::Enter { .. }) {
            seen[i] += 1;
            if seen[i] == n - 1 {
                complete += 1;
            }
        }
        complete == n
    });
}

fn report(mode: &str, n: usize, took: Duration) {
    println!(
        "{mode}\tnodes {n}\tall saw all in {:.0} ms\topen fds {}",
        took.as_secs_f64() * 1000.0,
        open_fds()
    );
}

fn discovery(n: usize, interface: Option<&String>) {
    let ctx = context();
    let mut nodes: Vec<Node> = (0..n)
        .map(|i| start(&ctx, &format!("n{i}"), interface, false))
        .collect();
    let began = Instant::now();
    nodes.iter_mut().for_each(|node| node.start().unwrap());
    until_all_see_all(&nodes);
    report("discovery", n, began.elapsed());
}

/// Node 0 runs the gossip hub (started first, so its port is known); the timing covers
/// the other nodes' start and every node seeing every other.
fn gossip(n: usize) {
    let ctx = context();
    let mut hub = Node::new(&ctx, Some("n0")).unwrap();
    hub.set_endpoint("tcp://127.0.0.1:*").unwrap();
    hub.gossip_bind("tcp://127.0.0.1:*").unwrap();
    hub.start().unwrap();
    let hub_endpoint = hub.gossip_endpoint().unwrap().unwrap();
    let mut nodes = vec![hub];
    let began = Instant::now();
    for i in 1..n {
        let mut node = Node::new(&ctx, Some(&format!("n{i}"))).unwrap();
        node.set_endpoint("tcp://127.0.0.1:*").unwrap();
        node.gossip_connect(&hub_endpoint).unwrap();
        node.start().unwrap();
        nodes.push(node);
    }
    until_all_see_all(&nodes);
    report("gossip", n, began.elapsed());
}

fn shout(n: usize, messages: usize, size: usize, interface: Option<&String>) {
    let ctx = context();
    let mut sender = start(&ctx, "sender", interface, false);
    let mut receivers: Vec<Node> = (0..n)
        .map(|i| start(&ctx, &format!("r{i}"), interface, true))
        .collect();
    sender.start().unwrap();
    receivers.iter_mut().for_each(|node| node.start().unwrap());
    let mut joins = 0;
    pump(std::slice::from_ref(&sender), |_, event| {
        joins += usize::from(matches!(event, Event::Join { .. }));
        joins == n
    });
    let mut entered = 0;
    pump(&receivers, |_, event| {
        entered += usize::from(event.name() == "sender" && matches!(event, Event::Enter { .. }));
        entered == n
    });
    let payload = vec![b'x'; size];
    let began = Instant::now();
    for _ in 0..messages {
        sender.shout("BENCH", [&payload[..]]).unwrap();
    }
    let sent = began.elapsed();
    let mut received = 0;
    pump(&receivers, |_, event| {
        received += usize::from(matches!(event, Event::Shout { .. }));
        received == n * messages
    });
    let took = began.elapsed().as_secs_f64();
    println!(
        "shout\treceivers {n}\tmessages {messages}\tsize {size}\tsent {:.0} msg/s\tdelivered {:.0} msg/s ({:.0} shouts/s to all)",
        messages as f64 / sent.as_secs_f64(),
        (n * messages) as f64 / took,
        messages as f64 / took
    );
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let number = |i: usize| args.get(i).and_then(|a| a.parse::<usize>().ok());
    match (args.first().map(String::as_str), number(1)) {
        (Some("discovery"), Some(n)) if n >= 2 => discovery(n, args.get(2)),
        (Some("gossip"), Some(n)) if n >= 2 => gossip(n),
        (Some("shout"), Some(n)) if n >= 1 => match (number(2), number(3)) {
            (Some(m), Some(size)) => shout(n, m, size, args.get(4)),
            _ => usage(),
        },
        _ => usage(),
    }
}

fn usage() {
    eprintln!(
        "usage: zyre_bench discovery N [INTERFACE] | gossip N | shout N MESSAGES SIZE [INTERFACE]"
    );
    std::process::exit(2);
}
