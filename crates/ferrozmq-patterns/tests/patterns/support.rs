//! Shared helpers: a broker in a thread with fast heartbeats, echo workers, bounded waits.

use ferrozmq::{Context, Multipart};
use ferrozmq_patterns::mdp::broker::{Broker, BrokerConfig};
use ferrozmq_patterns::mdp::worker::{Worker, WorkerConfig};
use ferrozmq_patterns::mdp::Dialect;
use std::thread::JoinHandle;
use std::time::Duration;

/// Heartbeats in tests: fast, so expiry and reconnects happen within a test's time bound.
pub const HEARTBEAT: Duration = Duration::from_millis(100);

/// A broker (and any workers) running in threads of one context; dropping it terminates the
/// context and joins the threads.
pub struct Running {
    pub ctx: Context,
    pub endpoint: String,
    threads: Vec<JoinHandle<()>>,
}

impl Running {
    /// A broker on a free loopback port, with fast heartbeats.
    pub fn broker() -> Running {
        Running::broker_with(BrokerConfig {
            heartbeat_interval: HEARTBEAT,
            ..BrokerConfig::default()
        })
    }

    /// A broker on a free loopback port, configured as `config`.
    pub fn broker_with(config: BrokerConfig) -> Running {
        let ctx = Context::new();
        let mut broker = Broker::new(&ctx, config).expect("broker");
        broker.bind("tcp://127.0.0.1:*").expect("bind");
        let endpoint = broker.last_endpoint().expect("endpoint");
        let mut running = Running {
            ctx,
            endpoint,
            threads: Vec::new(),
        };
        running.spawn(move || broker.run().expect("broker run"));
        running
    }

    /// A context for workers and clients of a broker at `endpoint` that runs elsewhere.
    pub fn without_broker(endpoint: &str) -> Running {
        Running {
            ctx: Context::new(),
            endpoint: endpoint.to_string(),
            threads: Vec::new(),
        }
    }

    /// Runs `body` in a thread joined when this is dropped.
    pub fn spawn(&mut self, body: impl FnOnce() + Send + 'static) {
        self.threads.push(std::thread::spawn(body));
    }

    /// Starts a worker for `service` that answers each request with `answer(request)`.
    pub fn worker(
        &mut self,
        service: &str,
        dialect: Dialect,
        answer: impl Fn(Multipart) -> Multipart + Send + 'static,
    ) {
        let config = worker_config(dialect);
        let mut worker =
            Worker::with_config(&self.ctx, &self.endpoint, service, config).expect("worker");
        self.spawn(move || {
            let mut reply = None;
            while let Ok(request) = worker.recv(reply.take()) {
                reply = Some(answer(request));
            }
        });
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.ctx.shutdown();
        for thread in self.threads.drain(..) {
            let _ = thread.join();
        }
    }
}

/// A worker configuration with the tests' fast heartbeats.
pub fn worker_config(dialect: Dialect) -> WorkerConfig {
    WorkerConfig {
        heartbeat_interval: HEARTBEAT,
        reconnect_interval: HEARTBEAT,
        dialect,
        ..WorkerConfig::default()
    }
}

/// The frames of `message` as text.
pub fn texts(message: &Multipart) -> Vec<String> {
    message
        .iter()
        .map(|f| String::from_utf8_lossy(f).into_owned())
        .collect()
}
