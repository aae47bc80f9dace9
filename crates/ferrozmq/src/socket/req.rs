//! REQ (RFC 28): sends a request (with an empty delimiter frame prepended) round-robin, then
//! accepts exactly one reply, from the peer it asked. Anything else is EFSM or discarded.

use super::fq::FairQueue;
use super::lb::LoadBalancer;
use super::pattern::Pattern;
use super::pipes::Pipes;
use crate::error::{Error, Result};
use crate::message::Message;
use crate::pipe::Parcel;

/// REQ: strict request/reply alternation.
#[derive(Default)]
pub(crate) struct Req {
    lb: LoadBalancer,
    fq: FairQueue,
    chosen: Option<u64>,
    /// The peer whose reply we await; None when a request may be sent.
    awaiting: Option<u64>,
}

impl Pattern for Req {
    fn attach(&mut self, id: u64) -> bool {
        self.lb.attach(id);
        self.fq.attach(id);
        true
    }
    fn detach(&mut self, id: u64) {
        self.lb.detach(id);
        self.fq.detach(id);
    }
    fn activate(&mut self, id: u64) {
        self.lb.activate(id);
        self.fq.activate(id);
    }
    fn begin_send(&mut self, pipes: &mut Pipes) -> Result<()> {
        if self.awaiting.is_some() {
            return Err(Error::EFSM);
        }
        self.chosen = Some(self.lb.select(pipes).ok_or(Error::EAGAIN)?);
        Ok(())
    }
    fn finish_send(&mut self, parcel: Parcel, pipes: &mut Pipes) {
        let Some(id) = self.chosen.take() else {
            return;
        };
        let mut frames = Vec::with_capacity(2);
        frames.push(Message::new());
        match parcel {
            Parcel::One(m) => frames.push(m),
            Parcel::Multi(v) => frames.extend(v),
        }
        self.lb.send(id, Parcel::Multi(frames), pipes);
        self.awaiting = Some(id);
    }
    fn recv(&mut self, pipes: &mut Pipes) -> Result<Parcel> {
        let expected = self.awaiting.ok_or(Error::EFSM)?;
        loop {
            let (from, parcel) = self.fq.recv(pipes).ok_or(Error::EAGAIN)?;
            if from != expected {
                continue;
            }
            let Parcel::Multi(mut frames) = parcel else {
                continue;
            };
            if frames.len() < 2 || !frames[0].is_empty() {
                continue;
            }
            frames.remove(0);
            self.awaiting = None;
            return Ok(Parcel::from_frames(frames));
        }
    }
}
