//! `SocketShared`: the part of a socket that other threads reach — its mailbox of commands
//! (new pipes, pipe activity) and the signaler that wakes the socket's thread.
//!
//! It sits beside `socket/`, `io/` and `inproc`, owned by none of them: the I/O threads and
//! the inproc registry post into it, the socket drains it, and none of them needs the others
//! to do so.

use crate::monitor::{Endpoints, Monitor, SocketEvent};
use crate::pipe::{Notify, PipeEnd};
use crate::signal::{lock, Signaler};
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};
use std::sync::Mutex;

/// News for a socket from its pipes and I/O threads.
pub(crate) enum SocketCommand {
    /// A peer finished its handshake (accepted through listener `listener`); here is its pipe.
    Attach { pipe: PipeEnd, listener: u64 },
    /// Pipe `id` may have become readable, writable or closed.
    PipeEvent(u64),
}

struct Mailbox {
    commands: Vec<SocketCommand>,
    /// Set when the socket closed: later attachments are refused at once.
    closed: bool,
}

/// A socket's mailbox and wake-up latch, shared with its pipes and I/O threads.
pub(crate) struct SocketShared {
    mailbox: Mutex<Mailbox>,
    /// A cheap hint that the mailbox is not empty, checked on every send and recv.
    pending: AtomicBool,
    /// Wakes the socket's thread from a blocking call.
    pub signaler: Signaler,
    linger: AtomicI32,
    /// Where connection events go, while the socket is monitored.
    monitor: Mutex<Option<Monitor>>,
}

impl SocketShared {
    /// A new, empty mailbox for a socket with LINGER `linger`.
    pub(crate) fn new(linger: i32) -> crate::error::Result<SocketShared> {
        Ok(SocketShared {
            mailbox: Mutex::new(Mailbox {
                commands: Vec::new(),
                closed: false,
            }),
            pending: AtomicBool::new(false),
            signaler: Signaler::new()?,
            linger: AtomicI32::new(linger),
            monitor: Mutex::new(None),
        })
    }

    /// Hands a new peer's pipe to the socket (dropped at once if the socket has closed).
    pub(crate) fn attach(&self, pipe: PipeEnd, listener: u64) {
        self.post(SocketCommand::Attach { pipe, listener });
    }

    fn post(&self, command: SocketCommand) {
        let mut mailbox = lock(&self.mailbox);
        if mailbox.closed {
            drop(mailbox);
            drop(command);
            return;
        }
        mailbox.commands.push(command);
        drop(mailbox);
        self.pending.store(true, Ordering::Release);
        self.signaler.signal();
    }

    /// Moves every pending command into `into` (cheap when there are none).
    #[inline]
    pub(crate) fn take_commands(&self, into: &mut Vec<SocketCommand>) {
        if self.pending.load(Ordering::Relaxed) && self.pending.swap(false, Ordering::AcqRel) {
            std::mem::swap(&mut lock(&self.mailbox).commands, into);
        }
    }

    /// Marks the socket closed and returns what was still queued, to be dropped by the caller.
    pub(crate) fn close(&self) -> Vec<SocketCommand> {
        let mut mailbox = lock(&self.mailbox);
        mailbox.closed = true;
        std::mem::take(&mut mailbox.commands)
    }

    /// Starts monitoring with `monitor`, returning the previous monitor if there was one.
    pub(crate) fn set_monitor(&self, monitor: Option<Monitor>) -> Option<Monitor> {
        std::mem::replace(&mut *lock(&self.monitor), monitor)
    }

    /// Reports a connection event to the monitor, if any (`endpoint`: see `Monitor::emit`).
    pub(crate) fn event(&self, event: SocketEvent, value: u32, endpoint: &str) {
        if let Some(monitor) = lock(&self.monitor).as_ref() {
            monitor.emit(event, value, endpoint);
        }
    }

    /// Reports an event with its values and both endpoints to the monitor, if any.
    pub(crate) fn event_at(&self, event: u64, values: &[u64], at: Endpoints<'_>) {
        if let Some(monitor) = lock(&self.monitor).as_ref() {
            monitor.emit_at(event, values, at);
        }
    }

    /// Whether a monitor is there and wants `event`.
    pub(crate) fn monitor_wants(&self, event: u64) -> bool {
        lock(&self.monitor).as_ref().is_some_and(|m| m.wants(event))
    }

    /// LINGER in milliseconds, as set now (-1 = forever).
    pub(crate) fn linger(&self) -> i32 {
        self.linger.load(Ordering::Relaxed)
    }

    /// Updates LINGER, which sessions read when the socket closes.
    pub(crate) fn set_linger(&self, linger: i32) {
        self.linger.store(linger, Ordering::Relaxed);
    }
}

impl Notify for SocketShared {
    fn notify(&self, pipe_id: u64) {
        self.post(SocketCommand::PipeEvent(pipe_id));
    }
}
