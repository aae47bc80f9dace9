//! Sans-IO ZMTP 3.1 for ferrozmq: bytes in, frames and events out; messages in, bytes out.
//!
//! This crate holds the wire protocol that libzmq 4.3 speaks on tcp and ipc — the staged
//! greeting, the security mechanisms (NULL, PLAIN, CURVE), framing, heartbeats and subscriptions, and
//! the ZMTP/1.0 and 2.0 it still speaks to old peers — as plain state machines with no
//! sockets, threads or clocks, so that every byte can be tested and fuzzed deterministically
//! (DESIGN.md §2 rule 4; targets in the workspace's `fuzz/`). The I/O side owns the
//! connection and drives an [`Engine`] per connection.
//!
//! * [`engine`] — the per-connection state machine ([`Engine`], [`Event`], [`PeerInfo`]);
//! * [`greeting`] — the 64-byte greeting and old-peer detection;
//! * [`heartbeat`] — PING/PONG timing, driven by the time the caller passes in;
//! * [`legacy`] — what ZMTP/1.0 and 2.0 peers are sent, and their framing;
//! * [`mechanism`] — NULL, PLAIN and CURVE handshakes, ZAP requests, CURVE MESSAGE boxes;
//! * [`frame`] — frame header encoding and decoding (traffic frames then go through a codec:
//!   plain framing, or CURVE boxes — no branch on the mechanism in the engine);
//! * [`command`] — command bodies (READY, ERROR, PING, PONG, SUBSCRIBE, CANCEL, JOIN, LEAVE);
//! * [`datagram`] — RADIO/DISH messages over udp, one per datagram;
//! * [`metadata`] — property lists;
//! * [`error`] — [`EngineError`] and libzmq's protocol error codes;
//! * [`socket_type`] — [`SocketType`] and its compatibility table;
//! * [`zap`] — ZAP (RFC 27) requests and reply checks.
//!
//! Nothing here panics on peer input: every length from the wire is checked against what is
//! present and against the configured limits before it is used.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod codec;
pub mod command;
pub mod datagram;
pub mod engine;
pub mod error;
pub mod frame;
#[cfg(any(fuzzing, feature = "fuzzing"))]
#[doc(hidden)]
pub mod fuzzing;
pub mod greeting;
pub mod heartbeat;
pub mod legacy;
pub mod mechanism;
pub mod metadata;
mod peer;
mod random;
pub mod socket_type;
pub mod zap;
pub mod zws;

pub use engine::{Engine, EngineConfig, Event, Outgoing, PeerInfo, MAX_HANDSHAKE_COMMAND};
pub use error::{EngineError, LegacyVersion};
pub use frame::{Framing, ZmtpFraming};
pub use heartbeat::HeartbeatConfig;
pub use mechanism::{Mechanism, ZapRequest};
pub use random::Randomness;
pub use socket_type::SocketType;
