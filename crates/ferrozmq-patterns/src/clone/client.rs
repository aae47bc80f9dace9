//! The guide's multithreaded `clone` API: a [`Client`] whose agent (an [`Actor`]) keeps a
//! replica of a Clone server's hashmap, so the application only calls
//! [`set`](Client::set) and [`get`](Client::get).
//!
//! The agent follows `clone.c`: it asks the current server for a snapshot (at most twice),
//! then applies the server's updates; when nothing (not even HUGZ) comes from the server for
//! `server_ttl`, it fails over to the other server (up to two) and synchronises again.
//! Updates go to every server; in [`Updates::Publish`] mode (CHP: PUB to P+2) the agent
//! holds each server's updates until that server's collector has subscribed, so the first
//! updates are not lost to a connection still being made.
//!
//! ```no_run
//! use ferrozmq_patterns::clone::client::Client;
//! let ctx = ferrozmq::Context::new();
//! let clone = Client::new(&ctx)?;
//! clone.subtree("/client/")?;
//! clone.connect("tcp://localhost", "5556")?;
//! clone.connect("tcp://localhost", "5566")?;
//! clone.set("/client/42", "hello", 30)?;
//! assert_eq!(clone.get("/client/42")?.as_deref(), Some(&b"hello"[..]));
//! # Ok::<(), ferrozmq::Error>(())
//! ```

use super::protocol::{icanhaz, Endpoints, Form, HUGZ};
use super::replica::Replica;
use crate::kvmsg::KvMsg;
use crate::mdp::broker::millis_rounded_up;
use ferrozmq::actor::{self, Actor};
use ferrozmq::{
    Context, Error, Multipart, Result, Socket, DEALER, DONTWAIT, POLLIN, PUSH, SUB, XPUB,
};
use std::collections::HashMap;
use std::time::{Duration, Instant};

/// The most servers a client talks to (a primary and a backup).
pub const SERVER_MAX: usize = 2;
/// The most commands, or messages from the server, handled in one turn of the loop.
const BATCH: usize = 1024;
/// The most updates held for one server whose collector has not subscribed yet; beyond
/// it the oldest are dropped with a log line.
const UNSENT_MAX: usize = 10_000;

/// How a client sends its updates to the servers' collectors (P+2).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Updates {
    /// PUB (an XPUB, to see each collector subscribe), as CHP and the guide's model 6.
    Publish,
    /// PUSH, for a server with a PULL collector (the guide's model 5).
    Push,
}

/// How a client behaves.
#[derive(Clone, Debug)]
pub struct ClientConfig {
    /// A server silent this long is taken for dead (`clone.c`: 5 s).
    pub server_ttl: Duration,
    /// How updates reach the servers.
    pub updates: Updates,
    /// Log every snapshot and update received to stderr, as `clone.c` does.
    pub verbose: bool,
}

impl Default for ClientConfig {
    /// `clone.c`'s: 5 s server TTL, updates published, quiet.
    fn default() -> ClientConfig {
        ClientConfig {
            server_ttl: Duration::from_secs(5),
            updates: Updates::Publish,
            verbose: false,
        }
    }
}

/// The frontend of the clone API: each method is a command to the agent thread.
pub struct Client {
    agent: Actor,
}

impl Client {
    /// A client with the default configuration and an agent thread in `ctx`.
    pub fn new(ctx: &Context) -> Result<Client> {
        Client::with_config(ctx, ClientConfig::default())
    }

    /// A client configured as `config`.
    pub fn with_config(ctx: &Context, config: ClientConfig) -> Result<Client> {
        let agent_ctx = ctx.clone();
        let agent = Actor::new(ctx, move |pipe| {
            actor::signal(pipe, 0)?;
            Agent::new(agent_ctx, pipe, config).run()
        })?;
        Ok(Client { agent })
    }

    /// Limits snapshots and updates to keys starting with `subtree` (`clone_subtree`);
    /// call it before [`connect`](Client::connect).
    pub fn subtree(&self, subtree: &str) -> Result<()> {
        self.agent.send(Multipart::from(["SUBTREE", subtree]))
    }

    /// Adds the server whose snapshot port is `service` at `address` (`clone_connect`:
    /// `tcp://localhost`, `"5556"`): its ports P, P+1 and P+2.
    pub fn connect(&self, address: &str, service: &str) -> Result<()> {
        let port = service.parse().map_err(|_| Error::EINVAL)?;
        self.connect_endpoints(&Endpoints::at(address, port).ok_or(Error::EINVAL)?)
    }

    /// Adds a server at these three endpoints. EINVAL when two are known already, or an
    /// endpoint is invalid.
    pub fn connect_endpoints(&self, server: &Endpoints) -> Result<()> {
        self.agent.send(Multipart::from([
            "CONNECT",
            &server.snapshot,
            &server.publisher,
            &server.collector,
        ]))?;
        let reply = self.agent.recv()?;
        match reply.first().map(|f| &f[..]) {
            Some(b"OK") => Ok(()),
            _ => Err(Error::EINVAL),
        }
    }

    /// Sets `key` to `value` in the shared hashmap, to expire after `ttl` seconds (0: never)
    /// (`clone_set`). An empty value deletes the key.
    pub fn set(&self, key: &str, value: impl AsRef<[u8]>, ttl: u64) -> Result<()> {
        self.agent.send(Multipart::from([
            "SET".as_bytes(),
            key.as_bytes(),
            value.as_ref(),
            ttl.to_string().as_bytes(),
        ]))
    }

    /// The value of `key` in this client's replica (`clone_get`).
    pub fn get(&self, key: &str) -> Result<Option<Vec<u8>>> {
        self.agent.send(Multipart::from(["GET", key]))?;
        let reply = self.agent.recv()?;
        Ok(reply.first().filter(|v| !v.is_empty()).map(|v| v.to_vec()))
    }

    /// Every key and value in this client's replica.
    pub fn values(&self) -> Result<HashMap<String, Vec<u8>>> {
        self.agent.send(Multipart::from(["VALUES"]))?;
        let reply: Vec<Vec<u8>> = self.agent.recv()?.iter().map(|f| f.to_vec()).collect();
        Ok(reply[1..]
            .chunks_exact(2)
            .map(|pair| {
                (
                    String::from_utf8_lossy(&pair[0]).into_owned(),
                    pair[1].clone(),
                )
            })
            .collect())
    }
}

/// One server the agent knows: its sockets and its liveness.
struct Link {
    name: String,
    snapshot: Socket,
    subscriber: Socket,
    updates: Socket,
    /// True once the collector has subscribed (always, for PUSH).
    subscribed: bool,
    /// Updates waiting for the collector to subscribe.
    unsent: Vec<KvMsg>,
    expiry: Instant,
    requests: u32,
}

/// Where the agent is with its current server (`clone.c`'s states).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Stage {
    /// About to ask for a snapshot.
    Initial,
    /// Reading the snapshot.
    Syncing,
    /// Reading updates.
    Active,
}

/// The agent thread's state.
struct Agent<'p> {
    ctx: Context,
    pipe: &'p Socket,
    config: ClientConfig,
    replica: Replica,
    subtree: String,
    servers: Vec<Link>,
    current: usize,
    stage: Stage,
}

impl<'p> Agent<'p> {
    fn new(ctx: Context, pipe: &'p Socket, config: ClientConfig) -> Agent<'p> {
        Agent {
            ctx,
            pipe,
            config,
            replica: Replica::new(),
            subtree: String::new(),
            servers: Vec::new(),
            current: 0,
            stage: Stage::Initial,
        }
    }

    /// Serves the frontend and the servers until `$TERM` or the context ends.
    fn run(mut self) -> Result<()> {
        loop {
            match self.step() {
                Ok(true) => {}
                Ok(false) | Err(Error::ETERM) => return Ok(()),
                Err(Error::EINTR) => {}
                Err(e) => return Err(e),
            }
        }
    }

    /// One turn of `clone_agent`'s loop; false when the frontend said `$TERM`.
    fn step(&mut self) -> Result<bool> {
        let ttl = self.config.server_ttl;
        if self.stage == Stage::Initial {
            if let Some(server) = self.servers.get_mut(self.current) {
                eprintln!("I: waiting for server at {}...", server.name);
                if server.requests < 2 {
                    icanhaz(&self.subtree).send(&server.snapshot)?;
                    server.requests += 1;
                }
                server.expiry = Instant::now() + ttl;
                self.replica.begin_snapshot();
                self.stage = Stage::Syncing;
            }
        }
        let (pipe_ready, server_ready, subscribed, timeout) = self.wait()?;
        if pipe_ready {
            for _ in 0..BATCH {
                match Multipart::recv_with(self.pipe, DONTWAIT) {
                    Ok(command) => {
                        if !self.control(command)? {
                            return Ok(false);
                        }
                    }
                    Err(Error::EAGAIN) => break,
                    Err(e) => return Err(e),
                }
            }
        }
        for index in subscribed {
            self.collector_subscription(index)?;
        }
        if server_ready {
            for _ in 0..BATCH {
                if !self.server_message()? {
                    break;
                }
            }
        } else if !pipe_ready && timeout {
            let server = &mut self.servers[self.current];
            eprintln!("I: server at {} didn't give HUGZ", server.name);
            // A request still queued for the silent server would reach it when it comes
            // back, as a Binary Star vote that could make it a second active server.
            server.snapshot = snapshot_socket(&self.ctx, &server.name)?;
            self.current = (self.current + 1) % self.servers.len();
            self.stage = Stage::Initial;
        }
        Ok(true)
    }

    /// Polls the pipe, the current server's snapshot or subscriber socket, and the update
    /// sockets of collectors that have not subscribed; says which are ready and whether the
    /// current server's time ran out.
    fn wait(&self) -> Result<(bool, bool, Vec<usize>, bool)> {
        let current = self.servers.get(self.current);
        let mut items = vec![self.pipe.as_poll_item(POLLIN)];
        if let Some(server) = current {
            let socket = match self.stage {
                Stage::Active => &server.subscriber,
                _ => &server.snapshot,
            };
            items.push(socket.as_poll_item(POLLIN));
        }
        let waiting: Vec<usize> = (0..self.servers.len())
            .filter(|&i| !self.servers[i].subscribed)
            .collect();
        items.extend(
            waiting
                .iter()
                .map(|&i| self.servers[i].updates.as_poll_item(POLLIN)),
        );
        let wait = current.map_or(-1, |s| {
            millis_rounded_up(s.expiry.saturating_duration_since(Instant::now()))
        });
        ferrozmq::poll(&mut items, wait)?;
        let server_ready = current.is_some() && items[1].is_readable();
        let first_update = if current.is_some() { 2 } else { 1 };
        let subscribed = waiting
            .iter()
            .zip(&items[first_update..])
            .filter(|(_, item)| item.is_readable())
            .map(|(&i, _)| i)
            .collect();
        let timeout = current.is_some_and(|s| Instant::now() >= s.expiry);
        Ok((items[0].is_readable(), server_ready, subscribed, timeout))
    }

    /// Handles one command from the frontend; false for `$TERM`.
    fn control(&mut self, mut command: Multipart) -> Result<bool> {
        let name = command.pop_str().unwrap_or_default();
        let mut arg = || command.pop_str().unwrap_or_default();
        match name.as_str() {
            "$TERM" => return Ok(false),
            "SUBTREE" => self.subtree = arg(),
            "CONNECT" => {
                let endpoints = Endpoints {
                    snapshot: arg(),
                    publisher: arg(),
                    collector: arg(),
                };
                let reply = match self.add_server(&endpoints) {
                    Ok(()) => "OK".to_string(),
                    Err(e) => format!("E: cannot add server {}: {e}", endpoints.snapshot),
                };
                self.pipe.send(reply.as_str(), 0)?;
            }
            "SET" => {
                let key = arg();
                let value = command.pop().map(|v| v.to_vec()).unwrap_or_default();
                let ttl = command.pop_str().unwrap_or_default();
                let mut update = KvMsg::new(0, key, value);
                update.set_uuid();
                update.set_prop("ttl", &ttl);
                for index in 0..self.servers.len() {
                    self.send_update(index, update.clone())?;
                }
                self.replica.store_local(update);
            }
            "GET" => {
                let key = arg();
                let value = self.replica.map().get(&key).map(|m| m.body.clone());
                self.pipe.send(value.unwrap_or_default(), 0)?;
            }
            "VALUES" => {
                // A header frame, so an empty map still makes a reply.
                let mut reply = Multipart::from(["VALUES"]);
                for entry in self.replica.map().iter() {
                    reply.append(entry.key.as_str());
                    reply.append(entry.body.as_slice());
                }
                reply.send(self.pipe)?;
            }
            other => eprintln!("E: clone agent: unknown command {other:?}"),
        }
        Ok(true)
    }

    /// Connects to one more server.
    fn add_server(&mut self, endpoints: &Endpoints) -> Result<()> {
        if self.servers.len() >= SERVER_MAX {
            eprintln!("E: too many servers (max. {SERVER_MAX})");
            return Err(Error::EINVAL);
        }
        let snapshot = snapshot_socket(&self.ctx, &endpoints.snapshot)?;
        let subscriber = self.ctx.socket(SUB)?;
        let updates = match self.config.updates {
            Updates::Publish => self.ctx.socket(XPUB)?,
            Updates::Push => self.ctx.socket(PUSH)?,
        };
        for socket in [&subscriber, &updates] {
            socket.set_linger(0)?;
        }
        // Updates wait in this process rather than overflow the server's PUB queue, where
        // they would be dropped and leave this replica wrong.
        subscriber.set_rcvhwm(0)?;
        subscriber.connect(&endpoints.publisher)?;
        subscriber.set_subscribe(self.subtree.as_bytes())?;
        subscriber.set_subscribe(HUGZ.as_bytes())?;
        updates.connect(&endpoints.collector)?;
        eprintln!("I: adding server {}...", endpoints.snapshot);
        self.servers.push(Link {
            name: endpoints.snapshot.clone(),
            snapshot,
            subscriber,
            updates,
            subscribed: self.config.updates == Updates::Push,
            unsent: Vec::new(),
            expiry: Instant::now() + self.config.server_ttl,
            requests: 0,
        });
        Ok(())
    }

    /// Sends `update` to server `index`, or holds it until its collector subscribes.
    fn send_update(&mut self, index: usize, update: KvMsg) -> Result<()> {
        let server = &mut self.servers[index];
        if server.subscribed {
            return Form::Full.send(&update, &server.updates);
        }
        if server.unsent.len() >= UNSENT_MAX {
            eprintln!(
                "E: server at {} not subscribed, oldest update dropped",
                server.name
            );
            server.unsent.remove(0);
        }
        server.unsent.push(update);
        Ok(())
    }

    /// Reads the (un)subscriptions of server `index`'s collector; on its subscription, sends
    /// the updates held for it.
    fn collector_subscription(&mut self, index: usize) -> Result<()> {
        let server = &mut self.servers[index];
        loop {
            match server.updates.recv_bytes(DONTWAIT) {
                Ok(frame) => server.subscribed = frame.first() == Some(&1),
                Err(Error::EAGAIN) => break,
                Err(e) => return Err(e),
            }
        }
        if server.subscribed {
            for update in std::mem::take(&mut server.unsent) {
                Form::Full.send(&update, &server.updates)?;
            }
        }
        Ok(())
    }

    /// Handles one message the current server sent, a snapshot part or an update; false
    /// when none was waiting.
    fn server_message(&mut self) -> Result<bool> {
        let server = &mut self.servers[self.current];
        let socket = match self.stage {
            Stage::Active => &server.subscriber,
            _ => &server.snapshot,
        };
        let frames = match Multipart::recv_with(socket, DONTWAIT) {
            Ok(frames) => frames,
            Err(Error::EAGAIN) => return Ok(false),
            Err(e) => return Err(e),
        };
        let message = match Form::Full.decode(&frames) {
            Ok(message) => message,
            Err(why) => {
                eprintln!("E: dropped from {}: {why}", server.name);
                server.expiry = Instant::now() + self.config.server_ttl;
                return Ok(true);
            }
        };
        // Anything from the server shows it is alive.
        server.expiry = Instant::now() + self.config.server_ttl;
        if self.stage == Stage::Syncing {
            server.requests = 0;
            if self.replica.snapshot_message(message) {
                self.stage = Stage::Active;
                if self.config.verbose {
                    eprintln!(
                        "I: received from {} snapshot={}",
                        server.name,
                        self.replica.sequence()
                    );
                }
            }
        } else if self.subtree.is_empty()
            && message.sequence > self.replica.sequence() + u64::from(message.key != HUGZ)
        {
            // A gap: an update more than one past ours, or a HUGZ (which carries the
            // server's sequence) past ours, means this replica missed updates (its
            // subscription arrived after the snapshot was taken, or the server's PUB dropped
            // some), so it synchronises again. A subtree replica sees only its subtree's
            // sequence numbers and cannot tell.
            eprintln!(
                "I: missed updates from {}, asking for a new snapshot",
                server.name
            );
            server.requests = 0;
            self.stage = Stage::Initial;
            return Ok(false);
        } else if self.replica.update(message) && self.config.verbose {
            eprintln!(
                "I: received from {} update={}",
                server.name,
                self.replica.sequence()
            );
        }
        Ok(true)
    }
}

/// A DEALER connected to a server's snapshot `endpoint`, dropping what it holds when closed.
fn snapshot_socket(ctx: &Context, endpoint: &str) -> Result<Socket> {
    let snapshot = ctx.socket(DEALER)?;
    snapshot.set_linger(0)?;
    snapshot.connect(endpoint)?;
    Ok(snapshot)
}
