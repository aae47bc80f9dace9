//! Engine behaviour: golden bytes against libzmq's testutil, engines back to back, and the
//! failures a hostile or mismatched peer must cause.

mod common;

use bytes::Bytes;
use common::*;
use ferrozmq_zmtp::error::protocol_error;
use ferrozmq_zmtp::frame::FrameHeader;
use ferrozmq_zmtp::fuzzing::pull_events;
use ferrozmq_zmtp::{
    Engine, EngineConfig, EngineError, Event, LegacyVersion, Outgoing, SocketType,
};
use ferrozmq_zmtp::{Framing, ZmtpFraming};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

fn out_of(engine: &mut Engine) -> Vec<u8> {
    let mut v = Vec::new();
    engine.take_output(&mut v);
    v
}

/// Hands `bytes` to the engine and pulls every event; returns the result, the events and
/// how many input bytes the engine still holds undecoded.
fn deliver(engine: &mut Engine, bytes: &[u8]) -> (Result<(), EngineError>, Vec<Event>, usize) {
    engine.handle_input(bytes);
    let mut events = Vec::new();
    let r = pull_events(engine, &mut |e| {
        events.push(e);
        true
    });
    (r, events, engine.input_buffer().len())
}

fn frames(events: &[Event]) -> Vec<(bool, Bytes)> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::Frame { more, body } => Some((*more, body.clone())),
            _ => None,
        })
        .collect()
}

#[test]
fn greeting_is_staged_with_libzmq_bytes() {
    let mut e = Engine::new(EngineConfig::new(SocketType::DEALER));
    assert!(e.has_output());
    assert_eq!(out_of(&mut e), [0xff, 0, 0, 0, 0, 0, 0, 0, 1, 0x7f]);
    assert!(!e.has_output());

    let peer = raw_greeting(b"NULL", 3, 0);
    // Nine bytes: nothing to say yet.
    let (r, _, rest) = deliver(&mut e, &peer[..9]);
    r.unwrap();
    assert_eq!(rest, 0);
    assert!(!e.has_output());
    // Tenth byte: the major version.
    deliver(&mut e, &peer[9..10]).0.unwrap();
    assert_eq!(out_of(&mut e), [3]);
    // Eleventh: the rest of our greeting.
    deliver(&mut e, &peer[10..11]).0.unwrap();
    let rest = out_of(&mut e);
    assert_eq!(rest.len(), 53);
    assert_eq!(rest[0], 1);
    assert_eq!(&rest[1..21], b"NULL\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0");
    assert!(rest[21..].iter().all(|&b| b == 0));
    // Rest of the peer's greeting: our READY.
    deliver(&mut e, &peer[11..]).0.unwrap();
    let ready = out_of(&mut e);
    assert_eq!(
        ready,
        b"\x04\x29\x05READY\x0bSocket-Type\0\0\0\x06DEALER\x08Identity\0\0\0\0"
    );
    assert!(!e.is_ready());
}

#[test]
fn full_greeting_matches_golden() {
    let mut e = Engine::new(EngineConfig::new(SocketType::SUB));
    let (r, _, _) = deliver(&mut e, &raw_greeting(b"NULL", 3, 1));
    r.unwrap();
    let out = out_of(&mut e);
    // ff 00.. 01 7f 03 01 NULL 00.. | 00 | 00x31, then READY for SUB.
    let mut want = raw_greeting(b"NULL", 3, 1);
    want[8] = 1;
    assert_eq!(out[..64], want[..]);
    assert_eq!(&out[64..], b"\x04\x19\x05READY\x0bSocket-Type\0\0\0\x03SUB");
    // Padding carries routing_id_size + 1.
    let cfg = EngineConfig {
        routing_id: b"abcd".to_vec(),
        ..EngineConfig::new(SocketType::REQ)
    };
    let mut e = Engine::new(cfg);
    assert_eq!(out_of(&mut e)[1..9], [0, 0, 0, 0, 0, 0, 0, 5]);
}

#[test]
fn subscription_forms_follow_peer_version() {
    for (minor, want) in [
        (1u8, b"\x04\x0b\x09SUBSCRIBEA".to_vec()),
        (0u8, vec![0x00, 0x02, 0x01, b'A']),
    ] {
        let mut e = Engine::new(EngineConfig::new(SocketType::SUB));
        deliver(&mut e, &raw_greeting(b"NULL", 3, minor)).0.unwrap();
        let mut out = Vec::new();
        e.encode(Outgoing::Subscribe(b"A"), &mut out);
        assert_eq!(out, want, "minor {minor}");
        out.clear();
        e.encode(Outgoing::Cancel(b"A"), &mut out);
        if minor == 1 {
            assert_eq!(out, b"\x04\x08\x06CANCELA");
        } else {
            assert_eq!(out, [0x00, 0x02, 0x00, b'A']);
        }
    }
    // A major above 3 counts as 3.1.
    let mut e = Engine::new(EngineConfig::new(SocketType::SUB));
    deliver(&mut e, &raw_greeting(b"NULL", 4, 0)).0.unwrap();
    let mut out = Vec::new();
    e.encode(Outgoing::Subscribe(b"A"), &mut out);
    assert_eq!(out[2], 9);
}

#[test]
fn frame_headers() {
    let mut e = Engine::new(EngineConfig::new(SocketType::PUSH));
    let mut out = Vec::new();
    e.encode(
        Outgoing::FrameHeader {
            more: false,
            len: 255,
        },
        &mut out,
    );
    assert_eq!(out, [0x00, 0xff]);
    out.clear();
    e.encode(
        Outgoing::FrameHeader {
            more: true,
            len: 256,
        },
        &mut out,
    );
    assert_eq!(out, [0x03, 0, 0, 0, 0, 0, 0, 1, 0]);
    out.clear();
    e.encode(
        Outgoing::Frame {
            more: true,
            body: b"xy",
        },
        &mut out,
    );
    assert_eq!(out, [0x01, 0x02, b'x', b'y']);
}

fn exchange(a_type: SocketType, b_type: SocketType) {
    let a_cfg = EngineConfig {
        routing_id: b"A-id".to_vec(),
        ..EngineConfig::new(a_type)
    };
    let (mut a, mut b) = connect(a_cfg, EngineConfig::new(b_type));
    assert!(
        a.error.is_none() && b.error.is_none(),
        "{:?} {:?}",
        a.error,
        b.error
    );
    assert!(a.engine.is_ready() && b.engine.is_ready());
    let Event::Ready(pa) = &a.events[0] else {
        panic!("{:?}", a.events)
    };
    let Event::Ready(pb) = &b.events[0] else {
        panic!("{:?}", b.events)
    };
    assert_eq!(pa.socket_type, b_type);
    assert_eq!(pb.socket_type, a_type);
    assert_eq!(pa.minor_version, 1);
    if a_type.sends_identity() {
        assert_eq!(pb.routing_id.as_deref(), Some(&b"A-id"[..]));
    } else {
        assert_eq!(pb.routing_id, None);
    }
    assert_eq!(b.engine.peer(), Some(pb));

    let big = vec![0xabu8; 1 << 20];
    let sent: Vec<(bool, Vec<u8>)> = vec![
        (false, b"single".to_vec()),
        (true, b"part1".to_vec()),
        (true, Vec::new()),
        (false, b"part3".to_vec()),
        (false, Vec::new()),
        (false, vec![1; 255]),
        (false, vec![2; 256]),
        (false, big),
    ];
    let mut wire = Vec::new();
    for (more, body) in &sent {
        a.engine
            .encode(Outgoing::Frame { more: *more, body }, &mut wire);
    }
    b.input.extend_from_slice(&wire);
    b.pull();
    assert!(b.error.is_none());
    let got = frames(&b.events);
    assert_eq!(got.len(), sent.len());
    for ((m1, b1), (m2, b2)) in got.iter().zip(&sent) {
        assert_eq!(m1, m2);
        assert_eq!(&b1[..], &b2[..]);
    }
    assert!(b.engine.input_buffer().is_empty());

    // And the other way.
    let mut wire = Vec::new();
    b.engine.encode(
        Outgoing::Frame {
            more: false,
            body: b"back",
        },
        &mut wire,
    );
    a.input.extend_from_slice(&wire);
    a.pull();
    assert_eq!(
        frames(&a.events),
        vec![(false, Bytes::from_static(b"back"))]
    );
}

#[test]
fn back_to_back_pairs() {
    use SocketType::*;
    exchange(PUSH, PULL);
    exchange(REQ, ROUTER);
    exchange(DEALER, REP);
    exchange(ROUTER, ROUTER);
    exchange(PAIR, PAIR);
    exchange(PUB, SUB);
    exchange(XSUB, XPUB);
    exchange(CLIENT, SERVER);
}

#[test]
fn ping_is_answered_with_pong() {
    let (mut a, mut b) = connect(
        EngineConfig::new(SocketType::DEALER),
        EngineConfig::new(SocketType::ROUTER),
    );
    let mut wire = Vec::new();
    a.engine.encode(
        Outgoing::Ping {
            ttl: 30,
            context: b"ctx-123",
        },
        &mut wire,
    );
    b.input.extend_from_slice(&wire);
    b.pull();
    assert_eq!(b.engine.peer_ping_ttl(), Some(30));
    let pong = out_of(&mut b.engine);
    assert_eq!(pong, b"\x04\x0c\x04PONGctx-123");
    // PONG is silently accepted.
    a.input.extend_from_slice(&pong);
    a.pull();
    assert!(a.error.is_none());
    assert_eq!(a.events.len(), 1);

    // A long context is truncated to 16 bytes, as libzmq does.
    let mut data = vec![0, 0];
    data.extend_from_slice(&[9u8; 40]);
    b.input.extend_from_slice(&raw_command(b"PING", &data));
    b.pull();
    let pong = out_of(&mut b.engine);
    assert_eq!(pong.len(), 2 + 5 + 16);
    // PING without TTL is malformed.
    b.input.extend_from_slice(&raw_command(b"PING", &[1]));
    b.pull();
    assert_eq!(
        b.error.as_ref().and_then(|e| e.protocol_error_code()),
        Some(protocol_error::ZMTP_MALFORMED_COMMAND_UNSPECIFIED)
    );
}

#[test]
fn subscribe_cancel_and_unknown_commands() {
    let (mut sub, mut publ) = connect(
        EngineConfig::new(SocketType::SUB),
        EngineConfig::new(SocketType::XPUB),
    );
    let mut wire = Vec::new();
    sub.engine.encode(Outgoing::Subscribe(b"topic"), &mut wire);
    wire.extend_from_slice(&raw_command(b"JOIN", b"group"));
    wire.extend_from_slice(&raw_command(b"UNKNOWN", b"ignored"));
    sub.engine.encode(Outgoing::Cancel(b""), &mut wire);
    // Reserved flag bits are ignored.
    wire.extend_from_slice(&[0xf8, 1, b'z']);
    publ.input.extend_from_slice(&wire);
    publ.pull();
    assert!(publ.error.is_none(), "{:?}", publ.error);
    assert_eq!(
        publ.events[1..],
        [
            Event::Subscribe(Bytes::from_static(b"topic")),
            // JOIN is an event (the session decides what it means for its socket type).
            Event::Join(Bytes::from_static(b"group")),
            Event::Cancel(Bytes::new()),
            Event::Frame {
                more: false,
                body: Bytes::from_static(b"z")
            },
        ]
    );
}

#[test]
fn back_pressure_pauses_and_resumes() {
    let (mut a, mut b) = connect(
        EngineConfig::new(SocketType::PUSH),
        EngineConfig::new(SocketType::PULL),
    );
    let mut wire = Vec::new();
    for i in 0..5u8 {
        a.engine.encode(
            Outgoing::Frame {
                more: false,
                body: &[i],
            },
            &mut wire,
        );
    }
    b.engine.handle_input(&wire);
    let mut got = Vec::new();
    for round in 0..5 {
        assert_eq!(got.len(), round);
        pull_events(&mut b.engine, &mut |e| {
            got.push(e);
            false
        })
        .unwrap();
    }
    assert_eq!(got.len(), 5);
    assert!(b.engine.input_buffer().is_empty());
    for (i, e) in got.iter().enumerate() {
        assert_eq!(
            e,
            &Event::Frame {
                more: false,
                body: Bytes::from(vec![i as u8])
            }
        );
    }
}

#[test]
fn incompatible_types_fail_on_both_sides() {
    let (a, b) = connect(
        EngineConfig::new(SocketType::PUSH),
        EngineConfig::new(SocketType::PUSH),
    );
    for side in [&a, &b] {
        assert_eq!(
            side.error,
            Some(EngineError::IncompatibleSocketType {
                peer: "PUSH".into()
            })
        );
        assert!(!side.engine.is_ready());
        assert!(side.events.is_empty());
    }
    let (a, b) = connect(
        EngineConfig::new(SocketType::REQ),
        EngineConfig::new(SocketType::REQ),
    );
    assert!(a.error.is_some() && b.error.is_some());
}

#[test]
fn mechanism_mismatch() {
    let mut e = Engine::new(EngineConfig::new(SocketType::PULL));
    let (r, _, _) = deliver(&mut e, &raw_greeting(b"PLAIN", 3, 1));
    let err = r.unwrap_err();
    assert_eq!(
        err,
        EngineError::MechanismMismatch {
            peer: "PLAIN".into(),
            ours: "NULL",
        }
    );
    assert_eq!(err.protocol_error_code(), Some(0x1100_0002));
    // Sticky: further input returns the same error.
    assert_eq!(deliver(&mut e, b"x").0, Err(err));
    // "NULL" followed by garbage in the mechanism field is not NULL either.
    let mut g = raw_greeting(b"NULL", 3, 1);
    g[20] = b'X';
    let mut e = Engine::new(EngineConfig::new(SocketType::PULL));
    assert!(matches!(
        deliver(&mut e, &g).0,
        Err(EngineError::MechanismMismatch { .. })
    ));
}

#[test]
fn padding_and_as_server_are_not_validated() {
    let mut g = raw_greeting(b"NULL", 3, 1);
    g[1..9].copy_from_slice(&[0xde, 0xad, 0xbe, 0xef, 1, 2, 3, 4]);
    g[32] = 1;
    g[40] = 0x55;
    g.extend_from_slice(&raw_ready("PUSH"));
    let mut e = Engine::new(EngineConfig::new(SocketType::PULL));
    let (r, events, _) = deliver(&mut e, &g);
    r.unwrap();
    assert!(matches!(&events[..], [Event::Ready(p)] if p.socket_type == SocketType::PUSH));
}

#[test]
fn old_and_foreign_peers_are_refused() {
    // With old protocols disabled (security or ZAP on), every old peer is refused at detection.
    let cases: [(&[u8], EngineError); 7] = [
        // ZMTP/1.0 short identity frame: a length and a flags byte with no reserved bit.
        (
            &[0x01, 0x00],
            EngineError::UnsupportedVersion(LegacyVersion::Zmtp10),
        ),
        // ZMTP/1.0 long identity frame: byte 9 without bit 0.
        (
            &[0xff, 0, 0, 0, 0, 0, 0, 1, 0, 0x00],
            EngineError::UnsupportedVersion(LegacyVersion::Zmtp10),
        ),
        // Revision 0 = 1.0, revision 1 = 2.0.
        (
            &[0xff, 0, 0, 0, 0, 0, 0, 0, 1, 0x7f, 0x00],
            EngineError::UnsupportedVersion(LegacyVersion::Zmtp10),
        ),
        (
            &[0xff, 0, 0, 0, 0, 0, 0, 0, 1, 0x7f, 0x01, 0x08],
            EngineError::UnsupportedVersion(LegacyVersion::Zmtp20),
        ),
        // Unlike libzmq (which waits HANDSHAKE_IVL for a 1.0 identity that never comes),
        // garbage is refused at once: its "flags byte" has reserved bits set.
        (b"GET / HTTP/1.1\r\n", EngineError::NotZmtp),
        // A zero length cannot even be that.
        (&[0x00, 0x00], EngineError::NotZmtp),
        (&[0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0x00], EngineError::NotZmtp),
    ];
    for (bytes, want) in cases {
        let mut e = Engine::new(EngineConfig {
            allow_legacy: false,
            ..EngineConfig::new(SocketType::PULL)
        });
        assert_eq!(deliver(&mut e, bytes).0, Err(want.clone()), "{bytes:?}");
        assert!(want.protocol_error_code().is_some());
    }
    // Zero lengths are refused even when old peers are allowed.
    let mut e = Engine::new(EngineConfig::new(SocketType::PULL));
    assert_eq!(deliver(&mut e, &[0x00]).0, Err(EngineError::NotZmtp));
    // A refused old peer is not sent the rest of the greeting.
    let mut e = Engine::new(EngineConfig {
        allow_legacy: false,
        ..EngineConfig::new(SocketType::PULL)
    });
    out_of(&mut e);
    let _ = deliver(&mut e, &[0xff, 0, 0, 0, 0, 0, 0, 0, 1, 0x7f, 0x01]);
    assert_eq!(out_of(&mut e), [3]);
}

fn handshaken(t: SocketType, peer: &str, max: Option<u64>) -> Engine {
    let mut e = Engine::new(EngineConfig {
        max_msg_size: max,
        ..EngineConfig::new(t)
    });
    let mut bytes = raw_greeting(b"NULL", 3, 1);
    bytes.extend_from_slice(&raw_ready(peer));
    let (r, events, rest) = deliver(&mut e, &bytes);
    r.unwrap();
    assert_eq!(rest, 0);
    assert_eq!(events.len(), 1);
    e
}

/// PING is a ZMTP/3.1 command: a 3.0 peer never answers one, so it is never heartbeated (nor
/// timed out for silence); a 3.1 peer is.
#[test]
fn heartbeats_only_for_zmtp_3_1_peers() {
    for (minor, heartbeats) in [(0u8, false), (1, true)] {
        let mut e = Engine::new(EngineConfig {
            heartbeat: ferrozmq_zmtp::HeartbeatConfig {
                interval: Some(std::time::Duration::from_millis(20)),
                timeout: Some(std::time::Duration::from_millis(200)),
                ttl: std::time::Duration::ZERO,
            },
            ..EngineConfig::new(SocketType::REQ)
        });
        let mut bytes = raw_greeting(b"NULL", 3, minor);
        bytes.extend_from_slice(&raw_ready("REP"));
        deliver(&mut e, &bytes).0.unwrap();
        let now = std::time::Instant::now();
        e.note_traffic(now);
        assert_eq!(e.poll_timeout().is_some(), heartbeats, "minor {minor}");
        let later = now + std::time::Duration::from_secs(10);
        assert!(
            e.handle_timeout(later).is_ok(),
            "minor {minor}: a PING is due, not expiry"
        );
        out_of(&mut e);
        assert_eq!(
            e.handle_timeout(later + std::time::Duration::from_secs(10))
                .is_err(),
            heartbeats,
            "minor {minor}: only a heartbeated peer expires"
        );
    }
}

#[test]
fn data_before_ready_fails() {
    let mut e = Engine::new(EngineConfig::new(SocketType::PULL));
    let mut bytes = raw_greeting(b"NULL", 3, 1);
    bytes.extend_from_slice(&[0x00, 0x01, b'x']);
    let err = deliver(&mut e, &bytes).0.unwrap_err();
    assert!(matches!(err, EngineError::UnexpectedCommand { .. }));
    assert_eq!(err.protocol_error_code(), Some(0x1000_0001));
}

#[test]
fn handshake_sequence_errors() {
    // Unknown command during the handshake.
    let mut e = Engine::new(EngineConfig::new(SocketType::PULL));
    let mut bytes = raw_greeting(b"NULL", 3, 1);
    bytes.extend_from_slice(&raw_command(b"HELLO", b""));
    assert_eq!(
        deliver(&mut e, &bytes).0,
        Err(EngineError::UnexpectedCommand {
            name: "HELLO".into()
        })
    );
    // ERROR during the handshake.
    let mut e = Engine::new(EngineConfig::new(SocketType::PULL));
    let mut bytes = raw_greeting(b"NULL", 3, 1);
    bytes.extend_from_slice(&raw_command(b"ERROR", b"\x03400"));
    let err = deliver(&mut e, &bytes).0.unwrap_err();
    assert_eq!(
        err,
        EngineError::PeerError {
            reason: "400".into()
        }
    );
    assert_eq!(err.zap_status_code(), Some(400));
    // READY twice.
    let mut e = handshaken(SocketType::PULL, "PUSH", None);
    let err = deliver(&mut e, &raw_ready("PUSH")).0.unwrap_err();
    assert_eq!(
        err,
        EngineError::UnexpectedCommand {
            name: "READY".into()
        }
    );
    // ERROR after the handshake.
    let mut e = handshaken(SocketType::PULL, "PUSH", None);
    assert!(matches!(
        deliver(&mut e, &raw_command(b"ERROR", b"\x02no")).0,
        Err(EngineError::PeerError { .. })
    ));
    // Malformed ERROR.
    let mut e = handshaken(SocketType::PULL, "PUSH", None);
    let err = deliver(&mut e, &raw_command(b"ERROR", b"\x09no"))
        .0
        .unwrap_err();
    assert_eq!(err.protocol_error_code(), Some(0x1000_0015));
    // A command with MORE set.
    let mut e = handshaken(SocketType::PULL, "PUSH", None);
    let mut cmd = raw_command(b"PING", b"\0\0");
    cmd[0] |= 0x01;
    assert!(matches!(
        deliver(&mut e, &cmd).0,
        Err(EngineError::MalformedCommand { .. })
    ));
    // A command whose name runs past the frame.
    let mut e = handshaken(SocketType::PULL, "PUSH", None);
    assert!(matches!(
        deliver(&mut e, &[0x04, 0x02, 0x05, b'R']).0,
        Err(EngineError::MalformedCommand { .. })
    ));
}

#[test]
fn bad_ready_metadata() {
    let run = |props: &[u8]| {
        let mut e = Engine::new(EngineConfig::new(SocketType::PULL));
        let mut bytes = raw_greeting(b"NULL", 3, 1);
        bytes.extend_from_slice(&raw_command(b"READY", props));
        deliver(&mut e, &bytes).0
    };
    let invalid = |r: Result<(), EngineError>| {
        let err = r.unwrap_err();
        assert!(
            matches!(err, EngineError::InvalidMetadata { .. }),
            "{err:?}"
        );
        assert_eq!(err.protocol_error_code(), Some(0x1000_0018));
    };
    invalid(run(b""));
    invalid(run(b"\x0bSocket-Type\0\0\0\x09PUSH"));
    invalid(run(b"\x0bSocket Type\0\0\0\x04PUSH"));
    invalid(run(b"\x00\0\0\0\0"));
    invalid(run(b"\x0bSocket-Type\0\0\0\x04PUSH\x01"));
    assert_eq!(
        run(b"\x0bSocket-Type\0\0\0\x04push"),
        Err(EngineError::IncompatibleSocketType {
            peer: "push".into()
        })
    );
    assert_eq!(
        run(b"\x0bSocket-Type\0\0\0\x04PUSH\x0bSocket-Type\0\0\0\x03PUB"),
        Err(EngineError::IncompatibleSocketType { peer: "PUB".into() })
    );
    // Extra properties are kept in order.
    let mut e = Engine::new(EngineConfig::new(SocketType::PULL));
    let mut bytes = raw_greeting(b"NULL", 3, 0);
    bytes.extend_from_slice(&raw_command(
        b"READY",
        b"\x05X-Foo\0\0\0\x01a\x0bSocket-Type\0\0\0\x04PUSH\x08Identity\0\0\0\x02id",
    ));
    let (r, events, _) = deliver(&mut e, &bytes);
    r.unwrap();
    let Event::Ready(p) = &events[0] else {
        panic!()
    };
    assert_eq!(p.minor_version, 0);
    assert_eq!(p.routing_id.as_deref(), Some(&b"id"[..]));
    let names: Vec<&str> = p.properties.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["X-Foo", "Socket-Type", "Identity"]);
}

#[test]
fn oversized_handshake_command_is_refused_from_its_header() {
    let mut e = Engine::new(EngineConfig::new(SocketType::PULL));
    let mut bytes = raw_greeting(b"NULL", 3, 1);
    bytes.extend_from_slice(&[0x06, 0, 0, 0, 0, 0, 1, 0, 1]);
    assert!(matches!(
        deliver(&mut e, &bytes).0,
        Err(EngineError::MalformedCommand { .. })
    ));
}

const HUGE_HEADER: [u8; 9] = [0x02, 0x40, 0, 0, 0, 0, 0, 0, 0];

#[test]
fn huge_frame_with_limit_fails() {
    let mut e = handshaken(SocketType::PULL, "PUSH", Some(1 << 20));
    assert_eq!(
        deliver(&mut e, &HUGE_HEADER).0,
        Err(EngineError::MessageTooLarge {
            size: 1 << 62,
            limit: 1 << 20
        })
    );
    // The limit applies per frame and at exactly the limit it passes.
    let mut e = handshaken(SocketType::PULL, "PUSH", Some(4));
    let (r, ev, _) = deliver(&mut e, &[0x00, 4, 1, 2, 3, 4]);
    r.unwrap();
    assert_eq!(ev.len(), 1);
    assert!(deliver(&mut e, &[0x00, 5])
        .0
        .unwrap_err()
        .protocol_error_code()
        .is_none());
    // Commands after the handshake are bounded by it too.
    let mut e = handshaken(SocketType::XPUB, "SUB", Some(4));
    assert!(matches!(
        deliver(&mut e, &raw_command(b"SUBSCRIBE", b"topic")).0,
        Err(EngineError::MessageTooLarge { .. })
    ));
}

#[test]
fn huge_frame_without_limit_does_not_allocate() {
    let mut e = handshaken(SocketType::PULL, "PUSH", None);
    e.input_buffer().reserve(64);
    e.input_buffer().extend_from_slice(&HUGE_HEADER);
    let cap = e.input_buffer().capacity();
    let mut events = 0;
    pull_events(&mut e, &mut |_| {
        events += 1;
        true
    })
    .unwrap();
    assert_eq!(events, 0);
    assert_eq!(e.input_buffer().len(), 9);
    assert_eq!(e.input_buffer().capacity(), cap);
    // More body bytes arrive: only they are held, nothing is reserved for the frame.
    e.input_buffer().extend_from_slice(&[0u8; 40]);
    let cap = e.input_buffer().capacity();
    pull_events(&mut e, &mut |_| true).unwrap();
    assert_eq!(e.input_buffer().len(), 49);
    assert_eq!(e.input_buffer().capacity(), cap);
    assert!(cap < 1 << 20);
    // A size beyond what any buffer can hold fails outright.
    let mut e = handshaken(SocketType::PULL, "PUSH", None);
    let (r, _, _) = deliver(
        &mut e,
        &[0x02, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
    );
    assert!(matches!(
        r,
        Err(EngineError::MessageTooLarge { size: u64::MAX, .. })
    ));
}

#[test]
fn partial_frames_stay_in_input() {
    let mut e = handshaken(SocketType::PULL, "PUSH", None);
    let mut wire = Vec::new();
    e.encode(
        Outgoing::Frame {
            more: true,
            body: &[7u8; 300],
        },
        &mut wire,
    );
    e.encode(
        Outgoing::Frame {
            more: false,
            body: b"end",
        },
        &mut wire,
    );
    let mut got = Vec::new();
    for chunk in wire.chunks(7) {
        e.handle_input(chunk);
        pull_events(&mut e, &mut |ev| {
            got.push(ev);
            true
        })
        .unwrap();
    }
    assert!(e.input_buffer().is_empty());
    assert_eq!(frames(&got).len(), 2);
    assert_eq!(frames(&got)[0].1.len(), 300);
}

/// The pulled API: bytes read into the lent input buffer (or handed over in hand) come out
/// one event per `poll_event`, and nothing comes out before a frame is whole.
#[test]
fn poll_event_hands_out_one_event_per_call() {
    let mut push = Engine::new(EngineConfig::new(SocketType::PUSH));
    let mut pull = Engine::new(EngineConfig::new(SocketType::PULL));
    let mut ready = 0;
    for _ in 0..4 {
        let mut wire = Vec::new();
        push.take_output(&mut wire);
        pull.handle_input(&wire);
        wire.clear();
        pull.take_output(&mut wire);
        push.handle_input(&wire);
        while let Some(e) = push.poll_event().unwrap() {
            ready += usize::from(matches!(e, Event::Ready(_)));
        }
        while let Some(e) = pull.poll_event().unwrap() {
            ready += usize::from(matches!(e, Event::Ready(_)));
        }
    }
    assert_eq!(ready, 2);
    let mut wire = Vec::new();
    push.encode(
        Outgoing::Frame {
            more: true,
            body: b"ab",
        },
        &mut wire,
    );
    push.encode(
        Outgoing::Frame {
            more: false,
            body: b"c",
        },
        &mut wire,
    );
    let (first, rest) = wire.split_at(4);
    for &byte in first {
        assert_eq!(pull.poll_event().unwrap(), None);
        pull.input_buffer().extend_from_slice(&[byte]);
    }
    let frame = |more, body: &'static [u8]| Event::Frame {
        more,
        body: Bytes::from_static(body),
    };
    assert_eq!(pull.poll_event().unwrap(), Some(frame(true, b"ab")));
    assert_eq!(pull.poll_event().unwrap(), None);
    pull.handle_input(rest);
    assert_eq!(pull.poll_event().unwrap(), Some(frame(false, b"c")));
    assert_eq!(pull.poll_event().unwrap(), None);
}

/// Wraps ZMTP framing and counts the headers the engine reads and writes through it.
#[derive(Debug, Default)]
struct CountingFraming {
    decoded: Arc<AtomicUsize>,
    encoded: Arc<AtomicUsize>,
}

impl Framing for CountingFraming {
    fn decode_header(&self, input: &[u8]) -> Option<FrameHeader> {
        let header = ZmtpFraming.decode_header(input);
        if header.is_some() {
            self.decoded.fetch_add(1, Ordering::Relaxed);
        }
        header
    }

    fn encode_header(&self, flags: u8, body_len: usize, out: &mut Vec<u8>) {
        self.encoded.fetch_add(1, Ordering::Relaxed);
        ZmtpFraming.encode_header(flags, body_len, out);
    }
}

/// The engine reads and writes traffic frame headers only through its `Framing`, so a
/// transport's own framer (ZWS) can sit under it: every frame written and read goes through
/// the one given to `Engine::with_framing`.
#[test]
fn traffic_goes_through_the_engines_framing() {
    let framing = CountingFraming::default();
    let (decoded, encoded) = (framing.decoded.clone(), framing.encoded.clone());
    let mut push = Engine::with_framing(EngineConfig::new(SocketType::PUSH), framing);
    let mut pull = Engine::new(EngineConfig::new(SocketType::PULL));
    for _ in 0..4 {
        let mut wire = Vec::new();
        push.take_output(&mut wire);
        pull.handle_input(&wire);
        wire.clear();
        pull.take_output(&mut wire);
        push.handle_input(&wire);
        pull_events(&mut push, &mut |_| true).unwrap();
        pull_events(&mut pull, &mut |_| true).unwrap();
    }
    assert!(push.is_ready() && pull.is_ready());
    // The peer's READY was read through it.
    assert_eq!(decoded.load(Ordering::Relaxed), 1);
    let before = encoded.load(Ordering::Relaxed);
    let mut wire = Vec::new();
    push.encode(
        Outgoing::Frame {
            more: true,
            body: b"a",
        },
        &mut wire,
    );
    push.encode(
        Outgoing::FrameHeader {
            more: false,
            len: 1,
        },
        &mut wire,
    );
    wire.push(b'b');
    push.encode(
        Outgoing::Ping {
            ttl: 1,
            context: b"",
        },
        &mut wire,
    );
    assert_eq!(encoded.load(Ordering::Relaxed) - before, 3);
    pull.handle_input(&wire);
    let mut got = Vec::new();
    pull_events(&mut pull, &mut |e| {
        got.push(e);
        true
    })
    .unwrap();
    assert_eq!(
        frames(&got),
        vec![
            (true, Bytes::from_static(b"a")),
            (false, Bytes::from_static(b"b"))
        ]
    );
    // The PONG comes back through the counting framing.
    let mut pong = Vec::new();
    pull.take_output(&mut pong);
    push.handle_input(&pong);
    pull_events(&mut push, &mut |_| true).unwrap();
    assert_eq!(decoded.load(Ordering::Relaxed), 2);
}

/// A PUSH and a PULL engine that have completed their handshake with each other.
fn handshaken_push_pull() -> (Engine, Engine) {
    let mut push = Engine::new(EngineConfig::new(SocketType::PUSH));
    let mut pull = Engine::new(EngineConfig::new(SocketType::PULL));
    for _ in 0..4 {
        let wire = out_of(&mut push);
        pull.handle_input(&wire);
        let wire = out_of(&mut pull);
        push.handle_input(&wire);
        pull_events(&mut push, &mut |_| true).unwrap();
        pull_events(&mut pull, &mut |_| true).unwrap();
    }
    (push, pull)
}

/// A large frame read the way a session reads (reserve_input, then a read of at most what it
/// says into the spare capacity) ends up in a buffer of exactly its own size, and at no step
/// is more than twice what has arrived (plus one chunk) reserved.
#[test]
fn a_large_frame_is_read_into_a_buffer_of_its_own_size() {
    const CHUNK: usize = 64 * 1024;
    let (mut push, mut pull) = handshaken_push_pull();
    let body: Vec<u8> = (0..1_000_000u32).map(|i| i as u8).collect();
    let mut wire = Vec::new();
    push.encode(
        Outgoing::Frame {
            more: false,
            body: &body,
        },
        &mut wire,
    );
    let (mut sent, mut capacity_at_end, mut growths) = (0, 0, 0);
    while sent < wire.len() {
        let max = pull.reserve_input(CHUNK);
        let buffer = pull.input_buffer();
        if buffer.capacity() != capacity_at_end {
            growths += 1;
        }
        assert!(
            buffer.capacity() <= 2 * sent + 2 * CHUNK,
            "{} reserved for {sent} bytes received",
            buffer.capacity()
        );
        // A read of what the kernel has, up to `max` (here: up to a chunk at a time).
        let n = max.min(CHUNK).min(wire.len() - sent);
        buffer.extend_from_slice(&wire[sent..sent + n]);
        sent += n;
        capacity_at_end = buffer.capacity();
    }
    assert_eq!(
        capacity_at_end,
        wire.len(),
        "the frame's buffer is its own size"
    );
    // Reads shorter than the room (a chunk at a time here) fill it before it grows again:
    // 1 MB arrives in a handful of doublings, not a copy of the whole buffer per read.
    assert!(
        growths <= 6,
        "{growths} growths for 1 MB read a chunk at a time"
    );
    match pull.poll_event().unwrap() {
        Some(Event::Frame {
            more: false,
            body: got,
        }) => assert_eq!(got, body),
        other => panic!("{other:?}"),
    }
}

/// Growing a large frame's buffer never ends with a sliver: a 1 MiB body (1 MiB + 9 bytes on
/// the wire) that doubling would bring to exactly 1 MiB is grown straight to its end, so no
/// step copies the whole buffer for a few bytes (and frees a buffer of the frame's size, which
/// raises glibc's mmap threshold so that later frames stay resident once freed).
#[test]
fn a_large_frame_buffer_grows_by_at_least_a_chunk_each_time() {
    const CHUNK: usize = 64 * 1024;
    let (mut push, mut pull) = handshaken_push_pull();
    let body = vec![7u8; 1 << 20];
    let mut wire = Vec::new();
    push.encode(
        Outgoing::Frame {
            more: false,
            body: &body,
        },
        &mut wire,
    );
    let mut sent = 0;
    let mut capacities = Vec::new();
    while sent < wire.len() {
        // The kernel has everything: each read fills what the engine asked for.
        let n = pull.reserve_input(CHUNK).min(wire.len() - sent);
        let buffer = pull.input_buffer();
        if capacities.last() != Some(&buffer.capacity()) {
            capacities.push(buffer.capacity());
        }
        buffer.extend_from_slice(&wire[sent..sent + n]);
        sent += n;
    }
    assert_eq!(*capacities.last().unwrap(), wire.len());
    assert!(
        capacities.windows(2).all(|w| w[1] >= w[0] + CHUNK),
        "capacities {capacities:?}"
    );
    assert!(matches!(
        pull.poll_event().unwrap(),
        Some(Event::Frame { .. })
    ));
}

#[test]
fn join_and_leave_travel_as_commands_between_dish_and_radio() {
    let (mut dish, mut radio) = connect(
        EngineConfig::new(SocketType::DISH),
        EngineConfig::new(SocketType::RADIO),
    );
    let mut wire = Vec::new();
    dish.engine.encode(Outgoing::Join(b"weather"), &mut wire);
    dish.engine.encode(Outgoing::Leave(b"weather"), &mut wire);
    assert_eq!(
        &wire[..14],
        b"\x04\x0c\x04JOINweather",
        "libzmq's JOIN command frame"
    );
    radio.input.extend_from_slice(&wire);
    radio.pull();
    assert!(radio.error.is_none(), "{:?}", radio.error);
    assert_eq!(
        radio.events[1..],
        [
            Event::Join(Bytes::from_static(b"weather")),
            Event::Leave(Bytes::from_static(b"weather")),
        ]
    );
}
