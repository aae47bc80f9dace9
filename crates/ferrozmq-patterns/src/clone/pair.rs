//! A highly available Clone server (the guide's model 6, `clonesrv6`): two servers in a
//! Binary Star pair ([`crate::bstar`]), each with the snapshot ROUTER at P (the pair's
//! voter: a snapshot request is a client's vote), the publisher at P+1 and a SUB collector at
//! P+2. Clients send every update to both servers.
//!
//! * The **active** server sequences and publishes updates, answers snapshots, expires TTLs
//!   and sends HUGZ once a second.
//! * The **passive** server asks its peer for a snapshot, then follows the peer's
//!   publications (a [`Replica`]) and keeps the client updates the peer has not published
//!   yet in its [`Pending`] list. When it takes over, it publishes those, so an update a
//!   client sent is not lost because the active died holding it.
//!
//! Malformed messages are dropped with a log line ([`Event::Dropped`]) and the server keeps
//! serving. A TTL restarts when a passive server takes over (a replica never learns when
//! its peer stored the key).
//!
//! ```no_run
//! use ferrozmq_patterns::bstar::Role;
//! use ferrozmq_patterns::clone::pair::{PairConfig, PairServer};
//! let ctx = ferrozmq::Context::new();
//! let server = PairServer::new(&ctx, PairConfig::guide(Role::Primary))?;
//! server.run()?; // until Ctrl-C
//! # Ok::<(), ferrozmq::Error>(())
//! ```

use super::pending::{Pending, Refused};
use super::protocol::{addressed, hugz, icanhaz, Endpoints, SnapshotRequest, HUGZ};
use super::replica::Replica;
use super::server::waiting;
use super::state::State;
use crate::bstar::{BinaryStar, Handlers, Role};
use crate::kvmsg::KvMsg;
use ferrozmq::reactor::Reactor;
use ferrozmq::{Context, Error, Multipart, Result, Socket, DEALER, PUB, ROUTER, SUB};
use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;
use std::time::{Duration, Instant};

/// The most of the peer's publications a passive server queues while its snapshot arrives;
/// beyond it the oldest are dropped (the snapshot is then followed by a gap).
const QUEUED_MAX: usize = 100_000;

/// Where a server of the pair listens and where its peer is.
#[derive(Clone, Debug)]
pub struct PairConfig {
    /// Primary or backup.
    pub role: Role,
    /// This server's snapshot ROUTER, publisher and collector (bound).
    pub own: Endpoints,
    /// The peer's snapshot ROUTER and publisher (connected; its collector is unused).
    pub peer: Endpoints,
    /// Where this server publishes its Binary Star state (bound).
    pub state_local: String,
    /// Where the peer publishes its state (connected).
    pub state_remote: String,
    /// How often the active server sends HUGZ and looks for expired TTLs.
    pub tick: Duration,
}

impl PairConfig {
    /// The guide's `clonesrv6 -p` (snapshot 5556, peer 5566, state 5003 → 5004) or `-b`
    /// (snapshot 5566, peer 5556, state 5004 → 5003).
    pub fn guide(role: Role) -> PairConfig {
        let (own, peer, local, remote) = match role {
            Role::Primary => (5556, 5566, 5003, 5004),
            Role::Backup => (5566, 5556, 5004, 5003),
        };
        let ports = |address, port| Endpoints::at(address, port).expect("fixed ports");
        PairConfig {
            role,
            own: ports("tcp://*", own),
            peer: ports("tcp://localhost", peer),
            state_local: format!("tcp://*:{local}"),
            state_remote: format!("tcp://localhost:{remote}"),
            tick: Duration::from_secs(1),
        }
    }
}

/// What a server of the pair reports, for its log (the guide's lines are in the example).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    /// The active published a client update with this sequence number.
    Published(u64),
    /// A new active published an update from its pending list with this sequence number.
    PublishedPending(u64),
    /// The active published the delete of an expired key with this sequence number.
    Expired(u64),
    /// The active sent a snapshot ending at this sequence number.
    SnapshotSent(u64),
    /// The passive asked its peer for a snapshot at this endpoint.
    AskingSnapshot(String),
    /// The passive's snapshot from its peer ended at this sequence number.
    SnapshotReceived(u64),
    /// The passive applied its peer's update with this sequence number.
    UpdateReceived(u64),
    /// A Binary Star state change or warning, as the guide's `bstar` logs it.
    Bstar(String),
    /// A message was dropped, for this reason.
    Dropped(String),
}

/// Where a server's events go.
pub type Logger = Box<dyn FnMut(&Event)>;

/// Which half of the pair this server is at the moment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    /// Not decided yet (the Binary Star PRIMARY or BACKUP state): updates wait as pending.
    Starting,
    /// Serving clients.
    Active,
    /// Following the active peer.
    Passive,
}

/// What changes as the server runs.
struct Inner {
    mode: Mode,
    store: State,
    replica: Replica,
    pending: Pending,
    /// The peer's publications read while its snapshot arrives.
    queued: VecDeque<KvMsg>,
}

/// One server of a highly available Clone pair; see the [module docs](self).
pub struct PairServer {
    bstar: BinaryStar,
    publisher: Socket,
    collector: Socket,
    subscriber: Socket,
    peer_snapshot: Socket,
    peer_snapshot_endpoint: String,
    tick: Duration,
    inner: RefCell<Inner>,
    logger: Rc<RefCell<Logger>>,
}

impl PairServer {
    /// A server with its sockets bound and connected as `config` says; it logs dropped
    /// messages to stderr until [`set_logger`](PairServer::set_logger) says otherwise.
    pub fn new(ctx: &Context, config: PairConfig) -> Result<PairServer> {
        let mut bstar =
            BinaryStar::new(ctx, config.role, &config.state_local, &config.state_remote)?;
        let logger: Rc<RefCell<Logger>> = Rc::new(RefCell::new(Box::new(|event| match event {
            Event::Dropped(why) => eprintln!("E: dropped {why}"),
            Event::Bstar(line) => eprintln!("{line}"),
            _ => {}
        })));
        let bstar_logger = Rc::clone(&logger);
        bstar.set_log(move |line| (bstar_logger.borrow_mut())(&Event::Bstar(line.to_string())));
        bstar.voter(&config.own.snapshot, ROUTER)?;
        // A snapshot is larger than the default HWM once the map is, and a ROUTER drops at
        // its HWM: without its KTHXBAI the client would wait for ever.
        bstar.voter_socket().ok_or(Error::EINVAL)?.set_sndhwm(0)?;
        let publisher = ctx.socket(PUB)?;
        let collector = ctx.socket(SUB)?;
        let subscriber = ctx.socket(SUB)?;
        let peer_snapshot = ctx.socket(DEALER)?;
        for socket in [&publisher, &collector, &subscriber, &peer_snapshot] {
            socket.set_linger(0)?;
        }
        collector.set_subscribe(b"")?;
        subscriber.set_subscribe(b"")?;
        // The passive must see every publication of the active (a trusted peer).
        subscriber.set_rcvhwm(0)?;
        peer_snapshot.set_rcvhwm(0)?;
        publisher.bind(&config.own.publisher)?;
        collector.bind(&config.own.collector)?;
        subscriber.connect(&config.peer.publisher)?;
        peer_snapshot.connect(&config.peer.snapshot)?;
        Ok(PairServer {
            bstar,
            publisher,
            collector,
            subscriber,
            peer_snapshot,
            peer_snapshot_endpoint: config.peer.snapshot,
            tick: config.tick,
            inner: RefCell::new(Inner {
                mode: Mode::Starting,
                store: State::new(),
                replica: Replica::new(),
                pending: Pending::new(),
                queued: VecDeque::new(),
            }),
            logger,
        })
    }

    /// Sends every event to `logger` instead, the Binary Star lines included.
    pub fn set_logger(&mut self, logger: impl FnMut(&Event) + 'static) {
        *self.logger.borrow_mut() = Box::new(logger);
    }

    /// Serves until Ctrl-C (`Ok`), split brain, or a socket error.
    pub fn run(&self) -> Result<()> {
        let mut reactor = Reactor::new();
        self.attach(&mut reactor)?;
        reactor.start()
    }

    /// Adds the server's readers and timers to `reactor`, for an application that runs
    /// other things in the same loop.
    pub fn attach<'a>(&'a self, reactor: &mut Reactor<'a>) -> Result<()> {
        let handlers = Handlers::new(move |_, socket| self.answer_snapshots(socket))
            .on_active(move |_| self.become_active())
            .on_passive(move |_| self.become_passive());
        self.bstar.attach(reactor, handlers)?;
        reactor.add_reader(&self.collector, move |_, socket| {
            for frames in waiting(socket)? {
                self.client_update(frames)?;
            }
            Ok(())
        });
        reactor.add_reader(&self.subscriber, move |_, socket| {
            for frames in waiting(socket)? {
                self.peer_update(frames);
            }
            Ok(())
        });
        reactor.add_reader(&self.peer_snapshot, move |_, socket| {
            for frames in waiting(socket)? {
                self.peer_snapshot_message(frames);
            }
            Ok(())
        });
        reactor.add_timer(self.tick, 0, move |_, _| self.tick());
        Ok(())
    }

    fn log(&self, event: Event) {
        (self.logger.borrow_mut())(&event);
    }

    /// Answers the snapshot requests the Binary Star machine let through (it drops them
    /// while this server is passive).
    fn answer_snapshots(&self, socket: &Socket) -> Result<()> {
        let frames = Multipart::recv(socket)?;
        let request = match SnapshotRequest::parse(frames) {
            Ok(request) => request,
            Err(why) => {
                self.log(Event::Dropped(format!("request: {why}")));
                return Ok(());
            }
        };
        let inner = self.inner.borrow();
        for entry in inner.store.snapshot(&request.subtree) {
            addressed(&request.identity, entry.to_frames()).send(socket)?;
        }
        let sequence = inner.store.sequence();
        drop(inner);
        self.log(Event::SnapshotSent(sequence));
        Ok(())
    }

    /// An update from a client: published when active, held as pending otherwise.
    fn client_update(&self, frames: Multipart) -> Result<()> {
        let update = match KvMsg::from_frames(&frames) {
            Ok(update) => update,
            Err(why) => {
                self.log(Event::Dropped(format!("update: {why}")));
                return Ok(());
            }
        };
        let now = Instant::now();
        let mut inner = self.inner.borrow_mut();
        if inner.mode == Mode::Active {
            let published = inner.store.accept(update, now);
            drop(inner);
            published.send(&self.publisher)?;
            self.log(Event::Published(published.sequence));
            return Ok(());
        }
        let refused = inner.pending.client_update(update, now);
        drop(inner);
        match refused {
            Some(Refused::NoUuid(m)) => {
                self.log(Event::Dropped(format!(
                    "update of {} without a UUID",
                    m.key
                )));
            }
            Some(Refused::Overflow(m)) => {
                self.log(Event::Dropped(format!(
                    "pending update of {} (list full)",
                    m.key
                )));
            }
            None => {}
        }
        Ok(())
    }

    /// A publication of the peer: matched against the pending list and applied, when
    /// passive; read and dropped otherwise.
    fn peer_update(&self, frames: Multipart) {
        let update = match KvMsg::from_frames(&frames) {
            Ok(update) => update,
            Err(why) => return self.log(Event::Dropped(format!("peer update: {why}"))),
        };
        let mut inner = self.inner.borrow_mut();
        if inner.mode != Mode::Passive || update.key == HUGZ {
            return;
        }
        let known = inner
            .replica
            .map()
            .get(&update.key)
            .is_some_and(|stored| update.uuid.is_some() && stored.uuid == update.uuid);
        inner.pending.published(&update, known, Instant::now());
        if inner.replica.is_syncing() {
            inner.queued.push_back(update);
            if inner.queued.len() > QUEUED_MAX {
                inner.queued.pop_front();
            }
            return;
        }
        let sequence = update.sequence;
        let applied = inner.replica.update(update);
        drop(inner);
        if applied {
            self.log(Event::UpdateReceived(sequence));
        }
    }

    /// A message of the snapshot this (passive) server asked its peer for.
    fn peer_snapshot_message(&self, frames: Multipart) {
        let message = match KvMsg::from_frames(&frames) {
            Ok(message) => message,
            Err(why) => return self.log(Event::Dropped(format!("snapshot: {why}"))),
        };
        let mut inner = self.inner.borrow_mut();
        if !inner.replica.is_syncing() {
            return;
        }
        if !inner.replica.snapshot_message(message) {
            return;
        }
        let Inner {
            replica, queued, ..
        } = &mut *inner;
        for update in queued.drain(..) {
            replica.update(update);
        }
        let sequence = replica.sequence();
        drop(inner);
        self.log(Event::SnapshotReceived(sequence));
    }

    /// The Binary Star machine made this server active: take over the replica's map (when
    /// it was passive) and publish the pending updates.
    fn become_active(&self) -> Result<()> {
        let now = Instant::now();
        let mut inner = self.inner.borrow_mut();
        if inner.mode == Mode::Passive {
            let replica = std::mem::take(&mut inner.replica);
            let sequence = replica.sequence();
            inner.store = State::restore(replica.map().clone(), sequence, now);
        }
        inner.mode = Mode::Active;
        inner.queued.clear();
        let pending = inner.pending.take_over();
        let mut published = Vec::with_capacity(pending.len());
        for update in pending {
            published.push(inner.store.accept(update, now));
        }
        drop(inner);
        for update in published {
            update.send(&self.publisher)?;
            self.log(Event::PublishedPending(update.sequence));
        }
        Ok(())
    }

    /// The Binary Star machine made this server passive: forget the map and ask the
    /// active peer for its snapshot.
    fn become_passive(&self) -> Result<()> {
        let mut inner = self.inner.borrow_mut();
        inner.mode = Mode::Passive;
        inner.store = State::new();
        inner.replica = Replica::new();
        inner.replica.begin_snapshot();
        inner.queued.clear();
        drop(inner);
        self.log(Event::AskingSnapshot(self.peer_snapshot_endpoint.clone()));
        icanhaz("").send(&self.peer_snapshot)
    }

    /// Once a tick the active server expires TTLs and sends HUGZ.
    fn tick(&self) -> Result<()> {
        let mut inner = self.inner.borrow_mut();
        if inner.mode != Mode::Active {
            return Ok(());
        }
        let deletes = inner.store.expire(Instant::now());
        let sequence = inner.store.sequence();
        drop(inner);
        for delete in deletes {
            delete.send(&self.publisher)?;
            self.log(Event::Expired(delete.sequence));
        }
        hugz(sequence).send(&self.publisher)
    }
}
