//! Freelance model 2, the shotgun: one DEALER socket connected to every server sends each
//! request to all of them (as `[empty, sequence, body…]`, the empty frame standing for a REP
//! envelope) and keeps the first reply `[empty, sequence, "OK"]` whose sequence number is the
//! request's; the others are dropped. A request no server answers in 2.5 s is abandoned.
//!
//! ```no_run
//! use ferrozmq::{Context, Multipart};
//! use ferrozmq_patterns::freelance::model2::Shotgun;
//! let ctx = Context::new();
//! let mut client = Shotgun::new(&ctx)?;
//! client.connect("tcp://localhost:5555")?;
//! client.connect("tcp://localhost:5556")?;
//! let reply = client.request(Multipart::from(["random name"]))?;
//! assert!(reply.is_some(), "name service not available");
//! # Ok::<(), ferrozmq::Error>(())
//! ```

use super::{frames_text, log_to_stderr, Log};
use crate::mdp::broker::millis_rounded_up;
use ferrozmq::{Context, Multipart, Result, Socket, DEALER, DONTWAIT, POLLIN};
use std::time::{Duration, Instant};

/// The guide's wait for any server to reply (2.5 s).
pub const GLOBAL_TIMEOUT: Duration = Duration::from_millis(2500);

/// A shotgun client (the guide's `flclient_t`).
pub struct Shotgun {
    socket: Socket,
    servers: usize,
    sequence: u32,
    timeout: Duration,
    log: Log,
}

impl Shotgun {
    /// A client connected to no server yet.
    pub fn new(ctx: &Context) -> Result<Shotgun> {
        let socket = ctx.socket(DEALER)?;
        socket.set_linger(0)?;
        Ok(Shotgun {
            socket,
            servers: 0,
            sequence: 0,
            timeout: GLOBAL_TIMEOUT,
            log: log_to_stderr(),
        })
    }

    /// Connects to one more server; each request is sent once per server.
    pub fn connect(&mut self, endpoint: &str) -> Result<()> {
        self.socket.connect(endpoint)?;
        self.servers += 1;
        Ok(())
    }

    /// How long a request waits for a reply from any server.
    pub fn set_timeout(&mut self, timeout: Duration) {
        self.timeout = timeout;
    }

    /// Where the log lines (dropped malformed replies) go.
    pub fn set_log(&mut self, log: impl FnMut(&str) + Send + 'static) {
        self.log = Box::new(log);
    }

    /// Sends `request` to every server and returns the first matching reply's body (what
    /// follows the sequence number: `["OK"]` from the guide's servers); `None` on timeout.
    pub fn request(&mut self, mut request: Multipart) -> Result<Option<Multipart>> {
        // Prefix request with sequence number and empty envelope
        self.sequence = self.sequence.wrapping_add(1);
        request.push(self.sequence.to_string());
        request.push("");
        // Blast the request to all connected servers
        for _ in 0..self.servers {
            request.clone().send(&self.socket)?;
        }
        // Wait for a matching reply to arrive from anywhere
        let deadline = Instant::now() + self.timeout;
        loop {
            let wait = deadline.saturating_duration_since(Instant::now());
            if wait.is_zero() || self.socket.poll(POLLIN, millis_rounded_up(wait))? == 0 {
                return Ok(None);
            }
            let mut reply = Multipart::recv_with(&self.socket, DONTWAIT)?;
            match reply_sequence(&mut reply) {
                Some(sequence) if sequence == self.sequence => return Ok(Some(reply)),
                Some(_) => {} // A late reply to an earlier request
                None => (self.log)(&format!(
                    "W: dropped malformed reply: {}",
                    frames_text(&reply)
                )),
            }
        }
    }
}

/// Takes the empty frame and the sequence number off a reply `[empty, sequence, body…]`;
/// `None` (the reply left as it was) if it is not one.
pub fn reply_sequence(reply: &mut Multipart) -> Option<u32> {
    let envelope_ok = reply.len() >= 3 && reply.first().is_some_and(|f| f.is_empty());
    let sequence = std::str::from_utf8(reply.get(1)?).ok()?.parse().ok()?;
    if !envelope_ok {
        return None;
    }
    reply.pop();
    reply.pop();
    Some(sequence)
}

/// What a model 2 server answers to `request` (`[sequence, body]` as a REP socket reads
/// it): `[sequence, "OK"]`; `None` for anything else, which a server drops.
pub fn server_reply(request: &Multipart) -> Option<Multipart> {
    match request.len() {
        2 => Some(Multipart::from([request.first()?.clone(), "OK".into()])),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn frames() -> impl Strategy<Value = Vec<Vec<u8>>> {
        proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..6), 0..5)
    }

    proptest! {
        /// Any reply parses to a sequence (envelope and number taken off) or is left whole.
        #[test]
        fn reply_sequence_takes_a_well_formed_envelope_or_nothing(frames in frames()) {
            let original = Multipart::from(frames.clone());
            let mut reply = original.clone();
            match reply_sequence(&mut reply) {
                Some(sequence) => {
                    prop_assert!(frames.len() >= 3 && frames[0].is_empty());
                    prop_assert_eq!(frames[1].clone(), sequence.to_string().into_bytes());
                    prop_assert_eq!(reply.len(), frames.len() - 2);
                }
                None => prop_assert_eq!(reply, original),
            }
        }

        /// A server answers exactly the two-frame requests, echoing the sequence.
        #[test]
        fn server_reply_answers_only_sequence_and_body(frames in frames()) {
            let reply = server_reply(&Multipart::from(frames.clone()));
            prop_assert_eq!(reply.is_some(), frames.len() == 2);
            if let Some(reply) = reply {
                prop_assert_eq!(&reply.first().unwrap()[..], &frames[0][..]);
            }
        }
    }
}
