//! `Stream` and `Sink` for [`AsyncSocket`]: incoming messages as a stream, outgoing ones
//! through a sink, so sockets compose with `select!`, `StreamExt` and `forward`.

use super::AsyncSocket;
use crate::error::{Error, Result};
use crate::message::Message;
use crate::socket::DONTWAIT;
use futures_core::{FusedStream, Stream};
use futures_sink::Sink;
use std::pin::Pin;
use std::task::{Context, Poll};

/// Every incoming message, whole. An error is an item; after ETERM (the context ended) the
/// stream ends.
impl Stream for AsyncSocket {
    type Item = Result<Vec<Message>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        if this.terminated {
            return Poll::Ready(None);
        }
        this.poll_recv_multipart(cx).map(|received| {
            this.terminated = matches!(received, Err(Error::ETERM));
            Some(received)
        })
    }
}

/// The stream has ended once it reported ETERM (for `select!`).
impl FusedStream for AsyncSocket {
    fn is_terminated(&self) -> bool {
        self.terminated
    }
}

/// Each item is one message (its items are the frames). An item is sent at once if the
/// socket has room, otherwise held until it does: `poll_ready` and `poll_flush` wait for
/// that. Flushed means queued on the socket, as a blocking `send` that returned.
///
/// As the sink takes any list of frames, a bare `flush` or `close` must name the item type
/// (`SinkExt::<Vec<Message>>::flush(&mut socket)`); `SinkExt::send` and `forward` infer it.
impl<I, T> Sink<I> for AsyncSocket
where
    I: IntoIterator<Item = T>,
    T: Into<Message>,
{
    type Error = Error;

    fn poll_ready(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<()>> {
        self.get_mut().poll_unsent(cx)
    }

    fn start_send(self: Pin<&mut Self>, item: I) -> Result<()> {
        let this = self.get_mut();
        if this.unsent.is_some() {
            // The caller skipped `poll_ready`: the one slot is taken.
            return Err(Error::EAGAIN);
        }
        let mut frames: Vec<Message> = item.into_iter().map(Into::into).collect();
        match this.socket.send_parts(&mut frames, DONTWAIT) {
            Err(Error::EAGAIN) => {
                this.unsent = Some(frames);
                Ok(())
            }
            done => done,
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<()>> {
        self.get_mut().poll_unsent(cx)
    }

    fn poll_close(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<()>> {
        self.get_mut().poll_unsent(cx)
    }
}

impl AsyncSocket {
    /// Sends the message the sink holds, if any; Ready once none is held.
    fn poll_unsent(&mut self, cx: &mut Context<'_>) -> Poll<Result<()>> {
        let Some(mut frames) = self.unsent.take() else {
            return Poll::Ready(Ok(()));
        };
        let polled = self.poll_send_multipart(cx, &mut frames);
        if polled.is_pending() {
            self.unsent = Some(frames);
        }
        polled
    }
}
