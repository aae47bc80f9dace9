//! A Clone server (the guide's models 3 to 5): a ROUTER answers snapshot requests, a PUB
//! publishes every update in sequence, and a collector takes updates from clients — a PULL
//! as in the guide's model 5, or a SUB as CHP and model 6 have it ([`Collector`]).
//!
//! The snapshot ROUTER has no send HWM (a ROUTER drops at its HWM, and a snapshot that lost
//! its KTHXBAI would leave its client waiting). Malformed updates and requests are dropped with a log line ([`Event::Dropped`]) and the
//! server keeps serving. TTLs are checked once a second (`ttl_check`), and an idle server
//! can send HUGZ (`hugz`) so clients notice when it dies.
//!
//! ```no_run
//! use ferrozmq_patterns::clone::protocol::Endpoints;
//! use ferrozmq_patterns::clone::server::{Server, ServerConfig};
//! let ctx = ferrozmq::Context::new();
//! let mut server = Server::new(&ctx, ServerConfig::default())?;
//! server.bind(&Endpoints::at("tcp://*", 5556).unwrap())?;
//! server.run()?; // until the context is terminated or Ctrl-C
//! # Ok::<(), ferrozmq::Error>(())
//! ```

use super::protocol::{addressed, hugz, Endpoints, Form, SnapshotRequest};
use super::state::State;
use crate::kvmsg::KvMsg;
use crate::mdp::broker::millis_rounded_up;
use ferrozmq::{
    Context, Error, Multipart, Result, Socket, DONTWAIT, POLLIN, PUB, PULL, ROUTER, SUB,
};
use std::time::{Duration, Instant};

/// The socket that collects client updates at P+2.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Collector {
    /// A PULL: clients connect a PUSH (the guide's models 3 to 5).
    Pull,
    /// A SUB subscribed to everything: clients connect a PUB (CHP, the guide's model 6).
    Subscribe,
}

/// How a server behaves.
#[derive(Clone, Debug)]
pub struct ServerConfig {
    /// The kvmsg form of every message (models 3 and 4: simple; model 5 on: full).
    pub form: Form,
    /// The collector's socket type.
    pub collector: Collector,
    /// How often to look for expired TTLs (model 5: once a second).
    pub ttl_check: Duration,
    /// How often to send HUGZ, if at all (model 6 and CHP: once a second).
    pub hugz: Option<Duration>,
}

impl Default for ServerConfig {
    /// Model 5: full kvmsgs, a PULL collector, TTLs checked each second, no HUGZ.
    fn default() -> ServerConfig {
        ServerConfig {
            form: Form::Full,
            collector: Collector::Pull,
            ttl_check: Duration::from_secs(1),
            hugz: None,
        }
    }
}

/// What a server reports as it works, for its log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    /// A client update was published with this sequence number.
    Published(u64),
    /// A key's TTL ran out; its delete was published with this sequence number.
    Expired(u64),
    /// A snapshot ending at this sequence number was sent.
    SnapshotSent(u64),
    /// A malformed message was dropped, for this reason.
    Dropped(String),
}

/// Where a server's events go.
pub type Logger = Box<dyn FnMut(&Event) + Send>;

/// A Clone server on three sockets.
pub struct Server {
    snapshot: Socket,
    publisher: Socket,
    collector: Socket,
    state: State,
    config: ServerConfig,
    logger: Logger,
    next_ttl_check: Instant,
    next_hugz: Option<Instant>,
}

impl Server {
    /// A server with fresh sockets in `ctx`, not bound yet. It logs dropped messages to
    /// stderr and nothing else until [`set_logger`](Server::set_logger) says otherwise.
    pub fn new(ctx: &Context, config: ServerConfig) -> Result<Server> {
        let snapshot = ctx.socket(ROUTER)?;
        let publisher = ctx.socket(PUB)?;
        let collector = match config.collector {
            Collector::Pull => ctx.socket(PULL)?,
            Collector::Subscribe => {
                let sub = ctx.socket(SUB)?;
                sub.set_subscribe(b"")?;
                sub
            }
        };
        for socket in [&snapshot, &publisher, &collector] {
            socket.set_linger(0)?;
        }
        // A snapshot is larger than the default HWM of 1000 once the map is, and a ROUTER
        // drops at its HWM: the KTHXBAI lost, the client would wait for ever.
        snapshot.set_sndhwm(0)?;
        let now = Instant::now();
        Ok(Server {
            snapshot,
            publisher,
            collector,
            state: State::new(),
            next_ttl_check: now + config.ttl_check,
            next_hugz: config.hugz.map(|every| now + every),
            config,
            logger: Box::new(|event| {
                if let Event::Dropped(why) = event {
                    eprintln!("E: dropped {why}");
                }
            }),
        })
    }

    /// Sends every event to `logger` instead.
    pub fn set_logger(&mut self, logger: impl FnMut(&Event) + Send + 'static) {
        self.logger = Box::new(logger);
    }

    /// Binds the three sockets (`tcp://*:P`, P+1, P+2 as [`Endpoints::at`] makes them, or any
    /// three endpoints, such as `tcp://127.0.0.1:*` each).
    pub fn bind(&self, endpoints: &Endpoints) -> Result<()> {
        self.snapshot.bind(&endpoints.snapshot)?;
        self.publisher.bind(&endpoints.publisher)?;
        self.collector.bind(&endpoints.collector)
    }

    /// The endpoints last bound, with the ports the system chose for `:*`.
    pub fn endpoints(&self) -> Result<Endpoints> {
        let last = |s: &Socket| s.get_last_endpoint()?.map_err(|_| Error::EINVAL);
        Ok(Endpoints {
            snapshot: last(&self.snapshot)?,
            publisher: last(&self.publisher)?,
            collector: last(&self.collector)?,
        })
    }

    /// The store.
    pub fn state(&self) -> &State {
        &self.state
    }

    /// Serves until the context is terminated or Ctrl-C (`Ok`), or a socket error.
    pub fn run(&mut self) -> Result<()> {
        loop {
            match self.poll_once() {
                Ok(()) | Err(Error::EINTR) => {}
                Err(Error::ETERM) => return Ok(()),
                Err(e) => return Err(e),
            }
            if ferrozmq::interrupt::interrupted() {
                return Ok(());
            }
        }
    }

    /// Waits until a message arrives or a timer is due, then handles what has arrived and
    /// what is due.
    pub fn poll_once(&mut self) -> Result<()> {
        let due = self
            .next_hugz
            .map_or(self.next_ttl_check, |h| h.min(self.next_ttl_check));
        let wait = millis_rounded_up(due.saturating_duration_since(Instant::now()));
        let mut items = [
            self.snapshot.as_poll_item(POLLIN),
            self.collector.as_poll_item(POLLIN),
        ];
        ferrozmq::poll(&mut items, wait)?;
        let (requests, updates) = (items[0].is_readable(), items[1].is_readable());
        if updates {
            self.collect()?;
        }
        if requests {
            self.answer_snapshots()?;
        }
        let now = Instant::now();
        if now >= self.next_ttl_check {
            self.flush_ttl(now)?;
            self.next_ttl_check = now + self.config.ttl_check;
        }
        if let (Some(at), Some(every)) = (self.next_hugz, self.config.hugz) {
            if now >= at {
                self.config
                    .form
                    .send(&hugz(self.state.sequence()), &self.publisher)?;
                self.next_hugz = Some(now + every);
            }
        }
        Ok(())
    }

    /// Publishes `update` and postpones the next HUGZ (they are for idle times).
    fn publish(&mut self, update: &KvMsg) -> Result<()> {
        self.config.form.send(update, &self.publisher)?;
        if let Some(every) = self.config.hugz {
            self.next_hugz = Some(Instant::now() + every);
        }
        Ok(())
    }

    /// Sequences and publishes the client updates that have arrived.
    fn collect(&mut self) -> Result<()> {
        for frames in waiting(&self.collector)? {
            match self.config.form.decode(&frames) {
                Ok(update) => {
                    let published = self.state.accept(update, Instant::now());
                    self.publish(&published)?;
                    (self.logger)(&Event::Published(published.sequence));
                }
                Err(why) => (self.logger)(&Event::Dropped(format!("update: {why}"))),
            }
        }
        Ok(())
    }

    /// Answers the snapshot requests that have arrived.
    fn answer_snapshots(&mut self) -> Result<()> {
        for frames in waiting(&self.snapshot)? {
            let request = match SnapshotRequest::parse(frames) {
                Ok(request) => request,
                Err(why) => {
                    (self.logger)(&Event::Dropped(format!("request: {why}")));
                    continue;
                }
            };
            for entry in self.state.snapshot(&request.subtree) {
                let frames = self.config.form.encode(&entry);
                addressed(&request.identity, frames).send(&self.snapshot)?;
            }
            (self.logger)(&Event::SnapshotSent(self.state.sequence()));
        }
        Ok(())
    }

    /// Publishes the deletes of keys whose TTL has run out.
    fn flush_ttl(&mut self, now: Instant) -> Result<()> {
        for delete in self.state.expire(now) {
            self.publish(&delete)?;
            (self.logger)(&Event::Expired(delete.sequence));
        }
        Ok(())
    }
}

/// The most messages one socket is drained of per poll, so a flood on one does not starve
/// the other or the timers.
const BATCH: usize = 1024;
/// Up to [`BATCH`] messages waiting on `socket`.
pub(super) fn waiting(socket: &Socket) -> Result<Vec<Multipart>> {
    let mut out = Vec::new();
    while out.len() < BATCH {
        match Multipart::recv_with(socket, DONTWAIT) {
            Ok(frames) => out.push(frames),
            Err(Error::EAGAIN) => break,
            Err(e) => return Err(e),
        }
    }
    Ok(out)
}
