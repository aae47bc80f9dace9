//! `Socket`: a ZeroMQ socket of one type, used from one thread at a time.
//!
//! The socket owns its pipe ends and its pattern (routing rules); it does no I/O itself. A
//! blocking call that cannot proceed sleeps on the socket's signaler until a pipe, an I/O
//! thread or context termination wakes it.

mod active_set;
mod dealer;
mod fq;
mod lb;
mod pair;
mod pattern;
mod pipeline;
mod pipes;
mod rep;
mod req;
mod router;
mod security;
mod shared;
mod stream;
mod trie;
mod xpub;
mod xsub;

pub use router::{NOTIFY_CONNECT, NOTIFY_DISCONNECT};
pub(crate) use shared::SocketShared;

use crate::context::Context;
use crate::endpoint::{self, Endpoint, IpcAddress};
use crate::error::{Error, Result};
use crate::inproc::InprocPeer;
use crate::io::{self, ConnectTarget, IoCommand, IoShared, SocketLink};
use crate::message::Message;
use crate::metadata::PeerMetadata;
use crate::monitor::{Monitor, SocketEvent};
use crate::options::{self, Options};
use crate::pipe::{self, Notify, Parcel, PipeEnd};
use ferrozmq_zmtp::SocketType;
use pattern::{Cx, Pattern};
use pipes::Pipes;
use shared::SocketCommand;
use std::cell::RefCell;
use std::collections::{HashMap, VecDeque};
use std::sync::Arc;
use std::time::{Duration, Instant};

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
    // Boxed: a socket handle stays one pointer wide however much state the socket keeps.
    core: Box<RefCell<Core>>,
}

struct Bound {
    /// The endpoint as given to `bind`, and as resolved (`get_last_endpoint`).
    requested: String,
    resolved: String,
    listener: u64,
    kind: BoundKind,
    /// ZMQ_CONFLATE as it was at bind time.
    conflate: bool,
}

/// Who serves a bound endpoint.
enum BoundKind {
    /// A listener in this I/O thread, and the ipc socket file it created, if any.
    Io(Arc<IoShared>, Option<std::path::PathBuf>),
    /// The context's inproc registry, under this name.
    Inproc(String),
}

impl Bound {
    /// Stops accepting on this endpoint.
    fn close(self, ctx: &Context) {
        match self.kind {
            BoundKind::Io(io, ipc_path) => {
                io.send(IoCommand::Unbind(self.listener));
                // Removed here, not later by the I/O thread: a bind that follows at once may
                // already have created the same path anew.
                if let Some(path) = ipc_path {
                    let _ = std::fs::remove_file(path);
                }
            }
            BoundKind::Inproc(name) => ctx.inner().inproc().unbind(&name, self.listener),
        }
    }
}

struct Connected {
    endpoint: String,
    pipe: u64,
}

struct Core {
    ctx: Context,
    shared: Arc<SocketShared>,
    socket_type: SocketType,
    options: Options,
    pattern: Box<dyn Pattern>,
    pipes: Pipes,
    /// Which listener each accepted pipe came through (for `unbind`).
    pipe_listener: HashMap<u64, u64>,
    commands: Vec<SocketCommand>,
    /// Frames of an outgoing message waiting for its last frame.
    outgoing: Vec<Message>,
    /// Frames of the current incoming message not yet handed out.
    incoming: VecDeque<Message>,
    rcvmore: bool,
    bound: Vec<Bound>,
    connected: Vec<Connected>,
    last_endpoint: String,
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
            _ => return Err(Error::EINVAL),
        };
        let options = Options::default();
        let shared = Arc::new(SocketShared::new(options.linger)?);
        ctx.inner().register_socket(&shared)?;
        Ok(Socket {
            core: Box::new(RefCell::new(Core {
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
            })),
        })
    }

    fn core(&self) -> std::cell::RefMut<'_, Core> {
        self.core.borrow_mut()
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

    /// Sends one frame from `slot`, which is emptied only on success (see `send_parts`).
    pub(crate) fn send_one(&self, slot: &mut Option<Message>, flags: i32) -> Result<()> {
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

    /// True if the last frame received has more frames after it (`ZMQ_RCVMORE`).
    pub fn get_rcvmore(&self) -> Result<bool> {
        Ok(self.core().rcvmore)
    }

    /// The socket's type (`ZMQ_TYPE`).
    pub fn get_socket_type(&self) -> Result<SocketType> {
        Ok(self.core().socket_type)
    }

    /// What the socket can do now without blocking: [`POLLIN`](crate::POLLIN) and/or
    /// [`POLLOUT`](crate::POLLOUT) (`ZMQ_EVENTS`). Also resets the readiness of
    /// [`get_fd`](Socket::get_fd), as libzmq's does.
    pub fn get_events(&self) -> Result<crate::PollEvents> {
        self.core().events()
    }

    /// A file descriptor that becomes readable when the socket's state may have changed
    /// (`ZMQ_FD`), for waiting on a socket in any event loop (epoll, mio, tokio's `AsyncFd`).
    ///
    /// Like libzmq's it is edge-triggered and readable does not mean a message is there: when
    /// it fires, call [`get_events`](Socket::get_events) and receive with `DONTWAIT` until
    /// EAGAIN, checking `get_events` again after every send and receive. Never read, write
    /// or close it.
    pub fn get_fd(&self) -> Result<std::os::fd::RawFd> {
        Ok(self.core().shared.signaler.fd())
    }

    /// Publishes this socket's connection events (`events`: a mask of
    /// [`SocketEvent`](crate::SocketEvent) values) on a PAIR socket bound at `endpoint`, which
    /// must be `inproc://` (`zmq_socket_monitor`); connect a PAIR there to read them, e.g.
    /// with [`MonitorEvent::recv`](crate::MonitorEvent::recv). An empty endpoint or an empty
    /// mask stops monitoring (MONITOR_STOPPED is the last event).
    pub fn monitor(&self, endpoint: &str, events: i32) -> Result<()> {
        let core = self.core();
        let stop = |old: Option<Monitor>| {
            if let Some(old) = old {
                old.emit(SocketEvent::MONITOR_STOPPED, 0, "");
            }
        };
        if endpoint.is_empty() || events & 0xffff == 0 {
            stop(core.shared.set_monitor(None));
            return Ok(());
        }
        if !matches!(Endpoint::parse(endpoint)?, Endpoint::Inproc(_)) {
            return Err(Error::EPROTONOSUPPORT);
        }
        let publisher = core.ctx.socket(SocketType::PAIR)?;
        publisher.set_sndhwm(0)?;
        publisher.set_linger(0)?;
        publisher.bind(endpoint)?;
        let monitor = Monitor::new(publisher, (events & 0xffff) as u16);
        stop(core.shared.set_monitor(Some(monitor)));
        Ok(())
    }

    /// A [`PollItem`](crate::PollItem) for this socket, for [`poll`](crate::poll).
    pub fn as_poll_item(&self, events: crate::PollEvents) -> crate::PollItem<'_> {
        crate::PollItem::from_socket(self, events)
    }

    /// Waits up to `timeout_ms` for `events` on this socket alone; 1 if found, 0 if not.
    pub fn poll(&self, events: crate::PollEvents, timeout_ms: i64) -> Result<i32> {
        crate::poll(&mut [self.as_poll_item(events)], timeout_ms)
    }

    /// The endpoint last bound or connected, with wildcards resolved (`ZMQ_LAST_ENDPOINT`).
    pub fn get_last_endpoint(&self) -> Result<std::result::Result<String, Vec<u8>>> {
        Ok(Ok(self.core().last_endpoint.clone()))
    }
}

macro_rules! int_option {
    ($(#[$doc:meta])* $get:ident, $set:ident, $field:ident, $check:path) => {
        impl Socket {
            $(#[$doc])*
            pub fn $get(&self) -> Result<i32> {
                Ok(self.core().options.$field)
            }
            $(#[$doc])*
            pub fn $set(&self, value: i32) -> Result<()> {
                self.core().options.$field = $check(value)?;
                Ok(())
            }
        }
    };
}

int_option!(
    /// High-water mark for outgoing messages per peer (`ZMQ_SNDHWM`, default 1000, 0 = none).
    get_sndhwm, set_sndhwm, sndhwm, options::non_negative
);
int_option!(
    /// High-water mark for incoming messages per peer (`ZMQ_RCVHWM`, default 1000, 0 = none).
    get_rcvhwm, set_rcvhwm, rcvhwm, options::non_negative
);
int_option!(
    /// Send timeout in ms (`ZMQ_SNDTIMEO`, -1 = block forever): EAGAIN when it expires.
    get_sndtimeo, set_sndtimeo, sndtimeo, options::minus_one_or_more
);
int_option!(
    /// Receive timeout in ms (`ZMQ_RCVTIMEO`, -1 = block forever): EAGAIN when it expires.
    get_rcvtimeo, set_rcvtimeo, rcvtimeo, options::minus_one_or_more
);
int_option!(
    /// First reconnect interval in ms (`ZMQ_RECONNECT_IVL`, default 100, -1 = never).
    get_reconnect_ivl, set_reconnect_ivl, reconnect_ivl, options::minus_one_or_more
);
int_option!(
    /// Largest reconnect interval in ms; the interval doubles up to it (`ZMQ_RECONNECT_IVL_MAX`).
    get_reconnect_ivl_max, set_reconnect_ivl_max, reconnect_ivl_max, options::non_negative
);
int_option!(
    /// Pending-connection queue length of listeners (`ZMQ_BACKLOG`, default 100).
    get_backlog, set_backlog, backlog, options::non_negative
);
int_option!(
    /// Kernel send buffer size in bytes (`ZMQ_SNDBUF`, -1 = the OS default).
    get_sndbuf, set_sndbuf, sndbuf, options::minus_one_or_more
);
int_option!(
    /// Kernel receive buffer size in bytes (`ZMQ_RCVBUF`, -1 = the OS default).
    get_rcvbuf, set_rcvbuf, rcvbuf, options::minus_one_or_more
);
int_option!(
    /// Interval in ms between ZMTP heartbeat PINGs (`ZMQ_HEARTBEAT_IVL`, 0 = none).
    get_heartbeat_ivl, set_heartbeat_ivl, heartbeat_ivl, options::non_negative
);
int_option!(
    /// How long in ms to wait for any traffic after a PING before dropping the connection
    /// (`ZMQ_HEARTBEAT_TIMEOUT`, -1 = HEARTBEAT_IVL).
    get_heartbeat_timeout, set_heartbeat_timeout, heartbeat_timeout, options::minus_one_or_more
);
int_option!(
    /// The time-to-live in ms announced in our PINGs: the peer drops the connection after that
    /// long without traffic (`ZMQ_HEARTBEAT_TTL`, 0 to 6553599, rounded to 100 ms).
    get_heartbeat_ttl, set_heartbeat_ttl, heartbeat_ttl, options::heartbeat_ttl
);
int_option!(
    /// TCP keepalives: -1 the OS default, 0 off, 1 on (`ZMQ_TCP_KEEPALIVE`).
    get_tcp_keepalive, set_tcp_keepalive, tcp_keepalive, options::keepalive
);
int_option!(
    /// Unanswered keepalive probes before the connection is dropped (`ZMQ_TCP_KEEPALIVE_CNT`,
    /// -1 = OS default).
    get_tcp_keepalive_cnt, set_tcp_keepalive_cnt, tcp_keepalive_cnt, options::minus_one_or_more
);
int_option!(
    /// Idle seconds before keepalive probes start (`ZMQ_TCP_KEEPALIVE_IDLE`, -1 = OS default).
    get_tcp_keepalive_idle, set_tcp_keepalive_idle, tcp_keepalive_idle, options::minus_one_or_more
);
int_option!(
    /// Seconds between keepalive probes (`ZMQ_TCP_KEEPALIVE_INTVL`, -1 = OS default).
    get_tcp_keepalive_intvl, set_tcp_keepalive_intvl, tcp_keepalive_intvl, options::minus_one_or_more
);
int_option!(
    /// How long in ms unacknowledged data may stay unacknowledged before the connection is
    /// dropped (`ZMQ_TCP_MAXRT`, the kernel's TCP_USER_TIMEOUT; 0 = OS default).
    get_tcp_maxrt, set_tcp_maxrt, tcp_maxrt, options::non_negative
);
int_option!(
    /// The IP type-of-service byte of outgoing packets (`ZMQ_TOS`).
    get_tos, set_tos, tos, options::non_negative
);
int_option!(
    /// How long in ms a tcp connect may take before it is abandoned and retried
    /// (`ZMQ_CONNECT_TIMEOUT`, 0 = the OS's own timeout).
    get_connect_timeout, set_connect_timeout, connect_timeout, options::non_negative
);
int_option!(
    /// When to stop redialling (`ZMQ_RECONNECT_STOP`): an OR of
    /// [`RECONNECT_STOP_CONN_REFUSED`](crate::options::RECONNECT_STOP_CONN_REFUSED),
    /// `_HANDSHAKE_FAILED` and `_AFTER_DISCONNECT`; 0 = always redial.
    get_reconnect_stop, set_reconnect_stop, reconnect_stop, options::reconnect_stop
);
int_option!(
    /// Time allowed for a connection's handshake in ms (`ZMQ_HANDSHAKE_IVL`, default 30000,
    /// 0 = unlimited); a peer that does not complete it is disconnected.
    get_handshake_ivl, set_handshake_ivl, handshake_ivl, options::non_negative
);

impl Socket {
    /// How long queued messages are kept after close, in ms (`ZMQ_LINGER`, -1 = until sent).
    pub fn get_linger(&self) -> Result<i32> {
        Ok(self.core().options.linger)
    }

    /// How long queued messages are kept after close, in ms (`ZMQ_LINGER`, -1 = until sent).
    pub fn set_linger(&self, value: i32) -> Result<()> {
        let mut core = self.core();
        core.options.linger = options::minus_one_or_more(value)?;
        core.shared.set_linger(value);
        Ok(())
    }

    /// Largest inbound message in bytes (`ZMQ_MAXMSGSIZE`, -1 = no limit); a peer sending a
    /// larger one is disconnected.
    pub fn get_maxmsgsize(&self) -> Result<i64> {
        Ok(self.core().options.maxmsgsize)
    }

    /// Largest inbound message in bytes (`ZMQ_MAXMSGSIZE`, -1 = no limit).
    pub fn set_maxmsgsize(&self, value: i64) -> Result<()> {
        if value < -1 {
            return Err(Error::EINVAL);
        }
        self.core().options.maxmsgsize = value;
        Ok(())
    }

    /// The routing id sent to peers (`ZMQ_ROUTING_ID`, alias IDENTITY).
    pub fn get_identity(&self) -> Result<Vec<u8>> {
        Ok(self.core().options.routing_id.clone())
    }

    /// The routing id sent to peers: 1 to 255 bytes (`ZMQ_ROUTING_ID`).
    pub fn set_identity(&self, value: &[u8]) -> Result<()> {
        self.core().options.routing_id = options::routing_id(value)?;
        Ok(())
    }

    /// The network interface tcp sockets are bound to (`ZMQ_BINDTODEVICE`), if any.
    pub fn get_bindtodevice(&self) -> Result<Option<String>> {
        Ok(self.core().options.bindtodevice.clone())
    }

    /// Binds later tcp sockets to a network interface, e.g. `"lo"` (`ZMQ_BINDTODEVICE`;
    /// needs CAP_NET_RAW); None or "" removes it.
    pub fn set_bindtodevice(&self, device: Option<&str>) -> Result<()> {
        let device = device.filter(|d| !d.is_empty());
        if device.is_some_and(|d| d.len() >= 16) {
            return Err(Error::EINVAL);
        }
        self.core().options.bindtodevice = device.map(str::to_string);
        Ok(())
    }

    /// Whether `ZMQ_IMMEDIATE` is set.
    pub fn is_immediate(&self) -> Result<bool> {
        Ok(self.core().options.immediate)
    }

    /// Queue messages only to completed connections (`ZMQ_IMMEDIATE`): a peer still being
    /// dialled gets nothing (a send blocks if no peer is connected), and what was queued for a
    /// connection that drops is discarded. Applies to later connects.
    pub fn set_immediate(&self, value: bool) -> Result<()> {
        self.core().options.immediate = value;
        Ok(())
    }

    /// Whether tcp endpoints may use IPv6 (`ZMQ_IPV6`, default false).
    pub fn is_ipv6(&self) -> Result<bool> {
        Ok(self.core().options.ipv6)
    }

    /// Whether tcp endpoints may use IPv6 (`ZMQ_IPV6`).
    pub fn set_ipv6(&self, value: bool) -> Result<()> {
        self.core().options.ipv6 = value;
        Ok(())
    }
}

/// Publish-subscribe options.
impl Socket {
    /// SUB: receive messages whose first frame starts with `topic` ("" = everything);
    /// counted, so each subscribe needs its own unsubscribe (`ZMQ_SUBSCRIBE`). XPUB with
    /// XPUB_MANUAL: apply a subscription for the subscriber last heard from.
    pub fn set_subscribe(&self, topic: &[u8]) -> Result<()> {
        self.core().subscribe(topic, true)
    }

    /// Removes one subscription to `topic` (`ZMQ_UNSUBSCRIBE`).
    pub fn set_unsubscribe(&self, topic: &[u8]) -> Result<()> {
        self.core().subscribe(topic, false)
    }

    /// XPUB, XSUB, SUB: the number of distinct topics subscribed (`ZMQ_TOPICS_COUNT`).
    pub fn get_topics_count(&self) -> Result<i32> {
        let core = self.core();
        let count = core.pattern.topics_count().ok_or(Error::EINVAL)?;
        Ok(i32::try_from(count).unwrap_or(i32::MAX))
    }

    /// XPUB: pass every subscription to the application, not only new topics
    /// (`ZMQ_XPUB_VERBOSE`).
    pub fn set_xpub_verbose(&self, value: bool) -> Result<()> {
        self.type_option(&[SocketType::XPUB], |o| o.xpub_verbose = value)
    }

    /// XPUB: pass every subscription and unsubscription (`ZMQ_XPUB_VERBOSER`).
    pub fn set_xpub_verboser(&self, value: bool) -> Result<()> {
        self.type_option(&[SocketType::XPUB], |o| o.xpub_verboser = value)
    }

    /// XPUB: subscriptions are applied by the application (`ZMQ_XPUB_MANUAL`).
    pub fn set_xpub_manual(&self, value: bool) -> Result<()> {
        self.type_option(&[SocketType::XPUB], |o| o.xpub_manual = value)
    }

    /// XPUB: like XPUB_MANUAL, and after the application applies a subscription the next
    /// message goes to that subscriber alone (`ZMQ_XPUB_MANUAL_LAST_VALUE`).
    pub fn set_xpub_manual_last_value(&self, value: bool) -> Result<()> {
        self.type_option(&[SocketType::XPUB], |o| {
            o.xpub_manual = value;
            o.xpub_manual_last_value = value;
        })
    }

    /// XPUB, XSUB: only the first frame of a multipart message can be a subscription
    /// (`ZMQ_ONLY_FIRST_SUBSCRIBE`).
    pub fn set_only_first_subscribe(&self, value: bool) -> Result<()> {
        let types = [SocketType::XPUB, SocketType::XSUB];
        self.type_option(&types, |o| o.only_first_subscribe = value)
    }

    /// XPUB: block (or EAGAIN) instead of dropping when a subscriber is at its HWM
    /// (`ZMQ_XPUB_NODROP`).
    pub fn set_xpub_nodrop(&self, value: bool) -> Result<()> {
        self.type_option(&[SocketType::XPUB], |o| o.xpub_nodrop = value)
    }

    /// XPUB: a message sent to every new subscriber as it connects (`ZMQ_XPUB_WELCOME_MSG`).
    pub fn set_xpub_welcome_msg(&self, message: Option<&[u8]>) -> Result<()> {
        let message = message.map(<[u8]>::to_vec);
        self.type_option(&[SocketType::XPUB], |o| o.xpub_welcome_msg = message)
    }

    /// PUB, XPUB, SUB, XSUB: deliver what does NOT match the subscriptions
    /// (`ZMQ_INVERT_MATCHING`).
    pub fn set_invert_matching(&self, value: bool) -> Result<()> {
        let types = [
            SocketType::PUB,
            SocketType::XPUB,
            SocketType::SUB,
            SocketType::XSUB,
        ];
        self.type_option(&types, |o| o.invert_matching = value)
    }

    /// PUB, SUB, PUSH, PULL, DEALER: keep only the newest message in each queue, for
    /// "latest value" feeds; single-part messages only (`ZMQ_CONFLATE`). Applies to later
    /// binds and connects.
    pub fn set_conflate(&self, value: bool) -> Result<()> {
        use SocketType::*;
        self.type_option(&[PUB, SUB, PUSH, PULL, DEALER], |o| o.conflate = value)
    }

    /// Whether `ZMQ_CONFLATE` is set.
    pub fn is_conflate(&self) -> Result<bool> {
        Ok(self.core().options.conflate)
    }

    /// PUB, XPUB: drop a subscriber that holds more than `value` subscriptions (-1 = no
    /// limit, the default as in libzmq, which has no such option). ferrozmq's own option
    /// (`XPUB_MAX_SUBSCRIPTIONS`, id 1000); the drop is reported as the monitor event
    /// `SUBSCRIPTION_LIMIT`. Applies to subscriptions arriving from then on.
    pub fn set_xpub_max_subscriptions(&self, value: i32) -> Result<()> {
        let value = options::minus_one_or_more(value)?;
        let types = [SocketType::PUB, SocketType::XPUB];
        self.type_option(&types, |o| o.xpub_max_subscriptions = value)
    }

    /// The `XPUB_MAX_SUBSCRIPTIONS` limit (-1 = none).
    pub fn get_xpub_max_subscriptions(&self) -> Result<i32> {
        Ok(self.core().options.xpub_max_subscriptions)
    }

    /// PUB, XPUB: drop a subscriber whose topics add up to more than `value` bytes (-1 = no
    /// limit, the default). ferrozmq's own option (`XPUB_MAX_SUBSCRIPTION_BYTES`, id 1001),
    /// reported like `set_xpub_max_subscriptions`.
    pub fn set_xpub_max_subscription_bytes(&self, value: i64) -> Result<()> {
        if value < -1 {
            return Err(Error::EINVAL);
        }
        let types = [SocketType::PUB, SocketType::XPUB];
        self.type_option(&types, |o| o.xpub_max_subscription_bytes = value)
    }

    /// The `XPUB_MAX_SUBSCRIPTION_BYTES` limit (-1 = none).
    pub fn get_xpub_max_subscription_bytes(&self) -> Result<i64> {
        Ok(self.core().options.xpub_max_subscription_bytes)
    }

    /// XSUB: forward every unsubscription upstream, not only a topic's last
    /// (`ZMQ_XSUB_VERBOSE_UNSUBSCRIBE`).
    pub fn set_xsub_verbose_unsubscribe(&self, value: bool) -> Result<()> {
        self.type_option(&[SocketType::XSUB], |o| o.xsub_verbose_unsubscribe = value)
    }
}

/// The types that take ROUTER options: ROUTER, and REP, which libzmq builds on a ROUTER and
/// so accepts them too.
const ROUTER_LIKE: &[SocketType] = &[SocketType::ROUTER, SocketType::REP];

/// Socket-type-specific options: EINVAL on types they do not apply to, as libzmq.
impl Socket {
    fn type_option(&self, types: &[SocketType], apply: impl FnOnce(&mut Options)) -> Result<()> {
        let mut core = self.core();
        if !types.contains(&core.socket_type) {
            return Err(Error::EINVAL);
        }
        apply(&mut core.options);
        Ok(())
    }

    /// ROUTER: refuse unroutable messages with EHOSTUNREACH, and block (or EAGAIN) when the
    /// peer is full, instead of dropping silently (`ZMQ_ROUTER_MANDATORY`).
    pub fn set_router_mandatory(&self, value: bool) -> Result<()> {
        self.type_option(ROUTER_LIKE, |o| o.router_mandatory = value)
    }

    /// Whether `ZMQ_ROUTER_MANDATORY` is set.
    pub fn is_router_mandatory(&self) -> Result<bool> {
        Ok(self.core().options.router_mandatory)
    }

    /// ROUTER: a new peer with a routing id already in use takes it over, and the old
    /// connection is closed (`ZMQ_ROUTER_HANDOVER`); otherwise the newcomer is refused.
    pub fn set_router_handover(&self, value: bool) -> Result<()> {
        self.type_option(ROUTER_LIKE, |o| o.router_handover = value)
    }

    /// Whether `ZMQ_ROUTER_HANDOVER` is set.
    pub fn is_router_handover(&self) -> Result<bool> {
        Ok(self.core().options.router_handover)
    }

    /// ROUTER: deliver `[routing-id, ""]` when a peer connects ([`NOTIFY_CONNECT`]) and/or
    /// disconnects ([`NOTIFY_DISCONNECT`]) (`ZMQ_ROUTER_NOTIFY`, 0 = never).
    pub fn set_router_notify(&self, value: i32) -> Result<()> {
        if !(0..=NOTIFY_CONNECT | NOTIFY_DISCONNECT).contains(&value) {
            return Err(Error::EINVAL);
        }
        self.type_option(&[SocketType::ROUTER], |o| o.router_notify = value)
    }

    /// The `ZMQ_ROUTER_NOTIFY` flags.
    pub fn get_router_notify(&self) -> Result<i32> {
        Ok(self.core().options.router_notify)
    }

    /// ROUTER, DEALER, REQ: send an empty message to every new peer, so a ROUTER on the other
    /// side learns our routing id at once (`ZMQ_PROBE_ROUTER`).
    pub fn set_probe_router(&self, value: bool) -> Result<()> {
        let types = [
            SocketType::ROUTER,
            SocketType::REP,
            SocketType::DEALER,
            SocketType::REQ,
        ];
        self.type_option(&types, |o| o.probe_router = value)
    }

    /// Whether `ZMQ_PROBE_ROUTER` is set.
    pub fn is_probe_router(&self) -> Result<bool> {
        Ok(self.core().options.probe_router)
    }

    /// REQ: prefix requests with a request id and accept only the matching reply
    /// (`ZMQ_REQ_CORRELATE`).
    pub fn set_req_correlate(&self, value: bool) -> Result<()> {
        self.type_option(&[SocketType::REQ], |o| o.req_correlate = value)
    }

    /// REQ: allow a new request before the previous reply arrived; that reply is then
    /// ignored (`ZMQ_REQ_RELAXED`).
    pub fn set_req_relaxed(&self, value: bool) -> Result<()> {
        self.type_option(&[SocketType::REQ], |o| o.req_relaxed = value)
    }

    /// ROUTER, STREAM: the routing id to give the peer of the next `connect` instead of the
    /// one it announces or a generated one (`ZMQ_CONNECT_ROUTING_ID`, 1 to 255 bytes).
    pub fn set_connect_routing_id(&self, value: &[u8]) -> Result<()> {
        let id = options::routing_id(value)?;
        let types = [SocketType::ROUTER, SocketType::REP, SocketType::STREAM];
        self.type_option(&types, |o| o.connect_routing_id = Some(id))
    }

    /// STREAM: deliver `[routing-id, ""]` when a peer connects or disconnects
    /// (`ZMQ_STREAM_NOTIFY`, default on).
    pub fn set_stream_notify(&self, value: bool) -> Result<()> {
        self.type_option(&[SocketType::STREAM], |o| o.stream_notify = value)
    }
}

impl Core {
    fn check_term(&self) -> Result<()> {
        if self.ctx.inner().is_terminating() {
            Err(Error::ETERM)
        } else {
            Ok(())
        }
    }

    fn link(&self, endpoint: &str) -> SocketLink {
        SocketLink {
            shared: self.shared.clone(),
            options: Arc::new(self.options.clone()),
            socket_type: self.socket_type,
            endpoint: Arc::from(endpoint),
            inproc: self.ctx.inner().inproc_registry(),
        }
    }

    fn bind(&mut self, requested: &str) -> Result<()> {
        self.check_term()?;
        let (listener, resolved, ipc_path) = match Endpoint::parse(requested)? {
            Endpoint::Inproc(name) => return self.bind_inproc(requested, name),
            endpoint => match self.listen(endpoint) {
                Ok(bound) => bound,
                Err(e) => {
                    let errno = e.to_raw() as u32;
                    self.shared
                        .event(SocketEvent::BIND_FAILED, errno, requested);
                    return Err(e);
                }
            },
        };
        let fd = std::os::fd::AsRawFd::as_raw_fd(&listener);
        self.shared
            .event(SocketEvent::LISTENING, fd as u32, &resolved);
        let io = self.ctx.inner().choose_io_thread()?;
        let id = self.ctx.inner().next_id();
        io.send(IoCommand::Listen {
            id,
            listener,
            socket: self.link(&resolved),
        });
        self.bound.push(Bound {
            requested: requested.to_string(),
            resolved: resolved.clone(),
            listener: id,
            kind: BoundKind::Io(io, ipc_path),
            conflate: self.options.conflate,
        });
        self.last_endpoint = resolved;
        Ok(())
    }

    /// Binds a tcp or ipc listener: the listener, its resolved endpoint, and the ipc file to
    /// remove when it closes.
    fn listen(
        &mut self,
        endpoint: Endpoint,
    ) -> Result<(io::Listener, String, Option<std::path::PathBuf>)> {
        Ok(match endpoint {
            Endpoint::Tcp {
                source: Some(_), ..
            } => return Err(Error::EINVAL),
            Endpoint::Tcp { host, port, .. } => {
                let addr = endpoint::resolve_bind(&host, port, self.options.ipv6)?;
                let (listener, bound) = io::bind_tcp(addr, &self.options)?;
                let resolved = match bound {
                    std::net::SocketAddr::V4(a) => format!("tcp://{}:{}", a.ip(), a.port()),
                    std::net::SocketAddr::V6(a) => format!("tcp://[{}]:{}", a.ip(), a.port()),
                };
                (listener, resolved, None)
            }
            Endpoint::Ipc(address) => {
                let (listener, public, path) = io::bind_ipc(&address)?;
                let resolved = match public {
                    IpcAddress::Path(p) => format!("ipc://{}", p.display()),
                    IpcAddress::Abstract(name) => {
                        format!("ipc://@{}", String::from_utf8_lossy(&name))
                    }
                    IpcAddress::Wildcard => return Err(Error::EINVAL),
                };
                (listener, resolved, path)
            }
            Endpoint::Inproc(_) => return Err(Error::EINVAL),
        })
    }

    /// This socket as an inproc peer sees it.
    fn inproc_peer(&self) -> InprocPeer {
        InprocPeer {
            shared: self.shared.clone(),
            metadata: Arc::new(PeerMetadata::local(
                self.socket_type,
                &self.options.routing_id,
            )),
            sndhwm: self.options.sndhwm as u64,
            rcvhwm: self.options.rcvhwm as u64,
        }
    }

    fn bind_inproc(&mut self, requested: &str, name: String) -> Result<()> {
        let id = self.ctx.inner().next_id();
        let peer = self.inproc_peer();
        let waiting = self.ctx.inner().inproc().bind(&name, peer, id)?;
        self.bound.push(Bound {
            requested: requested.to_string(),
            resolved: requested.to_string(),
            listener: id,
            kind: BoundKind::Inproc(name),
            conflate: self.options.conflate,
        });
        for pipe in waiting {
            self.attach_pipe(pipe, id);
        }
        self.last_endpoint = requested.to_string();
        Ok(())
    }

    fn connect(&mut self, requested: &str) -> Result<()> {
        self.check_term()?;
        let target = match Endpoint::parse(requested)? {
            Endpoint::Tcp { host, port, source } => {
                let ipv6 = self.options.ipv6;
                let source = match source {
                    Some((host, port)) => Some(endpoint::resolve_bind(&host, port, ipv6)?),
                    None => None,
                };
                let addr = endpoint::resolve_connect(&host, port, ipv6)?;
                ConnectTarget::Tcp { addr, source }
            }
            Endpoint::Ipc(IpcAddress::Wildcard) => return Err(Error::EINVAL),
            Endpoint::Ipc(address) => ConnectTarget::Ipc(address),
            Endpoint::Inproc(name) => {
                let id = self.ctx.inner().next_id();
                let peer = self.inproc_peer();
                let pipe = self.ctx.inner().inproc().connect(&name, peer, id);
                self.attach_connected(pipe, requested);
                return Ok(());
            }
        };
        let io = self.ctx.inner().choose_io_thread()?;
        let id = self.ctx.inner().next_id();
        let notify_socket: Arc<dyn Notify> = self.shared.clone();
        let notify_session: Arc<dyn Notify> = io.clone();
        let (socket_end, session_end) = pipe::pipe(
            id,
            self.options.sndhwm as u64,
            self.options.rcvhwm as u64,
            notify_socket,
            notify_session,
        );
        if self.options.immediate {
            socket_end.set_connected(false);
        }
        io.send(IoCommand::Connect {
            id,
            target,
            pipe: session_end,
            socket: self.link(requested),
        });
        self.attach_connected(socket_end, requested);
        Ok(())
    }

    /// Attaches the socket's end of a pipe made by `connect(endpoint)`.
    fn attach_connected(&mut self, pipe: PipeEnd, endpoint: &str) {
        if self.options.conflate {
            pipe.set_conflate();
        }
        let id = pipe.id();
        self.pipes.insert(pipe);
        let connect_routing_id = self.options.connect_routing_id.take();
        let mut cx = Cx {
            pipes: &mut self.pipes,
            options: &self.options,
            connect_routing_id,
        };
        if !self.pattern.attach(id, &mut cx) {
            self.pipes.remove(id);
        }
        if self.socket_type == SocketType::STREAM {
            // libzmq's way to learn a STREAM connection's id: ROUTING_ID right after connect.
            if let Some(rid) = self.pattern.routing_id_of(id) {
                self.options.routing_id = rid;
            }
        }
        self.connected.push(Connected {
            endpoint: endpoint.to_string(),
            pipe: id,
        });
        self.last_endpoint = endpoint.to_string();
    }

    /// Attaches a pipe that a peer of bound endpoint `listener` opened.
    fn attach_pipe(&mut self, pipe: PipeEnd, listener: u64) {
        if self.bound_options_conflate(listener) {
            pipe.set_conflate();
        }
        let id = pipe.id();
        self.pipes.insert(pipe);
        let mut cx = Self::cx(&mut self.pipes, &self.options);
        if self.pattern.attach(id, &mut cx) {
            self.pipe_listener.insert(id, listener);
        } else {
            self.pipes.remove(id);
        }
    }

    /// Whether the endpoint bound as `listener` was bound with ZMQ_CONFLATE.
    fn bound_options_conflate(&self, listener: u64) -> bool {
        self.bound
            .iter()
            .any(|b| b.listener == listener && b.conflate)
    }

    fn unbind(&mut self, endpoint: &str) -> Result<()> {
        self.check_term()?;
        let i = self
            .bound
            .iter()
            // A wildcard endpoint is unbound by what it resolved to, as in libzmq.
            .position(|b| {
                b.resolved == endpoint || (b.requested == endpoint && !endpoint.contains('*'))
            })
            .ok_or(Error::ENOENT)?;
        let bound = self.bound.remove(i);
        let listener = bound.listener;
        bound.close(&self.ctx);
        let accepted: Vec<u64> = self
            .pipe_listener
            .iter()
            .filter(|(_, &l)| l == listener)
            .map(|(&p, _)| p)
            .collect();
        for id in accepted {
            self.remove_pipe(id);
        }
        Ok(())
    }

    fn disconnect(&mut self, endpoint: &str) -> Result<()> {
        self.check_term()?;
        let before = self.connected.len();
        let mut gone = Vec::new();
        self.connected.retain(|c| {
            let matches = c.endpoint == endpoint;
            if matches {
                gone.push(c.pipe);
            }
            !matches
        });
        if self.connected.len() == before {
            return Err(Error::ENOENT);
        }
        for id in gone {
            self.remove_pipe(id);
        }
        Ok(())
    }

    fn cx<'a>(pipes: &'a mut Pipes, options: &'a Options) -> Cx<'a> {
        Cx {
            pipes,
            options,
            connect_routing_id: None,
        }
    }

    fn remove_pipe(&mut self, id: u64) {
        self.pattern
            .detach(id, &mut Self::cx(&mut self.pipes, &self.options));
        self.pipes.remove(id);
        self.pipe_listener.remove(&id);
    }

    /// Applies news from pipes and I/O threads.
    fn process_commands(&mut self) {
        self.shared.take_commands(&mut self.commands);
        let mut commands = std::mem::take(&mut self.commands);
        for command in commands.drain(..) {
            match command {
                SocketCommand::Attach { pipe, listener } => {
                    if self.bound.iter().any(|b| b.listener == listener) {
                        self.attach_pipe(pipe, listener);
                    }
                }
                SocketCommand::PipeEvent(id) => {
                    let finished = match self.pipes.get(id) {
                        Some(p) => p.is_finished(),
                        None => continue,
                    };
                    if finished {
                        self.remove_pipe(id);
                    } else {
                        self.pattern
                            .activate(id, &mut Self::cx(&mut self.pipes, &self.options));
                    }
                }
            }
        }
        self.commands = commands;
        self.reap_dead_pipes();
    }

    fn reap_dead_pipes(&mut self) {
        for (event, value, endpoint) in self.pipes.take_events() {
            self.shared.event(event, value, &endpoint);
        }
        for id in self.pipes.take_dead() {
            self.remove_pipe(id);
        }
    }

    fn deadline(timeout_ms: i32, flags: i32) -> Option<Option<Instant>> {
        if flags & DONTWAIT != 0 || timeout_ms == 0 {
            None
        } else if timeout_ms < 0 {
            Some(None)
        } else {
            Some(Some(
                Instant::now() + Duration::from_millis(timeout_ms as u64),
            ))
        }
    }

    /// Sleeps until something may have changed. `deadline`: None = must not block.
    fn wait(&mut self, deadline: Option<Option<Instant>>) -> Result<()> {
        let Some(deadline) = deadline else {
            return Err(Error::EAGAIN);
        };
        if !self.shared.signaler.wait(deadline)? {
            return Err(Error::EAGAIN);
        }
        self.check_term()
    }

    fn send(&mut self, msg: Message, flags: i32) -> Result<()> {
        self.send_one(&mut Some(msg), flags)
    }

    /// Sends the frame in `slot` (SNDMORE in `flags`: more frames follow), taking it only on
    /// success: on error (EAGAIN included) it stays in `slot`, so an async caller can retry
    /// without keeping a copy.
    fn send_one(&mut self, slot: &mut Option<Message>, flags: i32) -> Result<()> {
        let Some(msg) = slot.as_ref() else {
            return Ok(());
        };
        self.check_term()?;
        let more = flags & SNDMORE != 0;
        if self.outgoing.is_empty() {
            self.wait_ready_to_send(msg, more, flags)?;
        }
        if let Some(msg) = slot.take() {
            self.queue_frame(msg, more);
        }
        Ok(())
    }

    /// Sends `frames` as one message (with `SNDMORE` in `flags`, more frames follow them):
    /// waits (as `flags` and SNDTIMEO allow) until the pattern can take its first frame, then
    /// queues them all. On error nothing is queued and `frames` is untouched, so a caller
    /// that retries later (the async API) loses nothing.
    fn send_parts(&mut self, frames: &mut Vec<Message>, flags: i32) -> Result<()> {
        let Some(first) = frames.first() else {
            return Ok(());
        };
        self.check_term()?;
        let continues = flags & SNDMORE != 0;
        if self.outgoing.is_empty() {
            self.wait_ready_to_send(first, frames.len() > 1 || continues, flags)?;
        }
        let last = frames.len() - 1;
        for (i, frame) in frames.drain(..).enumerate() {
            self.queue_frame(frame, i < last || continues);
        }
        Ok(())
    }

    /// Waits until the pattern can take a message that starts with `first`; EAGAIN if it
    /// cannot before the deadline that `flags` and SNDTIMEO give.
    fn wait_ready_to_send(&mut self, first: &Message, more: bool, flags: i32) -> Result<()> {
        let deadline = Self::deadline(self.options.sndtimeo, flags);
        loop {
            self.process_commands();
            let mut cx = Self::cx(&mut self.pipes, &self.options);
            let ready = self.pattern.begin_send(first, more, &mut cx);
            self.reap_dead_pipes();
            match ready {
                Ok(()) => return Ok(()),
                Err(Error::EAGAIN) => self.wait(deadline)?,
                Err(e) => return Err(e),
            }
        }
    }

    /// Adds one frame to the outgoing message; the frame without `more` hands the whole
    /// message to the pattern (which was asked by `wait_ready_to_send` beforehand).
    fn queue_frame(&mut self, mut msg: Message, more: bool) {
        msg.set_more(false);
        msg.set_metadata(None);
        // STREAM messages are [routing id, data]: the data frame ends the message even with
        // SNDMORE, as libzmq ignores it there.
        let more = more && !(self.socket_type == SocketType::STREAM && self.outgoing.len() == 1);
        if more {
            self.outgoing.push(msg);
            return;
        }
        let parcel = if self.outgoing.is_empty() {
            Parcel::One(msg)
        } else {
            let mut frames = std::mem::take(&mut self.outgoing);
            frames.push(msg);
            Parcel::Multi(frames)
        };
        self.pattern
            .finish_send(parcel, &mut Self::cx(&mut self.pipes, &self.options));
        self.reap_dead_pipes();
    }

    /// Receives the rest of a message whose first frame `recv` returned, or a whole next
    /// message: frames already taken from the pipe are handed out without further checks, so
    /// a message is never split by an error.
    fn recv_parts(&mut self, flags: i32) -> Result<Vec<Message>> {
        let mut frames = vec![self.recv(flags)?];
        frames.extend(self.incoming.drain(..));
        let last = frames.len() - 1;
        for (i, frame) in frames.iter_mut().enumerate() {
            frame.set_more(i < last);
        }
        self.rcvmore = false;
        Ok(frames)
    }

    fn recv(&mut self, flags: i32) -> Result<Message> {
        self.check_term()?;
        if let Some(mut frame) = self.incoming.pop_front() {
            self.rcvmore = !self.incoming.is_empty();
            frame.set_more(self.rcvmore);
            return Ok(frame);
        }
        let deadline = Self::deadline(self.options.rcvtimeo, flags);
        loop {
            self.process_commands();
            let received = self
                .pattern
                .recv(&mut Self::cx(&mut self.pipes, &self.options));
            self.reap_dead_pipes();
            match received {
                Ok((pipe, Parcel::One(mut frame))) => {
                    self.rcvmore = false;
                    frame.set_more(false);
                    frame.set_metadata(self.peer_metadata(pipe));
                    return Ok(frame);
                }
                // Subscriptions never reach the application as such.
                Ok((_, Parcel::Subscribe(_) | Parcel::Cancel(_))) => continue,
                Ok((pipe, Parcel::Multi(mut frames))) => {
                    let metadata = self.peer_metadata(pipe);
                    for frame in &mut frames {
                        frame.set_metadata(metadata.clone());
                    }
                    self.incoming = VecDeque::from(frames);
                    let Some(mut first) = self.incoming.pop_front() else {
                        continue;
                    };
                    self.rcvmore = !self.incoming.is_empty();
                    first.set_more(self.rcvmore);
                    return Ok(first);
                }
                Err(Error::EAGAIN) => self.wait(deadline)?,
                Err(e) => return Err(e),
            }
        }
    }
}

impl Core {
    fn subscribe(&mut self, topic: &[u8], subscribe: bool) -> Result<()> {
        self.check_term()?;
        self.process_commands();
        let mut cx = Self::cx(&mut self.pipes, &self.options);
        let result = self.pattern.subscribe(topic, subscribe, &mut cx);
        self.reap_dead_pipes();
        result
    }

    fn events(&mut self) -> Result<crate::PollEvents> {
        self.check_term()?;
        self.shared.signaler.take();
        self.process_commands();
        let mut events = 0;
        let mut cx = Self::cx(&mut self.pipes, &self.options);
        if !self.incoming.is_empty() || self.pattern.has_in(&mut cx) {
            events |= crate::POLLIN;
        }
        if !self.outgoing.is_empty() || self.pattern.has_out(&mut cx) {
            events |= crate::POLLOUT;
        }
        self.reap_dead_pipes();
        Ok(events)
    }

    fn peer_metadata(&mut self, pipe: u64) -> Option<Arc<PeerMetadata>> {
        self.pipes.get(pipe).and_then(|p| p.peer().cloned())
    }
}

impl Drop for Core {
    fn drop(&mut self) {
        if let Some(monitor) = self.shared.set_monitor(None) {
            monitor.emit(SocketEvent::MONITOR_STOPPED, 0, "");
        }
        drop(self.shared.close());
        for bound in std::mem::take(&mut self.bound) {
            bound.close(&self.ctx);
        }
        self.pipes.clear();
        self.ctx.inner().unregister_socket();
    }
}
