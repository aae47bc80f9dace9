//! Socket monitoring: a socket reports connection events (connected, accepted, handshake
//! failed, disconnected…) as libzmq's `zmq_socket_monitor` does — two-frame messages on a
//! PAIR socket bound at an inproc endpoint: a 6-byte frame (u16 event + u32 value, native
//! byte order) and the endpoint the event concerns.
//!
//! ```
//! use ferrozmq::{Context, SocketEvent, PAIR, PULL};
//! let ctx = Context::new();
//! let pull = ctx.socket(PULL)?;
//! pull.monitor("inproc://pull-events", SocketEvent::ALL as i32)?;
//! let events = ctx.socket(PAIR)?;
//! events.connect("inproc://pull-events")?;
//! pull.bind("tcp://127.0.0.1:*")?;
//! let event = ferrozmq::MonitorEvent::recv(&events)?;
//! assert_eq!(event.event, SocketEvent::LISTENING);
//! # Ok::<(), ferrozmq::Error>(())
//! ```

use crate::error::{Error, Result};

/// A monitor event, numbered as libzmq's `ZMQ_EVENT_*` (the numbers are bit flags, so an
/// events mask for `Socket::monitor` is an OR of them).
#[allow(clippy::upper_case_acronyms, non_camel_case_types)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u16)]
pub enum SocketEvent {
    /// A connection was established (value: the fd).
    CONNECTED = 0x0001,
    /// A connect is in progress (value: unspecified).
    CONNECT_DELAYED = 0x0002,
    /// A reconnect was scheduled (value: the interval in ms).
    CONNECT_RETRIED = 0x0004,
    /// A listener was bound (value: the fd).
    LISTENING = 0x0008,
    /// A bind failed (value: errno).
    BIND_FAILED = 0x0010,
    /// A connection was accepted (value: the fd).
    ACCEPTED = 0x0020,
    /// Accepting failed (value: errno).
    ACCEPT_FAILED = 0x0040,
    /// A listener or connection was closed (value: the fd).
    CLOSED = 0x0080,
    /// Closing failed (value: errno).
    CLOSE_FAILED = 0x0100,
    /// A connection was lost (value: the fd).
    DISCONNECTED = 0x0200,
    /// Monitoring stopped.
    MONITOR_STOPPED = 0x0400,
    /// A handshake failed for an unspecified reason (value: errno).
    HANDSHAKE_FAILED_NO_DETAIL = 0x0800,
    /// A handshake succeeded.
    HANDSHAKE_SUCCEEDED = 0x1000,
    /// A handshake failed on a protocol error (value: a `ZMQ_PROTOCOL_ERROR_*` code).
    HANDSHAKE_FAILED_PROTOCOL = 0x2000,
    /// A handshake failed on authentication (value: the ZAP status code).
    HANDSHAKE_FAILED_AUTH = 0x4000,
    /// ferrozmq's own (libzmq has no such event; 0x8000 is the one bit of the 16-bit event
    /// number libzmq leaves unused): a PUB/XPUB dropped a subscriber that passed
    /// [`XPUB_MAX_SUBSCRIPTIONS`](crate::options::ids::XPUB_MAX_SUBSCRIPTIONS) or
    /// [`XPUB_MAX_SUBSCRIPTION_BYTES`](crate::options::ids::XPUB_MAX_SUBSCRIPTION_BYTES)
    /// (value: the id of the option it passed; endpoint: the peer's address, if known).
    SUBSCRIPTION_LIMIT = 0x8000,
    /// Every event (as a mask).
    ALL = 0xFFFF,
}

const EVENTS: [SocketEvent; 16] = [
    SocketEvent::CONNECTED,
    SocketEvent::CONNECT_DELAYED,
    SocketEvent::CONNECT_RETRIED,
    SocketEvent::LISTENING,
    SocketEvent::BIND_FAILED,
    SocketEvent::ACCEPTED,
    SocketEvent::ACCEPT_FAILED,
    SocketEvent::CLOSED,
    SocketEvent::CLOSE_FAILED,
    SocketEvent::DISCONNECTED,
    SocketEvent::MONITOR_STOPPED,
    SocketEvent::HANDSHAKE_FAILED_NO_DETAIL,
    SocketEvent::HANDSHAKE_SUCCEEDED,
    SocketEvent::HANDSHAKE_FAILED_PROTOCOL,
    SocketEvent::HANDSHAKE_FAILED_AUTH,
    SocketEvent::SUBSCRIPTION_LIMIT,
];

impl SocketEvent {
    /// libzmq's number for the event.
    pub fn to_raw(self) -> u16 {
        self as u16
    }

    /// The event with libzmq's number `raw` (`ALL` for 0xFFFF), as rust-zmq's `from_raw`.
    ///
    /// # Panics
    /// If `raw` is no event's number, as in rust-zmq; `SocketEvent::try_from(raw)` answers
    /// EINVAL instead (what the monitor decoder uses on the numbers it receives).
    pub fn from_raw(raw: u16) -> SocketEvent {
        match SocketEvent::try_from(raw) {
            Ok(event) => event,
            Err(_) if raw == SocketEvent::ALL.to_raw() => SocketEvent::ALL,
            Err(_) => panic!("unknown event type {raw}"),
        }
    }
}

impl TryFrom<u16> for SocketEvent {
    type Error = Error;

    /// The single event with libzmq's number `raw`; EINVAL for any other number (the `ALL`
    /// mask included: no event carries it).
    fn try_from(raw: u16) -> Result<SocketEvent> {
        EVENTS
            .iter()
            .copied()
            .find(|e| e.to_raw() == raw)
            .ok_or(Error::EINVAL)
    }
}

/// One decoded monitor event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MonitorEvent {
    /// What happened.
    pub event: SocketEvent,
    /// The event's value (fd, errno, interval or protocol error code; see [`SocketEvent`]).
    pub value: u32,
    /// The endpoint concerned.
    pub endpoint: String,
}

impl MonitorEvent {
    /// Decodes the two frames of a monitor message.
    pub fn decode<F: AsRef<[u8]>>(frames: &[F]) -> Result<MonitorEvent> {
        let [head, endpoint] = frames else {
            return Err(Error::EINVAL);
        };
        let (head, endpoint) = (head.as_ref(), endpoint.as_ref());
        if head.len() != 6 {
            return Err(Error::EINVAL);
        }
        let event = u16::from_ne_bytes([head[0], head[1]]);
        let value = u32::from_ne_bytes([head[2], head[3], head[4], head[5]]);
        Ok(MonitorEvent {
            event: SocketEvent::try_from(event)?,
            value,
            endpoint: String::from_utf8_lossy(endpoint).into_owned(),
        })
    }
}

/// ZMQ_EVENT_PIPES_STATS: the queue lengths of one pipe, two values (messages queued
/// outbound, inbound), raised by [`Socket::monitor_pipes_stats`](crate::Socket::monitor_pipes_stats);
/// only a version 2 monitor can ask for it (libzmq's draft event 0x10000).
pub const EVENT_PIPES_STATS: u64 = 0x1_0000;
/// ZMQ_EVENT_ALL_V2: every event of a version 2 monitor.
pub const EVENT_ALL_V2: u64 = SocketEvent::ALL as u64 | EVENT_PIPES_STATS;

/// Where an event happened, as libzmq's `endpoint_uri_pair_t`: the local and the remote
/// endpoint (either may be empty) and which of them names the event for a version 1 monitor
/// (the local one for what a bind made, the remote one for what a connect made).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Endpoints<'a> {
    pub local: &'a str,
    pub remote: &'a str,
    pub bound: bool,
}

impl<'a> Endpoints<'a> {
    /// A bind's event: the bound endpoint is local.
    pub(crate) fn bound(endpoint: &'a str) -> Endpoints<'a> {
        Endpoints {
            local: endpoint,
            remote: "",
            bound: true,
        }
    }

    /// A connect's event: the endpoint connected to is remote.
    pub(crate) fn connecting(endpoint: &'a str) -> Endpoints<'a> {
        Endpoints {
            local: "",
            remote: endpoint,
            bound: false,
        }
    }

    /// The endpoint a version 1 event carries.
    fn identifier(&self) -> &'a str {
        if self.bound {
            self.local
        } else {
            self.remote
        }
    }
}

/// Where a monitor's events go: the socket bound at the monitor endpoint. A trait, so that
/// the mailbox holding the monitor does not depend on `socket/` (which implements it).
pub(crate) trait EventSink: Send {
    /// Sends one event message of `frames` without blocking; drops it if it cannot be queued.
    fn publish(&self, frames: &[&[u8]]);
}

/// The monitoring state of one socket: the internal socket that publishes its events, the
/// mask of events wanted and the format (libzmq's event version 1 or 2).
pub(crate) struct Monitor {
    sink: Box<dyn EventSink>,
    mask: u64,
    version: u8,
}

impl Monitor {
    /// A monitor publishing the `mask` events on `sink` in `version` 1 (`u16` event and `u32`
    /// value, then the endpoint) or 2 (`u64` event, value count, `u64` values, then the local
    /// and remote endpoints) format.
    pub(crate) fn new(sink: Box<dyn EventSink>, mask: u64, version: u8) -> Monitor {
        Monitor {
            sink,
            mask,
            version,
        }
    }

    /// Whether `event` is in the mask.
    pub(crate) fn wants(&self, event: u64) -> bool {
        self.mask & event != 0
    }

    /// Publishes a one-value event about `endpoint`, which is local for what binds make and
    /// remote for what connects make (CONNECT_DELAYED, CONNECT_RETRIED, CONNECTED).
    pub(crate) fn emit(&self, event: SocketEvent, value: u32, endpoint: &str) {
        let at = match event {
            SocketEvent::CONNECT_DELAYED
            | SocketEvent::CONNECT_RETRIED
            | SocketEvent::CONNECTED => Endpoints::connecting(endpoint),
            _ => Endpoints::bound(endpoint),
        };
        self.emit_at(u64::from(event.to_raw()), &[u64::from(value)], at);
    }

    /// Publishes an event if it is in the mask. Never blocks: the monitor socket has no HWM,
    /// and with no monitor peer connected yet the event is dropped. A version 1 monitor only
    /// asks for 16-bit events of one 32-bit value.
    pub(crate) fn emit_at(&self, event: u64, values: &[u64], at: Endpoints<'_>) {
        if !self.wants(event) {
            return;
        }
        if self.version == 1 {
            let (Ok(event), [value]) = (u16::try_from(event), values) else {
                return;
            };
            let mut head = [0u8; 6];
            head[..2].copy_from_slice(&event.to_ne_bytes());
            head[2..].copy_from_slice(&(*value as u32).to_ne_bytes());
            self.sink.publish(&[&head, at.identifier().as_bytes()]);
            return;
        }
        let numbers: Vec<[u8; 8]> = [event, values.len() as u64]
            .iter()
            .chain(values)
            .map(|v| v.to_ne_bytes())
            .collect();
        let mut frames: Vec<&[u8]> = numbers.iter().map(|n| &n[..]).collect();
        frames.push(at.local.as_bytes());
        frames.push(at.remote.as_bytes());
        self.sink.publish(&frames);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[should_panic(expected = "unknown event type 3")]
    fn from_raw_panics_on_an_unknown_number_as_rust_zmq() {
        SocketEvent::from_raw(0x0003);
    }

    #[test]
    fn numbers_round_trip_and_decode_rejects_garbage() {
        for e in EVENTS {
            assert_eq!(SocketEvent::try_from(e.to_raw()), Ok(e));
            assert_eq!(SocketEvent::from_raw(e.to_raw()), e);
        }
        assert_eq!(SocketEvent::try_from(0x0003), Err(Error::EINVAL));
        assert_eq!(SocketEvent::try_from(0xFFFF), Err(Error::EINVAL));
        assert_eq!(SocketEvent::from_raw(0xFFFF), SocketEvent::ALL);
        let mut head = 0x0020u16.to_ne_bytes().to_vec();
        head.extend_from_slice(&7u32.to_ne_bytes());
        let ok = MonitorEvent::decode(&[head.clone(), b"tcp://x:1".to_vec()]).unwrap();
        assert_eq!(ok.event, SocketEvent::ACCEPTED);
        assert_eq!(ok.value, 7);
        assert_eq!(MonitorEvent::decode(&[head]), Err(Error::EINVAL));
        assert_eq!(
            MonitorEvent::decode(&[vec![1, 2], b"x".to_vec()]),
            Err(Error::EINVAL)
        );
    }
}
