//! NULL with ZAP, PLAIN and CURVE, engine against engine: handshakes, ZAP outcomes, traffic
//! (multipart, subscriptions, PING/PONG over CURVE), and the failures libzmq's
//! `test_security_curve`/`test_security_plain`/`test_security_zap` provoke, with libzmq's
//! monitor codes.

mod common;

use bytes::{Bytes, BytesMut};
use common::raw_greeting;
use crypto_box::SecretKey;
use ferrozmq_zmtp::error::protocol_error::*;
use ferrozmq_zmtp::frame;
use ferrozmq_zmtp::fuzzing::pull_events;
use ferrozmq_zmtp::{
    Engine, EngineConfig, EngineError, Event, Mechanism, Outgoing, SocketType, ZapRequest,
};

/// One side: engine, bytes arrived but not yet handed to it, events, first error, and the
/// status its ZAP handler gives.
struct Side {
    engine: Engine,
    input: BytesMut,
    events: Vec<Event>,
    error: Option<EngineError>,
    zap_status: u16,
}

impl Side {
    fn new(config: EngineConfig) -> Side {
        Side {
            engine: Engine::new(config),
            input: BytesMut::new(),
            events: Vec::new(),
            error: None,
            zap_status: 200,
        }
    }

    /// Feeds pending input; answers a ZAP request with `zap_status` and goes on.
    fn pull(&mut self) {
        for _ in 0..2 {
            if self.error.is_some() {
                return;
            }
            let events = &mut self.events;
            let mut asked = false;
            self.engine.handle_input(&self.input.split());
            let r = pull_events(&mut self.engine, &mut |e| {
                asked |= matches!(e, Event::ZapRequest(_));
                events.push(e);
                true
            });
            if let Err(e) = r {
                self.error = Some(e);
                return;
            }
            if !asked {
                return;
            }
            if let Err(e) = self.engine.zap_reply(self.zap_status) {
                self.error = Some(e);
            }
        }
    }

    fn out(&mut self) -> Vec<u8> {
        let mut v = Vec::new();
        self.engine.take_output(&mut v);
        v
    }

    fn ready(&self) -> Option<&ferrozmq_zmtp::PeerInfo> {
        self.events.iter().find_map(|e| match e {
            Event::Ready(info) => Some(info),
            _ => None,
        })
    }

    fn zap_requests(&self) -> Vec<&ZapRequest> {
        self.events
            .iter()
            .filter_map(|e| match e {
                Event::ZapRequest(r) => Some(r),
                _ => None,
            })
            .collect()
    }

    fn frames(&self) -> Vec<(bool, Bytes)> {
        self.events
            .iter()
            .filter_map(|e| match e {
                Event::Frame { more, body } => Some((*more, body.clone())),
                _ => None,
            })
            .collect()
    }
}

/// Moves bytes both ways until both sides are quiet; `hold` may keep back a chunk `a` sends
/// (returned, unfed) when it returns true for it.
fn pump_until(a: &mut Side, b: &mut Side, hold: &dyn Fn(&[u8]) -> bool) -> Option<Vec<u8>> {
    for _ in 0..32 {
        let from_a = a.out();
        let from_b = b.out();
        if from_a.is_empty() && from_b.is_empty() {
            return None;
        }
        if hold(&from_a) {
            b.input.extend_from_slice(&from_b);
            return Some(from_a);
        }
        b.input.extend_from_slice(&from_a);
        a.input.extend_from_slice(&from_b);
        a.pull();
        b.pull();
    }
    panic!("pump did not settle");
}

fn pump(a: &mut Side, b: &mut Side) {
    pump_until(a, b, &|_| false);
}

fn config(t: SocketType, mechanism: Mechanism) -> EngineConfig {
    EngineConfig {
        mechanism,
        ..EngineConfig::new(t)
    }
}

fn keypair(seed: u8) -> ([u8; 32], [u8; 32]) {
    let secret = [seed; 32];
    (SecretKey::from(secret).public_key().to_bytes(), secret)
}

fn curve_pair(t_client: SocketType, t_server: SocketType) -> (Side, Side, [u8; 32]) {
    let (server_public, server_secret) = keypair(9);
    let (public, secret) = keypair(8);
    let client = Side::new(config(
        t_client,
        Mechanism::CurveClient {
            public_key: public,
            secret_key: secret,
            server_key: server_public,
        },
    ));
    let server = Side::new(config(
        t_server,
        Mechanism::CurveServer {
            secret_key: server_secret,
        },
    ));
    (client, server, public)
}

fn plain_pair(zap_status: u16) -> (Side, Side) {
    let mut client_config = config(
        SocketType::DEALER,
        Mechanism::PlainClient {
            username: b"admin".to_vec(),
            password: b"secret".to_vec(),
        },
    );
    client_config.metadata = vec![("X-Hello".to_string(), b"World".to_vec())];
    let client = Side::new(client_config);
    let mut server = Side::new(config(SocketType::ROUTER, Mechanism::PlainServer));
    server.zap_status = zap_status;
    (client, server)
}

/// Sends a multipart message from `a` to `b` and returns what `b` received.
fn send(a: &mut Side, b: &mut Side, frames: &[&[u8]]) -> Vec<(bool, Bytes)> {
    let before = b.frames().len();
    let mut wire = Vec::new();
    for (i, f) in frames.iter().enumerate() {
        a.engine.encode(
            Outgoing::Frame {
                more: i + 1 < frames.len(),
                body: f,
            },
            &mut wire,
        );
    }
    b.input.extend_from_slice(&wire);
    b.pull();
    b.frames().split_off(before)
}

#[test]
fn plain_handshake_traffic_and_metadata() {
    let (mut client, mut server) = plain_pair(200);
    pump(&mut client, &mut server);
    assert_eq!(client.error, None);
    assert_eq!(server.error, None);
    let on_server = server.ready().expect("server ready");
    assert_eq!(on_server.socket_type, SocketType::DEALER);
    assert!(on_server
        .properties
        .contains(&("X-Hello".to_string(), Bytes::from_static(b"World"))));
    assert_eq!(client.ready().unwrap().socket_type, SocketType::ROUTER);
    let asked = server.zap_requests();
    assert_eq!(asked.len(), 1);
    assert_eq!(asked[0].mechanism, "PLAIN");
    assert_eq!(asked[0].credentials, [&b"admin"[..], b"secret"]);
    assert!(!client.engine.encrypts());
    let got = send(&mut client, &mut server, &[b"a", b"", &[5; 400]]);
    assert_eq!(got.len(), 3);
    assert_eq!(got[2], (false, Bytes::from(vec![5; 400])));
}

#[test]
fn plain_zap_refusals() {
    for status in [300u16, 400, 500] {
        let (mut client, mut server) = plain_pair(status);
        pump(&mut client, &mut server);
        let err = server.error.clone().expect("server fails");
        assert_eq!(err, EngineError::ZapDenied { status });
        assert_eq!(err.zap_status_code(), Some(u32::from(status)));
        assert_eq!(err.protocol_error_code(), None);
        assert!(server.ready().is_none() && client.ready().is_none());
        if status == 300 {
            // A temporary failure: no ERROR, the client just waits (its handshake timer ends it).
            assert_eq!(client.error, None);
        } else {
            let err = client.error.clone().expect("client told");
            assert_eq!(err.zap_status_code(), Some(u32::from(status)));
        }
    }
}

#[test]
fn null_zap_outcomes() {
    for status in [200u16, 300, 400, 500] {
        let mut server = Side::new(EngineConfig {
            null_zap: true,
            ..EngineConfig::new(SocketType::REP)
        });
        server.zap_status = status;
        let mut client = Side::new(EngineConfig::new(SocketType::REQ));
        pump(&mut client, &mut server);
        assert_eq!(server.zap_requests().len(), 1);
        assert_eq!(server.zap_requests()[0].mechanism, "NULL");
        assert!(server.zap_requests()[0].credentials.is_empty());
        match status {
            200 => {
                assert!(server.ready().is_some() && client.ready().is_some());
                assert_eq!(send(&mut client, &mut server, &[b"q"]).len(), 1);
            }
            300 => {
                assert_eq!(server.error, Some(EngineError::ZapDenied { status }));
                assert_eq!(client.error, None);
                assert!(client.ready().is_none());
            }
            _ => {
                assert_eq!(server.error, Some(EngineError::ZapDenied { status }));
                let e = client.error.clone().unwrap();
                assert_eq!(e.zap_status_code(), Some(u32::from(status)));
            }
        }
    }
}

#[test]
fn zap_waits_for_the_reply_with_input_buffered() {
    let mut server = Side::new(config(SocketType::DEALER, Mechanism::PlainServer));
    let mut client = Side::new(config(
        SocketType::DEALER,
        Mechanism::PlainClient {
            username: b"u".to_vec(),
            password: b"p".to_vec(),
        },
    ));
    // Hand-driven: the server emits the request and then reads nothing until answered.
    let mut asked = 0;
    for _ in 0..8 {
        server.input.extend_from_slice(&client.out());
        client.input.extend_from_slice(&server.out());
        client.pull();
        server.engine.handle_input(&server.input.split());
        let events = &mut server.events;
        pull_events(&mut server.engine, &mut |e| {
            asked += usize::from(matches!(e, Event::ZapRequest(_)));
            events.push(e);
            true
        })
        .unwrap();
    }
    assert_eq!(asked, 1);
    assert!(!server.engine.is_ready());
    // Extra bytes stay buffered while the reply is outstanding.
    server.engine.handle_input(b"\x04\x01x");
    pull_events(&mut server.engine, &mut |_| {
        panic!("no event while waiting")
    })
    .unwrap();
    assert_eq!(server.engine.input_buffer().len(), 3);
    server.engine.input_buffer().clear();
    server.engine.zap_reply(200).unwrap();
    pump(&mut client, &mut server);
    assert!(server.ready().is_some() && client.ready().is_some());
    // A reply with nothing outstanding does nothing.
    server.engine.zap_reply(500).unwrap();
}

#[test]
fn curve_handshake_multipart_both_ways() {
    let (mut client, mut server, client_public) =
        curve_pair(SocketType::DEALER, SocketType::ROUTER);
    pump(&mut client, &mut server);
    assert_eq!((client.error.clone(), server.error.clone()), (None, None));
    assert!(client.engine.encrypts() && server.engine.encrypts());
    assert_eq!(server.ready().unwrap().socket_type, SocketType::DEALER);
    assert_eq!(client.ready().unwrap().socket_type, SocketType::ROUTER);
    let asked = server.zap_requests();
    assert_eq!(asked.len(), 1);
    assert_eq!(asked[0].mechanism, "CURVE");
    assert_eq!(
        asked[0].credentials,
        [Bytes::copy_from_slice(&client_public)]
    );
    let big = vec![0xab; 70_000];
    let got = send(&mut client, &mut server, &[b"id", b"", &big]);
    assert_eq!(
        got,
        vec![
            (true, Bytes::from_static(b"id")),
            (true, Bytes::new()),
            (false, Bytes::from(big))
        ]
    );
    for n in 0..50u8 {
        let got = send(&mut server, &mut client, &[&[n; 3]]);
        assert_eq!(got, vec![(false, Bytes::from(vec![n; 3]))]);
    }
    assert_eq!((client.error.clone(), server.error.clone()), (None, None));
}

#[test]
fn curve_subscriptions_and_heartbeats() {
    let (mut sub, mut publ, _) = curve_pair(SocketType::SUB, SocketType::PUB);
    pump(&mut sub, &mut publ);
    assert!(sub.ready().is_some() && publ.ready().is_some());
    let mut wire = Vec::new();
    sub.engine.encode(Outgoing::Subscribe(b"topic"), &mut wire);
    sub.engine.encode(Outgoing::Cancel(b""), &mut wire);
    sub.engine.encode(
        Outgoing::Ping {
            ttl: 50,
            context: b"ctx",
        },
        &mut wire,
    );
    // Every one of them is a box: no plaintext SUBSCRIBE or PING on the wire.
    assert!(!wire.windows(9).any(|w| w == b"SUBSCRIBE"));
    assert!(!wire.windows(4).any(|w| w == b"PING"));
    publ.input.extend_from_slice(&wire);
    publ.pull();
    assert_eq!(publ.error, None);
    assert!(publ
        .events
        .contains(&Event::Subscribe(Bytes::from_static(b"topic"))));
    assert!(publ.events.contains(&Event::Cancel(Bytes::new())));
    assert_eq!(publ.engine.peer_ping_ttl(), Some(50));
    let pong = publ.out();
    assert!(!pong.is_empty() && !pong.windows(4).any(|w| w == b"PONG"));
    sub.input.extend_from_slice(&pong);
    let before = sub.events.len();
    sub.pull();
    assert_eq!(sub.error, None);
    assert_eq!(sub.events.len(), before, "a PONG is no event");
    let got = send(&mut publ, &mut sub, &[b"topic", b"data"]);
    assert_eq!(got.len(), 2);
}

#[test]
fn curve_max_msg_size_applies_to_plaintext() {
    let (mut client, mut server, _) = curve_pair(SocketType::DEALER, SocketType::DEALER);
    let mut server_config = server.engine.config().clone();
    server_config.max_msg_size = Some(100);
    server = Side::new(server_config);
    pump(&mut client, &mut server);
    assert!(server.ready().is_some());
    assert_eq!(send(&mut client, &mut server, &[&[1; 100]]).len(), 1);
    send(&mut client, &mut server, &[&[1; 101]]);
    assert_eq!(
        server.error,
        Some(EngineError::MessageTooLarge {
            size: 101,
            limit: 100
        })
    );
}

#[test]
fn curve_wrong_server_key_fails_the_hello_box() {
    let (mut client, mut server, _) = curve_pair(SocketType::DEALER, SocketType::DEALER);
    let mut cfg = client.engine.config().clone();
    if let Mechanism::CurveClient { server_key, .. } = &mut cfg.mechanism {
        *server_key = keypair(77).0;
    }
    client = Side::new(cfg);
    pump(&mut client, &mut server);
    let err = server.error.clone().expect("server refuses");
    assert_eq!(err.protocol_error_code(), Some(ZMTP_CRYPTOGRAPHIC));
    assert!(client.ready().is_none() && client.error.is_none());
}

#[test]
fn mechanism_mismatch_both_sides() {
    let (mut client, _, _) = curve_pair(SocketType::DEALER, SocketType::DEALER);
    let mut server = Side::new(config(SocketType::DEALER, Mechanism::PlainServer));
    pump(&mut client, &mut server);
    for (side, ours, peer) in [(&client, "CURVE", "PLAIN"), (&server, "PLAIN", "CURVE")] {
        let err = side.error.clone().unwrap();
        assert_eq!(
            err,
            EngineError::MechanismMismatch {
                peer: peer.into(),
                ours
            }
        );
        assert_eq!(err.protocol_error_code(), Some(ZMTP_MECHANISM_MISMATCH));
    }
}

#[test]
fn two_curve_clients_fail_at_hello() {
    let (mut a, _, _) = curve_pair(SocketType::DEALER, SocketType::DEALER);
    let (mut b, _, _) = curve_pair(SocketType::DEALER, SocketType::DEALER);
    pump(&mut a, &mut b);
    let err = a.error.clone().unwrap();
    assert_eq!(err.protocol_error_code(), Some(ZMTP_UNEXPECTED_COMMAND));
}

#[test]
fn old_peers_are_refused_when_security_is_on() {
    let (_, server, _) = curve_pair(SocketType::DEALER, SocketType::DEALER);
    let mut cfg = server.engine.config().clone();
    cfg.allow_legacy = true;
    let mut server = Side::new(cfg);
    // A ZMTP/2.0 greeting: revision 1.
    server
        .input
        .extend_from_slice(&[0xff, 0, 0, 0, 0, 0, 0, 0, 1, 0x7f, 1, 5]);
    server.pull();
    assert!(matches!(
        server.error,
        Some(EngineError::UnsupportedVersion(_))
    ));
}

/// A CURVE pair with traffic flowing, plus the wire bytes of two client messages.
fn curve_with_two_boxes() -> (Side, Side, Vec<u8>, Vec<u8>) {
    let (mut client, mut server, _) = curve_pair(SocketType::DEALER, SocketType::DEALER);
    pump(&mut client, &mut server);
    let (mut first, mut second) = (Vec::new(), Vec::new());
    client.engine.encode(
        Outgoing::Frame {
            more: false,
            body: b"one",
        },
        &mut first,
    );
    client.engine.encode(
        Outgoing::Frame {
            more: false,
            body: b"two",
        },
        &mut second,
    );
    (client, server, first, second)
}

#[test]
fn curve_replayed_message_is_refused() {
    let (_, mut server, first, _) = curve_with_two_boxes();
    server.input.extend_from_slice(&first);
    server.input.extend_from_slice(&first);
    server.pull();
    assert_eq!(server.frames().len(), 1);
    let err = server.error.clone().unwrap();
    assert!(matches!(err, EngineError::InvalidSequence { .. }));
    assert_eq!(err.protocol_error_code(), Some(ZMTP_INVALID_SEQUENCE));
}

#[test]
fn curve_reordered_message_is_refused() {
    let (_, mut server, first, second) = curve_with_two_boxes();
    server.input.extend_from_slice(&second);
    server.input.extend_from_slice(&first);
    server.pull();
    assert_eq!(server.frames(), vec![(false, Bytes::from_static(b"two"))]);
    assert_eq!(
        server.error.clone().unwrap().protocol_error_code(),
        Some(ZMTP_INVALID_SEQUENCE)
    );
}

#[test]
fn curve_tampered_or_short_message_is_refused() {
    let (_, mut server, mut first, _) = curve_with_two_boxes();
    let last = first.len() - 1;
    first[last] ^= 1;
    server.input.extend_from_slice(&first);
    server.pull();
    assert_eq!(
        server.error.clone().unwrap().protocol_error_code(),
        Some(ZMTP_CRYPTOGRAPHIC)
    );
    // Too short for nonce, MAC and flags; another name is an unexpected command.
    for (wire, code) in [
        (
            b"\x00\x10\x07MESSAGE\0\0\0\0\0\0\0\x09".to_vec(),
            ZMTP_MALFORMED_COMMAND_MESSAGE,
        ),
        (b"\x00\x03abc".to_vec(), ZMTP_UNEXPECTED_COMMAND),
    ] {
        let (_, mut server, _, _) = curve_with_two_boxes();
        server.input.extend_from_slice(&wire);
        server.pull();
        assert_eq!(
            server.error.clone().unwrap().protocol_error_code(),
            Some(code)
        );
    }
}

/// The HELLO command frame a CURVE client sends (2-byte header + 200-byte body).
fn client_hello() -> Vec<u8> {
    let (mut client, _, _) = curve_pair(SocketType::DEALER, SocketType::DEALER);
    client
        .input
        .extend_from_slice(&raw_greeting(b"CURVE", 3, 1));
    client.pull();
    let out = client.out();
    out[64..].to_vec()
}

/// Feeds a CURVE greeting plus `command` to a fresh CURVE server; returns its error code.
fn server_code(command: &[u8]) -> Option<u32> {
    let (_, mut server, _) = curve_pair(SocketType::DEALER, SocketType::DEALER);
    server
        .input
        .extend_from_slice(&raw_greeting(b"CURVE", 3, 1));
    server.input.extend_from_slice(command);
    server.pull();
    server.error.and_then(|e| e.protocol_error_code())
}

/// Re-frames a command body.
fn command_frame(body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    frame::encode_header(frame::FLAG_COMMAND, body.len(), &mut out);
    out.extend_from_slice(body);
    out
}

#[test]
fn curve_malformed_hello() {
    let hello = client_hello();
    assert_eq!(hello.len(), 202);
    assert_eq!(&hello[..8], b"\x04\xc8\x05HELLO");
    let body = &hello[2..];
    assert_eq!(server_code(&hello), None, "a good HELLO passes");
    // Bad length.
    assert_eq!(
        server_code(&command_frame(&body[..199])),
        Some(ZMTP_MALFORMED_COMMAND_HELLO)
    );
    let mut longer = body.to_vec();
    longer.push(0);
    assert_eq!(
        server_code(&command_frame(&longer)),
        Some(ZMTP_MALFORMED_COMMAND_HELLO)
    );
    // Bad name.
    let mut renamed = body.to_vec();
    renamed[5] = b'P';
    assert_eq!(
        server_code(&command_frame(&renamed)),
        Some(ZMTP_UNEXPECTED_COMMAND)
    );
    // Bad version.
    let mut version = body.to_vec();
    version[6] = 2;
    assert_eq!(
        server_code(&command_frame(&version)),
        Some(ZMTP_MALFORMED_COMMAND_HELLO)
    );
    // Bad box.
    let mut tampered = body.to_vec();
    tampered[150] ^= 0xff;
    assert_eq!(
        server_code(&command_frame(&tampered)),
        Some(ZMTP_CRYPTOGRAPHIC)
    );
}

/// A change made to a command body.
type Mutation = fn(&mut Vec<u8>);

#[test]
fn curve_malformed_initiate() {
    let is_initiate = |b: &[u8]| b.windows(9).any(|w| w == b"\x08INITIATE");
    let mutate: [(&str, Mutation, u32); 5] = [
        (
            "short",
            |b| b.truncate(256),
            ZMTP_MALFORMED_COMMAND_INITIATE,
        ),
        ("name", |b| b[3] = b'X', ZMTP_UNEXPECTED_COMMAND),
        ("cookie", |b| b[40] ^= 1, ZMTP_CRYPTOGRAPHIC),
        ("box", |b| b[200] ^= 1, ZMTP_CRYPTOGRAPHIC),
        ("nonce", |b| b[110] ^= 1, ZMTP_CRYPTOGRAPHIC),
    ];
    for (what, change, code) in mutate {
        let (mut client, mut server, _) = curve_pair(SocketType::DEALER, SocketType::DEALER);
        let wire = pump_until(&mut client, &mut server, &is_initiate).expect("INITIATE sent");
        let header = frame::decode_header(&wire).unwrap();
        let mut body = wire[header.header_len..].to_vec();
        assert_eq!(body.len() as u64, header.size);
        change(&mut body);
        server.input.extend_from_slice(&command_frame(&body));
        server.pull();
        let err = server
            .error
            .clone()
            .unwrap_or_else(|| panic!("{what}: accepted"));
        assert_eq!(err.protocol_error_code(), Some(code), "{what}: {err}");
        assert!(server.zap_requests().is_empty(), "{what}: asked ZAP");
    }
}

#[test]
fn plain_malformed_hello() {
    let cases: [(&[u8], u32); 5] = [
        (b"\x05HELLO", ZMTP_MALFORMED_COMMAND_HELLO),
        (b"\x05HELLO\x05adm", ZMTP_MALFORMED_COMMAND_HELLO),
        (b"\x05HELLO\x01a", ZMTP_MALFORMED_COMMAND_HELLO),
        (b"\x05HELLO\x01a\x01bc", ZMTP_MALFORMED_COMMAND_HELLO),
        (b"\x05HELLP\x01a\x01b", ZMTP_UNEXPECTED_COMMAND),
    ];
    for (body, code) in cases {
        let mut server = Side::new(config(SocketType::DEALER, Mechanism::PlainServer));
        server
            .input
            .extend_from_slice(&raw_greeting(b"PLAIN", 3, 1));
        server.input.extend_from_slice(&command_frame(body));
        server.pull();
        assert_eq!(
            server.error.clone().and_then(|e| e.protocol_error_code()),
            Some(code),
            "{body:?}"
        );
    }
}

#[test]
fn plain_client_refuses_a_long_welcome() {
    let mut client = Side::new(config(
        SocketType::DEALER,
        Mechanism::PlainClient {
            username: vec![],
            password: vec![],
        },
    ));
    client
        .input
        .extend_from_slice(&raw_greeting(b"PLAIN", 3, 1));
    client
        .input
        .extend_from_slice(&command_frame(b"\x07WELCOMEx"));
    client.pull();
    assert_eq!(
        client.error.and_then(|e| e.protocol_error_code()),
        Some(ZMTP_MALFORMED_COMMAND_WELCOME)
    );
}
