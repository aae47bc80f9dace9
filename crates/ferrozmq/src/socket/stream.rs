//! STREAM: talks to raw TCP peers (no ZMTP). Each peer gets a routing id (generated, or set
//! with ZMQ_CONNECT_ROUTING_ID); received data arrives as `[routing-id, bytes]` and
//! `[routing-id, bytes]` is written to that peer as it is. With ZMQ_STREAM_NOTIFY (default on)
//! a peer's connection and disconnection arrive as `[routing-id, ""]`; sending
//! `[routing-id, ""]` closes that connection. Unknown ids are refused with EHOSTUNREACH; a
//! lone frame (a routing id with no data) is dropped.

use super::pattern::{prepend, Cx, Pattern};
use super::routes::Routes;
use crate::error::{Error, Result};
use crate::message::Message;
use crate::options::ids;
use crate::pipe::Parcel;

/// STREAM: raw TCP peers by routing id.
pub(crate) struct Stream {
    /// A ROUTER under ROUTER_RAW: it takes the ROUTER options instead of STREAM_NOTIFY and,
    /// as a ROUTER, drops what it cannot route unless ROUTER_MANDATORY is set.
    as_router: bool,
    routes: Routes<Vec<u8>>,
    next_generated: u32,
    target: Option<u64>,
}

impl Default for Stream {
    fn default() -> Stream {
        Stream {
            as_router: false,
            routes: Routes::default(),
            next_generated: crate::random::u32(),
            target: None,
        }
    }
}

impl Stream {
    /// The pattern of a ROUTER that ZMQ_ROUTER_RAW turned raw (libzmq's deprecated way to
    /// what STREAM does).
    pub(crate) fn raw_router() -> Stream {
        Stream {
            as_router: true,
            ..Stream::default()
        }
    }
}

impl Pattern for Stream {
    fn takes_option(&self, id: i32) -> bool {
        if self.as_router {
            return super::router::takes_router_option(id);
        }
        matches!(id, ids::CONNECT_ROUTING_ID | ids::STREAM_NOTIFY)
    }

    fn attach(&mut self, id: u64, cx: &mut Cx<'_>) -> bool {
        let routing_id = match cx.connect_routing_id.take() {
            Some(rid) if self.routes.contains(&rid[..]) => return false,
            Some(rid) => rid,
            None => {
                let mut rid = vec![0u8];
                rid.extend_from_slice(&self.next_generated.to_be_bytes());
                self.next_generated = self.next_generated.wrapping_add(1);
                rid
            }
        };
        self.routes.attach(id, routing_id);
        true
    }

    fn detach(&mut self, id: u64, _: &mut Cx<'_>) {
        self.routes.detach(id);
    }

    fn activate(&mut self, id: u64, _: &mut Cx<'_>) {
        self.routes.fq.activate(id);
    }

    fn begin_send(&mut self, first: &Message, more: bool, cx: &mut Cx<'_>) -> Result<()> {
        self.target = None;
        match self.aim(first, more, cx) {
            // A raw ROUTER drops what it cannot deliver, as a ROUTER does.
            Err(Error::EHOSTUNREACH | Error::EINVAL)
                if self.as_router && !(cx.options.router_mandatory && more) =>
            {
                Ok(())
            }
            Err(Error::EAGAIN) if self.as_router && !cx.options.router_mandatory => Ok(()),
            other => other,
        }
    }

    fn finish_send(&mut self, parcel: Parcel, cx: &mut Cx<'_>) {
        let Some(id) = self.target.take() else {
            return;
        };
        let Parcel::Multi(mut frames) = parcel else {
            return;
        };
        frames.remove(0);
        if frames.iter().all(|f| f.is_empty()) {
            // An empty message closes the connection (after what is already queued).
            cx.pipes.mark_dead(id);
            return;
        }
        if let Some(pipe) = cx.pipes.get(id) {
            pipe.write(Parcel::from_frames(frames));
        }
    }

    fn recv(&mut self, cx: &mut Cx<'_>) -> Result<(u64, Parcel)> {
        loop {
            let (from, parcel) = self.routes.fq.recv(cx.pipes).ok_or(Error::EAGAIN)?;
            if let Some(rid) = self.routes.routing_id_of(from) {
                return Ok((from, prepend(Message::from(&rid[..]), parcel)));
            }
        }
    }
    fn has_in(&mut self, cx: &mut Cx<'_>) -> bool {
        self.routes.fq.has_in(cx.pipes)
    }
    fn has_out(&mut self, _: &mut Cx<'_>) -> bool {
        true
    }

    fn routing_id_of(&self, id: u64) -> Option<Vec<u8>> {
        self.routes.routing_id_of(id).cloned()
    }
}

impl Stream {
    /// The pipe a message whose first frame is `first` goes to, if it can take it now.
    fn aim(&mut self, first: &Message, more: bool, cx: &mut Cx<'_>) -> Result<()> {
        if !more {
            // A routing id without its data frame is dropped, silently, as libzmq's
            // `stream_t::xsend` drops it.
            return Ok(());
        }
        self.target = Some(self.routes.aim(&first[..], cx.pipes)?);
        Ok(())
    }
}
