//! The per-connection ZMTP state machine (ZMTP 3.x with the NULL, PLAIN and CURVE
//! mechanisms, plus 2.0 and 1.0 peers as libzmq 4.3 speaks to them), without I/O or clocks.
//!
//! The caller owns the socket; the engine is pulled. The caller reads received bytes into
//! [`Engine::input_buffer`] (or hands bytes it holds to [`Engine::handle_input`]), takes
//! events with [`Engine::poll_event`] until it returns `None`, writes whatever
//! [`Engine::take_output`] hands it, and encodes what it sends (frames, subscriptions, PINGs)
//! with [`Engine::encode`]. Time is passed in: the caller reports when
//! bytes arrived ([`Engine::note_traffic`]), asks when the engine next needs the time
//! ([`Engine::poll_timeout`]) and hands it over then ([`Engine::handle_timeout`]) — heartbeats
//! live here. Traffic frames go through the connection's codec (plain framing, or CURVE's
//! MESSAGE boxes once that handshake is done). Phases, as libzmq runs them
//! (`zmtp_engine.cpp`, `null_mechanism.cpp`):
//!
//! 1. greeting, staged: our 10-byte signature at once; the major byte once the peer's signature
//!    is seen to be versioned; the remaining 53 bytes once the peer's major byte is known;
//! 2. handshake: both sides send READY right after the greeting; the peer's READY is checked
//!    (property list, `Socket-Type` compatible with ours); then [`Event::Ready`];
//! 3. traffic: data frames become [`Event::Frame`], SUBSCRIBE/CANCEL become events, PING is
//!    answered with PONG in the output, PONG and unknown commands are ignored.
//!
//! Old peers are detected from their first bytes exactly as libzmq does (see
//! [`greeting::check_signature`] and [`greeting::check_major`]) and, unless
//! [`EngineConfig::allow_legacy`] is false, spoken to in their own revision
//! ([`legacy`]):
//!
//! * ZMTP/1.0 without greeting (first byte ≠ 0xFF, or byte 9 without bit 0): our 10 bytes
//!   already form the header of our identity frame, so its body (our routing id) follows at
//!   once; the peer's bytes so far are the start of its identity frame;
//! * revision 0 (1.0) or 1 (2.0): our socket-type byte instead of the rest of the greeting,
//!   the peer's socket-type byte, then our identity message in that revision's framing.
//!
//! Either way the peer's first message is its identity; [`Event::Ready`] follows it (with
//! [`PeerInfo::legacy`] set), then traffic in the old framing, without commands.
//!
//! ```
//! use bytes::BytesMut;
//! use ferrozmq_zmtp::{Engine, EngineConfig, Event, Outgoing, SocketType};
//!
//! let mut push = Engine::new(EngineConfig::new(SocketType::PUSH));
//! let mut pull = Engine::new(EngineConfig::new(SocketType::PULL));
//! let (mut to_pull, mut to_push) = (BytesMut::new(), BytesMut::new());
//! let mut events = Vec::new();
//! // Shuttle bytes until both sides are quiet (the network, in real life).
//! for _ in 0..4 {
//!     let mut buf = Vec::new();
//!     push.take_output(&mut buf);
//!     to_pull.extend_from_slice(&buf);
//!     buf.clear();
//!     pull.take_output(&mut buf);
//!     to_push.extend_from_slice(&buf);
//!     push.handle_input(&to_push.split());
//!     while push.poll_event().unwrap().is_some() {}
//!     pull.handle_input(&to_pull.split());
//!     while let Some(e) = pull.poll_event().unwrap() { events.push(e); }
//! }
//! assert!(push.is_ready() && pull.is_ready());
//! let mut wire = Vec::new();
//! push.encode(Outgoing::Frame { more: false, body: b"hello" }, &mut wire);
//! pull.handle_input(&wire);
//! events.push(pull.poll_event().unwrap().unwrap());
//! assert!(matches!(&events[1], Event::Frame { more: false, body } if &body[..] == b"hello"));
//! ```

use std::time::Instant;

use bytes::{Buf, Bytes, BytesMut};

use crate::codec::{PlainCodec, RawCodec, Traffic, TrafficCodec};
use crate::command::{self, Command};
use crate::error::{peer_error, EngineError, LegacyVersion};
use crate::frame::{FrameHeader, Framing, ZmtpFraming};
use crate::greeting::{self, SignatureCheck};
use crate::heartbeat::{Beat, Heartbeat, HeartbeatConfig};
use crate::legacy;
use crate::mechanism::{self, Context, Handshake, Mechanism, Step, ZapRequest};
pub use crate::peer::PeerInfo;
use crate::random::Randomness;
use crate::SocketType;

mod encode;
mod old_peers;

pub use encode::Outgoing;

/// Largest command (or ZMTP/1.0 and 2.0 identity message) accepted before the handshake
/// completes. A NULL READY from libzmq is well under 1 KiB (socket type, routing id ≤ 255
/// bytes, a few `X-` properties); the bound keeps an unauthenticated peer from making the
/// caller buffer an arbitrary amount.
pub const MAX_HANDSHAKE_COMMAND: u64 = 64 * 1024;

/// Frames at least this large keep the memory they were read into; smaller ones share the
/// session's 64 KiB read chunk, or are copied out when the buffer has grown past two such
/// chunks (so that they do not pin it).
const SHARED_FRAME_MIN: usize = 64 * 1024;

/// Largest frame this machine could ever hold in one buffer; larger declared sizes fail at once.
const MAX_ADDRESSABLE: u64 = isize::MAX as u64;

/// What the local socket is; fixed for an engine's life.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EngineConfig {
    /// Our socket type, announced in READY and checked against the peer's.
    pub socket_type: SocketType,
    /// Sent as the `Identity` property in READY, only when socket_type.sends_identity().
    pub routing_id: Vec<u8>,
    /// Largest data frame accepted; None = unlimited. Larger => EngineError::MessageTooLarge.
    /// Also bounds commands after the handshake (SUBSCRIBE topics are message-sized data) and
    /// the identity message of ZMTP/1.0 and 2.0 peers (libzmq's decoders check every frame).
    pub max_msg_size: Option<u64>,
    /// Largest whole incoming multipart message (the sum of its data frames' bodies); None =
    /// unlimited. A peer sending MORE frames past it => EngineError::MessageTooLarge. libzmq
    /// has no such bound (its MAXMSGSIZE is per frame); this one stops a peer that never ends
    /// a message from growing the receiver's memory without limit.
    pub max_multipart_size: Option<u64>,
    /// Whether ZMTP/1.0 and 2.0 peers are spoken to (true, libzmq's behaviour with the NULL
    /// mechanism and no ZAP) or refused with [`EngineError::UnsupportedVersion`] (false: set it
    /// when a security mechanism or ZAP is on, as libzmq refuses old peers then). The engine
    /// refuses them anyway when [`mechanism`](EngineConfig::mechanism) is not NULL or
    /// [`null_zap`](EngineConfig::null_zap) is set.
    pub allow_legacy: bool,
    /// Security mechanism and role (libzmq's `ZMQ_MECHANISM` and the options behind it).
    pub mechanism: Mechanism,
    /// Whether the NULL mechanism consults ZAP before it sends READY (libzmq does when
    /// `ZMQ_ZAP_DOMAIN` is not empty). Ignored by PLAIN and CURVE, whose servers always ask.
    pub null_zap: bool,
    /// Application properties (`ZMQ_METADATA`, names like `X-Key`) sent after `Socket-Type`
    /// and `Identity` in READY or INITIATE. Names must be 1..=255 property-name characters.
    pub metadata: Vec<(String, Vec<u8>)>,
    /// PING interval, timeout and TTL once traffic flows (off by default). Timing is driven
    /// by the caller: [`Engine::note_traffic`], [`Engine::poll_timeout`],
    /// [`Engine::handle_timeout`].
    pub heartbeat: HeartbeatConfig,
    /// Where CURVE's transient keys, cookie keys and long nonces come from: the operating
    /// system by default; pass a deterministic source to make a test's bytes repeatable.
    pub random: Randomness,
}

impl EngineConfig {
    /// A config for `socket_type` with an empty routing id, no size limit, old peers allowed,
    /// the NULL mechanism without ZAP and no application properties (libzmq defaults).
    pub fn new(socket_type: SocketType) -> EngineConfig {
        EngineConfig {
            socket_type,
            routing_id: Vec::new(),
            max_msg_size: None,
            max_multipart_size: None,
            allow_legacy: true,
            mechanism: Mechanism::Null,
            null_zap: false,
            metadata: Vec::new(),
            heartbeat: HeartbeatConfig::default(),
            random: Randomness::OS,
        }
    }

    /// Whether old peers are refused whatever [`allow_legacy`](EngineConfig::allow_legacy)
    /// says: a security mechanism or ZAP is on (libzmq's `handshake_v1_0`/`v2_0`).
    pub(crate) fn security_on(&self) -> bool {
        self.mechanism != Mechanism::Null || self.null_zap
    }
}

/// What the engine reports from the peer's input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// Handshake done in both directions (greeting, then the mechanism's commands: NULL READY
    /// each way, PLAIN or CURVE HELLO … READY; for ZMTP/1.0 and 2.0 peers, greeting +
    /// identity message); data may flow now.
    Ready(PeerInfo),
    /// A server mechanism (or NULL with [`EngineConfig::null_zap`]) asks the caller's ZAP
    /// handler about the peer. Nothing more is read or emitted until the caller answers with
    /// [`Engine::zap_reply`] and calls [`Engine::poll_event`] again.
    ZapRequest(ZapRequest),
    /// One data frame. Multipart messages are consecutive frames, `more` set on all but the last.
    Frame {
        /// More frames of this message follow.
        more: bool,
        /// The frame's payload, split off the caller's input buffer.
        body: Bytes,
    },
    /// A ZMTP 3.1 SUBSCRIBE command (topic = command data), or, right after [`Event::Ready`],
    /// the subscribe-all libzmq PUB/XPUB inject for an unversioned ZMTP/1.0 peer (empty topic).
    Subscribe(Bytes),
    /// A ZMTP 3.1 CANCEL command.
    Cancel(Bytes),
    /// A JOIN command: a DISH peer joins a group (its length unchecked: up to the socket).
    Join(Bytes),
    /// A LEAVE command: a DISH peer leaves a group.
    Leave(Bytes),
}

/// Where the connection stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Waiting for the peer's first 10 bytes.
    Signature,
    /// Waiting for the peer's major version byte.
    Major,
    /// Waiting for the rest of the peer's greeting.
    Rest,
    /// Revision 0/1 peer: our socket-type byte sent, waiting for the peer's.
    LegacyType,
    /// Old peer: our identity sent, waiting for the peer's identity message.
    LegacyIdentity,
    /// Greeting done; the mechanism's commands are being exchanged.
    Handshake,
    /// `Event::Ready` emitted; traffic flows.
    Ready,
    /// A raw connection (STREAM): no greeting, no framing; traffic flows from the start.
    Raw,
}

impl Phase {
    /// Whether the peer's bytes are still greeting bytes (copied, not framed).
    fn in_greeting(self) -> bool {
        matches!(
            self,
            Phase::Signature | Phase::Major | Phase::Rest | Phase::LegacyType
        )
    }
}

/// Where the ZAP exchange stands.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Zap {
    /// No request outstanding.
    Idle,
    /// A request is owed to the caller as an event.
    ToEmit(ZapRequest),
    /// The caller has the request; input waits for [`Engine::zap_reply`].
    Waiting,
}

/// One ZMTP connection's protocol state: bytes in, events and bytes out. `F` is how frames
/// sit in the byte stream: [`ZmtpFraming`] (tcp, ipc) unless a transport brings its own
/// [`Framing`] ([`Engine::with_framing`]).
#[derive(Debug)]
pub struct Engine<F: Framing = ZmtpFraming> {
    config: EngineConfig,
    phase: Phase,
    /// The peer's greeting as received so far.
    peer_greeting: [u8; greeting::GREETING_LEN],
    peer_greeting_len: usize,
    /// Effective minor version, known once the peer's greeting is complete.
    peer_minor: Option<u8>,
    peer: Option<PeerInfo>,
    /// The peer's bytes not yet decoded (the caller reads into it, see
    /// [`Engine::input_buffer`]).
    input: BytesMut,
    /// Protocol output waiting for the caller.
    out: Vec<u8>,
    /// The failure that ended this connection; returned again on further input.
    failed: Option<EngineError>,
    /// TTL (deciseconds) from the peer's most recent PING.
    peer_ping_ttl: Option<u16>,
    /// The old revision the peer speaks, once detected; it picks the framing both ways.
    legacy: Option<LegacyVersion>,
    /// Leading bytes of `peer_greeting` that are the start of an unversioned ZMTP/1.0 peer's
    /// identity frame header (at most its 10 bytes); consumed with that frame.
    identity_prefix: usize,
    /// Body bytes of the incoming multipart message so far (its frames with MORE set).
    multipart_received: u64,
    /// The type [`PeerInfo::socket_type`] reports for an old peer, fixed once it is detected.
    legacy_peer_type: Option<SocketType>,
    /// Whether a phantom subscribe-all follows Ready (libzmq PUB/XPUB facing an unversioned
    /// ZMTP/1.0 peer, which never sends subscriptions).
    pending_subscribe_after_ready: bool,
    /// The phantom subscribe-all is owed to the caller before anything else.
    pending_subscribe: bool,
    /// The mechanism's handshake state.
    handshake: Handshake,
    /// Our property list for READY/INITIATE, built once.
    our_metadata: Vec<u8>,
    /// How frame headers sit in the byte stream (an old peer's framing is [`legacy`]'s).
    framing: F,
    /// How traffic frames are written and read: plain framing (in the old peer's framing
    /// once one is detected), or CURVE's boxes once its handshake is done.
    codec: Box<dyn TrafficCodec<F>>,
    /// `codec` is still the plain ZMTP 3.x one: a data frame is `framing`'s header and the
    /// body, which [`encode`](Engine::encode) and the decoder then handle without the
    /// dynamic call (they run once per small message).
    plain_traffic: bool,
    /// The ZAP exchange.
    zap: Zap,
    /// The handshake finished; [`Event::Ready`] is owed to the caller.
    pending_ready: Option<PeerInfo>,
    /// Heartbeat timing; running once [`Engine::note_traffic`] saw the engine ready.
    heartbeat: Heartbeat,
    heartbeat_started: bool,
}

impl Engine {
    /// New engine for one connection over a plain byte stream ([`ZmtpFraming`]). Its output
    /// immediately holds the first greeting stage (10 bytes: 0xFF, 8 padding bytes as libzmq
    /// writes them, 0x7F). CURVE engines draw their transient (and, for servers, cookie) keys
    /// here, from [`EngineConfig::random`].
    pub fn new(config: EngineConfig) -> Engine {
        Engine::with_framing(config, ZmtpFraming)
    }

    /// An engine for a raw connection (libzmq's STREAM sockets, `raw_engine_t`): no greeting
    /// and no handshake, ready at once; [`poll_event`](Engine::poll_event) hands over
    /// everything buffered as one frame, and each message is written as its bytes alone.
    pub fn raw(socket_type: SocketType) -> Engine {
        let mut engine = Engine::new(EngineConfig::new(socket_type));
        engine.out.clear();
        engine.codec = Box::new(RawCodec);
        engine.plain_traffic = false;
        engine.phase = Phase::Raw;
        engine
    }
}

impl<F: Framing> Engine<F> {
    /// As [`Engine::new`], with traffic frames read and written in `framing` (a transport
    /// with framing of its own, such as a future ZWS framer, plugs in here).
    pub fn with_framing(config: EngineConfig, framing: F) -> Engine<F> {
        let out = greeting::signature(config.routing_id.len()).to_vec();
        let handshake = Handshake::new(&config.mechanism, config.null_zap, config.random);
        let our_metadata =
            mechanism::our_metadata(config.socket_type, &config.routing_id, &config.metadata);
        Engine {
            heartbeat: Heartbeat::new(&config.heartbeat),
            heartbeat_started: false,
            handshake,
            our_metadata,
            framing,
            codec: Box::new(PlainCodec::new(None)),
            plain_traffic: true,
            zap: Zap::Idle,
            pending_ready: None,
            config,
            phase: Phase::Signature,
            peer_greeting: [0; greeting::GREETING_LEN],
            peer_greeting_len: 0,
            peer_minor: None,
            peer: None,
            input: BytesMut::new(),
            out,
            failed: None,
            peer_ping_ttl: None,
            legacy: None,
            identity_prefix: 0,
            multipart_received: 0,
            legacy_peer_type: None,
            pending_subscribe_after_ready: false,
            pending_subscribe: false,
        }
    }

    /// True for an engine made by [`Engine::raw`].
    pub fn is_raw(&self) -> bool {
        self.phase == Phase::Raw
    }

    /// Lends the engine's input buffer, so the caller reads the peer's bytes straight into it
    /// (its spare capacity) without a copy; [`poll_event`](Engine::poll_event) then decodes
    /// what was appended. Only append: bytes already in it are the start of a partial frame.
    pub fn input_buffer(&mut self) -> &mut BytesMut {
        &mut self.input
    }

    /// Makes room in the input buffer for the caller's next read and says how many bytes to
    /// read into it: `chunk`, or, while a large frame (64 KiB or more) is arriving, the room
    /// left, at most what that frame still lacks. Such a buffer grows, once it is full, by
    /// doubling what has arrived, never past the frame's end, so the frame ends up in an
    /// allocation of its own size after O(size) copying (growing by `chunk` at a time, or on
    /// every read shorter than the room, copies O(size²)). The peer's announced size alone
    /// buys no memory: at most twice what it has sent, plus a chunk, is reserved.
    pub fn reserve_input(&mut self, chunk: usize) -> usize {
        let Some(missing) = self.large_frame_missing() else {
            self.input.reserve(chunk);
            return chunk;
        };
        let len = self.input.len();
        if self.input.capacity() - len < chunk.min(missing) {
            let mut want = missing.min(len.max(chunk));
            if missing - want < chunk {
                // The step after this one would be a sliver: go straight to the frame's end.
                // A sliver step copies the whole buffer for a few bytes and frees a buffer of
                // the frame's own size, which makes glibc raise its mmap threshold to that
                // size: later frames of that size then come from the heap and stay resident
                // after they are freed (1 GiB of an attacker's unfinished multipart stayed
                // after it left).
                want = missing;
            }
            let mut grown = BytesMut::with_capacity(len + want);
            grown.extend_from_slice(&self.input);
            self.input = grown;
        }
        (self.input.capacity() - len).min(missing)
    }

    /// Bytes a large frame whose header is in the input still lacks; None when no large
    /// frame is partly in (or the header is not whole yet, or is refused: decoding reports
    /// that).
    fn large_frame_missing(&self) -> Option<usize> {
        if self.phase.in_greeting() || self.phase == Phase::Raw {
            return None;
        }
        let header = self.next_header(&self.input).ok().flatten()?;
        let size = usize::try_from(header.size).ok()?;
        let total = header
            .header_len
            .saturating_sub(self.identity_prefix)
            .checked_add(size)?;
        (size >= SHARED_FRAME_MIN && self.input.len() < total).then(|| total - self.input.len())
    }

    /// Appends bytes the caller already holds (a deframer's output, a test's wire bytes) to
    /// the engine's input; [`poll_event`](Engine::poll_event) decodes them.
    pub fn handle_input(&mut self, bytes: &[u8]) {
        self.input.extend_from_slice(bytes);
    }

    /// The next event from the input received so far, or `None` when more input is needed (or
    /// while a ZAP request waits for [`zap_reply`](Engine::zap_reply)). Whole units are taken
    /// from the front of the input as they complete (partial frames wait for more bytes);
    /// protocol replies (later greeting stages, READY or, for old peers, our identity message,
    /// PONG for PING) are queued as output on the way. Data frames are handed out as `Bytes`
    /// split off the input buffer (no copy for large frames). A raw engine hands everything
    /// buffered over as one frame.
    ///
    /// After an error the engine is dead: every later call returns the same error.
    #[inline]
    pub fn poll_event(&mut self) -> Result<Option<Event>, EngineError> {
        if let Some(e) = &self.failed {
            return Err(e.clone());
        }
        if self.phase == Phase::Raw {
            return Ok((!self.input.is_empty()).then(|| Event::Frame {
                more: false,
                body: self.input.split().freeze(),
            }));
        }
        match self.next_event() {
            Ok(event) => Ok(event),
            Err(e) => {
                self.failed = Some(e.clone());
                Err(e)
            }
        }
    }

    /// True when protocol output is waiting.
    pub fn has_output(&self) -> bool {
        !self.out.is_empty()
    }

    /// Appends all pending protocol output to `out` and clears it. Write it at a message
    /// boundary (a PONG is a command frame and must not land inside a frame's bytes).
    pub fn take_output(&mut self, out: &mut Vec<u8>) {
        out.append(&mut self.out);
    }

    /// True once Event::Ready has been emitted (at once for a raw engine).
    pub fn is_ready(&self) -> bool {
        matches!(self.phase, Phase::Ready | Phase::Raw)
    }

    /// True once CURVE traffic flows: every frame is then a MESSAGE box, so
    /// [`Outgoing::FrameHeader`] must not be used (it writes nothing);
    /// [`Outgoing::Frame`] boxes the whole frame.
    pub fn encrypts(&self) -> bool {
        !self.codec.splits_header()
    }

    /// The caller's answer to [`Event::ZapRequest`] (the ZAP reply's status code):
    ///
    /// * 200 — the handshake goes on (NULL: READY; PLAIN: WELCOME; CURVE: READY);
    /// * 300 — the connection fails without an ERROR (a temporary failure, RFC 27);
    /// * anything else (400, 500) — an ERROR with the code as its reason is queued (flush
    ///   [`take_output`](Engine::take_output) before closing), then the connection fails.
    ///
    /// Failures return [`EngineError::ZapDenied`], whose
    /// [`zap_status_code`](EngineError::zap_status_code) is the status. After a 200 the caller
    /// calls [`poll_event`](Engine::poll_event) again to go on. Without an outstanding request the call does nothing.
    pub fn zap_reply(&mut self, status_code: u16) -> Result<(), EngineError> {
        if let Some(e) = &self.failed {
            return Err(e.clone());
        }
        if self.zap == Zap::Idle {
            return Ok(());
        }
        self.zap = Zap::Idle;
        if status_code == 200 {
            let ctx = Context {
                our_metadata: &self.our_metadata,
                socket_type: self.config.socket_type,
                peer_minor: self.peer_minor.unwrap_or(0),
            };
            let step = self.handshake.zap_ok(&ctx, &mut self.out);
            self.apply(step);
            return Ok(());
        }
        if status_code != 300 {
            command::encode_error(status_code.to_string().as_bytes(), &mut self.out);
        }
        let e = EngineError::ZapDenied {
            status: status_code,
        };
        self.failed = Some(e.clone());
        Err(e)
    }

    /// What the peer announced, once [`Event::Ready`] has been emitted.
    pub fn peer(&self) -> Option<&PeerInfo> {
        self.peer.as_ref()
    }

    /// The configuration this engine was built with.
    pub fn config(&self) -> &EngineConfig {
        &self.config
    }

    /// The error that ended this connection, if any.
    pub fn error(&self) -> Option<&EngineError> {
        self.failed.as_ref()
    }

    /// The TTL (tenths of a second) from the peer's most recent PING, for the caller's TTL
    /// timer (libzmq arms one for TTL > 0); `None` until a PING arrived.
    pub fn peer_ping_ttl(&self) -> Option<u16> {
        self.peer_ping_ttl
    }

    /// Tells the engine that the bytes just received
    /// arrived at `now` (call it as well right after [`Event::Ready`]): heartbeats start with
    /// the first call after the handshake, and any traffic resets the heartbeat timeout and
    /// re-arms the peer's PING TTL. Costs a few stores; the engine reads no clock.
    pub fn note_traffic(&mut self, now: Instant) {
        if !self.heartbeats() {
            return;
        }
        if !self.heartbeat_started {
            self.heartbeat_started = true;
            self.heartbeat.start(now);
        }
        self.heartbeat.on_input(now, self.peer_ping_ttl);
    }

    /// When [`handle_timeout`](Engine::handle_timeout) must next be called, if ever: the next
    /// PING, or the moment a silent peer is given up. `None` before the handshake, for
    /// ZMTP/1.0, 2.0 and 3.0 peers (no PING command) and with heartbeats off.
    pub fn poll_timeout(&self) -> Option<Instant> {
        if !self.heartbeat_started {
            return None;
        }
        self.heartbeat.next_wake()
    }

    /// Acts on the time: queues a due PING (with our TTL) as output, or fails with
    /// [`EngineError::HeartbeatExpired`] when the peer stayed silent too long. Calling it
    /// early does nothing.
    pub fn handle_timeout(&mut self, now: Instant) -> Result<(), EngineError> {
        if let Some(e) = &self.failed {
            return Err(e.clone());
        }
        if !self.heartbeat_started {
            return Ok(());
        }
        match self.heartbeat.poll(now) {
            Beat::Idle => Ok(()),
            Beat::Ping { ttl } => {
                let mut out = std::mem::take(&mut self.out);
                self.encode(Outgoing::Ping { ttl, context: &[] }, &mut out);
                self.out = out;
                Ok(())
            }
            Beat::Expired => {
                self.failed = Some(EngineError::HeartbeatExpired);
                Err(EngineError::HeartbeatExpired)
            }
        }
    }

    /// Whether this connection heartbeats: ready, and a ZMTP/3.1 peer. PING and PONG are 3.1
    /// commands: a 3.0 peer (libzmq 4.0 and 4.1) ignores a PING and never answers, so
    /// heartbeating it would end a healthy connection at every timeout (libzmq 4.3 does
    /// exactly that to a 4.1 peer); 1.0 and 2.0 peers have no commands at all.
    fn heartbeats(&self) -> bool {
        self.phase == Phase::Ready
            && self.legacy.is_none()
            && self.peer_minor.is_some_and(|m| m >= 1)
    }

    /// Runs the state machine until it has an event, needs more input, or fails. Called
    /// once per event, so the data path is a straight loop over `self.input`: the rare states
    /// (ZAP, a Ready or subscription owed, the greeting) are tested by one flag each first.
    #[inline(always)]
    fn next_event(&mut self) -> Result<Option<Event>, EngineError> {
        loop {
            if !matches!(self.zap, Zap::Idle) {
                return Ok(self.owed_zap_request());
            }
            if self.pending_ready.is_some() || self.pending_subscribe {
                return Ok(Some(self.owed_event()));
            }
            if self.phase.in_greeting() {
                let mut input = std::mem::take(&mut self.input);
                let more = self.step_greeting(&mut input);
                self.input = input;
                if !more? {
                    return Ok(None);
                }
                continue;
            }
            let Some((header, body)) = self.next_frame()? else {
                return Ok(None);
            };
            if let Some(event) = self.process_frame(header, body)? {
                return Ok(Some(event));
            }
        }
    }

    /// The ZAP request owed to the caller (once), or nothing while its reply is awaited.
    #[cold]
    fn owed_zap_request(&mut self) -> Option<Event> {
        match std::mem::replace(&mut self.zap, Zap::Waiting) {
            Zap::ToEmit(request) => Some(Event::ZapRequest(request)),
            _ => None,
        }
    }

    /// Ready once the handshake is done, then the subscribe-all owed to a ZMTP/1.0 peer.
    #[cold]
    fn owed_event(&mut self) -> Event {
        if let Some(info) = self.pending_ready.take() {
            self.phase = Phase::Ready;
            return Event::Ready(info);
        }
        self.pending_subscribe = false;
        Event::Subscribe(Bytes::new())
    }

    /// Copies greeting bytes up to the current stage's end and acts on a complete stage.
    /// Returns false when more input is needed.
    fn step_greeting(&mut self, input: &mut BytesMut) -> Result<bool, EngineError> {
        let target = match self.phase {
            // One byte first: a first byte other than 0xFF decides alone (an unversioned 1.0
            // peer), and no more than its identity frame's header may be taken as greeting.
            Phase::Signature if self.peer_greeting_len == 0 => 1,
            // After a first byte other than 0xFF, only the flags byte of that 1.0 short
            // identity frame (checked for reserved bits) may be taken as greeting.
            Phase::Signature if self.peer_greeting[0] != 0xFF => 2,
            Phase::Signature => greeting::SIGNATURE_LEN,
            Phase::Major => greeting::MAJOR_POS + 1,
            Phase::LegacyType => legacy::GREETING_LEN,
            _ => greeting::GREETING_LEN,
        };
        let want = target.saturating_sub(self.peer_greeting_len);
        let n = want.min(input.len());
        if let (Some(dst), Some(src)) = (
            self.peer_greeting
                .get_mut(self.peer_greeting_len..self.peer_greeting_len + n),
            input.get(..n),
        ) {
            dst.copy_from_slice(src);
        }
        input.advance(n);
        self.peer_greeting_len += n;
        let received = self
            .peer_greeting
            .get(..self.peer_greeting_len)
            .unwrap_or_default();

        match self.phase {
            Phase::Signature => match greeting::check_signature(received) {
                SignatureCheck::NeedMore => Ok(!input.is_empty()),
                SignatureCheck::NotZmtp => Err(EngineError::NotZmtp),
                SignatureCheck::Legacy => {
                    self.start_unversioned()?;
                    Ok(true)
                }
                SignatureCheck::Versioned => {
                    self.out.push(greeting::VERSION_MAJOR);
                    self.phase = Phase::Major;
                    Ok(true)
                }
            },
            Phase::Major => {
                let Some(&major) = received.get(greeting::MAJOR_POS) else {
                    return Ok(false);
                };
                if let Err(version) = greeting::check_major(major) {
                    self.start_revision(version)?;
                    return Ok(true);
                }
                self.out
                    .extend_from_slice(&greeting::rest(&self.config.mechanism.greeting_field()));
                self.phase = Phase::Rest;
                Ok(true)
            }
            Phase::LegacyType => {
                let Some(&type_byte) = received.get(legacy::SOCKET_TYPE_POS) else {
                    return Ok(false);
                };
                self.finish_revision_greeting(type_byte)?;
                Ok(true)
            }
            _ => {
                if received.len() < greeting::GREETING_LEN {
                    return Ok(false);
                }
                let mechanism = received
                    .get(greeting::MECHANISM_POS..greeting::MECHANISM_POS + greeting::MECHANISM_LEN)
                    .unwrap_or_default();
                if mechanism != self.config.mechanism.greeting_field() {
                    return Err(EngineError::MechanismMismatch {
                        peer: greeting::mechanism_name(mechanism),
                        ours: self.config.mechanism.name(),
                    });
                }
                let major = received.get(greeting::MAJOR_POS).copied().unwrap_or(0);
                let minor = received.get(greeting::MINOR_POS).copied().unwrap_or(0);
                let peer_minor = greeting::effective_minor(major, minor);
                self.peer_minor = Some(peer_minor);
                self.phase = Phase::Handshake;
                let ctx = Context {
                    our_metadata: &self.our_metadata,
                    socket_type: self.config.socket_type,
                    peer_minor,
                };
                let step = self.handshake.start(&ctx, &mut self.out);
                self.apply(step);
                Ok(true)
            }
        }
    }

    /// Checks what a frame header may cost before waiting for its body.
    #[inline(always)]
    fn check_header(&self, header: &FrameHeader) -> Result<(), EngineError> {
        let ready = self.phase == Phase::Ready;
        let limit = self.config.max_msg_size;
        if header.is_command() {
            if header.more() {
                return Err(EngineError::MalformedCommand {
                    command: String::new(),
                    reason: "MORE flag set on a command frame",
                });
            }
            if !ready && header.size > MAX_HANDSHAKE_COMMAND {
                return Err(EngineError::MalformedCommand {
                    command: String::new(),
                    reason: "handshake command too large",
                });
            }
        } else if !ready {
            return Err(EngineError::UnexpectedCommand {
                name: "data frame".to_string(),
            });
        }
        if ready {
            if let Some(limit) = limit {
                // Over CURVE the limit is on the plaintext inside the MESSAGE box.
                let overhead = if self.plain_traffic {
                    0
                } else {
                    self.codec.overhead()
                };
                if header.size > limit.saturating_add(overhead) {
                    return Err(EngineError::MessageTooLarge {
                        size: header.size.saturating_sub(overhead),
                        limit,
                    });
                }
            }
        }
        if header.size > MAX_ADDRESSABLE {
            return Err(EngineError::MessageTooLarge {
                size: header.size,
                limit: MAX_ADDRESSABLE,
            });
        }
        Ok(())
    }

    /// Reads the next frame header in the negotiated framing; `None` while it is incomplete.
    #[inline(always)]
    fn next_header(&self, input: &[u8]) -> Result<Option<FrameHeader>, EngineError> {
        let header = match self.legacy {
            Some(LegacyVersion::Zmtp10) => self.v1_header(input)?,
            _ => self.framing.decode_header(input),
        };
        let Some(header) = header else {
            return Ok(None);
        };
        if self.legacy.is_some() {
            self.check_legacy_header(&header)?;
        } else {
            self.check_header(&header)?;
        }
        Ok(Some(header))
    }

    /// Splits the next complete frame off `input`; `None` while it is incomplete. Nothing is
    /// reserved or allocated for a frame that has not fully arrived.
    ///
    /// A frame costs its own size, not its read buffer's: a small one is copied out, so it
    /// pins nothing; a large one keeps its bytes where they were read (no copy), and the few
    /// bytes read past it move to a fresh buffer, so no later read writes into the tail of
    /// the allocation the frame pins.
    #[inline(always)]
    fn next_frame(&mut self) -> Result<Option<(FrameHeader, BytesMut)>, EngineError> {
        let Some(header) = self.next_header(&self.input)? else {
            return Ok(None);
        };
        let too_large = || EngineError::MessageTooLarge {
            size: header.size,
            limit: MAX_ADDRESSABLE,
        };
        let size = usize::try_from(header.size).map_err(|_| too_large())?;
        // The prefix is always the front of this header, never more than all of it.
        let header_in_input = header.header_len.saturating_sub(self.identity_prefix);
        let total = header_in_input.checked_add(size).ok_or_else(too_large)?;
        let input = &mut self.input;
        if input.len() < total {
            return Ok(None);
        }
        input.advance(header_in_input);
        let body = if size >= SHARED_FRAME_MIN {
            // A large frame keeps the allocation it was read into; what was read past it
            // moves to a fresh buffer, so later frames do not pin this one's memory.
            let body = input.split_to(size);
            *input = BytesMut::from(&input[..]);
            body
        } else if input.capacity() <= 2 * SHARED_FRAME_MIN {
            // The usual case: a small frame shares the read chunk with its neighbours (no
            // allocation, no copy); together they pin about what was read.
            input.split_to(size)
        } else {
            // A small frame in a grown buffer would pin all of it: copy it out.
            let body = BytesMut::from(input.get(..size).unwrap_or_default());
            input.advance(size);
            body
        };
        self.identity_prefix = 0;
        Ok(Some((header, body)))
    }

    /// Adds one incoming data frame to the multipart message it belongs to; the message ends
    /// with a frame without MORE. Fails when the message passes `max_multipart_size`.
    #[inline(always)]
    pub(super) fn count_multipart(&mut self, more: bool, len: usize) -> Result<(), EngineError> {
        let size = self
            .multipart_received
            .saturating_add(u64::try_from(len).unwrap_or(u64::MAX));
        if let Some(limit) = self.config.max_multipart_size {
            if size > limit {
                return Err(EngineError::MessageTooLarge { size, limit });
            }
        }
        self.multipart_received = if more { size } else { 0 };
        Ok(())
    }

    /// What the mechanism's handshake asked for: a ZAP request to emit, or the end of the
    /// handshake (the peer, and CURVE's traffic keys).
    fn apply(&mut self, step: Step) {
        match step {
            Step::Wait => {}
            Step::Zap(request) => self.zap = Zap::ToEmit(request),
            Step::Done(info, cipher) => {
                if let Some(cipher) = cipher {
                    self.codec = Box::new(cipher);
                    self.plain_traffic = false;
                }
                self.peer = Some((*info).clone());
                self.pending_ready = Some(*info);
            }
        }
    }

    /// Acts on one complete frame; returns the event it makes, if any.
    #[inline(always)]
    fn process_frame(
        &mut self,
        header: FrameHeader,
        body: BytesMut,
    ) -> Result<Option<Event>, EngineError> {
        if self.legacy.is_some() {
            return self.process_legacy_frame(header, body.freeze());
        }
        if self.phase != Phase::Ready {
            // check_header refused data before Ready.
            let ctx = Context {
                our_metadata: &self.our_metadata,
                socket_type: self.config.socket_type,
                peer_minor: self.peer_minor.unwrap_or(0),
            };
            let step = self.handshake.process(body, &ctx, &mut self.out)?;
            self.apply(step);
            return Ok(None);
        }
        if self.plain_traffic {
            // Plain ZMTP 3.x without the dynamic codec call: this runs for every frame.
            if header.is_command() {
                return self.process_command(body.freeze());
            }
            let more = header.more();
            self.count_multipart(more, body.len())?;
            return Ok(Some(Event::Frame {
                more,
                body: body.freeze(),
            }));
        }
        match self.codec.decode(&header, body)? {
            Traffic::Data { more, body } => {
                self.count_multipart(more, body.len())?;
                Ok(Some(Event::Frame { more, body }))
            }
            Traffic::Command(body) => self.process_command(body),
        }
    }

    /// Acts on one command after the handshake (boxed ones already opened).
    fn process_command(&mut self, body: Bytes) -> Result<Option<Event>, EngineError> {
        match command::parse(body)? {
            Command::Ready(_) => Err(EngineError::UnexpectedCommand {
                name: "READY".to_string(),
            }),
            Command::Error(reason) => Err(peer_error(&reason)),
            Command::Ping { ttl, context } => {
                self.peer_ping_ttl = Some(ttl);
                let context = context.get(..command::MAX_PING_CONTEXT).unwrap_or(&context);
                self.codec.encode_command(
                    &self.framing,
                    command::PONG,
                    &[],
                    context,
                    &mut self.out,
                );
                Ok(None)
            }
            Command::Subscribe(topic) => Ok(Some(Event::Subscribe(topic))),
            Command::Cancel(topic) => Ok(Some(Event::Cancel(topic))),
            Command::Join(group) => Ok(Some(Event::Join(group))),
            Command::Leave(group) => Ok(Some(Event::Leave(group))),
            Command::Pong(_) | Command::Unknown { .. } => Ok(None),
        }
    }
}
