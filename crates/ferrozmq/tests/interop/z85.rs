//! Z85 against real libzmq (4.3.4, via the `zmq` crate): both encoders write the same text,
//! and both decoders read the same bytes from any text ferrozmq accepts. (rust-zmq's
//! `z85_decode` ignores libzmq's failure result, so rejections are compared only by
//! ferrozmq's own unit tests.)

use proptest::prelude::*;

proptest! {
    #[test]
    fn encoders_agree(words in proptest::collection::vec(any::<[u8; 4]>(), 0..32)) {
        let data = words.concat();
        let ours = ferrozmq::z85_encode(&data).unwrap();
        let theirs = zmq::z85_encode(&data).unwrap();
        prop_assert_eq!(&ours, &theirs);
        if !data.is_empty() {
            prop_assert_eq!(ferrozmq::z85_decode(&theirs).unwrap(), data);
        }
    }

    #[test]
    fn decoders_agree_on_what_ferrozmq_accepts(
        groups in proptest::collection::vec("[0-9a-zA-Z.:+=^!/*?&<>()\\[\\]{}@%$#-]{5}", 1..12)
    ) {
        let text = groups.concat();
        // Most 5-character groups are valid. A group worth more than 2^32 - 1 is refused by
        // ferrozmq; libzmq 4.3.4 takes it and wraps (a deliberate difference): that must be
        // the only reason for a refusal here.
        match ferrozmq::z85_decode(&text) {
            Ok(ours) => prop_assert_eq!(ours, zmq::z85_decode(&text).unwrap()),
            Err(_) => prop_assert!(
                groups.iter().any(|g| group_value(g) > u64::from(u32::MAX)),
                "refused without an overflowing group: {}", text
            ),
        }
    }
}

#[test]
fn rfc32_vector_in_both() {
    let data = [0x86, 0x4F, 0xD2, 0x6F, 0xB5, 0x59, 0xF7, 0x5B];
    assert_eq!(zmq::z85_encode(&data).unwrap(), "HelloWorld");
    assert_eq!(ferrozmq::z85_encode(&data).unwrap(), "HelloWorld");
}

/// The number a 5-character Z85 group stands for (RFC 32's alphabet), unbounded.
fn group_value(group: &str) -> u64 {
    const ALPHABET: &[u8] =
        b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#";
    group.bytes().fold(0, |value, c| {
        let digit = ALPHABET
            .iter()
            .position(|&a| a == c)
            .expect("a Z85 character");
        value * 85 + digit as u64
    })
}
