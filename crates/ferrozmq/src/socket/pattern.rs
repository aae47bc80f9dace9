//! `Pattern`: what makes one socket type differ from another — where a message goes, where
//! the next one comes from, and which sequences are legal. The socket handles blocking,
//! timeouts, multipart assembly and pipe bookkeeping around it.

use super::pipes::Pipes;
use crate::error::Result;
use crate::message::Message;
use crate::options::Options;
use crate::pipe::Parcel;

/// What a pattern may use while it runs: the socket's pipes and its current options.
pub(crate) struct Cx<'a> {
    pub pipes: &'a mut Pipes,
    pub options: &'a Options,
    /// For `attach` after `connect`: the routing id the user assigned to this peer
    /// (ZMQ_CONNECT_ROUTING_ID), consumed by the ROUTER.
    pub connect_routing_id: Option<Vec<u8>>,
}

/// The routing and state rules of one socket type.
pub(crate) trait Pattern: Send {
    /// A new peer pipe. Returns false to refuse it (the pipe is then closed).
    fn attach(&mut self, id: u64, cx: &mut Cx<'_>) -> bool;
    /// A peer pipe is gone.
    fn detach(&mut self, id: u64, cx: &mut Cx<'_>);
    /// A peer pipe may have become readable or writable, or its peer finished a handshake.
    fn activate(&mut self, id: u64, cx: &mut Cx<'_>);
    /// Called with the first frame of an outgoing message (`more`: others follow): Ok if the
    /// message can be accepted now (possibly to be dropped, where the pattern drops), EAGAIN if
    /// not yet (the socket may block and retry), or a final error (EFSM, ENOTSUP, EHOSTUNREACH).
    fn begin_send(&mut self, first: &Message, more: bool, cx: &mut Cx<'_>) -> Result<()>;
    /// Delivers the whole message whose first frame `begin_send` accepted.
    fn finish_send(&mut self, parcel: Parcel, cx: &mut Cx<'_>);
    /// The next whole incoming message and the pipe it came from, EAGAIN if there is none yet,
    /// or a final error.
    fn recv(&mut self, cx: &mut Cx<'_>) -> Result<(u64, Parcel)>;
    /// True if `recv` would find a message now (ZMQ_POLLIN). Patterns that discard malformed
    /// messages may report a message that `recv` then drops.
    fn has_in(&mut self, cx: &mut Cx<'_>) -> bool;
    /// True if a message could be sent now (ZMQ_POLLOUT).
    fn has_out(&mut self, cx: &mut Cx<'_>) -> bool;
    /// ZMQ_SUBSCRIBE / ZMQ_UNSUBSCRIBE; EINVAL where the type has no subscriptions.
    fn subscribe(&mut self, _topic: &[u8], _subscribe: bool, _cx: &mut Cx<'_>) -> Result<()> {
        Err(crate::error::Error::EINVAL)
    }
    /// The routing id a pattern gave pipe `id` (STREAM), if it gives ids.
    fn routing_id_of(&self, _id: u64) -> Option<Vec<u8>> {
        None
    }
    /// Pipe `id` leads to a datagram or multicast transport, whose peers cannot say what
    /// they joined or subscribed to: a RADIO (libzmq's `_udp_pipes`) and a PUB or XPUB over
    /// pgm/epgm (libzmq's `subscribe_to_all`) send it every message.
    fn datagram_peer(&mut self, _id: u64) {}
    /// The 32-bit routing id a SERVER or PEER gave pipe `id` (`connect_peer`'s answer).
    fn peer_routing_id(&self, _pipe: u64) -> Option<u32> {
        None
    }
    /// What the peer with `routing_id` can take now: POLLOUT if a message to it would not
    /// block (`zmq_socket_get_peer_state`, ROUTER only: ENOTSUP elsewhere, as libzmq's).
    fn peer_state(&self, _routing_id: &[u8], _cx: &mut Cx<'_>) -> Result<crate::PollEvents> {
        Err(crate::error::Error::ENOTSUP)
    }
    /// ZMQ_TOPICS_COUNT: distinct topics subscribed, for the types that have subscriptions.
    fn topics_count(&self) -> Option<usize> {
        None
    }
    /// Whether this type takes socket-type option `id` (ROUTER_MANDATORY, XPUB_VERBOSE,
    /// CONFLATE…: the option table's `Scope::Pattern` entries); setting one it does not take
    /// is EINVAL, as in libzmq.
    fn takes_option(&self, _id: i32) -> bool {
        false
    }
}

/// Sends an empty message to a new peer if ZMQ_PROBE_ROUTER is set (ROUTER, DEALER, REQ), so a
/// ROUTER on the other side learns of us before we have anything to say.
pub(crate) fn probe(id: u64, cx: &mut Cx<'_>) {
    if cx.options.probe_router {
        if let Some(p) = cx.pipes.get(id) {
            p.write(Parcel::One(Message::new()));
        }
    }
}

/// Prepends `head` to a message's frames.
pub(crate) fn prepend(head: Message, parcel: Parcel) -> Parcel {
    let mut frames = Vec::with_capacity(2);
    frames.push(head);
    match parcel {
        Parcel::One(m) => frames.push(m),
        Parcel::Multi(v) => frames.extend(v),
        Parcel::Subscribe(_) | Parcel::Cancel(_) => {}
    }
    Parcel::Multi(frames)
}

/// A message in the ZMTP 3.0 subscription form: `0x01` (subscribe) or `0x00` (unsubscribe)
/// followed by the topic.
pub(crate) fn is_subscription(frame: &Message) -> bool {
    frame.first().is_some_and(|&b| b <= 1)
}
