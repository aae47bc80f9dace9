//! Helpers for the async tests: run one scenario under each executor, bounded in time, and a
//! runtime-free `yield_now`.

#![allow(dead_code)]

use std::future::{poll_fn, Future};
use std::sync::mpsc;
use std::task::Poll;
use std::time::Duration;

/// Wall-clock bound for one scenario.
pub const LIMIT: Duration = Duration::from_secs(30);

/// The executors every scenario runs under.
#[derive(Clone, Copy, Debug)]
pub enum Executor {
    TokioMultiThread,
    TokioCurrentThread,
    Smol,
    Futures,
}

/// Runs the future made by `make` to completion on `executor`, on a thread of its own, and
/// fails the test if it does not finish within [`LIMIT`] (a lost wake-up is a failure, not a
/// hang). A panic in the scenario is re-raised here.
pub fn run<F, Fut>(executor: Executor, make: F)
where
    F: FnOnce() -> Fut + Send + 'static,
    Fut: Future<Output = ()>,
{
    let (done_tx, done_rx) = mpsc::channel::<()>();
    let handle = std::thread::spawn(move || {
        let scenario = make();
        match executor {
            Executor::TokioMultiThread => tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .expect("tokio runtime")
                .block_on(scenario),
            Executor::TokioCurrentThread => tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("tokio runtime")
                .block_on(scenario),
            Executor::Smol => smol::block_on(scenario),
            Executor::Futures => futures::executor::block_on(scenario),
        }
        let _ = done_tx.send(());
    });
    match done_rx.recv_timeout(LIMIT) {
        Ok(()) => handle.join().expect("scenario thread"),
        Err(mpsc::RecvTimeoutError::Disconnected) => {
            if let Err(panic) = handle.join() {
                std::panic::resume_unwind(panic);
            }
        }
        Err(mpsc::RecvTimeoutError::Timeout) => {
            panic!("{executor:?}: scenario did not finish within {LIMIT:?}: a wake-up was lost")
        }
    }
}

/// Declares one test per executor for the scenario `$scenario` (an `async fn()`).
#[macro_export]
macro_rules! on_every_executor {
    ($name:ident, $scenario:path) => {
        mod $name {
            use super::async_support::{run, Executor};
            #[test]
            fn tokio_multi_thread() {
                run(Executor::TokioMultiThread, $scenario);
            }
            #[test]
            fn tokio_current_thread() {
                run(Executor::TokioCurrentThread, $scenario);
            }
            #[test]
            fn smol() {
                run(Executor::Smol, $scenario);
            }
            #[test]
            fn futures_executor() {
                run(Executor::Futures, $scenario);
            }
        }
    };
}

/// Lets the other futures of the task (in `join!`) run once.
pub async fn yield_now() {
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

/// A socket of `ty` for async use, with a finite LINGER so that a failing test does not hang
/// in context termination.
pub fn socket(ctx: &ferrozmq::Context, ty: ferrozmq::SocketType) -> ferrozmq::AsyncSocket {
    let s = ctx.socket(ty).expect("create socket");
    s.set_linger(1000).unwrap();
    s.into_async()
}

/// Binds `s` to `endpoint` and returns the endpoint it resolved to.
pub fn bind(s: &ferrozmq::AsyncSocket, endpoint: &str) -> String {
    s.get_ref().bind(endpoint).expect("bind");
    s.get_ref().get_last_endpoint().unwrap().unwrap()
}

/// The frames of a message as strings.
pub fn strings(frames: &[ferrozmq::Message]) -> Vec<&str> {
    frames.iter().map(|f| f.as_str().expect("utf-8")).collect()
}
