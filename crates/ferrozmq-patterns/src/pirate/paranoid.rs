//! Paranoid Pirate (RFC 6, PPP): the Simple Pirate queue with heartbeats both ways. Workers
//! are DEALER sockets that send READY (`"\x01"`) and then HEARTBEAT (`"\x02"`) every
//! interval; the queue heartbeats every worker it knows and forgets one it has not heard from
//! for `liveness` intervals. A worker that hears nothing from the queue for `liveness`
//! intervals closes its socket and reconnects after a back-off, 1 s doubling up to 32 s
//! ([`ParanoidWorker`]).

use super::{log_to_stderr, Event, Observer};
use crate::mdp::broker::millis_rounded_up;
use ferrozmq::{
    poll, Context, Message, Multipart, Result, Socket, DEALER, DONTWAIT, POLLIN, ROUTER,
};
use std::time::{Duration, Instant};

/// PPP's READY command.
pub const PPP_READY: &[u8] = b"\x01";
/// PPP's HEARTBEAT command.
pub const PPP_HEARTBEAT: &[u8] = b"\x02";

/// Heartbeat timing shared by the queue and its workers (RFC 6: liveness 3, 1 s).
#[derive(Clone, Debug)]
pub struct Heartbeat {
    /// Heartbeats missed before the peer is taken for dead (3).
    pub liveness: u32,
    /// Time between heartbeats (1 s).
    pub interval: Duration,
    /// A worker's first reconnect delay (1 s), doubled after each failure…
    pub reconnect_initial: Duration,
    /// … up to this (32 s).
    pub reconnect_max: Duration,
}

impl Default for Heartbeat {
    fn default() -> Heartbeat {
        Heartbeat {
            liveness: 3,
            interval: Duration::from_secs(1),
            reconnect_initial: Duration::from_secs(1),
            reconnect_max: Duration::from_secs(32),
        }
    }
}

/// A worker the queue knows, with when it expires.
struct Known {
    identity: Message,
    expiry: Instant,
}

/// The Paranoid Pirate queue.
pub struct ParanoidQueue {
    frontend: Socket,
    backend: Socket,
    heartbeat: Heartbeat,
    /// Ready workers, longest ready first.
    ready: Vec<Known>,
    heartbeat_at: Instant,
    observer: Observer,
}

impl ParanoidQueue {
    /// A queue with clients at `frontend` and workers at `backend` (both bound).
    pub fn bind(
        ctx: &Context,
        frontend: &str,
        backend: &str,
        heartbeat: Heartbeat,
    ) -> Result<ParanoidQueue> {
        let queue = ParanoidQueue {
            frontend: ctx.socket(ROUTER)?,
            backend: ctx.socket(ROUTER)?,
            heartbeat_at: Instant::now() + heartbeat.interval,
            heartbeat,
            ready: Vec::new(),
            observer: log_to_stderr(),
        };
        queue.frontend.bind(frontend)?; // For clients
        queue.backend.bind(backend)?; // For workers
        Ok(queue)
    }

    /// Where events go (stderr by default).
    pub fn set_observer(&mut self, observer: impl FnMut(&Event) + Send + 'static) {
        self.observer = Box::new(observer);
    }

    /// Serves until the context is terminated.
    pub fn run(&mut self) -> Result<()> {
        loop {
            match self.poll_once() {
                Ok(_) => {}
                Err(ferrozmq::Error::ETERM) => return Ok(()),
                Err(e) => return Err(e),
            }
        }
    }

    /// Waits until a message or the next heartbeat, handles it, heartbeats and expires
    /// workers; returns how many replies went to clients.
    pub fn poll_once(&mut self) -> Result<usize> {
        let mut items = [
            self.backend.as_poll_item(POLLIN),
            self.frontend.as_poll_item(POLLIN),
        ];
        let polled = if self.ready.is_empty() { 1 } else { 2 };
        let wait = self.heartbeat_at.saturating_duration_since(Instant::now());
        poll(&mut items[..polled], millis_rounded_up(wait))?;
        let (backend_ready, frontend_ready) = (items[0].is_readable(), items[1].is_readable());
        let mut replies = 0;
        if backend_ready {
            let mut message = Multipart::recv_with(&self.backend, DONTWAIT)?;
            // Any sign of life from worker means it's ready
            let identity = message.pop().unwrap_or_default();
            self.worker_ready(identity);
            // Validate control message, or return reply to client
            match message.len() {
                1 => {
                    let command = message.first().map(|f| f.to_vec()).unwrap_or_default();
                    if command != PPP_READY && command != PPP_HEARTBEAT {
                        (self.observer)(&Event::Invalid(message));
                    }
                }
                // [client][empty][reply…]: back to the client
                n if n >= 3 => {
                    message.send(&self.frontend)?;
                    replies += 1;
                }
                _ => (self.observer)(&Event::Invalid(message)),
            }
        }
        if polled == 2 && frontend_ready && !self.ready.is_empty() {
            let mut request = Multipart::recv_with(&self.frontend, DONTWAIT)?;
            let worker = self.ready.remove(0);
            request.push(worker.identity);
            request.send(&self.backend)?;
        }
        // Send heartbeats to idle workers if it's time
        if Instant::now() >= self.heartbeat_at {
            for worker in &self.ready {
                let mut heartbeat = Multipart::from([&worker.identity[..], PPP_HEARTBEAT]);
                heartbeat.send(&self.backend)?;
            }
            self.heartbeat_at = Instant::now() + self.heartbeat.interval;
        }
        let now = Instant::now();
        self.ready.retain(|w| w.expiry > now);
        Ok(replies)
    }

    /// Puts a worker that spoke at the end of the ready list with a fresh expiry.
    fn worker_ready(&mut self, identity: Message) {
        self.ready.retain(|w| w.identity != identity);
        self.ready.push(Known {
            identity,
            expiry: Instant::now() + self.heartbeat.interval * self.heartbeat.liveness,
        });
    }
}

/// A request as a Paranoid Pirate worker got it: the return envelope and the body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    /// The client's address and the empty delimiter, for the reply.
    pub envelope: Multipart,
    /// The request's frames.
    pub body: Multipart,
}

/// A Paranoid Pirate worker: a DEALER socket to the queue that heartbeats and reconnects.
pub struct ParanoidWorker {
    ctx: Context,
    endpoint: String,
    identity: Option<Vec<u8>>,
    heartbeat: Heartbeat,
    socket: Socket,
    liveness: u32,
    reconnect: Duration,
    heartbeat_at: Instant,
    observer: Observer,
}

impl ParanoidWorker {
    /// A worker connected to the queue's backend at `endpoint` that has sent READY.
    /// `identity` (optional) makes it easier to trace.
    pub fn connect(
        ctx: &Context,
        endpoint: &str,
        identity: Option<&[u8]>,
        heartbeat: Heartbeat,
    ) -> Result<ParanoidWorker> {
        let identity = identity.map(<[u8]>::to_vec);
        let socket = worker_socket(ctx, endpoint, identity.as_deref())?;
        Ok(ParanoidWorker {
            ctx: ctx.clone(),
            endpoint: endpoint.to_string(),
            identity,
            liveness: heartbeat.liveness,
            reconnect: heartbeat.reconnect_initial,
            heartbeat_at: Instant::now() + heartbeat.interval,
            heartbeat,
            socket,
            observer: log_to_stderr(),
        })
    }

    /// Where events go (stderr by default).
    pub fn set_observer(&mut self, observer: impl FnMut(&Event) + Send + 'static) {
        self.observer = Box::new(observer);
    }

    /// Waits for the next request, heartbeating and reconnecting meanwhile.
    pub fn recv(&mut self) -> Result<Request> {
        loop {
            let wait = self.heartbeat_at.saturating_duration_since(Instant::now());
            if self.socket.poll(POLLIN, millis_rounded_up(wait))? > 0 {
                // [client][empty][request…], or a one-frame heartbeat
                let mut message = Multipart::recv_with(&self.socket, DONTWAIT)?;
                self.liveness = self.heartbeat.liveness;
                self.reconnect = self.heartbeat.reconnect_initial;
                if message.len() >= 3 && message.get(1).is_some_and(|f| f.is_empty()) {
                    let mut envelope = Multipart::new();
                    envelope.append(message.pop().unwrap_or_default());
                    envelope.append(message.pop().unwrap_or_default());
                    return Ok(Request {
                        envelope,
                        body: message,
                    });
                }
                let heartbeat =
                    message.len() == 1 && message.first().is_some_and(|f| &f[..] == PPP_HEARTBEAT);
                if !heartbeat {
                    (self.observer)(&Event::Invalid(message));
                }
            } else {
                self.liveness = self.liveness.saturating_sub(1);
                if self.liveness == 0 {
                    (self.observer)(&Event::HeartbeatFailure);
                    (self.observer)(&Event::Reconnecting(self.reconnect));
                    std::thread::sleep(self.reconnect);
                    self.reconnect = (self.reconnect * 2).min(self.heartbeat.reconnect_max);
                    self.socket =
                        worker_socket(&self.ctx, &self.endpoint, self.identity.as_deref())?;
                    self.liveness = self.heartbeat.liveness;
                }
            }
            // Send heartbeat to queue if it's time
            if Instant::now() >= self.heartbeat_at {
                self.heartbeat_at = Instant::now() + self.heartbeat.interval;
                self.socket.send(PPP_HEARTBEAT, 0)?;
            }
        }
    }

    /// Sends `body` back to the client `envelope` came from.
    pub fn reply(&mut self, envelope: Multipart, body: Multipart) -> Result<()> {
        let mut message: Multipart = envelope.into_iter().chain(body).collect();
        message.send(&self.socket)
    }
}

/// A DEALER socket to the queue that has sent READY.
fn worker_socket(ctx: &Context, endpoint: &str, identity: Option<&[u8]>) -> Result<Socket> {
    let socket = ctx.socket(DEALER)?;
    if let Some(identity) = identity {
        socket.set_identity(identity)?;
    }
    socket.set_linger(0)?;
    socket.connect(endpoint)?;
    // Tell queue we're ready for work
    socket.send(PPP_READY, 0)?;
    Ok(socket)
}
