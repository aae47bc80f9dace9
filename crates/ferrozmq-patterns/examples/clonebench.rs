//! Clone updates per second through this crate's server, for `bench/clone.sh`: one Clone
//! server (model 5: PULL collector, full kvmsgs), one clone client that sets N distinct keys
//! as fast as it can, and C clone clients that replicate them, all threads of one process
//! over tcp loopback. The clock runs from the first set until every replicating client holds
//! the last key; then each client's key count shows whether any update was lost on the way.
//!
//! ```text
//! cargo run --release -p ferrozmq-patterns --example clonebench -- --clients C --updates N
//! ```
//!
//! With `--pair`, the server is a highly available pair instead (model 6: two `clonesrv6`
//! servers on Binary Star, on the guide's fixed ports, SUB collectors): the clients connect
//! to both and publish every update to both, and the clock stops when the replicas hold the
//! last key as the active primary published it.
//!
//! Prints `clone clients=C: N updates in S s, X updates/s, delivered D of N to every client`
//! (D is the smallest count any client holds).

use ferrozmq::Context;
use ferrozmq_patterns::bstar::Role;
use ferrozmq_patterns::clone::client::{Client, ClientConfig, Updates};
use ferrozmq_patterns::clone::pair::{PairConfig, PairServer};
use ferrozmq_patterns::clone::protocol::Endpoints;
use ferrozmq_patterns::clone::server::{Server, ServerConfig};
use std::time::{Duration, Instant};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (mut clients, mut updates, mut pair) = (1usize, 100_000u64, false);
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        if arg == "--pair" {
            pair = true;
            continue;
        }
        let value = args.next().ok_or(format!("{arg} needs a value"))?;
        match arg.as_str() {
            "--clients" => clients = value.parse()?,
            "--updates" => updates = value.parse()?,
            _ => return Err(format!("unknown argument {arg}").into()),
        }
    }
    let ctx = Context::new();
    let (connect, serving): (Box<dyn Fn() -> ferrozmq::Result<Client>>, _) = if pair {
        for role in [Role::Primary, Role::Backup] {
            // Not Send (a reactor's handlers): each server is made in its own thread.
            std::thread::spawn(move || {
                let ctx = Context::new();
                let mut server = PairServer::new(&ctx, PairConfig::guide(role))?;
                server.set_logger(|_| {});
                server.run()
            });
        }
        let ctx = ctx.clone();
        let connect = move || -> ferrozmq::Result<Client> {
            let client = Client::new(&ctx)?;
            client.connect("tcp://localhost", "5556")?;
            client.connect("tcp://localhost", "5566")?;
            Ok(client)
        };
        (Box::new(connect) as Box<dyn Fn() -> _>, None)
    } else {
        let mut server = Server::new(&ctx, ServerConfig::default())?;
        let any = "tcp://127.0.0.1:*".to_string();
        server.bind(&Endpoints {
            snapshot: any.clone(),
            publisher: any.clone(),
            collector: any,
        })?;
        server.set_logger(|_| {});
        let endpoints = server.endpoints()?;
        let serving = std::thread::spawn(move || server.run());
        let config = ClientConfig {
            updates: Updates::Push,
            ..ClientConfig::default()
        };
        let ctx = ctx.clone();
        let connect = move || -> ferrozmq::Result<Client> {
            let client = Client::with_config(&ctx, config.clone())?;
            client.connect_endpoints(&endpoints)?;
            Ok(client)
        };
        (Box::new(connect) as Box<dyn Fn() -> _>, Some(serving))
    };
    let replicas = (0..clients)
        .map(|_| connect())
        .collect::<Result<Vec<_>, _>>()?;
    let writer = connect()?;
    // Every replica is synchronised once it holds a key set after it connected.
    writer.set("ready", "1", 0)?;
    for replica in &replicas {
        while replica.get("ready")?.is_none() {
            std::thread::sleep(Duration::from_millis(1));
        }
    }

    let last = format!("k{}", updates - 1);
    let start = Instant::now();
    for i in 0..updates {
        writer.set(&format!("k{i}"), "value", 0)?;
    }
    for replica in &replicas {
        let deadline = Instant::now() + Duration::from_secs(60);
        while replica.get(&last)?.is_none() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_micros(200));
        }
    }
    let seconds = start.elapsed().as_secs_f64();
    let mut delivered = u64::MAX;
    for replica in &replicas {
        let held = replica.values()?.len() as u64 - 1; // without "ready"
        delivered = delivered.min(held);
    }
    println!(
        "clone clients={clients}: {updates} updates in {seconds:.3} s, {:.0} updates/s, \
         delivered {delivered} of {updates} to every client",
        updates as f64 / seconds
    );
    drop((replicas, writer));
    let Some(serving) = serving else {
        // The pair's servers run until the process ends.
        std::process::exit(0);
    };
    ctx.shutdown()?;
    serving.join().map_err(|_| "the server panicked")??;
    Ok(())
}
