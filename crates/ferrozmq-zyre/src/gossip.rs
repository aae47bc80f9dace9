//! ZGOSSIP messages (CZMQ's `zgossip_msg`, the protocol Zyre's gossip discovery runs on):
//! one frame, signature `0xAA 0xA0`, message id, version 1, then the fields. A client
//! says HELLO and is sent every tuple the server knows; either side PUBLISHes a new
//! (key, value, ttl) tuple; PING is answered with PONG; INVALID tells a client the server
//! does not know it (it says HELLO again).
//!
//! ```
//! use ferrozmq_zyre::gossip::GossipMessage;
//! let publish = GossipMessage::Publish {
//!     key: "5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A".into(),
//!     value: "tcp://127.0.0.1:49152".into(),
//!     ttl: 0,
//! };
//! let frame = publish.encode().unwrap();
//! assert_eq!(GossipMessage::decode(&frame).unwrap(), publish);
//! ```

use crate::wire::{Malformed, Reader, TooLong, Writer};

/// The first two bytes of every ZGOSSIP message (`0xAAA0 | 0`).
pub const SIGNATURE: [u8; 2] = [0xAA, 0xA0];
/// The protocol version this codec speaks.
pub const VERSION: u8 = 1;
/// The longest tuple value accepted (an endpoint needs far less); a longer one is
/// malformed, so a peer cannot make a hub hold big values.
pub const MAX_VALUE: usize = 1024;

/// One ZGOSSIP message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GossipMessage {
    /// A client greets the server (id 1).
    Hello,
    /// A new tuple (id 2): for Zyre's discovery the key is a node's UUID (32 hex
    /// digits), the value its ZRE endpoint. `ttl` is in milliseconds; 0 (what Zyre
    /// sends) is forever.
    Publish {
        /// The tuple's key, unique across the gossip network (at most 255 bytes).
        key: String,
        /// The tuple's value (at most [`MAX_VALUE`] bytes).
        value: String,
        /// Time to live in milliseconds; 0 is forever.
        ttl: u32,
    },
    /// A client says it is alive (id 3).
    Ping,
    /// The server answers a PING (id 4).
    Pong,
    /// The server does not know the client (id 5).
    Invalid,
}

impl GossipMessage {
    fn id(&self) -> u8 {
        match self {
            GossipMessage::Hello => 1,
            GossipMessage::Publish { .. } => 2,
            GossipMessage::Ping => 3,
            GossipMessage::Pong => 4,
            GossipMessage::Invalid => 5,
        }
    }

    /// The command's name, for logs.
    pub fn command(&self) -> &'static str {
        match self {
            GossipMessage::Hello => "HELLO",
            GossipMessage::Publish { .. } => "PUBLISH",
            GossipMessage::Ping => "PING",
            GossipMessage::Pong => "PONG",
            GossipMessage::Invalid => "INVALID",
        }
    }

    /// The frame; [`TooLong`] for a key over 255 bytes or a value over [`MAX_VALUE`].
    pub fn encode(&self) -> Result<Vec<u8>, TooLong> {
        let mut w = Writer::default();
        w.data.extend_from_slice(&SIGNATURE);
        w.u8(self.id());
        w.u8(VERSION);
        if let GossipMessage::Publish { key, value, ttl } = self {
            if value.len() > MAX_VALUE {
                return Err(TooLong("tuple value over MAX_VALUE"));
            }
            w.string(key)?;
            w.longstr(value)?;
            w.u32(*ttl);
        }
        Ok(w.data)
    }

    /// Reads one frame; [`Malformed`] for a wrong signature, id or version, a truncated
    /// field, a value over [`MAX_VALUE`] or bytes left over.
    pub fn decode(frame: &[u8]) -> Result<GossipMessage, Malformed> {
        let mut r = Reader::new(frame);
        if r.bytes(2)? != SIGNATURE {
            return Err(Malformed("not a ZGOSSIP message (wrong signature)"));
        }
        let id = r.u8()?;
        if r.u8()? != VERSION {
            return Err(Malformed("ZGOSSIP version is not 1"));
        }
        let message = match id {
            1 => GossipMessage::Hello,
            2 => {
                let key = r.string()?;
                let value = r.bounded_longstr(MAX_VALUE)?;
                let ttl = r.u32()?;
                GossipMessage::Publish { key, value, ttl }
            }
            3 => GossipMessage::Ping,
            4 => GossipMessage::Pong,
            5 => GossipMessage::Invalid,
            _ => return Err(Malformed("unknown ZGOSSIP message id")),
        };
        if !r.is_empty() {
            return Err(Malformed("bytes after the ZGOSSIP message"));
        }
        Ok(message)
    }
}
