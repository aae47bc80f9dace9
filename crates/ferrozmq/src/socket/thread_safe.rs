//! `ThreadSafeSocket`: a socket of one of the draft thread-safe types (CLIENT, SERVER,
//! RADIO, DISH, SCATTER, GATHER, PEER, CHANNEL) that many threads may use at once (`Sync`),
//! as libzmq's thread-safe sockets.
//!
//! The socket itself sits behind a mutex, and every operation takes it only for a
//! non-blocking try; a blocking call waits with the mutex released, so one thread blocked
//! in `recv_msg` never holds up another's `send`. Waiting threads share the socket's one
//! signaler: one of them (the watcher) sleeps on it, the others on a condition variable;
//! when the watcher is woken it bumps a generation and wakes them all to try again. A thread
//! reads the generation before its try, so a wake-up that comes between its try and its
//! sleep is never lost.

use super::core::Core;
use super::Socket;
use crate::error::{Error, Result};
use crate::mailbox::SocketShared;
use crate::message::Message;
use crate::signal::lock;
use crate::{PollEvents, DONTWAIT};
use std::os::fd::RawFd;
use std::sync::{Arc, Condvar, Mutex};
use std::time::Instant;

/// Who waits on the socket's signaler, and how often it woke.
#[derive(Default)]
struct Waiters {
    /// One thread sleeps on the signaler; the others on the condition variable.
    watcher: bool,
    /// Bumped each time the watcher wakes (or gives up), so sleepers retry.
    generation: u64,
}

/// A socket many threads may use at once: a draft thread-safe type (CLIENT, SERVER, RADIO,
/// DISH, SCATTER, GATHER, PEER, CHANNEL), made by
/// [`Context::thread_safe_socket`](crate::Context::thread_safe_socket).
///
/// ```
/// use ferrozmq::{Context, Message, CLIENT, SERVER};
/// let ctx = Context::new();
/// let server = std::sync::Arc::new(ctx.thread_safe_socket(SERVER)?);
/// server.bind("inproc://thread-safe-doc")?;
/// let client = ctx.thread_safe_socket(CLIENT)?;
/// client.connect("inproc://thread-safe-doc")?;
/// let replier = {
///     let server = server.clone();
///     std::thread::spawn(move || -> ferrozmq::Result<()> {
///         let request = server.recv_msg(0)?;
///         let mut reply = Message::from("world");
///         reply.set_routing_id(request.routing_id())?;
///         server.send(reply, 0)
///     })
/// };
/// client.send("hello", 0)?;
/// assert_eq!(&client.recv_msg(0)?[..], b"world");
/// replier.join().unwrap()?;
/// # Ok::<(), ferrozmq::Error>(())
/// ```
pub struct ThreadSafeSocket {
    socket: Mutex<Socket>,
    shared: Arc<SocketShared>,
    waiters: Mutex<Waiters>,
    woken: Condvar,
}

impl ThreadSafeSocket {
    /// Wraps `socket`; EINVAL unless it is of a thread-safe type.
    pub(crate) fn new(socket: Socket) -> Result<ThreadSafeSocket> {
        let shared = {
            let core = socket.core();
            if !core.single_frame() {
                return Err(Error::EINVAL);
            }
            core.shared.clone()
        };
        Ok(ThreadSafeSocket {
            socket: Mutex::new(socket),
            shared,
            waiters: Mutex::default(),
            woken: Condvar::new(),
        })
    }

    /// Runs `f` on the socket, holding its lock: for options (`set_*`/`get_*`) and other
    /// calls that do not block. A blocking send or receive inside `f` would hold up every
    /// other thread; use this type's own methods for those.
    pub fn with_socket<R>(&self, f: impl FnOnce(&Socket) -> R) -> R {
        f(&lock(&self.socket))
    }

    /// Accepts connections on `endpoint`, as [`Socket::bind`].
    pub fn bind(&self, endpoint: &str) -> Result<()> {
        self.with_socket(|s| s.bind(endpoint))
    }

    /// Connects to `endpoint`, as [`Socket::connect`].
    pub fn connect(&self, endpoint: &str) -> Result<()> {
        self.with_socket(|s| s.connect(endpoint))
    }

    /// Stops accepting on `endpoint`, as [`Socket::unbind`].
    pub fn unbind(&self, endpoint: &str) -> Result<()> {
        self.with_socket(|s| s.unbind(endpoint))
    }

    /// Drops the connection to `endpoint`, as [`Socket::disconnect`].
    pub fn disconnect(&self, endpoint: &str) -> Result<()> {
        self.with_socket(|s| s.disconnect(endpoint))
    }

    /// PEER: connects and returns the new connection's routing id, as
    /// [`Socket::connect_peer`].
    pub fn connect_peer(&self, endpoint: &str) -> Result<u32> {
        self.with_socket(|s| s.connect_peer(endpoint))
    }

    /// DISH: joins a group, as [`Socket::join`].
    pub fn join(&self, group: &str) -> Result<()> {
        self.with_socket(|s| s.join(group))
    }

    /// DISH: leaves a group, as [`Socket::leave`].
    pub fn leave(&self, group: &str) -> Result<()> {
        self.with_socket(|s| s.leave(group))
    }

    /// The last endpoint bound or connected, as [`Socket::get_last_endpoint`].
    pub fn get_last_endpoint(&self) -> Result<std::result::Result<String, Vec<u8>>> {
        self.with_socket(Socket::get_last_endpoint)
    }

    /// Sends one single-frame message (SNDMORE is EINVAL), waiting as `flags` and SNDTIMEO
    /// allow without holding up other threads.
    pub fn send<T: Into<Message>>(&self, data: T, flags: i32) -> Result<()> {
        self.send_one(&mut Some(data.into()), flags)
    }

    /// Sends the frame in `slot` as [`send`](ThreadSafeSocket::send), emptying `slot` only on
    /// success: on any error the caller still owns the frame (as `zmq_msg_send` promises).
    pub fn send_one(&self, slot: &mut Option<Message>, flags: i32) -> Result<()> {
        let timeout = self.with_socket(Socket::get_sndtimeo)?;
        self.blocking(flags, timeout, |s| s.send_one(slot, flags | DONTWAIT))
    }

    /// Receives one message, waiting as `flags` and RCVTIMEO allow without holding up
    /// other threads.
    pub fn recv_msg(&self, flags: i32) -> Result<Message> {
        let timeout = self.with_socket(Socket::get_rcvtimeo)?;
        self.blocking(flags, timeout, |s| s.recv_msg(flags | DONTWAIT))
    }

    /// Receives one message as bytes.
    pub fn recv_bytes(&self, flags: i32) -> Result<Vec<u8>> {
        self.recv_msg(flags).map(Message::into_vec)
    }

    /// Receives one message as a string, or its bytes if it is not UTF-8.
    pub fn recv_string(&self, flags: i32) -> Result<std::result::Result<String, Vec<u8>>> {
        let bytes = self.recv_bytes(flags)?;
        Ok(String::from_utf8(bytes).map_err(|e| e.into_bytes()))
    }

    /// A [`PollItem`](crate::PollItem) for this socket, for [`poll`](crate::poll) and
    /// [`Poller`](crate::Poller).
    pub fn as_poll_item(&self, events: PollEvents) -> crate::PollItem<'_> {
        crate::PollItem::from_pollable(self, events)
    }

    /// Waits up to `timeout_ms` for `events` on this socket alone; 1 if found, 0 if not.
    pub fn poll(&self, events: PollEvents, timeout_ms: i64) -> Result<i32> {
        crate::poll(&mut [self.as_poll_item(events)], timeout_ms)
    }

    /// Tries `op` (a DONTWAIT operation) until it is done, a final error comes, or the
    /// deadline that `flags` and `timeout_ms` give passes (EAGAIN).
    fn blocking<T>(
        &self,
        flags: i32,
        timeout_ms: i32,
        mut op: impl FnMut(&Socket) -> Result<T>,
    ) -> Result<T> {
        let deadline = Core::deadline(timeout_ms, flags);
        loop {
            let seen = lock(&self.waiters).generation;
            match self.with_socket(&mut op) {
                Err(Error::EAGAIN) => {}
                done => return done,
            }
            let Some(deadline) = deadline else {
                return Err(Error::EAGAIN);
            };
            self.wait(seen, deadline)?;
        }
    }

    /// Sleeps until the socket may have changed since generation `seen`, or `deadline`
    /// (EAGAIN).
    fn wait(&self, seen: u64, deadline: Option<Instant>) -> Result<()> {
        let mut waiters = lock(&self.waiters);
        if waiters.generation != seen {
            return Ok(());
        }
        if !waiters.watcher {
            waiters.watcher = true;
            drop(waiters);
            let woken = self.shared.signaler.wait(deadline);
            let mut waiters = lock(&self.waiters);
            waiters.watcher = false;
            waiters.generation += 1;
            self.woken.notify_all();
            return match woken? {
                true => Ok(()),
                false => Err(Error::EAGAIN),
            };
        }
        while waiters.generation == seen {
            waiters = match deadline {
                None => self
                    .woken
                    .wait(waiters)
                    .unwrap_or_else(|poisoned| poisoned.into_inner()),
                Some(deadline) => {
                    let left = deadline.saturating_duration_since(Instant::now());
                    if left.is_zero() {
                        return Err(Error::EAGAIN);
                    }
                    self.woken
                        .wait_timeout(waiters, left)
                        .unwrap_or_else(|poisoned| poisoned.into_inner())
                        .0
                }
            };
        }
        Ok(())
    }
}

impl crate::poll::Pollable for ThreadSafeSocket {
    fn poll_events(&self) -> Result<PollEvents> {
        let events = self.with_socket(Socket::poll_events);
        // Reading the events consumed any pending signal: a thread sleeping on it in a
        // blocking call must look again.
        if lock(&self.waiters).watcher {
            self.shared.signaler.signal();
        }
        events
    }

    fn signal_fd(&self) -> RawFd {
        self.shared.signaler.fd()
    }
}
