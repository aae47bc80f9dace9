//! Entry points shared by the cargo-fuzz targets in the workspace's `fuzz/` folder and by the
//! test that replays their seed corpus on stable (`tests/fuzz_corpus.rs`). Not part of the API.
//!
//! Each function takes the fuzzer's raw bytes. The crate's own code must never panic on them;
//! the functions assert the invariants a bug would break, so a panic here *is* the finding.

use bytes::Bytes;

use crate::command::{self, Command};
use crate::frame::Framing;
use crate::mechanism::{cipher, curve, plain};
use crate::{
    frame, greeting, legacy, metadata, Engine, EngineConfig, EngineError, Event, Mechanism,
    Outgoing, SocketType,
};

/// Socket type numbers the `greeting` target picks from (libzmq's 0..=20).
const SOCKET_TYPES: u8 = 21;

/// `greeting` target: a fresh engine fed the peer's bytes, whole and in chunks.
///
/// Layout: byte 0 configures the engine (bits 0-4: socket type number mod 21; bit 5: refuse
/// old peers; bit 6: `max_msg_size` = 16 × byte 1; bit 7: routing id `"fuzz"`); byte 1 seeds
/// the chunk sizes and back-pressure pauses (0: one chunk, no pause); the rest is the stream.
/// Both runs must report the same events, output and error, errors must be sticky, and a
/// ready engine must encode without panicking.
pub fn greeting(data: &[u8]) {
    let [cfg, seed, stream @ ..] = data else {
        return;
    };
    let config = config_from(*cfg, *seed);
    let whole = run(Engine::new(config.clone()), stream, 0, 200);
    let chunked = run(Engine::new(config), stream, *seed, 200);
    assert_eq!(whole, chunked, "chunking changed what the engine reported");
}

/// `frame_decoder` target: ZMTP 3.x/2.0 and ZMTP/1.0 header decoding. A decoded header lies
/// within the input, and re-encoding its size and flags decodes to the same header.
pub fn frame_decoder(data: &[u8]) {
    if let Some(h) = frame::decode_header(data) {
        assert!(h.header_len <= data.len());
        if let Ok(size) = usize::try_from(h.size) {
            let mut out = Vec::new();
            frame::encode_header(h.flags, size, &mut out);
            let again = frame::decode_header(&out).map(|a| (a.size, a.more(), a.is_command()));
            assert_eq!(again, Some((h.size, h.more(), h.is_command())));
        }
    }
    match legacy::decode_v1_header(data) {
        Ok(Some(h)) => {
            assert!(h.header_len <= data.len());
            assert!(!h.is_command());
            if let Ok(size) = usize::try_from(h.size) {
                let mut out = Vec::new();
                legacy::encode_v1_header(h.more(), size, &mut out);
                let again = legacy::decode_v1_header(&out);
                let again = again
                    .ok()
                    .flatten()
                    .map(|a| (a.size, a.more(), a.header_len));
                assert_eq!(again, Some((h.size, h.more(), out.len())));
            }
        }
        Ok(None) => assert!(data.len() < legacy::V1_LONG_HEADER_LEN),
        Err(e) => assert!(!e.reason().is_empty()),
    }
}

/// `command` target: command body parsing. A parsed command re-encodes to the same body (ERROR
/// to a prefix of it: trailing bytes are tolerated); a refused one has a libzmq error code.
pub fn command(data: &[u8]) {
    let cmd = match command::parse(Bytes::copy_from_slice(data)) {
        Ok(cmd) => cmd,
        Err(e) => {
            assert!(e.protocol_error_code().is_some());
            assert!(!e.to_string().is_empty());
            return;
        }
    };
    assert!(!cmd.name().is_empty());
    let mut encoded = Vec::new();
    match &cmd {
        Command::Ready(d) => command::encode(command::READY, d, &mut encoded),
        Command::Pong(d) => command::encode(command::PONG, d, &mut encoded),
        Command::Subscribe(d) => command::encode(command::SUBSCRIBE, d, &mut encoded),
        Command::Cancel(d) => command::encode(command::CANCEL, d, &mut encoded),
        Command::Join(d) => command::encode(command::JOIN, d, &mut encoded),
        Command::Leave(d) => command::encode(command::LEAVE, d, &mut encoded),
        Command::Unknown { name, data } => command::encode(name, data, &mut encoded),
        Command::Ping { ttl, context } => {
            let mut payload = ttl.to_be_bytes().to_vec();
            payload.extend_from_slice(context);
            command::encode(command::PING, &payload, &mut encoded);
        }
        Command::Error(reason) => command::encode_error(reason, &mut encoded),
    }
    let Some(header) = frame::decode_header(&encoded) else {
        panic!("an encoded command has no header");
    };
    let body = encoded.get(header.header_len..).unwrap_or_default();
    if matches!(cmd, Command::Error(_)) {
        assert!(data.starts_with(body));
    } else {
        assert_eq!(body, data);
    }
}

/// `metadata` target: property list parsing. An accepted list re-encodes to the same bytes
/// (the parser accepts nothing it would not write).
pub fn metadata(data: &[u8]) {
    match metadata::parse(&Bytes::copy_from_slice(data)) {
        Ok(props) => {
            let mut encoded = Vec::new();
            for (name, value) in &props {
                metadata::encode_property(name, value, &mut encoded);
            }
            assert_eq!(encoded, data);
        }
        Err(e) => assert!(!e.reason().is_empty()),
    }
}

/// `curve_server` target: a CURVE server engine fed a client's bytes after the greeting.
///
/// Layout: byte 0 — bit 0 set: a real client engine completes the handshake first, so the
/// rest is traffic (MESSAGE boxes) from it; bits 1-2 pick the ZAP answer (200, 300, 400,
/// 500); byte 1 seeds the chunking (0: one chunk); the rest is the stream. Keys are fixed, so
/// a recorded HELLO is valid; cookies and transient keys are fresh per run, so later commands
/// and boxes are only ever forged. Errors must be sticky and carry a libzmq code or ZAP status.
pub fn curve_server(data: &[u8]) {
    curve(data, true);
}

/// `curve_client` target: a CURVE client engine fed a server's bytes after the greeting
/// (layout as [`curve_server`]).
pub fn curve_client(data: &[u8]) {
    curve(data, false);
}

/// The long-term secret keys the CURVE targets use (client, server).
pub const CURVE_SECRETS: ([u8; 32], [u8; 32]) = ([1; 32], [2; 32]);

/// The two CURVE configurations of the fuzz targets (client, server), DEALER to DEALER.
pub fn curve_configs() -> (EngineConfig, EngineConfig) {
    let public = |secret| crypto_box::SecretKey::from(secret).public_key().to_bytes();
    let (client_secret, server_secret) = CURVE_SECRETS;
    let dealer = |mechanism| EngineConfig {
        mechanism,
        ..EngineConfig::new(SocketType::DEALER)
    };
    (
        dealer(Mechanism::CurveClient {
            public_key: public(client_secret),
            secret_key: client_secret,
            server_key: public(server_secret),
        }),
        dealer(Mechanism::CurveServer {
            secret_key: server_secret,
        }),
    )
}

fn curve(data: &[u8], server: bool) {
    let [cfg, seed, stream @ ..] = data else {
        return;
    };
    let zap = [200, 300, 400, 500][usize::from((cfg >> 1) & 3)];
    let (client_config, server_config) = curve_configs();
    let (mut target, mut other) = if server {
        (Engine::new(server_config), Engine::new(client_config))
    } else {
        (Engine::new(client_config), Engine::new(server_config))
    };
    if cfg & 1 != 0 {
        shuttle(&mut target, &mut other);
        assert!(target.is_ready() && other.is_ready() && target.encrypts());
    } else {
        target.handle_input(&greeting::full(
            0,
            &target.config().mechanism.greeting_field(),
        ));
        let result = pull_events(&mut target, &mut |e| panic!("event {e:?} from a greeting"));
        assert!(result.is_ok());
    }
    let outcome = run(target, stream, *seed, zap);
    if let Some(e) = outcome.error {
        assert!(has_reason(&e), "{e}");
    }
}

/// Whether a mechanism failure tells a monitor why: a libzmq protocol code, a ZAP status,
/// the peer's own ERROR, or a size limit (EMSGSIZE).
fn has_reason(e: &EngineError) -> bool {
    e.protocol_error_code().is_some()
        || e.zap_status_code().is_some()
        || matches!(
            e,
            EngineError::PeerError { .. } | EngineError::MessageTooLarge { .. }
        )
}

/// Moves bytes between two engines (answering ZAP with 200) until both are quiet.
fn shuttle(a: &mut Engine, b: &mut Engine) {
    for _ in 0..16 {
        let mut out = Vec::new();
        a.take_output(&mut out);
        b.handle_input(&out);
        out.clear();
        b.take_output(&mut out);
        a.handle_input(&out);
        for engine in [&mut *a, &mut *b] {
            for _ in 0..2 {
                let mut asked = false;
                let r = pull_events(engine, &mut |e| {
                    asked |= matches!(e, Event::ZapRequest(_));
                    true
                });
                assert!(r.is_ok(), "a real handshake failed: {r:?}");
                if !asked {
                    break;
                }
                assert!(engine.zap_reply(200).is_ok());
            }
        }
    }
}

/// `mechanism_commands` target: every mechanism command parser on the same bytes (PLAIN
/// HELLO, WELCOME, INITIATE; CURVE HELLO, WELCOME, INITIATE, READY, MESSAGE). None may panic;
/// a refusal carries a libzmq code; an accepted CURVE command has its exact or minimum size.
pub fn mechanism_commands(data: &[u8]) {
    let bytes = Bytes::copy_from_slice(data);
    let code = |e: EngineError| assert!(has_reason(&e), "{e}");
    if let Err(e) = plain::parse_hello(&bytes) {
        code(e);
    }
    if let Err(e) = plain::parse_welcome(&bytes) {
        code(e);
    }
    if let Err(e) = plain::parse_properties(&bytes, plain::INITIATE) {
        code(e);
    }
    match curve::parse_hello(data) {
        Ok(_) => assert_eq!(data.len(), curve::HELLO_LEN),
        Err(e) => code(e),
    }
    match curve::parse_welcome(data) {
        Ok(()) => assert_eq!(data.len(), curve::WELCOME_LEN),
        Err(e) => code(e),
    }
    match curve::parse_initiate(data) {
        Ok(_) => assert!(data.len() >= curve::MIN_INITIATE_LEN),
        Err(e) => code(e),
    }
    match curve::parse_ready(data) {
        Ok(_) => assert!(data.len() >= curve::MIN_READY_LEN),
        Err(e) => code(e),
    }
    match cipher::parse_message(data) {
        Ok(_) => assert!(data.len() >= cipher::MESSAGE_OVERHEAD),
        Err(e) => code(e),
    }
}

/// Pulls [`Engine::poll_event`] until it needs more input, handing each event to `emit`;
/// stops early when `emit` returns false (the caller pauses, as a session does when its pipe
/// is full: the engine keeps the rest of its input for the next pull) or at an error. The
/// targets, and the crate's tests, drive engines through it.
pub fn pull_events<F: Framing>(
    engine: &mut Engine<F>,
    emit: &mut dyn FnMut(Event) -> bool,
) -> Result<(), EngineError> {
    while let Some(event) = engine.poll_event()? {
        if !emit(event) {
            break;
        }
    }
    Ok(())
}

/// The engine configuration the `greeting` target's first byte selects.
fn config_from(cfg: u8, seed: u8) -> EngineConfig {
    let number = (cfg & 0x1f) % SOCKET_TYPES;
    EngineConfig {
        socket_type: SocketType::from_raw(i32::from(number)).unwrap_or(SocketType::PAIR),
        routing_id: if cfg & 0x80 != 0 {
            b"fuzz".to_vec()
        } else {
            Vec::new()
        },
        max_msg_size: (cfg & 0x40 != 0).then(|| u64::from(seed) * 16),
        allow_legacy: cfg & 0x20 == 0,
        ..EngineConfig::new(SocketType::PAIR)
    }
}

/// Everything one run of the engine reported.
#[derive(Debug, PartialEq)]
struct Outcome {
    events: Vec<Event>,
    output: Vec<u8>,
    error: Option<EngineError>,
    ready: bool,
}

/// A tiny deterministic generator (xorshift32) for chunk sizes and pauses.
struct Rng(u32);

impl Rng {
    fn next(&mut self) -> u32 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        self.0 = x;
        x
    }
}

/// Feeds `stream` to `engine` (whole if `seed` is 0, else in chunks of 1..=64 bytes with
/// random pauses) until it is consumed or the engine fails; a ZAP request is answered with
/// `zap`.
fn run(mut engine: Engine, stream: &[u8], seed: u8, zap: u16) -> Outcome {
    let mut rng = Rng(u32::from(seed).wrapping_mul(0x9e37_79b9) | 1);
    let mut events = Vec::new();
    let mut output = Vec::new();
    let mut error = None;
    let mut pos = 0;
    // Every call consumes input, emits an event or waits for more: bounded by both counts.
    let mut budget = stream.len().saturating_mul(4).saturating_add(64);
    loop {
        assert!(budget > 0, "the engine made no progress");
        budget -= 1;
        if pos < stream.len() {
            let n = if seed == 0 {
                stream.len()
            } else {
                1 + rng.next() as usize % 64
            };
            let end = pos.saturating_add(n).min(stream.len());
            engine.handle_input(stream.get(pos..end).unwrap_or_default());
            pos = end;
        }
        let before = (engine.input_buffer().len(), events.len());
        let mut result = pull_events(&mut engine, &mut |e| {
            events.push(e);
            seed == 0 || rng.next() % 4 != 0
        });
        if result.is_ok() && matches!(events.last(), Some(Event::ZapRequest(_))) {
            result = engine.zap_reply(zap);
        }
        engine.take_output(&mut output);
        if let Err(e) = result {
            engine.handle_input(b"x");
            let again = pull_events(&mut engine, &mut |e| panic!("event {e:?} after an error"));
            assert_eq!(again.err().as_ref(), Some(&e), "errors must be sticky");
            error = Some(e);
            break;
        }
        if pos >= stream.len() && (engine.input_buffer().len(), events.len()) == before {
            break;
        }
    }
    let ready = engine.is_ready();
    if ready {
        assert!(engine.peer().is_some());
        let mut encoded = Vec::new();
        engine.encode(
            Outgoing::Frame {
                more: true,
                body: b"fuzz",
            },
            &mut encoded,
        );
        engine.encode(
            Outgoing::FrameHeader {
                more: false,
                len: 300,
            },
            &mut encoded,
        );
        engine.encode(Outgoing::Subscribe(b"topic"), &mut encoded);
        engine.encode(Outgoing::Cancel(b""), &mut encoded);
        engine.encode(
            Outgoing::Ping {
                ttl: 10,
                context: b"ctx",
            },
            &mut encoded,
        );
        assert!(!encoded.is_empty());
    }
    Outcome {
        events,
        output,
        error,
        ready,
    }
}

/// `datagram` target: any bytes as a udp datagram. A decoded one must re-encode to the same
/// bytes; a refused one has a reason.
pub fn datagram(data: &[u8]) {
    match crate::datagram::decode(data) {
        Ok((group, body)) => {
            let mut encoded = Vec::new();
            match crate::datagram::encode(group, body, &mut encoded) {
                Ok(()) => assert_eq!(encoded, data),
                Err(e) => assert!(data.len() > crate::datagram::MAX_DATAGRAM, "{e}"),
            }
        }
        Err(e) => assert!(!e.to_string().is_empty()),
    }
}

/// `zws` target: a ws peer's bytes. Byte 0: bit 0 = we are the client (the peer a server),
/// bit 1 = the bytes start with the HTTP upgrade request (our side a server), bit 2 = bare
/// `ZWS2.0` (the first message is a routing id); byte 1 sizes the chunks. Whole and chunked
/// decoding must agree, and never more ZMTP bytes come out than the input plus the headers
/// the translation adds (and, bare, the READY it stands for).
pub fn zws(data: &[u8]) {
    let [cfg, chunk, rest @ ..] = data else {
        return;
    };
    let client = cfg & 1 != 0 && cfg & 2 == 0;
    let bare = cfg & 4 != 0;
    let mut wire = rest.to_vec();
    if cfg & 2 != 0 {
        let mut handshake = crate::zws::ServerHandshake::new("NULL");
        match handshake.received(rest) {
            Ok(true) => {
                let response = handshake.output().len();
                handshake.wrote(response);
                assert!(handshake.is_done());
                wire = handshake.take_rest();
            }
            Ok(false) => return,
            Err(e) => {
                assert!(!e.to_string().is_empty());
                return;
            }
        }
    }
    let run = |size: usize| {
        let mut greeting = Vec::new();
        let mut bridge = crate::zws::Bridge::new(client, "NULL", 1, &mut greeting);
        if bare {
            bridge.go_bare(crate::SocketType::DEALER);
        }
        let (mut zmtp, mut reply) = (Vec::new(), Vec::new());
        let mut outcome = Ok(crate::zws::Decoded::Open);
        for piece in wire.chunks(size.max(1)) {
            outcome = bridge.decode(piece, &mut zmtp, &mut reply);
            if outcome != Ok(crate::zws::Decoded::Open) {
                break;
            }
        }
        (outcome, zmtp, reply)
    };
    let whole = run(wire.len());
    let chunked = run(usize::from(*chunk % 17) + 1);
    assert_eq!(whole, chunked);
    let ready = if bare { 64 } else { 0 };
    assert!(whole.1.len() <= wire.len() + 9 * (wire.len() / 2 + 1) + ready);
}
