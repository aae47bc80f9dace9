//! Property tests of the kvmsg codec: whatever arrives, decoding never panics, and whatever
//! we encode decodes to itself.

use ferrozmq::{Message, Multipart};
use ferrozmq_patterns::clone::protocol::SnapshotRequest;
use ferrozmq_patterns::kvmsg::KvMsg;
use proptest::prelude::*;

fn frames(parts: &[Vec<u8>]) -> Multipart {
    parts.iter().map(|p| Message::from(p.as_slice())).collect()
}

fn any_kvmsg() -> impl Strategy<Value = KvMsg> {
    (
        ".{0,20}",
        any::<u64>(),
        any::<bool>(),
        prop::collection::vec(("[^=\n]{0,8}", "[^\n]{0,8}"), 0..4),
        prop::collection::vec(any::<u8>(), 0..64),
    )
        .prop_map(|(key, sequence, uuid, props, body)| {
            let mut m = KvMsg::new(sequence, key, body);
            if uuid {
                m.set_uuid();
            }
            for (name, value) in props {
                m.set_prop(&name, &value);
            }
            m
        })
}

proptest! {
    #[test]
    fn any_frames_decode_or_fail_without_panicking(
        parts in prop::collection::vec(prop::collection::vec(any::<u8>(), 0..24), 0..8)
    ) {
        let message = frames(&parts);
        let _ = KvMsg::from_frames(&message);
        let _ = KvMsg::from_simple_frames(&message);
        let _ = SnapshotRequest::parse(message);
    }

    #[test]
    fn five_frames_with_a_good_sequence_and_uuid_decode_unless_text_is_bad(
        key in prop::collection::vec(any::<u8>(), 0..16),
        sequence in any::<u64>(),
        props in prop::collection::vec(any::<u8>(), 0..32),
        body in prop::collection::vec(any::<u8>(), 0..32),
    ) {
        let message = frames(&[key.clone(), sequence.to_be_bytes().to_vec(), vec![], props.clone(), body]);
        let decoded = KvMsg::from_frames(&message);
        let text_ok = std::str::from_utf8(&key).is_ok() && std::str::from_utf8(&props).is_ok();
        if !text_ok {
            prop_assert!(decoded.is_err());
        }
        if let Ok(m) = decoded {
            prop_assert_eq!(m.sequence, sequence);
        }
    }

    #[test]
    fn full_form_round_trips(m in any_kvmsg()) {
        prop_assert_eq!(KvMsg::from_frames(&m.to_frames()), Ok(m));
    }

    #[test]
    fn simple_form_round_trips_key_sequence_and_body(m in any_kvmsg()) {
        let back = KvMsg::from_simple_frames(&m.to_simple_frames()).unwrap();
        prop_assert_eq!((back.key, back.sequence, back.body), (m.key, m.sequence, m.body));
    }
}
