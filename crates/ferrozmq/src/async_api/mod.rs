//! The async API: the same sockets, awaited instead of blocked on, under any executor.
//!
//! An [`AsyncSocket`] owns a [`Socket`]. Each operation first tries the non-blocking
//! (`DONTWAIT`) form; on EAGAIN it registers the task's `Waker` with the socket's signaler —
//! which pipes, I/O threads and context termination signal exactly when they would wake a
//! blocked thread — and tries once more before returning `Pending`, so no wake-up is lost.
//! There is no runtime of ours: tokio, smol, async-std and `futures::executor` all work.
//!
//! Cancellation is safe: a message is taken from the socket only by the poll that returns it,
//! and a multipart message is queued whole by one poll or not at all.

mod monitor;
mod proxy;
mod stream;

pub use monitor::MonitorStream;
pub use proxy::{proxy, proxy_with_capture};

use crate::error::{Error, Result};
use crate::message::Message;
use crate::socket::{Socket, DONTWAIT, SNDMORE};
use std::future::poll_fn;
use std::task::{Context, Poll};

/// A socket used from async code: `send(..).await`, `recv_msg().await`, and so on, plus
/// [`Stream`](futures_core::Stream) of incoming messages and [`Sink`](futures_sink::Sink) of
/// outgoing ones.
///
/// Like the blocking socket it is `Send` but not `Sync`: operations take `&mut self`, so the
/// futures they return are `Send` and the socket can move between tasks and threads.
/// Options, `bind` and `connect` are reached through [`get_ref`](AsyncSocket::get_ref).
///
/// HWM back-pressure makes `send` wait, as in the blocking API; SNDTIMEO and RCVTIMEO do not
/// apply (put a timeout around the future with your executor instead: dropping the future
/// is safe).
///
/// ```
/// use ferrozmq::{AsyncSocket, Context, PULL, PUSH};
/// let ctx = Context::new();
/// let mut pull = AsyncSocket::from(ctx.socket(PULL)?);
/// pull.get_ref().bind("inproc://async-doc")?;
/// let mut push = ctx.socket(PUSH)?.into_async();
/// push.get_ref().connect("inproc://async-doc")?;
/// futures::executor::block_on(async {
///     push.send_multipart(["hello", "world"]).await?;
///     let frames = pull.recv_multipart().await?;
///     assert_eq!(frames[1].as_str(), Some("world"));
///     Ok::<(), ferrozmq::Error>(())
/// })?;
/// # Ok::<(), ferrozmq::Error>(())
/// ```
pub struct AsyncSocket {
    socket: Socket,
    /// A message the `Sink` accepted that the socket could not take yet.
    unsent: Option<Vec<Message>>,
    /// Set once the `Stream` reported ETERM: it then ends.
    terminated: bool,
}

impl From<Socket> for AsyncSocket {
    fn from(socket: Socket) -> AsyncSocket {
        AsyncSocket {
            socket,
            unsent: None,
            terminated: false,
        }
    }
}

impl Socket {
    /// This socket for async code (see [`AsyncSocket`]).
    pub fn into_async(self) -> AsyncSocket {
        AsyncSocket::from(self)
    }
}

impl AsyncSocket {
    /// The underlying socket, for options, `bind`, `connect` and the like. Its blocking
    /// `send`/`recv` would block the executor's thread: use this type's methods instead.
    pub fn get_ref(&self) -> &Socket {
        &self.socket
    }

    /// The underlying socket back, for blocking use. A message given to the `Sink` that the
    /// socket had not taken yet is dropped (flush the sink first).
    pub fn into_inner(self) -> Socket {
        self.socket.unregister_waker();
        self.socket
    }

    /// Sends one frame, waiting while the socket is at its high-water mark; with `SNDMORE` in
    /// `flags` more frames follow (prefer [`send_multipart`](AsyncSocket::send_multipart),
    /// whose cancellation never leaves half a message); with `DONTWAIT` it is
    /// [`try_send`](AsyncSocket::try_send).
    pub async fn send<T: Into<Message>>(&mut self, data: T, flags: i32) -> Result<()> {
        let mut slot = Some(data.into());
        if flags & DONTWAIT != 0 {
            return self.socket.send_one(&mut slot, flags);
        }
        let flags = (flags & SNDMORE) | DONTWAIT;
        poll_fn(|cx| self.poll_op(cx, |socket| socket.send_one(&mut slot, flags))).await
    }

    /// Sends every item as one frame of one message, waiting while the socket is at its
    /// high-water mark. If the future is dropped before it completes, nothing was sent.
    pub async fn send_multipart<I, T>(&mut self, frames: I) -> Result<()>
    where
        I: IntoIterator<Item = T>,
        T: Into<Message>,
    {
        let mut frames: Vec<Message> = frames.into_iter().map(Into::into).collect();
        poll_fn(|cx| self.poll_send_multipart(cx, &mut frames)).await
    }

    /// Receives one frame (check [`Message::get_more`] for more frames of the same message).
    /// If the future is dropped before it completes, nothing was received.
    pub async fn recv_msg(&mut self) -> Result<Message> {
        poll_fn(|cx| self.poll_recv_msg(cx)).await
    }

    /// Receives every frame of the next message. If the future is dropped before it
    /// completes, nothing was received.
    pub async fn recv_multipart(&mut self) -> Result<Vec<Message>> {
        poll_fn(|cx| self.poll_recv_multipart(cx)).await
    }

    /// Sends `frames` as one message now or not at all: EAGAIN if the socket cannot take it
    /// without waiting (`DONTWAIT`).
    pub fn try_send<I, T>(&mut self, frames: I) -> Result<()>
    where
        I: IntoIterator<Item = T>,
        T: Into<Message>,
    {
        let mut frames: Vec<Message> = frames.into_iter().map(Into::into).collect();
        self.socket.send_parts(&mut frames, DONTWAIT)
    }

    /// Receives the next whole message if one is there: EAGAIN if none is (`DONTWAIT`).
    pub fn try_recv(&mut self) -> Result<Vec<Message>> {
        self.socket.recv_parts(DONTWAIT)
    }

    /// Tries to send `frames` as one message. `Ready(Ok)` when queued whole (`frames` is then
    /// empty); `Pending` when the socket is at its high-water mark (`frames` is kept, and the
    /// task is woken when to try again); `Ready(Err)` on any other error.
    pub fn poll_send_multipart(
        &mut self,
        cx: &mut Context<'_>,
        frames: &mut Vec<Message>,
    ) -> Poll<Result<()>> {
        self.poll_op(cx, |socket| socket.send_parts(frames, DONTWAIT))
    }

    /// Tries to receive one frame; `Pending` (and a wake-up later) if none is there.
    pub fn poll_recv_msg(&mut self, cx: &mut Context<'_>) -> Poll<Result<Message>> {
        self.poll_op(cx, |socket| socket.recv_msg(DONTWAIT))
    }

    /// Tries to receive a whole message; `Pending` (and a wake-up later) if none is there.
    pub fn poll_recv_multipart(&mut self, cx: &mut Context<'_>) -> Poll<Result<Vec<Message>>> {
        self.poll_op(cx, |socket| socket.recv_parts(DONTWAIT))
    }

    /// Runs the non-blocking `op`; on EAGAIN registers the task's waker and runs it once more,
    /// so that a wake-up signalled between the two tries is not lost.
    fn poll_op<T>(
        &mut self,
        cx: &mut Context<'_>,
        mut op: impl FnMut(&Socket) -> Result<T>,
    ) -> Poll<Result<T>> {
        match op(&self.socket) {
            Err(Error::EAGAIN) => {}
            done => return Poll::Ready(done),
        }
        self.socket.register_waker(cx.waker());
        match op(&self.socket) {
            Err(Error::EAGAIN) => Poll::Pending,
            done => Poll::Ready(done),
        }
    }
}
