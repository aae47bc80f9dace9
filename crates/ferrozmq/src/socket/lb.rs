//! Load balancing (round-robin) of outgoing messages over the pipes that have room, as RFC 28
//! and RFC 30 ask of DEALER, REQ and PUSH. Full pipes sit out until their reader makes room;
//! with ZMQ_IMMEDIATE, so do pipes still waiting for their connection.

use super::active_set::ActiveSet;
use super::pipes::Pipes;
use crate::pipe::Parcel;

/// Round-robin over writable pipes.
#[derive(Default)]
pub(crate) struct LoadBalancer {
    set: ActiveSet,
}

impl LoadBalancer {
    /// Adds a peer.
    pub(crate) fn attach(&mut self, id: u64) {
        self.set.attach(id);
    }

    /// Removes a peer.
    pub(crate) fn detach(&mut self, id: u64) {
        self.set.detach(id);
    }

    /// A peer may have room again.
    pub(crate) fn activate(&mut self, id: u64) {
        self.set.activate(id);
    }

    /// The next pipe that can take a whole message now, if any.
    pub(crate) fn select(&mut self, pipes: &mut Pipes) -> Option<u64> {
        while let Some(id) = self.set.current() {
            // A pipe whose peer closed takes no more messages, but it is dead only once what
            // the peer sent before closing has been read too (a DEALER still receives it).
            let finished = match pipes.get(id) {
                Some(p) if p.is_other_closed() => p.is_finished(),
                Some(p) => {
                    if p.is_connected() && p.check_write() {
                        return Some(id);
                    }
                    false
                }
                None => false,
            };
            if finished {
                pipes.mark_dead(id);
            }
            self.set.deactivate_current();
        }
        None
    }

    /// Sends to the pipe `select` returned and moves on to the next peer.
    #[inline]
    pub(crate) fn send(&mut self, id: u64, parcel: Parcel, pipes: &mut Pipes) {
        if let Some(p) = pipes.get(id) {
            p.write(parcel);
        }
        self.set.advance();
    }
}
