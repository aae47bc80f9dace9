//! Lazy Pirate: client-side reliability on a REQ socket. A REQ socket that got no reply is
//! stuck (it will not send again before one), so on a timeout the client closes it, opens a
//! new one and resends; after the last retry it gives up.
//!
//! ```no_run
//! use ferrozmq::{Context, Multipart};
//! use ferrozmq_patterns::pirate::lazy::LazyPirate;
//!
//! let ctx = Context::new();
//! let mut client = LazyPirate::new(&ctx, "tcp://localhost:5555");
//! match client.request(Multipart::from(["1"]), |reply| reply.first().is_some_and(|f| &f[..] == b"1"))? {
//!     Some(reply) => println!("server replied {reply}"),
//!     None => println!("server seems to be offline"),
//! }
//! # Ok::<(), ferrozmq::Error>(())
//! ```

use super::{log_to_stderr, Event, Observer};
use crate::mdp::broker::millis_rounded_up;
use ferrozmq::{Context, Multipart, Result, Socket, DONTWAIT, POLLIN, REQ};
use std::time::{Duration, Instant};

/// The guide's reply timeout (2.5 s).
pub const REQUEST_TIMEOUT: Duration = Duration::from_millis(2500);
/// The guide's number of tries before abandoning (3).
pub const REQUEST_RETRIES: u32 = 3;

/// A Lazy Pirate client of one server endpoint.
pub struct LazyPirate {
    ctx: Context,
    endpoint: String,
    socket: Option<Socket>,
    timeout: Duration,
    retries: u32,
    observer: Observer,
}

impl LazyPirate {
    /// A client of `endpoint`; the socket is opened at the first request.
    pub fn new(ctx: &Context, endpoint: &str) -> LazyPirate {
        LazyPirate {
            ctx: ctx.clone(),
            endpoint: endpoint.to_string(),
            socket: None,
            timeout: REQUEST_TIMEOUT,
            retries: REQUEST_RETRIES,
            observer: log_to_stderr(),
        }
    }

    /// How long to wait for each reply.
    pub fn set_timeout(&mut self, timeout: Duration) {
        self.timeout = timeout;
    }

    /// How many times a request is sent before it is abandoned (at least 1).
    pub fn set_retries(&mut self, retries: u32) {
        self.retries = retries.max(1);
    }

    /// Where events go (stderr by default).
    pub fn set_observer(&mut self, observer: impl FnMut(&Event) + Send + 'static) {
        self.observer = Box::new(observer);
    }

    /// Sends `request` and returns the first reply that `answers` accepts, or `None` when
    /// every try timed out. Replies `answers` refuses are dropped (an
    /// [`Event::UnexpectedReply`]) and the wait goes on.
    pub fn request(
        &mut self,
        request: Multipart,
        mut answers: impl FnMut(&Multipart) -> bool,
    ) -> Result<Option<Multipart>> {
        for attempt in 1..=self.retries {
            let socket = self.socket()?;
            request.clone().send(&socket)?;
            let deadline = Instant::now() + self.timeout;
            loop {
                let wait = deadline.saturating_duration_since(Instant::now());
                if socket.poll(POLLIN, millis_rounded_up(wait))? == 0 {
                    break;
                }
                let reply = Multipart::recv_with(&socket, DONTWAIT)?;
                if answers(&reply) {
                    self.socket = Some(socket);
                    return Ok(Some(reply));
                }
                (self.observer)(&Event::UnexpectedReply(reply));
            }
            // Old socket is confused; close it and open a new one next time
            drop(socket);
            if attempt == self.retries {
                (self.observer)(&Event::Abandoned);
            } else {
                (self.observer)(&Event::Retrying);
            }
        }
        Ok(None)
    }

    /// The open socket, or a new one (a REQ socket that does not wait at close).
    fn socket(&mut self) -> Result<Socket> {
        if let Some(socket) = self.socket.take() {
            return Ok(socket);
        }
        (self.observer)(&Event::Connecting);
        let socket = self.ctx.socket(REQ)?;
        socket.set_linger(0)?;
        socket.connect(&self.endpoint)?;
        Ok(socket)
    }
}
