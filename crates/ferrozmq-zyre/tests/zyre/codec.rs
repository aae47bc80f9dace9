//! The ZRE codec: every message and beacon reads back as written; arbitrary bytes never
//! panic; the bytes are pyre's and Zyre's; bad input (wrong signature or version,
//! truncated strings, huge counts) is refused with a reason.

use ferrozmq::{Message, Uuid};
use ferrozmq_zyre::beacon::ZreBeacon;
use ferrozmq_zyre::message::{Body, Hello, ZreMessage};
use ferrozmq_zyre::wire::{Malformed, MAX_ENTRIES};
use proptest::prelude::*;

fn short() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9 é-]{0,40}"
}

fn content() -> impl Strategy<Value = Vec<Message>> {
    prop::collection::vec(prop::collection::vec(any::<u8>(), 0..64), 0..4)
        .prop_map(|frames| frames.into_iter().map(Message::from).collect())
}

fn body() -> impl Strategy<Value = Body> {
    prop_oneof![
        (
            short(),
            prop::collection::vec(short(), 0..5),
            any::<u8>(),
            short(),
            prop::collection::btree_map(short(), short(), 0..5)
        )
            .prop_map(
                |(endpoint, groups, status, name, headers)| Body::Hello(Hello {
                    endpoint,
                    groups,
                    status,
                    name,
                    headers
                })
            ),
        content().prop_map(|content| Body::Whisper { content }),
        (short(), content()).prop_map(|(group, content)| Body::Shout { group, content }),
        (short(), any::<u8>()).prop_map(|(group, status)| Body::Join { group, status }),
        (short(), any::<u8>()).prop_map(|(group, status)| Body::Leave { group, status }),
        Just(Body::Ping),
        Just(Body::PingOk),
    ]
}

proptest! {
    #[test]
    fn every_message_reads_back_as_written(sequence in any::<u16>(), body in body()) {
        let message = ZreMessage { sequence, body };
        let frames = message.encode().unwrap();
        prop_assert_eq!(ZreMessage::decode(&frames).unwrap(), message);
    }

    #[test]
    fn arbitrary_frames_never_panic(frames in prop::collection::vec(
        prop::collection::vec(any::<u8>(), 0..80), 0..3)
    ) {
        let frames: Vec<Message> = frames.into_iter().map(Message::from).collect();
        let _ = ZreMessage::decode(&frames);
    }

    #[test]
    fn a_valid_header_then_noise_never_panics(id in 0u8..10, tail in prop::collection::vec(any::<u8>(), 0..80)) {
        let mut frame = vec![0xAA, 0xA1, id, 2];
        frame.extend(tail);
        let _ = ZreMessage::decode(&[Message::from(frame)]);
    }

    #[test]
    fn beacons_read_back_and_noise_never_panics(bytes in any::<[u8; 16]>(), port in any::<u16>(),
                                                noise in prop::collection::vec(any::<u8>(), 0..40)) {
        let beacon = ZreBeacon { uuid: Uuid::from_bytes(bytes), port };
        prop_assert_eq!(ZreBeacon::decode(&beacon.encode()).unwrap(), beacon);
        let _ = ZreBeacon::decode(&noise);
    }
}

#[test]
fn the_bytes_are_pyres() {
    // pyre's ZreMsg packs: signature AAA1, id, version 2, sequence, then the fields.
    let hello = ZreMessage {
        sequence: 1,
        body: Body::Hello(Hello {
            endpoint: "tcp://127.0.0.1:5".into(),
            groups: vec!["G".into()],
            status: 3,
            name: "n".into(),
            headers: [("K".to_string(), "V".to_string())].into(),
        }),
    };
    let mut want = vec![0xAA, 0xA1, 1, 2, 0, 1, 17];
    want.extend(b"tcp://127.0.0.1:5");
    want.extend([
        0, 0, 0, 1, 0, 0, 0, 1, b'G', 3, 1, b'n', 0, 0, 0, 1, 1, b'K', 0, 0, 0, 1, b'V',
    ]);
    assert_eq!(&hello.encode().unwrap()[0][..], &want[..]);
    let shout = ZreMessage {
        sequence: 0x0102,
        body: Body::Shout {
            group: "CHAT".into(),
            content: vec![Message::from("hi")],
        },
    };
    let frames = shout.encode().unwrap();
    assert_eq!(&frames[0][..], b"\xAA\xA1\x03\x02\x01\x02\x04CHAT");
    assert_eq!(&frames[1][..], b"hi");
    let uuid = Uuid::from_bytes([7; 16]);
    let beacon = ZreBeacon { uuid, port: 0x1234 }.encode();
    assert_eq!(&beacon[..4], b"ZRE\x01");
    assert_eq!(&beacon[4..20], &[7; 16]);
    assert_eq!(&beacon[20..], &[0x12, 0x34]);
}

fn refused(frame: &[u8]) -> Malformed {
    ZreMessage::decode(&[Message::from(frame)]).unwrap_err()
}

#[test]
fn bad_messages_are_refused_with_a_reason() {
    assert_eq!(refused(b"\xAA\xA0\x06\x02\x00\x01").0, "wrong signature");
    assert_eq!(
        refused(b"\xAA\xA1\x06\x01\x00\x01").0,
        "wrong protocol version"
    );
    assert_eq!(refused(b"\xAA\xA1\x09\x02\x00\x01").0, "unknown message id");
    assert_eq!(
        refused(b"\xAA\xA1\x04\x02\x00\x01\x09CH").0,
        "truncated field"
    );
    assert_eq!(refused(b"\xAA\xA1").0, "truncated field");
    assert_eq!(
        refused(b"\xAA\xA1\x04\x02\x00\x01\x02\xff\xfe\x01").0,
        "string not UTF-8"
    );
    let mut huge = b"\xAA\xA1\x01\x02\x00\x01\x00".to_vec();
    huge.extend((MAX_ENTRIES + 1).to_be_bytes());
    assert_eq!(refused(&huge).0, "too many entries in a list or hash");
    let mut liar = b"\xAA\xA1\x01\x02\x00\x01\x00\x00\x00\x00\x00\x00".to_vec();
    liar.extend([0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff]);
    assert_eq!(refused(&liar).0, "truncated field");
    assert!(ZreMessage::decode(&[]).is_err());
    let too_long = ZreMessage {
        sequence: 1,
        body: Body::Join {
            group: "g".repeat(256),
            status: 1,
        },
    };
    assert!(too_long.encode().is_err());
}

#[test]
fn bad_beacons_are_refused() {
    let good = ZreBeacon {
        uuid: Uuid::new(),
        port: 9,
    }
    .encode();
    assert!(ZreBeacon::decode(&good[..21]).is_err());
    let mut wrong = good;
    wrong[3] = 2;
    assert_eq!(
        ZreBeacon::decode(&wrong).unwrap_err().0,
        "wrong beacon version"
    );
    wrong = good;
    wrong[0] = b'X';
    assert!(ZreBeacon::decode(&wrong).is_err());
    let mut long = good.to_vec();
    long.push(0);
    assert!(ZreBeacon::decode(&long).is_err());
}
