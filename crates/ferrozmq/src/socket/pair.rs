//! PAIR (RFC 31): exactly one peer; a second one is refused while the first is attached.

use super::pattern::Pattern;
use super::pipes::Pipes;
use crate::error::{Error, Result};
use crate::pipe::Parcel;

/// PAIR: one peer, both directions.
#[derive(Default)]
pub(crate) struct Pair {
    peer: Option<u64>,
}

impl Pattern for Pair {
    fn attach(&mut self, id: u64) -> bool {
        if self.peer.is_some() {
            return false;
        }
        self.peer = Some(id);
        true
    }
    fn detach(&mut self, id: u64) {
        if self.peer == Some(id) {
            self.peer = None;
        }
    }
    fn activate(&mut self, _: u64) {}
    fn begin_send(&mut self, pipes: &mut Pipes) -> Result<()> {
        let id = self.peer.ok_or(Error::EAGAIN)?;
        let p = pipes.get(id).ok_or(Error::EAGAIN)?;
        if p.is_other_closed() {
            pipes.mark_dead(id);
            return Err(Error::EAGAIN);
        }
        if p.check_write() {
            Ok(())
        } else {
            Err(Error::EAGAIN)
        }
    }
    fn finish_send(&mut self, parcel: Parcel, pipes: &mut Pipes) {
        if let Some(p) = self.peer.and_then(|id| pipes.get(id)) {
            p.write(parcel);
        }
    }
    fn recv(&mut self, pipes: &mut Pipes) -> Result<Parcel> {
        let id = self.peer.ok_or(Error::EAGAIN)?;
        let p = pipes.get(id).ok_or(Error::EAGAIN)?;
        match p.read() {
            Some(parcel) => Ok(parcel),
            None => {
                if p.is_finished() {
                    pipes.mark_dead(id);
                }
                Err(Error::EAGAIN)
            }
        }
    }
}
