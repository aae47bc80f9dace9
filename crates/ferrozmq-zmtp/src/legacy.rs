//! ZMTP/1.0 (RFC 13) and ZMTP/2.0 (RFC 15) as libzmq 4.3 still speaks them: the pieces of
//! greeting it sends such peers, and their framing. The engine decides when to use them.
//!
//! ```text
//! ZMTP/1.0 frame: length (1 octet if < 255, else 0xFF + 8 octets BE; counts the flags octet)
//!                 | flags (bit 0 MORE; the rest ignored) | body (length - 1 octets)
//! ZMTP/2.0 greeting: 0xFF 8×pad 0x7F | revision 0x01 | socket type (libzmq number)
//! ZMTP/2.0 frame: the ZMTP 3.x frame without commands (see [`frame`](crate::frame))
//! ```
//!
//! Both revisions start with an identity message: its body is the sender's routing id.
//! Encoding follows libzmq's `v1_encoder`: the long form is used iff length (body + 1) ≥ 255.
//! Decoding follows `v1_decoder`: a length of 0 is refused, the long form is accepted for any
//! length, and only the MORE bit of the flags octet is read.

use crate::error::LegacyVersion;
use crate::frame::{self, FrameHeader, FLAG_MORE};
use crate::SocketType;

/// First octet of a ZMTP/1.0 long header: the 8-octet length follows.
pub const V1_LONG_MARKER: u8 = 0xFF;
/// Length of a ZMTP/1.0 short header (length, flags).
pub const V1_SHORT_HEADER_LEN: usize = 2;
/// Length of a ZMTP/1.0 long header (marker, 8-octet length, flags).
pub const V1_LONG_HEADER_LEN: usize = 10;
/// Revision byte (greeting offset 10) of a ZMTP/1.0 peer that sends one.
pub const REVISION_V1: u8 = 0x00;
/// Revision byte (greeting offset 10) of a ZMTP/2.0 peer.
pub const REVISION_V2: u8 = 0x01;
/// Offset of the socket-type byte in a revision 0/1 greeting.
pub const SOCKET_TYPE_POS: usize = 11;
/// Length of a revision 0/1 greeting: signature, revision, socket type.
pub const GREETING_LEN: usize = 12;
/// Highest socket-type number a ZMTP/2.0 peer can send: RFC 15 lists PAIR (0) to PUSH (8);
/// libzmq 3.x writes its own type number there, so XPUB (9) and XSUB (10) occur too.
pub const MAX_V2_SOCKET_TYPE: u8 = 10;

/// A ZMTP/1.0 header that no peer may send.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum V1HeaderError {
    /// The length field is 0, leaving no room for the flags octet (libzmq: EPROTO).
    ZeroLength,
}

impl V1HeaderError {
    /// A short human description, used in [`EngineError::MalformedFrame`](crate::EngineError).
    pub fn reason(self) -> &'static str {
        match self {
            V1HeaderError::ZeroLength => "ZMTP/1.0 frame length 0",
        }
    }
}

/// Reads a ZMTP/1.0 header from the front of `buf`: `Ok(None)` while it is incomplete. The
/// result's `size` is the body size (length - 1), `flags` holds only MORE, `header_len` is 2
/// or 10. A zero length is refused as soon as it is visible, as libzmq does.
pub fn decode_v1_header(buf: &[u8]) -> Result<Option<FrameHeader>, V1HeaderError> {
    let Some((&first, rest)) = buf.split_first() else {
        return Ok(None);
    };
    let (length, flags, header_len) = if first == V1_LONG_MARKER {
        let Some(length) = rest
            .get(..8)
            .and_then(|b| <[u8; 8]>::try_from(b).ok())
            .map(u64::from_be_bytes)
        else {
            return Ok(None);
        };
        if length == 0 {
            return Err(V1HeaderError::ZeroLength);
        }
        let Some(&flags) = rest.get(8) else {
            return Ok(None);
        };
        (length, flags, V1_LONG_HEADER_LEN)
    } else {
        if first == 0 {
            return Err(V1HeaderError::ZeroLength);
        }
        let Some(&flags) = rest.first() else {
            return Ok(None);
        };
        (u64::from(first), flags, V1_SHORT_HEADER_LEN)
    };
    Ok(Some(FrameHeader {
        flags: flags & FLAG_MORE,
        size: length - 1,
        header_len,
    }))
}

/// Appends a ZMTP/1.0 header for a body of `body_len` octets (long form iff body + 1 ≥ 255).
pub fn encode_v1_header(more: bool, body_len: usize, out: &mut Vec<u8>) {
    // usize is at most 64 bits on every supported target; a body of u64::MAX octets cannot exist.
    let length = (body_len as u64).saturating_add(1);
    match u8::try_from(length) {
        Ok(short) if short < V1_LONG_MARKER => out.push(short),
        _ => {
            out.push(V1_LONG_MARKER);
            out.extend_from_slice(&length.to_be_bytes());
        }
    }
    out.push(if more { FLAG_MORE } else { 0 });
}

/// Appends a ZMTP/1.0 frame (header + body).
pub fn encode_v1_frame(more: bool, body: &[u8], out: &mut Vec<u8>) {
    encode_v1_header(more, body.len(), out);
    out.extend_from_slice(body);
}

/// Appends a data frame header in `version`'s framing.
pub fn encode_header(version: LegacyVersion, more: bool, body_len: usize, out: &mut Vec<u8>) {
    match version {
        LegacyVersion::Zmtp10 => encode_v1_header(more, body_len, out),
        LegacyVersion::Zmtp20 => {
            frame::encode_header(if more { FLAG_MORE } else { 0 }, body_len, out);
        }
    }
}

/// Appends the identity message (`routing_id` as a single final frame) in `version`'s
/// framing: what libzmq sends first to a peer that announced revision 0 or 1.
pub fn encode_identity(version: LegacyVersion, routing_id: &[u8], out: &mut Vec<u8>) {
    encode_header(version, false, routing_id.len(), out);
    out.extend_from_slice(routing_id);
}

/// The socket-type byte libzmq sends after its revision to a revision 0/1 peer: its own
/// `ZMQ_*` number, whatever the type.
pub fn socket_type_byte(socket_type: SocketType) -> u8 {
    // Every libzmq type number is below 21.
    u8::try_from(socket_type.to_raw()).unwrap_or(u8::MAX)
}

/// The type a ZMTP/2.0 peer announced with `byte`, if it is one a 2.0 peer can be.
pub fn v2_socket_type(byte: u8) -> Option<SocketType> {
    if byte > MAX_V2_SOCKET_TYPE {
        return None;
    }
    SocketType::from_raw(i32::from(byte))
}

/// The stand-in type reported for a ZMTP/1.0 peer, which announces none that libzmq reads:
/// the first type, in libzmq's numbering, that `ours` accepts (PUB for SUB, PUSH for PULL, REQ
/// for ROUTER …). `None` only for STREAM, which accepts no ZMTP peer.
pub fn v1_stand_in_type(ours: SocketType) -> Option<SocketType> {
    (0..=20)
        .filter_map(SocketType::from_raw)
        .find(|&t| ours.is_compatible_with(t))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v1_headers_golden() {
        let mut out = Vec::new();
        encode_v1_frame(false, b"", &mut out);
        assert_eq!(out, [0x01, 0x00]);
        out.clear();
        encode_v1_frame(true, b"ab", &mut out);
        assert_eq!(out, [0x03, 0x01, b'a', b'b']);
        out.clear();
        // libzmq switches to the long form when length (body + flags) reaches 255.
        encode_v1_header(false, 253, &mut out);
        assert_eq!(out, [0xfe, 0x00]);
        out.clear();
        encode_v1_header(true, 254, &mut out);
        assert_eq!(out, [0xff, 0, 0, 0, 0, 0, 0, 0, 0xff, 0x01]);
        out.clear();
        encode_identity(LegacyVersion::Zmtp20, b"id", &mut out);
        assert_eq!(out, [0x00, 0x02, b'i', b'd']);
        out.clear();
        encode_identity(LegacyVersion::Zmtp10, b"id", &mut out);
        assert_eq!(out, [0x03, 0x00, b'i', b'd']);
    }

    #[test]
    fn v1_decode() {
        assert_eq!(decode_v1_header(&[]), Ok(None));
        assert_eq!(decode_v1_header(&[0x05]), Ok(None));
        assert_eq!(decode_v1_header(&[0x00]), Err(V1HeaderError::ZeroLength));
        let h = decode_v1_header(&[0x05, 0xff]).unwrap().unwrap();
        assert_eq!((h.size, h.header_len, h.flags), (4, 2, FLAG_MORE));
        assert!(!h.is_command());
        assert_eq!(decode_v1_header(&[0xff, 0, 0, 0, 0, 0, 0, 0]), Ok(None));
        assert_eq!(
            decode_v1_header(&[0xff, 0, 0, 0, 0, 0, 0, 0, 0]),
            Err(V1HeaderError::ZeroLength)
        );
        assert_eq!(decode_v1_header(&[0xff, 0, 0, 0, 0, 0, 0, 0, 1]), Ok(None));
        let h = decode_v1_header(&[0xff, 0, 0, 0, 0, 0, 0, 0, 1, 0x7e])
            .unwrap()
            .unwrap();
        assert_eq!((h.size, h.header_len, h.flags), (0, 10, 0));
        let h = decode_v1_header(&[0xff; 10]).unwrap().unwrap();
        assert_eq!(h.size, u64::MAX - 1);
    }

    #[test]
    fn socket_types() {
        assert_eq!(socket_type_byte(SocketType::PUSH), 8);
        assert_eq!(socket_type_byte(SocketType::XPUB), 9);
        assert_eq!(v2_socket_type(0), Some(SocketType::PAIR));
        assert_eq!(v2_socket_type(8), Some(SocketType::PUSH));
        assert_eq!(v2_socket_type(10), Some(SocketType::XSUB));
        assert_eq!(v2_socket_type(11), None);
        assert_eq!(v2_socket_type(0xff), None);
        assert_eq!(v1_stand_in_type(SocketType::SUB), Some(SocketType::PUB));
        assert_eq!(v1_stand_in_type(SocketType::ROUTER), Some(SocketType::REQ));
        assert_eq!(v1_stand_in_type(SocketType::PULL), Some(SocketType::PUSH));
        assert_eq!(v1_stand_in_type(SocketType::STREAM), None);
    }
}
