//! The 64-byte ZMTP 3.x greeting (RFC 23/37), sent in libzmq's three stages so that ZMTP/1.0
//! and 2.0 peers can be detected before they are sent bytes they would misread.
//!
//! ```text
//! 0      0xFF                signature
//! 1..9   8 padding bytes     libzmq: big-endian u64 (routing id length + 1); never validated
//! 9      0x7F                signature; bit 0 set tells it apart from a ZMTP/1.0 flags byte
//! 10     major = 3           sent once the peer's first 10 bytes look versioned
//! 11     minor = 1           the rest (53 bytes) is sent once the peer's major is known
//! 12..32 mechanism           ASCII, NUL-padded to 20
//! 32     as-server           always 0 (libzmq never reads it)
//! 33..64 filler              0
//! ```

use crate::error::LegacyVersion;

/// Length of the first stage (signature with padding).
pub const SIGNATURE_LEN: usize = 10;
/// Length of the whole greeting.
pub const GREETING_LEN: usize = 64;
/// Length of the third stage (minor, mechanism, as-server, filler).
pub const REST_LEN: usize = GREETING_LEN - SIGNATURE_LEN - 1;
/// Offset of the major version (revision) byte.
pub const MAJOR_POS: usize = 10;
/// Offset of the minor version byte.
pub const MINOR_POS: usize = 11;
/// Offset of the 20-byte mechanism field.
pub const MECHANISM_POS: usize = 12;
/// Length of the mechanism field.
pub const MECHANISM_LEN: usize = 20;
/// Major version we speak.
pub const VERSION_MAJOR: u8 = 3;
/// Minor version we announce (3.1).
pub const VERSION_MINOR: u8 = 1;

/// The NULL mechanism's field, as compared byte-for-byte by libzmq.
pub const MECHANISM_NULL: [u8; MECHANISM_LEN] = *b"NULL\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0";

/// The first stage: `0xFF`, big-endian `routing_id_len + 1`, `0x7F` (libzmq's bytes, which
/// double as the header of a ZMTP/1.0 identity frame).
pub fn signature(routing_id_len: usize) -> [u8; SIGNATURE_LEN] {
    let mut s = [0u8; SIGNATURE_LEN];
    s[0] = 0xFF;
    let padding = (routing_id_len as u64).saturating_add(1);
    s[1..9].copy_from_slice(&padding.to_be_bytes());
    s[9] = 0x7F;
    s
}

/// The third stage: minor version 1, `mechanism`, as-server 0, 31 zero bytes.
pub fn rest(mechanism: &[u8; MECHANISM_LEN]) -> [u8; REST_LEN] {
    let mut r = [0u8; REST_LEN];
    r[0] = VERSION_MINOR;
    r[1..1 + MECHANISM_LEN].copy_from_slice(mechanism);
    r
}

/// The whole greeting as one array (what a peer finally sees).
pub fn full(routing_id_len: usize, mechanism: &[u8; MECHANISM_LEN]) -> [u8; GREETING_LEN] {
    let mut g = [0u8; GREETING_LEN];
    g[..SIGNATURE_LEN].copy_from_slice(&signature(routing_id_len));
    g[MAJOR_POS] = VERSION_MAJOR;
    g[MAJOR_POS + 1..].copy_from_slice(&rest(mechanism));
    g
}

/// What the peer's first bytes say about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignatureCheck {
    /// Not enough bytes to decide.
    NeedMore,
    /// A versioned (2.0 or later) signature: send our major byte.
    Versioned,
    /// A ZMTP/1.0 identity frame header (no greeting): the bytes seen so far are its start.
    Legacy,
    /// Not ZMTP at all.
    NotZmtp,
}

/// Classifies the peer's first bytes (up to [`SIGNATURE_LEN`] of them) like libzmq's
/// `receive_greeting`: a first byte other than 0xFF starts a ZMTP/1.0 short identity frame;
/// after 0xFF, byte 9 without bit 0 is a 1.0 long identity frame.
///
/// One deliberate difference: libzmq takes anything unrecognised for a 1.0 peer and waits up
/// to HANDSHAKE_IVL for its identity, so an HTTP request or random bytes hold a connection
/// for 30 s. Here a 1.0 identity frame must also have its flags byte's reserved bits (1-7)
/// clear — every real 1.0 peer sends 0 there — so garbage is refused at once. A zero length,
/// which libzmq's 1.0 decoder refuses too, is also [`SignatureCheck::NotZmtp`].
pub fn check_signature(bytes: &[u8]) -> SignatureCheck {
    let Some(&first) = bytes.first() else {
        return SignatureCheck::NeedMore;
    };
    if first != 0xFF {
        // A 1.0 short frame: its length counts the flags byte, so it is at least 1.
        if first == 0 {
            return SignatureCheck::NotZmtp;
        }
        return match bytes.get(1) {
            None => SignatureCheck::NeedMore,
            Some(flags) if flags & !0x01 != 0 => SignatureCheck::NotZmtp,
            Some(_) => SignatureCheck::Legacy,
        };
    }
    let Some(&flags) = bytes.get(SIGNATURE_LEN - 1) else {
        return SignatureCheck::NeedMore;
    };
    if flags & 0x01 != 0 {
        return SignatureCheck::Versioned;
    }
    if flags != 0 {
        // A 1.0 long frame's flags byte with reserved bits set: not a real 1.0 peer.
        return SignatureCheck::NotZmtp;
    }
    // A 1.0 long frame: 8-byte length (>= 1), then the flags byte.
    let declared = bytes
        .get(1..9)
        .and_then(|b| <[u8; 8]>::try_from(b).ok())
        .map_or(0, u64::from_be_bytes);
    if declared == 0 {
        SignatureCheck::NotZmtp
    } else {
        SignatureCheck::Legacy
    }
}

/// Interprets the peer's major version byte (revision): 0 = ZMTP/1.0 with revision, 1 = ZMTP/2.0,
/// anything else is 3.x (libzmq treats every unknown revision as 3.1). The `Err` names the old
/// revision, which the engine then speaks or refuses.
pub fn check_major(major: u8) -> Result<(), LegacyVersion> {
    match major {
        0 => Err(LegacyVersion::Zmtp10),
        1 => Err(LegacyVersion::Zmtp20),
        _ => Ok(()),
    }
}

/// The minor version to act on, given the peer's major and minor bytes: a major other than 3
/// counts as 3.1 (RFC 23 "MUST accept higher versions"; libzmq `select_handshake_fun`).
pub fn effective_minor(major: u8, minor: u8) -> u8 {
    if major == VERSION_MAJOR {
        minor
    } else {
        minor.max(1)
    }
}

/// The mechanism name in a 20-byte field, up to the first NUL, lossily decoded (for errors).
pub fn mechanism_name(field: &[u8]) -> String {
    let end = field.iter().position(|&b| b == 0).unwrap_or(field.len());
    String::from_utf8_lossy(field.get(..end).unwrap_or_default()).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn golden_null_greeting() {
        let g = full(0, &MECHANISM_NULL);
        let mut want = [0u8; 64];
        want[..12].copy_from_slice(&[0xff, 0, 0, 0, 0, 0, 0, 0, 1, 0x7f, 3, 1]);
        want[12..16].copy_from_slice(b"NULL");
        assert_eq!(g, want);
        // libzmq's padding is routing_id_size + 1, big-endian.
        assert_eq!(signature(4)[1..9], [0, 0, 0, 0, 0, 0, 0, 5]);
        // testutil's zmtp_greeting_null differs only in padding and minor.
        let mut testutil = want;
        testutil[8] = 0;
        testutil[11] = 0;
        assert_eq!(g[9..11], testutil[9..11]);
        assert_eq!(g[12..], testutil[12..]);
    }

    #[test]
    fn signature_classification() {
        use SignatureCheck::*;
        assert_eq!(check_signature(&[]), NeedMore);
        assert_eq!(check_signature(&[0xff, 0, 0]), NeedMore);
        assert_eq!(check_signature(&signature(0)), Versioned);
        assert_eq!(
            check_signature(&[0xff, 9, 9, 9, 9, 9, 9, 9, 9, 0xff]),
            Versioned
        );
        // A 1.0 short frame needs its flags byte, whose reserved bits must be clear.
        assert_eq!(check_signature(&[0x05]), NeedMore);
        assert_eq!(check_signature(&[0x05, 0x00]), Legacy);
        assert_eq!(check_signature(&[0x00]), NotZmtp);
        assert_eq!(check_signature(b"GET / HTTP"), NotZmtp);
        assert_eq!(check_signature(&[0xff, 0, 0, 0, 0, 0, 0, 1, 0, 0]), Legacy);
        assert_eq!(check_signature(&[0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0]), NotZmtp);
        assert_eq!(
            check_signature(&[0xff, 0, 0, 0, 0, 0, 0, 1, 0, 0x7e]),
            NotZmtp
        );
    }

    #[test]
    fn versions() {
        assert_eq!(check_major(0), Err(LegacyVersion::Zmtp10));
        assert_eq!(check_major(1), Err(LegacyVersion::Zmtp20));
        assert_eq!(check_major(3), Ok(()));
        assert_eq!(check_major(4), Ok(()));
        assert_eq!(effective_minor(3, 0), 0);
        assert_eq!(effective_minor(3, 1), 1);
        assert_eq!(effective_minor(4, 0), 1);
        assert_eq!(mechanism_name(b"PLAIN\0\0\0"), "PLAIN");
        assert_eq!(mechanism_name(b"ABC"), "ABC");
    }
}
