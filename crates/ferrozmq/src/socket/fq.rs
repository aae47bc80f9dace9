//! Fair queuing of incoming messages: one whole message from each pipe that has one, in turn,
//! as RFC 28 and RFC 30 ask of ROUTER, DEALER, REP and PULL.

use super::active_set::ActiveSet;
use super::pipes::Pipes;
use crate::pipe::Parcel;

/// Round-robin over readable pipes.
#[derive(Default)]
pub(crate) struct FairQueue {
    set: ActiveSet,
}

impl FairQueue {
    /// Adds a peer.
    pub(crate) fn attach(&mut self, id: u64) {
        self.set.attach(id);
    }

    /// Removes a peer.
    pub(crate) fn detach(&mut self, id: u64) {
        self.set.detach(id);
    }

    /// A peer may have messages again.
    pub(crate) fn activate(&mut self, id: u64) {
        self.set.activate(id);
    }

    /// True if some pipe has a message; pipes found empty sit out until their next event.
    pub(crate) fn has_in(&mut self, pipes: &mut Pipes) -> bool {
        while let Some(id) = self.set.current() {
            let finished = match pipes.get(id) {
                Some(p) => {
                    if p.check_read() {
                        return true;
                    }
                    p.is_finished()
                }
                None => false,
            };
            if finished {
                pipes.mark_dead(id);
            }
            self.set.deactivate_current();
        }
        false
    }

    /// The next whole message and the pipe it came from, if any pipe has one.
    pub(crate) fn recv(&mut self, pipes: &mut Pipes) -> Option<(u64, Parcel)> {
        while let Some(id) = self.set.current() {
            match pipes.get(id) {
                Some(p) => match p.read() {
                    Some(parcel) => {
                        self.set.advance();
                        return Some((id, parcel));
                    }
                    None => {
                        if p.is_finished() {
                            pipes.mark_dead(id);
                        }
                        self.set.deactivate_current();
                    }
                },
                None => self.set.deactivate_current(),
            }
        }
        None
    }
}
