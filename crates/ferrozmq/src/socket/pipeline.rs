//! PUSH and PULL (RFC 30): PUSH round-robins to pullers and blocks when none has room; PULL
//! fair-queues from pushers.

use super::fq::FairQueue;
use super::lb::LoadBalancer;
use super::pattern::{Cx, Pattern};
use crate::error::{Error, Result};
use crate::message::Message;
use crate::options::ids;
use crate::pipe::Parcel;

/// PUSH: send-only, round-robin.
#[derive(Default)]
pub(crate) struct Push {
    lb: LoadBalancer,
    chosen: Option<u64>,
}

impl Pattern for Push {
    fn takes_option(&self, id: i32) -> bool {
        id == ids::CONFLATE
    }

    fn attach(&mut self, id: u64, _: &mut Cx<'_>) -> bool {
        self.lb.attach(id);
        true
    }
    fn detach(&mut self, id: u64, _: &mut Cx<'_>) {
        self.lb.detach(id);
    }
    fn activate(&mut self, id: u64, _: &mut Cx<'_>) {
        self.lb.activate(id);
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
    fn recv(&mut self, _: &mut Cx<'_>) -> Result<(u64, Parcel)> {
        Err(Error::ENOTSUP)
    }
    fn has_in(&mut self, _: &mut Cx<'_>) -> bool {
        false
    }
    fn has_out(&mut self, cx: &mut Cx<'_>) -> bool {
        self.lb.select(cx.pipes).is_some()
    }
}

/// PULL: receive-only, fair-queued.
#[derive(Default)]
pub(crate) struct Pull {
    fq: FairQueue,
}

impl Pattern for Pull {
    fn takes_option(&self, id: i32) -> bool {
        id == ids::CONFLATE
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
        Err(Error::ENOTSUP)
    }
    fn finish_send(&mut self, _: Parcel, _: &mut Cx<'_>) {}
    fn recv(&mut self, cx: &mut Cx<'_>) -> Result<(u64, Parcel)> {
        self.fq.recv(cx.pipes).ok_or(Error::EAGAIN)
    }
    fn has_in(&mut self, cx: &mut Cx<'_>) -> bool {
        self.fq.has_in(cx.pipes)
    }
    fn has_out(&mut self, _: &mut Cx<'_>) -> bool {
        false
    }
}
