//! PAIR (RFC 31): exactly one peer; a second one is refused while the first is attached.

use super::pattern::{Cx, Pattern};
use crate::error::{Error, Result};
use crate::message::Message;
use crate::pipe::Parcel;

/// PAIR: one peer, both directions.
#[derive(Default)]
pub(crate) struct Pair {
    peer: Option<u64>,
}

impl Pattern for Pair {
    fn attach(&mut self, id: u64, _: &mut Cx<'_>) -> bool {
        if self.peer.is_some() {
            return false;
        }
        self.peer = Some(id);
        true
    }
    fn detach(&mut self, id: u64, _: &mut Cx<'_>) {
        if self.peer == Some(id) {
            self.peer = None;
        }
    }
    fn activate(&mut self, _: u64, _: &mut Cx<'_>) {}
    fn begin_send(&mut self, _: &Message, _: bool, cx: &mut Cx<'_>) -> Result<()> {
        let id = self.peer.ok_or(Error::EAGAIN)?;
        let p = cx.pipes.get(id).ok_or(Error::EAGAIN)?;
        if p.is_other_closed() {
            // Dead only once what the peer sent before closing has been read.
            if p.is_finished() {
                cx.pipes.mark_dead(id);
            }
            return Err(Error::EAGAIN);
        }
        if p.is_connected() && p.check_write() {
            Ok(())
        } else {
            Err(Error::EAGAIN)
        }
    }
    fn finish_send(&mut self, parcel: Parcel, cx: &mut Cx<'_>) {
        if let Some(p) = self.peer.and_then(|id| cx.pipes.get(id)) {
            p.write(parcel);
        }
    }
    fn recv(&mut self, cx: &mut Cx<'_>) -> Result<(u64, Parcel)> {
        let id = self.peer.ok_or(Error::EAGAIN)?;
        let p = cx.pipes.get(id).ok_or(Error::EAGAIN)?;
        match p.read() {
            Some(parcel) => Ok((id, parcel)),
            None => {
                if p.is_finished() {
                    cx.pipes.mark_dead(id);
                }
                Err(Error::EAGAIN)
            }
        }
    }
    fn has_in(&mut self, cx: &mut Cx<'_>) -> bool {
        let peer = self.peer.and_then(|id| cx.pipes.get(id));
        peer.is_some_and(|p| p.check_read())
    }
    fn has_out(&mut self, cx: &mut Cx<'_>) -> bool {
        let peer = self.peer.and_then(|id| cx.pipes.get(id));
        peer.is_some_and(|p| !p.is_other_closed() && p.is_connected() && p.check_write())
    }
}
