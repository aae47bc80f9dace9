//! The field encodings of ZRE (zproto's): big-endian `number1/2/4`, `string` (one length
//! byte, at most 255 bytes), `longstr` (four length bytes), `strings` (a four-byte count of
//! `longstr`s) and `hash` (a four-byte count of `string` key, `longstr` value pairs).
//!
//! [`Reader`] never reads past its input and never allocates from a count it has not seen
//! the bytes for, so a hostile length is an error, not a panic or a huge allocation.

use std::collections::BTreeMap;

/// Why a frame could not be read: what was wrong, for a log line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Malformed(pub &'static str);

impl std::fmt::Display for Malformed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0)
    }
}

impl std::error::Error for Malformed {}

/// The most entries a `strings` or `hash` field may hold: more is refused, so a frame of
/// tiny entries cannot cost many times its size in memory.
pub const MAX_ENTRIES: u32 = 4096;

/// A cursor over one frame.
pub struct Reader<'a> {
    data: &'a [u8],
}

impl<'a> Reader<'a> {
    /// Reads `data` from its start.
    pub fn new(data: &'a [u8]) -> Reader<'a> {
        Reader { data }
    }

    /// The next `n` bytes.
    pub fn bytes(&mut self, n: usize) -> Result<&'a [u8], Malformed> {
        if self.data.len() < n {
            return Err(Malformed("truncated field"));
        }
        let (head, rest) = self.data.split_at(n);
        self.data = rest;
        Ok(head)
    }

    /// A `number1`.
    pub fn u8(&mut self) -> Result<u8, Malformed> {
        Ok(self.bytes(1)?[0])
    }

    /// A `number2`.
    pub fn u16(&mut self) -> Result<u16, Malformed> {
        let b = self.bytes(2)?;
        Ok(u16::from_be_bytes([b[0], b[1]]))
    }

    /// A `number4`.
    pub fn u32(&mut self) -> Result<u32, Malformed> {
        let b = self.bytes(4)?;
        Ok(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    }

    /// A `number8`.
    pub fn u64(&mut self) -> Result<u64, Malformed> {
        let b = self.bytes(8)?;
        let mut v = [0; 8];
        v.copy_from_slice(b);
        Ok(u64::from_be_bytes(v))
    }

    fn text(&mut self, n: usize) -> Result<String, Malformed> {
        String::from_utf8(self.bytes(n)?.to_vec()).map_err(|_| Malformed("string not UTF-8"))
    }

    /// A `string`.
    pub fn string(&mut self) -> Result<String, Malformed> {
        let n = self.u8()? as usize;
        self.text(n)
    }

    /// A `longstr`.
    pub fn longstr(&mut self) -> Result<String, Malformed> {
        let n = self.u32()? as usize;
        self.text(n)
    }

    /// A `longstr` of at most `max` bytes (a longer one is malformed before it is read).
    pub fn bounded_longstr(&mut self, max: usize) -> Result<String, Malformed> {
        let n = self.u32()? as usize;
        if n > max {
            return Err(Malformed("long string over its limit"));
        }
        self.text(n)
    }

    fn count(&mut self) -> Result<u32, Malformed> {
        let n = self.u32()?;
        if n > MAX_ENTRIES {
            return Err(Malformed("too many entries in a list or hash"));
        }
        Ok(n)
    }

    /// A `strings` list.
    pub fn strings(&mut self) -> Result<Vec<String>, Malformed> {
        (0..self.count()?).map(|_| self.longstr()).collect()
    }

    /// A `hash` (a repeated key keeps its last value).
    pub fn hash(&mut self) -> Result<BTreeMap<String, String>, Malformed> {
        let mut map = BTreeMap::new();
        for _ in 0..self.count()? {
            let key = self.string()?;
            map.insert(key, self.longstr()?);
        }
        Ok(map)
    }

    /// Whether every byte has been read.
    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }
}

/// Why a value could not be written: a `string` over 255 bytes, or a list or hash over
/// [`MAX_ENTRIES`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TooLong(pub &'static str);

/// Appends ZRE fields to a frame.
#[derive(Default)]
pub struct Writer {
    /// The frame so far.
    pub data: Vec<u8>,
}

impl Writer {
    /// A `number1`.
    pub fn u8(&mut self, v: u8) {
        self.data.push(v);
    }

    /// A `number2`.
    pub fn u16(&mut self, v: u16) {
        self.data.extend_from_slice(&v.to_be_bytes());
    }

    /// A `number4`.
    pub fn u32(&mut self, v: u32) {
        self.data.extend_from_slice(&v.to_be_bytes());
    }

    /// A `number8`.
    pub fn u64(&mut self, v: u64) {
        self.data.extend_from_slice(&v.to_be_bytes());
    }

    /// A `string`; [`TooLong`] over 255 bytes.
    pub fn string(&mut self, s: &str) -> Result<(), TooLong> {
        let n = u8::try_from(s.len()).map_err(|_| TooLong("string over 255 bytes"))?;
        self.u8(n);
        self.data.extend_from_slice(s.as_bytes());
        Ok(())
    }

    /// A `longstr`.
    pub fn longstr(&mut self, s: &str) -> Result<(), TooLong> {
        let n = u32::try_from(s.len()).map_err(|_| TooLong("long string over 4 GiB"))?;
        self.u32(n);
        self.data.extend_from_slice(s.as_bytes());
        Ok(())
    }

    fn count(&mut self, n: usize) -> Result<(), TooLong> {
        match u32::try_from(n) {
            Ok(n) if n <= MAX_ENTRIES => {
                self.u32(n);
                Ok(())
            }
            _ => Err(TooLong("list or hash over MAX_ENTRIES")),
        }
    }

    /// A `strings` list.
    pub fn strings<'s>(
        &mut self,
        list: impl ExactSizeIterator<Item = &'s String>,
    ) -> Result<(), TooLong> {
        self.count(list.len())?;
        list.into_iter().try_for_each(|s| self.longstr(s))
    }

    /// A `hash`.
    pub fn hash(&mut self, map: &BTreeMap<String, String>) -> Result<(), TooLong> {
        self.count(map.len())?;
        map.iter().try_for_each(|(k, v)| {
            self.string(k)?;
            self.longstr(v)
        })
    }
}
