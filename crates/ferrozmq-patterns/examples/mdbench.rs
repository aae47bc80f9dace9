//! Majordomo round trips per second through this crate's broker, for `bench/majordomo.sh`:
//! a broker, N echo workers and one client (sync: one request at a time; async: every
//! request sent before the replies are read) in threads of one process, over tcp loopback.
//! `libzmq-mdbench` (crate `libzmq-perf`) runs the same topology on libzmq and prints the
//! same line.
//!
//! ```text
//! cargo run --release -p ferrozmq-patterns --example mdbench -- --mode sync|async --workers N --requests N
//! ```
//!
//! Prints `majordomo MODE workers=N: R round trips in S s, X round trips/s`.

use ferrozmq::{Context, Multipart};
use ferrozmq_patterns::mdp::async_client::AsyncClient;
use ferrozmq_patterns::mdp::broker::{Broker, BrokerConfig};
use ferrozmq_patterns::mdp::client::Client;
use ferrozmq_patterns::mdp::worker::Worker;
use std::time::{Duration, Instant};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (mut sync, mut workers, mut requests) = (true, 1usize, 20_000u64);
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let value = args.next().ok_or(format!("{arg} needs a value"))?;
        match arg.as_str() {
            "--mode" => sync = value == "sync",
            "--workers" => workers = value.parse()?,
            "--requests" => requests = value.parse()?,
            _ => return Err(format!("unknown argument {arg}").into()),
        }
    }
    let ctx = Context::new();
    let mut broker = Broker::new(&ctx, BrokerConfig::default())?;
    // An MMI extension: how many workers a service has, to start once all are there.
    broker.add_mmi("mmi.workers", |directory, mut request| {
        let service = request.pop().unwrap_or_default();
        Multipart::from([directory.worker_count(&service).to_string()])
    });
    broker.bind("tcp://127.0.0.1:*")?;
    let endpoint = broker.last_endpoint()?;
    std::thread::spawn(move || broker.run());
    for _ in 0..workers {
        let mut worker = Worker::new(&ctx, &endpoint, "echo")?;
        std::thread::spawn(move || {
            let mut reply = None;
            while let Ok(request) = worker.recv(reply.take()) {
                reply = Some(request);
            }
        });
    }
    let mut client = Client::new(&ctx, &endpoint)?;
    client.set_timeout(Duration::from_secs(10));
    loop {
        let count = client.send("mmi.workers", Multipart::from(["echo"]))?;
        if count.and_then(|mut c| c.pop_str()) == Some(workers.to_string()) {
            break;
        }
    }

    let start = Instant::now();
    if sync {
        for _ in 0..requests {
            client
                .send("echo", Multipart::from(["Hello world"]))?
                .ok_or("no reply")?;
        }
    } else {
        let mut client = AsyncClient::new(&ctx, &endpoint)?;
        client.set_timeout(Duration::from_secs(10));
        for _ in 0..requests {
            client.send("echo", Multipart::from(["Hello world"]))?;
        }
        for _ in 0..requests {
            client.recv()?.ok_or("no reply")?;
        }
    }
    let seconds = start.elapsed().as_secs_f64();
    println!(
        "majordomo {} workers={workers}: {requests} round trips in {seconds:.3} s, {:.0} round trips/s",
        if sync { "sync" } else { "async" },
        requests as f64 / seconds
    );
    std::process::exit(0); // the broker and worker threads end with the process
}
