//! DEALER (RFC 28): round-robin out over peers with room, fair-queued in; blocks when no peer
//! can take a message. Each peer's queues go with it when it disconnects.

use super::fq::FairQueue;
use super::lb::LoadBalancer;
use super::pattern::{probe, Cx, Pattern};
use crate::error::{Error, Result};
use crate::message::Message;
use crate::options::ids;
use crate::pipe::Parcel;

/// DEALER: asynchronous round-robin requester.
#[derive(Default)]
pub(crate) struct Dealer {
    lb: LoadBalancer,
    fq: FairQueue,
    chosen: Option<u64>,
}

impl Pattern for Dealer {
    fn takes_option(&self, id: i32) -> bool {
        matches!(id, ids::PROBE_ROUTER | ids::CONFLATE)
    }

    fn attach(&mut self, id: u64, cx: &mut Cx<'_>) -> bool {
        self.lb.attach(id);
        self.fq.attach(id);
        probe(id, cx);
        true
    }
    fn detach(&mut self, id: u64, _: &mut Cx<'_>) {
        self.lb.detach(id);
        self.fq.detach(id);
    }
    fn activate(&mut self, id: u64, _: &mut Cx<'_>) {
        self.lb.activate(id);
        self.fq.activate(id);
    }
    fn begin_send(&mut self, _: &Message, _: bool, cx: &mut Cx<'_>) -> Result<()> {
        self.chosen = Some(self.lb.select(cx.pipes).ok_or(Error::EAGAIN)?);
        Ok(())
    }
    fn finish_send(&mut self, parcel: Parcel, cx: &mut Cx<'_>) {
        if let Some(id) = self.chosen.take() {
            self.lb.send(id, parcel, cx.pipes);
        }
    }
    fn recv(&mut self, cx: &mut Cx<'_>) -> Result<(u64, Parcel)> {
        self.fq.recv(cx.pipes).ok_or(Error::EAGAIN)
    }
    fn has_in(&mut self, cx: &mut Cx<'_>) -> bool {
        self.fq.has_in(cx.pipes)
    }
    fn has_out(&mut self, cx: &mut Cx<'_>) -> bool {
        self.lb.select(cx.pipes).is_some()
    }
}
