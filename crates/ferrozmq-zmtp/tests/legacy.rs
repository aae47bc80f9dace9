//! ZMTP/1.0 and 2.0 peers: golden bytes of what libzmq sends them, hand-written old peers
//! exchanging messages with the engine, refusal when old protocols are disabled, and bounds.

mod common;

use bytes::Bytes;
use common::*;
use ferrozmq_zmtp::fuzzing::pull_events;
use ferrozmq_zmtp::{
    Engine, EngineConfig, EngineError, Event, LegacyVersion, Outgoing, PeerInfo, SocketType,
    MAX_HANDSHAKE_COMMAND,
};

fn engine(t: SocketType, routing_id: &[u8]) -> Engine {
    Engine::new(EngineConfig {
        routing_id: routing_id.to_vec(),
        ..EngineConfig::new(t)
    })
}

fn out_of(engine: &mut Engine) -> Vec<u8> {
    let mut v = Vec::new();
    engine.take_output(&mut v);
    v
}

/// Hands `bytes` to the engine and pulls every event.
fn deliver(engine: &mut Engine, bytes: &[u8]) -> (Result<(), EngineError>, Vec<Event>) {
    engine.handle_input(bytes);
    let mut events = Vec::new();
    let r = pull_events(engine, &mut |e| {
        events.push(e);
        true
    });
    (r, events)
}

fn frame_events(events: &[Event]) -> Vec<(bool, Vec<u8>)> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::Frame { more, body } => Some((*more, body.to_vec())),
            _ => None,
        })
        .collect()
}

const SIGNATURE_ABC: [u8; 10] = [0xff, 0, 0, 0, 0, 0, 0, 0, 4, 0x7f];

/// Messages both directions use: single, multipart with an empty part, and both sides of the
/// 1.0 (254/255) and 2.0 (255/256) long-form thresholds.
fn sample_frames() -> Vec<(bool, Vec<u8>)> {
    vec![
        (false, b"single".to_vec()),
        (true, b"part1".to_vec()),
        (true, Vec::new()),
        (false, b"part3".to_vec()),
        (false, vec![1; 253]),
        (false, vec![2; 254]),
        (false, vec![3; 255]),
        (false, vec![4; 256]),
        (false, vec![5; 70_000]),
    ]
}

// ---------------------------------------------------------------------------------------------
// Golden bytes: what we send.

#[test]
fn golden_unversioned_v1() {
    // Short identity frame from the peer: decided on its length and flags bytes. Our 10 bytes
    // were the long header of our identity frame (length 4 = "abc" + flags, flags 0x7F); its
    // body follows.
    let mut e = engine(SocketType::DEALER, b"abc");
    assert_eq!(out_of(&mut e), SIGNATURE_ABC);
    deliver(&mut e, &[0x04, 0x00]).0.unwrap();
    assert_eq!(out_of(&mut e), b"abc");
    assert!(!e.is_ready());
    // Nothing else is ever sent on the handshake's account.
    deliver(&mut e, b"bob").0.unwrap();
    assert!(e.is_ready());
    assert!(!e.has_output());

    // Long identity frame from the peer: decided on its 10th byte; same reply.
    let mut e = engine(SocketType::DEALER, b"abc");
    out_of(&mut e);
    let mut peer = vec![0xff, 0, 0, 0, 0, 0, 0, 1, 0];
    deliver(&mut e, &peer).0.unwrap();
    assert!(!e.has_output());
    peer = vec![0x00];
    deliver(&mut e, &peer).0.unwrap();
    assert_eq!(out_of(&mut e), b"abc");

    // Empty routing id: the 10 bytes were the whole identity frame.
    let mut e = engine(SocketType::PULL, b"");
    assert_eq!(out_of(&mut e), [0xff, 0, 0, 0, 0, 0, 0, 0, 1, 0x7f]);
    deliver(&mut e, &[0x01, 0x00]).0.unwrap();
    assert!(!e.has_output());
    assert!(e.is_ready());

    // A 255-byte routing id: the header is long either way.
    let id = [b'i'; 255];
    let mut e = engine(SocketType::ROUTER, &id);
    assert_eq!(out_of(&mut e), [0xff, 0, 0, 0, 0, 0, 0, 1, 0, 0x7f]);
    deliver(&mut e, &[0x01, 0x00]).0.unwrap();
    assert_eq!(out_of(&mut e), id);
}

#[test]
fn golden_v2_and_v1_with_revision() {
    for (revision, identity) in [
        // 2.0: flags 0, length, body.
        (0x01u8, vec![0x00, 0x03, b'a', b'b', b'c']),
        // 1.0 with revision: length + 1, flags 0, body.
        (0x00u8, vec![0x04, 0x00, b'a', b'b', b'c']),
    ] {
        let mut e = engine(SocketType::DEALER, b"abc");
        assert_eq!(out_of(&mut e), SIGNATURE_ABC);
        let peer = revision_greeting(revision, 5);
        deliver(&mut e, &peer[..10]).0.unwrap();
        assert_eq!(out_of(&mut e), [3], "major once the peer looks versioned");
        deliver(&mut e, &peer[10..11]).0.unwrap();
        assert_eq!(out_of(&mut e), [5], "our socket type instead of the rest");
        deliver(&mut e, &peer[11..]).0.unwrap();
        assert_eq!(
            out_of(&mut e),
            identity,
            "identity once the peer's type is in"
        );
        assert!(!e.is_ready());
    }
    // The type byte is libzmq's number, whatever the type.
    let mut e = engine(SocketType::XPUB, b"");
    out_of(&mut e);
    deliver(&mut e, &revision_greeting(1, 2)).0.unwrap();
    assert_eq!(out_of(&mut e), [3, 9, 0x00, 0x00]);
}

#[test]
fn golden_frames_and_subscriptions() {
    // 2.0 framing is 3.x framing without commands.
    let mut e = engine(SocketType::SUB, b"");
    let mut wire = revision_greeting(1, 1);
    wire.extend_from_slice(&v2_frame(false, b""));
    deliver(&mut e, &wire).0.unwrap();
    let mut out = Vec::new();
    e.encode(Outgoing::Subscribe(b"A"), &mut out);
    assert_eq!(out, [0x00, 0x02, 0x01, b'A']);
    out.clear();
    e.encode(Outgoing::Cancel(b"A"), &mut out);
    assert_eq!(out, [0x00, 0x02, 0x00, b'A']);
    out.clear();
    e.encode(
        Outgoing::Ping {
            ttl: 10,
            context: b"ctx",
        },
        &mut out,
    );
    assert!(out.is_empty(), "no heartbeats for old peers");
    e.encode(
        Outgoing::FrameHeader {
            more: true,
            len: 256,
        },
        &mut out,
    );
    assert_eq!(out, [0x03, 0, 0, 0, 0, 0, 0, 1, 0]);

    // 1.0 framing: the length counts the flags byte; long from 255 on.
    let mut e = engine(SocketType::SUB, b"");
    deliver(&mut e, &[0x01, 0x00]).0.unwrap();
    let mut out = Vec::new();
    e.encode(Outgoing::Subscribe(b"A"), &mut out);
    assert_eq!(out, [0x03, 0x00, 0x01, b'A']);
    out.clear();
    e.encode(Outgoing::Cancel(b""), &mut out);
    assert_eq!(out, [0x02, 0x00, 0x00]);
    out.clear();
    e.encode(
        Outgoing::Ping {
            ttl: 10,
            context: b"ctx",
        },
        &mut out,
    );
    assert!(out.is_empty());
    e.encode(
        Outgoing::Frame {
            more: true,
            body: b"xy",
        },
        &mut out,
    );
    assert_eq!(out, [0x03, 0x01, b'x', b'y']);
    out.clear();
    e.encode(
        Outgoing::FrameHeader {
            more: false,
            len: 253,
        },
        &mut out,
    );
    assert_eq!(out, [0xfe, 0x00]);
    out.clear();
    e.encode(
        Outgoing::FrameHeader {
            more: false,
            len: 254,
        },
        &mut out,
    );
    assert_eq!(out, [0xff, 0, 0, 0, 0, 0, 0, 0, 0xff, 0x00]);
}

// ---------------------------------------------------------------------------------------------
// Back to back with hand-written old peers.

#[test]
fn v2_peer_exchanges_messages() {
    let mut pull = engine(SocketType::PULL, b"me");
    let mut wire = revision_greeting(1, 8);
    wire.extend_from_slice(&v2_frame(false, b"bob"));
    for (more, body) in sample_frames() {
        wire.extend_from_slice(&v2_frame(more, &body));
    }
    // Fed one byte at a time.
    let mut events = Vec::new();
    for b in &wire {
        pull.input_buffer().extend_from_slice(&[*b]);
        pull_events(&mut pull, &mut |e| {
            events.push(e);
            true
        })
        .unwrap();
    }
    assert!(pull.input_buffer().is_empty());
    assert_eq!(
        events[0],
        Event::Ready(PeerInfo {
            socket_type: SocketType::PUSH,
            routing_id: Some(Bytes::from_static(b"bob")),
            properties: Vec::new(),
            minor_version: 0,
            legacy: Some(LegacyVersion::Zmtp20),
        })
    );
    assert_eq!(
        pull.peer().and_then(|p| p.legacy),
        Some(LegacyVersion::Zmtp20)
    );
    assert_eq!(frame_events(&events), sample_frames());

    // And the other way: a PUSH engine talking to a 2.0 PULL peer.
    let mut push = engine(SocketType::PUSH, b"me");
    let mut peer = revision_greeting(1, 7);
    peer.extend_from_slice(&v2_frame(false, b""));
    let (r, events) = deliver(&mut push, &peer);
    r.unwrap();
    assert!(
        matches!(&events[..], [Event::Ready(p)] if p.socket_type == SocketType::PULL
        && p.routing_id.as_deref() == Some(&b""[..]))
    );
    let mut sent = out_of(&mut push);
    assert_eq!(sent[..12], [0xff, 0, 0, 0, 0, 0, 0, 0, 3, 0x7f, 3, 8]);
    for (more, body) in sample_frames() {
        push.encode(Outgoing::Frame { more, body: &body }, &mut sent);
    }
    let frames = parse_v2(&sent[12..]);
    assert_eq!(frames[0], (false, b"me".to_vec()));
    assert_eq!(frames[1..], sample_frames()[..]);
}

#[test]
fn unversioned_v1_peer_exchanges_messages() {
    // A REQ-like 1.0 peer talking to our ROUTER: identity "bob", then an envelope + body.
    let mut router = engine(SocketType::ROUTER, b"rtr");
    let mut wire = v1_frame(false, b"bob");
    for (more, body) in sample_frames() {
        wire.extend_from_slice(&v1_frame(more, &body));
    }
    let (events, output, error) = run_chunked(router_clone(&router), &wire, &[3], &[false]);
    assert_eq!(error, None);
    assert_eq!(
        events[0],
        Event::Ready(PeerInfo {
            // ROUTER's stand-in for a 1.0 peer: the first type it accepts.
            socket_type: SocketType::REQ,
            routing_id: Some(Bytes::from_static(b"bob")),
            properties: Vec::new(),
            minor_version: 0,
            legacy: Some(LegacyVersion::Zmtp10),
        })
    );
    assert_eq!(frame_events(&events), sample_frames());
    let mut sent = output;
    assert_eq!(sent[..10], [0xff, 0, 0, 0, 0, 0, 0, 0, 4, 0x7f]);
    // The peer reads our 10 bytes + routing id as one long identity frame (flags 0x7F).
    assert_eq!(&sent[10..], b"rtr");

    // Replies go out in 1.0 framing.
    deliver(&mut router, &wire).0.unwrap();
    for (more, body) in sample_frames() {
        router.encode(Outgoing::Frame { more, body: &body }, &mut sent);
    }
    let frames = parse_v1(&sent);
    assert_eq!(frames[0], (true, b"rtr".to_vec()));
    assert_eq!(frames[1..], sample_frames()[..]);
}

/// A fresh engine with the same configuration.
fn router_clone(e: &Engine) -> Engine {
    Engine::new(e.config().clone())
}

#[test]
fn long_identity_and_revision_zero_v1_peers() {
    // Long identity frame (255-byte identity => length 256), flags 0 (reserved bits must be
    // clear; see greeting::check_signature).
    let id = vec![b'L'; 255];
    let mut wire = vec![0xff, 0, 0, 0, 0, 0, 0, 1, 0, 0x00];
    wire.extend_from_slice(&id);
    wire.extend_from_slice(&v1_frame(true, b"a"));
    wire.extend_from_slice(&v1_frame(false, &[9; 300]));
    let mut e = engine(SocketType::DEALER, b"");
    let (r, events) = deliver(&mut e, &wire);
    r.unwrap();
    let Event::Ready(p) = &events[0] else {
        panic!("{events:?}")
    };
    assert_eq!(p.routing_id.as_deref(), Some(&id[..]));
    assert_eq!(p.socket_type, SocketType::REP);
    assert_eq!(
        frame_events(&events),
        vec![(true, b"a".to_vec()), (false, vec![9; 300])]
    );

    // Revision 0: a greeting with a type byte (ignored, as libzmq does), then 1.0 framing.
    let mut wire = revision_greeting(0, 42);
    wire.extend_from_slice(&v1_frame(false, b"old"));
    wire.extend_from_slice(&v1_frame(false, b"msg"));
    let mut e = engine(SocketType::PULL, b"");
    let (r, events) = deliver(&mut e, &wire);
    r.unwrap();
    assert!(matches!(&events[0], Event::Ready(p)
        if p.legacy == Some(LegacyVersion::Zmtp10) && p.socket_type == SocketType::PUSH));
    assert_eq!(frame_events(&events), vec![(false, b"msg".to_vec())]);
    let out = out_of(&mut e);
    assert_eq!(out[10..], [3, 7, 0x01, 0x00]);
}

#[test]
fn pub_gets_phantom_subscription_from_unversioned_v1_peers() {
    for t in [SocketType::PUB, SocketType::XPUB] {
        let mut e = engine(t, b"");
        let mut wire = v1_frame(false, b"");
        wire.extend_from_slice(&v1_frame(false, &[0x01, b'x']));
        let (r, events) = deliver(&mut e, &wire);
        r.unwrap();
        assert!(matches!(events[0], Event::Ready(_)));
        assert_eq!(events[1], Event::Subscribe(Bytes::new()));
        assert_eq!(frame_events(&events), vec![(false, vec![0x01, b'x'])]);

        // Back-pressure right after Ready: the subscription comes first on the next call.
        let mut e = engine(t, b"");
        e.handle_input(&wire);
        let mut got = Vec::new();
        for _ in 0..3 {
            pull_events(&mut e, &mut |ev| {
                got.push(ev);
                false
            })
            .unwrap();
        }
        assert_eq!(got, events);
    }
    // Not for 2.0 (or 1.0 with revision) peers, nor for other types: libzmq injects it only
    // in its unversioned 1.0 handshake.
    let mut e = engine(SocketType::PUB, b"");
    let mut wire = revision_greeting(1, 2);
    wire.extend_from_slice(&v2_frame(false, b""));
    let (r, events) = deliver(&mut e, &wire);
    r.unwrap();
    assert_eq!(events.len(), 1);
    let mut e = engine(SocketType::PUB, b"");
    let mut wire = revision_greeting(0, 2);
    wire.extend_from_slice(&v1_frame(false, b""));
    assert_eq!(deliver(&mut e, &wire).1.len(), 1);
    let mut e = engine(SocketType::PUSH, b"");
    assert_eq!(deliver(&mut e, &v1_frame(false, b"")).1.len(), 1);
}

#[test]
fn v2_command_bit_frames_are_dropped() {
    let mut e = engine(SocketType::PULL, b"");
    let mut wire = revision_greeting(1, 8);
    wire.extend_from_slice(&v2_frame(false, b""));
    wire.extend_from_slice(&[0x04, 0x03, b'c', b'm', b'd']);
    wire.extend_from_slice(&[0x05, 0x00]);
    wire.extend_from_slice(&[0xf8, 0x01, b'z']);
    let (r, events) = deliver(&mut e, &wire);
    r.unwrap();
    assert_eq!(frame_events(&events), vec![(false, b"z".to_vec())]);
}

#[test]
fn v2_socket_type_is_checked() {
    for (type_byte, peer) in [(8u8, "PUSH"), (2, "SUB"), (11, "11"), (0xff, "255")] {
        let mut e = engine(SocketType::PUSH, b"");
        out_of(&mut e);
        let (r, _) = deliver(&mut e, &revision_greeting(1, type_byte));
        assert_eq!(
            r,
            Err(EngineError::IncompatibleSocketType { peer: peer.into() })
        );
        // Our identity is not sent to a peer we refuse.
        assert_eq!(out_of(&mut e), [3, 8]);
    }
    // XPUB/XSUB numbers, as libzmq 3.x writes them, are understood.
    let mut e = engine(SocketType::SUB, b"");
    let mut wire = revision_greeting(1, 9);
    wire.extend_from_slice(&v2_frame(false, b""));
    let (r, events) = deliver(&mut e, &wire);
    r.unwrap();
    assert!(matches!(&events[0], Event::Ready(p) if p.socket_type == SocketType::XPUB));
}

// ---------------------------------------------------------------------------------------------
// Refusal and bounds.

#[test]
fn refused_when_legacy_disabled() {
    let cfg = EngineConfig {
        allow_legacy: false,
        ..EngineConfig::new(SocketType::DEALER)
    };
    let streams: [(Vec<u8>, LegacyVersion); 4] = [
        (v1_frame(false, b"id"), LegacyVersion::Zmtp10),
        (
            vec![0xff, 0, 0, 0, 0, 0, 0, 3, 0, 0, b'i', b'd'],
            LegacyVersion::Zmtp10,
        ),
        (revision_greeting(0, 5), LegacyVersion::Zmtp10),
        (revision_greeting(1, 5), LegacyVersion::Zmtp20),
    ];
    for (wire, version) in streams {
        let mut e = Engine::new(cfg.clone());
        let sig = out_of(&mut e);
        let (r, events) = deliver(&mut e, &wire);
        let err = r.unwrap_err();
        assert_eq!(err, EngineError::UnsupportedVersion(version));
        assert!(err.protocol_error_code().is_some());
        assert!(events.is_empty());
        assert!(!e.is_ready());
        // Nothing but (at most) the major byte went out after the signature.
        assert!(out_of(&mut e).len() <= 1, "{sig:?}");
        assert_eq!(deliver(&mut e, b"x").0, Err(err));
    }
    // 3.x peers are unaffected.
    let (a, b) = connect(cfg, EngineConfig::new(SocketType::ROUTER));
    assert!(a.engine.is_ready() && b.engine.is_ready());
}

#[test]
fn identity_and_frame_bounds() {
    // An identity message over the handshake bound is refused from its header.
    let mut e = engine(SocketType::PULL, b"");
    let mut wire = revision_greeting(1, 8);
    wire.extend_from_slice(&[0x02]);
    wire.extend_from_slice(&(MAX_HANDSHAKE_COMMAND + 1).to_be_bytes());
    assert_eq!(
        deliver(&mut e, &wire).0,
        Err(EngineError::MessageTooLarge {
            size: MAX_HANDSHAKE_COMMAND + 1,
            limit: MAX_HANDSHAKE_COMMAND
        })
    );
    // Same for an unversioned peer whose long header came in as greeting bytes.
    let mut e = engine(SocketType::PULL, b"");
    let mut wire = vec![0xff];
    wire.extend_from_slice(&(1u64 << 40).to_be_bytes());
    wire.push(0);
    assert!(matches!(
        deliver(&mut e, &wire).0,
        Err(EngineError::MessageTooLarge { size, .. }) if size == (1 << 40) - 1
    ));

    // max_msg_size applies to every old-peer frame, the identity included (libzmq decoders).
    let limited = |t| {
        Engine::new(EngineConfig {
            max_msg_size: Some(4),
            ..EngineConfig::new(t)
        })
    };
    let mut e = limited(SocketType::PULL);
    assert!(matches!(
        deliver(&mut e, &v1_frame(false, b"12345")).0,
        Err(EngineError::MessageTooLarge { size: 5, limit: 4 })
    ));
    let mut e = limited(SocketType::PULL);
    let mut wire = v1_frame(false, b"1234");
    wire.extend_from_slice(&v1_frame(false, b"1234"));
    let (r, events) = deliver(&mut e, &wire);
    r.unwrap();
    assert_eq!(events.len(), 2);
    assert!(matches!(
        deliver(&mut e, &[0x06, 0x00]).0,
        Err(EngineError::MessageTooLarge { size: 5, limit: 4 })
    ));

    // A huge declared 1.0 length neither allocates nor waits forever when absurd.
    let mut e = engine(SocketType::PULL, b"");
    deliver(&mut e, &v1_frame(false, b"")).0.unwrap();
    e.input_buffer().reserve(64);
    e.input_buffer()
        .extend_from_slice(&[0xff, 0x40, 0, 0, 0, 0, 0, 0, 0, 0x00, 1, 2, 3]);
    let cap = e.input_buffer().capacity();
    pull_events(&mut e, &mut |_| true).unwrap();
    let input = e.input_buffer();
    assert_eq!((input.len(), input.capacity()), (13, cap));
    let mut e = engine(SocketType::PULL, b"");
    deliver(&mut e, &v1_frame(false, b"")).0.unwrap();
    assert!(matches!(
        deliver(&mut e, &[0xff; 10]).0,
        Err(EngineError::MessageTooLarge { size, .. }) if size == u64::MAX - 1
    ));

    // A zero 1.0 length is malformed, short or long.
    for bad in [&[0x00][..], &[0xff, 0, 0, 0, 0, 0, 0, 0, 0][..]] {
        let mut e = engine(SocketType::PULL, b"");
        deliver(&mut e, &v1_frame(false, b"")).0.unwrap();
        let err = deliver(&mut e, bad).0.unwrap_err();
        assert!(matches!(err, EngineError::MalformedFrame { .. }), "{err:?}");
        assert!(err.protocol_error_code().is_some());
    }
}

#[test]
fn stand_in_types_for_v1_peers() {
    use SocketType::*;
    for (ours, stand_in) in [
        (PAIR, PAIR),
        (PUB, SUB),
        (SUB, PUB),
        (REQ, REP),
        (REP, REQ),
        (DEALER, REP),
        (ROUTER, REQ),
        (PULL, PUSH),
        (PUSH, PULL),
        (XPUB, SUB),
        (XSUB, PUB),
    ] {
        let mut e = engine(ours, b"");
        let (r, events) = deliver(&mut e, &v1_frame(false, b""));
        r.unwrap();
        assert!(
            matches!(&events[0], Event::Ready(p) if p.socket_type == stand_in),
            "{ours:?}: {events:?}"
        );
    }
}
