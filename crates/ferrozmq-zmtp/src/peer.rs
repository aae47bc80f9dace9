//! [`PeerInfo`]: what a peer announced in its handshake. Its own module so that the engine and
//! the mechanisms, which both produce it, need not depend on each other for it.

use bytes::Bytes;

use crate::error::LegacyVersion;
use crate::SocketType;

/// What the peer told us in its greeting and READY (or, for old peers, greeting and identity).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PeerInfo {
    /// The peer's socket type: its first `Socket-Type` property (ZMTP 3.x); the type byte of
    /// its greeting (ZMTP/2.0, checked for compatibility like 3.x). A ZMTP/1.0 peer announces
    /// no type libzmq reads, so this is a stand-in: the first type in libzmq's numbering that
    /// ours accepts ([`legacy::v1_stand_in_type`]: PUB for a SUB, PUSH for a PULL, REQ for a
    /// ROUTER …); check [`legacy`](PeerInfo::legacy) before relying on it.
    pub socket_type: SocketType,
    /// Value of the peer's `Identity` property, if it sent one (may be empty). For ZMTP/1.0 and
    /// 2.0 peers always `Some`: the body of their identity message.
    pub routing_id: Option<Bytes>,
    /// Every READY property as received, in order (names as sent); empty for old peers.
    pub properties: Vec<(String, Bytes)>,
    /// Peer greeting's minor version: 0 = ZMTP 3.0, >= 1 = 3.1 (a major > 3 counts as 3.1).
    /// 0 for ZMTP/1.0 and 2.0 peers.
    pub minor_version: u8,
    /// `Some` when the peer speaks ZMTP/1.0 or 2.0 (no commands, no heartbeats, no metadata;
    /// `socket_type` is a stand-in for 1.0); `None` for ZMTP 3.x.
    pub legacy: Option<LegacyVersion>,
}
