//! `poll`: waits until any of several sockets or raw file descriptors is ready, as
//! `zmq_poll` does — level-triggered, -1 waits forever, 0 returns at once.
//!
//! ```
//! use ferrozmq::{poll, Context, POLLIN, PULL, PUSH};
//! let ctx = Context::new();
//! let pull = ctx.socket(PULL)?;
//! pull.bind("tcp://127.0.0.1:*")?;
//! let push = ctx.socket(PUSH)?;
//! push.connect(&pull.get_last_endpoint()?.unwrap())?;
//! push.send("ready?", 0)?;
//! let mut items = [pull.as_poll_item(POLLIN)];
//! assert_eq!(poll(&mut items, 5000)?, 1);
//! assert!(items[0].is_readable());
//! # Ok::<(), ferrozmq::Error>(())
//! ```

use crate::error::{Error, Result};
use crate::readiness::ReadinessSet;
use crate::socket::{Socket, ThreadSafeSocket};
use crate::sys::{self, PollFd};
use std::os::fd::{AsRawFd, RawFd};
use std::time::{Duration, Instant};

bitflags::bitflags! {
    /// Poll event bits, libzmq's `short` events as a set (rust-zmq's `PollEvents`):
    /// `events.contains(POLLIN)`, `POLLIN | POLLOUT`, `PollEvents::empty()`; `bits()` is the
    /// number libzmq uses.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
    pub struct PollEvents: i16 {
        /// At least one message can be received (or the fd is readable).
        const POLLIN = 1;
        /// At least one message can be sent (or the fd is writable).
        const POLLOUT = 2;
        /// An error condition on a raw fd.
        const POLLERR = 4;
        /// Urgent data on a raw fd.
        const POLLPRI = 8;
    }
}

/// At least one message can be received (or the fd is readable).
pub const POLLIN: PollEvents = PollEvents::POLLIN;
/// At least one message can be sent (or the fd is writable).
pub const POLLOUT: PollEvents = PollEvents::POLLOUT;
/// An error condition on a raw fd.
pub const POLLERR: PollEvents = PollEvents::POLLERR;
/// Urgent data on a raw fd.
pub const POLLPRI: PollEvents = PollEvents::POLLPRI;

/// One thing to poll: a socket or a raw file descriptor, the events wanted, and after `poll`
/// the events found.
pub struct PollItem<'a> {
    socket: Option<&'a dyn Pollable>,
    fd: RawFd,
    events: PollEvents,
    revents: PollEvents,
}

impl<'a> PollItem<'a> {
    /// Polls a raw file descriptor (a pipe, a TCP socket of your own, stdin…).
    pub fn from_fd(fd: RawFd, events: PollEvents) -> PollItem<'a> {
        PollItem {
            socket: None,
            fd,
            events,
            revents: PollEvents::empty(),
        }
    }

    pub(crate) fn from_pollable(socket: &'a dyn Pollable, events: PollEvents) -> PollItem<'a> {
        PollItem {
            socket: Some(socket),
            fd: -1,
            events,
            revents: PollEvents::empty(),
        }
    }

    /// Changes the events asked for.
    pub fn set_events(&mut self, events: PollEvents) {
        self.events = events;
    }

    /// The events found by the last `poll`.
    pub fn get_revents(&self) -> PollEvents {
        self.revents
    }

    /// POLLIN was found.
    pub fn is_readable(&self) -> bool {
        self.revents.contains(POLLIN)
    }

    /// POLLOUT was found.
    pub fn is_writable(&self) -> bool {
        self.revents.contains(POLLOUT)
    }

    /// POLLERR was found (raw fds only).
    pub fn is_error(&self) -> bool {
        self.revents.contains(POLLERR)
    }

    /// True if this item polls `socket`.
    pub fn has_socket(&self, socket: &Socket) -> bool {
        self.socket
            .is_some_and(|s| std::ptr::addr_eq(s as *const dyn Pollable, socket))
    }

    /// True if this item polls raw descriptor `fd`.
    pub fn has_fd(&self, fd: RawFd) -> bool {
        self.socket.is_none() && self.fd == fd
    }
}

/// What `poll` needs of a socket: its readiness (ZMQ_EVENTS) and the descriptor that
/// becomes readable when that may have changed. `Socket` and `ThreadSafeSocket` have them.
pub(crate) trait Pollable {
    /// ZMQ_EVENTS, consuming the pending wake-up.
    fn poll_events(&self) -> Result<PollEvents>;
    /// The socket's signaler descriptor.
    fn signal_fd(&self) -> RawFd;
}

impl Pollable for Socket {
    fn poll_events(&self) -> Result<PollEvents> {
        Socket::poll_events(self)
    }

    fn signal_fd(&self) -> RawFd {
        Socket::signal_fd(self)
    }
}

/// libzmq's event bits as `poll(2)` conditions.
fn to_sys(events: PollEvents) -> i16 {
    let mut out = 0;
    if events.contains(POLLIN) {
        out |= sys::READABLE;
    }
    if events.contains(POLLOUT) {
        out |= sys::WRITABLE;
    }
    if events.contains(POLLPRI) {
        out |= sys::PRIORITY;
    }
    out
}

/// `poll(2)` conditions as libzmq's event bits.
fn from_sys(revents: i16) -> PollEvents {
    let mut out = PollEvents::empty();
    if revents & (sys::READABLE | sys::HANGUP) != 0 {
        out |= POLLIN;
    }
    if revents & sys::WRITABLE != 0 {
        out |= POLLOUT;
    }
    if revents & sys::FAILED != 0 {
        out |= POLLERR;
    }
    if revents & sys::PRIORITY != 0 {
        out |= POLLPRI;
    }
    out
}

/// Waits until at least one item is ready or `timeout_ms` passes (-1: forever, 0: just
/// look), and returns how many items are ready; each item's `get_revents` says what it found.
/// Errors: ETERM if a socket's context was terminated, EINTR if a signal interrupted the wait.
pub fn poll(items: &mut [PollItem<'_>], timeout_ms: i64) -> Result<i32> {
    poll_until(items, deadline_after(timeout_ms)).map(|n| n as i32)
}

/// [`poll`] until `deadline` (None: forever), to the nanosecond rather than the millisecond:
/// the reactor's wait for its next timer.
pub(crate) fn poll_until(items: &mut [PollItem<'_>], deadline: Option<Instant>) -> Result<usize> {
    let mut fds = Vec::with_capacity(items.len());
    for item in items.iter() {
        fds.push(pollfd_for(item)?);
    }
    wait(items, &mut fds, deadline)
}

/// The deadline of a `zmq_poll` timeout in milliseconds (negative: none).
fn deadline_after(timeout_ms: i64) -> Option<Instant> {
    u64::try_from(timeout_ms)
        .ok()
        .map(|ms| Instant::now() + Duration::from_millis(ms))
}

/// The descriptor and events that wake a wait for `item`.
fn pollfd_for(item: &PollItem<'_>) -> Result<PollFd> {
    Ok(match item.socket {
        Some(socket) => PollFd::new(socket.signal_fd(), sys::READABLE),
        None => PollFd::new(item.fd, to_sys(item.events)),
    })
}

/// The poll loop shared by `poll` and `Poller`: `fds[i]` wakes the wait for `items[i]`.
fn wait(
    items: &mut [PollItem<'_>],
    fds: &mut [PollFd],
    deadline: Option<Instant>,
) -> Result<usize> {
    loop {
        sys::ppoll(fds, Some(Duration::ZERO))?;
        let mut ready = 0;
        for (item, fd) in items.iter_mut().zip(fds.iter()) {
            item.revents = match item.socket {
                Some(socket) => socket.poll_events()? & item.events,
                None => from_sys(fd.revents()) & (item.events | POLLERR),
            };
            if !item.revents.is_empty() {
                ready += 1;
            }
        }
        if ready > 0 {
            return Ok(ready);
        }
        let timeout = deadline.map(|d| d.saturating_duration_since(Instant::now()));
        if timeout.is_some_and(|t| t.is_zero()) {
            return Ok(0);
        }
        sys::ppoll(fds, timeout)?;
    }
}

/// A set of sockets and descriptors to wait on repeatedly (libzmq's `zmq_poller`): the set is
/// built once and kept between waits, instead of being passed in on every call. As
/// `zmq_poller`'s: an entry holds user data (a `usize`), a socket or descriptor is added once
/// (EINVAL the second time), [`wait_all`](Poller::wait_all) says EAGAIN on timeout, and
/// [`fd`](Poller::fd) gives a descriptor that becomes readable when an entry may be ready.
///
/// ```
/// use ferrozmq::{Context, Poller, POLLIN, PULL, PUSH};
/// let ctx = Context::new();
/// let pull = ctx.socket(PULL)?;
/// pull.bind("inproc://poller-doc")?;
/// let push = ctx.socket(PUSH)?;
/// push.connect("inproc://poller-doc")?;
/// let mut poller = Poller::new();
/// let pull_id = poller.add(&pull, POLLIN)?;
/// push.send("hi", 0)?;
/// assert_eq!(poller.wait(1000)?, 1);
/// assert!(poller.ready().any(|(id, events)| id == pull_id && events.contains(POLLIN)));
/// # Ok::<(), ferrozmq::Error>(())
/// ```
#[derive(Default)]
pub struct Poller<'a> {
    items: Vec<PollItem<'a>>,
    fds: Vec<PollFd>,
    /// Per entry: its user data and whether it is a thread-safe socket.
    entries: Vec<Entry>,
    /// Behind [`Poller::fd`], made on first use: an epoll set of every entry's descriptor.
    readiness: Option<ReadinessSet>,
}

#[derive(Clone, Copy, Default)]
struct Entry {
    user_data: usize,
    thread_safe: bool,
}

/// One ready entry, as [`Poller::wait_all`] reports it (`zmq_poller_event_t`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PollerEvent {
    /// The entry's index in the set.
    pub index: usize,
    /// What was found ([`POLLIN`], [`POLLOUT`], [`POLLERR`]…).
    pub events: PollEvents,
    /// The entry's user data ([`Poller::set_user_data`]).
    pub user_data: usize,
}

impl<'a> Poller<'a> {
    /// An empty set.
    pub fn new() -> Poller<'a> {
        Poller::default()
    }

    /// Adds a socket to wait on for `events`; returns its index in the set. EINVAL if it
    /// is in the set already.
    pub fn add(&mut self, socket: &'a Socket, events: PollEvents) -> Result<usize> {
        self.push(socket.as_poll_item(events), false)
    }

    /// Adds a thread-safe socket to wait on for `events`; returns its index in the set.
    /// EINVAL if it is in the set already.
    pub fn add_thread_safe(
        &mut self,
        socket: &'a ThreadSafeSocket,
        events: PollEvents,
    ) -> Result<usize> {
        self.push(socket.as_poll_item(events), true)
    }

    /// Adds a raw descriptor to wait on for `events`; returns its index in the set. EINVAL
    /// if it is in the set already.
    pub fn add_fd(&mut self, fd: RawFd, events: PollEvents) -> Result<usize> {
        self.push(PollItem::from_fd(fd, events), false)
    }

    fn push(&mut self, item: PollItem<'a>, thread_safe: bool) -> Result<usize> {
        let fd = pollfd_for(&item)?;
        if self.fds.iter().any(|known| known.fd() == fd.fd()) {
            return Err(Error::EINVAL);
        }
        self.register(fd)?;
        self.fds.push(fd);
        self.items.push(item);
        self.entries.push(Entry {
            user_data: 0,
            thread_safe,
        });
        Ok(self.items.len() - 1)
    }

    /// Changes the events wanted for entry `index`; EINVAL if there is no such entry.
    pub fn modify(&mut self, index: usize, events: PollEvents) -> Result<()> {
        let item = self.items.get_mut(index).ok_or(Error::EINVAL)?;
        item.set_events(events);
        let fd = pollfd_for(item)?;
        self.deregister(self.fds[index]);
        self.register(fd)?;
        self.fds[index] = fd;
        Ok(())
    }

    /// Removes entry `index` (later entries move down by one); EINVAL if there is none.
    pub fn remove(&mut self, index: usize) -> Result<()> {
        if index >= self.items.len() {
            return Err(Error::EINVAL);
        }
        self.items.remove(index);
        let fd = self.fds.remove(index);
        self.deregister(fd);
        self.entries.remove(index);
        Ok(())
    }

    /// Sets the user data of entry `index` (`zmq_poller_add`'s `user_data`); EINVAL if there
    /// is no such entry.
    pub fn set_user_data(&mut self, index: usize, user_data: usize) -> Result<()> {
        self.entries.get_mut(index).ok_or(Error::EINVAL)?.user_data = user_data;
        Ok(())
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// True if the set is empty.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Waits as [`poll`] does; returns how many entries are ready (0 on timeout).
    pub fn wait(&mut self, timeout_ms: i64) -> Result<usize> {
        self.clear_readiness();
        let ready = wait(&mut self.items, &mut self.fds, deadline_after(timeout_ms));
        // What woke this wait is taken: the descriptor of `fd` goes quiet again.
        self.clear_readiness();
        ready
    }

    /// Waits as `zmq_poller_wait_all` does: every ready entry with its user data, EAGAIN
    /// if none is ready before `timeout_ms` passes, EFAULT for an empty set and no timeout
    /// (it would wait forever).
    pub fn wait_all(&mut self, timeout_ms: i64) -> Result<Vec<PollerEvent>> {
        if self.is_empty() && timeout_ms < 0 {
            return Err(Error::EFAULT);
        }
        if self.wait(timeout_ms)? == 0 {
            return Err(Error::EAGAIN);
        }
        Ok(self
            .ready()
            .map(|(index, events)| PollerEvent {
                index,
                events,
                user_data: self.entries[index].user_data,
            })
            .collect())
    }

    /// The entries found ready by the last `wait`, with what was found.
    pub fn ready(&self) -> impl Iterator<Item = (usize, PollEvents)> + '_ {
        self.items
            .iter()
            .enumerate()
            .filter(|(_, item)| !item.revents.is_empty())
            .map(|(i, item)| (i, item.revents))
    }

    /// A descriptor that becomes readable when an entry may have become ready
    /// (`zmq_poller_fd`), to wait on this set from another event loop; then call
    /// [`wait`](Poller::wait) with timeout 0. Like ZMQ_FD it signals changes (it stays
    /// quiet about a raw descriptor that was ready already at the last `wait`). As libzmq,
    /// it exists only while a thread-safe socket is in the set: EINVAL otherwise.
    pub fn fd(&mut self) -> Result<RawFd> {
        if !self.entries.iter().any(|e| e.thread_safe) {
            return Err(Error::EINVAL);
        }
        if self.readiness.is_none() {
            self.readiness = Some(ReadinessSet::new()?);
            for fd in self.fds.clone() {
                self.register(fd)?;
            }
        }
        Ok(self.readiness.as_ref().map_or(-1, |r| r.as_raw_fd()))
    }

    /// Adds `fd` to the readiness set, if there is one.
    fn register(&self, fd: PollFd) -> Result<()> {
        match &self.readiness {
            Some(readiness) => readiness.watch_fd(fd.fd(), from_sys(fd.events())),
            None => Ok(()),
        }
    }

    /// Removes `fd` from the readiness set, if there is one.
    fn deregister(&self, fd: PollFd) {
        if let Some(readiness) = &self.readiness {
            readiness.unwatch_fd(fd.fd());
        }
    }

    /// Consumes what the readiness set has queued, so its descriptor goes quiet until
    /// something changes again.
    fn clear_readiness(&mut self) {
        if let Some(readiness) = &mut self.readiness {
            readiness.clear();
        }
    }
}
