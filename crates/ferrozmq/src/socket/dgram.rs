//! DGRAM (libzmq's draft `dgram_t`): plain udp datagrams. A DGRAM binds one `udp://` endpoint
//! and sends and receives two-frame messages: the peer's `ip:port` (MORE), then the body —
//! the datagram's payload as it is, no ZeroMQ framing. Its one pipe leads to the udp pump
//! (`udp::bind`), which turns messages into datagrams and back.

use super::pattern::{Cx, Pattern};
use crate::error::{Error, Result};
use crate::message::Message;
use crate::pipe::Parcel;

/// DGRAM: one udp endpoint, address-and-body messages both ways.
#[derive(Default)]
pub(crate) struct Dgram {
    pipe: Option<u64>,
}

impl Pattern for Dgram {
    fn attach(&mut self, id: u64, _: &mut Cx<'_>) -> bool {
        if self.pipe.is_some() {
            return false;
        }
        self.pipe = Some(id);
        true
    }
    fn detach(&mut self, id: u64, _: &mut Cx<'_>) {
        if self.pipe == Some(id) {
            self.pipe = None;
        }
    }
    fn activate(&mut self, _: u64, _: &mut Cx<'_>) {}
    /// The address frame must come with MORE (EINVAL otherwise, as libzmq); the core keeps
    /// the body to one frame (`Core::send_one`).
    fn begin_send(&mut self, _: &Message, more: bool, cx: &mut Cx<'_>) -> Result<()> {
        if !more {
            return Err(Error::EINVAL);
        }
        if self.has_out(cx) {
            Ok(())
        } else {
            Err(Error::EAGAIN)
        }
    }
    fn finish_send(&mut self, parcel: Parcel, cx: &mut Cx<'_>) {
        if let Some(p) = self.pipe.and_then(|id| cx.pipes.get(id)) {
            p.write(parcel);
        }
    }
    fn recv(&mut self, cx: &mut Cx<'_>) -> Result<(u64, Parcel)> {
        let id = self.pipe.ok_or(Error::EAGAIN)?;
        let parcel = cx.pipes.get(id).and_then(|p| p.read());
        parcel.map(|parcel| (id, parcel)).ok_or(Error::EAGAIN)
    }
    fn has_in(&mut self, cx: &mut Cx<'_>) -> bool {
        let pipe = self.pipe.and_then(|id| cx.pipes.get(id));
        pipe.is_some_and(|p| p.check_read())
    }
    fn has_out(&mut self, cx: &mut Cx<'_>) -> bool {
        let pipe = self.pipe.and_then(|id| cx.pipes.get(id));
        pipe.is_some_and(|p| p.check_write())
    }
}
