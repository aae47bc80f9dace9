//! `Message`: one frame of a ZeroMQ message.
//!
//! Small payloads live inline (no allocation, like libzmq's 33-byte "very small messages");
//! larger ones are reference-counted [`Bytes`], so fan-out and zero-copy receive share one
//! buffer instead of copying it.

use crate::error::{Error, Result};
use crate::group::Group;
use crate::metadata::PeerMetadata;
use bytes::Bytes;
use std::fmt;
use std::ops::{Deref, DerefMut};
use std::sync::Arc;

/// Largest payload kept inline, as libzmq's `max_vsm_size` on 64-bit targets.
pub(crate) const INLINE_MAX: usize = 33;

#[derive(Clone)]
enum Data {
    Inline { len: u8, buf: [u8; INLINE_MAX] },
    Shared(Bytes),
    Owned(Vec<u8>),
}

/// One frame of a (possibly multipart) ZeroMQ message.
///
/// Build one from bytes, a string or a `Vec<u8>` (`Message::from("hello")`), or receive one with
/// [`Socket::recv_msg`](crate::Socket::recv_msg). It dereferences to `[u8]`.
#[derive(Clone)]
pub struct Message {
    data: Data,
    more: bool,
    /// The sending peer's handshake metadata, on received messages.
    metadata: Option<Arc<PeerMetadata>>,
    /// SERVER/PEER: the peer a message came from or goes to (0 = none), as libzmq's
    /// `zmq_msg_routing_id`.
    routing_id: u32,
    /// RADIO/DISH: the group a message is published to.
    group: Option<Group>,
}

impl Message {
    /// An empty frame.
    pub fn new() -> Message {
        Message::wrap(Data::Inline {
            len: 0,
            buf: [0; INLINE_MAX],
        })
    }

    /// A frame around `data`, with no flags, routing id, group or metadata.
    fn wrap(data: Data) -> Message {
        Message {
            data,
            more: false,
            metadata: None,
            routing_id: 0,
            group: None,
        }
    }

    /// A frame of `size` zero bytes, to be filled through `DerefMut`.
    pub fn with_size(size: usize) -> Message {
        if size <= INLINE_MAX {
            Message::wrap(Data::Inline {
                len: size as u8,
                buf: [0; INLINE_MAX],
            })
        } else {
            Message::from(vec![0u8; size])
        }
    }

    /// A frame holding `bytes` without copying them (small payloads are copied inline).
    pub fn from_bytes(bytes: Bytes) -> Message {
        if bytes.len() <= INLINE_MAX {
            Message::from(&bytes[..])
        } else {
            Message::wrap(Data::Shared(bytes))
        }
    }

    /// A frame sharing `bytes` whatever their size, never copied inline: for a zero-copy
    /// payload whose owner must learn only when the last frame using it is gone (the C
    /// ABI's `zmq_msg_init_data` free callback, as libzmq calls it).
    pub fn from_shared(bytes: Bytes) -> Message {
        Message::wrap(Data::Shared(bytes))
    }

    /// The payload as a string, if it is valid UTF-8.
    pub fn as_str(&self) -> Option<&str> {
        std::str::from_utf8(self).ok()
    }

    /// True if more frames of the same message follow this one (`ZMQ_MORE`).
    pub fn get_more(&self) -> bool {
        self.more
    }

    pub(crate) fn set_more(&mut self, more: bool) {
        self.more = more;
    }

    /// A property of the peer this message came from, as `zmq_msg_gets` gives it:
    /// `Socket-Type`, `Routing-Id` (alias `Identity`), `Peer-Address` (tcp), or any other
    /// property the peer sent in its handshake. None for messages not received from a peer.
    pub fn gets(&self, property: &str) -> Option<&str> {
        self.metadata.as_deref().and_then(|m| m.get(property))
    }

    /// The file descriptor of the connection this message came in on (libzmq's deprecated
    /// `zmq_msg_get (ZMQ_SRCFD)`), -1 for a message not received over tcp or ipc. The
    /// descriptor is the I/O thread's: only look at it (e.g. `getpeername`), never close it.
    pub fn source_fd(&self) -> i32 {
        self.metadata
            .as_deref()
            .and_then(PeerMetadata::source_fd)
            .unwrap_or(-1)
    }

    pub(crate) fn set_metadata(&mut self, metadata: Option<Arc<PeerMetadata>>) {
        self.metadata = metadata;
    }

    /// The routing id of the SERVER or PEER connection a received message came from, or the
    /// one `set_routing_id` gave it; 0 if none (`zmq_msg_routing_id`).
    pub fn routing_id(&self) -> u32 {
        self.routing_id
    }

    /// Names the connection a SERVER or PEER socket sends this message to
    /// (`zmq_msg_set_routing_id`); 0 is EINVAL, as in libzmq.
    pub fn set_routing_id(&mut self, routing_id: u32) -> Result<()> {
        if routing_id == 0 {
            return Err(Error::EINVAL);
        }
        self.routing_id = routing_id;
        Ok(())
    }

    /// Forgets the routing id (a message leaving a SERVER carries none to its peer).
    pub(crate) fn clear_routing_id(&mut self) {
        self.routing_id = 0;
    }

    /// The RADIO/DISH group of this message, if it has one (`zmq_msg_group`).
    pub fn group(&self) -> Option<&[u8]> {
        self.group.as_ref().map(Group::as_bytes)
    }

    /// The group as C reads it (up to a first NUL), for C bindings: `zmq_msg_group`
    /// returns it in place, valid while the message keeps its group.
    pub fn group_c_str(&self) -> Option<&std::ffi::CStr> {
        self.group.as_ref().map(Group::as_c_str)
    }

    /// Sets the group a RADIO publishes this message to (`zmq_msg_set_group`): at most
    /// 255 bytes (libzmq 4.3's `ZMQ_GROUP_MAX_LENGTH`), else EINVAL.
    pub fn set_group(&mut self, group: impl AsRef<[u8]>) -> Result<()> {
        self.group = Some(Group::new(group.as_ref())?);
        Ok(())
    }

    /// Sets an already checked group.
    pub(crate) fn set_checked_group(&mut self, group: Group) {
        self.group = Some(group);
    }

    /// Turns an owned payload into a shared one (no copy), so clones share it.
    pub(crate) fn share(&mut self) {
        if let Data::Owned(v) = &mut self.data {
            self.data = Data::Shared(Bytes::from(std::mem::take(v)));
        }
    }

    /// The payload as shareable bytes (no copy for large payloads).
    pub fn into_bytes(self) -> Bytes {
        match self.data {
            Data::Inline { len, buf } => Bytes::copy_from_slice(&buf[..len as usize]),
            Data::Shared(b) => b,
            Data::Owned(v) => Bytes::from(v),
        }
    }

    /// The payload as a `Vec<u8>` (no copy when the message owns a vector).
    pub fn into_vec(self) -> Vec<u8> {
        match self.data {
            Data::Owned(v) => v,
            _ => self.to_vec(),
        }
    }
}

impl Default for Message {
    fn default() -> Message {
        Message::new()
    }
}

impl Deref for Message {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        match &self.data {
            Data::Inline { len, buf } => &buf[..*len as usize],
            Data::Shared(b) => b,
            Data::Owned(v) => v,
        }
    }
}

impl DerefMut for Message {
    fn deref_mut(&mut self) -> &mut [u8] {
        if let Data::Shared(b) = &self.data {
            // Shared buffers are immutable; take a private copy to mutate.
            self.data = Data::Owned(b.to_vec());
        }
        match &mut self.data {
            Data::Inline { len, buf } => &mut buf[..*len as usize],
            Data::Owned(v) => v,
            Data::Shared(_) => unreachable!("converted to an owned buffer above"),
        }
    }
}

impl AsRef<[u8]> for Message {
    fn as_ref(&self) -> &[u8] {
        self
    }
}

impl PartialEq for Message {
    fn eq(&self, other: &Message) -> bool {
        self[..] == other[..]
    }
}

impl Eq for Message {}

/// The payload's bytes, as rust-zmq prints a message (`[102, 111, 111]`).
impl fmt::Debug for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self[..], f)
    }
}

impl From<&[u8]> for Message {
    fn from(data: &[u8]) -> Message {
        if data.len() <= INLINE_MAX {
            let mut buf = [0u8; INLINE_MAX];
            buf[..data.len()].copy_from_slice(data);
            Message::wrap(Data::Inline {
                len: data.len() as u8,
                buf,
            })
        } else {
            Message::wrap(Data::Owned(data.to_vec()))
        }
    }
}

impl From<Vec<u8>> for Message {
    fn from(data: Vec<u8>) -> Message {
        if data.len() <= INLINE_MAX {
            Message::from(&data[..])
        } else {
            Message::wrap(Data::Owned(data))
        }
    }
}

impl From<Bytes> for Message {
    fn from(data: Bytes) -> Message {
        Message::from_bytes(data)
    }
}

impl From<Box<[u8]>> for Message {
    fn from(data: Box<[u8]>) -> Message {
        Message::from(data.into_vec())
    }
}

impl From<&str> for Message {
    fn from(data: &str) -> Message {
        Message::from(data.as_bytes())
    }
}

impl From<String> for Message {
    fn from(data: String) -> Message {
        Message::from(data.into_bytes())
    }
}

impl From<&String> for Message {
    fn from(data: &String) -> Message {
        Message::from(data.as_bytes())
    }
}

impl<const N: usize> From<&[u8; N]> for Message {
    fn from(data: &[u8; N]) -> Message {
        Message::from(&data[..])
    }
}

impl From<&Vec<u8>> for Message {
    fn from(data: &Vec<u8>) -> Message {
        Message::from(&data[..])
    }
}

/// rust-zmq's `send_multipart(&["a", "b"], 0)`: iterating a slice of `&str` gives `&&str`.
impl From<&&str> for Message {
    fn from(data: &&str) -> Message {
        Message::from(data.as_bytes())
    }
}

/// rust-zmq's `send_multipart(&[&b"a"[..], b"bc"], 0)`: a slice of `&[u8]` gives `&&[u8]`.
impl From<&&[u8]> for Message {
    fn from(data: &&[u8]) -> Message {
        Message::from(*data)
    }
}

/// rust-zmq's `send_multipart(&[b"ab", b"cd"], 0)`: a slice of byte strings.
impl<const N: usize> From<&&[u8; N]> for Message {
    fn from(data: &&[u8; N]) -> Message {
        Message::from(&data[..])
    }
}

/// rust-zmq's `AsMut<[u8]>`: the payload, to fill in place (as `DerefMut`).
impl AsMut<[u8]> for Message {
    fn as_mut(&mut self) -> &mut [u8] {
        self
    }
}

/// rust-zmq's deprecated constructors, so code written for the zmq crate builds unchanged.
impl Message {
    /// A frame of `len` zero bytes: rust-zmq's old name for [`Message::with_size`].
    pub fn with_capacity(len: usize) -> Message {
        Message::with_size(len)
    }

    /// A frame holding a copy of `data`: rust-zmq's old name for `Message::from(data)`.
    pub fn from_slice(data: &[u8]) -> Message {
        Message::from(data)
    }
}

impl From<&Message> for Message {
    fn from(msg: &Message) -> Message {
        let mut copy = msg.clone();
        copy.more = false;
        copy.metadata = None;
        copy
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_payloads_are_inline_and_large_ones_shared() {
        let small = Message::from(&[7u8; INLINE_MAX][..]);
        assert!(matches!(small.data, Data::Inline { .. }));
        let big = Message::from_bytes(Bytes::from(vec![1u8; 100]));
        assert!(matches!(big.data, Data::Shared(_)));
        assert_eq!(big.len(), 100);
        assert_eq!(small.len(), INLINE_MAX);
    }

    #[test]
    fn with_size_is_writable() {
        for size in [0, 5, INLINE_MAX, INLINE_MAX + 1, 5000] {
            let mut m = Message::with_size(size);
            assert_eq!(m.len(), size);
            if size > 0 {
                m[size - 1] = 9;
                assert_eq!(m[size - 1], 9);
            }
        }
    }

    #[test]
    fn shared_payload_mutation_copies() {
        let shared = Bytes::from(vec![1u8; 64]);
        let mut m = Message::from_bytes(shared.clone());
        m[0] = 2;
        assert_eq!(shared[0], 1);
        assert_eq!(m[0], 2);
    }

    #[test]
    fn conversions_round_trip() {
        assert_eq!(Message::from("hi").as_str(), Some("hi"));
        assert_eq!(Message::from(vec![0xff; 40]).into_vec(), vec![0xff; 40]);
        assert_eq!(&Message::from(b"abc").into_bytes()[..], b"abc");
        assert_eq!(Message::from(vec![1, 2]), Message::from(&[1u8, 2][..]));
    }
}
