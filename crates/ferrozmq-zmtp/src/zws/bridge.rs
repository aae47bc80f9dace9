//! ZWS 2.0 framing (ZMTP over WebSocket, libzmq's `ws_encoder`/`ws_decoder`) translated to and
//! from the ZMTP 3.1 byte stream the engine speaks, sans-IO and streaming: a frame's body
//! passes through as it arrives, so a peer's frame costs no more memory than a read.
//!
//! On the wire every ZMTP frame is one binary WebSocket frame whose payload starts with a
//! flags byte (bit 0 MORE, bit 1 COMMAND); clients mask their frames, servers do not. ZWS has
//! no greeting (the subprotocol names the mechanism), so [`Bridge::new`] hands the engine a
//! peer greeting for the negotiated mechanism and [`Bridge::encode`] drops the engine's own.
//! Subscriptions go out in libzmq's ws form, a data frame starting 1 (subscribe) or 0
//! (cancel). Ping frames are answered with pongs, a close frame with a close.
//!
//! Under the bare `ZWS2.0` subprotocol (jszmq's, and libzmq's with NULL security) nothing of
//! ZMTP's handshake crosses the wire: each side's first message is its routing id. The engine
//! still runs its NULL handshake: [`Bridge::go_bare`] turns the peer's routing-id message into
//! the READY of a compatible peer, and the engine's READY into our routing-id message; its
//! other commands (heartbeats) are not sent, subscriptions still are.
//!
//! Refused (the peer is dropped): reserved bits, opcodes other than binary, close, ping and
//! pong (text and continuation included: libzmq sends neither), fragments, a mask bit that
//! does not fit the peer's role, control frames over 125 bytes, empty binary frames, and
//! lengths over 2^63 (MAXMSGSIZE is the engine's check on the translated header).

use crate::command::{self, READY};
use crate::frame::{FLAG_COMMAND, FLAG_LONG, FLAG_MORE};
use crate::greeting::{GREETING_LEN, MECHANISM_LEN, MECHANISM_POS, VERSION_MAJOR, VERSION_MINOR};
use crate::metadata::{self, IDENTITY, SOCKET_TYPE};
use crate::socket_type::SocketType;
use bytes::Bytes;
use std::fmt;

const OP_BINARY: u8 = 0x2;
const OP_CLOSE: u8 = 0x8;
const OP_PING: u8 = 0x9;
const OP_PONG: u8 = 0xA;
/// ZWS flags byte: another frame of the message follows.
const ZWS_MORE: u8 = 0x01;
/// ZWS flags byte: a ZMTP command.
const ZWS_COMMAND: u8 = 0x02;
/// Longest control frame payload (RFC 6455 §5.5).
const MAX_CONTROL: usize = 125;
/// Longest bare-ZWS routing-id message: the flags byte and a ZMTP routing id (255 bytes).
const MAX_ROUTING_ID_FRAME: u64 = 256;

/// Why the peer's WebSocket stream is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FrameError {
    /// RSV1-3 set (no extension was negotiated).
    ReservedBits,
    /// An opcode ZWS does not use.
    BadOpcode(u8),
    /// A frame without FIN: fragmented messages are not used by ZWS.
    Fragmented,
    /// A client frame that is not masked, or a server frame that is.
    WrongMasking,
    /// A control frame longer than 125 bytes.
    ControlTooLong,
    /// A binary frame without even its flags byte.
    Empty,
    /// A 64-bit length with its top bit set.
    TooLong,
    /// A bare-ZWS routing id over 255 bytes.
    RoutingIdTooLong,
}

impl fmt::Display for FrameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FrameError::ReservedBits => write!(f, "WebSocket frame has reserved bits set"),
            FrameError::BadOpcode(op) => write!(f, "WebSocket opcode {op:#x} is not ZWS's"),
            FrameError::Fragmented => write!(f, "fragmented WebSocket message"),
            FrameError::WrongMasking => write!(f, "WebSocket frame masking wrong for the role"),
            FrameError::ControlTooLong => write!(f, "WebSocket control frame over 125 bytes"),
            FrameError::Empty => write!(f, "ZWS frame without its flags byte"),
            FrameError::TooLong => write!(f, "WebSocket frame length over 2^63"),
            FrameError::RoutingIdTooLong => write!(f, "ZWS routing id over 255 bytes"),
        }
    }
}

impl std::error::Error for FrameError {}

/// What [`Bridge::decode`] saw besides frames.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decoded {
    /// Input consumed; more may follow.
    Open,
    /// The peer sent a close frame: our close is queued, the connection ends.
    Closed,
}

/// Where the incoming parser is.
#[derive(Debug)]
enum In {
    /// Reading a frame header (up to 14 bytes).
    Header,
    /// Passing `left` body bytes of a binary frame through; `first` until its flags byte.
    Binary {
        left: u64,
        first: bool,
        index: usize,
    },
    /// Collecting a control frame's payload.
    Control { opcode: u8, left: usize },
    /// Bare ZWS: collecting the peer's routing-id message (`left` bytes to go) into
    /// `Bridge::routing_id`.
    RoutingId { left: u64, index: usize },
}

/// Where the outgoing translator is.
#[derive(Debug)]
enum Out {
    /// Dropping the engine's greeting: `left` bytes of it still to come.
    Greeting { left: usize },
    /// Reading a ZMTP frame header.
    Header,
    /// Passing `left` body bytes of a data frame through.
    Body { left: u64, index: usize },
    /// Collecting a command's body (`left` to go) to translate it whole.
    Command { left: usize },
}

/// Translates one connection's ZWS 2.0 stream to ZMTP bytes and back.
#[derive(Debug)]
pub struct Bridge {
    /// Client: we mask, the peer must not; server: the reverse.
    client: bool,
    input: In,
    header: Vec<u8>,
    mask: [u8; 4],
    control: Vec<u8>,
    output: Out,
    out_header: Vec<u8>,
    out_mask: [u8; 4],
    command: Vec<u8>,
    more: bool,
    next_mask: u64,
    /// Bare ZWS: the peer type the engine is told of, until the peer's routing id came.
    bare: Option<Bare>,
    routing_id: Vec<u8>,
}

/// Where a bare-ZWS connection stands.
#[derive(Debug, Clone, Copy)]
struct Bare {
    peer_type: SocketType,
    routing_id_seen: bool,
}

impl Bridge {
    /// A bridge for the client (`client`: masks its frames) or server side, and the ZMTP
    /// greeting of a peer speaking `mechanism` (appended to `zmtp`, for the engine to read
    /// first). `mask_seed` seeds the masking keys (any random u64).
    pub fn new(client: bool, mechanism: &str, mask_seed: u64, zmtp: &mut Vec<u8>) -> Bridge {
        let mut greeting = [0u8; GREETING_LEN];
        greeting[0] = 0xFF;
        greeting[8] = 1;
        greeting[9] = 0x7F;
        greeting[10] = VERSION_MAJOR;
        greeting[11] = VERSION_MINOR;
        let name = mechanism.as_bytes();
        let n = name.len().min(MECHANISM_LEN);
        greeting[MECHANISM_POS..MECHANISM_POS + n].copy_from_slice(&name[..n]);
        zmtp.extend_from_slice(&greeting);
        Bridge {
            client,
            input: In::Header,
            header: Vec::with_capacity(14),
            mask: [0; 4],
            control: Vec::new(),
            output: Out::Greeting { left: GREETING_LEN },
            out_header: Vec::with_capacity(9),
            out_mask: [0; 4],
            command: Vec::new(),
            more: false,
            next_mask: mask_seed | 1,
            bare: None,
            routing_id: Vec::new(),
        }
    }

    /// Switches to the bare `ZWS2.0` subprotocol (before any frame has passed): the peer's
    /// first message is its routing id, shown to the engine as a READY from a peer of
    /// `peer_type` (one our socket accepts; a bare peer names no type), and the engine's
    /// READY goes out as our routing-id message.
    pub fn go_bare(&mut self, peer_type: SocketType) {
        self.bare = Some(Bare {
            peer_type,
            routing_id_seen: false,
        });
    }

    /// Translates the peer's WebSocket bytes `wire`: ZMTP bytes for the engine go to `zmtp`,
    /// replies the peer is owed (pong, close) to `reply`, whole frames to be written when
    /// [`between_frames`](Self::between_frames). All of `wire` is consumed.
    pub fn decode(
        &mut self,
        mut wire: &[u8],
        zmtp: &mut Vec<u8>,
        reply: &mut Vec<u8>,
    ) -> Result<Decoded, FrameError> {
        while !wire.is_empty() {
            match &mut self.input {
                In::Header => {
                    let need = header_len(&self.header);
                    let take = (need - self.header.len()).min(wire.len());
                    self.header.extend_from_slice(&wire[..take]);
                    wire = &wire[take..];
                    if self.header.len() == header_len(&self.header) {
                        self.start_frame()?;
                    }
                    if let In::Control { opcode, left: 0 } = self.input {
                        self.input = In::Header;
                        if self.control_done(opcode, reply) == Decoded::Closed {
                            return Ok(Decoded::Closed);
                        }
                    }
                }
                In::Binary { left, first, index } => {
                    let take = (*left).min(wire.len() as u64) as usize;
                    let mut body = &wire[..take];
                    wire = &wire[take..];
                    *left -= take as u64;
                    if *first {
                        let flags = body[0] ^ self.mask[*index % 4];
                        *index += 1;
                        *first = false;
                        body = &body[1..];
                        let body_left = *left + body.len() as u64;
                        write_zmtp_header(flags, body_left, zmtp);
                    }
                    for &b in body {
                        zmtp.push(b ^ self.mask[*index % 4]);
                        *index += 1;
                    }
                    if *left == 0 {
                        self.input = In::Header;
                    }
                }
                In::RoutingId { left, index } => {
                    let take = (*left).min(wire.len() as u64) as usize;
                    for &b in &wire[..take] {
                        self.routing_id.push(b ^ self.mask[*index % 4]);
                        *index += 1;
                    }
                    wire = &wire[take..];
                    *left -= take as u64;
                    if *left == 0 {
                        self.input = In::Header;
                        self.peer_ready(zmtp);
                    }
                }
                In::Control { opcode, left } => {
                    let take = (*left).min(wire.len());
                    self.control.extend_from_slice(&wire[..take]);
                    wire = &wire[take..];
                    *left -= take;
                    if *left == 0 {
                        let opcode = *opcode;
                        self.input = In::Header;
                        if self.control_done(opcode, reply) == Decoded::Closed {
                            return Ok(Decoded::Closed);
                        }
                    }
                }
            }
        }
        Ok(Decoded::Open)
    }

    /// The header in `self.header` is complete: checks it and starts its payload.
    fn start_frame(&mut self) -> Result<(), FrameError> {
        let h = std::mem::take(&mut self.header);
        let (fin, rsv, opcode) = (h[0] & 0x80 != 0, h[0] & 0x70, h[0] & 0x0F);
        let masked = h[1] & 0x80 != 0;
        if rsv != 0 {
            return Err(FrameError::ReservedBits);
        }
        if !matches!(opcode, OP_BINARY | OP_CLOSE | OP_PING | OP_PONG) {
            return Err(FrameError::BadOpcode(opcode));
        }
        if !fin {
            return Err(FrameError::Fragmented);
        }
        if masked == self.client {
            return Err(FrameError::WrongMasking);
        }
        let (len, at) = match h[1] & 0x7F {
            126 => (u64::from(u16::from_be_bytes([h[2], h[3]])), 4),
            127 => {
                let len = u64::from_be_bytes(h[2..10].try_into().unwrap_or_default());
                if len >> 63 != 0 {
                    return Err(FrameError::TooLong);
                }
                (len, 10)
            }
            short => (u64::from(short), 2),
        };
        self.mask = if masked {
            [h[at], h[at + 1], h[at + 2], h[at + 3]]
        } else {
            [0; 4]
        };
        self.header = h;
        self.header.clear();
        if opcode == OP_BINARY {
            if len == 0 {
                return Err(FrameError::Empty);
            }
            if self.bare.is_some_and(|b| !b.routing_id_seen) {
                if len > MAX_ROUTING_ID_FRAME {
                    return Err(FrameError::RoutingIdTooLong);
                }
                self.routing_id.clear();
                self.input = In::RoutingId {
                    left: len,
                    index: 0,
                };
                return Ok(());
            }
            self.input = In::Binary {
                left: len,
                first: true,
                index: 0,
            };
        } else {
            if len > MAX_CONTROL as u64 {
                return Err(FrameError::ControlTooLong);
            }
            self.control.clear();
            self.input = In::Control {
                opcode,
                left: len as usize,
            };
        }
        Ok(())
    }

    /// Bare ZWS: the peer's routing-id message is in `routing_id` (after its flags byte):
    /// hands the engine the READY it stands for.
    fn peer_ready(&mut self, zmtp: &mut Vec<u8>) {
        let Some(bare) = self.bare.as_mut() else {
            return;
        };
        bare.routing_id_seen = true;
        let id = self.routing_id.get(1..).unwrap_or_default();
        let type_name = bare.peer_type.name();
        let mut props = Vec::new();
        metadata::encode_property(SOCKET_TYPE, type_name.as_bytes(), &mut props);
        if !id.is_empty() {
            metadata::encode_property(IDENTITY, id, &mut props);
        }
        command::encode(READY, &props, zmtp);
        self.routing_id = Vec::new();
    }

    /// A control frame's payload is in: answers pings and closes.
    fn control_done(&mut self, opcode: u8, reply: &mut Vec<u8>) -> Decoded {
        for (i, b) in self.control.iter_mut().enumerate() {
            *b ^= self.mask[i % 4];
        }
        let payload = std::mem::take(&mut self.control);
        match opcode {
            OP_PING => {
                // Its own key: a data frame being sent keeps `out_mask`.
                let mask = self.write_frame_header(OP_PONG, payload.len() as u64, reply);
                put_with_mask(&payload, mask, self.client, 0, reply);
                Decoded::Open
            }
            OP_CLOSE => {
                let status = payload.get(..2).unwrap_or(&[0x03, 0xE8]).to_vec();
                let mask = self.write_frame_header(OP_CLOSE, status.len() as u64, reply);
                put_with_mask(&status, mask, self.client, 0, reply);
                Decoded::Closed
            }
            _ => Decoded::Open,
        }
    }

    /// True between outgoing frames: control replies (from [`decode`](Self::decode)) may be
    /// put on the wire now without landing inside a frame.
    pub fn between_frames(&self) -> bool {
        match self.output {
            Out::Greeting { .. } | Out::Command { .. } => true,
            Out::Header => self.out_header.is_empty(),
            Out::Body { .. } => false,
        }
    }

    /// Translates the engine's ZMTP bytes `zmtp` into WebSocket frames appended to `wire`.
    /// All of `zmtp` is consumed.
    pub fn encode(&mut self, mut zmtp: &[u8], wire: &mut Vec<u8>) {
        while !zmtp.is_empty() {
            match &mut self.output {
                Out::Greeting { left } => {
                    let take = (*left).min(zmtp.len());
                    zmtp = &zmtp[take..];
                    *left -= take;
                    if *left == 0 {
                        self.output = Out::Header;
                    }
                }
                Out::Header => {
                    let need = match self.out_header.first() {
                        Some(flags) if flags & FLAG_LONG != 0 => 9,
                        Some(_) => 2,
                        None => 1,
                    };
                    let take = (need - self.out_header.len()).min(zmtp.len());
                    self.out_header.extend_from_slice(&zmtp[..take]);
                    zmtp = &zmtp[take..];
                    let complete = self.out_header.len() == need && need > 1;
                    if complete {
                        self.start_outgoing(wire);
                    }
                }
                Out::Body { left, index } => {
                    let take = (*left).min(zmtp.len() as u64) as usize;
                    let start = *index;
                    *index += take;
                    *left -= take as u64;
                    let done = *left == 0;
                    let mask = self.out_mask;
                    put_with_mask(&zmtp[..take], mask, self.client, start, wire);
                    zmtp = &zmtp[take..];
                    if done {
                        self.output = Out::Header;
                    }
                }
                Out::Command { left } => {
                    let take = (*left).min(zmtp.len());
                    self.command.extend_from_slice(&zmtp[..take]);
                    zmtp = &zmtp[take..];
                    *left -= take;
                    if *left == 0 {
                        self.output = Out::Header;
                        self.finish_command(wire);
                    }
                }
            }
        }
    }

    /// A ZMTP frame header is complete in `out_header`: starts its WebSocket frame.
    fn start_outgoing(&mut self, wire: &mut Vec<u8>) {
        let flags = self.out_header[0];
        let len = if flags & FLAG_LONG != 0 {
            u64::from_be_bytes(self.out_header[1..9].try_into().unwrap_or_default())
        } else {
            u64::from(self.out_header[1])
        };
        self.out_header.clear();
        if flags & FLAG_COMMAND != 0 {
            self.command.clear();
            self.output = Out::Command { left: len as usize };
            if len == 0 {
                self.output = Out::Header;
                self.finish_command(wire);
            }
            return;
        }
        self.more = flags & FLAG_MORE != 0;
        let zws = if self.more { ZWS_MORE } else { 0 };
        self.out_mask = self.write_frame_header(OP_BINARY, len + 1, wire);
        put_with_mask(&[zws], self.out_mask, self.client, 0, wire);
        self.output = if len == 0 {
            Out::Header
        } else {
            Out::Body {
                left: len,
                index: 1,
            }
        };
    }

    /// A whole command is in `command`: SUBSCRIBE and CANCEL go out in libzmq's ws form (a
    /// data frame starting 1 or 0), every other command as a ZWS command frame; under bare
    /// ZWS, READY as our routing-id message and the others not at all.
    fn finish_command(&mut self, wire: &mut Vec<u8>) {
        let body = std::mem::take(&mut self.command);
        let subscription = [(&b"\x09SUBSCRIBE"[..], 1u8), (&b"\x06CANCEL"[..], 0u8)]
            .into_iter()
            .find_map(|(name, byte)| body.strip_prefix(name).map(|topic| (byte, topic)));
        let routing_id;
        let (zws, prefix, payload): (u8, &[u8], &[u8]) = match subscription {
            Some((1, topic)) => (0, &[1], topic),
            Some((_, topic)) => (0, &[0], topic),
            None if self.bare.is_some() => {
                let Some(props) = body.strip_prefix(b"\x05READY") else {
                    return;
                };
                routing_id = own_routing_id(props);
                (0, &[], &routing_id[..])
            }
            None => (ZWS_COMMAND, &[], &body),
        };
        let len = 1 + prefix.len() + payload.len();
        let mask = self.write_frame_header(OP_BINARY, len as u64, wire);
        put_with_mask(&[zws], mask, self.client, 0, wire);
        put_with_mask(prefix, mask, self.client, 1, wire);
        put_with_mask(payload, mask, self.client, 1 + prefix.len(), wire);
    }

    /// Writes a final frame's header for `opcode` and `len` payload bytes, with a fresh
    /// masking key when we are the client.
    fn write_frame_header(&mut self, opcode: u8, len: u64, wire: &mut Vec<u8>) -> [u8; 4] {
        wire.push(0x80 | opcode);
        let mask_bit = if self.client { 0x80 } else { 0 };
        if len <= 125 {
            wire.push(mask_bit | len as u8);
        } else if len <= 0xFFFF {
            wire.push(mask_bit | 126);
            wire.extend_from_slice(&(len as u16).to_be_bytes());
        } else {
            wire.push(mask_bit | 127);
            wire.extend_from_slice(&len.to_be_bytes());
        }
        if self.client {
            // xorshift64: RFC 6455 asks for unpredictable keys against proxy cache
            // poisoning; the seed comes from the OS.
            let mut x = self.next_mask;
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            self.next_mask = x;
            let mask = (x as u32).to_be_bytes();
            wire.extend_from_slice(&mask);
            return mask;
        }
        [0; 4]
    }
}

/// The Identity property of our engine's READY (`props`: its properties), or nothing.
fn own_routing_id(props: &[u8]) -> Vec<u8> {
    metadata::parse(&Bytes::copy_from_slice(props))
        .ok()
        .and_then(|props| {
            props
                .into_iter()
                .find(|(name, _)| name.eq_ignore_ascii_case(IDENTITY))
        })
        .map(|(_, value)| value.to_vec())
        .unwrap_or_default()
}

/// The length of a frame header given its first bytes (2 until the length byte is known).
fn header_len(h: &[u8]) -> usize {
    let Some(&second) = h.get(1) else {
        return 2;
    };
    let mask = if second & 0x80 != 0 { 4 } else { 0 };
    match second & 0x7F {
        126 => 4 + mask,
        127 => 10 + mask,
        _ => 2 + mask,
    }
}

/// Writes the ZMTP header of a frame with ZWS `flags` and `len` body bytes.
fn write_zmtp_header(flags: u8, len: u64, zmtp: &mut Vec<u8>) {
    let mut zflags = 0;
    if flags & ZWS_MORE != 0 {
        zflags |= FLAG_MORE;
    }
    if flags & ZWS_COMMAND != 0 {
        zflags |= FLAG_COMMAND;
    }
    if len > 255 {
        zmtp.push(zflags | FLAG_LONG);
        zmtp.extend_from_slice(&len.to_be_bytes());
    } else {
        zmtp.push(zflags);
        zmtp.push(len as u8);
    }
}

fn put_with_mask(bytes: &[u8], mask: [u8; 4], masked: bool, start: usize, wire: &mut Vec<u8>) {
    if masked {
        wire.extend(
            bytes
                .iter()
                .enumerate()
                .map(|(i, b)| b ^ mask[(start + i) % 4]),
        );
    } else {
        wire.extend_from_slice(bytes);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A client and a server bridge, and the greetings each handed its engine.
    fn pair() -> (Bridge, Bridge) {
        let mut greeting = Vec::new();
        let client = Bridge::new(true, "NULL", 42, &mut greeting);
        let server = Bridge::new(false, "NULL", 0, &mut greeting);
        (client, server)
    }

    fn zmtp_frame(flags: u8, body: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        if body.len() > 255 {
            out.push(flags | FLAG_LONG);
            out.extend_from_slice(&(body.len() as u64).to_be_bytes());
        } else {
            out.push(flags);
            out.push(body.len() as u8);
        }
        out.extend_from_slice(body);
        out
    }

    #[test]
    fn the_peer_greeting_names_the_mechanism() {
        let mut zmtp = Vec::new();
        Bridge::new(false, "CURVE", 0, &mut zmtp);
        assert_eq!(zmtp.len(), GREETING_LEN);
        assert_eq!(&zmtp[MECHANISM_POS..MECHANISM_POS + 5], b"CURVE");
        assert_eq!((zmtp[0], zmtp[9], zmtp[10]), (0xFF, 0x7F, 3));
    }

    #[test]
    fn a_subscription_goes_out_in_libzmqs_ws_form() {
        let (mut client, _) = pair();
        let mut wire = Vec::new();
        client.encode(&[0; GREETING_LEN], &mut wire);
        assert!(wire.is_empty(), "our greeting is not sent");
        client.encode(&zmtp_frame(FLAG_COMMAND, b"\x09SUBSCRIBEab"), &mut wire);
        let mask = [wire[2], wire[3], wire[4], wire[5]];
        let payload: Vec<u8> = wire[6..]
            .iter()
            .enumerate()
            .map(|(i, b)| b ^ mask[i % 4])
            .collect();
        assert_eq!((wire[0], wire[1]), (0x82, 0x80 | 4));
        assert_eq!(payload, b"\x00\x01ab");
    }

    #[test]
    fn unmasked_client_frames_and_bad_opcodes_are_refused() {
        let (mut client, mut server) = pair();
        let (mut z, mut r) = (Vec::new(), Vec::new());
        assert_eq!(
            server.decode(b"\x82\x01\x00", &mut z, &mut r),
            Err(FrameError::WrongMasking)
        );
        assert_eq!(
            client.decode(b"\x81\x01\x00", &mut z, &mut r),
            Err(FrameError::BadOpcode(1))
        );
        let (mut client, _) = pair();
        assert_eq!(
            client.decode(b"\x02\x01\x00", &mut z, &mut r),
            Err(FrameError::Fragmented)
        );
        let (mut client, _) = pair();
        let huge = [0x82, 127, 0x80, 0, 0, 0, 0, 0, 0, 0];
        assert_eq!(
            client.decode(&huge, &mut z, &mut r),
            Err(FrameError::TooLong)
        );
    }

    #[test]
    fn a_huge_length_becomes_a_zmtp_header_for_the_engine_to_judge() {
        let (mut client, _) = pair();
        let (mut z, mut r) = (Vec::new(), Vec::new());
        let header = [0x82, 127, 0, 0, 0x10, 0, 0, 0, 0, 0, 0x00];
        assert_eq!(client.decode(&header, &mut z, &mut r), Ok(Decoded::Open));
        let mut expected = vec![FLAG_LONG];
        expected.extend_from_slice(&(0x1000_0000_0000u64 - 1).to_be_bytes());
        assert_eq!(z, expected, "nothing but the header is buffered");
    }

    #[test]
    fn a_ping_is_answered_and_a_close_closes() {
        let (_, mut server) = pair();
        let (mut z, mut r) = (Vec::new(), Vec::new());
        let ping = [0x89, 0x82, 1, 2, 3, 4, b'h' ^ 1, b'i' ^ 2];
        assert_eq!(server.decode(&ping, &mut z, &mut r), Ok(Decoded::Open));
        assert_eq!(r, b"\x8a\x02hi");
        r.clear();
        let close = [0x88, 0x82, 0, 0, 0, 0, 0x03, 0xE8];
        assert_eq!(server.decode(&close, &mut z, &mut r), Ok(Decoded::Closed));
        assert_eq!(r, b"\x88\x02\x03\xE8");
        assert!(z.is_empty());
    }

    #[test]
    fn replies_wait_for_the_end_of_a_half_written_frame() {
        let (mut client, _) = pair();
        let mut wire = Vec::new();
        client.encode(&[0; GREETING_LEN], &mut wire);
        assert!(client.between_frames());
        let frame = zmtp_frame(0, &[5; 100]);
        client.encode(&frame[..50], &mut wire);
        assert!(!client.between_frames(), "half a body is out");
        client.encode(&frame[50..], &mut wire);
        assert!(client.between_frames());
    }

    /// A server bridge gone bare for a peer taken as `peer`, with its greeting handed over.
    fn bare_server(peer: SocketType) -> Bridge {
        let mut greeting = Vec::new();
        let mut server = Bridge::new(false, "NULL", 0, &mut greeting);
        server.go_bare(peer);
        server
    }

    /// A masked client frame (key 1, 2, 3, 4) carrying `payload`.
    fn masked(payload: &[u8]) -> Vec<u8> {
        let mask = [1u8, 2, 3, 4];
        let mut frame = vec![0x82, 0x80 | payload.len() as u8];
        frame.extend_from_slice(&mask);
        frame.extend(payload.iter().enumerate().map(|(i, b)| b ^ mask[i % 4]));
        frame
    }

    #[test]
    fn a_bare_peers_routing_id_message_becomes_a_ready_for_the_engine() {
        let mut server = bare_server(SocketType::DEALER);
        let (mut z, mut r) = (Vec::new(), Vec::new());
        let mut wire = masked(b"\x00js-dealer");
        wire.extend_from_slice(&masked(b"\x00ping"));
        assert_eq!(server.decode(&wire, &mut z, &mut r), Ok(Decoded::Open));
        let mut expected = Vec::new();
        let mut props = Vec::new();
        metadata::encode_property(SOCKET_TYPE, b"DEALER", &mut props);
        metadata::encode_property(IDENTITY, b"js-dealer", &mut props);
        command::encode(READY, &props, &mut expected);
        expected.extend_from_slice(&zmtp_frame(0, b"ping"));
        assert_eq!(z, expected);
    }

    #[test]
    fn an_empty_bare_routing_id_gives_a_ready_without_identity() {
        let mut server = bare_server(SocketType::PUSH);
        let (mut z, mut r) = (Vec::new(), Vec::new());
        assert_eq!(
            server.decode(&masked(b"\x00"), &mut z, &mut r),
            Ok(Decoded::Open)
        );
        let mut expected = Vec::new();
        let mut props = Vec::new();
        metadata::encode_property(SOCKET_TYPE, b"PUSH", &mut props);
        command::encode(READY, &props, &mut expected);
        assert_eq!(z, expected);
    }

    #[test]
    fn a_bare_routing_id_over_255_bytes_is_refused() {
        let mut server = bare_server(SocketType::DEALER);
        let (mut z, mut r) = (Vec::new(), Vec::new());
        let header = [0x82, 0x80 | 126, 0x01, 0x01, 1, 2, 3, 4];
        assert_eq!(
            server.decode(&header, &mut z, &mut r),
            Err(FrameError::RoutingIdTooLong)
        );
    }

    #[test]
    fn bare_the_engines_ready_goes_out_as_its_routing_id_and_heartbeats_stay_home() {
        let mut server = bare_server(SocketType::DEALER);
        let mut wire = Vec::new();
        server.encode(&[0; GREETING_LEN], &mut wire);
        let mut zmtp = Vec::new();
        command::encode_ready(SocketType::ROUTER, b"us", &mut zmtp);
        command::encode_ping(10, b"", &mut zmtp);
        zmtp.extend_from_slice(&zmtp_frame(FLAG_COMMAND, b"\x09SUBSCRIBEab"));
        zmtp.extend_from_slice(&zmtp_frame(0, b"hi"));
        server.encode(&zmtp, &mut wire);
        assert_eq!(wire, b"\x82\x03\x00us\x82\x04\x00\x01ab\x82\x03\x00hi");
    }

    proptest! {
        /// Any ZMTP frames a client engine writes reach the server engine unchanged, however
        /// the bytes are split on the way (subscriptions excepted: they change form).
        #[test]
        fn frames_cross_in_any_split(
            frames in proptest::collection::vec(
                (any::<bool>(), any::<bool>(), proptest::collection::vec(any::<u8>(), 0..600)),
                1..6,
            ),
            split in 1usize..97,
            client_sends in any::<bool>(),
        ) {
            let (mut client, mut server) = pair();
            let (sender, receiver) = if client_sends {
                (&mut client, &mut server)
            } else {
                (&mut server, &mut client)
            };
            let mut zmtp = vec![0u8; GREETING_LEN];
            let mut expected = Vec::new();
            for (more, command, body) in &frames {
                let mut body = body.clone();
                if *command {
                    // Not a subscription: a command name other than SUBSCRIBE/CANCEL.
                    body.splice(0..0, b"\x05READY".iter().copied());
                }
                let flags = if *command { FLAG_COMMAND } else if *more { FLAG_MORE } else { 0 };
                let frame = zmtp_frame(flags, &body);
                zmtp.extend_from_slice(&frame);
                expected.extend_from_slice(&frame);
            }
            let mut wire = Vec::new();
            for chunk in zmtp.chunks(split) {
                sender.encode(chunk, &mut wire);
            }
            let (mut got, mut reply) = (Vec::new(), Vec::new());
            for chunk in wire.chunks(split) {
                prop_assert_eq!(receiver.decode(chunk, &mut got, &mut reply), Ok(Decoded::Open));
            }
            prop_assert_eq!(got, expected);
            prop_assert!(reply.is_empty());
        }

        /// Any bytes from a peer: an error or ZMTP output, never a panic, and never more
        /// output than input plus the headers the translation adds.
        #[test]
        fn garbage_never_panics(
            wire in proptest::collection::vec(any::<u8>(), 0..400),
            client in any::<bool>(),
            bare in any::<bool>(),
        ) {
            let mut greeting = Vec::new();
            let mut bridge = Bridge::new(client, "NULL", 7, &mut greeting);
            if bare {
                bridge.go_bare(SocketType::REQ);
            }
            let (mut z, mut r) = (Vec::new(), Vec::new());
            let _ = bridge.decode(&wire, &mut z, &mut r);
            // Bare, the routing id's READY adds its name and properties (under 64 bytes).
            let ready = if bare { 64 } else { 0 };
            prop_assert!(z.len() <= wire.len() + 9 * (wire.len() / 2 + 1) + ready);
        }
    }
}
