//! SERVER (RFC 41) and PEER (RFC 51): every connection gets a generated 32-bit routing id
//! (a random start, counting up, never 0, as libzmq's `server_t`). Received messages carry
//! their connection's id (`Message::routing_id`); a sent message goes to the connection its
//! routing id names: EHOSTUNREACH if there is none, EAGAIN (so a blocking send waits) if it
//! is full. Only single-frame messages: multipart messages from a peer are dropped by the
//! socket. PEER is the same pattern on both ends of a connection, and `connect_peer` returns
//! the routing id the new connection got.

use super::fq::FairQueue;
use super::pattern::{Cx, Pattern};
use super::pipes::IdMap;
use crate::error::{Error, Result};
use crate::message::Message;
use crate::pipe::Parcel;
use std::collections::HashMap;

/// SERVER and PEER: routes by 32-bit routing id.
pub(crate) struct Server {
    fq: FairQueue,
    pipes_by_id: HashMap<u32, u64>,
    ids_by_pipe: IdMap<u32>,
    next_routing_id: u32,
    target: Option<u64>,
}

impl Default for Server {
    fn default() -> Server {
        Server {
            fq: FairQueue::default(),
            pipes_by_id: HashMap::new(),
            ids_by_pipe: IdMap::default(),
            next_routing_id: crate::random::u32(),
            target: None,
        }
    }
}

impl Server {
    fn generate(&mut self) -> u32 {
        loop {
            let id = self.next_routing_id;
            self.next_routing_id = self.next_routing_id.wrapping_add(1);
            if id != 0 && !self.pipes_by_id.contains_key(&id) {
                return id;
            }
        }
    }
}

impl Pattern for Server {
    fn attach(&mut self, id: u64, _: &mut Cx<'_>) -> bool {
        let routing_id = self.generate();
        self.pipes_by_id.insert(routing_id, id);
        self.ids_by_pipe.insert(id, routing_id);
        self.fq.attach(id);
        true
    }

    fn detach(&mut self, id: u64, _: &mut Cx<'_>) {
        self.fq.detach(id);
        if let Some(routing_id) = self.ids_by_pipe.remove(&id) {
            self.pipes_by_id.remove(&routing_id);
        }
    }

    fn activate(&mut self, id: u64, _: &mut Cx<'_>) {
        self.fq.activate(id);
    }

    fn begin_send(&mut self, first: &Message, _: bool, cx: &mut Cx<'_>) -> Result<()> {
        let id = *self
            .pipes_by_id
            .get(&first.routing_id())
            .ok_or(Error::EHOSTUNREACH)?;
        let pipe = cx.pipes.get(id).ok_or(Error::EHOSTUNREACH)?;
        if pipe.is_other_closed() {
            return Err(Error::EHOSTUNREACH);
        }
        if !pipe.check_write() {
            return Err(Error::EAGAIN);
        }
        self.target = Some(id);
        Ok(())
    }

    fn finish_send(&mut self, parcel: Parcel, cx: &mut Cx<'_>) {
        let (Some(id), Parcel::One(mut msg)) = (self.target.take(), parcel) else {
            return;
        };
        msg.clear_routing_id();
        if let Some(pipe) = cx.pipes.get(id) {
            pipe.write(Parcel::One(msg));
        }
    }

    fn recv(&mut self, cx: &mut Cx<'_>) -> Result<(u64, Parcel)> {
        let (from, parcel) = self.fq.recv(cx.pipes).ok_or(Error::EAGAIN)?;
        let Parcel::One(mut msg) = parcel else {
            // Multipart messages and subscriptions: the socket drops them.
            return Ok((from, parcel));
        };
        if let Some(&routing_id) = self.ids_by_pipe.get(&from) {
            msg.set_routing_id(routing_id)?;
        }
        Ok((from, Parcel::One(msg)))
    }

    fn has_in(&mut self, cx: &mut Cx<'_>) -> bool {
        self.fq.has_in(cx.pipes)
    }

    fn has_out(&mut self, _: &mut Cx<'_>) -> bool {
        // As libzmq's SERVER: whether a message can go depends on its routing id.
        true
    }

    fn peer_routing_id(&self, pipe: u64) -> Option<u32> {
        self.ids_by_pipe.get(&pipe).copied()
    }
}
