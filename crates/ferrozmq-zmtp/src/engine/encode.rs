//! The engine's one way out: [`Engine::encode`] writes an [`Outgoing`] unit (a data frame,
//! a frame header for a body sent by reference, a subscription, a PING) in the connection's
//! negotiated framing and traffic codec.

use super::{Engine, Phase};
use crate::command;
use crate::frame::{self, Framing};

/// One unit the caller sends through [`Engine::encode`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outgoing<'a> {
    /// A whole data frame (header + body). Multipart messages are consecutive frames, `more`
    /// set on all but the last.
    Frame {
        /// More frames of this message follow.
        more: bool,
        /// The frame's payload.
        body: &'a [u8],
    },
    /// Only the header of a data frame whose `len`-byte body the caller writes itself right
    /// after it (large bodies without a copy). Writes nothing once CURVE traffic flows, whose
    /// boxes seal header and body together: check [`Engine::encrypts`] first.
    FrameHeader {
        /// More frames of this message follow.
        more: bool,
        /// Length of the body that follows.
        len: usize,
    },
    /// A subscription to `topic` (PUB/XPUB peers filter on it).
    Subscribe(&'a [u8]),
    /// The cancellation of a subscription to `topic`.
    Cancel(&'a [u8]),
    /// A DISH joining `group` (a JOIN command, as libzmq sends it to every ZMTP 3.x peer).
    Join(&'a [u8]),
    /// A DISH leaving `group` (a LEAVE command).
    Leave(&'a [u8]),
    /// A PING heartbeat with `ttl` (tenths of a second) and up to 16 bytes of `context`
    /// (longer contexts are cut, as libzmq does).
    Ping {
        /// How long the peer may wait for traffic before giving up on us.
        ttl: u16,
        /// Echoed back in the peer's PONG.
        context: &'a [u8],
    },
}

impl<F: Framing> Engine<F> {
    /// Appends `unit` to `out` in the negotiated framing, as libzmq's encoders write it:
    ///
    /// * data frames in ZMTP 3.x (and 2.0) framing with LONG iff body > 255 bytes, or ZMTP/1.0
    ///   framing (long form iff body + 1 ≥ 255) for 1.0 peers; until the peer's revision is
    ///   known, 3.x framing; once CURVE traffic flows ([`encrypts`](Engine::encrypts)) each
    ///   frame is sealed in a MESSAGE box;
    /// * subscriptions as RFC 37/libzmq: SUBSCRIBE/CANCEL commands to 3.1 peers,
    ///   0x01/0x00-prefixed data messages to 3.0, 2.0 and 1.0 peers (in their framing); before
    ///   the peer's greeting is known the data-frame form, which every ZMTP 3.x receiver
    ///   (libzmq XPUB included) accepts; nothing on a raw connection;
    /// * PING only to ZMTP 3.x peers (1.0 and 2.0 have no commands, libzmq never pings them).
    ///
    /// Over CURVE, commands and subscriptions travel boxed too. Write `out` at a message
    /// boundary of the connection's output, as [`take_output`](Engine::take_output)'s bytes.
    #[inline(always)]
    pub fn encode(&mut self, unit: Outgoing<'_>, out: &mut Vec<u8>) {
        match unit {
            Outgoing::Frame { more, body } if self.plain_traffic => {
                // Plain ZMTP 3.x without the dynamic codec call (once per small message).
                out.reserve(body.len().saturating_add(frame::MAX_HEADER_LEN));
                let flags = if more { frame::FLAG_MORE } else { 0 };
                self.framing.encode_header(flags, body.len(), out);
                out.extend_from_slice(body);
            }
            unit => self.encode_through_codec(unit, out),
        }
    }

    /// [`encode`](Engine::encode) for everything but a plain data frame.
    #[inline(never)]
    fn encode_through_codec(&mut self, unit: Outgoing<'_>, out: &mut Vec<u8>) {
        match unit {
            Outgoing::Frame { more, body } => {
                self.codec.encode_data(&self.framing, more, &[], body, out);
            }
            Outgoing::FrameHeader { more, len } => {
                self.codec.encode_data_header(&self.framing, more, len, out);
            }
            Outgoing::Subscribe(topic) => self.encode_subscription(true, topic, out),
            Outgoing::Cancel(topic) => self.encode_subscription(false, topic, out),
            Outgoing::Join(group) => self.encode_group(command::JOIN, group, out),
            Outgoing::Leave(group) => self.encode_group(command::LEAVE, group, out),
            Outgoing::Ping { ttl, context } => {
                let context = context.get(..command::MAX_PING_CONTEXT).unwrap_or(context);
                let ttl = ttl.to_be_bytes();
                self.codec
                    .encode_command(&self.framing, command::PING, &ttl, context, out);
            }
        }
    }

    /// JOIN/LEAVE: commands whatever the peer's minor revision (libzmq's `dish_session_t`
    /// writes command frames; RADIO/DISH peers are ZMTP 3.x); nothing to older or raw peers,
    /// which have no RADIO.
    fn encode_group(&mut self, name: &[u8], group: &[u8], out: &mut Vec<u8>) {
        if self.phase == Phase::Raw || self.legacy.is_some() {
            return;
        }
        self.codec
            .encode_command(&self.framing, name, &[], group, out);
    }

    fn encode_subscription(&mut self, subscribe: bool, topic: &[u8], out: &mut Vec<u8>) {
        if self.phase == Phase::Raw {
            return;
        }
        // Commands to 3.1 peers; to 3.0 ones (and, over CURVE, libzmq's "downgrade_sub")
        // a message led by 0x01/0x00.
        let as_command = self.legacy.is_none() && self.peer_minor.is_some_and(|m| m >= 1);
        if as_command {
            let name = if subscribe {
                command::SUBSCRIBE
            } else {
                command::CANCEL
            };
            self.codec
                .encode_command(&self.framing, name, &[], topic, out);
        } else {
            let prefix = [u8::from(subscribe)];
            self.codec
                .encode_data(&self.framing, false, &prefix, topic, out);
        }
    }
}
