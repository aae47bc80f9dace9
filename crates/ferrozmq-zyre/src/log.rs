//! The ZRE logging protocol (the guide's `zre_log_msg`, chapter 8; Zyre carried it until
//! 2014 and has dropped it since): nodes PUB binary log records to every collector whose
//! endpoint a peer announced in its HELLO header [`HEADER`] (`X-ZRELOG`); the collector
//! SUBscribes to everything. One frame: signature `0xAA 0xA2`, id 1 (LOG), level, event,
//! node and peer ids (16-bit hashes of their endpoints, [`node_id`]), the time (64-bit
//! seconds since the epoch) and a `string` of text.
//!
//! ```
//! use ferrozmq_zyre::log::{node_id, LogMessage, EVENT_JOIN, LEVEL_INFO};
//! let log = LogMessage {
//!     level: LEVEL_INFO,
//!     event: EVENT_JOIN,
//!     node: node_id("tcp://127.0.0.1:49152"),
//!     peer: 0,
//!     time: 1_700_000_000,
//!     data: "CHAT".into(),
//! };
//! assert_eq!(LogMessage::decode(&log.encode().unwrap()).unwrap(), log);
//! ```

use crate::wire::{Malformed, Reader, TooLong, Writer};

/// The first two bytes of every log message (`0xAAA0 | 2`).
pub const SIGNATURE: [u8; 2] = [0xAA, 0xA2];
/// The HELLO header with which a collector announces its SUB endpoint.
pub const HEADER: &str = "X-ZRELOG";
/// The LOG message's id.
pub const LOG: u8 = 1;
/// Level: an error.
pub const LEVEL_ERROR: u8 = 1;
/// Level: a warning.
pub const LEVEL_WARNING: u8 = 2;
/// Level: information (what nodes send for their events).
pub const LEVEL_INFO: u8 = 3;
/// Event: we joined a group (data: the group).
pub const EVENT_JOIN: u8 = 1;
/// Event: we left a group (data: the group).
pub const EVENT_LEAVE: u8 = 2;
/// Event: a peer entered (data: its endpoint).
pub const EVENT_ENTER: u8 = 3;
/// Event: a peer exited (data: its endpoint).
pub const EVENT_EXIT: u8 = 4;

/// One log record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogMessage {
    /// [`LEVEL_ERROR`], [`LEVEL_WARNING`] or [`LEVEL_INFO`].
    pub level: u8,
    /// What happened ([`EVENT_JOIN`] …; 0 for none).
    pub event: u8,
    /// The recording node's id ([`node_id`] of its endpoint).
    pub node: u16,
    /// The peer the event is about (0 for none).
    pub peer: u16,
    /// When, in seconds since the Unix epoch.
    pub time: u64,
    /// Text, at most 255 bytes.
    pub data: String,
}

impl LogMessage {
    /// The frame; [`TooLong`] for data over 255 bytes.
    pub fn encode(&self) -> Result<Vec<u8>, TooLong> {
        let mut w = Writer::default();
        w.data.extend_from_slice(&SIGNATURE);
        w.u8(LOG);
        w.u8(self.level);
        w.u8(self.event);
        w.u16(self.node);
        w.u16(self.peer);
        w.u64(self.time);
        w.string(&self.data)?;
        Ok(w.data)
    }

    /// Reads one frame; [`Malformed`] for a wrong signature or id, a truncated field or
    /// bytes left over.
    pub fn decode(frame: &[u8]) -> Result<LogMessage, Malformed> {
        let mut r = Reader::new(frame);
        if r.bytes(2)? != SIGNATURE {
            return Err(Malformed("not a ZRE log message (wrong signature)"));
        }
        if r.u8()? != LOG {
            return Err(Malformed("unknown ZRE log message id"));
        }
        let message = LogMessage {
            level: r.u8()?,
            event: r.u8()?,
            node: r.u16()?,
            peer: r.u16()?,
            time: r.u64()?,
            data: r.string()?,
        };
        if !r.is_empty() {
            return Err(Malformed("bytes after the ZRE log message"));
        }
        Ok(message)
    }
}

/// A node's short id in logs: the guide's modified Bernstein hash of its endpoint
/// (`hash = 33 * hash ^ byte`, in 16 bits).
pub fn node_id(endpoint: &str) -> u16 {
    (endpoint.bytes()).fold(0u16, |hash, byte| hash.wrapping_mul(33) ^ u16::from(byte))
}

/// How the guide's logger names an event.
pub fn event_name(event: u8) -> &'static str {
    match event {
        EVENT_JOIN => "Join group",
        EVENT_LEAVE => "Leave group",
        EVENT_ENTER => "Peer enters",
        EVENT_EXIT => "Peer exits",
        _ => "Log",
    }
}
