//! Shared helpers: servers driven from the test thread, bounded waits.

use ferrozmq::Context;
use ferrozmq_patterns::clone::client::{Client, ClientConfig};
use ferrozmq_patterns::clone::protocol::{Endpoints, Form};
use ferrozmq_patterns::clone::server::{Collector, Server, ServerConfig};
use std::collections::HashMap;
use std::time::{Duration, Instant};

/// The longest any wait in these tests may take.
pub const TIMEOUT: Duration = Duration::from_secs(10);

/// Loopback endpoints on ports the system chooses.
pub fn any_ports() -> Endpoints {
    Endpoints {
        snapshot: "tcp://127.0.0.1:*".into(),
        publisher: "tcp://127.0.0.1:*".into(),
        collector: "tcp://127.0.0.1:*".into(),
    }
}

/// A CHP server (full kvmsgs, SUB collector, HUGZ every 50 ms, TTLs checked every 20 ms)
/// in its own context, bound to free loopback ports; returns it with its endpoints.
pub fn chp_server() -> (Context, Server, Endpoints) {
    server_with(ServerConfig {
        form: Form::Full,
        collector: Collector::Subscribe,
        ttl_check: Duration::from_millis(20),
        hugz: Some(Duration::from_millis(50)),
    })
}

/// A server configured as `config`, bound to free loopback ports.
pub fn server_with(config: ServerConfig) -> (Context, Server, Endpoints) {
    let ctx = Context::new();
    let server = Server::new(&ctx, config).expect("server");
    server.bind(&any_ports()).expect("bind");
    let endpoints = server.endpoints().expect("endpoints");
    (ctx, server, endpoints)
}

/// A clone client that takes a server silent for 300 ms for dead.
pub fn client(ctx: &Context, subtree: &str, servers: &[&Endpoints]) -> Client {
    let client = Client::with_config(ctx, fast_failover()).expect("client");
    client.subtree(subtree).expect("subtree");
    for server in servers {
        client.connect_endpoints(server).expect("connect");
    }
    client
}

/// A clone client configured as `config`, connected to `server`.
pub fn client_with(ctx: &Context, server: &Endpoints, config: ClientConfig) -> Client {
    let client = Client::with_config(ctx, config).expect("client");
    client.connect_endpoints(server).expect("connect");
    client
}

/// The default client configuration with a 300 ms server TTL.
pub fn fast_failover() -> ClientConfig {
    ClientConfig {
        server_ttl: Duration::from_millis(300),
        ..ClientConfig::default()
    }
}

/// Runs `servers` until `done` says so; panics after [`TIMEOUT`] with `what`.
pub fn pump(servers: &mut [&mut Server], what: &str, mut done: impl FnMut(&[&mut Server]) -> bool) {
    let deadline = Instant::now() + TIMEOUT;
    while !done(servers) {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        for server in servers.iter_mut() {
            server.poll_once().expect("server poll");
        }
    }
}

/// `pairs` as a map of keys to values.
pub fn map_of(pairs: &[(&str, &str)]) -> HashMap<String, Vec<u8>> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.as_bytes().to_vec()))
        .collect()
}
