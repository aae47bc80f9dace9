//! DISH (RFC 48): receives, fair-queued, the RADIO messages of the groups it joined. `join`
//! and `leave` go to every peer as `Parcel::Subscribe`/`Parcel::Cancel` (the session speaks
//! them as ZMTP JOIN/LEAVE commands and replays the joins after a reconnect); a new peer gets
//! every current join. A message arrives as two frames, group (at most 255 bytes) and body;
//! anything else, and groups not joined (a RADIO may not have heard a LEAVE yet), is dropped.

use super::fq::FairQueue;
use super::pattern::{Cx, Pattern};
use crate::error::{Error, Result};
use crate::group::Group;
use crate::message::Message;
use crate::pipe::Parcel;
use bytes::Bytes;
use std::collections::HashSet;

/// DISH: group receiver.
#[derive(Default)]
pub(crate) struct Dish {
    fq: FairQueue,
    peers: HashSet<u64>,
    joined: HashSet<Group>,
}

impl Dish {
    /// The message `parcel` holds if it is a `[group, body]` pair of a joined group.
    fn accept(&self, parcel: Parcel) -> Option<Message> {
        let Parcel::Multi(frames) = parcel else {
            return None;
        };
        let [group, mut body]: [Message; 2] = frames.try_into().ok()?;
        let group = self.joined.get(&group[..])?.clone();
        body.set_checked_group(group);
        Some(body)
    }
}

impl Pattern for Dish {
    fn attach(&mut self, id: u64, cx: &mut Cx<'_>) -> bool {
        self.peers.insert(id);
        self.fq.attach(id);
        if let Some(pipe) = cx.pipes.get(id) {
            for group in &self.joined {
                pipe.write(Parcel::Subscribe(Bytes::copy_from_slice(group.as_bytes())));
            }
        }
        true
    }

    fn detach(&mut self, id: u64, _: &mut Cx<'_>) {
        self.peers.remove(&id);
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
        loop {
            let (from, parcel) = self.fq.recv(cx.pipes).ok_or(Error::EAGAIN)?;
            if let Some(msg) = self.accept(parcel) {
                return Ok((from, Parcel::One(msg)));
            }
        }
    }

    fn has_in(&mut self, cx: &mut Cx<'_>) -> bool {
        self.fq.has_in(cx.pipes)
    }

    fn has_out(&mut self, _: &mut Cx<'_>) -> bool {
        false
    }

    /// `join` (`subscribe`) or `leave`: EINVAL for a group over 255 bytes, a second join of
    /// a group or a leave of one not joined, as libzmq's `dish_t`.
    fn subscribe(&mut self, group: &[u8], join: bool, cx: &mut Cx<'_>) -> Result<()> {
        let checked = Group::new(group)?;
        let changed = if join {
            self.joined.insert(checked)
        } else {
            self.joined.remove(&checked)
        };
        if !changed {
            return Err(Error::EINVAL);
        }
        let group = Bytes::copy_from_slice(group);
        for &id in &self.peers {
            if let Some(pipe) = cx.pipes.get(id) {
                pipe.write(if join {
                    Parcel::Subscribe(group.clone())
                } else {
                    Parcel::Cancel(group.clone())
                });
            }
        }
        Ok(())
    }
}
