//! I/O threads: each runs one mio event loop that owns listeners and sessions (one per
//! connection or connect endpoint) and moves bytes between kernel sockets and pipes.
//!
//! Sockets talk to an I/O thread only through [`IoCommand`]s posted to its mailbox; the thread
//! is woken (one eventfd write) only when it is not already awake to drain the mailbox.

mod accept_filter;
mod dialer;
mod encode;
mod engine_config;
mod outbuf;
mod session;
mod session_hook;
mod socks;
mod stream;
mod thread;
mod thread_setup;
mod timer;
mod tls;
mod transport;
mod ws_stream;
mod zap_client;

pub(crate) use accept_filter::{AcceptFilters, Credential};
pub(crate) use dialer::ConnectTarget;
pub(crate) use stream::Listener;
pub(crate) use thread::spawn;
pub(crate) use transport::{listen, TransportKind};

use crate::mailbox::SocketShared;
use crate::options::Options;
use crate::pipe::{Notify, PipeEnd};
use crate::signal::lock;
use ferrozmq_zmtp::SocketType;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// What a session or listener knows about the socket it serves.
#[derive(Clone)]
pub(crate) struct SocketLink {
    /// The socket's mailbox and signaler.
    pub shared: Arc<SocketShared>,
    /// Options snapshotted at bind/connect time.
    pub options: Arc<Options>,
    /// The socket's type, for the handshake.
    pub socket_type: SocketType,
    /// The endpoint as bound (resolved) or as connected to, for monitor events.
    pub endpoint: Arc<str>,
    /// The context's inproc endpoints, where sessions find the ZAP handler.
    pub inproc: Arc<Mutex<crate::inproc::Registry>>,
}

/// Work for an I/O thread.
pub(crate) enum IoCommand {
    /// Start accepting on a bound listener.
    Listen {
        id: u64,
        listener: Listener,
        socket: SocketLink,
    },
    /// Start a connect-side session that feeds `pipe`.
    Connect {
        id: u64,
        target: ConnectTarget,
        pipe: PipeEnd,
        socket: SocketLink,
    },
    /// Pipe `id` has news for its session (data, room, or the socket closed it).
    Activate(u64),
    /// Close listener `id` and every connection accepted through it; the errno of a failed
    /// removal of its ipc file, if any, makes the close CLOSE_FAILED.
    Unbind(u64, Option<u32>),
    /// The context is terminating: exit once every session has finished lingering.
    Stop,
}

/// The part of an I/O thread that other threads can reach.
pub(crate) struct IoShared {
    commands: Mutex<Vec<IoCommand>>,
    wake_pending: AtomicBool,
    waker: mio::Waker,
    /// The context's id source, for sessions created on accept.
    pub ids: Arc<AtomicU64>,
    /// Timer entries the loop holds, published after each turn (see `pending_timers`).
    pending_timers: AtomicUsize,
}

impl IoShared {
    /// Posts a command and wakes the thread unless a wake-up is already on its way.
    pub(crate) fn send(&self, command: IoCommand) {
        lock(&self.commands).push(command);
        if !self.wake_pending.swap(true, Ordering::AcqRel) {
            // A failed eventfd write leaves the command queued; the next wake-up delivers it.
            let _ = self.waker.wake();
        }
    }

    /// How many timer entries the thread held at the end of its last turn: bounded by the
    /// number of sessions times the timer kinds, however busy they are.
    #[cfg(test)]
    pub(crate) fn pending_timers(&self) -> usize {
        self.pending_timers.load(Ordering::Relaxed)
    }

    fn take_commands(&self, into: &mut Vec<IoCommand>) {
        self.wake_pending.store(false, Ordering::SeqCst);
        std::mem::swap(&mut *lock(&self.commands), into);
    }
}

impl Notify for IoShared {
    fn notify(&self, pipe_id: u64) {
        self.send(IoCommand::Activate(pipe_id));
    }
}

/// A running I/O thread: its mailbox and its join handle.
pub(crate) struct IoThread {
    /// The thread's mailbox.
    pub shared: Arc<IoShared>,
    join: Option<std::thread::JoinHandle<()>>,
}

impl IoThread {
    /// Asks the thread to stop once idle and waits for it.
    pub(crate) fn stop_and_join(&mut self) {
        self.shared.send(IoCommand::Stop);
        if let Some(join) = self.join.take() {
            let _ = join.join();
        }
    }
}
