//! Key-value messages (the guide's `kvsimple` and `kvmsg` classes), the unit of state the
//! Clone pattern replicates.
//!
//! * The **simple form** (`kvsimple`, Clone models 1-4) is three frames:
//!   `[key][sequence: 8 bytes, network order][body]`.
//! * The **full form** (`kvmsg`, model 5 on, CHP's KVSYNC/KVPUB/KVSET) is five frames:
//!   `[key][sequence][uuid: 16 bytes or empty][properties][body]`, where the properties are
//!   zero or more `name=value` lines, each ending in a newline.
//!
//! An empty body means "delete this key" ([`KvMap::store`]). Decoding never panics: a
//! message with the wrong number of frames, a sequence that is not 8 bytes, a UUID that is
//! neither empty nor 16 bytes, a key or properties that are not UTF-8, or a property line
//! without `=` is a [`Malformed`] saying which.
//!
//! ```
//! use ferrozmq_patterns::kvmsg::KvMsg;
//! let mut update = KvMsg::new(7, "/client/42", "hello");
//! update.set_prop("ttl", "30");
//! let frames = update.to_frames();
//! assert_eq!(frames.len(), 5);
//! let back = KvMsg::from_frames(&frames).unwrap();
//! assert_eq!(back, update);
//! assert_eq!(back.prop("ttl"), Some("30"));
//! ```

use ferrozmq::{Message, Multipart, Socket, Uuid};
use std::collections::HashMap;
use std::fmt::{self, Write as _};

/// Frames in the simple form: key, sequence, body.
pub const SIMPLE_FRAMES: usize = 3;
/// Frames in the full form: key, sequence, UUID, properties, body.
pub const FULL_FRAMES: usize = 5;

/// One key-value update: a key, the sequence number the server gave it, an optional UUID
/// (set by the client that made it), properties such as `ttl`, and the value.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct KvMsg {
    /// The key (CHP keys are strings; subtrees are key prefixes such as `/client/`).
    pub key: String,
    /// The sequence number (the server's order of updates; 0 when a client sends one).
    pub sequence: u64,
    /// The update's UUID, when its sender gave one (CHP: frame 2 may be empty).
    pub uuid: Option<Uuid>,
    /// The properties, in the order they were set; names are unique.
    props: Vec<(String, String)>,
    /// The value; empty means the key is deleted.
    pub body: Vec<u8>,
}

/// Why a multipart message is not a key-value message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Malformed {
    /// It had this many frames, not the form's 3 or 5.
    FrameCount(usize),
    /// The sequence frame had this many bytes, not 8.
    SequenceSize(usize),
    /// The UUID frame had this many bytes, neither 0 nor 16.
    UuidSize(usize),
    /// The key frame is not UTF-8.
    KeyNotUtf8,
    /// The properties frame is not UTF-8.
    PropertiesNotUtf8,
    /// A property line has no `=` (the line is given).
    PropertyWithoutEquals(String),
}

impl fmt::Display for Malformed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Malformed::FrameCount(n) => write!(f, "kvmsg with {n} frames"),
            Malformed::SequenceSize(n) => write!(f, "kvmsg sequence of {n} bytes, not 8"),
            Malformed::UuidSize(n) => write!(f, "kvmsg UUID of {n} bytes, not 0 or 16"),
            Malformed::KeyNotUtf8 => write!(f, "kvmsg key is not UTF-8"),
            Malformed::PropertiesNotUtf8 => write!(f, "kvmsg properties are not UTF-8"),
            Malformed::PropertyWithoutEquals(line) => {
                write!(f, "kvmsg property {line:?} has no '='")
            }
        }
    }
}

impl std::error::Error for Malformed {}

/// What receiving a key-value message can fail with: the socket, or the message's shape.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RecvError {
    /// The socket failed (ETERM, EAGAIN on a timeout, EINTR, …).
    Socket(ferrozmq::Error),
    /// A message arrived but it is not a key-value message (already read off the socket).
    Malformed(Malformed),
}

impl fmt::Display for RecvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RecvError::Socket(e) => write!(f, "{e}"),
            RecvError::Malformed(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for RecvError {}

impl From<ferrozmq::Error> for RecvError {
    fn from(e: ferrozmq::Error) -> RecvError {
        RecvError::Socket(e)
    }
}

impl KvMsg {
    /// An update of `key` to `body` with `sequence`, no UUID and no properties.
    pub fn new(sequence: u64, key: impl Into<String>, body: impl Into<Vec<u8>>) -> KvMsg {
        KvMsg {
            key: key.into(),
            sequence,
            body: body.into(),
            ..KvMsg::default()
        }
    }

    /// Gives this update a fresh random UUID (`kvmsg_set_uuid`).
    pub fn set_uuid(&mut self) {
        self.uuid = Some(Uuid::new());
    }

    /// The value of property `name`, if set (`kvmsg_get_prop`, which returns "" instead).
    pub fn prop(&self, name: &str) -> Option<&str> {
        self.props
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// Sets property `name` to `value`, replacing an earlier value (`kvmsg_set_prop`). A
    /// name with `=` or a newline, or a value with a newline, could not be read back, so
    /// those characters are replaced by `_`.
    pub fn set_prop(&mut self, name: &str, value: &str) {
        let name: String = name
            .chars()
            .map(|c| if c == '=' || c == '\n' { '_' } else { c })
            .collect();
        let value = value.replace('\n', "_");
        self.props.retain(|(n, _)| *n != name);
        self.props.push((name, value));
    }

    /// Removes property `name`.
    pub fn remove_prop(&mut self, name: &str) {
        self.props.retain(|(n, _)| n != name);
    }

    /// The properties, in the order they were set.
    pub fn props(&self) -> impl Iterator<Item = (&str, &str)> {
        self.props.iter().map(|(n, v)| (n.as_str(), v.as_str()))
    }

    /// The `ttl` property as seconds, when it is a positive number.
    pub fn ttl(&self) -> Option<u64> {
        self.prop("ttl")?.trim().parse().ok().filter(|&t| t > 0)
    }

    /// True when this update deletes its key (its body is empty).
    pub fn is_delete(&self) -> bool {
        self.body.is_empty()
    }

    /// The properties frame: `name=value\n` for each property.
    fn encode_props(&self) -> String {
        let mut out = String::new();
        for (name, value) in &self.props {
            let _ = writeln!(out, "{name}={value}");
        }
        out
    }

    /// The full form's five frames.
    pub fn to_frames(&self) -> Multipart {
        let uuid: &[u8] = self.uuid.as_ref().map_or(&[], |u| &u.as_bytes()[..]);
        Multipart::from([
            Message::from(self.key.as_str()),
            Message::from(&self.sequence.to_be_bytes()),
            Message::from(uuid),
            Message::from(self.encode_props()),
            Message::from(self.body.as_slice()),
        ])
    }

    /// The simple form's three frames (UUID and properties are not sent).
    pub fn to_simple_frames(&self) -> Multipart {
        Multipart::from([
            Message::from(self.key.as_str()),
            Message::from(&self.sequence.to_be_bytes()),
            Message::from(self.body.as_slice()),
        ])
    }

    /// Reads the full form's five frames.
    pub fn from_frames(frames: &Multipart) -> Result<KvMsg, Malformed> {
        let [key, sequence, uuid, props, body] = frames_of::<FULL_FRAMES>(frames)?;
        Ok(KvMsg {
            key: decode_key(key)?,
            sequence: decode_sequence(sequence)?,
            uuid: decode_uuid(uuid)?,
            props: decode_props(props)?,
            body: body.to_vec(),
        })
    }

    /// Reads the simple form's three frames.
    pub fn from_simple_frames(frames: &Multipart) -> Result<KvMsg, Malformed> {
        let [key, sequence, body] = frames_of::<SIMPLE_FRAMES>(frames)?;
        Ok(KvMsg::new(
            decode_sequence(sequence)?,
            decode_key(key)?,
            body.to_vec(),
        ))
    }

    /// Sends the full form on `socket` (`kvmsg_send`).
    pub fn send(&self, socket: &Socket) -> ferrozmq::Result<()> {
        self.to_frames().send(socket)
    }

    /// Sends the simple form on `socket` (`kvsimple`'s `kvmsg_send`).
    pub fn send_simple(&self, socket: &Socket) -> ferrozmq::Result<()> {
        self.to_simple_frames().send(socket)
    }

    /// Receives one full-form message from `socket` (`kvmsg_recv`).
    pub fn recv(socket: &Socket) -> Result<KvMsg, RecvError> {
        let frames = Multipart::recv(socket)?;
        KvMsg::from_frames(&frames).map_err(RecvError::Malformed)
    }

    /// Receives one simple-form message from `socket` (`kvsimple`'s `kvmsg_recv`).
    pub fn recv_simple(socket: &Socket) -> Result<KvMsg, RecvError> {
        let frames = Multipart::recv(socket)?;
        KvMsg::from_simple_frames(&frames).map_err(RecvError::Malformed)
    }

    /// One line describing this message, as `kvmsg_dump` prints it:
    /// `[seq:7][key:k][size:5] [ttl=30;]68656C6C6F`.
    pub fn dump(&self) -> String {
        let mut line = format!(
            "[seq:{}][key:{}][size:{}] ",
            self.sequence,
            self.key,
            self.body.len()
        );
        if !self.props.is_empty() {
            line.push('[');
            for (name, value) in &self.props {
                let _ = write!(line, "{name}={value};");
            }
            line.push(']');
        }
        for byte in &self.body {
            let _ = write!(line, "{byte:02X}");
        }
        line
    }
}

/// The frames of `frames` as an array of `N` byte slices, when it has exactly `N`.
fn frames_of<const N: usize>(frames: &Multipart) -> Result<[&[u8]; N], Malformed> {
    let slices: Vec<&[u8]> = frames.iter().map(|f| &f[..]).collect();
    <[&[u8]; N]>::try_from(slices).map_err(|s| Malformed::FrameCount(s.len()))
}

fn decode_key(frame: &[u8]) -> Result<String, Malformed> {
    String::from_utf8(frame.to_vec()).map_err(|_| Malformed::KeyNotUtf8)
}

fn decode_sequence(frame: &[u8]) -> Result<u64, Malformed> {
    <[u8; 8]>::try_from(frame)
        .map(u64::from_be_bytes)
        .map_err(|_| Malformed::SequenceSize(frame.len()))
}

fn decode_uuid(frame: &[u8]) -> Result<Option<Uuid>, Malformed> {
    match frame.len() {
        0 => Ok(None),
        Uuid::LEN => Ok(Uuid::from_slice(frame).ok()),
        n => Err(Malformed::UuidSize(n)),
    }
}

fn decode_props(frame: &[u8]) -> Result<Vec<(String, String)>, Malformed> {
    let text = std::str::from_utf8(frame).map_err(|_| Malformed::PropertiesNotUtf8)?;
    let mut props: Vec<(String, String)> = Vec::new();
    // As kvmsg.c: each property ends in a newline; text after the last one is ignored.
    let mut lines: Vec<&str> = text.split('\n').collect();
    lines.pop();
    for line in lines {
        let (name, value) = line
            .split_once('=')
            .ok_or_else(|| Malformed::PropertyWithoutEquals(line.to_string()))?;
        props.retain(|(n, _)| n != name);
        props.push((name.to_string(), value.to_string()));
    }
    Ok(props)
}

/// The key-value store every Clone server and client keeps (`zhash` of kvmsgs).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct KvMap {
    entries: HashMap<String, KvMsg>,
}

impl KvMap {
    /// An empty store.
    pub fn new() -> KvMap {
        KvMap::default()
    }

    /// Applies `update` (`kvmsg_store`): an empty body deletes its key, any other replaces it.
    pub fn store(&mut self, update: KvMsg) {
        if update.is_delete() {
            self.entries.remove(&update.key);
        } else {
            self.entries.insert(update.key.clone(), update);
        }
    }

    /// The stored update of `key`.
    pub fn get(&self, key: &str) -> Option<&KvMsg> {
        self.entries.get(key)
    }

    /// How many keys are stored.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when no key is stored.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Every stored update, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = &KvMsg> {
        self.entries.values()
    }

    /// Every stored update whose key starts with `subtree` (all when it is empty).
    pub fn subtree<'a>(&'a self, subtree: &'a str) -> impl Iterator<Item = &'a KvMsg> + 'a {
        self.entries
            .values()
            .filter(move |m| m.key.starts_with(subtree))
    }

    /// Every stored update, mutably (the server rewrites TTLs into deadlines).
    pub fn iter_mut(&mut self) -> impl Iterator<Item = &mut KvMsg> {
        self.entries.values_mut()
    }

    /// Keys and values only, for comparing two stores regardless of sequence numbers.
    pub fn values(&self) -> HashMap<String, Vec<u8>> {
        self.entries
            .iter()
            .map(|(k, m)| (k.clone(), m.body.clone()))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_form_has_five_frames_in_chp_order() {
        let mut m = KvMsg::new(0x0102, "key", "body");
        m.set_prop("prop1", "value1");
        m.set_prop("prop2", "value1");
        m.set_prop("prop2", "value2");
        let frames = m.to_frames();
        let bytes: Vec<&[u8]> = frames.iter().map(|f| &f[..]).collect();
        assert_eq!(
            bytes,
            [
                &b"key"[..],
                &[0, 0, 0, 0, 0, 0, 1, 2],
                b"",
                b"prop1=value1\nprop2=value2\n",
                b"body"
            ]
        );
        assert_eq!(m.prop("prop2"), Some("value2"));
    }

    #[test]
    fn simple_form_round_trips() {
        let m = KvMsg::new(u64::MAX, "k", vec![0, 255]);
        assert_eq!(KvMsg::from_simple_frames(&m.to_simple_frames()), Ok(m));
    }

    #[test]
    fn malformed_messages_say_what_is_wrong() {
        let three = Multipart::from(["k", "12345678", "v"]);
        assert_eq!(KvMsg::from_frames(&three), Err(Malformed::FrameCount(3)));
        let short = Multipart::from(["k", "1234", "v"]);
        assert_eq!(
            KvMsg::from_simple_frames(&short),
            Err(Malformed::SequenceSize(4))
        );
        let uuid = Multipart::from(["k", "12345678", "abc", "", "v"]);
        assert_eq!(KvMsg::from_frames(&uuid), Err(Malformed::UuidSize(3)));
        let props = Multipart::from(["k", "12345678", "", "ttl\n", "v"]);
        assert_eq!(
            KvMsg::from_frames(&props),
            Err(Malformed::PropertyWithoutEquals("ttl".into()))
        );
    }

    #[test]
    fn dump_prints_as_kvmsg_dump() {
        let mut m = KvMsg::new(7, "k", "hi");
        assert_eq!(m.dump(), "[seq:7][key:k][size:2] 6869");
        m.set_prop("ttl", "3");
        assert_eq!(m.dump(), "[seq:7][key:k][size:2] [ttl=3;]6869");
    }

    #[test]
    fn an_empty_body_deletes() {
        let mut map = KvMap::new();
        map.store(KvMsg::new(1, "a", "1"));
        map.store(KvMsg::new(2, "b", "2"));
        map.store(KvMsg::new(3, "a", ""));
        assert_eq!(map.len(), 1);
        assert!(map.get("a").is_none());
    }

    #[test]
    fn set_prop_keeps_what_can_be_read_back() {
        let mut m = KvMsg::new(1, "k", "v");
        m.set_prop("a=b", "x\ny");
        let back = KvMsg::from_frames(&m.to_frames()).unwrap();
        assert_eq!(back.prop("a_b"), Some("x_y"));
    }
}
