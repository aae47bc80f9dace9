//! Socket monitors: `zmq_socket_monitor` (`monitor`), its versioned form
//! (`zmq_socket_monitor_versioned`: version 2 events are 64-bit, carry any number of 64-bit
//! values and both the local and the remote endpoint, and may go out on a PAIR, PUB or PUSH
//! socket) and `zmq_socket_monitor_pipes_stats`, which raises one PIPES_STATS event per
//! pipe with the messages queued each way.

use super::{Socket, DONTWAIT, SNDMORE};
use crate::endpoint::Endpoint;
use crate::error::{Error, Result};
use crate::message::Message;
use crate::monitor::{Endpoints, EventSink, Monitor, MonitorEvent, SocketEvent};
use crate::monitor::{EVENT_ALL_V2, EVENT_PIPES_STATS};
use ferrozmq_zmtp::SocketType;

impl Socket {
    /// Publishes this socket's connection events (`events`: a mask of
    /// [`SocketEvent`](crate::SocketEvent) values) on a PAIR socket bound at `endpoint`, which
    /// must be `inproc://` (`zmq_socket_monitor`); connect a PAIR there to read them, e.g.
    /// with [`MonitorEvent::recv`](crate::MonitorEvent::recv). An empty endpoint (libzmq's
    /// NULL) stops monitoring (MONITOR_STOPPED is the last event); an empty mask, as in libzmq,
    /// still checks the endpoint (EPROTONOSUPPORT unless inproc) and raises nothing.
    pub fn monitor(&self, endpoint: &str, events: i32) -> Result<()> {
        let mask = (events & 0xffff) as u64;
        self.monitor_versioned(endpoint, mask, 1, SocketType::PAIR)
    }

    /// `zmq_socket_monitor_versioned`: publishes the `events` (a mask of
    /// [`SocketEvent`](crate::SocketEvent) values, plus
    /// [`EVENT_PIPES_STATS`](crate::monitor::EVENT_PIPES_STATS) for version 2) on a socket
    /// of `socket_type` (PAIR, PUB or PUSH) bound at the inproc `endpoint`. `version` 1 is
    /// [`monitor`](Socket::monitor)'s format; version 2 messages are a `u64` event, a `u64`
    /// count of values, that many `u64` values (native byte order), the local endpoint and
    /// the remote endpoint — read them with
    /// [`MonitorEventV2::recv`](crate::MonitorEventV2::recv). An empty endpoint stops
    /// monitoring. EINVAL for another version or type, or a version 1 mask above 16 bits;
    /// EPROTONOSUPPORT for an endpoint that is not inproc.
    pub fn monitor_versioned(
        &self,
        endpoint: &str,
        events: u64,
        version: i32,
        socket_type: SocketType,
    ) -> Result<()> {
        let core = self.core();
        core.check_term()?;
        let version = match version {
            1 if events >> 16 != 0 => return Err(Error::EINVAL),
            1 => 1,
            2 => 2,
            _ => return Err(Error::EINVAL),
        };
        let stop = |old: Option<Monitor>| {
            if let Some(old) = old {
                old.emit(SocketEvent::MONITOR_STOPPED, 0, "");
            }
        };
        if endpoint.is_empty() {
            stop(core.shared.set_monitor(None));
            return Ok(());
        }
        if !matches!(Endpoint::parse(endpoint)?, Endpoint::Inproc(_)) {
            return Err(Error::EPROTONOSUPPORT);
        }
        if !matches!(
            socket_type,
            SocketType::PAIR | SocketType::PUB | SocketType::PUSH
        ) {
            return Err(Error::EINVAL);
        }
        let publisher = core.ctx.socket(socket_type)?;
        publisher.set_sndhwm(0)?;
        publisher.set_linger(0)?;
        publisher.bind(endpoint)?;
        let monitor = Monitor::new(Box::new(publisher), events & EVENT_ALL_V2, version);
        stop(core.shared.set_monitor(Some(monitor)));
        Ok(())
    }

    /// `zmq_socket_monitor_pipes_stats`: raises one PIPES_STATS event per pipe on this
    /// socket's version 2 monitor, with two values — the messages queued towards the peer
    /// and those queued from it, not yet read — and the pipe's endpoint (local for a pipe a
    /// bind accepted, remote for one a connect made). EINVAL unless the monitor asked for
    /// PIPES_STATS; EAGAIN if the socket has no pipes.
    pub fn monitor_pipes_stats(&self) -> Result<()> {
        let core = self.core();
        if !core.shared.monitor_wants(EVENT_PIPES_STATS) {
            return Err(Error::EINVAL);
        }
        let mut any = false;
        for pipe in core.pipes.iter() {
            any = true;
            let id = pipe.id();
            let values = [pipe.queued_out(), pipe.queued_in()];
            let connected = core.connected.iter().find(|c| c.pipe == id);
            let peer = pipe.current_peer();
            let at = match connected {
                Some(c) => Endpoints::connecting(&c.endpoint),
                None => {
                    let listener = core.pipe_listener.get(&id);
                    let bound = core.bound.iter().find(|b| Some(&b.listener) == listener);
                    Endpoints {
                        remote: peer.as_deref().map_or("", |p| p.remote_endpoint()),
                        ..Endpoints::bound(bound.map_or("", |b| b.resolved.as_str()))
                    }
                }
            };
            core.shared.event_at(EVENT_PIPES_STATS, &values, at);
        }
        if any {
            Ok(())
        } else {
            Err(Error::EAGAIN)
        }
    }
}

/// A monitored socket's events go out on its internal monitor socket.
impl EventSink for Socket {
    fn publish(&self, frames: &[&[u8]]) {
        let Some((last, first)) = frames.split_last() else {
            return;
        };
        for frame in first {
            if self
                .send(Message::from(*frame), SNDMORE | DONTWAIT)
                .is_err()
            {
                return;
            }
        }
        let _ = self.send(Message::from(*last), DONTWAIT);
    }
}

impl MonitorEvent {
    /// Receives and decodes the next event from a PAIR connected to a monitor endpoint.
    /// EPROTO-like garbage (not a monitor message) gives EINVAL.
    pub fn recv(monitor: &Socket) -> Result<MonitorEvent> {
        let frames = monitor.recv_multipart(0)?;
        MonitorEvent::decode(&frames)
    }
}

impl crate::MonitorEventV2 {
    /// Receives and decodes the next version 2 event from a socket connected to a
    /// versioned monitor's endpoint (PAIR, SUB or PULL). EINVAL for anything else.
    pub fn recv(monitor: &Socket) -> Result<crate::MonitorEventV2> {
        let frames = monitor.recv_multipart(0)?;
        crate::MonitorEventV2::decode(&frames)
    }
}
