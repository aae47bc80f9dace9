//! What a node tells its owner ([`Event`], Zyre's `zyre_event`), and how the node's agent
//! passes each one over the inproc event pipe: `[TYPE][uuid (16 bytes)][name]` and then
//! the type's own frames (ENTER: headers as a ZRE `hash`, address; JOIN/LEAVE: group;
//! WHISPER: content; SHOUT: group, content).

use crate::wire::{Reader, Writer};
use ferrozmq::{Message, Multipart, Uuid};
use std::collections::BTreeMap;

/// One event from a node.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    /// A peer said HELLO: it is now known, with its headers and ROUTER endpoint.
    Enter {
        /// The peer.
        peer: Uuid,
        /// Its name.
        name: String,
        /// Its header values.
        headers: BTreeMap<String, String>,
        /// Its endpoint (`tcp://address:port`).
        address: String,
    },
    /// A peer is gone: it said so (a port-0 beacon), expired, restarted or lost messages.
    Exit {
        /// The peer.
        peer: Uuid,
        /// Its name.
        name: String,
    },
    /// A peer joined a group.
    Join {
        /// The peer.
        peer: Uuid,
        /// Its name.
        name: String,
        /// The group.
        group: String,
    },
    /// A peer left a group.
    Leave {
        /// The peer.
        peer: Uuid,
        /// Its name.
        name: String,
        /// The group.
        group: String,
    },
    /// A peer sent us content.
    Whisper {
        /// The peer.
        peer: Uuid,
        /// Its name.
        name: String,
        /// The content frames.
        content: Vec<Message>,
    },
    /// A peer sent content to a group we are in.
    Shout {
        /// The peer.
        peer: Uuid,
        /// Its name.
        name: String,
        /// The group.
        group: String,
        /// The content frames.
        content: Vec<Message>,
    },
    /// Nothing (beacon or message) heard from a peer for the evasive timeout; it was pinged.
    Evasive {
        /// The peer.
        peer: Uuid,
        /// Its name.
        name: String,
    },
    /// No ZRE message from a peer for the silent timeout, though its beacons still come;
    /// it was pinged.
    Silent {
        /// The peer.
        peer: Uuid,
        /// Its name.
        name: String,
    },
    /// This node stopped (the last event).
    Stop {
        /// This node.
        peer: Uuid,
        /// Its name.
        name: String,
    },
}

impl Event {
    /// The type's name as Zyre prints it (`ENTER`, `EXIT`, …).
    pub fn kind(&self) -> &'static str {
        match self {
            Event::Enter { .. } => "ENTER",
            Event::Exit { .. } => "EXIT",
            Event::Join { .. } => "JOIN",
            Event::Leave { .. } => "LEAVE",
            Event::Whisper { .. } => "WHISPER",
            Event::Shout { .. } => "SHOUT",
            Event::Evasive { .. } => "EVASIVE",
            Event::Silent { .. } => "SILENT",
            Event::Stop { .. } => "STOP",
        }
    }

    /// The peer the event is about (this node for STOP).
    pub fn peer(&self) -> Uuid {
        match self {
            Event::Enter { peer, .. }
            | Event::Exit { peer, .. }
            | Event::Join { peer, .. }
            | Event::Leave { peer, .. }
            | Event::Whisper { peer, .. }
            | Event::Shout { peer, .. }
            | Event::Evasive { peer, .. }
            | Event::Silent { peer, .. }
            | Event::Stop { peer, .. } => *peer,
        }
    }

    /// The peer's name (this node's for STOP).
    pub fn name(&self) -> &str {
        match self {
            Event::Enter { name, .. }
            | Event::Exit { name, .. }
            | Event::Join { name, .. }
            | Event::Leave { name, .. }
            | Event::Whisper { name, .. }
            | Event::Shout { name, .. }
            | Event::Evasive { name, .. }
            | Event::Silent { name, .. }
            | Event::Stop { name, .. } => name,
        }
    }

    /// The group of a JOIN, LEAVE or SHOUT.
    pub fn group(&self) -> Option<&str> {
        match self {
            Event::Join { group, .. } | Event::Leave { group, .. } | Event::Shout { group, .. } => {
                Some(group)
            }
            _ => None,
        }
    }

    /// The content of a WHISPER or SHOUT.
    pub fn content(&self) -> Option<&[Message]> {
        match self {
            Event::Whisper { content, .. } | Event::Shout { content, .. } => Some(content),
            _ => None,
        }
    }

    /// The frames the agent sends for this event.
    pub(crate) fn to_frames(&self) -> Multipart {
        let mut frames = Multipart::new();
        frames.append(self.kind());
        frames.append(&self.peer().as_bytes()[..]);
        frames.append(self.name());
        match self {
            Event::Enter {
                headers, address, ..
            } => {
                let mut w = Writer::default();
                // Headers came from a decoded HELLO, so they fit a hash.
                let _ = w.hash(headers);
                frames.append(w.data);
                frames.append(address.as_str());
            }
            Event::Join { group, .. } | Event::Leave { group, .. } => frames.append(group.as_str()),
            Event::Whisper { content, .. } => content.iter().for_each(|f| frames.append(f)),
            Event::Shout { group, content, .. } => {
                frames.append(group.as_str());
                content.iter().for_each(|f| frames.append(f));
            }
            _ => {}
        }
        frames
    }

    /// Reads the frames [`to_frames`](Event::to_frames) made; `None` for anything else.
    pub(crate) fn from_frames(frames: Multipart) -> Option<Event> {
        let mut frames = frames.into_iter();
        let text = |f: Option<Message>| f.map(|m| String::from_utf8_lossy(&m).into_owned());
        let kind = text(frames.next())?;
        let peer = Uuid::from_slice(&frames.next()?).ok()?;
        let name = text(frames.next())?;
        let event = match kind.as_str() {
            "ENTER" => {
                let headers = Reader::new(&frames.next()?).hash().ok()?;
                let address = text(frames.next())?;
                Event::Enter {
                    peer,
                    name,
                    headers,
                    address,
                }
            }
            "EXIT" => Event::Exit { peer, name },
            "JOIN" => Event::Join {
                peer,
                name,
                group: text(frames.next())?,
            },
            "LEAVE" => Event::Leave {
                peer,
                name,
                group: text(frames.next())?,
            },
            "WHISPER" => Event::Whisper {
                peer,
                name,
                content: frames.collect(),
            },
            "SHOUT" => Event::Shout {
                peer,
                name,
                group: text(frames.next())?,
                content: frames.collect(),
            },
            "EVASIVE" => Event::Evasive { peer, name },
            "SILENT" => Event::Silent { peer, name },
            "STOP" => Event::Stop { peer, name },
            _ => return None,
        };
        Some(event)
    }
}
