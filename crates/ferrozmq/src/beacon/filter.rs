//! Which received datagrams become beacons (zbeacon's `s_self_handle_udp`): only with a
//! subscription, only if they start with its prefix, and never our own beacon echoed back.
//! Datagrams are read into a fixed buffer of [`MAX_PAYLOAD`] bytes, so a longer one is cut
//! (as CZMQ's `recvfrom` into `UDP_FRAME_MAX` bytes cuts it) and nothing grows with input.

/// The largest beacon payload (CZMQ's `UDP_FRAME_MAX`).
pub const MAX_PAYLOAD: usize = 255;

/// Whether `datagram` is passed to the owner: a subscription `filter` is set and is a prefix
/// of it, and it is not exactly what we `transmit`.
pub(crate) fn accept(datagram: &[u8], filter: Option<&[u8]>, transmit: Option<&[u8]>) -> bool {
    let Some(filter) = filter else {
        return false;
    };
    datagram.starts_with(filter) && transmit != Some(datagram)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn subscription_prefix_and_echo_rules() {
        assert!(!accept(b"hello", None, None));
        assert!(accept(b"hello", Some(b""), None));
        assert!(accept(b"hello", Some(b"he"), None));
        assert!(!accept(b"hello", Some(b"hex"), None));
        assert!(!accept(b"he", Some(b"hello"), None));
        assert!(!accept(b"hello", Some(b""), Some(b"hello")));
        assert!(accept(b"hello!", Some(b""), Some(b"hello")));
    }

    proptest! {
        #[test]
        fn any_datagram_is_judged_without_panicking(
            datagram in proptest::collection::vec(any::<u8>(), 0..2000),
            filter in proptest::option::of(proptest::collection::vec(any::<u8>(), 0..8)),
            transmit in proptest::option::of(proptest::collection::vec(any::<u8>(), 0..8)),
        ) {
            let cut = &datagram[..datagram.len().min(MAX_PAYLOAD)];
            let accepted = accept(cut, filter.as_deref(), transmit.as_deref());
            let expected = filter.as_ref().is_some_and(|f| cut.starts_with(f))
                && transmit.as_deref() != Some(cut);
            prop_assert_eq!(accepted, expected);
        }
    }
}
