//! Why an [`Engine`](crate::Engine) gave up on a connection, and how libzmq would report it.
//!
//! Every failure is fatal for the connection: the caller closes it and, for handshake failures,
//! tells the socket monitor. [`EngineError::protocol_error_code`] gives the
//! `ZMQ_PROTOCOL_ERROR_*` value that goes into a `ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL` event.

use std::fmt;

/// libzmq's `ZMQ_PROTOCOL_ERROR_*` values (`include/zmq.h`), the payload of a
/// `ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL` monitor event. Kept numerically identical so monitor
/// consumers written for libzmq understand ours.
pub mod protocol_error {
    /// `ZMQ_PROTOCOL_ERROR_ZMTP_UNSPECIFIED`: a ZMTP failure with no more precise code.
    pub const ZMTP_UNSPECIFIED: u32 = 0x1000_0000;
    /// `ZMQ_PROTOCOL_ERROR_ZMTP_UNEXPECTED_COMMAND`: a command (or data) the state did not allow.
    pub const ZMTP_UNEXPECTED_COMMAND: u32 = 0x1000_0001;
    /// `ZMQ_PROTOCOL_ERROR_ZMTP_INVALID_SEQUENCE`: commands out of order.
    pub const ZMTP_INVALID_SEQUENCE: u32 = 0x1000_0002;
    /// `ZMQ_PROTOCOL_ERROR_ZMTP_KEY_EXCHANGE`: a security key exchange failed.
    pub const ZMTP_KEY_EXCHANGE: u32 = 0x1000_0003;
    /// `ZMQ_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_UNSPECIFIED`: a command that does not parse.
    pub const ZMTP_MALFORMED_COMMAND_UNSPECIFIED: u32 = 0x1000_0011;
    /// `ZMQ_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_MESSAGE`: a malformed CURVE MESSAGE.
    pub const ZMTP_MALFORMED_COMMAND_MESSAGE: u32 = 0x1000_0012;
    /// `ZMQ_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_HELLO`: a malformed HELLO.
    pub const ZMTP_MALFORMED_COMMAND_HELLO: u32 = 0x1000_0013;
    /// `ZMQ_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_INITIATE`: a malformed INITIATE.
    pub const ZMTP_MALFORMED_COMMAND_INITIATE: u32 = 0x1000_0014;
    /// `ZMQ_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_ERROR`: a malformed ERROR.
    pub const ZMTP_MALFORMED_COMMAND_ERROR: u32 = 0x1000_0015;
    /// `ZMQ_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_READY`: a malformed READY.
    pub const ZMTP_MALFORMED_COMMAND_READY: u32 = 0x1000_0016;
    /// `ZMQ_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_WELCOME`: a malformed WELCOME.
    pub const ZMTP_MALFORMED_COMMAND_WELCOME: u32 = 0x1000_0017;
    /// `ZMQ_PROTOCOL_ERROR_ZMTP_INVALID_METADATA`: a property list that does not parse or
    /// carries an unacceptable value.
    pub const ZMTP_INVALID_METADATA: u32 = 0x1000_0018;
    /// `ZMQ_PROTOCOL_ERROR_ZMTP_CRYPTOGRAPHIC`: a box failed to open.
    pub const ZMTP_CRYPTOGRAPHIC: u32 = 0x1100_0001;
    /// `ZMQ_PROTOCOL_ERROR_ZMTP_MECHANISM_MISMATCH`: the peers announced different mechanisms.
    pub const ZMTP_MECHANISM_MISMATCH: u32 = 0x1100_0002;
}

/// A pre-3.0 ZMTP revision, detected the way libzmq does (RFC 37 "Detecting ZMTP 1.0 and 2.0
/// Peers"). The engine speaks it (see [`PeerInfo::legacy`](crate::PeerInfo::legacy)) unless
/// [`EngineConfig::allow_legacy`](crate::EngineConfig::allow_legacy) is false, in which case
/// [`EngineError::UnsupportedVersion`] says which one knocked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LegacyVersion {
    /// ZMTP/1.0 (RFC 13): an identity frame instead of a greeting, or revision byte 0x00.
    Zmtp10,
    /// ZMTP/2.0 (RFC 15): revision byte 0x01.
    Zmtp20,
}

impl fmt::Display for LegacyVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            LegacyVersion::Zmtp10 => "ZMTP/1.0",
            LegacyVersion::Zmtp20 => "ZMTP/2.0",
        })
    }
}

/// Why the engine gave up on a connection; the connection must then be closed.
///
/// Values are small and cloneable: the engine remembers its failure and returns it again if it
/// is fed more input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EngineError {
    /// The first bytes are neither a ZMTP 3.x greeting nor a plausible ZMTP/1.0 identity frame
    /// (e.g. an HTTP client or a port scanner).
    NotZmtp,
    /// The peer speaks ZMTP/1.0 or 2.0 and
    /// [`EngineConfig::allow_legacy`](crate::EngineConfig::allow_legacy) is false (libzmq
    /// refuses such peers whenever a security mechanism or ZAP is on).
    UnsupportedVersion(LegacyVersion),
    /// The peer's greeting names another security mechanism than ours.
    MechanismMismatch {
        /// The peer's mechanism name up to the first NUL, lossily decoded.
        peer: String,
        /// Ours (`"NULL"`, `"PLAIN"` or `"CURVE"`).
        ours: &'static str,
    },
    /// A well-formed frame that the protocol state does not allow: data before the handshake
    /// finished, READY twice, or a command other than READY/ERROR during the handshake.
    UnexpectedCommand {
        /// The command's name, or `"data frame"` for a message frame.
        name: String,
    },
    /// A command frame that does not parse: empty or truncated name, MORE flag set, too large
    /// for the handshake, or a body too short for its command (ERROR, PING).
    MalformedCommand {
        /// The command's name when it could be read, else empty.
        command: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The READY property list is malformed or lacks `Socket-Type`.
    InvalidMetadata {
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The peer's `Socket-Type` is unknown or may not talk to ours (RFC 37 table).
    IncompatibleSocketType {
        /// The type name the peer sent, lossily decoded and cut to 255 bytes.
        peer: String,
    },
    /// A frame header no peer may send: a ZMTP/1.0 length of 0 (libzmq fails with EPROTO).
    MalformedFrame {
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A frame larger than `max_msg_size` (or than this machine can address), or a ZMTP/1.0 or
    /// 2.0 identity message larger than [`MAX_HANDSHAKE_COMMAND`](crate::MAX_HANDSHAKE_COMMAND).
    MessageTooLarge {
        /// The size the frame header declared.
        size: u64,
        /// The limit it exceeded.
        limit: u64,
    },
    /// A CURVE box did not open (wrong key, tampered bytes) or a cookie did not match what
    /// this connection issued; libzmq's `ZMTP_CRYPTOGRAPHIC`.
    Cryptographic {
        /// Which box failed.
        what: &'static str,
    },
    /// A CURVE INITIATE's vouch names another transient key than the client's HELLO did;
    /// libzmq's `ZMTP_KEY_EXCHANGE`.
    KeyExchange {
        /// What did not match.
        reason: &'static str,
    },
    /// A CURVE MESSAGE whose nonce is not greater than the last one (a replayed or reordered
    /// box); libzmq's `ZMTP_INVALID_SEQUENCE`.
    InvalidSequence {
        /// The nonce received.
        nonce: u64,
        /// The highest nonce seen before it.
        last: u64,
    },
    /// The caller's ZAP handler refused the peer ([`Engine::zap_reply`](crate::Engine::zap_reply)
    /// with a status other than 200); libzmq reports it as `HANDSHAKE_FAILED_AUTH`.
    ZapDenied {
        /// The ZAP status code (300, 400 or 500).
        status: u16,
    },
    /// The peer sent an ERROR command.
    PeerError {
        /// The reason text it gave (libzmq sends a ZAP status code such as `"400"`).
        reason: String,
    },
    /// Heartbeats are on and the peer stayed silent past HEARTBEAT_TIMEOUT after one of our
    /// PINGs, or past the TTL its own last PING announced (from
    /// [`Engine::handle_timeout`](crate::Engine::handle_timeout)).
    HeartbeatExpired,
}

impl EngineError {
    /// The libzmq monitor value for HANDSHAKE_FAILED_PROTOCOL (ZMQ_PROTOCOL_ERROR_* code,
    /// e.g. 0x10000011 malformed command, 0x11000002 mechanism mismatch), or None when the
    /// failure is not a protocol error (e.g. message too large -> libzmq reports EMSGSIZE).
    ///
    /// `None` for [`MessageTooLarge`](EngineError::MessageTooLarge) and
    /// [`PeerError`](EngineError::PeerError) (libzmq reports a ZAP status through
    /// HANDSHAKE_FAILED_AUTH instead, see [`zap_status_code`](EngineError::zap_status_code)).
    /// Where libzmq itself drops the connection without a detailed event (incompatible socket
    /// type, bad metadata, refused old peers) the closest code is given so monitors still learn
    /// why.
    pub fn protocol_error_code(&self) -> Option<u32> {
        use protocol_error::*;
        match self {
            EngineError::NotZmtp
            | EngineError::UnsupportedVersion(_)
            | EngineError::MalformedFrame { .. } => Some(ZMTP_UNSPECIFIED),
            EngineError::MechanismMismatch { .. } => Some(ZMTP_MECHANISM_MISMATCH),
            EngineError::UnexpectedCommand { .. } => Some(ZMTP_UNEXPECTED_COMMAND),
            EngineError::MalformedCommand { command, .. } => Some(match command.as_str() {
                "READY" => ZMTP_MALFORMED_COMMAND_READY,
                "ERROR" => ZMTP_MALFORMED_COMMAND_ERROR,
                "HELLO" => ZMTP_MALFORMED_COMMAND_HELLO,
                "WELCOME" => ZMTP_MALFORMED_COMMAND_WELCOME,
                "INITIATE" => ZMTP_MALFORMED_COMMAND_INITIATE,
                "MESSAGE" => ZMTP_MALFORMED_COMMAND_MESSAGE,
                _ => ZMTP_MALFORMED_COMMAND_UNSPECIFIED,
            }),
            EngineError::InvalidMetadata { .. } | EngineError::IncompatibleSocketType { .. } => {
                Some(ZMTP_INVALID_METADATA)
            }
            EngineError::Cryptographic { .. } => Some(ZMTP_CRYPTOGRAPHIC),
            EngineError::KeyExchange { .. } => Some(ZMTP_KEY_EXCHANGE),
            EngineError::InvalidSequence { .. } => Some(ZMTP_INVALID_SEQUENCE),
            EngineError::MessageTooLarge { .. }
            | EngineError::HeartbeatExpired
            | EngineError::PeerError { .. }
            | EngineError::ZapDenied { .. } => None,
        }
    }

    /// The ZAP status (300, 400 or 500) for a `ZMQ_EVENT_HANDSHAKE_FAILED_AUTH` event: our own
    /// ZAP refusal ([`ZapDenied`](EngineError::ZapDenied)), or the peer's ERROR reason when it
    /// is one (libzmq's `mechanism_base_t::handle_error_reason`).
    pub fn zap_status_code(&self) -> Option<u32> {
        match self {
            EngineError::ZapDenied { status } => Some(u32::from(*status)),
            EngineError::PeerError { reason } => match reason.as_bytes() {
                [d @ b'3'..=b'5', b'0', b'0'] => Some(u32::from(d - b'0') * 100),
                _ => None,
            },
            _ => None,
        }
    }
}

impl fmt::Display for EngineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EngineError::NotZmtp => f.write_str("peer did not send a ZMTP greeting"),
            EngineError::UnsupportedVersion(v) => {
                write!(
                    f,
                    "peer speaks {v}, refused: old protocols are disabled here"
                )
            }
            EngineError::MechanismMismatch { peer, ours } => {
                write!(
                    f,
                    "security mechanism mismatch: peer uses {peer:?}, we use {ours:?}"
                )
            }
            EngineError::UnexpectedCommand { name } => {
                write!(f, "unexpected {name} in this protocol state")
            }
            EngineError::MalformedCommand { command, reason } if command.is_empty() => {
                write!(f, "malformed command: {reason}")
            }
            EngineError::MalformedCommand { command, reason } => {
                write!(f, "malformed {command} command: {reason}")
            }
            EngineError::InvalidMetadata { reason } => write!(f, "invalid metadata: {reason}"),
            EngineError::MalformedFrame { reason } => write!(f, "malformed frame: {reason}"),
            EngineError::IncompatibleSocketType { peer } => {
                write!(f, "peer socket type {peer:?} is incompatible with ours")
            }
            EngineError::MessageTooLarge { size, limit } => {
                write!(
                    f,
                    "frame of {size} bytes exceeds the limit of {limit} bytes"
                )
            }
            EngineError::Cryptographic { what } => write!(f, "CURVE {what} did not open"),
            EngineError::KeyExchange { reason } => write!(f, "CURVE key exchange failed: {reason}"),
            EngineError::InvalidSequence { nonce, last } => write!(
                f,
                "CURVE MESSAGE nonce {nonce} is not above the last one ({last}): replay or reorder"
            ),
            EngineError::ZapDenied { status } => {
                write!(f, "ZAP handler refused the peer with status {status}")
            }
            EngineError::PeerError { reason } => write!(f, "peer sent ERROR: {reason:?}"),
            EngineError::HeartbeatExpired => {
                f.write_str("peer silent past the heartbeat timeout or its PING's TTL")
            }
        }
    }
}

impl std::error::Error for EngineError {}

/// Text of a peer-supplied value for an error, cut to 255 bytes.
pub(crate) fn lossy_prefix(value: &[u8]) -> String {
    String::from_utf8_lossy(value.get(..255).unwrap_or(value)).into_owned()
}

/// The failure a peer's ERROR command means (its reason, e.g. a ZAP status).
pub(crate) fn peer_error(reason: &[u8]) -> EngineError {
    EngineError::PeerError {
        reason: lossy_prefix(reason),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_match_libzmq() {
        let e = EngineError::MechanismMismatch {
            peer: "PLAIN".into(),
            ours: "CURVE",
        };
        assert_eq!(e.protocol_error_code(), Some(0x1100_0002));
        assert!(e.to_string().contains("\"CURVE\""));
        let e = EngineError::Cryptographic { what: "HELLO box" };
        assert_eq!(e.protocol_error_code(), Some(0x1100_0001));
        let e = EngineError::InvalidSequence { nonce: 3, last: 3 };
        assert_eq!(e.protocol_error_code(), Some(0x1000_0002));
        let e = EngineError::KeyExchange { reason: "x" };
        assert_eq!(e.protocol_error_code(), Some(0x1000_0003));
        let e = EngineError::MalformedCommand {
            command: String::new(),
            reason: "x",
        };
        assert_eq!(e.protocol_error_code(), Some(0x1000_0011));
        let e = EngineError::MalformedCommand {
            command: "ERROR".into(),
            reason: "x",
        };
        assert_eq!(e.protocol_error_code(), Some(0x1000_0015));
        let e = EngineError::MessageTooLarge { size: 10, limit: 5 };
        assert_eq!(e.protocol_error_code(), None);
        assert!(e.to_string().contains("10"));
    }

    #[test]
    fn zap_status_from_error_reason() {
        let e = |r: &str| EngineError::PeerError { reason: r.into() };
        assert_eq!(e("400").zap_status_code(), Some(400));
        assert_eq!(e("300").zap_status_code(), Some(300));
        assert_eq!(e("200").zap_status_code(), None);
        assert_eq!(e("4000").zap_status_code(), None);
        assert_eq!(EngineError::NotZmtp.zap_status_code(), None);
        let denied = EngineError::ZapDenied { status: 400 };
        assert_eq!(denied.zap_status_code(), Some(400));
        assert_eq!(denied.protocol_error_code(), None);
    }
}
