//! Freelance model 3: ROUTER to ROUTER with the Freelance Protocol (FLP, the guide's
//! `flcliapi`). Each server's ROUTER takes its connect endpoint as routing id, so the
//! client's ROUTER can address it by endpoint once the connection is up. The client pings
//! every server (`[endpoint, "PING"]`, answered `"PONG"`) and sends each request,
//! `[endpoint, sequence, body…]`, to one server that is not known dead; the server answers
//! `[sequence, "OK"]`.
//!
//! The work is done by a background agent (an [`Actor`]) with a tickless timer: it sleeps
//! until the next ping, retry or request deadline. [`FreelanceClient`] is the application's
//! side, talking to the agent over its inproc pipe. Beyond the guide's agent, which sends
//! to the first server on its list at each wake-up, this one uses `ROUTER_MANDATORY` so a
//! server whose connection is down is skipped at once, and a request unanswered after
//! [`RETRY_INTERVAL`] goes to the next server — so a server killed mid-run costs at most
//! one retry interval, not the request.
//!
//! ```no_run
//! use ferrozmq::{Context, Multipart};
//! use ferrozmq_patterns::freelance::model3::FreelanceClient;
//! let ctx = Context::new();
//! let client = FreelanceClient::new(&ctx)?;
//! client.connect("tcp://localhost:5555")?;
//! client.connect("tcp://localhost:5556")?;
//! let reply = client.request(Multipart::from(["random name"]))?;
//! assert!(reply.is_some(), "name service not available");
//! # Ok::<(), ferrozmq::Error>(())
//! ```

use super::{frames_text, log_to_stderr, Log};
use crate::mdp::broker::millis_rounded_up;
use ferrozmq::actor::{self, Actor};
use ferrozmq::{Context, Error, Multipart, Result, Socket, DONTWAIT, ROUTER};
use std::time::{Duration, Instant};

/// If no server replies within this time, the request is abandoned (the guide's 3 s).
pub const GLOBAL_TIMEOUT: Duration = Duration::from_millis(3000);
/// Each server is pinged this often (the guide's 2 s).
pub const PING_INTERVAL: Duration = Duration::from_millis(2000);
/// A server silent for this long is dead until it answers again (the guide's 6 s).
pub const SERVER_TTL: Duration = Duration::from_millis(6000);
/// A request unanswered for this long goes to the next server.
pub const RETRY_INTERVAL: Duration = Duration::from_millis(500);
/// How soon a send to a server whose connection is not up yet is tried again.
const UNREACHABLE_RETRY: Duration = Duration::from_millis(100);

/// The application's side of a Freelance model 3 client (`flcliapi_t`).
pub struct FreelanceClient {
    agent: Actor,
}

impl FreelanceClient {
    /// A client whose agent logs to stderr.
    pub fn new(ctx: &Context) -> Result<FreelanceClient> {
        FreelanceClient::with_log(ctx, log_to_stderr())
    }

    /// A client whose agent sends its log lines ("I: connecting to …", dropped replies) to
    /// `log`.
    pub fn with_log(ctx: &Context, log: Log) -> Result<FreelanceClient> {
        let ctx = ctx.clone();
        let agent = Actor::new(&ctx.clone(), move |pipe| {
            let mut agent = Agent::new(&ctx, log)?;
            actor::signal(pipe, 0)?;
            agent.run(pipe)
        })?;
        Ok(FreelanceClient { agent })
    }

    /// Adds a server; its ROUTER's routing id must be `endpoint` (`flcliapi_connect`).
    pub fn connect(&self, endpoint: &str) -> Result<()> {
        self.agent.send(Multipart::from(["CONNECT", endpoint]))
    }

    /// Sends `request` to one live server and returns its reply after the sequence number
    /// (`["OK"]` from the guide's servers); `None` if none replied within
    /// [`GLOBAL_TIMEOUT`].
    pub fn request(&self, mut request: Multipart) -> Result<Option<Multipart>> {
        request.push("REQUEST");
        self.agent.send(request)?;
        let mut reply = self.agent.recv()?;
        match reply.pop().as_deref() {
            Some(b"OK") => Ok(Some(reply)),
            _ => Ok(None),
        }
    }
}

/// What a model 3 server answers to `request` as its ROUTER reads it (`[client, control,
/// body…]`): `[client, "PONG"]` to a ping, `[client, control, "OK"]` to anything else;
/// `None` for a message too short to answer.
pub fn server_reply(mut request: Multipart) -> Option<Multipart> {
    let client = request.pop()?;
    let control = request.pop()?;
    Some(if &control[..] == b"PING" {
        Multipart::from([client, "PONG".into()])
    } else {
        Multipart::from([client, control, "OK".into()])
    })
}

/// One server the agent knows.
struct Server {
    endpoint: String,
    ping_at: Instant,
    expires: Instant,
}

/// The request in flight.
struct Pending {
    sequence: u32,
    body: Multipart,
    expires: Instant,
    /// When to send it (again) to the next server.
    retry_at: Instant,
}

/// The background agent: a ROUTER to the servers and the request in flight.
struct Agent {
    router: Socket,
    servers: Vec<Server>,
    /// Where the next send of a request starts looking.
    next_server: usize,
    sequence: u32,
    request: Option<Pending>,
    log: Log,
}

impl Agent {
    fn new(ctx: &Context, log: Log) -> Result<Agent> {
        let router = ctx.socket(ROUTER)?;
        router.set_linger(0)?;
        router.set_router_mandatory(true)?;
        Ok(Agent {
            router,
            servers: Vec::new(),
            next_server: 0,
            sequence: 0,
            request: None,
            log,
        })
    }

    /// Serves the pipe and the servers until `$TERM`.
    fn run(&mut self, pipe: &Socket) -> Result<()> {
        loop {
            let wait = self.next_wake().saturating_duration_since(Instant::now());
            let (commands, replies) = {
                let mut items = [
                    pipe.as_poll_item(ferrozmq::POLLIN),
                    self.router.as_poll_item(ferrozmq::POLLIN),
                ];
                ferrozmq::poll(&mut items, millis_rounded_up(wait))?;
                (items[0].is_readable(), items[1].is_readable())
            };
            if commands {
                let mut command = Multipart::recv_with(pipe, DONTWAIT)?;
                match command.pop().as_deref() {
                    Some(b"$TERM") => return Ok(()),
                    Some(b"CONNECT") => self.connect(command)?,
                    Some(b"REQUEST") => self.start_request(command)?,
                    _ => (self.log)(&format!("E: invalid command: {}", frames_text(&command))),
                }
            }
            if replies {
                let reply = Multipart::recv_with(&self.router, DONTWAIT)?;
                self.server_message(reply, pipe)?;
            }
            self.on_time(pipe)?;
        }
    }

    /// Tickless: the earliest ping, retry or request deadline (at most an hour away).
    fn next_wake(&self) -> Instant {
        let pings = self.servers.iter().map(|s| s.ping_at);
        let request = self.request.iter().flat_map(|r| [r.expires, r.retry_at]);
        pings
            .chain(request)
            .min()
            .unwrap_or_else(|| Instant::now() + Duration::from_secs(3600))
    }

    fn connect(&mut self, mut command: Multipart) -> Result<()> {
        let Some(endpoint) = command.pop_str() else {
            (self.log)("E: CONNECT without an endpoint");
            return Ok(());
        };
        (self.log)(&format!("I: connecting to {endpoint}..."));
        self.router.connect(&endpoint)?;
        let now = Instant::now();
        self.servers.push(Server {
            endpoint,
            ping_at: now,
            expires: now + SERVER_TTL,
        });
        Ok(())
    }

    fn start_request(&mut self, body: Multipart) -> Result<()> {
        self.sequence = self.sequence.wrapping_add(1);
        let now = Instant::now();
        self.request = Some(Pending {
            sequence: self.sequence,
            body,
            expires: now + GLOBAL_TIMEOUT,
            retry_at: now,
        });
        self.dispatch(now)
    }

    /// Sends the request in flight to the next server that is not dead and whose
    /// connection is up; if none is, tries again soon.
    fn dispatch(&mut self, now: Instant) -> Result<()> {
        let Some(request) = self.request.as_mut() else {
            return Ok(());
        };
        let count = self.servers.len();
        for offset in 0..count {
            let index = (self.next_server + offset) % count;
            let server = &self.servers[index];
            if now >= server.expires {
                continue;
            }
            let mut message = request.body.clone();
            message.push(request.sequence.to_string());
            message.push(server.endpoint.as_str());
            match message.send(&self.router) {
                Ok(()) => {
                    self.next_server = index + 1;
                    request.retry_at = now + RETRY_INTERVAL;
                    return Ok(());
                }
                Err(Error::EHOSTUNREACH) => {}
                Err(e) => return Err(e),
            }
        }
        request.retry_at = now + UNREACHABLE_RETRY;
        Ok(())
    }

    /// A reply or a PONG: the server is alive; a reply to the request in flight goes to
    /// the application.
    fn server_message(&mut self, mut reply: Multipart, pipe: &Socket) -> Result<()> {
        let endpoint = reply.pop_str().unwrap_or_default();
        let Some(server) = self.servers.iter_mut().find(|s| s.endpoint == endpoint) else {
            (self.log)(&format!(
                "W: dropped a message from unknown server {endpoint:?}"
            ));
            return Ok(());
        };
        let now = Instant::now();
        server.ping_at = now + PING_INTERVAL;
        server.expires = now + SERVER_TTL;
        let control = reply.pop_str();
        let Some(request) = self.request.as_ref() else {
            return Ok(());
        };
        if control.as_deref() == Some(request.sequence.to_string().as_str()) {
            reply.push("OK");
            self.request = None;
            return reply.send(pipe);
        }
        if control.as_deref() != Some("PONG") {
            (self.log)(&format!(
                "W: dropped a late or malformed reply from {endpoint}: {control:?}"
            ));
        }
        Ok(())
    }

    /// Expires or resends the request in flight, and pings the servers that are due.
    fn on_time(&mut self, pipe: &Socket) -> Result<()> {
        let now = Instant::now();
        if let Some(request) = &self.request {
            if now >= request.expires {
                self.request = None;
                pipe.send("FAILED", 0)?;
            } else if now >= request.retry_at {
                self.dispatch(now)?;
            }
        }
        for server in self.servers.iter_mut().filter(|s| now >= s.ping_at) {
            let ping = Multipart::from([server.endpoint.as_str(), "PING"]);
            server.ping_at = match ping.clone().send(&self.router) {
                Ok(()) => now + PING_INTERVAL,
                Err(Error::EHOSTUNREACH) => now + UNREACHABLE_RETRY,
                Err(e) => return Err(e),
            };
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Any message of two frames or more is answered to its sender; shorter ones are not.
        #[test]
        fn server_reply_answers_every_addressed_message(
            frames in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..6), 0..5)
        ) {
            let reply = server_reply(Multipart::from(frames.clone()));
            prop_assert_eq!(reply.is_some(), frames.len() >= 2);
            if let Some(reply) = reply {
                prop_assert_eq!(&reply.first().unwrap()[..], &frames[0][..]);
                let pong = frames[1] == b"PING";
                prop_assert_eq!(reply.len(), if pong { 2 } else { 3 });
            }
        }
    }
}
