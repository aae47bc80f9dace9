//! CURVE traffic (RFC 26 MESSAGE, libzmq's `curve_encoding_t`): once the handshake is done
//! every frame travels as a MESSAGE command whose box holds a flags byte and the frame:
//!
//! ```text
//! MESSAGE = 07 "MESSAGE" | short nonce (8, big-endian counter) | MAC (16) | box[flags(1) | body]
//! flags   = 0x01 MORE, 0x02 COMMAND (libzmq's two low message flags)
//! nonce   = "CurveZMQMESSAGEC" (client to server) or "CurveZMQMESSAGES" + short nonce
//! ```
//!
//! The MESSAGE travels in a plain data frame (flags 0, LONG as needed), not a command frame:
//! libzmq 4.3 writes it so (`curve_encoding_t::encode` builds a fresh, flagless message) and
//! keeps the outer COMMAND flag of what it receives, so a command-framed MESSAGE would reach
//! its session as a command. Received MESSAGEs are accepted in either kind of frame.
//!
//! The box key is the connection's precomputed Curve25519 shared key (one `SalsaBox` per
//! connection, libzmq's `crypto_box_beforenm`), and boxes are sealed and opened in place, so a
//! message costs no allocation beyond the output buffer it is written into.

use bytes::{Bytes, BytesMut};
use crypto_box::aead::consts::{U16, U24};
use crypto_box::aead::generic_array::GenericArray;
use crypto_box::aead::{AeadCore, AeadInPlace};
use crypto_box::SalsaBox;

use super::malformed;
use crate::codec::{Traffic, TrafficCodec};
use crate::error::EngineError;
use crate::frame::{FrameHeader, Framing};

/// MESSAGE command name with its length byte, as every box starts.
pub const MESSAGE_PREFIX: &[u8; 8] = b"\x07MESSAGE";
/// Bytes a MESSAGE adds around its plaintext body: name (8), nonce (8), MAC (16), flags (1).
pub const MESSAGE_OVERHEAD: usize = 8 + 8 + 16 + 1;
/// Plaintext flag: more frames follow.
pub const FLAG_MORE: u8 = 0x01;
/// Plaintext flag: the body is a command (SUBSCRIBE, CANCEL, PING, PONG …).
pub const FLAG_CMD: u8 = 0x02;

/// Bytes of a Poly1305 MAC.
pub(crate) const MAC_LEN: usize = 16;

/// Nonce prefix of MESSAGEs a client sends.
const CLIENT_PREFIX: &[u8; 16] = b"CurveZMQMESSAGEC";
/// Nonce prefix of MESSAGEs a server sends.
const SERVER_PREFIX: &[u8; 16] = b"CurveZMQMESSAGES";

/// A 24-byte nonce from a prefix and a suffix (together 24 bytes; extra bytes are ignored).
pub(crate) fn nonce(prefix: &[u8], suffix: &[u8]) -> [u8; 24] {
    let mut n = [0u8; 24];
    for (dst, src) in n.iter_mut().zip(prefix.iter().chain(suffix)) {
        *dst = *src;
    }
    n
}

/// Encrypts `buf` in place; returns its MAC (libsodium's layout puts it before the text).
pub(crate) fn seal<A>(aead: &A, nonce: &[u8; 24], buf: &mut [u8]) -> [u8; MAC_LEN]
where
    A: AeadInPlace + AeadCore<NonceSize = U24, TagSize = U16>,
{
    // XSalsa20Poly1305 fails only when given associated data, which is never given here.
    aead.encrypt_in_place_detached(&GenericArray::from(*nonce), b"", buf)
        .map_or([0; MAC_LEN], Into::into)
}

/// Decrypts `buf` in place if `mac` authenticates it; else `Err` and `buf` is garbage.
pub(crate) fn open<A>(aead: &A, nonce: &[u8; 24], mac: &[u8], buf: &mut [u8]) -> Result<(), ()>
where
    A: AeadInPlace + AeadCore<NonceSize = U24, TagSize = U16>,
{
    let mac: [u8; MAC_LEN] = mac.try_into().map_err(|_| ())?;
    aead.decrypt_in_place_detached(&GenericArray::from(*nonce), b"", buf, &mac.into())
        .map_err(|_| ())
}

/// Checks a MESSAGE body's name and size (libzmq's `check_validity`) and returns its short
/// nonce: another command is unexpected, one shorter than [`MESSAGE_OVERHEAD`] malformed.
pub fn parse_message(body: &[u8]) -> Result<u64, EngineError> {
    if !body.starts_with(MESSAGE_PREFIX) {
        return Err(EngineError::UnexpectedCommand {
            name: String::from_utf8_lossy(super::command_name(body)).into_owned(),
        });
    }
    let short: [u8; 8] = body
        .get(8..16)
        .and_then(|b| b.try_into().ok())
        .filter(|_| body.len() >= MESSAGE_OVERHEAD)
        .ok_or_else(|| malformed("MESSAGE", "shorter than nonce, MAC and flags"))?;
    Ok(u64::from_be_bytes(short))
}

/// One direction pair of a CURVE connection's traffic: the shared key, our next short nonce
/// and the peer's last one.
pub struct CurveCipher {
    aead: SalsaBox,
    next_nonce: u64,
    peer_nonce: u64,
    send_prefix: &'static [u8; 16],
    recv_prefix: &'static [u8; 16],
}

impl std::fmt::Debug for CurveCipher {
    /// Shows the nonces, never the key.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CurveCipher")
            .field("next_nonce", &self.next_nonce)
            .field("peer_nonce", &self.peer_nonce)
            .finish_non_exhaustive()
    }
}

impl CurveCipher {
    /// Traffic state after a handshake: `next_nonce` is our next short nonce, `peer_nonce`
    /// the one of the peer's last handshake command (its MESSAGEs must go above it).
    pub(crate) fn new(aead: SalsaBox, next_nonce: u64, peer_nonce: u64, server: bool) -> Self {
        let (send_prefix, recv_prefix) = if server {
            (SERVER_PREFIX, CLIENT_PREFIX)
        } else {
            (CLIENT_PREFIX, SERVER_PREFIX)
        };
        CurveCipher {
            aead,
            next_nonce,
            peer_nonce,
            send_prefix,
            recv_prefix,
        }
    }

    /// Appends one MESSAGE (in a data frame of `framing`, as libzmq sends it) holding
    /// `flags`, then `prefix` and `body` (the prefix carries a subscription's command name or
    /// 0x01/0x00 byte without a copy of the topic).
    pub fn encode(
        &mut self,
        framing: &impl Framing,
        flags: u8,
        prefix: &[u8],
        body: &[u8],
        out: &mut Vec<u8>,
    ) {
        let short = self.next_nonce;
        self.next_nonce = self.next_nonce.saturating_add(1);
        let plain_len = 1 + prefix.len() + body.len();
        framing.encode_header(0, MESSAGE_OVERHEAD - 1 + plain_len, out);
        out.extend_from_slice(MESSAGE_PREFIX);
        out.extend_from_slice(&short.to_be_bytes());
        let mac_pos = out.len();
        out.extend_from_slice(&[0; MAC_LEN]);
        out.reserve(plain_len);
        out.push(flags);
        out.extend_from_slice(prefix);
        out.extend_from_slice(body);
        let full = nonce(self.send_prefix, &short.to_be_bytes());
        let (head, text) = out.split_at_mut(mac_pos + MAC_LEN);
        let mac = seal(&self.aead, &full, text);
        if let Some(dst) = head.get_mut(mac_pos..) {
            dst.copy_from_slice(&mac);
        }
    }

    /// Opens one MESSAGE body in place: returns its flags (MORE, COMMAND) and the frame,
    /// a slice of `body`. A nonce not above the last one is a replay; a box that does not
    /// open is a cryptographic failure.
    pub fn decode(&mut self, mut body: BytesMut) -> Result<(u8, Bytes), EngineError> {
        let short = parse_message(&body)?;
        if short <= self.peer_nonce {
            return Err(EngineError::InvalidSequence {
                nonce: short,
                last: self.peer_nonce,
            });
        }
        let full = nonce(self.recv_prefix, &short.to_be_bytes());
        let (head, text) = body.split_at_mut(16 + MAC_LEN);
        let mac = head.get(16..).unwrap_or_default();
        open(&self.aead, &full, mac, text).map_err(|()| EngineError::Cryptographic {
            what: "MESSAGE box",
        })?;
        self.peer_nonce = short;
        let flags = text.first().copied().unwrap_or(0) & (FLAG_MORE | FLAG_CMD);
        Ok((flags, body.freeze().slice(MESSAGE_OVERHEAD..)))
    }
}

/// Longest command name and data head boxed as a prefix (SUBSCRIBE, or PING with its TTL).
const MAX_COMMAND_PREFIX: usize = 1 + 16 + 2;

/// CURVE traffic: every frame and command sealed in a MESSAGE box.
impl<F: Framing> TrafficCodec<F> for CurveCipher {
    fn overhead(&self) -> u64 {
        MESSAGE_OVERHEAD as u64
    }

    /// A box seals header and body together: nothing goes out by reference.
    fn splits_header(&self) -> bool {
        false
    }

    /// Writes nothing: a boxed frame has no header of its own (see `splits_header`).
    fn encode_data_header(&self, _: &F, _more: bool, _len: usize, _out: &mut Vec<u8>) {}

    fn encode_data(
        &mut self,
        framing: &F,
        more: bool,
        prefix: &[u8],
        body: &[u8],
        out: &mut Vec<u8>,
    ) {
        let flags = if more { FLAG_MORE } else { 0 };
        self.encode(framing, flags, prefix, body, out);
    }

    fn encode_command(
        &mut self,
        framing: &F,
        name: &[u8],
        head: &[u8],
        body: &[u8],
        out: &mut Vec<u8>,
    ) {
        let mut prefix = [0u8; MAX_COMMAND_PREFIX];
        let len = 1 + name.len() + head.len();
        let (Some(dst), Ok(name_len)) = (prefix.get_mut(..len), u8::try_from(name.len())) else {
            return;
        };
        let bytes = std::iter::once(name_len).chain(name.iter().chain(head).copied());
        for (d, b) in dst.iter_mut().zip(bytes) {
            *d = b;
        }
        self.encode(framing, FLAG_CMD, dst, body, out);
    }

    fn decode(&mut self, _header: &FrameHeader, body: BytesMut) -> Result<Traffic, EngineError> {
        let (flags, inner) = CurveCipher::decode(self, body)?;
        Ok(if flags & FLAG_CMD != 0 {
            Traffic::Command(inner)
        } else {
            Traffic::Data {
                more: flags & FLAG_MORE != 0,
                body: inner,
            }
        })
    }
}
