//! `Heartbeat`: ZMTP heartbeat timing for one connection (libzmq's ZMQ_HEARTBEAT_IVL,
//! ZMQ_HEARTBEAT_TIMEOUT and ZMQ_HEARTBEAT_TTL), kept free of clocks and sockets: the session
//! passes the time in and acts on what it says.
//!
//! Every HEARTBEAT_IVL we send a PING carrying our TTL; if nothing at all arrives within
//! HEARTBEAT_TIMEOUT of a PING, the peer is gone. A peer's PING may carry its own TTL: then
//! anything may arrive until that long after it. Any inbound traffic resets the timeout.

use crate::options::Options;
use std::time::{Duration, Instant};

/// What the session must do now.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Beat {
    /// Nothing yet.
    Idle,
    /// Send a PING with this TTL (deciseconds).
    Ping { ttl: u16 },
    /// The peer has been silent too long: drop the connection.
    Expired,
}

/// The heartbeat state of one connection.
#[derive(Debug)]
pub(crate) struct Heartbeat {
    interval: Option<Duration>,
    timeout: Duration,
    ttl_deciseconds: u16,
    next_ping: Option<Instant>,
    /// The connection is dropped if nothing arrives before this.
    deadline: Option<Instant>,
}

impl Heartbeat {
    /// The timing configured by a socket's options (heartbeats off when HEARTBEAT_IVL is 0).
    pub(crate) fn new(options: &Options) -> Heartbeat {
        let interval = (options.heartbeat_ivl > 0)
            .then(|| Duration::from_millis(options.heartbeat_ivl as u64));
        let timeout = if options.heartbeat_timeout >= 0 {
            Duration::from_millis(options.heartbeat_timeout as u64)
        } else {
            interval.unwrap_or_default()
        };
        Heartbeat {
            interval,
            timeout,
            ttl_deciseconds: (options.heartbeat_ttl.max(0) / 100).min(u16::MAX as i32) as u16,
            next_ping: None,
            deadline: None,
        }
    }

    /// The handshake is done: start pinging. Returns when to look again.
    pub(crate) fn start(&mut self, now: Instant) -> Option<Instant> {
        self.next_ping = self.interval.map(|ivl| now + ivl);
        self.next_wake()
    }

    /// Something arrived; `peer_ttl` is the TTL of the peer's last PING (deciseconds).
    /// Returns when to look again.
    pub(crate) fn on_input(&mut self, now: Instant, peer_ttl: Option<u16>) -> Option<Instant> {
        self.deadline = peer_ttl
            .filter(|&ttl| ttl > 0)
            .map(|ttl| now + Duration::from_millis(u64::from(ttl) * 100));
        self.next_wake()
    }

    /// What is due at `now`.
    pub(crate) fn poll(&mut self, now: Instant) -> Beat {
        if self.deadline.is_some_and(|d| d <= now) {
            return Beat::Expired;
        }
        match (self.next_ping, self.interval) {
            (Some(at), Some(ivl)) if at <= now => {
                self.next_ping = Some(now + ivl);
                let timeout = now + self.timeout;
                self.deadline = Some(self.deadline.map_or(timeout, |d| d.min(timeout)));
                Beat::Ping {
                    ttl: self.ttl_deciseconds,
                }
            }
            _ => Beat::Idle,
        }
    }

    /// The next moment something may be due.
    pub(crate) fn next_wake(&self) -> Option<Instant> {
        match (self.next_ping, self.deadline) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options(ivl: i32, timeout: i32, ttl: i32) -> Options {
        Options {
            heartbeat_ivl: ivl,
            heartbeat_timeout: timeout,
            heartbeat_ttl: ttl,
            ..Options::default()
        }
    }

    #[test]
    fn off_by_default() {
        let mut hb = Heartbeat::new(&Options::default());
        let t0 = Instant::now();
        assert_eq!(hb.start(t0), None);
        assert_eq!(hb.poll(t0 + Duration::from_secs(3600)), Beat::Idle);
    }

    #[test]
    fn pings_every_interval_and_expires_without_traffic() {
        let ms = Duration::from_millis;
        let mut hb = Heartbeat::new(&options(100, 250, 1000));
        let t0 = Instant::now();
        assert_eq!(hb.start(t0), Some(t0 + ms(100)));
        assert_eq!(hb.poll(t0 + ms(50)), Beat::Idle);
        assert_eq!(hb.poll(t0 + ms(100)), Beat::Ping { ttl: 10 });
        // Traffic resets the timeout.
        hb.on_input(t0 + ms(150), None);
        assert_eq!(hb.poll(t0 + ms(200)), Beat::Ping { ttl: 10 });
        // Pings go on; the first unanswered one (at 200 ms) sets the deadline at 450 ms.
        assert_eq!(hb.poll(t0 + ms(300)), Beat::Ping { ttl: 10 });
        assert_eq!(hb.poll(t0 + ms(400)), Beat::Ping { ttl: 10 });
        assert_eq!(hb.poll(t0 + ms(449)), Beat::Idle);
        assert_eq!(hb.poll(t0 + ms(450)), Beat::Expired);
    }

    #[test]
    fn timeout_defaults_to_the_interval_and_a_peer_ttl_is_honoured() {
        let ms = Duration::from_millis;
        let mut hb = Heartbeat::new(&options(0, -1, 0));
        let t0 = Instant::now();
        hb.start(t0);
        // The peer's PING said TTL 5 ds: silence for 500 ms ends the connection.
        hb.on_input(t0, Some(5));
        assert_eq!(hb.poll(t0 + ms(499)), Beat::Idle);
        assert_eq!(hb.poll(t0 + ms(500)), Beat::Expired);
        let hb = Heartbeat::new(&options(300, -1, 0));
        assert_eq!(hb.timeout, ms(300));
    }
}
