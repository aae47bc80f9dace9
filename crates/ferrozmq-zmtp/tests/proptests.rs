//! Property tests: no input makes the engine panic, chunking never changes what it reports,
//! and what it encodes it decodes.

mod common;

use bytes::Bytes;
use common::*;
use ferrozmq_zmtp::{frame, metadata, Engine, EngineConfig, Event, Outgoing, SocketType};
use proptest::prelude::*;

#[derive(Debug, Clone)]
enum Item {
    Frame(bool, Vec<u8>),
    Ping(u16, Vec<u8>),
    Pong(Vec<u8>),
    Subscribe(Vec<u8>),
    Cancel(Vec<u8>),
    Unknown(Vec<u8>),
}

fn item() -> impl Strategy<Value = Item> {
    let body = prop::collection::vec(any::<u8>(), 0..300);
    prop_oneof![
        4 => (any::<bool>(), body.clone()).prop_map(|(m, b)| Item::Frame(m, b)),
        1 => (any::<u16>(), prop::collection::vec(any::<u8>(), 0..30))
            .prop_map(|(t, c)| Item::Ping(t, c)),
        1 => prop::collection::vec(any::<u8>(), 0..16).prop_map(Item::Pong),
        1 => body.clone().prop_map(Item::Subscribe),
        1 => body.clone().prop_map(Item::Cancel),
        1 => body.prop_map(Item::Unknown),
    ]
}

fn encode_items(items: &[Item]) -> Vec<u8> {
    let mut wire = raw_greeting(b"NULL", 3, 1);
    wire.extend_from_slice(&raw_ready("DEALER"));
    for it in items {
        match it {
            Item::Frame(more, body) => frame::encode_data_frame(*more, body, &mut wire),
            Item::Ping(ttl, ctx) => {
                let mut data = ttl.to_be_bytes().to_vec();
                data.extend_from_slice(ctx);
                wire.extend_from_slice(&raw_command(b"PING", &data));
            }
            Item::Pong(ctx) => wire.extend_from_slice(&raw_command(b"PONG", ctx)),
            Item::Subscribe(t) => wire.extend_from_slice(&raw_command(b"SUBSCRIBE", t)),
            Item::Cancel(t) => wire.extend_from_slice(&raw_command(b"CANCEL", t)),
            Item::Unknown(d) => wire.extend_from_slice(&raw_command(b"X-NEW", d)),
        }
    }
    wire
}

fn router() -> Engine {
    Engine::new(EngineConfig::new(SocketType::ROUTER))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// (a) Arbitrary bytes, in arbitrary chunks, never panic a fresh engine.
    #[test]
    fn arbitrary_bytes_never_panic(
        bytes in prop::collection::vec(any::<u8>(), 0..2000),
        chunks in prop::collection::vec(1usize..100, 1..10),
        limit in prop::option::of(0u64..1000),
    ) {
        let e = Engine::new(EngineConfig {
            max_msg_size: limit,
            ..EngineConfig::new(SocketType::DEALER)
        });
        run_chunked(e, &bytes, &chunks, &[false]);
    }

    /// (a') Arbitrary bytes after a valid handshake reach the frame and command parsers.
    #[test]
    fn arbitrary_frames_never_panic(
        bytes in prop::collection::vec(any::<u8>(), 0..2000),
        chunks in prop::collection::vec(1usize..100, 1..10),
        limit in prop::option::of(0u64..1000),
    ) {
        let mut stream = raw_greeting(b"NULL", 3, 1);
        stream.extend_from_slice(&raw_ready("DEALER"));
        stream.extend_from_slice(&bytes);
        let e = Engine::new(EngineConfig {
            max_msg_size: limit,
            ..EngineConfig::new(SocketType::ROUTER)
        });
        run_chunked(e, &stream, &chunks, &[false]);
    }

    /// (a'') Structurally plausible garbage: command frames with random bodies.
    #[test]
    fn random_commands_never_panic(
        cmds in prop::collection::vec(
            (prop::sample::select(vec![
                &b"READY"[..], b"ERROR", b"PING", b"PONG", b"SUBSCRIBE", b"CANCEL", b"HELLO",
            ]), prop::collection::vec(any::<u8>(), 0..40)),
            0..8),
        ready_first in any::<bool>(),
    ) {
        let mut stream = raw_greeting(b"NULL", 3, 1);
        if ready_first {
            stream.extend_from_slice(&raw_ready("DEALER"));
        }
        for (name, data) in &cmds {
            stream.extend_from_slice(&raw_command(name, data));
        }
        run_chunked(router(), &stream, &[usize::MAX], &[false]);
    }

    /// (b) A valid stream split at arbitrary points, with arbitrary pauses, yields exactly the
    /// events and output it yields when fed whole.
    #[test]
    fn chunking_does_not_change_events(
        items in prop::collection::vec(item(), 0..20),
        chunks in prop::collection::vec(1usize..80, 1..12),
        pause in prop::collection::vec(any::<bool>(), 1..8),
    ) {
        let wire = encode_items(&items);
        let (whole_ev, whole_out, whole_err) = run_chunked(router(), &wire, &[usize::MAX], &[false]);
        prop_assert!(whole_err.is_none(), "{:?}", whole_err);
        let (ev, out, err) = run_chunked(router(), &wire, &chunks, &pause);
        prop_assert!(err.is_none());
        prop_assert_eq!(&ev, &whole_ev);
        prop_assert_eq!(out, whole_out);
        // And the events are what was sent.
        let mut expected = Vec::new();
        for it in &items {
            match it {
                Item::Frame(m, b) => expected.push(Event::Frame { more: *m, body: Bytes::from(b.clone()) }),
                Item::Subscribe(t) => expected.push(Event::Subscribe(Bytes::from(t.clone()))),
                Item::Cancel(t) => expected.push(Event::Cancel(Bytes::from(t.clone()))),
                _ => {}
            }
        }
        prop_assert!(matches!(ev.first(), Some(Event::Ready(_))));
        prop_assert_eq!(&ev[1..], &expected[..]);
    }

    /// (c) Frames encoded by one engine decode to the same frames in its peer.
    #[test]
    fn encode_decode_round_trip(
        sent in prop::collection::vec((any::<bool>(), prop::collection::vec(any::<u8>(), 0..600)), 0..30),
        header_only in any::<bool>(),
    ) {
        let (mut a, mut b) = connect(
            EngineConfig::new(SocketType::PUSH),
            EngineConfig::new(SocketType::PULL),
        );
        let mut wire = Vec::new();
        for (more, body) in &sent {
            if header_only {
                a.engine.encode(Outgoing::FrameHeader { more: *more, len: body.len() }, &mut wire);
                wire.extend_from_slice(body);
            } else {
                a.engine.encode(Outgoing::Frame { more: *more, body }, &mut wire);
            }
        }
        b.input.extend_from_slice(&wire);
        b.pull();
        prop_assert!(b.error.is_none());
        let got: Vec<(bool, Vec<u8>)> = b.events[1..]
            .iter()
            .map(|e| match e {
                Event::Frame { more, body } => (*more, body.to_vec()),
                other => panic!("{other:?}"),
            })
            .collect();
        prop_assert_eq!(got, sent);
    }

    /// (c') Header encode/decode round trip for any size and flags.
    #[test]
    fn header_round_trip(len in any::<usize>(), more in any::<bool>(), command in any::<bool>()) {
        let flags = (if more { frame::FLAG_MORE } else { 0 }) | (if command { frame::FLAG_COMMAND } else { 0 });
        let mut out = Vec::new();
        frame::encode_header(flags, len, &mut out);
        let h = frame::decode_header(&out).unwrap();
        prop_assert_eq!(h.size, len as u64);
        prop_assert_eq!(h.header_len, out.len());
        prop_assert_eq!(h.more(), more);
        prop_assert_eq!(h.is_command(), command);
        prop_assert_eq!(out.len() == 2, len <= 255);
    }

    /// (d) Arbitrary metadata bytes never panic, and arbitrary metadata in READY neither.
    #[test]
    fn arbitrary_metadata_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..500)) {
        let _ = metadata::parse(&Bytes::from(bytes.clone()));
        let mut stream = raw_greeting(b"NULL", 3, 1);
        stream.extend_from_slice(&raw_command(b"READY", &bytes));
        run_chunked(router(), &stream, &[usize::MAX], &[false]);
    }

    /// (d') Valid property lists round-trip.
    #[test]
    fn metadata_round_trip(
        props in prop::collection::vec(
            ("[A-Za-z0-9._+-]{1,40}", prop::collection::vec(any::<u8>(), 0..100)),
            0..10),
    ) {
        let mut buf = Vec::new();
        for (n, v) in &props {
            metadata::encode_property(n, v, &mut buf);
        }
        let parsed = metadata::parse(&Bytes::from(buf)).unwrap();
        let parsed: Vec<(String, Vec<u8>)> = parsed.into_iter().map(|(n, v)| (n, v.to_vec())).collect();
        prop_assert_eq!(parsed, props);
    }
}
