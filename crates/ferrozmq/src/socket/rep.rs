//! REP (RFC 28): fair-queues requests, strips the envelope (every frame up to and including
//! the empty delimiter) and keeps it, then sends the reply with that envelope to the peer the
//! request came from. Requests without a delimiter are discarded.
//!
//! As libzmq's `rep_t` is a `router_t`, REP runs on the ROUTER pattern and takes its options:
//! peers get routing ids (a second peer announcing one in use is refused unless
//! ROUTER_HANDOVER gives it the id; CONNECT_ROUTING_ID names a connected peer), PROBE_ROUTER
//! sends each new peer an empty message, and ROUTER_MANDATORY makes a reply to a requester
//! that is gone fail with EHOSTUNREACH (REP then takes the next request) and one to a full
//! requester wait (EAGAIN), where it is dropped otherwise. libzmq checks ROUTER_MANDATORY on
//! REP when the request is read, asserting if the requester cannot take the reply then; the
//! reply's send is where a caller can act on it. ROUTER_NOTIFY is refused: its notices are
//! no requests; so is ROUTER_RAW (libzmq takes it), as raw peers send no envelopes.

use super::pattern::{Cx, Pattern};
use super::router::Router;
use crate::error::{Error, Result};
use crate::message::Message;
use crate::options::ids;
use crate::pipe::Parcel;

/// REP: strict receive/reply alternation.
#[derive(Default)]
pub(crate) struct Rep {
    router: Router,
    /// Where the pending reply goes, and the envelope to put in front of it.
    replying: Option<(u64, Vec<Message>)>,
}

impl Pattern for Rep {
    fn takes_option(&self, id: i32) -> bool {
        // Not ROUTER_RAW (libzmq takes it, for a REP raw peers could never send a request
        // to), nor ROUTER_NOTIFY.
        !matches!(id, ids::ROUTER_NOTIFY | ids::ROUTER_RAW) && self.router.takes_option(id)
    }

    fn attach(&mut self, id: u64, cx: &mut Cx<'_>) -> bool {
        self.router.attach(id, cx)
    }
    fn detach(&mut self, id: u64, cx: &mut Cx<'_>) {
        self.router.detach(id, cx);
    }
    fn activate(&mut self, id: u64, cx: &mut Cx<'_>) {
        self.router.activate(id, cx);
    }
    fn begin_send(&mut self, _: &Message, _: bool, cx: &mut Cx<'_>) -> Result<()> {
        let Some((to, _)) = &self.replying else {
            return Err(Error::EFSM);
        };
        match self.router.aim(Some(*to), true, cx) {
            Err(Error::EHOSTUNREACH) => {
                // Nobody to reply to: the request is over.
                self.replying = None;
                Err(Error::EHOSTUNREACH)
            }
            other => other,
        }
    }
    fn finish_send(&mut self, parcel: Parcel, cx: &mut Cx<'_>) {
        let Some((_, mut frames)) = self.replying.take() else {
            return;
        };
        match parcel {
            Parcel::One(m) => frames.push(m),
            Parcel::Multi(v) => frames.extend(v),
            Parcel::Subscribe(_) | Parcel::Cancel(_) => return,
        }
        self.router.deliver(Parcel::Multi(frames), cx);
    }
    fn recv(&mut self, cx: &mut Cx<'_>) -> Result<(u64, Parcel)> {
        if self.replying.is_some() {
            return Err(Error::EFSM);
        }
        loop {
            let (from, parcel) = self.router.recv_unprefixed(cx)?;
            let Parcel::Multi(mut frames) = parcel else {
                continue;
            };
            let Some(delimiter) = frames.iter().position(|f| f.is_empty()) else {
                continue;
            };
            if delimiter + 1 == frames.len() {
                continue;
            }
            let body = frames.split_off(delimiter + 1);
            self.replying = Some((from, frames));
            return Ok((from, Parcel::from_frames(body)));
        }
    }
    fn has_in(&mut self, cx: &mut Cx<'_>) -> bool {
        self.replying.is_none() && self.router.has_message(cx)
    }
    fn has_out(&mut self, _: &mut Cx<'_>) -> bool {
        self.replying.is_some()
    }
}
