//! ZMTP command bodies (`name-len(1) | name | data`) for the NULL mechanism and ZMTP 3.1:
//! READY, ERROR, PING, PONG, SUBSCRIBE, CANCEL, and RADIO/DISH's JOIN and LEAVE (RFC 48). Parsing hands out slices of the frame body;
//! building appends whole command frames (header included).
//!
//! Names are compared byte-for-byte (case-sensitive), as libzmq does.

use bytes::Bytes;

use crate::error::EngineError;
use crate::frame::{encode_header, FLAG_COMMAND};
use crate::metadata;
use crate::SocketType;

/// READY command name.
pub const READY: &[u8] = b"READY";
/// ERROR command name.
pub const ERROR: &[u8] = b"ERROR";
/// PING command name.
pub const PING: &[u8] = b"PING";
/// PONG command name.
pub const PONG: &[u8] = b"PONG";
/// SUBSCRIBE command name.
pub const SUBSCRIBE: &[u8] = b"SUBSCRIBE";
/// CANCEL command name.
pub const CANCEL: &[u8] = b"CANCEL";
/// JOIN command name (a DISH joins a group, RFC 48).
pub const JOIN: &[u8] = b"JOIN";
/// LEAVE command name (a DISH leaves a group, RFC 48).
pub const LEAVE: &[u8] = b"LEAVE";

/// Longest PING context echoed in a PONG (RFC 37; libzmq truncates longer ones).
pub const MAX_PING_CONTEXT: usize = 16;

/// A parsed command; data fields are slices of the frame body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// `READY` with its raw property list (parse it with [`metadata::parse`]).
    Ready(Bytes),
    /// `ERROR` with its reason text.
    Error(Bytes),
    /// `PING` with the sender's TTL (deciseconds) and context (any length as received).
    Ping {
        /// Time to live in tenths of a second; 0 = none.
        ttl: u16,
        /// Opaque context to echo in the PONG.
        context: Bytes,
    },
    /// `PONG` with the echoed context.
    Pong(Bytes),
    /// `SUBSCRIBE` with the topic.
    Subscribe(Bytes),
    /// `CANCEL` with the topic.
    Cancel(Bytes),
    /// `JOIN` with the group (any length as received; the socket checks it).
    Join(Bytes),
    /// `LEAVE` with the group.
    Leave(Bytes),
    /// Any other well-formed command (ignored after the handshake, refused during it).
    Unknown {
        /// The command name as sent.
        name: Bytes,
        /// Everything after the name.
        data: Bytes,
    },
}

impl Command {
    /// The command's name as text (for errors).
    pub fn name(&self) -> String {
        let raw: &[u8] = match self {
            Command::Ready(_) => READY,
            Command::Error(_) => ERROR,
            Command::Ping { .. } => PING,
            Command::Pong(_) => PONG,
            Command::Subscribe(_) => SUBSCRIBE,
            Command::Cancel(_) => CANCEL,
            Command::Join(_) => JOIN,
            Command::Leave(_) => LEAVE,
            Command::Unknown { name, .. } => name,
        };
        String::from_utf8_lossy(raw).into_owned()
    }
}

fn malformed(command: &[u8], reason: &'static str) -> EngineError {
    EngineError::MalformedCommand {
        command: String::from_utf8_lossy(command).into_owned(),
        reason,
    }
}

/// Parses a command frame's body.
pub fn parse(body: Bytes) -> Result<Command, EngineError> {
    let Some(&name_len) = body.first() else {
        return Err(malformed(b"", "empty command frame"));
    };
    let name_len = usize::from(name_len);
    if name_len == 0 {
        return Err(malformed(b"", "empty command name"));
    }
    let name_end = 1 + name_len;
    if body.len() < name_end {
        return Err(malformed(b"", "command name longer than the frame"));
    }
    let name = body.slice(1..name_end);
    let data = body.slice(name_end..);
    Ok(match &name[..] {
        READY => Command::Ready(data),
        ERROR => {
            // reason-len(1) | reason; trailing bytes are tolerated like libzmq.
            let Some(&reason_len) = data.first() else {
                return Err(malformed(ERROR, "missing reason length"));
            };
            let reason_end = 1 + usize::from(reason_len);
            if data.len() < reason_end {
                return Err(malformed(ERROR, "reason longer than the command"));
            }
            Command::Error(data.slice(1..reason_end))
        }
        PING => {
            let Some(ttl) = data.get(..2).and_then(|b| <[u8; 2]>::try_from(b).ok()) else {
                return Err(malformed(PING, "missing TTL"));
            };
            Command::Ping {
                ttl: u16::from_be_bytes(ttl),
                context: data.slice(2..),
            }
        }
        PONG => Command::Pong(data),
        SUBSCRIBE => Command::Subscribe(data),
        CANCEL => Command::Cancel(data),
        JOIN => Command::Join(data),
        LEAVE => Command::Leave(data),
        _ => Command::Unknown { name, data },
    })
}

/// Appends a command frame `name` + `data` (header included; LONG iff the body > 255 bytes).
/// `name` is ours: 1..=255 bytes.
pub fn encode(name: &[u8], data: &[u8], out: &mut Vec<u8>) {
    debug_assert!(!name.is_empty() && name.len() <= 255);
    encode_header(FLAG_COMMAND, 1 + name.len() + data.len(), out);
    out.push(name.len() as u8);
    out.extend_from_slice(name);
    out.extend_from_slice(data);
}

/// Appends the NULL mechanism's READY: `Socket-Type`, then `Identity` only for socket types
/// that send one (REQ, DEALER, ROUTER), exactly as libzmq orders and spells them.
pub fn encode_ready(socket_type: SocketType, routing_id: &[u8], out: &mut Vec<u8>) {
    let type_name = socket_type.name();
    let mut props = Vec::with_capacity(
        metadata::property_len(metadata::SOCKET_TYPE, type_name.len())
            + metadata::property_len(metadata::IDENTITY, routing_id.len()),
    );
    metadata::encode_property(metadata::SOCKET_TYPE, type_name.as_bytes(), &mut props);
    if socket_type.sends_identity() {
        metadata::encode_property(metadata::IDENTITY, routing_id, &mut props);
    }
    encode(READY, &props, out);
}

/// Appends an ERROR with `reason` (cut to 255 bytes, the field's limit).
pub fn encode_error(reason: &[u8], out: &mut Vec<u8>) {
    let reason = reason.get(..255).unwrap_or(reason);
    let mut data = Vec::with_capacity(1 + reason.len());
    data.push(reason.len() as u8);
    data.extend_from_slice(reason);
    encode(ERROR, &data, out);
}

/// Appends a PING with `ttl` (deciseconds) and `context` (cut to [`MAX_PING_CONTEXT`] bytes).
pub fn encode_ping(ttl: u16, context: &[u8], out: &mut Vec<u8>) {
    let context = context.get(..MAX_PING_CONTEXT).unwrap_or(context);
    let mut data = Vec::with_capacity(2 + context.len());
    data.extend_from_slice(&ttl.to_be_bytes());
    data.extend_from_slice(context);
    encode(PING, &data, out);
}

/// Appends a PONG echoing `context` (cut to [`MAX_PING_CONTEXT`] bytes, as libzmq does).
pub fn encode_pong(context: &[u8], out: &mut Vec<u8>) {
    let context = context.get(..MAX_PING_CONTEXT).unwrap_or(context);
    encode(PONG, context, out);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn golden_ready_dealer() {
        let mut out = Vec::new();
        encode_ready(SocketType::DEALER, b"", &mut out);
        let mut want = vec![4, 41, 5];
        want.extend_from_slice(b"READY");
        want.push(11);
        want.extend_from_slice(b"Socket-Type");
        want.extend_from_slice(&[0, 0, 0, 6]);
        want.extend_from_slice(b"DEALER");
        want.push(8);
        want.extend_from_slice(b"Identity");
        want.extend_from_slice(&[0, 0, 0, 0]);
        assert_eq!(want.len(), 43);
        assert_eq!(out, want);
    }

    #[test]
    fn golden_ready_sub_and_xpub() {
        let mut out = Vec::new();
        encode_ready(SocketType::SUB, b"ignored", &mut out);
        let mut want = vec![4, 25, 5];
        want.extend_from_slice(b"READY\x0bSocket-Type\0\0\0\x03SUB");
        assert_eq!(out, want);
        out.clear();
        encode_ready(SocketType::XPUB, b"", &mut out);
        assert_eq!(out[..2], [4, 26]);
        assert_eq!(out.len(), 28);
    }

    #[test]
    fn golden_subscribe_and_friends() {
        let mut out = Vec::new();
        encode(SUBSCRIBE, b"A", &mut out);
        assert_eq!(out, b"\x04\x0b\x09SUBSCRIBEA");
        out.clear();
        encode(CANCEL, b"A", &mut out);
        assert_eq!(out, b"\x04\x08\x06CANCELA");
        out.clear();
        encode(JOIN, b"tv", &mut out);
        assert_eq!(out, b"\x04\x07\x04JOINtv", "libzmq's dish_session_t form");
        out.clear();
        encode(LEAVE, b"tv", &mut out);
        assert_eq!(out, b"\x04\x08\x05LEAVEtv");
        out.clear();
        encode_ping(10, b"ctx", &mut out);
        assert_eq!(out, b"\x04\x0a\x04PING\x00\x0actx");
        out.clear();
        encode_pong(&[7u8; 20], &mut out);
        assert_eq!(out.len(), 2 + 5 + 16);
        out.clear();
        encode_error(b"400", &mut out);
        assert_eq!(out, b"\x04\x0a\x05ERROR\x03400");
    }

    #[test]
    fn parse_commands() {
        let p = |b: &'static [u8]| parse(Bytes::from_static(b));
        assert_eq!(p(b"\x05READY").unwrap(), Command::Ready(Bytes::new()));
        assert_eq!(
            p(b"\x05ERROR\x03400xx").unwrap(),
            Command::Error(Bytes::from_static(b"400"))
        );
        assert_eq!(
            p(b"\x04PING\x00\x05hi").unwrap(),
            Command::Ping {
                ttl: 5,
                context: Bytes::from_static(b"hi")
            }
        );
        assert_eq!(
            p(b"\x09SUBSCRIBE").unwrap(),
            Command::Subscribe(Bytes::new())
        );
        assert_eq!(
            p(b"\x06CANCELx").unwrap(),
            Command::Cancel(Bytes::from_static(b"x"))
        );
        assert_eq!(
            p(b"\x04JOINweather").unwrap(),
            Command::Join(Bytes::from_static(b"weather"))
        );
        assert_eq!(p(b"\x05LEAVE").unwrap(), Command::Leave(Bytes::new()));
        assert_eq!(p(b"\x04PONG").unwrap(), Command::Pong(Bytes::new()));
        assert_eq!(p(b"\x04ping").unwrap().name(), "ping");
        assert!(p(b"").is_err());
        assert!(p(b"\x00").is_err());
        assert!(p(b"\x05READ").is_err());
        assert!(p(b"\x04PING\x00").is_err());
        assert_eq!(
            p(b"\x05ERROR").unwrap_err().protocol_error_code(),
            Some(crate::error::protocol_error::ZMTP_MALFORMED_COMMAND_ERROR)
        );
        assert!(p(b"\x05ERROR\x04400").is_err());
    }
}
