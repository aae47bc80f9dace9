//! A descriptor for a whole set of sockets and descriptors: what `zmq_poller_fd` hands to
//! another event loop, so it can wait on a ferrozmq poll set among its own descriptors.
//!
//! It is an epoll set in edge-triggered mode: it becomes readable when something in the
//! set may have changed, and [`ReadinessSet::clear`] makes it quiet again once the owner has
//! looked at every entry.

use crate::error::Result;
use crate::poll::{PollEvents, POLLOUT};
use crate::socket::Socket;
use mio::unix::SourceFd;
use mio::{Interest, Token};
use std::os::fd::{AsRawFd, RawFd};
use std::time::Duration;

/// An epoll set of the descriptors behind a poll set's entries (see the module doc).
pub struct ReadinessSet {
    poll: mio::Poll,
}

impl ReadinessSet {
    /// An empty set.
    pub fn new() -> Result<ReadinessSet> {
        Ok(ReadinessSet {
            poll: mio::Poll::new()?,
        })
    }

    /// Watches a socket: the set signals whenever its ZMQ_FD does.
    pub fn watch_socket(&self, socket: &Socket) -> Result<()> {
        self.watch_fd(socket.get_fd()?, crate::poll::POLLIN)
    }

    /// Watches `fd` for `events` (POLLOUT for writable, any other bit for readable); no
    /// events: not watched. A descriptor watched already keeps its first registration.
    pub fn watch_fd(&self, fd: RawFd, events: PollEvents) -> Result<()> {
        let writable = events.contains(POLLOUT);
        let readable = !(events - POLLOUT).is_empty();
        let interest = match (readable, writable) {
            (true, true) => Interest::READABLE | Interest::WRITABLE,
            (false, true) => Interest::WRITABLE,
            (true, false) => Interest::READABLE,
            (false, false) => return Ok(()),
        };
        match self
            .poll
            .registry()
            .register(&mut SourceFd(&fd), Token(fd as usize), interest)
        {
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
            other => Ok(other?),
        }
    }

    /// Stops watching `fd` (nothing if it was not watched).
    pub fn unwatch_fd(&self, fd: RawFd) {
        // Not registered (no events wanted) is fine.
        let _ = self.poll.registry().deregister(&mut SourceFd(&fd));
    }

    /// Consumes what the set has queued, so its descriptor goes quiet until something
    /// changes again.
    pub fn clear(&mut self) {
        let mut events = mio::Events::with_capacity(64);
        while self.poll.poll(&mut events, Some(Duration::ZERO)).is_ok() && !events.is_empty() {}
    }
}

impl AsRawFd for ReadinessSet {
    fn as_raw_fd(&self) -> RawFd {
        self.poll.as_raw_fd()
    }
}
