//! The ZRE state machine of one node ([`State`], Zyre's `zyre_node` less its I/O loop):
//! the peer table, the groups of peers and our own, and what each beacon, message and
//! reap does to them. Events for the owner are sent on the event pipe as they happen;
//! ENTER, EXIT and our JOIN and LEAVE also go, as ZRE log records, to any log collector
//! a peer announced.

use crate::config::Config;
use crate::event::Event;
use crate::log::{EVENT_ENTER, EVENT_EXIT, EVENT_JOIN, EVENT_LEAVE, HEADER};
use crate::log_publisher::LogPublisher;
use crate::message::{Body, Hello, ZreMessage};
use crate::peer::Peer;
use ferrozmq::{Context, Error, Message, Socket, Uuid};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::time::Instant;

/// A node's peers and groups.
pub struct State {
    ctx: Context,
    /// The node's settings.
    pub config: Config,
    /// Our ROUTER endpoint, as told to peers in HELLO.
    pub endpoint: String,
    events: Socket,
    /// Peers by UUID.
    pub peers: HashMap<Uuid, Peer>,
    /// For each group some peer is in, its members.
    pub peer_groups: BTreeMap<String, BTreeSet<Uuid>>,
    /// The groups we are in.
    pub own_groups: BTreeSet<String>,
    status: u8,
    table_full_logged: bool,
    log: LogPublisher,
}

impl State {
    /// A node with no peers yet, its events going out on `events`.
    pub fn new(ctx: Context, config: Config, endpoint: String, events: Socket) -> State {
        let own_groups = config.groups.clone();
        let log = LogPublisher::new(&endpoint);
        State {
            ctx,
            config,
            endpoint,
            events,
            peers: HashMap::new(),
            peer_groups: BTreeMap::new(),
            own_groups,
            status: 0,
            table_full_logged: false,
            log,
        }
    }

    fn log(&self, text: std::fmt::Arguments<'_>) {
        eprintln!("zyre ({}): {text}", self.config.name);
    }

    /// Sends an event to the owner (dropped if the owner's pipe is full: the node never
    /// blocks on a slow reader).
    pub fn emit(&self, event: Event) {
        let _ = event
            .to_frames()
            .send_with(&self.events, ferrozmq::DONTWAIT);
    }

    /// A beacon from `address`: a new peer is connected to, a known one refreshed, port 0
    /// removes it.
    pub fn on_beacon(&mut self, address: &str, uuid: Uuid, port: u16) {
        if uuid == self.config.uuid {
            return;
        }
        if port == 0 {
            if let Some(peer) = self.peers.get(&uuid) {
                if self.config.verbose {
                    self.log(format_args!("{} says it is leaving", peer.name));
                }
                self.remove_peer(&uuid);
            }
            return;
        }
        let endpoint = format!("tcp://{address}:{port}");
        if let Some(peer) = self.require_peer(uuid, &endpoint) {
            peer.heard(Instant::now());
        }
    }

    /// A tuple the gossip network delivered: key a peer's UUID, value its endpoint. A new
    /// peer is connected to (our own tuple and keys that are no UUID are ignored).
    pub fn on_gossip(&mut self, key: &str, endpoint: &str) {
        match Uuid::parse(key) {
            Ok(uuid) if uuid != self.config.uuid => {
                if let Some(peer) = self.require_peer(uuid, endpoint) {
                    peer.heard(Instant::now());
                }
            }
            Ok(_) => {}
            Err(_) if self.config.verbose => {
                self.log(format_args!("gossip tuple {key:?} is not a peer: ignored"));
            }
            Err(_) => {}
        }
    }

    /// The peer `uuid` at `endpoint`, connected to (and sent our HELLO) if it is new.
    /// `None` if the table is full or the endpoint cannot be connected to.
    fn require_peer(&mut self, uuid: Uuid, endpoint: &str) -> Option<&mut Peer> {
        if !self.peers.contains_key(&uuid) {
            // A peer that restarted with a new UUID left its old self at this endpoint.
            let stale: Vec<Uuid> = (self.peers.values())
                .filter(|p| p.endpoint == endpoint)
                .map(|p| p.uuid)
                .collect();
            stale.iter().for_each(|u| self.remove_peer(u));
            if self.peers.len() >= self.config.max_peers {
                if !self.table_full_logged {
                    self.log(format_args!(
                        "peer table full ({} peers): ignoring new peers",
                        self.peers.len()
                    ));
                    self.table_full_logged = true;
                }
                return None;
            }
            let mut peer = match Peer::connect(&self.ctx, &self.config.uuid, uuid, endpoint) {
                Ok(peer) => peer,
                Err(e) => {
                    self.log(format_args!("cannot connect to {endpoint}: {e}"));
                    return None;
                }
            };
            let hello = Body::Hello(Hello {
                endpoint: self.endpoint.clone(),
                groups: self.own_groups.iter().cloned().collect(),
                status: self.status,
                name: self.config.name.clone(),
                headers: self.config.headers.clone(),
            });
            if let Err(e) = peer.send(hello) {
                self.log(format_args!("cannot greet {endpoint}: {e}"));
                return None;
            }
            self.peers.insert(uuid, peer);
        }
        self.peers.get_mut(&uuid)
    }

    /// Forgets a peer: EXIT to the owner, out of every group, its DEALER closed.
    pub fn remove_peer(&mut self, uuid: &Uuid) {
        if let Some(peer) = self.peers.remove(uuid) {
            self.log
                .info(EVENT_EXIT, Some(&peer.endpoint), &peer.endpoint);
            self.emit(Event::Exit {
                peer: peer.uuid,
                name: peer.name.clone(),
            });
            self.peer_groups.retain(|_, members| {
                members.remove(uuid);
                !members.is_empty()
            });
            if self.peers.len() < self.config.max_peers {
                self.table_full_logged = false;
            }
        }
    }

    /// A message on our ROUTER from the peer whose routing id is `routing_id`.
    pub fn on_message(&mut self, routing_id: &[u8], frames: &[Message]) {
        let uuid = match routing_id {
            [1, rest @ ..] => Uuid::from_slice(rest).ok(),
            _ => None,
        };
        let Some(uuid) = uuid else {
            self.log(format_args!("message with a bad routing id dropped"));
            return;
        };
        let message = match ZreMessage::decode(frames) {
            Ok(m) => m,
            Err(e) => {
                self.log(format_args!("malformed message from {uuid} dropped: {e}"));
                return;
            }
        };
        if self.config.verbose {
            self.log(format_args!("recv {} from {uuid}", message.body.command()));
        }
        if let Body::Hello(hello) = &message.body {
            match self.peers.get(&uuid) {
                // A peer that restarted with the same UUID: forget its old self.
                Some(peer) if peer.ready => self.remove_peer(&uuid),
                Some(peer) if peer.endpoint == self.endpoint => return,
                _ => {}
            }
            match self.require_peer(uuid, &hello.endpoint) {
                Some(peer) => peer.ready = true,
                None => return,
            }
        }
        let Some(peer) = self.peers.get_mut(&uuid).filter(|p| p.ready) else {
            return;
        };
        if peer.messages_lost(&message) {
            let name = peer.name.clone();
            self.log(format_args!(
                "messages lost from {name} (sequence {}): dropping it",
                message.sequence
            ));
            self.remove_peer(&uuid);
            return;
        }
        peer.got_message(Instant::now());
        let name = peer.name.clone();
        match message.body {
            Body::Hello(hello) => self.on_hello(uuid, hello),
            Body::Whisper { content } => self.emit(Event::Whisper {
                peer: uuid,
                name,
                content,
            }),
            Body::Shout { group, content } => self.emit(Event::Shout {
                peer: uuid,
                name,
                group,
                content,
            }),
            Body::Ping => {
                if peer.send(Body::PingOk).is_err() {
                    self.remove_peer(&uuid);
                }
            }
            Body::PingOk => {}
            Body::Join { group, status } => {
                self.join_peer_group(uuid, group);
                self.check_status(uuid, status);
            }
            Body::Leave { group, status } => {
                self.leave_peer_group(uuid, group);
                self.check_status(uuid, status);
            }
        }
    }

    fn on_hello(&mut self, uuid: Uuid, hello: Hello) {
        let Some(peer) = self.peers.get_mut(&uuid) else {
            return;
        };
        peer.name = hello.name;
        peer.headers = hello.headers;
        // A peer that is a ZRE log collector: our log records go to it too.
        if let Some(collector) = peer.headers.get(HEADER) {
            if let Err(reason) = self.log.connect(&self.ctx, collector) {
                eprintln!("zyre ({}): {reason}", self.config.name);
            }
        }
        self.log
            .info(EVENT_ENTER, Some(&peer.endpoint), &peer.endpoint);
        let event = Event::Enter {
            peer: uuid,
            name: peer.name.clone(),
            headers: peer.headers.clone(),
            address: peer.endpoint.clone(),
        };
        self.emit(event);
        for group in hello.groups {
            self.join_peer_group(uuid, group);
        }
        if let Some(peer) = self.peers.get_mut(&uuid) {
            peer.status = hello.status;
        }
    }

    /// The status a JOIN or LEAVE carried should be one more than the last: a mismatch
    /// (Zyre asserts) is logged and the peer's is taken.
    fn check_status(&mut self, uuid: Uuid, status: u8) {
        if let Some(peer) = self.peers.get_mut(&uuid) {
            if peer.status != status {
                let (name, ours) = (peer.name.clone(), peer.status);
                peer.status = status;
                self.log(format_args!(
                    "{name}'s group status is {status}, expected {ours}"
                ));
            }
        }
    }

    fn join_peer_group(&mut self, uuid: Uuid, group: String) {
        let Some(peer) = self.peers.get_mut(&uuid) else {
            return;
        };
        peer.status = peer.status.wrapping_add(1);
        let name = peer.name.clone();
        self.peer_groups
            .entry(group.clone())
            .or_default()
            .insert(uuid);
        self.emit(Event::Join {
            peer: uuid,
            name,
            group,
        });
    }

    fn leave_peer_group(&mut self, uuid: Uuid, group: String) {
        let Some(peer) = self.peers.get_mut(&uuid) else {
            return;
        };
        peer.status = peer.status.wrapping_add(1);
        let name = peer.name.clone();
        if let Some(members) = self.peer_groups.get_mut(&group) {
            members.remove(&uuid);
            if members.is_empty() {
                self.peer_groups.remove(&group);
            }
        }
        self.emit(Event::Leave {
            peer: uuid,
            name,
            group,
        });
    }

    /// Sends `body` to each of `targets`, dropping any peer whose queue is full.
    fn send_to(&mut self, targets: Vec<Uuid>, body: &Body) {
        for uuid in targets {
            let failed = match self.peers.get_mut(&uuid) {
                Some(peer) => peer.send(body.clone()).err(),
                None => None,
            };
            if let Some(e) = failed {
                self.log(format_args!("cannot send to {uuid} ({e}): dropping it"));
                self.remove_peer(&uuid);
            }
        }
    }

    fn all_peers(&self) -> Vec<Uuid> {
        self.peers.keys().copied().collect()
    }

    /// We join `group` and tell every peer (nothing if we are in it already). EINVAL if
    /// the name is over 255 bytes.
    pub fn join(&mut self, group: String) -> ferrozmq::Result<()> {
        if group.len() > 255 {
            return Err(Error::EINVAL);
        }
        if self.own_groups.insert(group.clone()) {
            self.log.info(EVENT_JOIN, None, &group);
            self.status = self.status.wrapping_add(1);
            let body = Body::Join {
                group,
                status: self.status,
            };
            self.send_to(self.all_peers(), &body);
        }
        Ok(())
    }

    /// We leave `group` and tell every peer (nothing if we are not in it).
    pub fn leave(&mut self, group: String) {
        if self.own_groups.remove(&group) {
            self.log.info(EVENT_LEAVE, None, &group);
            self.status = self.status.wrapping_add(1);
            let body = Body::Leave {
                group,
                status: self.status,
            };
            self.send_to(self.all_peers(), &body);
        }
    }

    /// Sends `content` to the peer `uuid` (nothing if it is unknown).
    pub fn whisper(&mut self, uuid: Uuid, content: Vec<Message>) {
        self.send_to(vec![uuid], &Body::Whisper { content });
    }

    /// Sends `content` to every peer in `group` (names over 255 bytes are refused by
    /// [`Node::shout`](crate::Node::shout) before they get here).
    pub fn shout(&mut self, group: &str, content: Vec<Message>) {
        let Some(members) = self.peer_groups.get(group) else {
            return;
        };
        let targets = members.iter().copied().collect();
        let body = Body::Shout {
            group: group.to_string(),
            content,
        };
        self.send_to(targets, &body);
    }

    /// Once per reap interval: expired peers are removed, evasive and silent ones pinged
    /// and reported (once per quiet spell).
    pub fn reap(&mut self, now: Instant) {
        let mut expired = Vec::new();
        let mut quiet = Vec::new();
        for peer in self.peers.values_mut() {
            let unheard = now.saturating_duration_since(peer.heard_at);
            let no_message = now.saturating_duration_since(peer.message_at);
            if unheard >= self.config.expired_timeout {
                expired.push(peer.uuid);
            } else if unheard >= self.config.evasive_timeout && !peer.evasive_reported {
                peer.evasive_reported = true;
                quiet.push(Event::Evasive {
                    peer: peer.uuid,
                    name: peer.name.clone(),
                });
            } else if no_message >= self.config.silent_timeout && !peer.silent_reported {
                peer.silent_reported = true;
                quiet.push(Event::Silent {
                    peer: peer.uuid,
                    name: peer.name.clone(),
                });
            }
        }
        expired.iter().for_each(|u| self.remove_peer(u));
        for event in quiet {
            self.send_to(vec![event.peer()], &Body::Ping);
            if self.peers.contains_key(&event.peer()) {
                self.emit(event);
            }
        }
    }
}
