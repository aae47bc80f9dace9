//! ZMTP heartbeat timing for one connection (libzmq's `ZMQ_HEARTBEAT_IVL`,
//! `ZMQ_HEARTBEAT_TIMEOUT` and `ZMQ_HEARTBEAT_TTL`), without clocks: the
//! [`Engine`](crate::Engine) is told the time and says when it next needs to be asked
//! ([`Engine::poll_timeout`](crate::Engine::poll_timeout)).
//!
//! Every interval we send a PING carrying our TTL; if nothing at all arrives within the timeout
//! of a PING, the peer is gone. A peer's PING may carry its own TTL: then anything may arrive
//! until that long after it. Any inbound traffic resets the timeout.

use std::time::{Duration, Instant};

/// Heartbeat settings of a connection; the default has heartbeats off.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct HeartbeatConfig {
    /// Time between our PINGs (`ZMQ_HEARTBEAT_IVL`); `None` sends none.
    pub interval: Option<Duration>,
    /// Silence after a PING that ends the connection (`ZMQ_HEARTBEAT_TIMEOUT`); `None` means
    /// the interval, as libzmq's -1.
    pub timeout: Option<Duration>,
    /// The TTL our PINGs announce (`ZMQ_HEARTBEAT_TTL`), sent in tenths of a second (rounded
    /// down, at most 6553.5 s).
    pub ttl: Duration,
}

/// What is due now.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Beat {
    /// Nothing yet.
    Idle,
    /// Send a PING with this TTL (deciseconds).
    Ping {
        /// The TTL to announce, in tenths of a second.
        ttl: u16,
    },
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
    /// The timing `config` asks for; nothing is due until [`Heartbeat::start`].
    pub(crate) fn new(config: &HeartbeatConfig) -> Heartbeat {
        let interval = config.interval.filter(|ivl| !ivl.is_zero());
        Heartbeat {
            interval,
            timeout: config.timeout.or(interval).unwrap_or_default(),
            ttl_deciseconds: u16::try_from(config.ttl.as_millis() / 100).unwrap_or(u16::MAX),
            next_ping: None,
            deadline: None,
        }
    }

    /// The handshake is done: start pinging.
    pub(crate) fn start(&mut self, now: Instant) {
        self.next_ping = self.interval.map(|ivl| now + ivl);
    }

    /// Something arrived; `peer_ttl` is the TTL of the peer's last PING (deciseconds).
    pub(crate) fn on_input(&mut self, now: Instant, peer_ttl: Option<u16>) {
        self.deadline = peer_ttl
            .filter(|&ttl| ttl > 0)
            .map(|ttl| now + Duration::from_millis(u64::from(ttl) * 100));
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

    fn config(ivl: u64, timeout: Option<u64>, ttl: u64) -> HeartbeatConfig {
        HeartbeatConfig {
            interval: Some(Duration::from_millis(ivl)),
            timeout: timeout.map(Duration::from_millis),
            ttl: Duration::from_millis(ttl),
        }
    }

    #[test]
    fn off_by_default() {
        let mut hb = Heartbeat::new(&HeartbeatConfig::default());
        let t0 = Instant::now();
        hb.start(t0);
        assert_eq!(hb.next_wake(), None);
        assert_eq!(hb.poll(t0 + Duration::from_secs(3600)), Beat::Idle);
    }

    #[test]
    fn pings_every_interval_and_expires_without_traffic() {
        let ms = Duration::from_millis;
        let mut hb = Heartbeat::new(&config(100, Some(250), 1000));
        let t0 = Instant::now();
        hb.start(t0);
        assert_eq!(hb.next_wake(), Some(t0 + ms(100)));
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
        let mut hb = Heartbeat::new(&HeartbeatConfig::default());
        let t0 = Instant::now();
        hb.start(t0);
        // The peer's PING said TTL 5 ds: silence for 500 ms ends the connection.
        hb.on_input(t0, Some(5));
        assert_eq!(hb.poll(t0 + ms(499)), Beat::Idle);
        assert_eq!(hb.poll(t0 + ms(500)), Beat::Expired);
        let hb = Heartbeat::new(&config(300, None, 0));
        assert_eq!(hb.timeout, ms(300));
    }
}
