//! Socket monitoring for async code: a socket's connection events as a `Stream`.

use super::AsyncSocket;
use crate::error::{Error, Result};
use crate::monitor::{MonitorEvent, SocketEvent};
use crate::socket::Socket;
use futures_core::{FusedStream, Stream};
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll};

/// Numbers the inproc endpoints of async monitors, which must be unique in a context.
static NEXT_MONITOR: AtomicU64 = AtomicU64::new(0);

/// A socket's monitor events (see [`Socket::monitor`]), decoded, as a `Stream`. It ends
/// after `MONITOR_STOPPED` (the socket was closed or stopped monitoring) or ETERM.
pub struct MonitorStream {
    events: AsyncSocket,
    ended: bool,
}

impl AsyncSocket {
    /// Starts monitoring this socket's connection events (`events`: a mask of
    /// [`SocketEvent`] values) and returns them as a stream. It uses `Socket::monitor` on an
    /// inproc endpoint of its own, replacing any monitor set before.
    pub fn monitor(&mut self, events: i32) -> Result<MonitorStream> {
        let endpoint = format!(
            "inproc://ferrozmq.async-monitor.{}.{}",
            std::process::id(),
            NEXT_MONITOR.fetch_add(1, Ordering::Relaxed)
        );
        self.socket.monitor(&endpoint, events)?;
        let reader: Socket = self.socket.context().socket(crate::PAIR)?;
        reader.connect(&endpoint)?;
        Ok(MonitorStream {
            events: reader.into_async(),
            ended: false,
        })
    }
}

impl Stream for MonitorStream {
    type Item = Result<MonitorEvent>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        if this.ended {
            return Poll::Ready(None);
        }
        this.events.poll_recv_multipart(cx).map(|received| {
            let event = received.and_then(|frames| MonitorEvent::decode(&frames));
            this.ended = match &event {
                Ok(e) => e.event == SocketEvent::MONITOR_STOPPED,
                Err(e) => *e == Error::ETERM,
            };
            Some(event)
        })
    }
}

/// The stream has ended after `MONITOR_STOPPED` or ETERM (for `select!`).
impl FusedStream for MonitorStream {
    fn is_terminated(&self) -> bool {
        self.ended
    }
}
