//! A node's gossip service ([`GossipService`], what CZMQ's `zgossip` actor does for
//! Zyre): an optional ROUTER that gossip clients connect to (the hub side, `gossip_bind`)
//! and a DEALER to each remote hub (`gossip_connect`). It keeps one table of tuples; a
//! tuple that is new (or changed) is delivered to the node and forwarded to every client
//! and remote but the one it came from, so tuples spread through any shape of gossip
//! network. The node publishes its (UUID, endpoint) tuple and connects to every peer a
//! delivered tuple names.
//!
//! Bounded: at most `max_tuples` tuples and as many clients (newcomers past that are
//! dropped, logged once), values of at most [`MAX_VALUE`](crate::gossip::MAX_VALUE)
//! bytes, messages of at most [`MAX_MESSAGE`] bytes, send queues capped (a full one drops
//! the message). A tuple with a TTL is forgotten when it runs out (unless published
//! again); clients silent for the client timeout are forgotten. Anything but HELLO from
//! a client we do not know (forgotten, or connected to a hub that restarted) is answered
//! INVALID, which makes it say HELLO and publish its tuples again, as zgossip's clients
//! do on INVALID (zgossip itself answers PING in any state; we do not, so that a remote
//! learns at its next PING that the hub restarted).

use crate::gossip::GossipMessage;
use ferrozmq::{
    Context, Error, Message, PollItem, Result, Socket, DEALER, DONTWAIT, POLLIN, ROUTER,
};
use std::collections::HashMap;
use std::time::{Duration, Instant};

/// The largest gossip message a socket accepts (bigger ones drop the connection).
pub const MAX_MESSAGE: i64 = 4096;

struct Tuple {
    value: String,
    ttl: u32,
    expires: Option<Instant>,
}

struct Remote {
    endpoint: String,
    socket: Socket,
}

/// Where a tuple came from, so it is not echoed back there.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Source<'a> {
    Owner,
    Client(&'a [u8]),
    Remote(usize),
}

/// The gossip sockets and tuple table of one node.
pub struct GossipService {
    ctx: Context,
    name: String,
    verbose: bool,
    max_tuples: usize,
    client_timeout: Duration,
    server: Option<Socket>,
    remotes: Vec<Remote>,
    clients: HashMap<Vec<u8>, Instant>,
    tuples: HashMap<String, Tuple>,
    full_logged: bool,
}

impl GossipService {
    /// A service with no sockets yet, holding at most `max_tuples` tuples and clients;
    /// clients silent for `client_timeout` are forgotten.
    pub fn new(
        ctx: &Context,
        name: &str,
        verbose: bool,
        max_tuples: usize,
        client_timeout: Duration,
    ) -> GossipService {
        GossipService {
            ctx: ctx.clone(),
            name: name.into(),
            verbose,
            max_tuples,
            client_timeout,
            server: None,
            remotes: Vec::new(),
            clients: HashMap::new(),
            tuples: HashMap::new(),
            full_logged: false,
        }
    }

    fn log(&self, text: std::fmt::Arguments<'_>) {
        eprintln!("zyre ({}) gossip: {text}", self.name);
    }

    fn queue_limit(&self) -> i32 {
        i32::try_from(self.max_tuples.saturating_mul(2).saturating_add(100)).unwrap_or(i32::MAX)
    }

    fn socket(&self, kind: ferrozmq::SocketType) -> Result<Socket> {
        let socket = self.ctx.socket(kind)?;
        socket.set_linger(0)?;
        socket.set_maxmsgsize(MAX_MESSAGE)?;
        socket.set_sndhwm(self.queue_limit())?;
        Ok(socket)
    }

    /// Binds the hub side to `endpoint`; returns the endpoint bound (a `*` port resolved).
    pub fn bind(&mut self, endpoint: &str) -> Result<String> {
        let server = self.socket(ROUTER)?;
        server.bind(endpoint)?;
        let bound = server.get_last_endpoint()?.map_err(|_| Error::EINVAL)?;
        self.server = Some(server);
        Ok(bound)
    }

    /// The endpoint the hub side is bound to, if any.
    pub fn bound_endpoint(&self) -> Option<String> {
        (self.server.as_ref()).and_then(|s| s.get_last_endpoint().ok()?.ok())
    }

    /// Connects to the hub at `endpoint` and greets it with HELLO and every tuple we know.
    pub fn connect(&mut self, endpoint: &str) -> Result<()> {
        let socket = self.socket(DEALER)?;
        socket.connect(endpoint)?;
        self.remotes.push(Remote {
            endpoint: endpoint.into(),
            socket,
        });
        self.greet(self.remotes.len() - 1);
        Ok(())
    }

    fn greet(&self, remote: usize) {
        self.send_remote(remote, &GossipMessage::Hello);
        for (key, tuple) in &self.tuples {
            self.send_remote(remote, &publish(key, tuple));
        }
    }

    /// Publishes our own tuple; returns it if it is new, as every new tuple is delivered.
    pub fn publish(&mut self, key: &str, value: &str, ttl: u32) -> Option<(String, String)> {
        self.accept(key, value, ttl, Source::Owner)
    }

    /// Poll items for every gossip socket.
    pub fn poll_items(&self) -> Vec<PollItem<'_>> {
        (self.server.iter())
            .chain(self.remotes.iter().map(|r| &r.socket))
            .map(|s| s.as_poll_item(POLLIN))
            .collect()
    }

    /// Reads everything waiting on the gossip sockets; returns the new tuples, to be
    /// acted on by the node.
    pub fn drain(&mut self) -> Result<Vec<(String, String)>> {
        let mut delivered = Vec::new();
        while let Some(frames) = recv_now(self.server.as_ref())? {
            if let [routing_id, frame] = &frames[..] {
                delivered.extend(self.on_client(routing_id, frame));
            }
        }
        for index in 0..self.remotes.len() {
            while let Some(frames) = recv_now(Some(&self.remotes[index].socket))? {
                if let [frame] = &frames[..] {
                    delivered.extend(self.on_remote(index, frame));
                }
            }
        }
        Ok(delivered)
    }

    fn on_client(&mut self, routing_id: &[u8], frame: &[u8]) -> Option<(String, String)> {
        let message = match GossipMessage::decode(frame) {
            Ok(message) => message,
            Err(e) => {
                if self.verbose {
                    self.log(format_args!("malformed message from a client: {e}"));
                }
                self.clients.remove(routing_id);
                self.send_client(routing_id, &GossipMessage::Invalid);
                return None;
            }
        };
        let known = match self.clients.get_mut(routing_id) {
            Some(heard) => {
                *heard = Instant::now();
                true
            }
            None => false,
        };
        match message {
            GossipMessage::Hello => {
                if !known && self.clients.len() >= self.max_tuples {
                    self.log_full("client table");
                    return None;
                }
                self.clients.insert(routing_id.to_vec(), Instant::now());
                for (key, tuple) in &self.tuples {
                    self.send_client(routing_id, &publish(key, tuple));
                }
                None
            }
            GossipMessage::Ping if known => {
                self.send_client(routing_id, &GossipMessage::Pong);
                None
            }
            GossipMessage::Publish { key, value, ttl } if known => {
                self.accept(&key, &value, ttl, Source::Client(routing_id))
            }
            _ => {
                self.clients.remove(routing_id);
                self.send_client(routing_id, &GossipMessage::Invalid);
                None
            }
        }
    }

    fn on_remote(&mut self, index: usize, frame: &[u8]) -> Option<(String, String)> {
        match GossipMessage::decode(frame) {
            Ok(GossipMessage::Publish { key, value, ttl }) => {
                self.accept(&key, &value, ttl, Source::Remote(index))
            }
            // The hub forgot us: greet it again.
            Ok(GossipMessage::Invalid) => {
                self.greet(index);
                None
            }
            Ok(_) => None,
            Err(e) => {
                if self.verbose {
                    let endpoint = self.remotes[index].endpoint.clone();
                    self.log(format_args!("malformed message from {endpoint}: {e}"));
                }
                None
            }
        }
    }

    fn log_full(&mut self, table: &str) {
        if !self.full_logged {
            self.full_logged = true;
            let max = self.max_tuples;
            self.log(format_args!("{table} full ({max}): ignoring newcomers"));
        }
    }

    /// Stores a tuple if it is new or changed, forwards it everywhere but its source and
    /// returns it for delivery; a repeat only renews its TTL.
    fn accept(
        &mut self,
        key: &str,
        value: &str,
        ttl: u32,
        source: Source<'_>,
    ) -> Option<(String, String)> {
        let expires = (ttl > 0).then(|| Instant::now() + Duration::from_millis(ttl.into()));
        let full = self.tuples.len() >= self.max_tuples;
        match self.tuples.get_mut(key) {
            Some(tuple) if tuple.value == value => {
                tuple.expires = expires;
                return None;
            }
            Some(_) => {}
            None if full => {
                self.log_full("tuple table");
                return None;
            }
            None => {}
        }
        let tuple = Tuple {
            value: value.into(),
            ttl,
            expires,
        };
        let message = publish(key, &tuple);
        self.tuples.insert(key.into(), tuple);
        for routing_id in self.clients.keys() {
            if source != Source::Client(routing_id.as_slice()) {
                self.send_client(routing_id, &message);
            }
        }
        for index in 0..self.remotes.len() {
            if source != Source::Remote(index) {
                self.send_remote(index, &message);
            }
        }
        Some((key.into(), value.into()))
    }

    /// Forgets tuples whose TTL ran out and clients gone silent, and pings every remote
    /// hub (so it keeps us as a client).
    pub fn tick(&mut self, now: Instant) {
        self.tuples
            .retain(|_, t| t.expires.is_none_or(|expires| expires > now));
        let timeout = self.client_timeout;
        self.clients
            .retain(|_, heard| now.saturating_duration_since(*heard) < timeout);
        if self.tuples.len() < self.max_tuples && self.clients.len() < self.max_tuples {
            self.full_logged = false;
        }
        for index in 0..self.remotes.len() {
            self.send_remote(index, &GossipMessage::Ping);
        }
    }

    fn send_client(&self, routing_id: &[u8], message: &GossipMessage) {
        if let (Some(server), Ok(frame)) = (&self.server, message.encode()) {
            let frames = [Message::from(routing_id), Message::from(frame)];
            if server.send_multipart(frames, DONTWAIT).is_err() && self.verbose {
                self.log(format_args!("a client's queue is full: message dropped"));
            }
        }
    }

    fn send_remote(&self, index: usize, message: &GossipMessage) {
        let remote = &self.remotes[index];
        if let Ok(frame) = message.encode() {
            if remote.socket.send(frame, DONTWAIT).is_err() && self.verbose {
                let endpoint = &remote.endpoint;
                self.log(format_args!("{endpoint}'s queue is full: message dropped"));
            }
        }
    }
}

fn publish(key: &str, tuple: &Tuple) -> GossipMessage {
    GossipMessage::Publish {
        key: key.into(),
        value: tuple.value.clone(),
        ttl: tuple.ttl,
    }
}

/// One message if one is waiting.
fn recv_now(socket: Option<&Socket>) -> Result<Option<Vec<Vec<u8>>>> {
    let Some(socket) = socket else {
        return Ok(None);
    };
    match socket.recv_multipart(DONTWAIT) {
        Ok(frames) => Ok(Some(frames)),
        Err(Error::EAGAIN) => Ok(None),
        Err(e) => Err(e),
    }
}
