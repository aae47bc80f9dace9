//! ROUTER (RFC 28): addresses peers by routing id. Received messages get the sender's routing
//! id prepended as a frame; a sent message's first frame names the peer it goes to.
//!
//! A peer's routing id is the one it announced (its `Identity` property), the one the user
//! gave its connection (ZMQ_CONNECT_ROUTING_ID), or else a generated 5-byte id (0x00 + a u32
//! counter with a random start), as libzmq does. Unroutable messages are dropped, or refused
//! with EHOSTUNREACH under ZMQ_ROUTER_MANDATORY (EAGAIN, i.e. block, when the peer is full). A
//! second peer claiming a routing id in use is refused, unless ZMQ_ROUTER_HANDOVER gives it
//! the id and closes the old connection. ZMQ_ROUTER_NOTIFY delivers `[routing-id, ""]` when a
//! peer's connection comes up and/or goes away — for a connect-side peer, once per connection.

use super::fq::FairQueue;
use super::pattern::{prepend, probe, Cx, Pattern};
use super::pipes::IdMap;
use crate::error::{Error, Result};
use crate::message::Message;
use crate::options::ids;
use crate::pipe::Parcel;
use std::collections::{HashMap, HashSet, VecDeque};

/// ZMQ_NOTIFY_CONNECT: notify when a peer connects.
pub const NOTIFY_CONNECT: i32 = 1;
/// ZMQ_NOTIFY_DISCONNECT: notify when a peer disconnects.
pub const NOTIFY_DISCONNECT: i32 = 2;

/// Where the message being sent goes.
enum Target {
    Pipe(u64),
    Drop,
}

/// ROUTER: routes by routing id.
pub(crate) struct Router {
    fq: FairQueue,
    routes: HashMap<Vec<u8>, u64>,
    /// Looked up for every message received: keyed by pipe id without SipHash.
    ids: IdMap<Vec<u8>>,
    /// Attached pipes whose peer has not finished its handshake yet.
    anonymous: HashSet<u64>,
    /// Pipes with a live connection, as ROUTER_NOTIFY last reported them (a connect-side pipe
    /// outlives its connections: it is reported connected and disconnected each time).
    connected: HashSet<u64>,
    next_generated: u32,
    target: Option<Target>,
    notifications: VecDeque<(u64, Parcel)>,
}

impl Default for Router {
    fn default() -> Router {
        Router {
            fq: FairQueue::default(),
            routes: HashMap::new(),
            ids: IdMap::default(),
            anonymous: HashSet::new(),
            connected: HashSet::new(),
            next_generated: crate::random::u32(),
            target: None,
            notifications: VecDeque::new(),
        }
    }
}

impl Router {
    fn generate(&mut self) -> Vec<u8> {
        let mut id = vec![0u8];
        id.extend_from_slice(&self.next_generated.to_be_bytes());
        self.next_generated = self.next_generated.wrapping_add(1);
        id
    }

    /// Gives pipe `id` its routing id once its peer is known. False while it is not, or if
    /// the pipe was refused (then it is marked dead).
    fn identify(&mut self, id: u64, assigned: Option<Vec<u8>>, cx: &mut Cx<'_>) -> bool {
        if self.ids.contains_key(&id) {
            return true;
        }
        let routing_id = match assigned {
            Some(rid) => rid,
            None => {
                let Some(pipe) = cx.pipes.get(id) else {
                    return false;
                };
                let Some(peer) = pipe.peer() else {
                    self.anonymous.insert(id);
                    return false;
                };
                match peer.routing_id().map(<[u8]>::to_vec) {
                    None => self.generate(),
                    Some(rid) => rid,
                }
            }
        };
        if let Some(&holder) = self.routes.get(&routing_id) {
            if !cx.options.router_handover {
                self.anonymous.remove(&id);
                cx.pipes.mark_dead(id);
                return false;
            }
            // The newcomer takes the id; the old connection is renamed and closed.
            let renamed = self.generate();
            self.routes.insert(renamed.clone(), holder);
            self.ids.insert(holder, renamed);
            cx.pipes.mark_dead(holder);
        }
        self.anonymous.remove(&id);
        self.routes.insert(routing_id.clone(), id);
        self.fq.attach(id);
        self.ids.insert(id, routing_id);
        true
    }

    /// Decides where the message being sent goes: to the pipe `route` (None: no peer has the
    /// routing id), if it is live and has room; else it is dropped, or refused under
    /// ZMQ_ROUTER_MANDATORY (EHOSTUNREACH for no live peer when `addressed`, EAGAIN for a full
    /// one).
    pub(crate) fn aim(
        &mut self,
        route: Option<u64>,
        addressed: bool,
        cx: &mut Cx<'_>,
    ) -> Result<()> {
        let mandatory = cx.options.router_mandatory;
        let target = match route.and_then(|id| cx.pipes.get(id).map(|p| (id, p))) {
            Some((id, p)) if !p.is_other_closed() => {
                if p.check_write() {
                    Target::Pipe(id)
                } else if mandatory {
                    return Err(Error::EAGAIN);
                } else {
                    Target::Drop
                }
            }
            _ if mandatory && addressed => return Err(Error::EHOSTUNREACH),
            _ => Target::Drop,
        };
        self.target = Some(target);
        Ok(())
    }

    /// Writes the message `aim` accepted (without its routing id) to its pipe, or drops it.
    pub(crate) fn deliver(&mut self, parcel: Parcel, cx: &mut Cx<'_>) {
        if let Some(Target::Pipe(id)) = self.target.take() {
            if let Some(p) = cx.pipes.get(id) {
                p.write(parcel);
            }
        }
    }

    /// The next message from an identified peer and its pipe, without the routing id in
    /// front (REP routes its reply by the pipe).
    pub(crate) fn recv_unprefixed(&mut self, cx: &mut Cx<'_>) -> Result<(u64, Parcel)> {
        loop {
            let (from, parcel) = self.fq.recv(cx.pipes).ok_or(Error::EAGAIN)?;
            if self.ids.contains_key(&from) {
                return Ok((from, parcel));
            }
        }
    }

    /// True if a message from a peer may be waiting (notifications aside).
    pub(crate) fn has_message(&mut self, cx: &mut Cx<'_>) -> bool {
        self.fq.has_in(cx.pipes)
    }

    /// ROUTER_NOTIFY: reports a connection coming up or going away on pipe `id` (known by
    /// whether its peer's handshake metadata is there).
    fn track_connection(&mut self, id: u64, cx: &mut Cx<'_>) {
        let Some(rid) = self.ids.get(&id) else {
            return;
        };
        let up = cx.pipes.get(id).is_some_and(|p| p.peer().is_some());
        let notify = cx.options.router_notify;
        if up && self.connected.insert(id) {
            if notify & NOTIFY_CONNECT != 0 {
                self.notifications
                    .push_back((id, notification(rid.clone())));
            }
        } else if !up && self.connected.remove(&id) && notify & NOTIFY_DISCONNECT != 0 {
            self.notifications
                .push_back((id, notification(rid.clone())));
        }
    }
}

/// The options a ROUTER takes (libzmq's `router_t::xsetsockopt`), raw or not.
pub(crate) fn takes_router_option(id: i32) -> bool {
    matches!(
        id,
        ids::ROUTER_MANDATORY
            | ids::ROUTER_HANDOVER
            | ids::ROUTER_NOTIFY
            | ids::ROUTER_RAW
            | ids::PROBE_ROUTER
            | ids::CONNECT_ROUTING_ID
    )
}

fn notification(routing_id: Vec<u8>) -> Parcel {
    Parcel::Multi(vec![Message::from(routing_id), Message::new()])
}

impl Pattern for Router {
    fn takes_option(&self, id: i32) -> bool {
        takes_router_option(id)
    }

    fn attach(&mut self, id: u64, cx: &mut Cx<'_>) -> bool {
        let assigned = cx.connect_routing_id.take();
        if let Some(rid) = &assigned {
            if self.routes.contains_key(rid) {
                return false;
            }
        }
        // The probe is queued now, as libzmq does at attach; a connect-side pipe delivers it
        // when its connection comes up.
        probe(id, cx);
        self.identify(id, assigned, cx);
        self.track_connection(id, cx);
        true
    }

    fn detach(&mut self, id: u64, cx: &mut Cx<'_>) {
        self.anonymous.remove(&id);
        self.fq.detach(id);
        let was_connected = self.connected.remove(&id);
        if let Some(rid) = self.ids.remove(&id) {
            if self.routes.get(&rid) == Some(&id) {
                self.routes.remove(&rid);
            }
            if was_connected && cx.options.router_notify & NOTIFY_DISCONNECT != 0 {
                self.notifications.push_back((id, notification(rid)));
            }
        }
    }

    fn activate(&mut self, id: u64, cx: &mut Cx<'_>) {
        if self.anonymous.contains(&id) {
            self.identify(id, None, cx);
        } else {
            self.fq.activate(id);
        }
        self.track_connection(id, cx);
    }

    fn peer_state(&self, routing_id: &[u8], cx: &mut Cx<'_>) -> Result<crate::PollEvents> {
        let pipe = self
            .routes
            .get(routing_id)
            .and_then(|&id| cx.pipes.get(id))
            .filter(|p| !p.is_other_closed())
            .ok_or(Error::EHOSTUNREACH)?;
        Ok(if pipe.check_write() {
            crate::POLLOUT
        } else {
            crate::PollEvents::empty()
        })
    }

    fn begin_send(&mut self, first: &Message, more: bool, cx: &mut Cx<'_>) -> Result<()> {
        let route = if more {
            self.routes.get(&first[..]).copied()
        } else {
            // A routing id with no message after it is dropped, as in libzmq.
            return self.aim(None, false, cx);
        };
        self.aim(route, true, cx)
    }

    fn finish_send(&mut self, parcel: Parcel, cx: &mut Cx<'_>) {
        let Parcel::Multi(mut frames) = parcel else {
            self.target = None;
            return;
        };
        frames.remove(0);
        self.deliver(Parcel::from_frames(frames), cx);
    }

    fn recv(&mut self, cx: &mut Cx<'_>) -> Result<(u64, Parcel)> {
        if let Some(notice) = self.notifications.pop_front() {
            return Ok(notice);
        }
        let (from, parcel) = self.recv_unprefixed(cx)?;
        let rid = self.ids.get(&from).map(|rid| Message::from(&rid[..]));
        Ok((from, prepend(rid.unwrap_or_default(), parcel)))
    }
    fn has_in(&mut self, cx: &mut Cx<'_>) -> bool {
        !self.notifications.is_empty() || self.fq.has_in(cx.pipes)
    }
    fn has_out(&mut self, _: &mut Cx<'_>) -> bool {
        // As libzmq: a ROUTER can always take a message; where it goes is decided per message.
        true
    }
}
