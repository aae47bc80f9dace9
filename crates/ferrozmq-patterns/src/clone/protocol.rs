//! CHP's commands and ports (ZeroMQ RFC 12, the Clustered Hashmap Protocol).
//!
//! Every command but ICANHAZ? is a key-value message ([`KvMsg`]): KVSYNC, KTHXBAI, KVPUB,
//! KVSET and HUGZ differ only in their key, sequence and body. The guide's models 2-4 send
//! them in the simple three-frame form, model 5 on and CHP in the full five-frame form
//! ([`Form`]).

use crate::kvmsg::{KvMsg, Malformed, RecvError};
use ferrozmq::{Message, Multipart, Socket};
use std::fmt;

/// The snapshot request's first frame.
pub const ICANHAZ: &str = "ICANHAZ?";
/// The key of the message that ends a snapshot.
pub const KTHXBAI: &str = "KTHXBAI";
/// The key of the server's heartbeat.
pub const HUGZ: &str = "HUGZ";

/// Which kvmsg form a server and its clients speak.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Form {
    /// Three frames: key, sequence, body (`kvsimple`, Clone models 2-4).
    Simple,
    /// Five frames: key, sequence, UUID, properties, body (`kvmsg`, model 5 on, CHP).
    Full,
}

impl Form {
    /// `message` in this form.
    pub fn encode(self, message: &KvMsg) -> Multipart {
        match self {
            Form::Simple => message.to_simple_frames(),
            Form::Full => message.to_frames(),
        }
    }

    /// Reads `frames` in this form.
    pub fn decode(self, frames: &Multipart) -> Result<KvMsg, Malformed> {
        match self {
            Form::Simple => KvMsg::from_simple_frames(frames),
            Form::Full => KvMsg::from_frames(frames),
        }
    }

    /// Sends `message` in this form on `socket`.
    pub fn send(self, message: &KvMsg, socket: &Socket) -> ferrozmq::Result<()> {
        self.encode(message).send(socket)
    }

    /// Receives one message in this form from `socket`.
    pub fn recv(self, socket: &Socket) -> Result<KvMsg, RecvError> {
        let frames = Multipart::recv(socket)?;
        self.decode(&frames).map_err(RecvError::Malformed)
    }
}

/// The three ports of a server whose snapshot port is `port` (CHP: P, P+1, P+2), as
/// endpoints on `address` (`tcp://localhost`, `tcp://*`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Endpoints {
    /// The snapshot ROUTER (P); clients connect a DEALER.
    pub snapshot: String,
    /// The publisher PUB (P+1); clients connect a SUB.
    pub publisher: String,
    /// The collector (P+2: PULL in model 5, SUB in CHP); clients connect a PUSH or PUB.
    pub collector: String,
}

impl Endpoints {
    /// `address:P`, `address:P+1`, `address:P+2`. Fails when P+2 is not a port.
    pub fn at(address: &str, port: u16) -> Option<Endpoints> {
        let at = |offset: u16| Some(format!("{address}:{}", port.checked_add(offset)?));
        Some(Endpoints {
            snapshot: at(0)?,
            publisher: at(1)?,
            collector: at(2)?,
        })
    }
}

/// Why a snapshot request was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BadRequest {
    /// No identity frame and command (a ROUTER always gives the identity).
    TooShort,
    /// The command is not ICANHAZ? (its text, lossily).
    NotIcanhaz(String),
    /// More frames than command and subtree.
    TooLong(usize),
    /// The subtree is not UTF-8.
    SubtreeNotUtf8,
}

impl fmt::Display for BadRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BadRequest::TooShort => write!(f, "snapshot request without a command"),
            BadRequest::NotIcanhaz(c) => write!(f, "snapshot request {c:?} is not ICANHAZ?"),
            BadRequest::TooLong(n) => write!(f, "snapshot request of {n} frames"),
            BadRequest::SubtreeNotUtf8 => write!(f, "snapshot subtree is not UTF-8"),
        }
    }
}

impl std::error::Error for BadRequest {}

/// An ICANHAZ? as the server's ROUTER reads it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SnapshotRequest {
    /// The requesting client's routing identity.
    pub identity: Message,
    /// The subtree asked for ("" for everything; models 2 and 3 send no subtree frame).
    pub subtree: String,
}

impl SnapshotRequest {
    /// Reads `[identity]["ICANHAZ?"]([subtree])` from a ROUTER.
    pub fn parse(mut frames: Multipart) -> Result<SnapshotRequest, BadRequest> {
        if frames.len() > 3 {
            return Err(BadRequest::TooLong(frames.len() - 1));
        }
        let identity = frames.pop().ok_or(BadRequest::TooShort)?;
        let command = frames.pop().ok_or(BadRequest::TooShort)?;
        if &command[..] != ICANHAZ.as_bytes() {
            return Err(BadRequest::NotIcanhaz(
                String::from_utf8_lossy(&command).into_owned(),
            ));
        }
        let subtree = match frames.pop() {
            None => String::new(),
            Some(frame) => {
                String::from_utf8(frame.to_vec()).map_err(|_| BadRequest::SubtreeNotUtf8)?
            }
        };
        Ok(SnapshotRequest { identity, subtree })
    }
}

/// The client's ICANHAZ? for `subtree`, as a DEALER sends it.
pub fn icanhaz(subtree: &str) -> Multipart {
    Multipart::from([ICANHAZ, subtree])
}

/// The KTHXBAI that ends a snapshot at `sequence`. CHP puts the subtree in its body; the
/// guide's C servers send an empty body, which clients never read.
pub fn kthxbai(sequence: u64, subtree: &str) -> KvMsg {
    KvMsg::new(sequence, KTHXBAI, subtree)
}

/// A heartbeat (CHP's HUGZ) carrying the server's current `sequence`, as the guide's
/// clonesrv6 sends it: replicas never apply it, and one behind it knows it missed updates.
pub fn hugz(sequence: u64) -> KvMsg {
    KvMsg::new(sequence, HUGZ, "")
}

/// `message` behind `identity`, for a ROUTER to send.
pub fn addressed(identity: &Message, message: Multipart) -> Multipart {
    std::iter::once(identity.clone()).chain(message).collect()
}
