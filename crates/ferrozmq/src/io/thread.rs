//! The I/O thread's event loop: waits on mio, dispatches readiness to listeners and sessions,
//! runs commands from sockets, and fires timers (reconnect, handshake, linger).

use super::session::{IoCtx, Next, Session};
use super::stream::Listener;
use super::thread_setup;
use super::timer::{Kind, Slots, Timers};
use super::{IoCommand, IoShared, IoThread, SocketLink};
use crate::context_options::ThreadOptions;
use crate::monitor::{Endpoints, SocketEvent};
use std::collections::HashMap;
use std::io;
use std::os::fd::AsRawFd;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use mio::{Events, Interest, Poll, Token, Waker};

const WAKER: Token = Token(0);

struct ListenerEntry {
    listener: Listener,
    socket: SocketLink,
    /// Its [`Kind::Accept`] slot.
    timers: Slots,
    /// The wait before accepting again after the next EMFILE/ENFILE.
    backoff: Duration,
    /// Why its ipc file could not be removed (errno), if it could not: the close is then
    /// reported as CLOSE_FAILED, not CLOSED (libzmq's `ipc_listener_t::close`).
    close_failed: Option<u32>,
}

/// Connections one listener accepts in one loop turn; more wait for the next turn, so a
/// connection storm does not keep the loop from serving established sessions.
const ACCEPTS_PER_TURN: usize = 64;

/// The first and the longest wait before accepting again when the process or system is out
/// of descriptors (the pending connection stays in the backlog; mio's edge is not replayed).
const ACCEPT_BACKOFF_MIN: Duration = Duration::from_millis(10);
const ACCEPT_BACKOFF_MAX: Duration = Duration::from_secs(1);

impl Drop for ListenerEntry {
    fn drop(&mut self) {
        let (event, value) = match self.close_failed {
            Some(errno) => (SocketEvent::CLOSE_FAILED, errno),
            None => (SocketEvent::CLOSED, self.listener.as_raw_fd() as u32),
        };
        self.socket
            .shared
            .event(event, value, &self.socket.endpoint);
    }
}

struct IoLoop {
    poll: Poll,
    shared: Arc<IoShared>,
    sessions: HashMap<u64, Session>,
    listeners: HashMap<u64, ListenerEntry>,
    timers: Timers,
    requeue: Vec<u64>,
    stopping: bool,
}

/// Starts I/O thread number `index` with the context's thread options; sessions it accepts
/// take ids from `ids`.
pub(crate) fn spawn(
    index: usize,
    ids: Arc<AtomicU64>,
    options: &ThreadOptions,
) -> io::Result<IoThread> {
    let poll = Poll::new()?;
    let waker = Waker::new(poll.registry(), WAKER)?;
    let shared = Arc::new(IoShared {
        commands: Mutex::new(Vec::new()),
        wake_pending: AtomicBool::new(false),
        waker,
        ids,
        pending_timers: AtomicUsize::new(0),
    });
    let mut event_loop = IoLoop {
        poll,
        shared: shared.clone(),
        sessions: HashMap::new(),
        listeners: HashMap::new(),
        timers: Timers::default(),
        requeue: Vec::new(),
        stopping: false,
    };
    let name = thread_setup::thread_name(index, options);
    let join = std::thread::Builder::new()
        .name(name.clone())
        .spawn(move || {
            block_signals();
            event_loop.run()
        })?;
    let applied = thread_setup::apply(&join, &name, options);
    let mut thread = IoThread {
        shared,
        join: Some(join),
    };
    if let Err(error) = applied {
        thread.stop_and_join();
        return Err(error);
    }
    Ok(thread)
}

/// Blocks every signal in the calling (I/O) thread, as libzmq does in its threads: signal
/// handlers then run in application threads, where they interrupt blocking calls (EINTR).
fn block_signals() {
    // SAFETY: sigfillset initialises the set it is given; pthread_sigmask only reads it and
    // changes this thread's mask.
    unsafe {
        let mut all: libc::sigset_t = std::mem::zeroed();
        libc::sigfillset(&mut all);
        libc::pthread_sigmask(libc::SIG_BLOCK, &all, std::ptr::null_mut());
    }
}

impl IoLoop {
    fn run(&mut self) {
        let mut events = Events::with_capacity(256);
        let mut commands = Vec::new();
        let mut requeued = Vec::new();
        loop {
            let timeout = if self.requeue.is_empty() {
                self.timers
                    .next_deadline()
                    .map(|at| at.saturating_duration_since(Instant::now()))
            } else {
                Some(std::time::Duration::ZERO)
            };
            if let Err(e) = self.poll.poll(&mut events, timeout) {
                if e.kind() != io::ErrorKind::Interrupted {
                    // The poller itself failed: nothing more can be served.
                    return;
                }
            }
            for event in events.iter() {
                if event.token() == WAKER {
                    continue;
                }
                let id = event.token().0 as u64;
                if self.listeners.contains_key(&id) {
                    self.accept_all(id);
                } else {
                    let readable = event.is_readable();
                    let writable = event.is_writable() || event.is_write_closed();
                    let closed = event.is_read_closed() || event.is_error();
                    self.with_session(id, |s, ctx| s.on_ready(readable, writable, closed, ctx));
                }
            }
            self.shared.take_commands(&mut commands);
            for command in commands.drain(..) {
                self.execute(command);
            }
            std::mem::swap(&mut self.requeue, &mut requeued);
            for id in requeued.drain(..) {
                self.with_session(id, |s, ctx| s.resume(ctx));
            }
            self.fire_timers();
            self.shared
                .pending_timers
                .store(self.timers.len(), Ordering::Relaxed);
            if self.stopping && self.sessions.is_empty() && self.listeners.is_empty() {
                return;
            }
        }
    }

    /// Runs `f` on session `id` with the loop's services, and closes it if asked to.
    fn with_session(&mut self, id: u64, f: impl FnOnce(&mut Session, &mut IoCtx<'_>) -> Next) {
        let Some(session) = self.sessions.get_mut(&id) else {
            return;
        };
        let mut ctx = IoCtx {
            registry: self.poll.registry(),
            shared: &self.shared,
            timers: &mut self.timers,
            requeue: &mut self.requeue,
            now: Instant::now(),
        };
        if f(session, &mut ctx) == Next::Close {
            session.cancel_timers(&mut self.timers);
            self.sessions.remove(&id);
        }
    }

    fn execute(&mut self, command: IoCommand) {
        match command {
            IoCommand::Listen {
                id,
                mut listener,
                socket,
            } => {
                let registered = self.poll.registry().register(
                    &mut listener,
                    Token(id as usize),
                    Interest::READABLE,
                );
                let entry = ListenerEntry {
                    listener,
                    socket,
                    timers: Slots::default(),
                    backoff: ACCEPT_BACKOFF_MIN,
                    close_failed: None,
                };
                if registered.is_ok() {
                    self.listeners.insert(id, entry);
                    // Connections may have queued before registration; edges are not replayed.
                    self.accept_all(id);
                }
            }
            IoCommand::Connect {
                id,
                target,
                pipe,
                socket,
            } => {
                self.sessions
                    .insert(id, Session::connecting(id, target, pipe, socket));
                self.with_session(id, |s, ctx| s.start(ctx));
            }
            IoCommand::Activate(id) => self.with_session(id, |s, ctx| s.on_activate(ctx)),
            IoCommand::Unbind(id, close_failed) => {
                if let Some(mut entry) = self.listeners.remove(&id) {
                    entry.close_failed = close_failed;
                    self.timers.cancel_all(&mut entry.timers, id);
                }
                // Connections still in their handshake go with the listener. Attached ones end
                // when the socket closes their pipes, after delivering what is queued for them
                // within LINGER.
                let timers = &mut self.timers;
                self.sessions.retain(|_, s| {
                    let keep = s.listener() != Some(id) || s.has_pipe();
                    if !keep {
                        s.cancel_timers(timers);
                    }
                    keep
                });
            }
            IoCommand::Stop => self.stopping = true,
        }
    }

    /// Accepts what is pending on a listener, at most [`ACCEPTS_PER_TURN`]; when out of
    /// descriptors it tries again after a back-off, as the pending connection stays queued.
    fn accept_all(&mut self, listener_id: u64) {
        for _ in 0..ACCEPTS_PER_TURN {
            let Some(entry) = self.listeners.get_mut(&listener_id) else {
                return;
            };
            let (stream, peer_address) = match entry.listener.accept() {
                Ok(accepted) => accepted,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return,
                Err(e) => {
                    let errno = e.raw_os_error().unwrap_or(0);
                    entry.socket.shared.event(
                        SocketEvent::ACCEPT_FAILED,
                        errno as u32,
                        &entry.socket.endpoint,
                    );
                    if matches!(
                        errno,
                        libc::EMFILE | libc::ENFILE | libc::ENOBUFS | libc::ENOMEM
                    ) {
                        let at = Instant::now() + entry.backoff;
                        entry.backoff = (entry.backoff * 2).min(ACCEPT_BACKOFF_MAX);
                        self.timers
                            .arm(&mut entry.timers, listener_id, Kind::Accept, at);
                        return;
                    }
                    // The connection failed before it was taken (ECONNABORTED…): go on.
                    continue;
                }
            };
            entry.backoff = ACCEPT_BACKOFF_MIN;
            if !entry.socket.options.accept_filters.admits(&stream) {
                // TCP_ACCEPT_FILTER / IPC_FILTER_*: closed at once, reported as libzmq
                // reports it, a failed accept (with EACCES, where libzmq's errno is stale).
                let endpoint = &entry.socket.endpoint;
                let errno = libc::EACCES as u32;
                entry
                    .socket
                    .shared
                    .event(SocketEvent::ACCEPT_FAILED, errno, endpoint);
                continue;
            }
            if let Err(e) = Listener::configure(&stream, &entry.socket.options) {
                // Only this connection is dropped; the listener goes on.
                let errno = e.raw_os_error().unwrap_or(0) as u32;
                let endpoint = &entry.socket.endpoint;
                entry
                    .socket
                    .shared
                    .event(SocketEvent::ACCEPT_FAILED, errno, endpoint);
                continue;
            }
            let fd = stream.as_raw_fd() as u32;
            let (local, remote) = stream.endpoints();
            let at = Endpoints {
                local: if local.is_empty() {
                    &entry.socket.endpoint
                } else {
                    &local
                },
                remote: &remote,
                bound: true,
            };
            let accepted = u64::from(SocketEvent::ACCEPTED.to_raw());
            entry.socket.shared.event_at(accepted, &[u64::from(fd)], at);
            let socket = entry.socket.clone();
            let id = self.shared.ids.fetch_add(1, Ordering::Relaxed);
            let mut ctx = IoCtx {
                registry: self.poll.registry(),
                shared: &self.shared,
                timers: &mut self.timers,
                requeue: &mut self.requeue,
                now: Instant::now(),
            };
            let accepted =
                Session::accepted(id, stream, peer_address, listener_id, socket, &mut ctx);
            if let Ok(mut session) = accepted {
                if session.resume(&mut ctx) == Next::Keep {
                    self.sessions.insert(id, session);
                } else {
                    session.cancel_timers(&mut self.timers);
                }
            }
        }
        // The bound was reached: the rest waits for the next turn (mio will not signal again).
        if let Some(entry) = self.listeners.get_mut(&listener_id) {
            self.timers
                .arm(&mut entry.timers, listener_id, Kind::Accept, Instant::now());
        }
    }

    fn fire_timers(&mut self) {
        let now = Instant::now();
        while let Some((id, kind)) = self.timers.pop_due(now) {
            if let Some(entry) = self.listeners.get_mut(&id) {
                entry.timers.fired(kind);
                self.accept_all(id);
                continue;
            }
            self.with_session(id, |s, ctx| s.on_timer(kind, ctx));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::{Context, REP, REQ};

    /// A busy connection with heartbeats on keeps a bounded number of timer entries: each
    /// session has one slot per timer kind, re-armed in place, however many reads it does.
    #[test]
    fn busy_heartbeating_connection_keeps_timer_entries_bounded() {
        let ctx = Context::new();
        let rep = ctx.socket(REP).unwrap();
        let req = ctx.socket(REQ).unwrap();
        for s in [&rep, &req] {
            // Long enough that no PING is due during the test: only reads arm timers.
            s.set_heartbeat_ivl(60_000).unwrap();
            s.set_rcvtimeo(5000).unwrap();
        }
        rep.bind("tcp://127.0.0.1:*").unwrap();
        let endpoint = rep.get_last_endpoint().unwrap().unwrap();
        req.connect(&endpoint).unwrap();
        // Every round trip is at least one read on each side.
        for _ in 0..2000 {
            req.send("ping", 0).unwrap();
            assert_eq!(rep.recv_bytes(0).unwrap(), b"ping");
            rep.send("pong", 0).unwrap();
            assert_eq!(req.recv_bytes(0).unwrap(), b"pong");
        }
        let io = ctx.inner().choose_io_thread(0).unwrap();
        // Two sessions (and the listener), a handful of kinds each.
        assert!(
            io.pending_timers() <= 16,
            "{} timer entries pending after 2000 round trips",
            io.pending_timers()
        );
    }
}
