//! The asynchronous Majordomo client (the guide's `mdcliapi2`): requests go out without
//! waiting, and replies are read as they come, so many requests can be in flight at once
//! (`mdclient2` sends 100 000 before reading one reply). No retries: a request whose reply does
//! not come is the caller's to resend.
//!
//! Replies are never dropped at this end: the receive high-water mark is off (RCVHWM 0), since
//! a caller that sends everything before reading would otherwise lose the replies past it.

use super::broker::millis_rounded_up;
use super::client::{connect, REQUEST_TIMEOUT};
use super::frames::{self, parse_client_reply, ClientReply, Dialect};
use ferrozmq::{Context, Multipart, Result, Socket, DONTWAIT, POLLIN};
use std::time::{Duration, Instant};

/// A Majordomo client that does not wait for replies when it sends.
pub struct AsyncClient {
    socket: Socket,
    timeout: Duration,
    dialect: Dialect,
    verbose: bool,
}

impl AsyncClient {
    /// An MDP/0.1 client of `broker`.
    pub fn new(ctx: &Context, broker: &str) -> Result<AsyncClient> {
        AsyncClient::with_dialect(ctx, broker, Dialect::V01)
    }

    /// A client of `broker` speaking `dialect`.
    pub fn with_dialect(ctx: &Context, broker: &str, dialect: Dialect) -> Result<AsyncClient> {
        let socket = connect(ctx, broker)?;
        socket.set_rcvhwm(0)?;
        Ok(AsyncClient {
            socket,
            timeout: REQUEST_TIMEOUT,
            dialect,
            verbose: false,
        })
    }

    /// How long [`recv`](AsyncClient::recv) waits for a reply (`mdcli_set_timeout`).
    pub fn set_timeout(&mut self, timeout: Duration) {
        self.timeout = timeout;
    }

    /// Print every message to stderr (`-v`).
    pub fn set_verbose(&mut self, verbose: bool) {
        self.verbose = verbose;
    }

    /// Sends `request` to `service` (`mdcli_send`); blocks only while the socket is full.
    pub fn send(&mut self, service: &str, request: Multipart) -> Result<()> {
        let mut message = frames::client_request(self.dialect, service.as_bytes(), request);
        if self.verbose {
            eprintln!(
                "I: send request to '{service}' service:\n{}",
                message.dump()
            );
        }
        message.send(&self.socket)
    }

    /// The next reply, partial or final (`mdcli_recv`), or `None` when none came within the
    /// timeout. Malformed replies are dropped with a log line.
    pub fn recv(&mut self) -> Result<Option<ClientReply>> {
        let deadline = Instant::now() + self.timeout;
        loop {
            let wait = deadline.saturating_duration_since(Instant::now());
            if self.socket.poll(POLLIN, millis_rounded_up(wait))? == 0 {
                return Ok(None);
            }
            let message = Multipart::recv_with(&self.socket, DONTWAIT)?;
            if self.verbose {
                eprintln!("I: received reply:\n{}", message.dump());
            }
            match parse_client_reply(message, self.dialect.client_codes) {
                Ok(reply) => return Ok(Some(reply)),
                Err(why) => eprintln!("E: invalid reply dropped: {why}"),
            }
        }
    }
}
