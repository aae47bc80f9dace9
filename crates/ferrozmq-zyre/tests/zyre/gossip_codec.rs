//! The ZGOSSIP codec: every message reads back as written; arbitrary bytes never panic;
//! the bytes are CZMQ `zgossip_msg`'s; bad input (wrong signature, id or version,
//! truncated fields, oversized values, trailing bytes) is refused.

use ferrozmq_zyre::gossip::{GossipMessage, MAX_VALUE};
use proptest::prelude::*;

fn message() -> impl Strategy<Value = GossipMessage> {
    prop_oneof![
        Just(GossipMessage::Hello),
        ("[a-zA-Z0-9]{0,64}", "[ -~]{0,200}", any::<u32>())
            .prop_map(|(key, value, ttl)| GossipMessage::Publish { key, value, ttl }),
        Just(GossipMessage::Ping),
        Just(GossipMessage::Pong),
        Just(GossipMessage::Invalid),
    ]
}

proptest! {
    #[test]
    fn every_gossip_message_reads_back_as_written(message in message()) {
        let frame = message.encode().unwrap();
        prop_assert_eq!(GossipMessage::decode(&frame).unwrap(), message);
    }

    #[test]
    fn arbitrary_gossip_bytes_never_panic(frame in prop::collection::vec(any::<u8>(), 0..300)) {
        if let Ok(message) = GossipMessage::decode(&frame) {
            prop_assert_eq!(message.encode().unwrap(), frame);
        }
    }

    #[test]
    fn every_truncation_of_a_publish_is_refused(cut in 0usize..37) {
        let frame = publish().encode().unwrap();
        prop_assume!(cut < frame.len());
        prop_assert!(GossipMessage::decode(&frame[..cut]).is_err());
    }
}

fn publish() -> GossipMessage {
    GossipMessage::Publish {
        key: "K".into(),
        value: "tcp://127.0.0.1:5".into(),
        ttl: 1000,
    }
}

#[test]
fn the_bytes_are_zgossip_msgs() {
    assert_eq!(GossipMessage::Hello.encode().unwrap(), [0xAA, 0xA0, 1, 1]);
    assert_eq!(GossipMessage::Invalid.encode().unwrap(), [0xAA, 0xA0, 5, 1]);
    let mut expected = vec![0xAA, 0xA0, 2, 1, 1, b'K', 0, 0, 0, 17];
    expected.extend_from_slice(b"tcp://127.0.0.1:5");
    expected.extend_from_slice(&1000u32.to_be_bytes());
    assert_eq!(publish().encode().unwrap(), expected);
}

#[test]
fn bad_gossip_frames_are_refused() {
    let bad: [&[u8]; 6] = [
        &[0xAA, 0xA1, 1, 1],             // ZRE's signature
        &[0xAA, 0xA0, 1, 2],             // version 2
        &[0xAA, 0xA0, 9, 1],             // no such id
        &[0xAA, 0xA0, 3, 1, 0],          // a byte after PING
        &[0xAA, 0xA0, 2, 1, 3, b'a'],    // key cut short
        &[0xAA, 0xA0, 2, 1, 0, 0, 0, 0], // value length cut short
    ];
    for frame in bad {
        assert!(GossipMessage::decode(frame).is_err(), "{frame:?}");
    }
    let mut huge = vec![0xAA, 0xA0, 2, 1, 0];
    huge.extend_from_slice(&(MAX_VALUE as u32 + 1).to_be_bytes());
    huge.extend(vec![b'x'; MAX_VALUE + 1]);
    huge.extend_from_slice(&[0; 4]);
    assert!(GossipMessage::decode(&huge).is_err());
    let too_long = GossipMessage::Publish {
        key: String::new(),
        value: "x".repeat(MAX_VALUE + 1),
        ttl: 0,
    };
    assert!(too_long.encode().is_err());
}
