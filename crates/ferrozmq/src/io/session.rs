//! `Session`: one peer of a socket, living in an I/O thread.
//!
//! It owns the peer end of the pipe to the socket and, while connected, a kernel stream and a
//! ZMTP engine. Bytes read are decoded straight into the pipe; messages in the pipe are encoded
//! into batches and written eagerly, without waiting for a writable event first.
//!
//! A connect-side session outlives its connections: when the peer goes away it reconnects
//! (RECONNECT_IVL, doubling up to RECONNECT_IVL_MAX) and the pipe, with everything queued in
//! it, carries on. An accepted session ends with its connection.

use super::dialer::{ConnectTarget, Dialer, Retry};
use super::encode::encode_parcel;
use super::engine_config::engine_for;
use super::outbuf::OutBuffer;
use super::session_hook::{self, SessionHook};
use super::stream::Stream;
use super::timer::{Kind, Slots, Timers};
use super::zap_client::{ZapClient, ZapFailure};
use super::{IoShared, SocketLink};
use crate::message::Message;
use crate::metadata::PeerMetadata;
use crate::monitor::{Endpoints, SocketEvent};
use crate::peer_messages;
use crate::pipe::{self, Notify, Parcel, PipeEnd};
use bytes::Bytes;
use ferrozmq_zmtp::mechanism::ZapRequest;
use ferrozmq_zmtp::{Engine, EngineError, Event, PeerInfo};
use mio::{Interest, Registry, Token};
use std::io;
use std::os::fd::AsRawFd;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Reads or writes one session may do before yielding to the others.
const FAIRNESS_BUDGET: usize = 16;
/// How often a closing session looks whether its peer has taken the kernel's last bytes.
const DRAIN_POLL: Duration = Duration::from_millis(2);

/// Services of the I/O thread that a session uses while it runs.
pub(crate) struct IoCtx<'a> {
    pub registry: &'a Registry,
    pub shared: &'a Arc<IoShared>,
    pub timers: &'a mut Timers,
    /// Sessions that used up their budget and must run again without waiting for an event.
    pub requeue: &'a mut Vec<u64>,
    pub now: Instant,
}

/// What the I/O loop must do with a session after it ran.
#[derive(PartialEq, Eq, Debug)]
pub(crate) enum Next {
    Keep,
    Close,
}

/// How the session came to be.
pub(crate) enum Origin {
    /// Created by `connect`: dials and redials after losing its connection.
    Connect(Dialer),
    /// Accepted by listener `listener`; ends with its connection.
    Accept { listener: u64 },
}

struct Connection {
    stream: Stream,
    /// A tcp connect still in progress.
    connecting: bool,
    /// The connection's protocol state: ZMTP, or raw bytes for STREAM sockets.
    engine: Engine,
    output: OutBuffer,
    /// The kernel may have bytes for us (cleared on a short read or EAGAIN).
    readable: bool,
    /// The peer has shut down its side (or the socket errored): read until EOF, since no
    /// further readiness edge will come.
    read_closed: bool,
    /// The kernel may take bytes from us (cleared on EAGAIN).
    writable: bool,
}

/// Why a connection is being dropped.
enum Lost {
    /// A connect attempt failed before a connection existed (`refused`: by the peer).
    ConnectFailed { refused: bool },
    /// The peer closed (EPIPE, as libzmq reports an orderly close), reset, or the kernel
    /// reported an error: the errno.
    Io(i32),
    /// The peer broke the protocol.
    Protocol(EngineError),
    /// The handshake took longer than HANDSHAKE_IVL.
    HandshakeTimeout,
    /// The peer stayed silent past the heartbeat timeout or its TTL.
    HeartbeatTimeout,
    /// Authentication needs a ZAP handler and none is bound (libzmq reports EFAULT).
    NoZapHandler,
    /// The ZAP handler broke RFC 27 or went away before answering.
    Zap(ZapFailure),
}

/// One peer of a socket.
pub(crate) struct Session {
    id: u64,
    origin: Origin,
    socket: SocketLink,
    pipe: Option<PipeEnd>,
    connection: Option<Connection>,
    /// Frames of a multipart message still being received.
    partial: Vec<Message>,
    /// The socket's queue is at its high-water mark: stop decoding until it reads.
    stalled: bool,
    /// Its reconnect, connect-timeout, handshake, linger and heartbeat timers.
    timers: Slots,
    /// The socket closed its end: deliver what is queued, then end.
    closing: bool,
    /// The peer's IP address (tcp), for the `Peer-Address` message property.
    peer_address: Option<String>,
    /// The local and remote endpoints of the last connection, for monitor events.
    endpoints: (String, String),
    /// The socket type's own logic (subscriptions and their replay after a reconnect).
    hook: Box<dyn SessionHook>,
    /// The ZAP request in flight for the connection's peer.
    zap: Option<ZapClient>,
    /// What the ZAP handler said of the peer (user id, properties), for its messages.
    zap_verdict: Option<(Bytes, Vec<(String, Bytes)>)>,
}

impl Session {
    /// A connect-side session; call [`Session::start`] to dial.
    pub(crate) fn connecting(
        id: u64,
        target: ConnectTarget,
        pipe: PipeEnd,
        socket: SocketLink,
    ) -> Session {
        let dialer = Dialer::new(target, &socket.options);
        Session::new(id, Origin::Connect(dialer), Some(pipe), socket)
    }

    /// An accepted connection; the pipe is created once the handshake succeeds.
    pub(crate) fn accepted(
        id: u64,
        stream: Stream,
        peer_address: Option<String>,
        listener: u64,
        socket: SocketLink,
        ctx: &mut IoCtx<'_>,
    ) -> io::Result<Session> {
        let origin = Origin::Accept { listener };
        let mut session = Session::new(id, origin, None, socket);
        session.peer_address = peer_address;
        session.endpoints = stream.endpoints();
        // A ws connection is upgraded first, as a connect in progress completes.
        let upgrading = matches!(stream, Stream::Ws(..));
        session.attach_stream(stream, upgrading, ctx)?;
        Ok(session)
    }

    fn new(id: u64, origin: Origin, pipe: Option<PipeEnd>, socket: SocketLink) -> Session {
        Session {
            hook: session_hook::for_socket(socket.socket_type),
            id,
            origin,
            socket,
            pipe,
            connection: None,
            partial: Vec::new(),
            stalled: false,
            timers: Slots::default(),
            closing: false,
            peer_address: None,
            endpoints: Default::default(),
            zap: None,
            zap_verdict: None,
        }
    }

    /// True once the session has a pipe to its socket (after the handshake, for an accepted
    /// connection).
    pub(crate) fn has_pipe(&self) -> bool {
        self.pipe.is_some()
    }

    /// Disarms every timer of this session (it is being dropped).
    pub(crate) fn cancel_timers(&mut self, timers: &mut Timers) {
        timers.cancel_all(&mut self.timers, self.id);
    }

    /// The listener that accepted this session, if any.
    pub(crate) fn listener(&self) -> Option<u64> {
        match self.origin {
            Origin::Accept { listener } => Some(listener),
            Origin::Connect(_) => None,
        }
    }

    /// Starts (or restarts) dialing for a connect-side session.
    pub(crate) fn start(&mut self, ctx: &mut IoCtx<'_>) -> Next {
        let Origin::Connect(dialer) = &self.origin else {
            return Next::Close;
        };
        match dialer.dial(&self.socket.options) {
            Ok((stream, peer_address)) => {
                self.peer_address = Some(peer_address);
                let connecting =
                    matches!(stream, Stream::Tcp(_) | Stream::Socks(..) | Stream::Ws(..));
                if self.attach_stream(stream, connecting, ctx).is_err() {
                    return self.connection_lost(Lost::ConnectFailed { refused: false }, ctx);
                }
                if connecting {
                    self.event(SocketEvent::CONNECT_DELAYED, libc::EINPROGRESS as u32);
                    let timeout = self.socket.options.connect_timeout;
                    if timeout > 0 {
                        let at = ctx.now + Duration::from_millis(timeout as u64);
                        ctx.timers
                            .arm(&mut self.timers, self.id, Kind::ConnectTimeout, at);
                    }
                    Next::Keep
                } else {
                    self.connected(ctx)
                }
            }
            Err(e) => {
                let refused = e.kind() == io::ErrorKind::ConnectionRefused;
                self.retry_later(Retry::after_connect_failure(refused), ctx)
            }
        }
    }

    fn attach_stream(
        &mut self,
        mut stream: Stream,
        connecting: bool,
        ctx: &mut IoCtx<'_>,
    ) -> io::Result<()> {
        ctx.registry.register(
            &mut stream,
            Token(self.id as usize),
            Interest::READABLE | Interest::WRITABLE,
        )?;
        let mut output = OutBuffer::default();
        let mut engine = engine_for(&self.socket);
        engine.take_output(output.tail());
        let raw = engine.is_raw();
        self.connection = Some(Connection {
            stream,
            connecting,
            engine,
            output,
            readable: !connecting,
            read_closed: false,
            writable: !connecting,
        });
        if raw {
            if !connecting {
                self.raw_peer_ready(ctx);
            }
            return Ok(());
        }
        let handshake_ivl = self.socket.options.handshake_ivl;
        if handshake_ivl > 0 {
            let at = ctx.now + Duration::from_millis(handshake_ivl as u64);
            ctx.timers
                .arm(&mut self.timers, self.id, Kind::Handshake, at);
        }
        Ok(())
    }

    /// Reports a connection event about this session's endpoint to the socket's monitor.
    /// Reports an event of this session's connection: for a version 2 monitor with its
    /// local and remote endpoints, the socket's own (bound, or connected to) standing in for
    /// what the connection does not name (ipc, or before a connection is made).
    fn event(&self, event: SocketEvent, value: u32) {
        let endpoint: &str = &self.socket.endpoint;
        let (local, remote) = &self.endpoints;
        let at = match self.origin {
            Origin::Accept { .. } => Endpoints {
                local: if local.is_empty() { endpoint } else { local },
                remote,
                bound: true,
            },
            Origin::Connect(_) => Endpoints {
                local,
                remote: endpoint,
                bound: false,
            },
        };
        let event = u64::from(event.to_raw());
        self.socket.shared.event_at(event, &[u64::from(value)], at);
    }

    fn connected(&mut self, ctx: &mut IoCtx<'_>) -> Next {
        ctx.timers
            .cancel(&mut self.timers, self.id, Kind::ConnectTimeout);
        let mut raw = false;
        if let Some(c) = self.connection.as_mut() {
            c.connecting = false;
            c.writable = true;
            c.readable = true;
            raw = c.engine.is_raw();
            let fd = c.stream.as_raw_fd() as u32;
            self.endpoints = c.stream.endpoints();
            if matches!(self.origin, Origin::Connect(_)) {
                self.event(SocketEvent::CONNECTED, fd);
            }
        }
        if raw {
            self.raw_peer_ready(ctx);
        }
        if let Origin::Connect(dialer) = &mut self.origin {
            dialer.connected(&self.socket.options);
        }
        self.drive(ctx)
    }

    /// The kernel reported readiness on this session's stream (`read_closed`: the peer shut
    /// down its side, or the socket has an error).
    pub(crate) fn on_ready(
        &mut self,
        readable: bool,
        writable: bool,
        read_closed: bool,
        ctx: &mut IoCtx<'_>,
    ) -> Next {
        let Some(c) = self.connection.as_mut() else {
            return Next::Keep;
        };
        if c.connecting {
            return match c.stream.finish_connect() {
                Ok(true) => self.connected(ctx),
                Ok(false) => Next::Keep,
                Err(e) => {
                    let refused = e.kind() == io::ErrorKind::ConnectionRefused;
                    self.connection_lost(Lost::ConnectFailed { refused }, ctx)
                }
            };
        }
        c.readable |= readable || read_closed;
        c.read_closed |= read_closed;
        c.writable |= writable;
        self.drive(ctx)
    }

    /// The pipe has news: the socket wrote, read (freeing room), or closed its end.
    pub(crate) fn on_activate(&mut self, ctx: &mut IoCtx<'_>) -> Next {
        if !self.closing && self.pipe.as_ref().is_some_and(PipeEnd::is_other_closed) {
            self.closing = true;
            let linger = self.socket.shared.linger();
            if linger == 0 {
                return Next::Close;
            }
            if linger > 0 {
                let at = ctx.now + Duration::from_millis(linger as u64);
                ctx.timers.arm(&mut self.timers, self.id, Kind::Linger, at);
            }
        }
        if self.stalled && self.pipe.as_mut().is_some_and(PipeEnd::check_write) {
            self.stalled = false;
        }
        if let Err(lost) = self.poll_zap() {
            return self.connection_lost(lost, ctx);
        }
        self.drive(ctx)
    }

    /// This session's `kind` timer fired.
    pub(crate) fn on_timer(&mut self, kind: Kind, ctx: &mut IoCtx<'_>) -> Next {
        self.timers.fired(kind);
        match kind {
            Kind::Linger => Next::Close,
            Kind::Handshake => {
                let handshaking = self
                    .connection
                    .as_ref()
                    .is_some_and(|c| !c.engine.is_ready());
                if handshaking {
                    return self.connection_lost(Lost::HandshakeTimeout, ctx);
                }
                Next::Keep
            }
            Kind::ConnectTimeout => {
                if self.connection.as_ref().is_some_and(|c| c.connecting) {
                    return self.connection_lost(Lost::ConnectFailed { refused: false }, ctx);
                }
                Next::Keep
            }
            Kind::Reconnect => self.start(ctx),
            Kind::Heartbeat => self.heartbeat(ctx),
            // Listeners' kind; a session never arms it.
            Kind::Accept => Next::Keep,
            Kind::Drain => self.closing_outcome(ctx),
        }
    }

    /// Lets the engine act on the time: a due PING goes out, a peer silent too long is
    /// dropped; then the heartbeat slot is armed for the engine's next deadline.
    fn heartbeat(&mut self, ctx: &mut IoCtx<'_>) -> Next {
        let Some(c) = self.connection.as_mut() else {
            return Next::Keep;
        };
        let result = c.engine.handle_timeout(ctx.now);
        c.engine.take_output(c.output.tail());
        if result.is_err() {
            return self.connection_lost(Lost::HeartbeatTimeout, ctx);
        }
        if let Err(lost) = self.pump_output(ctx) {
            return self.connection_lost(lost, ctx);
        }
        self.arm_heartbeat(ctx);
        Next::Keep
    }

    /// Arms the heartbeat slot for the engine's next deadline (no later than it: a deadline
    /// that moved later since is found early, and re-armed then).
    fn arm_heartbeat(&mut self, ctx: &mut IoCtx<'_>) {
        let Some(at) = self
            .connection
            .as_ref()
            .and_then(|c| c.engine.poll_timeout())
        else {
            return;
        };
        ctx.timers
            .arm_by(&mut self.timers, self.id, Kind::Heartbeat, at);
    }

    /// Runs again after yielding its budget.
    pub(crate) fn resume(&mut self, ctx: &mut IoCtx<'_>) -> Next {
        self.drive(ctx)
    }

    fn drive(&mut self, ctx: &mut IoCtx<'_>) -> Next {
        if self.connection.as_ref().is_some_and(|c| !c.connecting) {
            let outcome = match self.pump_input(ctx) {
                Ok(()) => self.pump_output(ctx),
                Err(lost) => Err(lost),
            };
            if let Err(lost) = outcome {
                return self.connection_lost(lost, ctx);
            }
        }
        self.closing_outcome(ctx)
    }

    /// Whether a closing session (its socket closed, LINGER running) is done: once the pipe
    /// and the output are empty and, over ipc, the peer has read what the kernel still held.
    /// Closing earlier loses that tail: closing a Unix socket hangs the connection up, and a
    /// libzmq peer whose input is stopped by its full queue drops the connection, and the
    /// unread bytes, when it sees the hang-up. LINGER (when not -1) still bounds the wait.
    fn closing_outcome(&mut self, ctx: &mut IoCtx<'_>) -> Next {
        if !self.closing {
            return Next::Keep;
        }
        let queued = self.pipe.as_ref().is_some_and(|p| !p.is_read_empty());
        let (unsent, in_kernel) = match self.connection.as_ref() {
            Some(c) if c.engine.is_ready() => (
                !c.output.is_empty(),
                !c.connecting && c.stream.unread_by_peer() > 0,
            ),
            _ => (false, false),
        };
        if queued || unsent {
            Next::Keep
        } else if in_kernel {
            // No event says when the peer has read: look again shortly.
            let at = ctx.now + DRAIN_POLL;
            ctx.timers.arm(&mut self.timers, self.id, Kind::Drain, at);
            Next::Keep
        } else {
            Next::Close
        }
    }

    fn pump_input(&mut self, ctx: &mut IoCtx<'_>) -> Result<(), Lost> {
        // IN_BATCH_SIZE: bytes asked of the kernel per read.
        let read_chunk = self.socket.options.in_batch_size as usize;
        let mut budget = FAIRNESS_BUDGET;
        let mut received = false;
        loop {
            self.decode(ctx)?;
            let Some(c) = self.connection.as_mut() else {
                return Ok(());
            };
            if std::mem::take(&mut received) && c.engine.is_ready() {
                // Any traffic proves the peer alive; a TTL in a PING just decoded re-arms
                // its deadline.
                c.engine.note_traffic(ctx.now);
                self.arm_heartbeat(ctx);
            }
            let Some(c) = self.connection.as_mut() else {
                return Ok(());
            };
            // While the ZAP handler decides, the engine holds the peer's input: read no more.
            // A peer that hangs up meanwhile ends the handshake (libzmq reports EPIPE).
            if self.zap.is_some() && c.read_closed {
                return Err(Lost::Io(libc::EPIPE));
            }
            if self.stalled || !c.readable || self.zap.is_some() {
                return Ok(());
            }
            if budget == 0 {
                ctx.requeue.push(self.id);
                return Ok(());
            }
            budget -= 1;
            // Usually a chunk; while a large frame arrives, what it lacks (see reserve_input).
            let max = c.engine.reserve_input(read_chunk);
            let read = c.stream.read_into(c.engine.input_buffer(), max);
            received |= matches!(read, Ok(n) if n > 0);
            match read {
                Ok(0) => return Err(Lost::Io(libc::EPIPE)),
                // A short read drained the kernel buffer and new data brings a new edge —
                // unless the peer already closed: then read on until EOF.
                Ok(n) if n < max && !c.read_closed => c.readable = false,
                Ok(_) => {}
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => c.readable = false,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(Lost::Io(e.raw_os_error().unwrap_or(libc::ECONNRESET))),
            }
        }
    }

    /// Decodes buffered input into the pipe until it is consumed or the pipe is full.
    fn decode(&mut self, ctx: &mut IoCtx<'_>) -> Result<(), Lost> {
        loop {
            let Some(c) = self.connection.as_mut() else {
                return Ok(());
            };
            if self.stalled {
                return Ok(());
            }
            let mut ready: Option<PeerInfo> = None;
            let mut zap_request: Option<ZapRequest> = None;
            let result = loop {
                let event = match c.engine.poll_event() {
                    Ok(Some(event)) => event,
                    Ok(None) => break Ok(()),
                    Err(e) => break Err(e),
                };
                let parcel = match event {
                    Event::Ready(info) => {
                        ready = Some(info);
                        break Ok(());
                    }
                    Event::ZapRequest(request) => {
                        zap_request = Some(request);
                        break Ok(());
                    }
                    Event::Frame { more, body } => {
                        let mut frame = Message::from_bytes(body);
                        frame.set_more(more);
                        if more {
                            self.partial.push(frame);
                            continue;
                        }
                        if self.partial.is_empty() {
                            Parcel::One(frame)
                        } else {
                            self.partial.push(frame);
                            Parcel::from_frames(std::mem::take(&mut self.partial))
                        }
                    }
                    // The socket type decides what a peer's subscription means.
                    Event::Subscribe(topic) => match self.hook.peer_subscription(true, topic) {
                        Some(parcel) => parcel,
                        None => continue,
                    },
                    Event::Cancel(topic) => match self.hook.peer_subscription(false, topic) {
                        Some(parcel) => parcel,
                        None => continue,
                    },
                    Event::Join(group) => match self.hook.peer_group(true, group) {
                        Ok(Some(parcel)) => parcel,
                        Ok(None) => continue,
                        Err(e) => break Err(e),
                    },
                    Event::Leave(group) => match self.hook.peer_group(false, group) {
                        Ok(Some(parcel)) => parcel,
                        Ok(None) => continue,
                        Err(e) => break Err(e),
                    },
                };
                // Hands a whole message to the socket; stops once its queue is full.
                if let Some(p) = self.pipe.as_mut().filter(|p| !p.is_other_closed()) {
                    p.write_unflushed(parcel);
                    if !p.check_write() {
                        self.stalled = true;
                        break Ok(());
                    }
                }
            };
            // What this pass decoded reaches the socket at once: one publish and one check
            // for a sleeping reader per batch.
            if let Some(p) = self.pipe.as_mut() {
                p.flush();
            }
            if c.engine.has_output() {
                // Protocol replies (greeting stages, READY, PONG …) go out with the batch.
                c.engine.take_output(c.output.tail());
            }
            if let Err(e) = result {
                return Err(Lost::Protocol(e));
            }
            if let Some(request) = zap_request {
                if !self.begin_zap(request, ctx)? {
                    return Ok(());
                }
                continue;
            }
            match ready {
                Some(info) => self.handshake_done(info, ctx),
                None => return Ok(()),
            }
        }
    }

    /// Asks the ZAP handler about the peer, or applies libzmq's policy when none is bound:
    /// PLAIN (and anything under ZAP_ENFORCE_DOMAIN) is refused, NULL and CURVE go on
    /// unauthenticated. True if the engine may go on at once.
    fn begin_zap(&mut self, request: ZapRequest, ctx: &mut IoCtx<'_>) -> Result<bool, Lost> {
        let address = self.peer_address.as_deref().unwrap_or_default();
        let client = ZapClient::start(
            &self.socket,
            self.id,
            ctx.shared,
            address,
            request.mechanism,
            &request.credentials,
        );
        match client {
            Some(client) => {
                self.zap = Some(client);
                self.poll_zap()
            }
            None if request.mechanism == "PLAIN"
                || self.socket.options.security.zap_enforce_domain =>
            {
                Err(Lost::NoZapHandler)
            }
            None => self.answer_zap(200),
        }
    }

    /// Hands the ZAP handler's verdict to the engine once it has come. True if it came and
    /// allowed the peer.
    fn poll_zap(&mut self) -> Result<bool, Lost> {
        let Some(reply) = self.zap.as_mut().and_then(ZapClient::poll_reply) else {
            return Ok(false);
        };
        self.zap = None;
        let reply = reply.map_err(Lost::Zap)?;
        self.zap_verdict = Some((reply.user_id, reply.metadata));
        self.answer_zap(reply.status_code)
    }

    /// Tells the engine the ZAP status. A refusal is a protocol loss; `connection_lost` writes
    /// the ERROR the engine queued before it closes the connection.
    fn answer_zap(&mut self, status: u16) -> Result<bool, Lost> {
        let Some(c) = self.connection.as_mut() else {
            return Ok(false);
        };
        let result = c.engine.zap_reply(status);
        // A refusal's ERROR, or what a 200 lets the mechanism send next.
        c.engine.take_output(c.output.tail());
        result.map(|()| true).map_err(Lost::Protocol)
    }

    fn handshake_done(&mut self, peer: PeerInfo, ctx: &mut IoCtx<'_>) {
        ctx.timers
            .cancel(&mut self.timers, self.id, Kind::Handshake);
        self.event(SocketEvent::HANDSHAKE_SUCCEEDED, 0);
        if let Some(c) = self.connection.as_mut() {
            // Heartbeats start now (the engine skips ZMTP 1.0/2.0 peers, which have none).
            c.engine.note_traffic(ctx.now);
        }
        self.arm_heartbeat(ctx);
        if let Some(c) = self.connection.as_mut() {
            for topic in self.hook.resubscriptions() {
                c.engine
                    .encode(self.hook.outgoing(true, &topic), c.output.tail());
            }
            if let Some(hello) = peer_messages::hello(&self.socket.options, self.socket.socket_type)
            {
                encode_parcel(&mut c.engine, Parcel::One(hello), &mut c.output);
            }
        }
        let mut metadata =
            self.with_connection(PeerMetadata::new(&peer, self.peer_address.clone()));
        if let Some((user_id, properties)) = self.zap_verdict.take() {
            metadata = metadata.with_zap(user_id, properties);
        }
        self.peer_ready(Arc::new(metadata), ctx);
    }

    /// `metadata` with what the connection itself tells: its descriptor (ZMQ_SRCFD) and
    /// the peer's endpoint (for PIPES_STATS).
    fn with_connection(&self, metadata: PeerMetadata) -> PeerMetadata {
        let fd = self.connection.as_ref().map(|c| c.stream.as_raw_fd());
        metadata
            .with_source_fd(fd)
            .with_remote_endpoint(self.endpoints.1.clone())
    }

    /// A raw (STREAM) connection is up: the peer is ready at once, and the socket hears of it
    /// as an empty message if ZMQ_STREAM_NOTIFY is on.
    fn raw_peer_ready(&mut self, ctx: &mut IoCtx<'_>) {
        let metadata =
            self.with_connection(PeerMetadata::without_handshake(self.peer_address.clone()));
        self.peer_ready(Arc::new(metadata), ctx);
        self.stream_notify();
    }

    /// Delivers STREAM's connect/disconnect notification (an empty message).
    fn stream_notify(&mut self) {
        if !self.socket.options.stream_notify {
            return;
        }
        if let Some(pipe) = self.pipe.as_mut() {
            pipe.write(Parcel::One(Message::new()));
        }
    }

    /// The peer is known: an accepted session creates its pipe and hands it to the socket; a
    /// connect-side one tells the socket who is behind its pipe now (a ROUTER learns the
    /// peer's routing id from this).
    fn peer_ready(&mut self, metadata: Arc<PeerMetadata>, ctx: &mut IoCtx<'_>) {
        let Origin::Accept { listener } = self.origin else {
            if let Some(pipe) = &self.pipe {
                pipe.set_peer(metadata);
                if self.socket.options.immediate {
                    pipe.set_connected(true);
                }
                pipe.notify_other();
            }
            return;
        };
        if self.pipe.is_some() {
            return;
        }
        let options = &self.socket.options;
        let notify_socket: Arc<dyn Notify> = self.socket.shared.clone();
        let notify_session: Arc<dyn Notify> = ctx.shared.clone();
        let (socket_end, session_end) = pipe::pipe(
            self.id,
            options.sndhwm.max(0) as u64,
            options.rcvhwm.max(0) as u64,
            notify_socket,
            notify_session,
        );
        session_end.set_peer(metadata);
        self.pipe = Some(session_end);
        self.socket.shared.attach(socket_end, listener);
    }

    fn pump_output(&mut self, ctx: &mut IoCtx<'_>) -> Result<(), Lost> {
        let Some(c) = self.connection.as_mut() else {
            return Ok(());
        };
        let mut budget = FAIRNESS_BUDGET;
        loop {
            if c.engine.is_ready() {
                if let Some(pipe) = self.pipe.as_mut() {
                    // OUT_BATCH_SIZE: encoded bytes gathered before a write.
                    while c.output.len() < self.socket.options.out_batch_size as usize {
                        let Some(parcel) = pipe.read_unarmed() else {
                            break;
                        };
                        let subscription = match &parcel {
                            Parcel::Subscribe(topic) => Some((true, topic)),
                            Parcel::Cancel(topic) => Some((false, topic)),
                            _ => None,
                        };
                        match subscription {
                            Some((subscribe, topic)) => {
                                self.hook.sent_subscription(subscribe, topic);
                                let unit = self.hook.outgoing(subscribe, topic);
                                c.engine.encode(unit, c.output.tail());
                            }
                            None => encode_parcel(&mut c.engine, parcel, &mut c.output),
                        }
                    }
                    // Going idle: only now ask the socket to wake us when it writes again
                    // (a write that came meanwhile is taken at once).
                    if c.output.is_empty() && pipe.check_read() {
                        continue;
                    }
                }
            }
            if c.output.is_empty() || !c.writable {
                return Ok(());
            }
            if budget == 0 {
                ctx.requeue.push(self.id);
                return Ok(());
            }
            budget -= 1;
            let stream = &mut c.stream;
            match c.output.write_with(|slices| stream.write_vectored(slices)) {
                Ok(_) => {}
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                    c.writable = false;
                    return Ok(());
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(Lost::Io(e.raw_os_error().unwrap_or(libc::ECONNRESET))),
            }
        }
    }

    fn connection_lost(&mut self, lost: Lost, ctx: &mut IoCtx<'_>) -> Next {
        let protocol_error = matches!(lost, Lost::Protocol(_));
        let mut retry = Retry::after_connect_failure(false);
        let mut handshaken = false;
        if let Some(mut c) = self.connection.take() {
            handshaken = c.engine.is_ready() && !c.engine.is_raw();
            if matches!(lost, Lost::Protocol(_)) && !c.engine.is_ready() {
                // What the handshake queued (the rest of our greeting, an ERROR for a ZAP
                // refusal) goes out before the close, as far as the kernel takes it: the peer
                // then learns why (e.g. the mechanism mismatch) instead of seeing a reset.
                let stream = &mut c.stream;
                let _ = c.output.write_with(|slices| stream.write_vectored(slices));
            }
            let _ = ctx.registry.deregister(&mut c.stream);
            let fd = c.stream.as_raw_fd() as u32;
            retry = match lost {
                Lost::ConnectFailed { refused } => Retry::after_connect_failure(refused),
                _ if c.engine.is_ready() => Retry::AfterDisconnect,
                _ => Retry::AfterHandshakeFailure,
            };
            if let Lost::ConnectFailed { .. } = lost {
                self.event(SocketEvent::CLOSED, fd);
            } else {
                if !c.engine.is_ready() {
                    let (event, value) = handshake_failure(&lost);
                    self.event(event, value);
                }
                self.event(SocketEvent::DISCONNECTED, fd);
            }
            if c.engine.is_raw() {
                self.stream_notify();
            }
        }
        self.partial.clear();
        self.stalled = false;
        // The connection's timers go with it (the next attempt arms its own).
        for kind in [Kind::ConnectTimeout, Kind::Handshake, Kind::Heartbeat] {
            ctx.timers.cancel(&mut self.timers, self.id, kind);
        }
        self.zap = None;
        self.zap_verdict = None;
        if let Some(pipe) = self.pipe.as_mut() {
            // DISCONNECT_MSG / HICCUP_MSG: the socket hears of a handshaken connection's end.
            let (options, ty) = (&self.socket.options, self.socket.socket_type);
            let notice = match self.origin {
                Origin::Accept { .. } => peer_messages::disconnect(options, ty),
                Origin::Connect(_) => peer_messages::hiccup(options, ty),
            };
            if let Some(notice) = notice.filter(|_| handshaken) {
                pipe.write(Parcel::One(notice));
            }
            if matches!(self.origin, Origin::Connect(_)) {
                // The socket learns that nobody is behind the pipe until the next handshake
                // (ROUTER_NOTIFY reports each connection).
                pipe.clear_peer();
                pipe.notify_other();
            }
            if self.socket.options.immediate {
                // ZMQ_IMMEDIATE: what was queued for this connection goes with it, and
                // senders pass this pipe by until the next connection completes.
                pipe.set_connected(false);
                while pipe.read().is_some() {}
            }
        }
        match self.origin {
            Origin::Accept { .. } => Next::Close,
            // As libzmq (`session_base_t::engine_error`): a peer that broke the protocol
            // (refused us with an ERROR, spoke something else, sent what MAXMSGSIZE forbids)
            // is not dialled again; the connection ends for good.
            Origin::Connect(_) if protocol_error => Next::Close,
            Origin::Connect(_) => {
                if self.closing && self.pipe.as_ref().is_none_or(PipeEnd::is_read_empty) {
                    return Next::Close;
                }
                self.retry_later(retry, ctx)
            }
        }
    }

    fn retry_later(&mut self, why: Retry, ctx: &mut IoCtx<'_>) -> Next {
        let options = &self.socket.options;
        // As libzmq: RECONNECT_STOP, and RECONNECT_IVL -1 after a connection was made (its
        // session's `reconnect`), end the session and with it the endpoint, so the socket
        // drops the pipe and a later `connect` to the same endpoint starts afresh. A dial that
        // failed under RECONNECT_IVL -1 leaves the session waiting, never redialling.
        if options.reconnect_stop & why.stop_flag() != 0
            || (options.reconnect_ivl < 0 && why.after_connection())
        {
            return Next::Close;
        }
        if options.reconnect_ivl < 0 {
            return if self.closing {
                Next::Close
            } else {
                Next::Keep
            };
        }
        let Origin::Connect(dialer) = &mut self.origin else {
            return Next::Close;
        };
        let delay = dialer.next_delay(options);
        self.event(
            SocketEvent::CONNECT_RETRIED,
            u32::try_from(delay.as_millis()).unwrap_or(u32::MAX),
        );
        ctx.timers
            .arm(&mut self.timers, self.id, Kind::Reconnect, ctx.now + delay);
        Next::Keep
    }
}

/// The monitor event for a handshake that failed this way, with its value as libzmq gives it.
fn handshake_failure(lost: &Lost) -> (SocketEvent, u32) {
    match lost {
        Lost::Protocol(e) => match (e.zap_status_code(), e.protocol_error_code()) {
            (Some(status), _) => (SocketEvent::HANDSHAKE_FAILED_AUTH, status),
            (None, Some(code)) => (SocketEvent::HANDSHAKE_FAILED_PROTOCOL, code),
            (None, None) => (SocketEvent::HANDSHAKE_FAILED_NO_DETAIL, libc::EPROTO as u32),
        },
        Lost::Zap(ZapFailure::Protocol(code)) => (SocketEvent::HANDSHAKE_FAILED_PROTOCOL, *code),
        Lost::NoZapHandler => (SocketEvent::HANDSHAKE_FAILED_NO_DETAIL, libc::EFAULT as u32),
        Lost::HandshakeTimeout | Lost::HeartbeatTimeout => (
            SocketEvent::HANDSHAKE_FAILED_NO_DETAIL,
            libc::ETIMEDOUT as u32,
        ),
        Lost::Io(errno) => (SocketEvent::HANDSHAKE_FAILED_NO_DETAIL, *errno as u32),
        Lost::ConnectFailed { .. } => (
            SocketEvent::HANDSHAKE_FAILED_NO_DETAIL,
            libc::ECONNRESET as u32,
        ),
    }
}
