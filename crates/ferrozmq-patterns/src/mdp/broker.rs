//! The Majordomo broker (the guide's `mdbroker`): one ROUTER socket for clients and workers, a
//! queue of requests and a list of idle workers per service, heartbeats to idle workers,
//! expiry of silent ones, and the `mmi.*` services answered in place ([`crate::mmi`]).
//!
//! MDP/0.1 and MDP/0.2 peers share one broker: a request is answered in its client's revision
//! and framing, whichever revision the worker that served it speaks (a 0.2 worker's PARTIAL
//! replies reach only 0.2 clients). Anything malformed is dropped with an `E:` line on stderr;
//! a worker breaking the protocol (a second READY, REPLY before READY, an `mmi.` service) is
//! sent DISCONNECT and forgotten, as RFC 7 asks. The broker never stops on bad input.

use super::frames::{
    self, describe_worker_command, parse_broker_input, show, BrokerInput, BrokerToWorker,
    ClientRequest, Dialect, ReplyKind, WorkerToBroker,
};
use super::{HEARTBEAT_INTERVAL, MMI_PREFIX};
use crate::mmi::{Mmi, ServiceDirectory};
use ferrozmq::{Context, Error, Message, Multipart, Result, Socket, DONTWAIT, POLLIN, ROUTER};
use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

/// Timing and logging of a [`Broker`].
#[derive(Clone, Debug)]
pub struct BrokerConfig {
    /// How often idle workers get a HEARTBEAT (the guide's 2.5 s).
    pub heartbeat_interval: Duration,
    /// How many intervals a worker may stay silent before it is forgotten (5).
    pub heartbeat_liveness: u32,
    /// How long a worker may work on one request before it is taken for dead (900 s, as
    /// majortomo's default): workers do not heartbeat while they work.
    pub busy_timeout: Duration,
    /// Print every message and decision to stderr (`mdbroker -v`).
    pub verbose: bool,
}

impl Default for BrokerConfig {
    fn default() -> BrokerConfig {
        BrokerConfig {
            heartbeat_interval: HEARTBEAT_INTERVAL,
            heartbeat_liveness: 5,
            busy_timeout: Duration::from_secs(900),
            verbose: false,
        }
    }
}

/// A request waiting for a worker.
struct Queued {
    client: Message,
    dialect: Dialect,
    body: Multipart,
}

/// One service: its waiting requests and idle workers.
#[derive(Default)]
struct Service {
    requests: VecDeque<Queued>,
    /// Routing ids of the idle workers, longest idle first.
    idle: VecDeque<Vec<u8>>,
    /// Registered workers, idle or busy.
    workers: usize,
}

/// The client a busy worker is serving.
struct Serving {
    client: Message,
    dialect: Dialect,
    since: Instant,
}

/// A registered worker.
struct WorkerEntry {
    address: Message,
    dialect: Dialect,
    service: Vec<u8>,
    expiry: Instant,
    serving: Option<Serving>,
}

/// The services and workers the broker knows, apart from its socket (so MMI handlers can
/// read them while the broker borrows its socket).
#[derive(Default)]
struct Registry {
    services: HashMap<Vec<u8>, Service>,
    workers: HashMap<Vec<u8>, WorkerEntry>,
}

impl ServiceDirectory for Registry {
    fn worker_count(&self, service: &[u8]) -> usize {
        self.services.get(service).map_or(0, |s| s.workers)
    }

    fn services(&self) -> Vec<Vec<u8>> {
        let mut names: Vec<Vec<u8>> = self.services.keys().cloned().collect();
        names.sort();
        names
    }
}

/// A Majordomo broker on one ROUTER socket.
pub struct Broker {
    socket: Socket,
    config: BrokerConfig,
    registry: Registry,
    mmi: Mmi,
    heartbeat_at: Instant,
}

impl Broker {
    /// A broker with a fresh ROUTER socket in `ctx`, not bound yet. Replies are never dropped
    /// at the socket's high-water mark (SNDHWM 0): the broker already holds every request it
    /// accepted, and a reply dropped would be a request lost.
    pub fn new(ctx: &Context, config: BrokerConfig) -> Result<Broker> {
        let socket = ctx.socket(ROUTER)?;
        socket.set_sndhwm(0)?;
        socket.set_linger(0)?;
        Ok(Broker {
            socket,
            heartbeat_at: Instant::now() + config.heartbeat_interval,
            config,
            registry: Registry::default(),
            mmi: Mmi::new(),
        })
    }

    /// Binds the broker's socket (`s_broker_bind`); may be called for several endpoints.
    pub fn bind(&self, endpoint: &str) -> Result<()> {
        self.socket.bind(endpoint)
    }

    /// The endpoint last bound, with the port the system chose for `tcp://…:*`.
    pub fn last_endpoint(&self) -> Result<String> {
        self.socket.get_last_endpoint()?.map_err(|_| Error::EINVAL)
    }

    /// Adds (or replaces) an MMI service; its name should start with `mmi.`.
    pub fn add_mmi(
        &mut self,
        name: &str,
        handler: impl FnMut(&dyn ServiceDirectory, Multipart) -> Multipart + Send + 'static,
    ) {
        self.mmi.add(name, handler);
    }

    /// Serves until the context is terminated (`Ok`) or a socket error other than an
    /// interrupted call.
    pub fn run(&mut self) -> Result<()> {
        loop {
            match self.poll_once(self.config.heartbeat_interval) {
                Ok(()) | Err(Error::EINTR) => {}
                Err(Error::ETERM) => return Ok(()),
                Err(e) => return Err(e),
            }
            if ferrozmq::interrupt::interrupted() {
                return Ok(());
            }
        }
    }

    /// Waits up to `timeout` (or the next heartbeat, if sooner) for messages, handles every
    /// one that has arrived, then sends heartbeats and expires workers if it is time.
    pub fn poll_once(&mut self, timeout: Duration) -> Result<()> {
        let now = Instant::now();
        let wait = timeout.min(self.heartbeat_at.saturating_duration_since(now));
        if self.socket.poll(POLLIN, millis_rounded_up(wait))? > 0 {
            // Drain what is there, but let heartbeats run now and then under load.
            for _ in 0..1024 {
                match Multipart::recv_with(&self.socket, DONTWAIT) {
                    Ok(message) => self.handle(message)?,
                    Err(Error::EAGAIN) => break,
                    Err(e) => return Err(e),
                }
            }
        }
        if Instant::now() >= self.heartbeat_at {
            self.purge_workers();
            self.heartbeat_idle_workers()?;
            self.heartbeat_at = Instant::now() + self.config.heartbeat_interval;
        }
        Ok(())
    }

    /// Handles one message from the socket.
    fn handle(&mut self, message: Multipart) -> Result<()> {
        if self.config.verbose {
            eprintln!("I: received message:\n{}", message.dump());
        }
        let fallback = message.first().cloned();
        match parse_broker_input(message) {
            Ok(BrokerInput::Client { sender, request }) => self.client_request(sender, request),
            Ok(BrokerInput::Worker {
                sender,
                dialect,
                command,
            }) => self.worker_command(sender, dialect, command),
            Err(why) => {
                let from = fallback.as_deref().map(show).unwrap_or_default();
                eprintln!("E: invalid message from {from} dropped: {why}");
                Ok(())
            }
        }
    }

    /// A client's request: answered in place for `mmi.*`, else queued for its service.
    fn client_request(&mut self, client: Message, request: ClientRequest) -> Result<()> {
        let ClientRequest {
            dialect,
            service,
            body,
        } = request;
        if service.starts_with(MMI_PREFIX) {
            let reply = self.mmi.handle(&service, body, &self.registry);
            return self.send_to_client(client, dialect, ReplyKind::Final, &service, reply);
        }
        let entry = self.registry.services.entry(service.to_vec()).or_default();
        entry.requests.push_back(Queued {
            client,
            dialect,
            body,
        });
        self.dispatch(&service)
    }

    /// A worker's command.
    fn worker_command(
        &mut self,
        sender: Message,
        dialect: Dialect,
        command: WorkerToBroker,
    ) -> Result<()> {
        let id = sender.to_vec();
        let known = self.registry.workers.contains_key(&id);
        if self.config.verbose {
            let name = describe_worker_command(&command, dialect.version);
            eprintln!("I: {name} from worker {}", show(&id));
        }
        let expiry = Instant::now() + self.expiry();
        if let Some(worker) = self.registry.workers.get_mut(&id) {
            worker.expiry = expiry;
        }
        match command {
            WorkerToBroker::Ready { service } => {
                if known {
                    eprintln!("E: second READY from worker {}", show(&id));
                    self.delete_worker(&id, true)
                } else if service.starts_with(MMI_PREFIX) {
                    eprintln!(
                        "E: worker {} may not register {}",
                        show(&id),
                        show(&service)
                    );
                    self.send_to_worker(&sender, dialect, BrokerToWorker::Disconnect)
                } else {
                    self.register_worker(sender, dialect, service.to_vec())
                }
            }
            WorkerToBroker::Partial { client, body } => match self.serving(&id, &client) {
                Some((dialect, service)) => {
                    // MDP/0.1 clients take one reply only: they get the FINAL one.
                    if dialect.version == super::Version::V02 {
                        self.send_to_client(client, dialect, ReplyKind::Partial, &service, body)?;
                    }
                    Ok(())
                }
                None => self.protocol_error(&sender, dialect, "PARTIAL"),
            },
            WorkerToBroker::Final { client, body } => match self.serving(&id, &client) {
                Some((client_dialect, service)) => {
                    if let Some(worker) = self.registry.workers.get_mut(&id) {
                        worker.serving = None;
                    }
                    self.send_to_client(client, client_dialect, ReplyKind::Final, &service, body)?;
                    self.worker_idle(&id)
                }
                None => self.protocol_error(&sender, dialect, "REPLY"),
            },
            WorkerToBroker::Heartbeat if known => Ok(()),
            WorkerToBroker::Heartbeat => self.protocol_error(&sender, dialect, "HEARTBEAT"),
            WorkerToBroker::Disconnect => self.delete_worker(&id, false),
        }
    }

    /// The dialect and service of the client `client` that worker `id` is serving, if it is.
    fn serving(&self, id: &[u8], client: &[u8]) -> Option<(Dialect, Vec<u8>)> {
        let worker = self.registry.workers.get(id)?;
        let serving = worker.serving.as_ref()?;
        (serving.client[..] == *client).then(|| (serving.dialect, worker.service.clone()))
    }

    /// A valid command the worker had no business sending now: DISCONNECT it (RFC 7).
    fn protocol_error(&mut self, sender: &Message, dialect: Dialect, what: &str) -> Result<()> {
        eprintln!(
            "E: unexpected {what} from worker {}, disconnecting it",
            show(sender)
        );
        if self.registry.workers.contains_key(&sender[..]) {
            self.delete_worker(&sender[..], true)
        } else {
            self.send_to_worker(sender, dialect, BrokerToWorker::Disconnect)
        }
    }

    /// Time a worker may stay silent.
    fn expiry(&self) -> Duration {
        self.config.heartbeat_interval * self.config.heartbeat_liveness
    }

    /// Registers a worker for `service` and makes it idle.
    fn register_worker(
        &mut self,
        address: Message,
        dialect: Dialect,
        service: Vec<u8>,
    ) -> Result<()> {
        if self.config.verbose {
            eprintln!("I: registering new worker: {}", show(&address));
        }
        let id = address.to_vec();
        self.registry
            .services
            .entry(service.clone())
            .or_default()
            .workers += 1;
        self.registry.workers.insert(
            id.clone(),
            WorkerEntry {
                address,
                dialect,
                service,
                expiry: Instant::now() + self.expiry(),
                serving: None,
            },
        );
        self.worker_idle(&id)
    }

    /// Puts worker `id` on its service's idle list and dispatches.
    fn worker_idle(&mut self, id: &[u8]) -> Result<()> {
        let Some(worker) = self.registry.workers.get(id) else {
            return Ok(());
        };
        let service = worker.service.clone();
        if let Some(entry) = self.registry.services.get_mut(&service) {
            entry.idle.push_back(id.to_vec());
        }
        self.dispatch(&service)
    }

    /// Hands waiting requests of `service` to its idle workers.
    fn dispatch(&mut self, service: &[u8]) -> Result<()> {
        self.purge_workers();
        loop {
            let Some(entry) = self.registry.services.get_mut(service) else {
                return Ok(());
            };
            if entry.requests.is_empty() {
                return Ok(());
            }
            let Some(id) = entry.idle.pop_front() else {
                return Ok(());
            };
            let Some(request) = entry.requests.pop_front() else {
                return Ok(());
            };
            let Some(worker) = self.registry.workers.get_mut(&id) else {
                continue;
            };
            worker.serving = Some(Serving {
                client: request.client.clone(),
                dialect: request.dialect,
                since: Instant::now(),
            });
            let (address, dialect) = (worker.address.clone(), worker.dialect);
            let command = BrokerToWorker::Request {
                client: request.client,
                body: request.body,
            };
            self.send_to_worker(&address, dialect, command)?;
        }
    }

    /// Forgets idle workers that stayed silent too long, and busy ones that have worked on
    /// one request longer than `busy_timeout` (workers heartbeat only between requests, as
    /// the guide's do).
    fn purge_workers(&mut self) {
        let now = Instant::now();
        let busy_timeout = self.config.busy_timeout;
        let expired: Vec<Vec<u8>> = self
            .registry
            .workers
            .iter()
            .filter(|(_, w)| match &w.serving {
                None => w.expiry <= now,
                Some(serving) => serving.since + busy_timeout <= now,
            })
            .map(|(id, _)| id.clone())
            .collect();
        for id in expired {
            if self.config.verbose {
                eprintln!("I: deleting expired worker: {}", show(&id));
            }
            // Sending DISCONNECT to a silent worker cannot fail in a way that matters here.
            let _ = self.delete_worker(&id, false);
        }
    }

    /// Sends HEARTBEAT to every idle worker.
    fn heartbeat_idle_workers(&mut self) -> Result<()> {
        let idle: Vec<(Message, Dialect)> = self
            .registry
            .services
            .values()
            .flat_map(|s| s.idle.iter())
            .filter_map(|id| self.registry.workers.get(id))
            .map(|w| (w.address.clone(), w.dialect))
            .collect();
        for (address, dialect) in idle {
            self.send_to_worker(&address, dialect, BrokerToWorker::Heartbeat)?;
        }
        Ok(())
    }

    /// Removes worker `id` everywhere, first sending it DISCONNECT if `disconnect`. A request
    /// it was serving is lost to it; the client's retry finds another worker.
    fn delete_worker(&mut self, id: &[u8], disconnect: bool) -> Result<()> {
        let Some(worker) = self.registry.workers.remove(id) else {
            return Ok(());
        };
        if let Some(service) = self.registry.services.get_mut(&worker.service) {
            service.idle.retain(|w| w[..] != *id);
            service.workers = service.workers.saturating_sub(1);
        }
        if disconnect {
            self.send_to_worker(&worker.address, worker.dialect, BrokerToWorker::Disconnect)?;
        }
        Ok(())
    }

    /// Sends a command to a worker.
    fn send_to_worker(
        &self,
        address: &Message,
        dialect: Dialect,
        command: BrokerToWorker,
    ) -> Result<()> {
        let mut message = frames::broker_to_worker(dialect, command);
        message.push(address);
        self.send(message)
    }

    /// Sends a reply to a client.
    fn send_to_client(
        &self,
        client: Message,
        dialect: Dialect,
        kind: ReplyKind,
        service: &[u8],
        body: Multipart,
    ) -> Result<()> {
        match frames::client_reply(dialect, kind, service, body) {
            Some(mut message) => {
                message.push(client);
                self.send(message)
            }
            None => Ok(()),
        }
    }

    /// Sends a message; a peer that is gone (EHOSTUNREACH) is not an error of the broker.
    fn send(&self, mut message: Multipart) -> Result<()> {
        if self.config.verbose {
            eprintln!("I: sending:\n{}", message.dump());
        }
        match message.send(&self.socket) {
            Err(Error::EHOSTUNREACH) | Err(Error::EAGAIN) => Ok(()),
            other => other,
        }
    }
}

/// A wait for `poll`, in milliseconds, never rounded down to a busy loop.
pub(crate) fn millis_rounded_up(wait: Duration) -> i64 {
    let millis = wait.as_micros().div_ceil(1000);
    i64::try_from(millis).unwrap_or(i64::MAX)
}
