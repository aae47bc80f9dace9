// The check behind the `zre` fuzz target, included by the target and by ferrozmq-zyre's
// stable replay test (`crates/ferrozmq-zyre/tests/zyre/fuzz_corpus.rs`).
//
// Input: byte 0 even = the rest is a UDP beacon; odd = a ZRE message whose frames are the
// rest cut into (byte 0 / 2) % 4 + 1 pieces of equal size. Nothing may panic; an accepted
// beacon must encode to the same 22 bytes, an accepted message must read back equal
// after encoding. Every input's rest is also read as one ZGOSSIP frame (the gossip
// discovery protocol) and as one ZRE log record, each of which must encode back to the
// same bytes when accepted.

/// Runs the `zre` check on one input.
pub fn zre_check(data: &[u8]) {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    if let Ok(gossip) = ferrozmq_zyre::gossip::GossipMessage::decode(rest) {
        assert_eq!(gossip.encode().expect("a decoded message encodes"), rest);
    }
    if let Ok(record) = ferrozmq_zyre::log::LogMessage::decode(rest) {
        assert_eq!(record.encode().expect("a decoded record encodes"), rest);
    }
    if selector % 2 == 0 {
        if let Ok(beacon) = ferrozmq_zyre::beacon::ZreBeacon::decode(rest) {
            assert_eq!(&beacon.encode()[..], rest);
        }
        return;
    }
    let pieces = usize::from(selector / 2) % 4 + 1;
    let size = rest.len().div_ceil(pieces).max(1);
    let frames: Vec<ferrozmq::Message> = rest.chunks(size).map(ferrozmq::Message::from).collect();
    if let Ok(message) = ferrozmq_zyre::message::ZreMessage::decode(&frames) {
        let encoded = message.encode().expect("a decoded message encodes");
        assert_eq!(ferrozmq_zyre::message::ZreMessage::decode(&encoded).unwrap(), message);
    }
}
