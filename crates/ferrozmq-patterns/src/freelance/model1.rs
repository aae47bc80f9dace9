//! Freelance model 1: Lazy Pirate over several endpoints. Each try opens a REQ socket to one
//! server, sends the request and waits a second for a reply; with one server the client
//! tries three times, with several it tries each once, in order.
//!
//! ```no_run
//! use ferrozmq::{Context, Multipart};
//! use ferrozmq_patterns::freelance::model1::Model1Client;
//! let ctx = Context::new();
//! let mut client = Model1Client::new(&ctx, &["tcp://localhost:5555", "tcp://localhost:5556"]);
//! let reply = client.request(&Multipart::from(["Hello world"]))?;
//! assert!(reply.is_some(), "no server answered");
//! # Ok::<(), ferrozmq::Error>(())
//! ```

use super::{log_to_stderr, Log};
use crate::mdp::broker::millis_rounded_up;
use ferrozmq::{Context, Multipart, Result, DONTWAIT, POLLIN, REQ};
use std::time::Duration;

/// The guide's wait for each reply (1 s).
pub const REQUEST_TIMEOUT: Duration = Duration::from_millis(1000);
/// The guide's number of tries of a single server (3).
pub const MAX_RETRIES: usize = 3;

/// A client of one or more equivalent servers.
pub struct Model1Client {
    ctx: Context,
    endpoints: Vec<String>,
    timeout: Duration,
    log: Log,
}

impl Model1Client {
    /// A client of `endpoints` (tried in this order).
    pub fn new(ctx: &Context, endpoints: &[&str]) -> Model1Client {
        Model1Client {
            ctx: ctx.clone(),
            endpoints: endpoints.iter().map(|e| e.to_string()).collect(),
            timeout: REQUEST_TIMEOUT,
            log: log_to_stderr(),
        }
    }

    /// How long each try waits for its reply.
    pub fn set_timeout(&mut self, timeout: Duration) {
        self.timeout = timeout;
    }

    /// Where the log lines go.
    pub fn set_log(&mut self, log: impl FnMut(&str) + Send + 'static) {
        self.log = Box::new(log);
    }

    /// Sends `request` until a server replies, and returns the reply; `None` when every
    /// try timed out.
    pub fn request(&mut self, request: &Multipart) -> Result<Option<Multipart>> {
        let single = self.endpoints.len() == 1;
        let tries = if single { MAX_RETRIES } else { 1 };
        for endpoint in self.endpoints.clone() {
            for _ in 0..tries {
                if let Some(reply) = self.try_request(&endpoint, request)? {
                    return Ok(Some(reply));
                }
                if single {
                    (self.log)(&format!("W: no response from {endpoint}, retrying..."));
                } else {
                    (self.log)(&format!("W: no response from {endpoint}"));
                }
            }
        }
        Ok(None)
    }

    /// One try on a fresh REQ socket, closed afterwards in any case.
    fn try_request(&mut self, endpoint: &str, request: &Multipart) -> Result<Option<Multipart>> {
        (self.log)(&format!("I: trying echo service at {endpoint}..."));
        let client = self.ctx.socket(REQ)?;
        client.set_linger(0)?;
        client.connect(endpoint)?;
        request.clone().send(&client)?;
        if client.poll(POLLIN, millis_rounded_up(self.timeout))? == 0 {
            return Ok(None);
        }
        Multipart::recv_with(&client, DONTWAIT).map(Some)
    }
}
