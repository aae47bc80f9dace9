//! REP (RFC 28): fair-queues requests, strips the envelope (every frame up to and including
//! the empty delimiter) and keeps it, then sends the reply with that envelope to the peer the
//! request came from. Requests without a delimiter are discarded.

use super::fq::FairQueue;
use super::pattern::{Cx, Pattern};
use crate::error::{Error, Result};
use crate::message::Message;
use crate::options::ids;
use crate::pipe::Parcel;

/// REP: strict receive/reply alternation.
#[derive(Default)]
pub(crate) struct Rep {
    fq: FairQueue,
    /// Where the pending reply goes, and the envelope to put in front of it.
    replying: Option<(u64, Vec<Message>)>,
}

impl Pattern for Rep {
    fn takes_option(&self, id: i32) -> bool {
        // REP is built on a ROUTER in libzmq, and takes the ROUTER options it has.
        matches!(
            id,
            ids::ROUTER_MANDATORY
                | ids::ROUTER_HANDOVER
                | ids::PROBE_ROUTER
                | ids::CONNECT_ROUTING_ID
        )
    }

    fn attach(&mut self, id: u64, _: &mut Cx<'_>) -> bool {
        self.fq.attach(id);
        true
    }
    fn detach(&mut self, id: u64, _: &mut Cx<'_>) {
        self.fq.detach(id);
    }
    fn activate(&mut self, id: u64, _: &mut Cx<'_>) {
        self.fq.activate(id);
    }
    fn begin_send(&mut self, _: &Message, _: bool, _: &mut Cx<'_>) -> Result<()> {
        if self.replying.is_none() {
            return Err(Error::EFSM);
        }
        Ok(())
    }
    fn finish_send(&mut self, parcel: Parcel, cx: &mut Cx<'_>) {
        let Some((id, mut frames)) = self.replying.take() else {
            return;
        };
        match parcel {
            Parcel::One(m) => frames.push(m),
            Parcel::Multi(v) => frames.extend(v),
            Parcel::Subscribe(_) | Parcel::Cancel(_) => return,
        }
        if let Some(p) = cx.pipes.get(id) {
            // Like libzmq's ROUTER underneath REP: a reply to a full or gone peer is dropped.
            if !p.is_other_closed() && p.check_write() {
                p.write(Parcel::Multi(frames));
            }
        }
    }
    fn recv(&mut self, cx: &mut Cx<'_>) -> Result<(u64, Parcel)> {
        if self.replying.is_some() {
            return Err(Error::EFSM);
        }
        loop {
            let (from, parcel) = self.fq.recv(cx.pipes).ok_or(Error::EAGAIN)?;
            let Parcel::Multi(mut frames) = parcel else {
                continue;
            };
            let Some(delimiter) = frames.iter().position(|f| f.is_empty()) else {
                continue;
            };
            if delimiter + 1 == frames.len() {
                continue;
            }
            let body = frames.split_off(delimiter + 1);
            self.replying = Some((from, frames));
            return Ok((from, Parcel::from_frames(body)));
        }
    }
    fn has_in(&mut self, cx: &mut Cx<'_>) -> bool {
        self.replying.is_none() && self.fq.has_in(cx.pipes)
    }
    fn has_out(&mut self, _: &mut Cx<'_>) -> bool {
        self.replying.is_some()
    }
}
