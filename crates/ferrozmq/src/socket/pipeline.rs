//! PUSH and PULL (RFC 30): PUSH round-robins to pullers and blocks when none has room; PULL
//! fair-queues from pushers.

use super::fq::FairQueue;
use super::lb::LoadBalancer;
use super::pattern::Pattern;
use super::pipes::Pipes;
use crate::error::{Error, Result};
use crate::pipe::Parcel;

/// PUSH: send-only, round-robin.
#[derive(Default)]
pub(crate) struct Push {
    lb: LoadBalancer,
    chosen: Option<u64>,
}

impl Pattern for Push {
    fn attach(&mut self, id: u64) -> bool {
        self.lb.attach(id);
        true
    }
    fn detach(&mut self, id: u64) {
        self.lb.detach(id);
    }
    fn activate(&mut self, id: u64) {
        self.lb.activate(id);
    }
    fn begin_send(&mut self, pipes: &mut Pipes) -> Result<()> {
        self.chosen = Some(self.lb.select(pipes).ok_or(Error::EAGAIN)?);
        Ok(())
    }
    fn finish_send(&mut self, parcel: Parcel, pipes: &mut Pipes) {
        if let Some(id) = self.chosen.take() {
            self.lb.send(id, parcel, pipes);
        }
    }
    fn recv(&mut self, _: &mut Pipes) -> Result<Parcel> {
        Err(Error::ENOTSUP)
    }
}

/// PULL: receive-only, fair-queued.
#[derive(Default)]
pub(crate) struct Pull {
    fq: FairQueue,
}

impl Pattern for Pull {
    fn attach(&mut self, id: u64) -> bool {
        self.fq.attach(id);
        true
    }
    fn detach(&mut self, id: u64) {
        self.fq.detach(id);
    }
    fn activate(&mut self, id: u64) {
        self.fq.activate(id);
    }
    fn begin_send(&mut self, _: &mut Pipes) -> Result<()> {
        Err(Error::ENOTSUP)
    }
    fn finish_send(&mut self, _: Parcel, _: &mut Pipes) {}
    fn recv(&mut self, pipes: &mut Pipes) -> Result<Parcel> {
        self.fq.recv(pipes).map(|(_, p)| p).ok_or(Error::EAGAIN)
    }
}
