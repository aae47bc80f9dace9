//! Z85 (ZeroMQ RFC 32): the printable encoding of binary keys, with libzmq's rules
//! (`zmq_z85_encode`/`zmq_z85_decode`) and rust-zmq's API. Four bytes become five characters
//! of an 85-symbol alphabet that needs no quoting in source code, ZPL files or shells.

use std::ffi::{CString, NulError};
use std::fmt;
use std::string::FromUtf8Error;

/// RFC 32's alphabet: the digit for each value 0..85.
const ALPHABET: &[u8; 85] =
    b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#";

/// Why `z85_encode` refused its input (rust-zmq's `EncodeError`: the same variants and
/// messages).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EncodeError {
    /// The input's length is not a multiple of 4.
    BadLength,
    /// The encoded text was not UTF-8. Never raised here (the alphabet is ASCII); kept so that
    /// code matching rust-zmq's variants builds.
    FromUtf8Error(FromUtf8Error),
}

impl From<FromUtf8Error> for EncodeError {
    fn from(err: FromUtf8Error) -> Self {
        EncodeError::FromUtf8Error(err)
    }
}

impl fmt::Display for EncodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EncodeError::BadLength => write!(f, "Invalid data length. Should be multiple of 4."),
            EncodeError::FromUtf8Error(e) => write!(f, "UTF8 conversion error: {e}"),
        }
    }
}

impl std::error::Error for EncodeError {}

/// Why `z85_decode` refused its input: rust-zmq's `DecodeError` variants and messages, and two
/// of libzmq's refusals that rust-zmq does not report (it returns the bytes libzmq left).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DecodeError {
    /// The input's length is zero or not a multiple of 5.
    BadLength,
    /// The input has a NUL byte (the error says where), which a C string cannot hold.
    NulError(NulError),
    /// The byte (carried) at the position (carried) is not in the Z85 alphabet.
    InvalidByte(usize, u8),
    /// The five characters starting at the position (carried) encode a value above
    /// 0xFFFFFFFF.
    Overflow(usize),
}

impl From<NulError> for DecodeError {
    fn from(err: NulError) -> Self {
        DecodeError::NulError(err)
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecodeError::BadLength => write!(f, "Invalid data length. Should be multiple of 5."),
            DecodeError::NulError(e) => write!(f, "Nul byte error: {e}"),
            DecodeError::InvalidByte(at, byte) => {
                write!(f, "byte 0x{byte:02x} at {at} is not a Z85 character")
            }
            DecodeError::Overflow(at) => {
                write!(f, "Z85 group at {at} encodes a value above 0xFFFFFFFF")
            }
        }
    }
}

impl std::error::Error for DecodeError {}

/// Encodes `data` (a multiple of 4 bytes long) as Z85 text, as `zmq_z85_encode`.
pub fn z85_encode(data: &[u8]) -> Result<String, EncodeError> {
    if data.len() % 4 != 0 {
        return Err(EncodeError::BadLength);
    }
    let mut out = String::with_capacity(data.len() / 4 * 5);
    for chunk in data.chunks_exact(4) {
        let mut value = u32::from_be_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]);
        let mut digits = [0u8; 5];
        for digit in digits.iter_mut().rev() {
            *digit = ALPHABET[(value % 85) as usize];
            value /= 85;
        }
        out.extend(digits.iter().map(|&d| char::from(d)));
    }
    Ok(out)
}

/// Decodes Z85 text (a non-zero multiple of 5 characters long) into bytes, as
/// `zmq_z85_decode`: empty text, characters outside the alphabet and groups worth more than 32
/// bits are refused; a NUL byte is [`DecodeError::NulError`], as in rust-zmq.
pub fn z85_decode(data: &str) -> Result<Vec<u8>, DecodeError> {
    let bytes = data.as_bytes();
    if bytes.is_empty() || bytes.len() % 5 != 0 {
        return Err(DecodeError::BadLength);
    }
    // A NUL is reported as rust-zmq does: the error `CString::new` gives, which says where.
    CString::new(bytes)?;
    let mut out = Vec::with_capacity(bytes.len() / 5 * 4);
    for (group, chunk) in bytes.chunks_exact(5).enumerate() {
        let mut value: u64 = 0;
        for (i, &byte) in chunk.iter().enumerate() {
            let at = group * 5 + i;
            let digit = digit_value(byte).ok_or(DecodeError::InvalidByte(at, byte))?;
            value = value * 85 + u64::from(digit);
        }
        let value = u32::try_from(value).map_err(|_| DecodeError::Overflow(group * 5))?;
        out.extend_from_slice(&value.to_be_bytes());
    }
    Ok(out)
}

/// The value of one Z85 character, if it is one.
fn digit_value(byte: u8) -> Option<u8> {
    ALPHABET
        .iter()
        .position(|&c| c == byte)
        .and_then(|at| u8::try_from(at).ok())
}

/// A CURVE key as libzmq's key options accept it: 32 raw bytes, 40 Z85 characters, or those
/// 40 characters followed by a NUL (41 bytes). Anything else is EINVAL.
pub(crate) fn parse_curve_key(value: &[u8]) -> crate::Result<[u8; 32]> {
    let text = match value.len() {
        32 => {
            let mut key = [0u8; 32];
            key.copy_from_slice(value);
            return Ok(key);
        }
        40 => value,
        41 if value[40] == 0 => &value[..40],
        _ => return Err(crate::Error::EINVAL),
    };
    let text = std::str::from_utf8(text).map_err(|_| crate::Error::EINVAL)?;
    let decoded = z85_decode(text).map_err(|_| crate::Error::EINVAL)?;
    <[u8; 32]>::try_from(decoded.as_slice()).map_err(|_| crate::Error::EINVAL)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// RFC 32's test vector.
    const HELLO: [u8; 8] = [0x86, 0x4F, 0xD2, 0x6F, 0xB5, 0x59, 0xF7, 0x5B];

    #[test]
    fn rfc32_vector() {
        assert_eq!(z85_encode(&HELLO).unwrap(), "HelloWorld");
        assert_eq!(z85_decode("HelloWorld").unwrap(), HELLO);
    }

    #[test]
    fn empty_input() {
        // As libzmq: encoding nothing gives "", decoding "" is refused.
        assert_eq!(z85_encode(&[]).unwrap(), "");
        assert_eq!(z85_decode(""), Err(DecodeError::BadLength));
    }

    #[test]
    fn lengths_are_checked() {
        assert_eq!(z85_encode(&[1, 2, 3]), Err(EncodeError::BadLength));
        assert_eq!(z85_decode("Hello"), Ok(vec![0x86, 0x4F, 0xD2, 0x6F]));
        assert_eq!(z85_decode("HelloWorl"), Err(DecodeError::BadLength));
    }

    #[test]
    fn bad_characters_and_overflow_are_refused() {
        // libzmq's test_base85: a character outside the alphabet, and values above 2^32-1.
        assert_eq!(
            z85_decode("Hello\"orld"),
            Err(DecodeError::InvalidByte(5, b'"'))
        );
        assert_eq!(z85_decode("%nSc0"), Ok(vec![0xff; 4]));
        assert_eq!(z85_decode("%nSc1"), Err(DecodeError::Overflow(0)));
        assert_eq!(z85_decode("#####"), Err(DecodeError::Overflow(0)));
        assert!(matches!(z85_decode("abcdé"), Err(DecodeError::BadLength)));
        assert!(matches!(
            z85_decode("abcé"),
            Err(DecodeError::InvalidByte(3, 0xc3))
        ));
        assert!(!DecodeError::Overflow(0).to_string().is_empty());
        assert!(!DecodeError::InvalidByte(0, 0).to_string().is_empty());
    }

    #[test]
    fn errors_are_rust_zmqs() {
        assert_eq!(
            EncodeError::BadLength.to_string(),
            "Invalid data length. Should be multiple of 4."
        );
        assert_eq!(
            DecodeError::BadLength.to_string(),
            "Invalid data length. Should be multiple of 5."
        );
        // The length is checked first, then the NUL, as rust-zmq does.
        assert_eq!(z85_decode("/A\x00B"), Err(DecodeError::BadLength));
        let Err(DecodeError::NulError(nul)) = z85_decode("/AB\x008") else {
            panic!("a NUL byte must be a NulError");
        };
        assert_eq!(nul.nul_position(), 3);
        assert_eq!(
            DecodeError::NulError(nul).to_string(),
            "Nul byte error: nul byte found in provided data at position: 3"
        );
        let utf8 = String::from_utf8(vec![0xff]).unwrap_err();
        assert_eq!(
            EncodeError::from(utf8).to_string(),
            "UTF8 conversion error: invalid utf-8 sequence of 1 bytes from index 0"
        );
    }

    #[test]
    fn curve_keys_in_every_accepted_form() {
        let text = "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7";
        let raw = z85_decode(text).unwrap();
        let key = parse_curve_key(text.as_bytes()).unwrap();
        assert_eq!(key.as_slice(), raw.as_slice());
        assert_eq!(parse_curve_key(&raw).unwrap(), key);
        let mut with_nul = text.as_bytes().to_vec();
        with_nul.push(0);
        assert_eq!(parse_curve_key(&with_nul).unwrap(), key);
        with_nul[40] = b'x';
        assert_eq!(parse_curve_key(&with_nul), Err(crate::Error::EINVAL));
        for bad_len in [0, 31, 33, 39, 42] {
            assert_eq!(
                parse_curve_key(&vec![b'a'; bad_len]),
                Err(crate::Error::EINVAL)
            );
        }
        let mut bad = text.as_bytes().to_vec();
        bad[0] = b'"';
        assert_eq!(parse_curve_key(&bad), Err(crate::Error::EINVAL));
        assert_eq!(parse_curve_key(&[0xff; 40]), Err(crate::Error::EINVAL));
    }

    proptest! {
        #[test]
        fn round_trip(words in proptest::collection::vec(any::<[u8; 4]>(), 1..40)) {
            let data = words.concat();
            let text = z85_encode(&data).unwrap();
            prop_assert_eq!(text.len(), data.len() / 4 * 5);
            prop_assert_eq!(z85_decode(&text).unwrap(), data);
        }

        #[test]
        fn decode_never_panics_and_accepts_only_what_it_writes(text in "\\PC{0,60}") {
            if let Ok(data) = z85_decode(&text) {
                prop_assert_eq!(z85_encode(&data).unwrap(), text);
            }
        }

        #[test]
        fn decode_of_alphabet_strings(text in "[0-9a-zA-Z.:+=^!/*?&<>()\\[\\]{}@%$#-]{0,50}") {
            match z85_decode(&text) {
                Ok(data) => prop_assert_eq!(z85_encode(&data).unwrap(), text),
                Err(e) => prop_assert!(
                    matches!(e, DecodeError::BadLength | DecodeError::Overflow(_))
                ),
            }
        }
    }
}
