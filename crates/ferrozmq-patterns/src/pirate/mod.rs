//! The Pirate patterns (the guide's chapter 4): reliable request-reply without a protocol
//! broker.
//!
//! * [`lazy`]: Lazy Pirate, a REQ client that polls for each reply with a timeout and, when
//!   none comes, reopens its socket and resends, up to a number of retries.
//! * [`simple`]: Simple Pirate, a load-balancing queue of ready workers between a frontend
//!   and a backend ROUTER; workers say READY and Lazy Pirate clients retry.
//! * [`paranoid`]: Paranoid Pirate (RFC 6, PPP): the queue and its workers heartbeat each
//!   other; the queue forgets silent workers, a worker that hears nothing reconnects with a
//!   back-off from 1 s doubling to 32 s.
//!
//! What happens on the way (retries, reconnects, bad messages) is told to an observer as an
//! [`Event`], whose [`line`](Event::line) is what the guide's programs print; by default it
//! goes to stderr.

pub mod lazy;
pub mod paranoid;
pub mod simple;

use ferrozmq::Multipart;
use std::time::Duration;

/// Something a Pirate client, queue or worker did or saw.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    /// A client opens a (new) socket to its server.
    Connecting,
    /// No reply came in time; the client resends on a new socket.
    Retrying,
    /// No reply came after every retry; the request is abandoned.
    Abandoned,
    /// A reply that does not answer the request was dropped.
    UnexpectedReply(Multipart),
    /// A malformed message was dropped.
    Invalid(Multipart),
    /// A worker heard nothing from its queue for `liveness` heartbeats.
    HeartbeatFailure,
    /// A worker reconnects after this delay.
    Reconnecting(Duration),
}

impl Event {
    /// The line the guide's programs print for this event.
    pub fn line(&self) -> String {
        match self {
            Event::Connecting => "I: connecting to server...".into(),
            Event::Retrying => "W: no response from server, retrying...".into(),
            Event::Abandoned => "E: server seems to be offline, abandoning".into(),
            Event::UnexpectedReply(reply) => format!(
                "E: malformed reply from server: {}",
                reply
                    .iter()
                    .map(|f| String::from_utf8_lossy(f).into_owned())
                    .collect::<Vec<_>>()
                    .join(" ")
            ),
            Event::Invalid(message) => format!("E: invalid message:\n{}", message.dump()),
            Event::HeartbeatFailure => "W: heartbeat failure, can't reach queue".into(),
            Event::Reconnecting(delay) => {
                format!("W: reconnecting in {} msec...", delay.as_millis())
            }
        }
    }
}

/// Where events go: a closure given to `set_observer`.
pub type Observer = Box<dyn FnMut(&Event) + Send>;

/// The default observer: each event's line on stderr.
pub fn log_to_stderr() -> Observer {
    Box::new(|event| eprintln!("{}", event.line()))
}
