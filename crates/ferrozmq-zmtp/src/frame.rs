//! ZMTP 3.x frame headers (RFC 23/37 §"Framing"): `flags(1) | size(1 or 8, big-endian) | body`.
//!
//! Encoding follows libzmq (`v2_encoder`/`v3_1_encoder`): the 8-byte LONG size is used iff the
//! body is longer than 255 bytes. Decoding follows libzmq's `v2_decoder`: LONG is accepted for
//! any size and the reserved flag bits 3..7 are ignored. Decoding only reads the header; the
//! caller decides what a declared size may cost before waiting for the body.

use std::fmt;

/// Flag bit 0: more frames of the same message follow (must be 0 on commands).
pub const FLAG_MORE: u8 = 0x01;
/// Flag bit 1: the size field is 8 bytes instead of 1.
pub const FLAG_LONG: u8 = 0x02;
/// Flag bit 2: the frame is a command, not message data.
pub const FLAG_COMMAND: u8 = 0x04;

/// Length of a header with a 1-byte size.
pub const SHORT_HEADER_LEN: usize = 2;
/// Length of a header with an 8-byte size.
pub const LONG_HEADER_LEN: usize = 9;
/// Largest header.
pub const MAX_HEADER_LEN: usize = LONG_HEADER_LEN;

/// A decoded frame header. The declared `size` is untrusted peer data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FrameHeader {
    /// The flags byte as received (reserved bits included, they carry no meaning).
    pub flags: u8,
    /// Body size the peer declared.
    pub size: u64,
    /// Bytes the header itself occupies (2 or 9).
    pub header_len: usize,
}

impl FrameHeader {
    /// Whether MORE is set.
    pub fn more(&self) -> bool {
        self.flags & FLAG_MORE != 0
    }

    /// Whether COMMAND is set.
    pub fn is_command(&self) -> bool {
        self.flags & FLAG_COMMAND != 0
    }
}

/// How frames sit in a byte stream: the header before each frame's body, read and written.
/// The [`Engine`](crate::Engine) is generic over it (`Engine<F = ZmtpFraming>`) and reaches
/// the stream's framing of traffic only through it (its traffic codecs get it passed in), so
/// a transport with framing of its own (ZWS, ZMTP over WebSocket) can put its framer under
/// the same engine. [`ZmtpFraming`] is the one implementation today; the engine is
/// monomorphised over it and its methods are inlined, so the data path costs what direct
/// calls cost.
pub trait Framing: fmt::Debug + Send + 'static {
    /// Reads the next frame's header from the front of `input`; `None` while incomplete.
    fn decode_header(&self, input: &[u8]) -> Option<FrameHeader>;

    /// Appends the header of a frame with `flags` (MORE, COMMAND) and a `body_len`-byte body.
    fn encode_header(&self, flags: u8, body_len: usize, out: &mut Vec<u8>);
}

/// ZMTP 3.x framing over a plain byte stream (tcp, ipc): [`decode_header`] and
/// [`encode_header`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ZmtpFraming;

impl Framing for ZmtpFraming {
    #[inline]
    fn decode_header(&self, input: &[u8]) -> Option<FrameHeader> {
        decode_header(input)
    }

    #[inline]
    fn encode_header(&self, flags: u8, body_len: usize, out: &mut Vec<u8>) {
        encode_header(flags, body_len, out);
    }
}

/// Reads a frame header from the front of `buf`; `None` while it is incomplete.
pub fn decode_header(buf: &[u8]) -> Option<FrameHeader> {
    let (&flags, rest) = buf.split_first()?;
    if flags & FLAG_LONG != 0 {
        let size_bytes: [u8; 8] = rest.get(..8)?.try_into().ok()?;
        Some(FrameHeader {
            flags,
            size: u64::from_be_bytes(size_bytes),
            header_len: LONG_HEADER_LEN,
        })
    } else {
        let &size = rest.first()?;
        Some(FrameHeader {
            flags,
            size: u64::from(size),
            header_len: SHORT_HEADER_LEN,
        })
    }
}

/// Appends a header with `flags` (only MORE and COMMAND are taken from it; LONG is chosen
/// here: set iff `body_len` > 255, as libzmq does).
#[inline]
pub fn encode_header(flags: u8, body_len: usize, out: &mut Vec<u8>) {
    let flags = flags & (FLAG_MORE | FLAG_COMMAND);
    match u8::try_from(body_len) {
        Ok(short) => out.extend_from_slice(&[flags, short]),
        Err(_) => {
            out.push(flags | FLAG_LONG);
            // usize is at most 64 bits on every supported target.
            out.extend_from_slice(&(body_len as u64).to_be_bytes());
        }
    }
}

/// Appends a data frame (header + body).
pub fn encode_data_frame(more: bool, body: &[u8], out: &mut Vec<u8>) {
    encode_header(if more { FLAG_MORE } else { 0 }, body.len(), out);
    out.extend_from_slice(body);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_and_long_headers() {
        let mut out = Vec::new();
        encode_header(0, 0, &mut out);
        encode_header(FLAG_MORE, 255, &mut out);
        assert_eq!(out, [0x00, 0x00, 0x01, 0xff]);
        out.clear();
        encode_header(0, 256, &mut out);
        assert_eq!(out, [0x02, 0, 0, 0, 0, 0, 0, 1, 0]);
        out.clear();
        encode_header(FLAG_MORE, 0x0102_0304, &mut out);
        assert_eq!(out, [0x03, 0, 0, 0, 0, 1, 2, 3, 4]);
        out.clear();
        encode_header(FLAG_COMMAND, 300, &mut out);
        assert_eq!(out, [0x06, 0, 0, 0, 0, 0, 0, 1, 0x2c]);
    }

    #[test]
    fn decode_needs_whole_header_and_ignores_reserved_bits() {
        assert_eq!(decode_header(&[]), None);
        assert_eq!(decode_header(&[0x00]), None);
        assert_eq!(decode_header(&[0x02, 0, 0, 0, 0, 0, 0, 1]), None);
        let h = decode_header(&[0xf9, 7]).unwrap();
        assert!(h.more());
        assert!(!h.is_command());
        assert_eq!((h.size, h.header_len), (7, 2));
        // LONG accepted for small sizes too.
        let h = decode_header(&[0x06, 0, 0, 0, 0, 0, 0, 0, 5, 0xaa]).unwrap();
        assert!(h.is_command());
        assert_eq!((h.size, h.header_len), (5, 9));
        let h = decode_header(&[0x02, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]).unwrap();
        assert_eq!(h.size, u64::MAX);
    }

    #[test]
    fn zmtp_framing_is_the_header_functions() {
        let mut out = Vec::new();
        ZmtpFraming.encode_header(FLAG_MORE, 300, &mut out);
        let mut direct = Vec::new();
        encode_header(FLAG_MORE, 300, &mut direct);
        assert_eq!(out, direct);
        assert_eq!(ZmtpFraming.decode_header(&out), decode_header(&out));
        assert_eq!(ZmtpFraming.decode_header(&out[..5]), None);
    }

    #[test]
    fn data_frame() {
        let mut out = Vec::new();
        encode_data_frame(false, b"A", &mut out);
        assert_eq!(out, [0x00, 0x01, b'A']);
    }
}
