//! SERVER (RFC 41) and PEER (RFC 51): every connection gets a generated 32-bit routing id
//! (a random start, counting up, never 0, as libzmq's `server_t`). Received messages carry
//! their connection's id (`Message::routing_id`); a sent message goes to the connection its
//! routing id names: EHOSTUNREACH if there is none, EAGAIN (so a blocking send waits) if it
//! is full. Only single-frame messages: multipart messages from a peer are dropped by the
//! socket. PEER is the same pattern on both ends of a connection, and `connect_peer` returns
//! the routing id the new connection got.

use super::pattern::{Cx, Pattern};
use super::routes::Routes;
use crate::error::{Error, Result};
use crate::message::Message;
use crate::pipe::Parcel;

/// SERVER and PEER: routes by 32-bit routing id.
pub(crate) struct Server {
    routes: Routes<u32>,
    next_routing_id: u32,
    target: Option<u64>,
}

impl Default for Server {
    fn default() -> Server {
        Server {
            routes: Routes::default(),
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
            if id != 0 && !self.routes.contains(&id) {
                return id;
            }
        }
    }
}

impl Pattern for Server {
    fn attach(&mut self, id: u64, _: &mut Cx<'_>) -> bool {
        let routing_id = self.generate();
        self.routes.attach(id, routing_id);
        true
    }

    fn detach(&mut self, id: u64, _: &mut Cx<'_>) {
        self.routes.detach(id);
    }

    fn activate(&mut self, id: u64, _: &mut Cx<'_>) {
        self.routes.fq.activate(id);
    }

    fn begin_send(&mut self, first: &Message, _: bool, cx: &mut Cx<'_>) -> Result<()> {
        self.target = Some(self.routes.aim(&first.routing_id(), cx.pipes)?);
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
        let (from, parcel) = self.routes.fq.recv(cx.pipes).ok_or(Error::EAGAIN)?;
        let Parcel::One(mut msg) = parcel else {
            // Multipart messages and subscriptions: the socket drops them.
            return Ok((from, parcel));
        };
        if let Some(&routing_id) = self.routes.routing_id_of(from) {
            msg.set_routing_id(routing_id)?;
        }
        Ok((from, Parcel::One(msg)))
    }

    fn has_in(&mut self, cx: &mut Cx<'_>) -> bool {
        self.routes.fq.has_in(cx.pipes)
    }

    fn has_out(&mut self, _: &mut Cx<'_>) -> bool {
        // As libzmq's SERVER: whether a message can go depends on its routing id.
        true
    }

    fn peer_routing_id(&self, pipe: u64) -> Option<u32> {
        self.routes.routing_id_of(pipe).copied()
    }
}
