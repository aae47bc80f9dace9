//! ZMTP property lists, the metadata carried by READY (and later INITIATE and ZAP replies):
//!
//! ```text
//! property = name-len(1) | name (1..255 of ALPHA DIGIT "-" "_" "." "+") | value-len(4, BE) | value
//! ```
//!
//! Parsing never trusts a length: every one is checked against the bytes actually left, and
//! values are handed out as slices of the command body (no copy).

use bytes::Bytes;

/// Property naming the sender's socket type (exact casing: libzmq compares case-sensitively).
pub const SOCKET_TYPE: &str = "Socket-Type";
/// Property carrying the sender's routing id (REQ, DEALER, ROUTER only).
pub const IDENTITY: &str = "Identity";

/// Why a property list was rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MetadataError {
    /// The list ends inside a name length, name, value length or value.
    Truncated,
    /// A property name is empty.
    EmptyName,
    /// A property name holds a character outside ALPHA DIGIT `-` `_` `.` `+`.
    BadNameChar,
}

impl MetadataError {
    /// A short human description, used in [`EngineError::InvalidMetadata`](crate::EngineError).
    pub fn reason(self) -> &'static str {
        match self {
            MetadataError::Truncated => "property list truncated",
            MetadataError::EmptyName => "empty property name",
            MetadataError::BadNameChar => "invalid character in property name",
        }
    }
}

/// Whether `b` may appear in a property name (RFC 23 `name-char`).
fn is_name_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'+')
}

/// Parses a whole property list; names are returned as sent, values as slices of `data`.
pub fn parse(data: &Bytes) -> Result<Vec<(String, Bytes)>, MetadataError> {
    let mut props = Vec::new();
    let mut pos = 0usize;
    while pos < data.len() {
        let name_len = usize::from(*data.get(pos).ok_or(MetadataError::Truncated)?);
        pos += 1;
        if name_len == 0 {
            return Err(MetadataError::EmptyName);
        }
        let name_end = pos.checked_add(name_len).ok_or(MetadataError::Truncated)?;
        let name = data.get(pos..name_end).ok_or(MetadataError::Truncated)?;
        if !name.iter().all(|&b| is_name_char(b)) {
            return Err(MetadataError::BadNameChar);
        }
        // Only ASCII passed the check above, so this never replaces anything.
        let name = String::from_utf8_lossy(name).into_owned();
        pos = name_end;
        let len_end = pos.checked_add(4).ok_or(MetadataError::Truncated)?;
        let len_bytes: [u8; 4] = data
            .get(pos..len_end)
            .and_then(|b| b.try_into().ok())
            .ok_or(MetadataError::Truncated)?;
        pos = len_end;
        let value_len =
            usize::try_from(u32::from_be_bytes(len_bytes)).map_err(|_| MetadataError::Truncated)?;
        let value_end = pos.checked_add(value_len).ok_or(MetadataError::Truncated)?;
        if value_end > data.len() {
            return Err(MetadataError::Truncated);
        }
        props.push((name, data.slice(pos..value_end)));
        pos = value_end;
    }
    Ok(props)
}

/// Appends one property. `name` must be 1..=255 valid name characters and `value` shorter than
/// 2^31 bytes; both are our own data, checked in debug builds (libzmq asserts the same).
pub fn encode_property(name: &str, value: &[u8], out: &mut Vec<u8>) {
    debug_assert!(!name.is_empty() && name.len() <= 255);
    debug_assert!(name.bytes().all(is_name_char));
    debug_assert!(value.len() <= 0x7FFF_FFFF);
    out.push(name.len() as u8);
    out.extend_from_slice(name.as_bytes());
    out.extend_from_slice(&(value.len() as u32).to_be_bytes());
    out.extend_from_slice(value);
}

/// Bytes [`encode_property`] writes for `name` and a value of `value_len` bytes.
pub fn property_len(name: &str, value_len: usize) -> usize {
    1 + name.len() + 4 + value_len
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let mut buf = Vec::new();
        encode_property(SOCKET_TYPE, b"DEALER", &mut buf);
        encode_property(IDENTITY, b"", &mut buf);
        encode_property("X-a.b_c+1", &[0, 1, 2], &mut buf);
        assert_eq!(
            buf.len(),
            property_len(SOCKET_TYPE, 6) + property_len(IDENTITY, 0) + 17
        );
        let props = parse(&Bytes::from(buf)).unwrap();
        assert_eq!(props.len(), 3);
        assert_eq!(
            props[0],
            (SOCKET_TYPE.to_string(), Bytes::from_static(b"DEALER"))
        );
        assert_eq!(props[1], (IDENTITY.to_string(), Bytes::new()));
        assert_eq!(props[2].1, Bytes::from_static(&[0, 1, 2]));
        assert_eq!(parse(&Bytes::new()).unwrap(), vec![]);
    }

    #[test]
    fn rejects_bad_lists() {
        let p = |b: &'static [u8]| parse(&Bytes::from_static(b));
        assert_eq!(p(&[0]), Err(MetadataError::EmptyName));
        assert_eq!(p(&[3, b'a', b'b']), Err(MetadataError::Truncated));
        assert_eq!(p(&[1, b' ', 0, 0, 0, 0]), Err(MetadataError::BadNameChar));
        assert_eq!(p(&[1, b'a', 0, 0, 0]), Err(MetadataError::Truncated));
        assert_eq!(p(&[1, b'a', 0, 0, 0, 2, 7]), Err(MetadataError::Truncated));
        assert_eq!(
            p(&[1, b'a', 0xff, 0xff, 0xff, 0xff, 7]),
            Err(MetadataError::Truncated)
        );
        assert_eq!(p(&[1, b'a', 0, 0, 0, 0, 5]), Err(MetadataError::Truncated));
        assert!(p(&[1, b'a', 0, 0, 0, 1, 7]).is_ok());
    }
}
