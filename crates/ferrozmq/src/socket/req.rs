//! REQ (RFC 28): sends a request (with an empty delimiter frame prepended) round-robin, then
//! accepts exactly one reply, from the peer it asked; anything else is EFSM or discarded.
//! ZMQ_REQ_RELAXED allows a new request before the reply (the old reply is then ignored);
//! ZMQ_REQ_CORRELATE prefixes each request with a 4-byte request id (libzmq: a native-order
//! u32 counter) and accepts only the reply carrying it.

use super::fq::FairQueue;
use super::lb::LoadBalancer;
use super::pattern::{prepend, probe, Cx, Pattern};
use crate::error::{Error, Result};
use crate::message::Message;
use crate::options::ids;
use crate::pipe::Parcel;

/// REQ: strict request/reply alternation.
pub(crate) struct Req {
    lb: LoadBalancer,
    fq: FairQueue,
    chosen: Option<u64>,
    /// The peer whose reply we await; None when a request may be sent.
    awaiting: Option<u64>,
    request_id: u32,
}

impl Default for Req {
    fn default() -> Req {
        Req {
            lb: LoadBalancer::default(),
            fq: FairQueue::default(),
            chosen: None,
            awaiting: None,
            request_id: crate::random::u32(),
        }
    }
}

impl Pattern for Req {
    fn takes_option(&self, id: i32) -> bool {
        // REQ takes PROBE_ROUTER and its own REQ_* options.
        matches!(
            id,
            ids::PROBE_ROUTER | ids::REQ_CORRELATE | ids::REQ_RELAXED
        )
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
        if self.awaiting.is_some() && !cx.options.req_relaxed {
            return Err(Error::EFSM);
        }
        self.chosen = Some(self.lb.select(cx.pipes).ok_or(Error::EAGAIN)?);
        self.awaiting = None;
        // A new request: replies still queued (to an abandoned request, or unsolicited) are
        // thrown away, as libzmq's req_t::xsend does.
        while self.fq.recv(cx.pipes).is_some() {}
        Ok(())
    }
    fn finish_send(&mut self, parcel: Parcel, cx: &mut Cx<'_>) {
        let Some(id) = self.chosen.take() else {
            return;
        };
        let mut request = prepend(Message::new(), parcel);
        if cx.options.req_correlate {
            self.request_id = self.request_id.wrapping_add(1);
            request = prepend(Message::from(&self.request_id.to_ne_bytes()[..]), request);
        }
        self.lb.send(id, request, cx.pipes);
        self.awaiting = Some(id);
    }
    fn recv(&mut self, cx: &mut Cx<'_>) -> Result<(u64, Parcel)> {
        let expected = self.awaiting.ok_or(Error::EFSM)?;
        loop {
            let (from, parcel) = self.fq.recv(cx.pipes).ok_or(Error::EAGAIN)?;
            if from != expected {
                continue;
            }
            let Parcel::Multi(mut frames) = parcel else {
                continue;
            };
            if cx.options.req_correlate {
                if frames.len() < 3 || frames[0][..] != self.request_id.to_ne_bytes() {
                    continue;
                }
                frames.remove(0);
            }
            if frames.len() < 2 || !frames[0].is_empty() {
                continue;
            }
            frames.remove(0);
            self.awaiting = None;
            return Ok((from, Parcel::from_frames(frames)));
        }
    }
    fn has_in(&mut self, cx: &mut Cx<'_>) -> bool {
        self.awaiting.is_some() && self.fq.has_in(cx.pipes)
    }
    fn has_out(&mut self, cx: &mut Cx<'_>) -> bool {
        (self.awaiting.is_none() || cx.options.req_relaxed) && self.lb.select(cx.pipes).is_some()
    }
}
