//! One known peer ([`Peer`], Zyre's `zyre_peer`): the DEALER we send to it on (its routing
//! id is `0x01` + our UUID, which its ROUTER reads to know us), what its HELLO said, the
//! sequence numbers both ways, and when we last heard from it.

use crate::message::{Body, ZreMessage};
use ferrozmq::{Context, Error, Result, Socket, Uuid, DEALER, DONTWAIT};
use std::collections::BTreeMap;
use std::time::Instant;

/// Messages queued to one peer before sends fail and the peer is dropped as too slow.
const SEND_HWM: i32 = 10_000;
/// How long a closed peer socket tries to deliver what is queued (a node that stops right
/// after a whisper still delivers it).
const LINGER_MS: i32 = 1000;

/// A peer and our connection to it.
pub struct Peer {
    /// Its UUID.
    pub uuid: Uuid,
    /// The endpoint our DEALER is connected to.
    pub endpoint: String,
    /// Its name (from HELLO; empty before).
    pub name: String,
    /// Its headers (from HELLO).
    pub headers: BTreeMap<String, String>,
    /// Its group-change counter.
    pub status: u8,
    /// Whether its HELLO has arrived; other messages before it are ignored.
    pub ready: bool,
    /// When a beacon or message last came from it.
    pub heard_at: Instant,
    /// When a message last came from it.
    pub message_at: Instant,
    /// Whether EVASIVE has been reported since it was last heard.
    pub evasive_reported: bool,
    /// Whether SILENT has been reported since its last message.
    pub silent_reported: bool,
    mailbox: Socket,
    sent_sequence: u16,
    want_sequence: u16,
}

impl Peer {
    /// Connects a DEALER to `endpoint`, telling it we are `me`.
    pub fn connect(ctx: &Context, me: &Uuid, uuid: Uuid, endpoint: &str) -> Result<Peer> {
        let mailbox = ctx.socket(DEALER)?;
        let mut routing_id = vec![1u8];
        routing_id.extend_from_slice(me.as_bytes());
        mailbox.set_identity(&routing_id)?;
        mailbox.set_sndhwm(SEND_HWM)?;
        mailbox.set_linger(LINGER_MS)?;
        mailbox.connect(endpoint)?;
        let now = Instant::now();
        Ok(Peer {
            uuid,
            endpoint: endpoint.to_string(),
            name: String::new(),
            headers: BTreeMap::new(),
            status: 0,
            ready: false,
            heard_at: now,
            message_at: now,
            evasive_reported: false,
            silent_reported: false,
            mailbox,
            sent_sequence: 0,
            want_sequence: 0,
        })
    }

    /// Sends `body` with the next sequence number, without blocking: EAGAIN when the
    /// peer's queue is full (the caller drops the peer, as Zyre does). EINVAL if a field
    /// is too long for the wire.
    pub fn send(&mut self, body: Body) -> Result<()> {
        let message = ZreMessage {
            sequence: self.sent_sequence.wrapping_add(1),
            body,
        };
        let frames = message.encode().map_err(|_| Error::EINVAL)?;
        self.mailbox.send_multipart(frames, DONTWAIT)?;
        self.sent_sequence = message.sequence;
        Ok(())
    }

    /// Whether `message` is not the one expected next (HELLO restarts the count at 1):
    /// Zyre then drops the peer.
    pub fn messages_lost(&mut self, message: &ZreMessage) -> bool {
        self.want_sequence = match message.body {
            Body::Hello(_) => 1,
            _ => self.want_sequence.wrapping_add(1),
        };
        self.want_sequence != message.sequence
    }

    /// Notes that a beacon or message came now.
    pub fn heard(&mut self, now: Instant) {
        self.heard_at = now;
        self.evasive_reported = false;
    }

    /// Notes that a message came now.
    pub fn got_message(&mut self, now: Instant) {
        self.heard(now);
        self.message_at = now;
        self.silent_reported = false;
    }
}
