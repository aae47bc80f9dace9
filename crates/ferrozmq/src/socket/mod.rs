//! `Socket`: a ZeroMQ socket of one type, used from one thread at a time.
//!
//! The socket owns its pipe ends and its pattern (routing rules); it does no I/O itself. A
//! blocking call that cannot proceed sleeps on the socket's signaler until a pipe, an I/O
//! thread or context termination wakes it.
//!
//! The socket is split by role: this file is the façade users call; `core.rs` holds the
//! socket's state and its data path (send, receive, waiting, mailbox commands);
//! `endpoints.rs` binds, connects, unbinds and disconnects; `options.rs` is the option table
//! keyed by libzmq's ids, behind every typed `set_*`/`get_*`; `security.rs` the mechanism rules
//! of the security options; `monitoring.rs` the socket monitors (`zmq_socket_monitor`,
//! versioned, pipe statistics). What one socket type does differently is its `Pattern`
//! (`pattern.rs` and one file per type), including which type-specific options it takes.

mod active_set;
mod core;
mod dealer;
mod dgram;
mod dish;
mod endpoints;
mod fq;
mod gssapi_options;
mod lb;
mod monitoring;
mod options;
mod pair;
mod pattern;
mod pipeline;
mod pipes;
mod radio;
mod raw;
mod raw_fd;
mod rep;
mod req;
mod router;
mod routes;
mod security;
mod sendable;
mod server;
mod stream;
mod thread_safe;
mod transport_options;
mod trie;
mod xpub;
mod xsub;

pub use router::{NOTIFY_CONNECT, NOTIFY_DISCONNECT};
pub use sendable::Sendable;
pub use thread_safe::ThreadSafeSocket;

use crate::context::Context;
use crate::error::Result;
use crate::mailbox::SocketShared;
use crate::message::Message;
use crate::options::Options;
use crate::PollEvents;
use ferrozmq_zmtp::SocketType;
use pattern::Pattern;
use pipes::Pipes;
use std::collections::{HashMap, VecDeque};
use std::os::fd::RawFd;
use std::sync::Arc;

/// Send or receive without blocking: EAGAIN instead of waiting (`ZMQ_DONTWAIT`).
pub const DONTWAIT: i32 = 1;
/// More frames of the same message follow this one (`ZMQ_SNDMORE`).
pub const SNDMORE: i32 = 2;

/// A ZeroMQ socket.
///
/// Like libzmq's, a socket must be used by one thread at a time: it is `Send` (move it to
/// another thread) but not `Sync`. Dropping it closes it; messages still queued are delivered
/// in the background for up to LINGER milliseconds (default: until delivered).
///
/// ```
/// let ctx = ferrozmq::Context::new();
/// let pull = ctx.socket(ferrozmq::PULL)?;
/// pull.bind("tcp://127.0.0.1:*")?;
/// let endpoint = pull.get_last_endpoint()?.unwrap();
/// let push = ctx.socket(ferrozmq::PUSH)?;
/// push.connect(&endpoint)?;
/// push.send("hello", 0)?;
/// assert_eq!(pull.recv_string(0)?.unwrap(), "hello");
/// # Ok::<(), ferrozmq::Error>(())
/// ```
pub struct Socket {
    // The socket's heap block (`raw.rs`): a handle stays one pointer wide however much state
    // the socket keeps, and that pointer is the socket's C pointer.
    body: std::ptr::NonNull<raw::Body>,
}

impl Socket {
    pub(crate) fn new(ctx: Context, socket_type: SocketType) -> Result<Socket> {
        let pattern: Box<dyn Pattern> = match socket_type {
            SocketType::PAIR => Box::<pair::Pair>::default(),
            SocketType::PUSH => Box::<pipeline::Push>::default(),
            SocketType::PULL => Box::<pipeline::Pull>::default(),
            SocketType::REQ => Box::<req::Req>::default(),
            SocketType::REP => Box::<rep::Rep>::default(),
            SocketType::DEALER => Box::<dealer::Dealer>::default(),
            SocketType::ROUTER => Box::<router::Router>::default(),
            SocketType::STREAM => Box::<stream::Stream>::default(),
            SocketType::PUB => Box::new(xpub::XPub::new(false)),
            SocketType::XPUB => Box::new(xpub::XPub::new(true)),
            SocketType::SUB => Box::new(xsub::XSub::new(false)),
            SocketType::XSUB => Box::new(xsub::XSub::new(true)),
            // The draft types reuse the strategies of their stable cousins; the socket keeps
            // them to single frames (`Core::single_frame`).
            SocketType::SERVER | SocketType::PEER => Box::<server::Server>::default(),
            SocketType::CLIENT => Box::<dealer::Dealer>::default(),
            SocketType::SCATTER => Box::<pipeline::Push>::default(),
            SocketType::GATHER => Box::<pipeline::Pull>::default(),
            SocketType::CHANNEL => Box::<pair::Pair>::default(),
            SocketType::RADIO => Box::<radio::Radio>::default(),
            SocketType::DISH => Box::<dish::Dish>::default(),
            SocketType::DGRAM => Box::<dgram::Dgram>::default(),
        };
        let ctx_options = ctx.inner().options();
        let options = Options {
            ipv6: ctx_options.ipv6,
            linger: if ctx_options.blocky { -1 } else { 0 },
            ..Options::default()
        };
        let shared = Arc::new(SocketShared::new(options.linger)?);
        ctx.inner().register_socket(&shared)?;
        Ok(Socket::from_core(core::Core {
            ctx,
            shared,
            socket_type,
            options,
            pattern,
            pipes: Pipes::default(),
            pipe_listener: HashMap::new(),
            commands: Vec::new(),
            outgoing: Vec::new(),
            incoming: VecDeque::new(),
            rcvmore: false,
            bound: Vec::new(),
            connected: Vec::new(),
            last_endpoint: String::new(),
        }))
    }

    fn core(&self) -> std::cell::RefMut<'_, core::Core> {
        self.body().core.borrow_mut()
    }

    /// Accepts connections on `endpoint` (`tcp://…`, `ipc://…`).
    pub fn bind(&self, endpoint: &str) -> Result<()> {
        self.core().bind(endpoint)
    }

    /// Connects to `endpoint`. The peer need not be there yet: messages queue and the
    /// connection is retried every RECONNECT_IVL until it succeeds.
    pub fn connect(&self, endpoint: &str) -> Result<()> {
        self.core().connect(endpoint)
    }

    /// Stops accepting on an endpoint given to `bind` (or as `get_last_endpoint` reported it)
    /// and closes the connections accepted through it.
    pub fn unbind(&self, endpoint: &str) -> Result<()> {
        self.core().unbind(endpoint)
    }

    /// Drops the connection made by `connect(endpoint)`; what is queued for it is delivered
    /// within LINGER.
    pub fn disconnect(&self, endpoint: &str) -> Result<()> {
        self.core().disconnect(endpoint)
    }

    /// Sends one frame; with `SNDMORE` in `flags` more frames of the same message follow.
    /// A multipart message is delivered whole or not at all.
    pub fn send<T: Into<Message>>(&self, data: T, flags: i32) -> Result<()> {
        self.core().send(data.into(), flags)
    }

    /// Sends every item as one frame of one message.
    pub fn send_multipart<I, T>(&self, frames: I, flags: i32) -> Result<()>
    where
        I: IntoIterator<Item = T>,
        T: Into<Message>,
    {
        let mut frames: Vec<Message> = frames.into_iter().map(Into::into).collect();
        self.core().send_parts(&mut frames, flags)
    }

    /// Sends `frames` as one message (or, with `SNDMORE` in `flags`, as the first frames of
    /// one), all or nothing: on any error (EAGAIN with `DONTWAIT` included) nothing was
    /// queued and `frames` is left as it was; on success it is empty.
    pub(crate) fn send_parts(&self, frames: &mut Vec<Message>, flags: i32) -> Result<()> {
        self.core().send_parts(frames, flags)
    }

    /// Sends one frame from `slot`, which is emptied only on success (see `send_parts`): on
    /// any error the caller still owns the frame, as `zmq_msg_send` promises (the C ABI's use).
    pub fn send_one(&self, slot: &mut Option<Message>, flags: i32) -> Result<()> {
        self.core().send_one(slot, flags)
    }

    /// Receives every frame of the next message as `Message`s (each but the last with
    /// `get_more`): the whole message or, on error, nothing.
    pub(crate) fn recv_parts(&self, flags: i32) -> Result<Vec<Message>> {
        self.core().recv_parts(flags)
    }

    /// Makes the socket's next wake-up (a pipe or I/O event, context termination) wake
    /// `waker`; see `Signaler::register`.
    pub(crate) fn register_waker(&self, waker: &std::task::Waker) {
        self.core().shared.signaler.register(waker);
    }

    /// Forgets the waker `register_waker` left, so that a socket back in blocking use does not
    /// keep an async task alive.
    pub(crate) fn unregister_waker(&self) {
        self.core().shared.signaler.unregister();
    }

    /// The context this socket belongs to.
    pub(crate) fn context(&self) -> Context {
        self.core().ctx.clone()
    }

    /// Receives one frame into `msg`.
    pub fn recv(&self, msg: &mut Message, flags: i32) -> Result<()> {
        *msg = self.core().recv(flags)?;
        Ok(())
    }

    /// Receives one frame.
    pub fn recv_msg(&self, flags: i32) -> Result<Message> {
        self.core().recv(flags)
    }

    /// Receives one frame as bytes.
    pub fn recv_bytes(&self, flags: i32) -> Result<Vec<u8>> {
        Ok(self.core().recv(flags)?.into_vec())
    }

    /// Receives one frame as a string, or its bytes if it is not UTF-8.
    pub fn recv_string(&self, flags: i32) -> Result<std::result::Result<String, Vec<u8>>> {
        let bytes = self.recv_bytes(flags)?;
        Ok(String::from_utf8(bytes).map_err(|e| e.into_bytes()))
    }

    /// Receives every frame of the next message.
    pub fn recv_multipart(&self, flags: i32) -> Result<Vec<Vec<u8>>> {
        let mut core = self.core();
        let mut frames = vec![core.recv(flags)?.into_vec()];
        while core.rcvmore {
            frames.push(core.recv(flags)?.into_vec());
        }
        Ok(frames)
    }

    /// Receives one frame into `buf`, truncating it if it is longer; returns its full size.
    pub fn recv_into(&self, buf: &mut [u8], flags: i32) -> Result<usize> {
        let msg = self.core().recv(flags)?;
        let n = msg.len().min(buf.len());
        buf[..n].copy_from_slice(&msg[..n]);
        Ok(msg.len())
    }

    /// A [`PollItem`](crate::PollItem) for this socket, for [`poll`](crate::poll).
    pub fn as_poll_item(&self, events: crate::PollEvents) -> crate::PollItem<'_> {
        crate::PollItem::from_pollable(self, events)
    }

    /// Waits up to `timeout_ms` for `events` on this socket alone; 1 if found, 0 if not.
    pub fn poll(&self, events: crate::PollEvents, timeout_ms: i64) -> Result<i32> {
        crate::poll(&mut [self.as_poll_item(events)], timeout_ms)
    }

    /// Joins a RADIO group (DISH only; `zmq_join`): at most 255 bytes, not joined already,
    /// else EINVAL; ENOTSUP on other types.
    pub fn join(&self, group: &str) -> Result<()> {
        self.core().join(group.as_bytes(), true)
    }

    /// Leaves a group joined before (DISH only; `zmq_leave`): EINVAL if it was not joined.
    pub fn leave(&self, group: &str) -> Result<()> {
        self.core().join(group.as_bytes(), false)
    }

    /// Connects a PEER socket to `endpoint` and returns the routing id of the new
    /// connection, to address messages to it (`zmq_connect_peer`; ENOTSUP on other types).
    pub fn connect_peer(&self, endpoint: &str) -> Result<u32> {
        self.core().connect_peer(endpoint)
    }

    /// Whether a ROUTER can send to the peer with `routing_id` now without blocking (POLLOUT
    /// in the answer) — for choosing among peers under ROUTER_MANDATORY before sending
    /// (`zmq_socket_get_peer_state`). EHOSTUNREACH for no such peer, ENOTSUP on other types.
    pub fn peer_state(&self, routing_id: &[u8]) -> Result<PollEvents> {
        self.core().peer_state(routing_id)
    }

    /// ZMQ_EVENTS for `poll`, without the option table's encoding.
    pub(crate) fn poll_events(&self) -> Result<PollEvents> {
        self.core().events()
    }

    /// The signaler's descriptor (ZMQ_FD) for `poll`.
    pub(crate) fn signal_fd(&self) -> RawFd {
        self.core().shared.signaler.fd()
    }
}
