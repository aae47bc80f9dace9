//! The synchronous Majordomo client (the guide's `mdcliapi`): one request at a time, each
//! waited for up to a timeout and sent again on a fresh socket when no reply comes, up to a
//! number of retries (Lazy Pirate's recovery, RFC 7's recommended strategy).
//!
//! The socket is a DEALER that frames requests as a REQ socket would (delimiter first), so
//! a request is on the wire exactly as the guide's REQ-based client sends it; a fresh socket
//! per retry means a late reply to an abandoned attempt is never mistaken for the next one.

use super::broker::millis_rounded_up;
use super::frames::{self, parse_client_reply, Dialect, ReplyKind};
use ferrozmq::{Context, Multipart, Result, Socket, DEALER, DONTWAIT, POLLIN};
use std::time::{Duration, Instant};

/// The guide's request timeout (2.5 s).
pub const REQUEST_TIMEOUT: Duration = Duration::from_millis(2500);
/// The guide's number of attempts before giving up (3).
pub const REQUEST_RETRIES: u32 = 3;

/// A Majordomo client that waits for each reply.
pub struct Client {
    ctx: Context,
    broker: String,
    socket: Socket,
    timeout: Duration,
    retries: u32,
    dialect: Dialect,
    verbose: bool,
}

impl Client {
    /// An MDP/0.1 client of `broker`.
    pub fn new(ctx: &Context, broker: &str) -> Result<Client> {
        Client::with_dialect(ctx, broker, Dialect::V01)
    }

    /// A client of `broker` speaking `dialect` ([`Dialect::V02`] for MDP/0.2).
    pub fn with_dialect(ctx: &Context, broker: &str, dialect: Dialect) -> Result<Client> {
        Ok(Client {
            ctx: ctx.clone(),
            broker: broker.to_string(),
            socket: connect(ctx, broker)?,
            timeout: REQUEST_TIMEOUT,
            retries: REQUEST_RETRIES,
            dialect,
            verbose: false,
        })
    }

    /// How long to wait for each reply (`mdcli_set_timeout`).
    pub fn set_timeout(&mut self, timeout: Duration) {
        self.timeout = timeout;
    }

    /// How many times to send a request before giving up (`mdcli_set_retries`), at least 1.
    pub fn set_retries(&mut self, retries: u32) {
        self.retries = retries.max(1);
    }

    /// Print every message to stderr (`-v`).
    pub fn set_verbose(&mut self, verbose: bool) {
        self.verbose = verbose;
    }

    /// Sends `request` to `service` and returns the reply body (`mdcli_send`), or `None`
    /// when every attempt timed out. MDP/0.2 PARTIAL replies are dropped; see
    /// [`send_with_partials`](Client::send_with_partials).
    pub fn send(&mut self, service: &str, request: Multipart) -> Result<Option<Multipart>> {
        self.send_with_partials(service, request, |_| {})
    }

    /// [`send`](Client::send), handing each PARTIAL reply's body to `on_partial` before the
    /// FINAL one is returned. Each partial restarts the timeout.
    pub fn send_with_partials(
        &mut self,
        service: &str,
        request: Multipart,
        mut on_partial: impl FnMut(Multipart),
    ) -> Result<Option<Multipart>> {
        for attempt in 1..=self.retries {
            let mut message =
                frames::client_request(self.dialect, service.as_bytes(), request.clone());
            if self.verbose {
                eprintln!(
                    "I: send request to '{service}' service:\n{}",
                    message.dump()
                );
            }
            message.send(&self.socket)?;
            let mut deadline = Instant::now() + self.timeout;
            loop {
                let wait = deadline.saturating_duration_since(Instant::now());
                if self.socket.poll(POLLIN, millis_rounded_up(wait))? == 0 {
                    break;
                }
                let message = Multipart::recv_with(&self.socket, DONTWAIT)?;
                if self.verbose {
                    eprintln!("I: received reply:\n{}", message.dump());
                }
                match parse_client_reply(message, self.dialect.client_codes) {
                    Ok(reply)
                        if reply
                            .service
                            .as_ref()
                            .is_some_and(|s| s[..] != *service.as_bytes()) =>
                    {
                        eprintln!("E: reply from another service dropped");
                    }
                    Ok(reply) if reply.kind == ReplyKind::Partial => {
                        on_partial(reply.body);
                        deadline = Instant::now() + self.timeout;
                    }
                    Ok(reply) => return Ok(Some(reply.body)),
                    Err(why) => eprintln!("E: invalid reply dropped: {why}"),
                }
            }
            if attempt < self.retries {
                eprintln!("W: no reply, reconnecting...");
            }
            self.socket = connect(&self.ctx, &self.broker)?;
        }
        eprintln!("W: permanent error, abandoning");
        Ok(None)
    }
}

/// A new DEALER socket connected to `broker`, that does not wait at close.
pub(crate) fn connect(ctx: &Context, broker: &str) -> Result<Socket> {
    let socket = ctx.socket(DEALER)?;
    socket.set_linger(0)?;
    socket.connect(broker)?;
    Ok(socket)
}
