//! [`Node`] (Zyre's `zyre_t`): one ZRE node. Set it up (name, headers, port, interface,
//! interval, timeouts, or gossip discovery instead of beacons), [`start`](Node::start)
//! it, then join groups, shout and whisper, ask about peers, and read its [`Event`]s,
//! blocking ([`recv`](Node::recv), [`recv_timeout`](Node::recv_timeout),
//! [`socket`](Node::socket) for `poll`) or async ([`events`](Node::events)).

use crate::agent;
use crate::config::Config;
use crate::event::Event;
use crate::wire::Reader;
use ferrozmq::actor::Actor;
use ferrozmq::beacon::BeaconOptions;
use ferrozmq::{AsyncSocket, Context, Error, Message, Multipart, Result, Socket, Uuid, PAIR};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

static NEXT_NODE: AtomicU64 = AtomicU64::new(0);

/// One ZRE node; dropping it stops it (peers see it leave at once).
pub struct Node {
    ctx: Context,
    config: Config,
    events_endpoint: String,
    events: Option<Socket>,
    actor: Option<Actor>,
}

impl Node {
    /// A node called `name` (`None`: the first six hex digits of its UUID), not yet
    /// started (`zyre_new`).
    pub fn new(ctx: &Context, name: Option<&str>) -> Result<Node> {
        let config = Config::new(name);
        let events_endpoint = format!(
            "inproc://ferrozmq-zyre.events.{}.{}",
            std::process::id(),
            NEXT_NODE.fetch_add(1, Ordering::Relaxed)
        );
        let events = ctx.socket(PAIR)?;
        events.set_rcvhwm(agent::EVENT_HWM)?;
        events.set_linger(0)?;
        events.bind(&events_endpoint)?;
        Ok(Node {
            ctx: ctx.clone(),
            config,
            events_endpoint,
            events: Some(events),
            actor: None,
        })
    }

    /// This node's UUID.
    pub fn uuid(&self) -> Uuid {
        self.config.uuid
    }

    /// This node's name.
    pub fn name(&self) -> &str {
        &self.config.name
    }

    fn before_start(&mut self) -> Result<&mut Config> {
        match self.actor {
            None => Ok(&mut self.config),
            Some(_) => Err(Error::EINVAL),
        }
    }

    /// Sets a header value sent to peers in HELLO (before start; EINVAL after, or for a
    /// key over 255 bytes).
    pub fn set_header(&mut self, key: &str, value: &str) -> Result<()> {
        if key.len() > 255 {
            return Err(Error::EINVAL);
        }
        (self.before_start()?.headers).insert(key.into(), value.into());
        Ok(())
    }

    /// The UDP beacon port (default 5670; 0: no beacons).
    pub fn set_port(&mut self, port: u16) -> Result<()> {
        self.before_start()?.port = port;
        Ok(())
    }

    /// The beacon's interface (a name such as `lo`, an address, an index, or `*`).
    pub fn set_interface(&mut self, interface: &str) -> Result<()> {
        self.before_start()?.beacon.interface = Some(interface.into());
        Ok(())
    }

    /// All of the beacon's address options (interface, IPv6, IPv4 multicast group).
    pub fn set_beacon_options(&mut self, options: BeaconOptions) -> Result<()> {
        self.before_start()?.beacon = options;
        Ok(())
    }

    /// How often to beacon (default 1 s).
    pub fn set_interval(&mut self, interval: Duration) -> Result<()> {
        self.before_start()?.interval = interval;
        Ok(())
    }

    /// When a quiet peer is EVASIVE (default 5 s).
    pub fn set_evasive_timeout(&mut self, timeout: Duration) -> Result<()> {
        self.before_start()?.evasive_timeout = timeout;
        Ok(())
    }

    /// When a peer that only beacons is SILENT (default 5 s).
    pub fn set_silent_timeout(&mut self, timeout: Duration) -> Result<()> {
        self.before_start()?.silent_timeout = timeout;
        Ok(())
    }

    /// When a quiet peer is dropped with EXIT (default 30 s).
    pub fn set_expired_timeout(&mut self, timeout: Duration) -> Result<()> {
        self.before_start()?.expired_timeout = timeout;
        Ok(())
    }

    /// The most peers kept (default 1024).
    pub fn set_max_peers(&mut self, max: usize) -> Result<()> {
        self.before_start()?.max_peers = max;
        Ok(())
    }

    /// Binds our ROUTER to `endpoint` and tells peers that endpoint (`zyre_set_endpoint`;
    /// a `*` port is resolved). For gossip discovery: beacons are turned off.
    pub fn set_endpoint(&mut self, endpoint: &str) -> Result<()> {
        let config = self.before_start()?;
        config.endpoint = Some(endpoint.into());
        config.port = 0;
        Ok(())
    }

    /// Runs a gossip hub on `endpoint` that other nodes connect to (`zyre_gossip_bind`);
    /// beacons are turned off. A `*` port is resolved: see
    /// [`gossip_endpoint`](Node::gossip_endpoint).
    pub fn gossip_bind(&mut self, endpoint: &str) -> Result<()> {
        let config = self.before_start()?;
        config.gossip_bind = Some(endpoint.into());
        config.port = 0;
        Ok(())
    }

    /// Finds peers through the gossip hub at `endpoint` (`zyre_gossip_connect`; may be
    /// called for several hubs); beacons are turned off.
    pub fn gossip_connect(&mut self, endpoint: &str) -> Result<()> {
        let config = self.before_start()?;
        config.gossip_connect.push(endpoint.into());
        config.port = 0;
        Ok(())
    }

    /// Logs traffic to stderr.
    pub fn set_verbose(&mut self) -> Result<()> {
        self.before_start()?.verbose = true;
        Ok(())
    }

    /// Starts discovery and connection (`zyre_start`). EINVAL if already started.
    pub fn start(&mut self) -> Result<()> {
        if self.actor.is_some() {
            return Err(Error::EINVAL);
        }
        let (ctx, config) = (self.ctx.clone(), self.config.clone());
        let endpoint = self.events_endpoint.clone();
        self.actor = Some(Actor::new(&self.ctx, move |pipe| {
            agent::run(pipe, ctx, config, endpoint)
        })?);
        Ok(())
    }

    /// Stops the node: peers are told (a port-0 beacon), a STOP event is the last one
    /// (`zyre_stop`). Nothing if not started.
    pub fn stop(&mut self) -> Result<()> {
        if let Some(actor) = self.actor.take() {
            actor.send(["STOP"])?;
        }
        Ok(())
    }

    fn actor(&self) -> Result<&Actor> {
        self.actor.as_ref().ok_or(Error::EINVAL)
    }

    fn ask(&self, request: Multipart) -> Result<Vec<Message>> {
        let actor = self.actor()?;
        actor.send(request)?;
        let mut reply: Vec<Message> = actor.recv()?.into_iter().collect();
        match reply.first().map(|f| &f[..]) {
            Some(b"OK") => Ok(reply.split_off(1)),
            _ => Err(Error::EINVAL),
        }
    }

    /// Joins `group` (`zyre_join`); before start, the group is sent in HELLO. EINVAL for
    /// a name over 255 bytes.
    pub fn join(&mut self, group: &str) -> Result<()> {
        if self.actor.is_none() {
            if group.len() > 255 {
                return Err(Error::EINVAL);
            }
            self.config.groups.insert(group.into());
            return Ok(());
        }
        self.ask(Multipart::from(["JOIN", group])).map(drop)
    }

    /// Leaves `group` (`zyre_leave`).
    pub fn leave(&mut self, group: &str) -> Result<()> {
        if self.actor.is_none() {
            self.config.groups.remove(group);
            return Ok(());
        }
        self.actor()?.send(Multipart::from(["LEAVE", group]))
    }

    /// Sends `content` to one peer (`zyre_whisper`).
    pub fn whisper(&self, peer: &Uuid, content: impl Into<Multipart>) -> Result<()> {
        let mut request = content.into();
        request.push(&peer.as_bytes()[..]);
        request.push("WHISPER");
        self.actor()?.send(request)
    }

    /// Sends `content` to every peer in `group` (`zyre_shout`). EINVAL for a name over
    /// 255 bytes.
    pub fn shout(&self, group: &str, content: impl Into<Multipart>) -> Result<()> {
        if group.len() > 255 {
            return Err(Error::EINVAL);
        }
        let mut request = content.into();
        request.push(group);
        request.push("SHOUT");
        self.actor()?.send(request)
    }

    /// Whispers one text frame (`zyre_whispers`).
    pub fn whispers(&self, peer: &Uuid, text: &str) -> Result<()> {
        self.whisper(peer, [text])
    }

    /// Shouts one text frame (`zyre_shouts`).
    pub fn shouts(&self, group: &str, text: &str) -> Result<()> {
        self.shout(group, [text])
    }

    fn uuids(&self, request: Multipart) -> Result<Vec<Uuid>> {
        let frames = self.ask(request)?;
        Ok(frames
            .iter()
            .filter_map(|f| Uuid::from_slice(f).ok())
            .collect())
    }

    fn texts(&self, request: Multipart) -> Result<Vec<String>> {
        let frames = self.ask(request)?;
        Ok(frames
            .iter()
            .map(|f| String::from_utf8_lossy(f).into_owned())
            .collect())
    }

    fn peer_text(&self, verb: &str, peer: &Uuid) -> Result<Option<String>> {
        let request = Multipart::from([verb.as_bytes(), &peer.as_bytes()[..]]);
        Ok(self.texts(request)?.pop())
    }

    /// The peers we know (`zyre_peers`).
    pub fn peers(&self) -> Result<Vec<Uuid>> {
        self.uuids(Multipart::from(["PEERS"]))
    }

    /// The peers in `group` (`zyre_peers_by_group`).
    pub fn peers_by_group(&self, group: &str) -> Result<Vec<Uuid>> {
        self.uuids(Multipart::from(["PEERS BY GROUP", group]))
    }

    /// The groups we are in (`zyre_own_groups`).
    pub fn own_groups(&self) -> Result<Vec<String>> {
        if self.actor.is_none() {
            return Ok(self.config.groups.iter().cloned().collect());
        }
        self.texts(Multipart::from(["OWN GROUPS"]))
    }

    /// The groups our peers are in (`zyre_peer_groups`).
    pub fn peer_groups(&self) -> Result<Vec<String>> {
        self.texts(Multipart::from(["PEER GROUPS"]))
    }

    /// A peer's endpoint (`zyre_peer_address`).
    pub fn peer_address(&self, peer: &Uuid) -> Result<Option<String>> {
        self.peer_text("PEER ADDRESS", peer)
    }

    /// A peer's name (`zyre_peer_name`).
    pub fn peer_name(&self, peer: &Uuid) -> Result<Option<String>> {
        self.peer_text("PEER NAME", peer)
    }

    /// One of a peer's header values (`zyre_peer_header_value`).
    pub fn peer_header_value(&self, peer: &Uuid, key: &str) -> Result<Option<String>> {
        let request = Multipart::from([b"PEER HEADER", &peer.as_bytes()[..], key.as_bytes()]);
        Ok(self.texts(request)?.pop())
    }

    /// All of a peer's header values.
    pub fn peer_headers(&self, peer: &Uuid) -> Result<Option<BTreeMap<String, String>>> {
        let request = Multipart::from([&b"PEER HEADERS"[..], &peer.as_bytes()[..]]);
        let frames = self.ask(request)?;
        Ok(frames.first().and_then(|f| Reader::new(f).hash().ok()))
    }

    /// Our ROUTER endpoint as peers see it (`tcp://address:port`).
    pub fn endpoint(&self) -> Result<String> {
        self.texts(Multipart::from(["ENDPOINT"]))?
            .pop()
            .ok_or(Error::EINVAL)
    }

    /// The endpoint our gossip hub is bound to (`None` without
    /// [`gossip_bind`](Node::gossip_bind)).
    pub fn gossip_endpoint(&self) -> Result<Option<String>> {
        Ok(self.texts(Multipart::from(["GOSSIP ENDPOINT"]))?.pop())
    }

    fn event_socket(&self) -> Result<&Socket> {
        self.events.as_ref().ok_or(Error::EINVAL)
    }

    /// The socket events arrive on, for `poll` or a reactor (`zyre_socket`); EINVAL once
    /// [`events`](Node::events) took it.
    pub fn socket(&self) -> Result<&Socket> {
        self.event_socket()
    }

    /// Waits for the next event (`zyre_event_new`).
    pub fn recv(&self) -> Result<Event> {
        loop {
            if let Some(event) = Event::from_frames(Multipart::recv(self.event_socket()?)?) {
                return Ok(event);
            }
        }
    }

    /// [`recv`](Node::recv), giving up after `timeout` with `None`.
    pub fn recv_timeout(&self, timeout: Duration) -> Result<Option<Event>> {
        let socket = self.event_socket()?;
        let deadline = std::time::Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            let ms = agent::poll_ms(left);
            if socket.poll(ferrozmq::POLLIN, ms)? == 0 {
                return Ok(None);
            }
            if let Some(event) = Event::from_frames(Multipart::recv(socket)?) {
                return Ok(Some(event));
            }
        }
    }

    /// The events as an async stream (any executor); after this the blocking receives
    /// answer EINVAL.
    pub fn events(&mut self) -> Result<EventStream> {
        let socket = self.events.take().ok_or(Error::EINVAL)?;
        Ok(EventStream {
            socket: AsyncSocket::from(socket),
        })
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        let _ = self.stop();
    }
}

/// A node's events, received asynchronously.
pub struct EventStream {
    socket: AsyncSocket,
}

impl EventStream {
    /// The next event.
    pub async fn recv(&mut self) -> Result<Event> {
        loop {
            let frames = self.socket.recv_multipart().await?;
            if let Some(event) = Event::from_frames(frames.into_iter().collect()) {
                return Ok(event);
            }
        }
    }
}
