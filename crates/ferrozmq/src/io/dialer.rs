//! `Dialer`: where a connect-side session dials, and when it dials again (libzmq's
//! `tcp_connecter_t`/`stream_connecter_base_t`).
//!
//! * A tcp host name is resolved on every attempt, in the I/O thread, as libzmq does: a name
//!   that does not resolve yet at `connect()` is not an error, its attempts fail (and are
//!   retried) until it does, and a name that moves is followed.
//! * Redials wait RECONNECT_IVL, doubling per attempt up to RECONNECT_IVL_MAX when that is
//!   larger, plus a random jitter below RECONNECT_IVL (libzmq 4.3's `get_new_reconnect_ivl`),
//!   so that many clients losing one server do not come back in lock-step; CONNECT_RETRIED
//!   reports that whole wait, as libzmq does.

use super::stream::Stream;
use crate::endpoint::IpcAddress;
use crate::error::{Error, Result};
use crate::options::Options;
use std::io;
use std::time::Duration;

/// Where a connect-side session dials, as given to `connect` (names unresolved).
#[derive(Clone, Debug)]
pub(crate) enum ConnectTarget {
    /// A tcp peer, optionally dialled from a given local address (`tcp://src;dst`).
    Tcp {
        host: String,
        port: u16,
        source: Option<(String, Option<u16>)>,
        /// ZMQ_IPV6 at connect time: whether IPv6 addresses may be used.
        ipv6: bool,
    },
    Ipc(IpcAddress),
    /// A ws peer: a tcp target and the path of the upgrade request, over TLS for wss.
    Ws {
        host: String,
        port: u16,
        path: String,
        ipv6: bool,
        tls: bool,
    },
}

impl ConnectTarget {
    /// A tcp target, checked as far as `connect()` checks it in libzmq: a port is required,
    /// `*` is no host, an IP literal must suit ZMQ_IPV6, and a name must look like one. Names
    /// are resolved later, on each attempt.
    pub(crate) fn tcp(
        host: String,
        port: Option<u16>,
        source: Option<(String, Option<u16>)>,
        ipv6: bool,
    ) -> Result<ConnectTarget> {
        let port = port.ok_or(Error::EINVAL)?;
        for (name, _) in
            std::iter::once((&host, Some(port))).chain(source.iter().map(|s| (&s.0, s.1)))
        {
            check_host(name)?;
        }
        if host == "*" {
            return Err(Error::EINVAL);
        }
        Ok(ConnectTarget::Tcp {
            host,
            port,
            source,
            ipv6,
        })
    }
}

impl ConnectTarget {
    /// A ws (or, with `tls`, wss) target, its host and port checked as a tcp target's.
    pub(crate) fn ws(
        host: String,
        port: Option<u16>,
        path: String,
        ipv6: bool,
        tls: bool,
    ) -> Result<ConnectTarget> {
        match ConnectTarget::tcp(host, port, None, ipv6)? {
            ConnectTarget::Tcp {
                host, port, ipv6, ..
            } => Ok(ConnectTarget::Ws {
                host,
                port,
                path,
                ipv6,
                tls,
            }),
            _ => Err(Error::EINVAL),
        }
    }
}

/// libzmq's syntax check of a tcp host at connect (`socket_base_t::connect`): letters,
/// digits and `.-_:%*[]`. As libzmq, an IPv6 literal passes without ZMQ_IPV6 (its
/// test_connect_resolve connects to `[::1]` so): resolution is deferred to each attempt,
/// which fails and retries on schedule.
fn check_host(host: &str) -> Result<()> {
    let plausible = host
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"._-:%*[]".contains(&b));
    if plausible {
        Ok(())
    } else {
        Err(Error::EINVAL)
    }
}

/// A connect-side session's dialing state.
pub(crate) struct Dialer {
    target: ConnectTarget,
    /// The back-off interval of the next redial (before jitter).
    reconnect_ivl: Duration,
}

impl Dialer {
    /// A dialer for `target` with the socket's reconnect options.
    pub(crate) fn new(target: ConnectTarget, options: &Options) -> Dialer {
        Dialer {
            target,
            reconnect_ivl: base_interval(options),
        }
    }

    /// Starts one attempt: resolves the target (tcp names each time) and starts a
    /// non-blocking connect. Returns the stream and the peer's address for `Peer-Address`.
    pub(crate) fn dial(&self, options: &Options) -> io::Result<(Stream, String)> {
        super::transport::dial(&self.target, options)
    }

    /// A connection was made: the next loss redials after RECONNECT_IVL again.
    pub(crate) fn connected(&mut self, options: &Options) {
        self.reconnect_ivl = base_interval(options);
    }

    /// How long to wait before the next attempt: the back-off plus a jitter below
    /// RECONNECT_IVL, the interval CONNECT_RETRIED reports (as libzmq's
    /// `get_new_reconnect_ivl`); doubles the back-off for the attempt after.
    pub(crate) fn next_delay(&mut self, options: &Options) -> Duration {
        let ivl = self.reconnect_ivl;
        let base_ms = u32::try_from(options.reconnect_ivl.max(0)).unwrap_or(0);
        let jitter = match base_ms {
            0 => Duration::ZERO,
            base => Duration::from_millis(u64::from(crate::random::u32() % base)),
        };
        let max = Duration::from_millis(options.reconnect_ivl_max.max(0) as u64);
        if max > base_interval(options) {
            self.reconnect_ivl = (ivl * 2).min(max);
        }
        ivl + jitter
    }
}

/// RECONNECT_IVL as a duration (0 for -1, which never redials anyway).
fn base_interval(options: &Options) -> Duration {
    Duration::from_millis(options.reconnect_ivl.max(0) as u64)
}

/// Why a connect-side session is about to redial, for ZMQ_RECONNECT_STOP.
pub(crate) enum Retry {
    Refused,
    ConnectFailed,
    AfterHandshakeFailure,
    AfterDisconnect,
}

impl Retry {
    /// After a failed connect attempt (`refused`: by the peer).
    pub(crate) fn after_connect_failure(refused: bool) -> Retry {
        if refused {
            Retry::Refused
        } else {
            Retry::ConnectFailed
        }
    }

    /// Whether a connection had been made (the peer answered the dial) before this.
    pub(crate) fn after_connection(&self) -> bool {
        matches!(self, Retry::AfterHandshakeFailure | Retry::AfterDisconnect)
    }

    /// The RECONNECT_STOP flag that forbids redialling after this.
    pub(crate) fn stop_flag(&self) -> i32 {
        match self {
            Retry::Refused => crate::options::RECONNECT_STOP_CONN_REFUSED,
            Retry::AfterHandshakeFailure => crate::options::RECONNECT_STOP_HANDSHAKE_FAILED,
            Retry::AfterDisconnect => crate::options::RECONNECT_STOP_AFTER_DISCONNECT,
            Retry::ConnectFailed => 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options(ivl: i32, max: i32) -> Options {
        Options {
            reconnect_ivl: ivl,
            reconnect_ivl_max: max,
            ..Options::default()
        }
    }

    #[test]
    fn backs_off_with_jitter_below_the_base_interval() {
        let ms = Duration::from_millis;
        let opts = options(100, 350);
        let target = ConnectTarget::tcp("localhost".into(), Some(1), None, false).unwrap();
        let mut dialer = Dialer::new(target, &opts);
        // Back-off + jitter in [0, RECONNECT_IVL): the delay lies in [back-off, back-off + ivl).
        let within = |delay: Duration, backoff: u64, ivl: u64| {
            assert!(
                delay >= ms(backoff) && delay < ms(backoff + ivl),
                "{delay:?} for a back-off of {backoff} ms"
            );
        };
        for backoff in [100, 200, 350, 350] {
            within(dialer.next_delay(&opts), backoff, 100);
        }
        dialer.connected(&opts);
        within(dialer.next_delay(&opts), 100, 100);
        // Without a larger maximum the back-off stays put.
        let opts = options(50, 0);
        let mut dialer = Dialer::new(ConnectTarget::Ipc(IpcAddress::Wildcard), &opts);
        within(dialer.next_delay(&opts), 50, 50);
        within(dialer.next_delay(&opts), 50, 50);
    }

    #[test]
    fn connect_checks_syntax_and_leaves_names_unresolved() {
        let tcp = |host: &str, port| ConnectTarget::tcp(host.into(), port, None, false);
        assert!(tcp("no-such-host.invalid", Some(5555)).is_ok());
        assert!(tcp("127.0.0.1", Some(1)).is_ok());
        assert_eq!(tcp("127.0.0.1", None).unwrap_err(), Error::EINVAL);
        assert_eq!(tcp("*", Some(1)).unwrap_err(), Error::EINVAL);
        assert!(tcp("::1", Some(1)).is_ok());
        assert_eq!(tcp("in val id", Some(1)).unwrap_err(), Error::EINVAL);
        assert!(ConnectTarget::tcp("::1".into(), Some(1), None, true).is_ok());
        let bad_source = Some(("bad host".to_string(), None));
        assert_eq!(
            ConnectTarget::tcp("localhost".into(), Some(1), bad_source, false).unwrap_err(),
            Error::EINVAL
        );
    }

    /// libzmq's test_connect_resolve: a name that does not resolve is no error at
    /// `connect()`; the I/O thread tries it, fails, and retries on schedule.
    #[test]
    fn an_unresolvable_name_connects_and_is_retried() {
        use crate::{Context, MonitorEvent, SocketEvent, PAIR, PUSH};
        let ctx = Context::new();
        let push = ctx.socket(PUSH).unwrap();
        push.monitor("inproc://dialer-retry", SocketEvent::ALL as i32)
            .unwrap();
        let events = ctx.socket(PAIR).unwrap();
        events.set_rcvtimeo(5000).unwrap();
        events.connect("inproc://dialer-retry").unwrap();
        push.set_reconnect_ivl(10).unwrap();
        push.connect("tcp://no-such-host.invalid:5555").unwrap();
        let first = MonitorEvent::recv(&events).unwrap();
        assert_eq!(first.event, SocketEvent::CONNECT_RETRIED);
        let second = MonitorEvent::recv(&events).unwrap();
        assert_eq!(second.event, SocketEvent::CONNECT_RETRIED);
        assert_eq!(push.connect("tcp://bad host:5555"), Err(Error::EINVAL));
    }

    /// A name is resolved by the I/O thread when it dials, and traffic flows to it.
    #[test]
    fn a_name_is_resolved_when_dialling() {
        use crate::{Context, PULL, PUSH};
        let ctx = Context::new();
        let pull = ctx.socket(PULL).unwrap();
        pull.set_rcvtimeo(5000).unwrap();
        pull.bind("tcp://127.0.0.1:*").unwrap();
        let endpoint = pull.get_last_endpoint().unwrap().unwrap();
        let push = ctx.socket(PUSH).unwrap();
        push.connect(&endpoint.replace("127.0.0.1", "localhost"))
            .unwrap();
        push.send("by name", 0).unwrap();
        let message = pull.recv_msg(0).unwrap();
        assert_eq!(&message[..], b"by name");
        assert_eq!(message.gets("Peer-Address"), Some("127.0.0.1"));
    }
}
