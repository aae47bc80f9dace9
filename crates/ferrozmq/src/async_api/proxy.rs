//! The async `proxy`: shuttles whole messages between a frontend and a backend socket in both
//! directions (ROUTER↔DEALER, XSUB↔XPUB, PULL↔PUSH), as the blocking [`crate::proxy`] does,
//! while leaving its thread to other tasks whenever neither side has anything to move.

use super::AsyncSocket;
use crate::error::Result;
use crate::message::Message;
use std::future::poll_fn;
use std::task::Poll;

/// Most messages moved before the proxy lets other tasks of its executor run (libzmq's
/// `proxy_burst_size`).
const BURST: usize = 1000;

/// Runs a proxy between `frontend` and `backend` until an error (ETERM when the context
/// ends). A message is sent on with back-pressure: while the other side is at its HWM the
/// proxy waits, as libzmq's does. Dropping the future stops the proxy; a message it had
/// received but not yet sent on is then lost.
pub async fn proxy(frontend: &mut AsyncSocket, backend: &mut AsyncSocket) -> Result<()> {
    run(frontend, backend, None).await
}

/// Like [`proxy`], sending a copy of every message to `capture` (PUB, DEALER, PUSH or PAIR)
/// before passing it on.
pub async fn proxy_with_capture(
    frontend: &mut AsyncSocket,
    backend: &mut AsyncSocket,
    capture: &mut AsyncSocket,
) -> Result<()> {
    run(frontend, backend, Some(capture)).await
}

async fn run(
    frontend: &mut AsyncSocket,
    backend: &mut AsyncSocket,
    mut capture: Option<&mut AsyncSocket>,
) -> Result<()> {
    // Which side is asked first: the one that did not deliver last time, for fairness.
    let mut front_first = true;
    let mut moved = 0;
    loop {
        let (from_front, frames) = poll_fn(|cx| {
            for front in [front_first, !front_first] {
                let side = if front { &mut *frontend } else { &mut *backend };
                if let Poll::Ready(received) = side.poll_recv_multipart(cx) {
                    return Poll::Ready(received.map(|frames| (front, frames)));
                }
            }
            Poll::Pending
        })
        .await?;
        front_first = !from_front;
        if let Some(capture) = capture.as_deref_mut() {
            capture
                .send_multipart(frames.iter().map(Message::from))
                .await?;
        }
        let to = if from_front {
            &mut *backend
        } else {
            &mut *frontend
        };
        to.send_multipart(frames).await?;
        moved += 1;
        if moved % BURST == 0 {
            yield_now().await;
        }
    }
}

/// Returns `Pending` once (waking itself at once), so the executor runs its other tasks.
async fn yield_now() {
    let mut yielded = false;
    poll_fn(|cx| {
        if yielded {
            return Poll::Ready(());
        }
        yielded = true;
        cx.waker().wake_by_ref();
        Poll::Pending
    })
    .await
}
