//! The ZRE log codec (the guide's `zre_log_msg`): every record reads back as written,
//! arbitrary bytes never panic, the bytes are the guide's layout, bad input is refused,
//! and node ids are the guide's modified Bernstein hash.

use ferrozmq_zyre::log::{node_id, LogMessage, EVENT_ENTER, LEVEL_INFO};
use proptest::prelude::*;

proptest! {
    #[test]
    fn every_log_record_reads_back_as_written(
        level in any::<u8>(), event in any::<u8>(), node in any::<u16>(),
        peer in any::<u16>(), time in any::<u64>(), data in "[ -~]{0,255}",
    ) {
        let record = LogMessage { level, event, node, peer, time, data };
        prop_assert_eq!(LogMessage::decode(&record.encode().unwrap()).unwrap(), record);
    }

    #[test]
    fn arbitrary_log_bytes_never_panic(frame in prop::collection::vec(any::<u8>(), 0..300)) {
        if let Ok(record) = LogMessage::decode(&frame) {
            prop_assert_eq!(record.encode().unwrap(), frame);
        }
    }
}

#[test]
fn the_bytes_are_the_guides_layout() {
    let record = LogMessage {
        level: LEVEL_INFO,
        event: EVENT_ENTER,
        node: 0x1234,
        peer: 0xABCD,
        time: 0x0102_0304_0506_0708,
        data: "hi".into(),
    };
    assert_eq!(
        record.encode().unwrap(),
        [0xAA, 0xA2, 1, 3, 3, 0x12, 0x34, 0xAB, 0xCD, 1, 2, 3, 4, 5, 6, 7, 8, 2, b'h', b'i']
    );
    let frame = record.encode().unwrap();
    for cut in 0..frame.len() {
        assert!(LogMessage::decode(&frame[..cut]).is_err(), "cut at {cut}");
    }
    let mut trailing = frame.clone();
    trailing.push(0);
    assert!(LogMessage::decode(&trailing).is_err());
    let mut zre = frame.clone();
    zre[1] = 0xA1;
    assert!(LogMessage::decode(&zre).is_err());
    let mut unknown = frame;
    unknown[2] = 2;
    assert!(LogMessage::decode(&unknown).is_err());
}

#[test]
fn node_ids_are_the_guides_bernstein_hash() {
    assert_eq!(node_id(""), 0);
    // hash = 33 * hash ^ byte: "a" is 0x61, "ab" is 33 * 0x61 ^ 0x62.
    assert_eq!(node_id("a"), 0x61);
    assert_eq!(node_id("ab"), (33 * 0x61) ^ 0x62);
    let long = "tcp://192.168.1.122:9992";
    let expected = long
        .bytes()
        .fold(0u32, |h, b| ((h * 33) ^ u32::from(b)) & 0xFFFF);
    assert_eq!(u32::from(node_id(long)), expected);
}
