//! RADIO (RFC 48): publishes each message to the DISH peers that joined its group (exact
//! match), dropping it for a peer at its high-water mark. Joins and leaves arrive from the
//! peers' sessions (ZMTP JOIN/LEAVE commands) or inproc pipes as `Parcel::Subscribe` and
//! `Parcel::Cancel`. A message travels to a peer as two frames, the group (MORE) and the
//! body, libzmq's `radio_session_t` form.

use super::pattern::{Cx, Pattern};
use super::pipes::IdMap;
use crate::error::{Error, Result};
use crate::message::Message;
use crate::pipe::Parcel;
use std::collections::{HashMap, HashSet};

/// Joins applied per pipe per socket turn; more wait for another turn, so a flood of JOINs
/// never holds one `send` for long.
const JOIN_BUDGET: usize = 256;

/// RADIO: group fan-out.
#[derive(Default)]
pub(crate) struct Radio {
    members: HashMap<Vec<u8>, HashSet<u64>>,
    groups_of: IdMap<HashSet<Vec<u8>>>,
    /// udp pipes: every message goes to them (the DISH on the other side filters).
    datagram: HashSet<u64>,
    targets: Vec<u64>,
}

impl Radio {
    /// Applies what peer `id` sent (joins and leaves; anything else is dropped).
    fn read_joins(&mut self, id: u64, cx: &mut Cx<'_>) {
        for _ in 0..JOIN_BUDGET {
            let Some(pipe) = cx.pipes.get(id) else {
                return;
            };
            match pipe.read() {
                Some(Parcel::Subscribe(group)) => self.join(id, group.to_vec()),
                Some(Parcel::Cancel(group)) => self.leave(id, &group),
                Some(_) => {}
                None => {
                    if pipe.is_finished() {
                        cx.pipes.mark_dead(id);
                    }
                    return;
                }
            }
        }
        if let Some(pipe) = cx.pipes.get(id) {
            pipe.socket_waker().wake();
        }
    }

    fn join(&mut self, id: u64, group: Vec<u8>) {
        self.groups_of.entry(id).or_default().insert(group.clone());
        self.members.entry(group).or_default().insert(id);
    }

    fn leave(&mut self, id: u64, group: &[u8]) {
        if let Some(groups) = self.groups_of.get_mut(&id) {
            groups.remove(group);
        }
        if let Some(members) = self.members.get_mut(group) {
            members.remove(&id);
            if members.is_empty() {
                self.members.remove(group);
            }
        }
    }
}

impl Pattern for Radio {
    fn attach(&mut self, id: u64, cx: &mut Cx<'_>) -> bool {
        self.groups_of.insert(id, HashSet::new());
        self.read_joins(id, cx);
        true
    }

    fn datagram_peer(&mut self, id: u64) {
        self.datagram.insert(id);
    }

    fn detach(&mut self, id: u64, _: &mut Cx<'_>) {
        self.datagram.remove(&id);
        for group in self.groups_of.remove(&id).unwrap_or_default() {
            self.leave(id, &group);
        }
    }

    fn activate(&mut self, id: u64, cx: &mut Cx<'_>) {
        self.read_joins(id, cx);
    }

    fn begin_send(&mut self, first: &Message, _: bool, _: &mut Cx<'_>) -> Result<()> {
        let group = first.group().unwrap_or_default();
        self.targets.clear();
        if let Some(members) = self.members.get(group) {
            self.targets.extend(members.iter().copied());
        }
        self.targets.extend(self.datagram.iter().copied());
        Ok(())
    }

    fn finish_send(&mut self, parcel: Parcel, cx: &mut Cx<'_>) {
        let Parcel::One(body) = parcel else {
            return;
        };
        let mut parcel = Parcel::Multi(vec![Message::from(body.group().unwrap_or_default()), body]);
        parcel.share();
        for id in self.targets.drain(..) {
            if let Some(pipe) = cx.pipes.get(id) {
                // Dropped for a peer at its HWM rather than block the others.
                if !pipe.is_other_closed() && pipe.check_write() {
                    pipe.write(parcel.clone_shared());
                }
            }
        }
    }

    fn recv(&mut self, _: &mut Cx<'_>) -> Result<(u64, Parcel)> {
        Err(Error::ENOTSUP)
    }

    fn has_in(&mut self, _: &mut Cx<'_>) -> bool {
        false
    }

    fn has_out(&mut self, _: &mut Cx<'_>) -> bool {
        true
    }
}
