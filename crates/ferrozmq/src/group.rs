//! `Group`: a RADIO/DISH group name, at most 255 bytes (libzmq 4.3's `ZMQ_GROUP_MAX_LENGTH`).
//! As libzmq does, a short name (here up to 13 bytes) is kept inline, so a message carrying one
//! costs no allocation; a longer one is shared. Either is stored NUL-terminated, so C callers
//! (`zmq_msg_group`) can read it in place.

use crate::error::{Error, Result};
use std::borrow::Borrow;
use std::ffi::CStr;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

pub(crate) use ferrozmq_zmtp::datagram::GROUP_MAX_LENGTH;

/// The longest name kept inline: 13 bytes and a NUL, so a group takes 16 bytes of a message.
const SHORT_MAX: usize = 13;

/// A checked group name.
#[derive(Clone, Debug)]
pub(crate) enum Group {
    /// `len` bytes of `bytes`, then a NUL.
    Short { len: u8, bytes: [u8; SHORT_MAX + 1] },
    /// The name and a NUL.
    Long(Arc<Vec<u8>>),
}

impl Group {
    /// The group `name`; EINVAL if it is longer than 255 bytes.
    pub(crate) fn new(name: &[u8]) -> Result<Group> {
        if name.len() > GROUP_MAX_LENGTH {
            return Err(Error::EINVAL);
        }
        if name.len() <= SHORT_MAX {
            let mut bytes = [0; SHORT_MAX + 1];
            bytes[..name.len()].copy_from_slice(name);
            return Ok(Group::Short {
                len: name.len() as u8,
                bytes,
            });
        }
        let mut text = Vec::with_capacity(name.len() + 1);
        text.extend_from_slice(name);
        text.push(0);
        Ok(Group::Long(Arc::new(text)))
    }

    /// The name's bytes.
    pub(crate) fn as_bytes(&self) -> &[u8] {
        match self {
            Group::Short { len, bytes } => &bytes[..usize::from(*len)],
            Group::Long(text) => &text[..text.len() - 1],
        }
    }

    /// The name as C reads it, in place: up to its first NUL (all of it, usually).
    pub(crate) fn as_c_str(&self) -> &CStr {
        let with_nul = match self {
            Group::Short { len, bytes } => &bytes[..=usize::from(*len)],
            Group::Long(text) => &text[..],
        };
        CStr::from_bytes_until_nul(with_nul).unwrap_or_default()
    }
}

impl PartialEq for Group {
    fn eq(&self, other: &Group) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl Eq for Group {}

/// Hashed as its bytes, so a set of groups is searched by a received group frame.
impl Hash for Group {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_bytes().hash(state);
    }
}

impl Borrow<[u8]> for Group {
    fn borrow(&self) -> &[u8] {
        self.as_bytes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_up_to_255_bytes_are_groups() {
        assert_eq!(Group::new(b"").unwrap().as_bytes(), b"");
        assert_eq!(Group::new(b"weather").unwrap().as_bytes(), b"weather");
        for len in [SHORT_MAX, SHORT_MAX + 1, GROUP_MAX_LENGTH] {
            let name = vec![b'g'; len];
            let group = Group::new(&name).unwrap();
            assert_eq!(group.as_bytes(), &name[..]);
            assert_eq!(group.as_c_str().to_bytes(), &name[..]);
        }
        assert_eq!(Group::new(&[b'g'; 256]).unwrap_err(), Error::EINVAL);
        assert_eq!(Group::new(b"a\0b").unwrap().as_c_str().to_bytes(), b"a");
    }

    #[test]
    fn a_group_is_found_by_its_bytes() {
        let mut joined = std::collections::HashSet::new();
        joined.insert(Group::new(b"short").unwrap());
        joined.insert(Group::new(&[b'l'; 100]).unwrap());
        assert!(joined.contains(&b"short"[..]));
        assert!(joined.contains(&[b'l'; 100][..]));
        assert!(!joined.contains(&b"other"[..]));
    }
}
