//! Property tests for ZMTP/1.0 and 2.0 peers: arbitrary bytes after each kind of old-peer
//! greeting never panic (and chunking never changes what the engine reports), and valid old-peer
//! streams give the same events however they are split and paused.

mod common;

use bytes::Bytes;
use common::*;
use ferrozmq_zmtp::{fuzzing, Engine, EngineConfig, Event, LegacyVersion, Outgoing, SocketType};
use proptest::prelude::*;

/// The ways an old peer can open a connection.
#[derive(Debug, Clone, Copy)]
enum Opening {
    /// ZMTP/1.0, short identity frame header.
    UnversionedShort,
    /// ZMTP/1.0, long identity frame header.
    UnversionedLong,
    /// ZMTP/1.0 with revision byte 0.
    Revision0,
    /// ZMTP/2.0.
    Revision1,
}

impl Opening {
    fn version(self) -> LegacyVersion {
        match self {
            Opening::Revision1 => LegacyVersion::Zmtp20,
            _ => LegacyVersion::Zmtp10,
        }
    }

    /// The peer's first bytes up to (not including) the identity frame, plus the identity
    /// frame itself for `identity`.
    fn stream(self, socket_type: u8, identity: &[u8]) -> Vec<u8> {
        match self {
            Opening::UnversionedShort => v1_frame(false, identity),
            Opening::UnversionedLong => {
                let mut v = vec![0xff];
                v.extend_from_slice(&(identity.len() as u64 + 1).to_be_bytes());
                v.push(0);
                v.extend_from_slice(identity);
                v
            }
            Opening::Revision0 => {
                let mut v = revision_greeting(0, socket_type);
                v.extend_from_slice(&v1_frame(false, identity));
                v
            }
            Opening::Revision1 => {
                let mut v = revision_greeting(1, socket_type);
                v.extend_from_slice(&v2_frame(false, identity));
                v
            }
        }
    }

    fn frame(self, more: bool, body: &[u8]) -> Vec<u8> {
        match self.version() {
            LegacyVersion::Zmtp10 => v1_frame(more, body),
            LegacyVersion::Zmtp20 => v2_frame(more, body),
        }
    }
}

fn opening() -> impl Strategy<Value = Opening> {
    prop_oneof![
        Just(Opening::UnversionedShort),
        Just(Opening::UnversionedLong),
        Just(Opening::Revision0),
        Just(Opening::Revision1),
    ]
}

/// Just the bytes that make the engine decide the peer is old (no identity frame yet).
fn greeting_only(o: Opening, socket_type: u8) -> Vec<u8> {
    match o {
        Opening::UnversionedShort => vec![0x05],
        Opening::UnversionedLong => vec![0xff, 0, 0, 0, 0, 0, 0, 0, 9, 0],
        Opening::Revision0 => revision_greeting(0, socket_type),
        Opening::Revision1 => revision_greeting(1, socket_type),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Arbitrary bytes after each old-peer greeting (and after a complete identity) never
    /// panic, whatever the configuration; fed whole or chunked with pauses, the engine reports
    /// the same events, output and error (checked by the fuzz entry point).
    #[test]
    fn arbitrary_bytes_after_legacy_greetings(
        o in opening(),
        with_identity in any::<bool>(),
        cfg in any::<u8>(),
        seed in any::<u8>(),
        type_byte in 0u8..12,
        bytes in prop::collection::vec(any::<u8>(), 0..1500),
    ) {
        let mut data = vec![cfg, seed];
        if with_identity {
            data.extend_from_slice(&o.stream(type_byte, b"peer"));
        } else {
            data.extend_from_slice(&greeting_only(o, type_byte));
        }
        data.extend_from_slice(&bytes);
        fuzzing::greeting(&data);
        // And a plain no-panic run with a limit, through the tests' own driver.
        let e = Engine::new(EngineConfig {
            max_msg_size: Some(u64::from(seed)),
            ..EngineConfig::new(SocketType::PULL)
        });
        run_chunked(e, &data[2..], &[usize::from(seed % 17) + 1], &[false]);
    }

    /// A valid old-peer stream split at arbitrary points, with arbitrary pauses, yields exactly
    /// the events and output it yields fed whole: Ready, then the frames sent.
    #[test]
    fn legacy_split_point_invariance(
        o in opening(),
        ours in prop::sample::select(vec![
            SocketType::PULL, SocketType::PUB, SocketType::ROUTER, SocketType::DEALER,
        ]),
        identity in prop::collection::vec(any::<u8>(), 0..256),
        frames in prop::collection::vec(
            (any::<bool>(), prop::collection::vec(any::<u8>(), 0..600)), 0..16),
        chunks in prop::collection::vec(1usize..80, 1..12),
        pause in prop::collection::vec(any::<bool>(), 1..8),
    ) {
        // A 2.0 peer announces a type ours accepts.
        let type_byte = match ours {
            SocketType::PULL => 8,
            SocketType::PUB => 2,
            SocketType::ROUTER => 5,
            _ => 6,
        };
        let mut wire = o.stream(type_byte, &identity);
        for (more, body) in &frames {
            wire.extend_from_slice(&o.frame(*more, body));
        }
        let fresh = || Engine::new(EngineConfig {
            routing_id: b"us".to_vec(),
            ..EngineConfig::new(ours)
        });
        let (whole_ev, whole_out, whole_err) = run_chunked(fresh(), &wire, &[usize::MAX], &[false]);
        prop_assert!(whole_err.is_none(), "{:?}", whole_err);
        let (ev, out, err) = run_chunked(fresh(), &wire, &chunks, &pause);
        prop_assert!(err.is_none(), "{:?}", err);
        prop_assert_eq!(&ev, &whole_ev);
        prop_assert_eq!(&out, &whole_out);

        let Some(Event::Ready(info)) = ev.first() else {
            panic!("{ev:?}");
        };
        prop_assert_eq!(info.legacy, Some(o.version()));
        prop_assert_eq!(info.routing_id.as_deref(), Some(&identity[..]));
        let phantom = ours == SocketType::PUB
            && matches!(o, Opening::UnversionedShort | Opening::UnversionedLong);
        let mut expected = Vec::new();
        if phantom {
            expected.push(Event::Subscribe(Bytes::new()));
        }
        for (more, body) in &frames {
            expected.push(Event::Frame { more: *more, body: Bytes::from(body.clone()) });
        }
        prop_assert_eq!(&ev[1..], &expected[..]);
    }

    /// What the engine encodes for an old peer is what a hand-written decoder of that
    /// revision reads back.
    #[test]
    fn legacy_encoding_decodes(
        o in opening(),
        frames in prop::collection::vec(
            (any::<bool>(), prop::collection::vec(any::<u8>(), 0..600)), 0..16),
        header_only in any::<bool>(),
    ) {
        let mut e = Engine::new(EngineConfig::new(SocketType::PUSH));
        let mut discard = Vec::new();
        e.take_output(&mut discard);
        e.handle_input(&o.stream(7, b""));
        fuzzing::pull_events(&mut e, &mut |_| true).unwrap();
        prop_assert!(e.is_ready());
        let mut wire = Vec::new();
        for (more, body) in &frames {
            if header_only {
                e.encode(Outgoing::FrameHeader { more: *more, len: body.len() }, &mut wire);
                wire.extend_from_slice(body);
            } else {
                e.encode(Outgoing::Frame { more: *more, body }, &mut wire);
            }
        }
        let decoded = match o.version() {
            LegacyVersion::Zmtp10 => parse_v1(&wire),
            LegacyVersion::Zmtp20 => parse_v2(&wire),
        };
        prop_assert_eq!(decoded, frames);
    }
}
