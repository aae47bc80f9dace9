//! A node's side of the ZRE logging protocol ([`LogPublisher`], Zyre 1's `zyre_log`):
//! one PUB socket, made when the first collector is heard of, connected to each
//! collector a peer announces (`X-ZRELOG` in its HELLO; `tcp://` only, at most
//! [`MAX_COLLECTORS`]); our events are sent as INFO records, never blocking (a PUB with
//! no collector connected yet drops them, as any PUB does).

use crate::log::{node_id, LogMessage, LEVEL_INFO};
use ferrozmq::{Context, Socket, DONTWAIT, PUB};
use std::collections::BTreeSet;
use std::time::{SystemTime, UNIX_EPOCH};

/// The most collectors a node connects to; announcements past that are ignored.
pub const MAX_COLLECTORS: usize = 64;

/// Log records out to the collectors we know.
pub struct LogPublisher {
    node: u16,
    socket: Option<Socket>,
    collectors: BTreeSet<String>,
}

impl LogPublisher {
    /// A publisher for the node at `endpoint` (its id in records), with no collector yet.
    pub fn new(endpoint: &str) -> LogPublisher {
        LogPublisher {
            node: node_id(endpoint),
            socket: None,
            collectors: BTreeSet::new(),
        }
    }

    /// Connects to the collector at `endpoint` (once per endpoint). The reason if it
    /// is refused: not `tcp://`, too many collectors, or the connect failed.
    pub fn connect(&mut self, ctx: &Context, endpoint: &str) -> Result<(), String> {
        if self.collectors.contains(endpoint) {
            return Ok(());
        }
        if !endpoint.starts_with("tcp://") {
            return Err(format!("log collector {endpoint:?} is not tcp://"));
        }
        if self.collectors.len() >= MAX_COLLECTORS {
            return Err(format!("over {MAX_COLLECTORS} log collectors"));
        }
        if self.socket.is_none() {
            let socket = ctx.socket(PUB).map_err(|e| e.to_string())?;
            socket.set_linger(0).map_err(|e| e.to_string())?;
            self.socket = Some(socket);
        }
        let socket = self.socket.as_ref().expect("made above");
        socket
            .connect(endpoint)
            .map_err(|e| format!("log collector {endpoint}: {e}"))?;
        self.collectors.insert(endpoint.into());
        Ok(())
    }

    /// Sends an INFO record of `event` about the peer at `peer` (if any) with `data`
    /// (cut to 255 bytes); nothing without a collector.
    pub fn info(&self, event: u8, peer: Option<&str>, data: &str) {
        let Some(socket) = &self.socket else {
            return;
        };
        let mut cut = data.len().min(255);
        while !data.is_char_boundary(cut) {
            cut -= 1;
        }
        let record = LogMessage {
            level: LEVEL_INFO,
            event,
            node: self.node,
            peer: peer.map_or(0, node_id),
            time: (SystemTime::now().duration_since(UNIX_EPOCH)).map_or(0, |d| d.as_secs()),
            data: data[..cut].into(),
        };
        if let Ok(frame) = record.encode() {
            let _ = socket.send(frame, DONTWAIT);
        }
    }
}
