//! Universally unique identifiers as CZMQ's `zuuid` hands them to the guide's protocols (Zyre
//! peer ids, FileMQ and Clone identities): 16 random bytes on the wire, 32 uppercase hex digits in
//! text. The generation and parsing are the `uuid` crate's; this type fixes CZMQ's forms.

use std::fmt;

use crate::{Error, Result};

/// A UUID (CZMQ `zuuid_t`). [`Uuid::new`] draws a random version-4 one (`zuuid_new`); its
/// [`Display`](fmt::Display) form is CZMQ's `zuuid_str` (32 uppercase hex digits, no hyphens).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Uuid(::uuid::Uuid);

impl Uuid {
    /// The size in bytes of the binary form (CZMQ `ZUUID_LEN`, `zuuid_size`).
    pub const LEN: usize = 16;

    /// A new random (version 4) UUID (CZMQ `zuuid_new`).
    #[allow(clippy::new_without_default)]
    pub fn new() -> Uuid {
        Uuid(::uuid::Uuid::new_v4())
    }

    /// The UUID whose 16 bytes are `bytes` (CZMQ `zuuid_new_from`, `zuuid_set`).
    pub fn from_bytes(bytes: [u8; Uuid::LEN]) -> Uuid {
        Uuid(::uuid::Uuid::from_bytes(bytes))
    }

    /// The UUID in `bytes`, which must be exactly 16 long, as a frame from a peer is; any
    /// other length is `EINVAL`.
    pub fn from_slice(bytes: &[u8]) -> Result<Uuid> {
        ::uuid::Uuid::from_slice(bytes)
            .map(Uuid)
            .map_err(|_| Error::EINVAL)
    }

    /// Parses CZMQ's 32-digit form or the canonical hyphenated one, in either case, optionally
    /// in braces (CZMQ `zuuid_set_str`); anything else is `EINVAL`.
    pub fn parse(text: &str) -> Result<Uuid> {
        ::uuid::Uuid::try_parse(text)
            .map(Uuid)
            .map_err(|_| Error::EINVAL)
    }

    /// The 16 bytes, as sent in a frame (CZMQ `zuuid_data`).
    pub fn as_bytes(&self) -> &[u8; Uuid::LEN] {
        self.0.as_bytes()
    }

    /// The 32 uppercase hex digits without hyphens (CZMQ `zuuid_str`).
    pub fn to_czmq_string(&self) -> String {
        let mut buf = [0u8; ::uuid::fmt::Simple::LENGTH];
        self.0.simple().encode_upper(&mut buf).to_owned()
    }

    /// The lowercase hyphenated RFC 4122 form, 36 characters (CZMQ `zuuid_str_canonical`).
    pub fn to_canonical_string(&self) -> String {
        self.0.hyphenated().to_string()
    }
}

impl fmt::Display for Uuid {
    /// CZMQ's `zuuid_str` form.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_czmq_string())
    }
}

impl fmt::Debug for Uuid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Uuid({})", self.to_czmq_string())
    }
}

impl std::str::FromStr for Uuid {
    type Err = Error;

    /// As [`Uuid::parse`].
    fn from_str(text: &str) -> Result<Uuid> {
        Uuid::parse(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_is_random_version_4() {
        let (a, b) = (Uuid::new(), Uuid::new());
        assert_ne!(a, b);
        assert_eq!(a.as_bytes()[6] >> 4, 4, "version nibble");
        assert_eq!(a.as_bytes()[8] & 0xC0, 0x80, "RFC 4122 variant");
    }

    #[test]
    fn czmq_string_is_32_uppercase_hex_digits() {
        let id = Uuid::from_bytes([
            0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0xfe, 0xdc, 0xba, 0x98, 0x76, 0x54,
            0x32, 0x10,
        ]);
        assert_eq!(id.to_czmq_string(), "0123456789ABCDEFFEDCBA9876543210");
        assert_eq!(id.to_string(), "0123456789ABCDEFFEDCBA9876543210");
        assert_eq!(
            id.to_canonical_string(),
            "01234567-89ab-cdef-fedc-ba9876543210"
        );
    }

    #[test]
    fn parses_every_form_czmq_accepts() {
        let id = Uuid::new();
        assert_eq!(Uuid::parse(&id.to_czmq_string()), Ok(id));
        assert_eq!(Uuid::parse(&id.to_czmq_string().to_lowercase()), Ok(id));
        assert_eq!(Uuid::parse(&id.to_canonical_string()), Ok(id));
        assert_eq!(
            format!("{{{}}}", id.to_canonical_string()).parse::<Uuid>(),
            Ok(id)
        );
    }

    #[test]
    fn bad_text_and_bad_lengths_are_einval() {
        for bad in [
            "",
            "0123",
            "0123456789ABCDEFFEDCBA987654321G",
            "not a uuid at all",
        ] {
            assert_eq!(Uuid::parse(bad), Err(Error::EINVAL), "{bad:?}");
        }
        assert_eq!(Uuid::from_slice(&[0; 15]), Err(Error::EINVAL));
        assert_eq!(Uuid::from_slice(&[0; 17]), Err(Error::EINVAL));
        let id = Uuid::new();
        assert_eq!(Uuid::from_slice(id.as_bytes()), Ok(id));
    }
}
