//! libzmq's RADIO/DISH datagram over udp (`udp_engine.cpp`): one message per datagram, a
//! 1-byte group length, the group, then the body; at most [`MAX_DATAGRAM`] bytes in all.
//! Sans-IO: bytes in, a group and a body out, or an error saying what is wrong; never a
//! panic.

use std::fmt;

/// Longest datagram libzmq sends or reads (`MAX_UDP_MSG`).
pub const MAX_DATAGRAM: usize = 8192;

/// Longest RADIO/DISH group name, in bytes (libzmq 4.3's `ZMQ_GROUP_MAX_LENGTH`).
pub const GROUP_MAX_LENGTH: usize = 255;

/// Why a datagram is not a RADIO message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DatagramError {
    /// No bytes at all.
    Empty,
    /// A group to encode is longer than [`GROUP_MAX_LENGTH`] (a 1-byte length cannot say
    /// more, so a received datagram never has one).
    GroupTooLong(usize),
    /// The datagram ends inside its group.
    Truncated,
    /// The message would not fit in one datagram.
    Oversize(usize),
}

impl fmt::Display for DatagramError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DatagramError::Empty => write!(f, "empty datagram"),
            DatagramError::GroupTooLong(n) => {
                write!(f, "group of {n} bytes (at most {GROUP_MAX_LENGTH})")
            }
            DatagramError::Truncated => write!(f, "datagram ends inside its group"),
            DatagramError::Oversize(n) => {
                write!(
                    f,
                    "message of {n} bytes does not fit a datagram ({MAX_DATAGRAM})"
                )
            }
        }
    }
}

impl std::error::Error for DatagramError {}

/// The group (at most 255 bytes) and body of datagram `bytes`.
pub fn decode(bytes: &[u8]) -> Result<(&[u8], &[u8]), DatagramError> {
    let (&len, rest) = bytes.split_first().ok_or(DatagramError::Empty)?;
    if rest.len() < usize::from(len) {
        return Err(DatagramError::Truncated);
    }
    Ok(rest.split_at(usize::from(len)))
}

/// The datagram of `body` in `group`, written to `out` (cleared first); a group over 255
/// bytes or a message over [`MAX_DATAGRAM`] is refused.
pub fn encode(group: &[u8], body: &[u8], out: &mut Vec<u8>) -> Result<(), DatagramError> {
    let len = 1 + group.len() + body.len();
    if len > MAX_DATAGRAM {
        return Err(DatagramError::Oversize(len));
    }
    if group.len() > GROUP_MAX_LENGTH {
        return Err(DatagramError::GroupTooLong(group.len()));
    }
    out.clear();
    out.push(group.len() as u8);
    out.extend_from_slice(group);
    out.extend_from_slice(body);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn libzmqs_layout_and_its_refusals() {
        let mut out = Vec::new();
        encode(b"tv", b"news", &mut out).unwrap();
        assert_eq!(out, b"\x02tvnews");
        let (group, body) = decode(&out).unwrap();
        assert_eq!((group, body), (&b"tv"[..], &b"news"[..]));
        assert_eq!(decode(b"\x00").unwrap().1, b"");
        assert_eq!(decode(b"").unwrap_err(), DatagramError::Empty);
        // libzmq 4.3 reads groups up to 255 bytes: sixteen is one.
        assert_eq!(
            decode(b"\x10sixteen-bytes!!x").unwrap().0,
            b"sixteen-bytes!!x"
        );
        assert_eq!(
            encode(&[b'g'; 256], b"", &mut out).unwrap_err(),
            DatagramError::GroupTooLong(256)
        );
        assert_eq!(decode(b"\x05tv").unwrap_err(), DatagramError::Truncated);
        let big = vec![0u8; MAX_DATAGRAM];
        assert_eq!(
            encode(b"", &big, &mut out).unwrap_err(),
            DatagramError::Oversize(MAX_DATAGRAM + 1)
        );
        encode(b"", &big[1..], &mut out).unwrap();
        assert_eq!(out.len(), MAX_DATAGRAM);
    }

    proptest! {
        /// Any bytes decode to a message or an error, never a panic; what decodes re-encodes
        /// to the same bytes.
        #[test]
        fn decoding_never_panics_and_round_trips(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
            if let Ok((group, body)) = decode(&bytes) {
                let mut out = Vec::new();
                encode(group, body, &mut out).unwrap();
                prop_assert_eq!(out, bytes);
            }
        }

        /// Every group of up to 255 bytes and body that fits come back as they went.
        #[test]
        fn encoded_messages_decode_to_themselves(
            group in proptest::collection::vec(any::<u8>(), 0..=GROUP_MAX_LENGTH),
            body in proptest::collection::vec(any::<u8>(), 0..512),
        ) {
            let mut out = Vec::new();
            encode(&group, &body, &mut out).unwrap();
            let (g, b) = decode(&out).unwrap();
            prop_assert_eq!(g, &group[..]);
            prop_assert_eq!(b, &body[..]);
        }
    }
}
