//! `Actor` (CZMQ's `zactor`): a thread with a PAIR pipe to its owner over inproc, the
//! "multithreaded API" shape of the guide — the owner sends commands down the pipe and reads
//! events from it, the actor owns its own sockets.
//!
//! * The pipe has libzmq's default HWM of 1000 messages each way (CZMQ's pipe HWM).
//! * The actor's body gets its end of the pipe, and must call [`signal`] on it once it is
//!   ready (`zsock_signal`); [`Actor::new`] waits for that (`zactor_new`).
//! * Dropping the `Actor` sends `$TERM` and waits until the body has returned
//!   (`zactor_destroy`): a body must end when it reads `$TERM`.
//! * When the body ends — returns, fails or panics — a final signal goes down the pipe, so
//!   an owner waiting on it wakes up: [`Actor::recv`] then reports EPIPE and
//!   [`Actor::outcome`] says how the body ended. A panic never hangs the owner.
//!
//! ```
//! use ferrozmq::actor::{self, Actor};
//! use ferrozmq::{Context, Multipart};
//! let ctx = Context::new();
//! let echo = Actor::new(&ctx, |pipe| {
//!     actor::signal(pipe, 0)?;
//!     loop {
//!         let mut msg = Multipart::recv(pipe)?;
//!         if msg.first().is_some_and(|f| &f[..] == b"$TERM") {
//!             return Ok(());
//!         }
//!         msg.send(pipe)?;
//!     }
//! })?;
//! echo.send(Multipart::from(["ECHO", "hi"]))?;
//! assert_eq!(echo.recv()?, Multipart::from(["ECHO", "hi"]));
//! drop(echo); // sends $TERM and waits
//! # Ok::<(), ferrozmq::Error>(())
//! ```

use crate::context::Context;
use crate::error::{Error, Result};
use crate::multipart::Multipart;
use crate::socket::Socket;
use crate::{DONTWAIT, PAIR};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;

/// Numbers actor pipes, so each has its own inproc endpoint.
static NEXT_PIPE: AtomicU64 = AtomicU64::new(0);

/// The first 7 bytes of a signal message (`zsock_signal`: `0x7766554433221100 + status`,
/// sent as a native-endian 64-bit integer).
const SIGNAL_BASE: u64 = 0x7766_5544_3322_1100;

/// How an actor's body ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// It returned `Ok`.
    Returned,
    /// It returned this error.
    Failed(Error),
    /// It panicked, with this message (when the panic carried text).
    Panicked(String),
}

/// Sends a signal with `status` on `socket` (`zsock_signal`): one 8-byte frame, as CZMQ's.
/// An actor's body calls `signal(pipe, 0)` when it is ready.
pub fn signal(socket: &Socket, status: u8) -> Result<()> {
    socket.send(&(SIGNAL_BASE + u64::from(status)).to_ne_bytes(), 0)
}

/// The status of `frames` if it is a signal message.
fn signal_status(frames: &Multipart) -> Option<u8> {
    let [frame] = frames.iter().collect::<Vec<_>>()[..] else {
        return None;
    };
    let value = u64::from_ne_bytes(<[u8; 8]>::try_from(&frame[..]).ok()?);
    (value & !0xff == SIGNAL_BASE).then_some((value & 0xff) as u8)
}

/// Waits for a signal on `socket`, dropping other messages, and returns its status
/// (`zsock_wait`).
pub fn wait(socket: &Socket) -> Result<u8> {
    loop {
        if let Some(status) = signal_status(&Multipart::recv(socket)?) {
            return Ok(status);
        }
    }
}

/// A running actor (`zactor_t`); see the [module docs](self).
pub struct Actor {
    pipe: Socket,
    outcome: Arc<Mutex<Option<Outcome>>>,
    thread: Option<JoinHandle<()>>,
}

impl Actor {
    /// Starts `body` in a new thread with its end of a fresh pipe, and waits until it
    /// [`signal`]s readiness (`zactor_new`). If the body ends before that, its error is
    /// returned (EFAULT if it panicked or returned `Ok` without signalling).
    pub fn new<F>(ctx: &Context, body: F) -> Result<Actor>
    where
        F: FnOnce(&Socket) -> Result<()> + Send + 'static,
    {
        let endpoint = format!(
            "inproc://ferrozmq.actor.{}.{}",
            std::process::id(),
            NEXT_PIPE.fetch_add(1, Ordering::Relaxed)
        );
        let pipe = ctx.socket(PAIR)?;
        pipe.set_linger(0)?;
        pipe.bind(&endpoint)?;
        let child = ctx.socket(PAIR)?;
        child.set_linger(0)?;
        child.connect(&endpoint)?;
        let outcome = Arc::new(Mutex::new(None));
        let thread_outcome = Arc::clone(&outcome);
        let thread = std::thread::Builder::new()
            .name("ferrozmq-actor".into())
            .spawn(move || run(child, body, &thread_outcome))?;
        let mut actor = Actor {
            pipe,
            outcome,
            thread: Some(thread),
        };
        match wait(&actor.pipe) {
            Ok(_) if actor.outcome().is_none() => Ok(actor),
            Ok(_) | Err(_) => {
                actor.join();
                Err(match actor.outcome() {
                    Some(Outcome::Failed(e)) => e,
                    _ => Error::EFAULT,
                })
            }
        }
    }

    /// The owner's end of the pipe, to send commands on, read events from, or put in a
    /// [`Reactor`](crate::reactor::Reactor) or `poll` (`zactor_sock`).
    pub fn pipe(&self) -> &Socket {
        &self.pipe
    }

    /// Sends a command to the actor.
    pub fn send(&self, message: impl Into<Multipart>) -> Result<()> {
        message.into().send(&self.pipe)
    }

    /// Receives the actor's next message, blocking; EPIPE once the actor has ended (its
    /// final signal arrived), with [`outcome`](Actor::outcome) saying how.
    pub fn recv(&self) -> Result<Multipart> {
        self.recv_with(0)
    }

    /// [`recv`](Actor::recv) with flags (`DONTWAIT`).
    pub fn recv_with(&self, flags: i32) -> Result<Multipart> {
        let message = Multipart::recv_with(&self.pipe, flags)?;
        if signal_status(&message).is_some() && self.outcome().is_some() {
            return Err(Error::Os(libc::EPIPE));
        }
        Ok(message)
    }

    /// How the body ended, once it has.
    pub fn outcome(&self) -> Option<Outcome> {
        self.outcome
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    fn join(&mut self) {
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for Actor {
    /// Sends `$TERM` (unless the body has ended) and waits for the thread to end.
    fn drop(&mut self) {
        if self.outcome().is_none() && self.pipe.send("$TERM", DONTWAIT).is_ok() {
            // Skip whatever the actor still sends until its final signal; ETERM or any
            // error means the context is going and the actor sees it too.
            while let Ok(message) = Multipart::recv(&self.pipe) {
                if signal_status(&message).is_some() && self.outcome().is_some() {
                    break;
                }
            }
        }
        self.join();
    }
}

/// The thread: runs `body`, records how it ended, then signals the owner.
fn run<F>(pipe: Socket, body: F, outcome: &Mutex<Option<Outcome>>)
where
    F: FnOnce(&Socket) -> Result<()>,
{
    let ended = match catch_unwind(AssertUnwindSafe(|| body(&pipe))) {
        Ok(Ok(())) => Outcome::Returned,
        Ok(Err(e)) => Outcome::Failed(e),
        Err(panic) => Outcome::Panicked(
            panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default(),
        ),
    };
    let status = match ended {
        Outcome::Returned => 0,
        Outcome::Failed(_) => 1,
        Outcome::Panicked(_) => 2,
    };
    *outcome.lock().unwrap_or_else(PoisonError::into_inner) = Some(ended);
    let _ = signal(&pipe, status);
}
