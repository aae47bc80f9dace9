//! `Group`: a RADIO/DISH group name, at most 15 bytes (libzmq's `ZMQ_GROUP_MAX_LENGTH`),
//! kept inline so a message carrying one costs no allocation.

use crate::error::{Error, Result};

pub(crate) use ferrozmq_zmtp::datagram::GROUP_MAX_LENGTH;

/// A checked group name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) struct Group {
    len: u8,
    bytes: [u8; GROUP_MAX_LENGTH],
}

impl Group {
    /// The group `name`; EINVAL if it is longer than 15 bytes.
    pub(crate) fn new(name: &[u8]) -> Result<Group> {
        if name.len() > GROUP_MAX_LENGTH {
            return Err(Error::EINVAL);
        }
        let mut bytes = [0; GROUP_MAX_LENGTH];
        bytes[..name.len()].copy_from_slice(name);
        Ok(Group {
            len: name.len() as u8,
            bytes,
        })
    }

    /// The name's bytes.
    pub(crate) fn as_bytes(&self) -> &[u8] {
        &self.bytes[..usize::from(self.len)]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_up_to_fifteen_bytes_are_groups() {
        assert_eq!(Group::new(b"").unwrap().as_bytes(), b"");
        assert_eq!(Group::new(b"weather").unwrap().as_bytes(), b"weather");
        let longest = [b'g'; GROUP_MAX_LENGTH];
        assert_eq!(Group::new(&longest).unwrap().as_bytes(), &longest);
        assert_eq!(Group::new(&[b'g'; 16]).unwrap_err(), Error::EINVAL);
    }
}
