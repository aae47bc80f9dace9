//! ZRE messages (RFC 36, protocol version 2, as Zyre 2's `zre_msg` and pyre's `ZreMsg`
//! put them on the wire): the first frame is signature `0xAA 0xA1`, message id, version 2,
//! a `number2` sequence and the message's fields; WHISPER and SHOUT carry their content as
//! the frames after it.
//!
//! ```
//! use ferrozmq_zyre::message::{Body, ZreMessage};
//! let join = ZreMessage { sequence: 3, body: Body::Join { group: "CHAT".into(), status: 1 } };
//! let frames = join.encode().unwrap();
//! assert_eq!(ZreMessage::decode(&frames).unwrap(), join);
//! ```

use crate::wire::{Malformed, Reader, TooLong, Writer};
use ferrozmq::Message;
use std::collections::BTreeMap;

/// The first two bytes of every ZRE message (`0xAAA0 | 1`).
pub const SIGNATURE: [u8; 2] = [0xAA, 0xA1];
/// The protocol version this codec speaks.
pub const VERSION: u8 = 2;

/// The fields of a HELLO: how a peer introduces itself when it connects.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Hello {
    /// The sender's ROUTER endpoint (`tcp://address:port`).
    pub endpoint: String,
    /// The groups the sender is in.
    pub groups: Vec<String>,
    /// The sender's group-change counter.
    pub status: u8,
    /// The sender's name.
    pub name: String,
    /// The sender's header values.
    pub headers: BTreeMap<String, String>,
}

/// What a ZRE message says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Body {
    /// Greets a peer (id 1).
    Hello(Hello),
    /// Content for one peer (id 2).
    Whisper {
        /// The content frames.
        content: Vec<Message>,
    },
    /// Content for a group (id 3).
    Shout {
        /// The group.
        group: String,
        /// The content frames.
        content: Vec<Message>,
    },
    /// The sender joined a group (id 4).
    Join {
        /// The group.
        group: String,
        /// The sender's group-change counter after joining.
        status: u8,
    },
    /// The sender left a group (id 5).
    Leave {
        /// The group.
        group: String,
        /// The sender's group-change counter after leaving.
        status: u8,
    },
    /// Asks a quiet peer to answer (id 6).
    Ping,
    /// The answer to a PING (id 7).
    PingOk,
}

impl Body {
    fn id(&self) -> u8 {
        match self {
            Body::Hello(_) => 1,
            Body::Whisper { .. } => 2,
            Body::Shout { .. } => 3,
            Body::Join { .. } => 4,
            Body::Leave { .. } => 5,
            Body::Ping => 6,
            Body::PingOk => 7,
        }
    }

    /// The command's name as RFC 36 spells it (`PING-OK` for id 7).
    pub fn command(&self) -> &'static str {
        match self {
            Body::Hello(_) => "HELLO",
            Body::Whisper { .. } => "WHISPER",
            Body::Shout { .. } => "SHOUT",
            Body::Join { .. } => "JOIN",
            Body::Leave { .. } => "LEAVE",
            Body::Ping => "PING",
            Body::PingOk => "PING-OK",
        }
    }
}

/// One ZRE message: its sequence number (1 for HELLO, then one more per message, wrapping
/// at 65536) and what it says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ZreMessage {
    /// The per-connection sequence number.
    pub sequence: u16,
    /// The command and its fields.
    pub body: Body,
}

impl ZreMessage {
    /// The frames to send: the header frame, then any content. [`TooLong`] if a group,
    /// name, endpoint or header key is over 255 bytes, or a list over
    /// [`MAX_ENTRIES`](crate::wire::MAX_ENTRIES).
    pub fn encode(&self) -> Result<Vec<Message>, TooLong> {
        let mut w = Writer::default();
        w.data.extend_from_slice(&SIGNATURE);
        w.u8(self.body.id());
        w.u8(VERSION);
        w.u16(self.sequence);
        let content = match &self.body {
            Body::Hello(h) => {
                w.string(&h.endpoint)?;
                w.strings(h.groups.iter())?;
                w.u8(h.status);
                w.string(&h.name)?;
                w.hash(&h.headers)?;
                &[][..]
            }
            Body::Whisper { content } => content,
            Body::Shout { group, content } => {
                w.string(group)?;
                content
            }
            Body::Join { group, status } | Body::Leave { group, status } => {
                w.string(group)?;
                w.u8(*status);
                &[][..]
            }
            Body::Ping | Body::PingOk => &[][..],
        };
        let mut frames = Vec::with_capacity(1 + content.len());
        frames.push(Message::from(w.data));
        frames.extend(content.iter().cloned());
        Ok(frames)
    }

    /// Reads a message from its frames (the ROUTER's identity frame already taken off).
    /// Bytes after the last field are ignored, as zre_msg ignores them.
    pub fn decode(frames: &[Message]) -> Result<ZreMessage, Malformed> {
        let (header, content) = frames.split_first().ok_or(Malformed("no frames"))?;
        let mut r = Reader::new(header);
        if r.bytes(2)? != SIGNATURE {
            return Err(Malformed("wrong signature"));
        }
        let id = r.u8()?;
        if r.u8()? != VERSION {
            return Err(Malformed("wrong protocol version"));
        }
        let sequence = r.u16()?;
        let body = match id {
            1 => Body::Hello(Hello {
                endpoint: r.string()?,
                groups: r.strings()?,
                status: r.u8()?,
                name: r.string()?,
                headers: r.hash()?,
            }),
            2 => Body::Whisper {
                content: content.to_vec(),
            },
            3 => Body::Shout {
                group: r.string()?,
                content: content.to_vec(),
            },
            4 => Body::Join {
                group: r.string()?,
                status: r.u8()?,
            },
            5 => Body::Leave {
                group: r.string()?,
                status: r.u8()?,
            },
            6 => Body::Ping,
            7 => Body::PingOk,
            _ => return Err(Malformed("unknown message id")),
        };
        Ok(ZreMessage { sequence, body })
    }
}
