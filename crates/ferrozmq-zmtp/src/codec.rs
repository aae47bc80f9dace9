//! Traffic codecs: how an [`Engine`](crate::Engine) writes and reads frames once its
//! handshake is done. Plain framing ([`PlainCodec`]: ZMTP 3.x, or the framing of a ZMTP/1.0 or
//! 2.0 peer) and CURVE's MESSAGE boxes ([`CurveCipher`](crate::mechanism::CurveCipher)) are
//! two implementations of one [`TrafficCodec`]; the engine holds one and never asks which.
//!
//! A codec sees whole frames: the byte stream's frame headers are decoded by the engine, and
//! a codec only turns a frame into a data frame or a command (opening a box if it must), and
//! messages and commands into frames, whose headers it writes with the engine's
//! [`Framing`], passed in on every call (a codec is generic over it, never tied to ZMTP's).

use std::fmt;

use bytes::{Bytes, BytesMut};

use crate::error::{EngineError, LegacyVersion};
use crate::frame::{self, FrameHeader, Framing};
use crate::legacy;

/// A received traffic frame, as its codec reads it.
#[derive(Debug)]
pub(crate) enum Traffic {
    /// A data frame of a message (`more`: frames follow).
    Data {
        /// More frames of this message follow.
        more: bool,
        /// The frame's body.
        body: Bytes,
    },
    /// A command: its body (name with its length byte, then data).
    Command(Bytes),
}

/// How traffic frames are encoded and decoded on one connection whose stream is framed by `F`.
pub(crate) trait TrafficCodec<F: Framing>: Send + fmt::Debug {
    /// Bytes this codec adds around a frame body on the wire, allowed beyond MAXMSGSIZE.
    fn overhead(&self) -> u64;

    /// Whether a data frame's header can be written apart from its body, so large bodies go
    /// out by reference (not when the body is sealed with its header).
    fn splits_header(&self) -> bool;

    /// Appends a data frame's header for a body of `len` bytes. Only when
    /// [`splits_header`](TrafficCodec::splits_header) holds.
    fn encode_data_header(&self, framing: &F, more: bool, len: usize, out: &mut Vec<u8>);

    /// Appends one data frame whose body is `prefix` followed by `body` (the prefix carries a
    /// subscription's 0x01/0x00 byte without a copy of the topic).
    fn encode_data(
        &mut self,
        framing: &F,
        more: bool,
        prefix: &[u8],
        body: &[u8],
        out: &mut Vec<u8>,
    );

    /// Appends the command `name` with data `head` followed by `body`. Writes nothing where
    /// the framing has no commands (ZMTP/1.0 and 2.0).
    fn encode_command(
        &mut self,
        framing: &F,
        name: &[u8],
        head: &[u8],
        body: &[u8],
        out: &mut Vec<u8>,
    );

    /// Reads one received frame.
    fn decode(&mut self, header: &FrameHeader, body: BytesMut) -> Result<Traffic, EngineError>;
}

/// Frames as they are: in the stream's framing, or an old peer's.
#[derive(Debug, Default)]
pub(crate) struct PlainCodec {
    /// The old revision the peer speaks, which has its own headers and no commands.
    legacy: Option<LegacyVersion>,
}

impl PlainCodec {
    /// Plain frames in `legacy`'s framing (`None`: the stream's own).
    pub(crate) fn new(legacy: Option<LegacyVersion>) -> PlainCodec {
        PlainCodec { legacy }
    }
}

impl<F: Framing> TrafficCodec<F> for PlainCodec {
    fn overhead(&self) -> u64 {
        0
    }

    fn splits_header(&self) -> bool {
        true
    }

    #[inline]
    fn encode_data_header(&self, framing: &F, more: bool, len: usize, out: &mut Vec<u8>) {
        match self.legacy {
            Some(version) => legacy::encode_header(version, more, len, out),
            None => framing.encode_header(if more { frame::FLAG_MORE } else { 0 }, len, out),
        }
    }

    #[inline]
    fn encode_data(
        &mut self,
        framing: &F,
        more: bool,
        prefix: &[u8],
        body: &[u8],
        out: &mut Vec<u8>,
    ) {
        let len = prefix.len().saturating_add(body.len());
        out.reserve(len.saturating_add(frame::MAX_HEADER_LEN));
        TrafficCodec::<F>::encode_data_header(self, framing, more, len, out);
        out.extend_from_slice(prefix);
        out.extend_from_slice(body);
    }

    fn encode_command(
        &mut self,
        framing: &F,
        name: &[u8],
        head: &[u8],
        body: &[u8],
        out: &mut Vec<u8>,
    ) {
        if self.legacy.is_some() {
            return;
        }
        let len = 1 + name.len() + head.len() + body.len();
        framing.encode_header(frame::FLAG_COMMAND, len, out);
        out.push(u8::try_from(name.len()).unwrap_or(u8::MAX));
        out.extend_from_slice(name);
        out.extend_from_slice(head);
        out.extend_from_slice(body);
    }

    fn decode(&mut self, header: &FrameHeader, body: BytesMut) -> Result<Traffic, EngineError> {
        Ok(if header.is_command() {
            Traffic::Command(body.freeze())
        } else {
            Traffic::Data {
                more: header.more(),
                body: body.freeze(),
            }
        })
    }
}

/// A raw connection (libzmq's STREAM `raw_engine_t`): no framing at all. Each message is
/// written as its bytes; there are no commands.
#[derive(Debug, Default)]
pub(crate) struct RawCodec;

impl<F: Framing> TrafficCodec<F> for RawCodec {
    fn overhead(&self) -> u64 {
        0
    }

    fn splits_header(&self) -> bool {
        true
    }

    /// Writes nothing: raw bytes have no header, so a body may go out by reference alone.
    fn encode_data_header(&self, _: &F, _more: bool, _len: usize, _out: &mut Vec<u8>) {}

    fn encode_data(&mut self, _: &F, _more: bool, prefix: &[u8], body: &[u8], out: &mut Vec<u8>) {
        out.extend_from_slice(prefix);
        out.extend_from_slice(body);
    }

    fn encode_command(&mut self, _: &F, _: &[u8], _: &[u8], _: &[u8], _: &mut Vec<u8>) {}

    /// Never called: a raw engine hands its input over without decoding frames.
    fn decode(&mut self, _header: &FrameHeader, body: BytesMut) -> Result<Traffic, EngineError> {
        Ok(Traffic::Data {
            more: false,
            body: body.freeze(),
        })
    }
}
