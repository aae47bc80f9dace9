//! Socket options: libzmq's ids, defaults and validity rules.
//!
//! Most options are snapshotted when `bind`/`connect` is called and apply to the connections
//! made through that endpoint, as in libzmq; LINGER is read when a socket closes.

use crate::error::{Error, Result};

/// libzmq's option ids (`zmq.h`), for `get_option`/`set_option`-style callers and the C ABI.
#[allow(missing_docs)]
pub mod ids {
    pub const ROUTING_ID: i32 = 5;
    pub const SUBSCRIBE: i32 = 6;
    pub const UNSUBSCRIBE: i32 = 7;
    pub const SNDBUF: i32 = 11;
    pub const RCVBUF: i32 = 12;
    pub const RCVMORE: i32 = 13;
    pub const FD: i32 = 14;
    pub const EVENTS: i32 = 15;
    pub const TYPE: i32 = 16;
    pub const LINGER: i32 = 17;
    pub const RECONNECT_IVL: i32 = 18;
    pub const BACKLOG: i32 = 19;
    pub const RECONNECT_IVL_MAX: i32 = 21;
    pub const MAXMSGSIZE: i32 = 22;
    /// ferrozmq's own (not in libzmq): bound on a whole incoming multipart message, `i64`.
    pub const MAXMULTIPARTSIZE: i32 = 1002;
    pub const SNDHWM: i32 = 23;
    pub const RCVHWM: i32 = 24;
    pub const RCVTIMEO: i32 = 27;
    pub const SNDTIMEO: i32 = 28;
    pub const LAST_ENDPOINT: i32 = 32;
    pub const XPUB_VERBOSE: i32 = 40;
    pub const IPV6: i32 = 42;
    pub const ROUTER_MANDATORY: i32 = 33;
    pub const TCP_KEEPALIVE: i32 = 34;
    pub const TCP_KEEPALIVE_CNT: i32 = 35;
    pub const TCP_KEEPALIVE_IDLE: i32 = 36;
    pub const TCP_KEEPALIVE_INTVL: i32 = 37;
    pub const IMMEDIATE: i32 = 39;
    pub const PROBE_ROUTER: i32 = 51;
    pub const REQ_CORRELATE: i32 = 52;
    pub const REQ_RELAXED: i32 = 53;
    pub const ROUTER_HANDOVER: i32 = 56;
    pub const TOS: i32 = 57;
    pub const CONNECT_ROUTING_ID: i32 = 61;
    pub const CONFLATE: i32 = 54;
    pub const HANDSHAKE_IVL: i32 = 66;
    pub const XPUB_NODROP: i32 = 69;
    pub const XPUB_MANUAL: i32 = 71;
    pub const XPUB_WELCOME_MSG: i32 = 72;
    pub const INVERT_MATCHING: i32 = 74;
    pub const HEARTBEAT_IVL: i32 = 75;
    pub const HEARTBEAT_TTL: i32 = 76;
    pub const HEARTBEAT_TIMEOUT: i32 = 77;
    pub const XPUB_VERBOSER: i32 = 78;
    pub const CONNECT_TIMEOUT: i32 = 79;
    pub const TCP_MAXRT: i32 = 80;
    pub const BINDTODEVICE: i32 = 92;
    pub const XPUB_MANUAL_LAST_VALUE: i32 = 98;
    pub const ONLY_FIRST_SUBSCRIBE: i32 = 108;
    pub const RECONNECT_STOP: i32 = 109;
    pub const XSUB_VERBOSE_UNSUBSCRIBE: i32 = 115;
    pub const TOPICS_COUNT: i32 = 116;
    pub const STREAM_NOTIFY: i32 = 73;
    pub const ROUTER_NOTIFY: i32 = 97;
    pub const MECHANISM: i32 = 43;
    pub const THREAD_SAFE: i32 = 81;
    pub const PLAIN_SERVER: i32 = 44;
    pub const PLAIN_USERNAME: i32 = 45;
    pub const PLAIN_PASSWORD: i32 = 46;
    pub const CURVE_SERVER: i32 = 47;
    pub const CURVE_PUBLICKEY: i32 = 48;
    pub const CURVE_SECRETKEY: i32 = 49;
    pub const CURVE_SERVERKEY: i32 = 50;
    pub const ZAP_DOMAIN: i32 = 55;
    pub const ZAP_ENFORCE_DOMAIN: i32 = 93;
    pub const METADATA: i32 = 95;
    pub const ROUTER_RAW: i32 = 41;
    pub const USE_FD: i32 = 89;
    pub const SOCKS_PROXY: i32 = 68;
    pub const SOCKS_USERNAME: i32 = 99;
    pub const SOCKS_PASSWORD: i32 = 100;
    pub const HELLO_MSG: i32 = 110;
    pub const DISCONNECT_MSG: i32 = 111;
    pub const HICCUP_MSG: i32 = 114;
    pub const WSS_KEY_PEM: i32 = 103;
    pub const WSS_CERT_PEM: i32 = 104;
    pub const WSS_TRUST_PEM: i32 = 105;
    pub const WSS_HOSTNAME: i32 = 106;
    pub const WSS_TRUST_SYSTEM: i32 = 107;
    /// ferrozmq's own options have ids from 1000 up, clear of libzmq's (1–124 in 4.3).
    /// PUB/XPUB: most subscriptions one peer may hold (-1 = no limit, the default).
    pub const XPUB_MAX_SUBSCRIPTIONS: i32 = 1000;
    /// PUB/XPUB: most bytes of topics one peer may hold (-1 = no limit, the default).
    pub const XPUB_MAX_SUBSCRIPTION_BYTES: i32 = 1001;
    pub const AFFINITY: i32 = 4;
    pub const MULTICAST_HOPS: i32 = 25;
    pub const MULTICAST_MAXTPDU: i32 = 84;
    pub const LOOPBACK_FASTPATH: i32 = 94;
    pub const MULTICAST_LOOP: i32 = 96;
    pub const RATE: i32 = 8;
    pub const RECOVERY_IVL: i32 = 9;
    pub const GSSAPI_SERVER: i32 = 62;
    pub const GSSAPI_PRINCIPAL: i32 = 63;
    pub const GSSAPI_SERVICE_PRINCIPAL: i32 = 64;
    pub const GSSAPI_PLAINTEXT: i32 = 65;
    pub const IPV4ONLY: i32 = 31;
    pub const TCP_ACCEPT_FILTER: i32 = 38;
    pub const IPC_FILTER_PID: i32 = 58;
    pub const IPC_FILTER_UID: i32 = 59;
    pub const IPC_FILTER_GID: i32 = 60;
    pub const IN_BATCH_SIZE: i32 = 101;
    pub const OUT_BATCH_SIZE: i32 = 102;
    pub const PRIORITY: i32 = 112;
    pub const BUSY_POLL: i32 = 113;
}

/// A socket's security mechanism (`ZMQ_MECHANISM`), set implicitly by the PLAIN and CURVE
/// options as in libzmq. Variant names are rust-zmq's, so ported code compiles unchanged.
#[allow(non_camel_case_types)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Mechanism {
    /// No security (`ZMQ_NULL`, 0): the default.
    #[default]
    ZMQ_NULL,
    /// Clear-text user name and password (`ZMQ_PLAIN`, 1; RFC 24).
    ZMQ_PLAIN,
    /// CurveZMQ encryption and authentication (`ZMQ_CURVE`, 2; RFC 25/26).
    ZMQ_CURVE,
}

impl Mechanism {
    /// libzmq's number for the mechanism (`ZMQ_NULL` 0, `ZMQ_PLAIN` 1, `ZMQ_CURVE` 2).
    pub fn to_raw(self) -> i32 {
        match self {
            Mechanism::ZMQ_NULL => 0,
            Mechanism::ZMQ_PLAIN => 1,
            Mechanism::ZMQ_CURVE => 2,
        }
    }

    /// The mechanism with libzmq's number `raw`, if any.
    pub fn from_raw(raw: i32) -> Option<Mechanism> {
        match raw {
            0 => Some(Mechanism::ZMQ_NULL),
            1 => Some(Mechanism::ZMQ_PLAIN),
            2 => Some(Mechanism::ZMQ_CURVE),
            _ => None,
        }
    }
}

/// What a socket uses to secure its connections: the mechanism, its role and credentials.
#[derive(Clone, Debug, Default)]
pub(crate) struct Security {
    pub mechanism: Mechanism,
    /// PLAIN_SERVER / CURVE_SERVER: this side authenticates its peers.
    pub as_server: bool,
    pub plain_username: Vec<u8>,
    pub plain_password: Vec<u8>,
    pub curve_public_key: [u8; 32],
    pub curve_secret_key: [u8; 32],
    pub curve_server_key: [u8; 32],
    /// ZAP_DOMAIN: also makes the NULL mechanism consult the ZAP handler when not empty.
    pub zap_domain: Vec<u8>,
    /// ZAP_ENFORCE_DOMAIN: refuse peers when no ZAP handler is bound, even for NULL/CURVE.
    pub zap_enforce_domain: bool,
}

/// The option values of one socket.
#[derive(Clone, Debug)]
pub(crate) struct Options {
    pub sndhwm: i32,
    pub rcvhwm: i32,
    pub linger: i32,
    pub sndtimeo: i32,
    pub rcvtimeo: i32,
    pub reconnect_ivl: i32,
    pub reconnect_ivl_max: i32,
    pub maxmsgsize: i64,
    /// MAXMULTIPARTSIZE (ferrozmq's own): largest whole incoming multipart message, -1 = none.
    pub maxmultipartsize: i64,
    pub routing_id: Vec<u8>,
    pub ipv6: bool,
    pub backlog: i32,
    pub sndbuf: i32,
    pub rcvbuf: i32,
    pub handshake_ivl: i32,
    pub heartbeat_ivl: i32,
    pub heartbeat_timeout: i32,
    pub heartbeat_ttl: i32,
    pub connect_timeout: i32,
    pub immediate: bool,
    pub reconnect_stop: i32,
    pub tcp_keepalive: i32,
    pub tcp_keepalive_cnt: i32,
    pub tcp_keepalive_idle: i32,
    pub tcp_keepalive_intvl: i32,
    pub tcp_maxrt: i32,
    pub tos: i32,
    pub bindtodevice: Option<String>,
    pub router_mandatory: bool,
    pub router_handover: bool,
    pub router_notify: i32,
    pub probe_router: bool,
    pub req_correlate: bool,
    pub req_relaxed: bool,
    pub stream_notify: bool,
    pub xpub_verbose: bool,
    pub xpub_verboser: bool,
    pub xpub_manual: bool,
    pub xpub_manual_last_value: bool,
    pub only_first_subscribe: bool,
    pub xpub_nodrop: bool,
    pub xpub_welcome_msg: Option<Vec<u8>>,
    pub invert_matching: bool,
    pub xsub_verbose_unsubscribe: bool,
    /// XPUB_MAX_SUBSCRIPTIONS (-1 = no limit): a peer holding more is dropped.
    pub xpub_max_subscriptions: i32,
    /// XPUB_MAX_SUBSCRIPTION_BYTES (-1 = no limit): a peer whose topics add up to more is
    /// dropped.
    pub xpub_max_subscription_bytes: i64,
    pub conflate: bool,
    /// CONFLATE as set and read back: libzmq takes it on every socket type, and `conflate`
    /// is on only where the pattern conflates (PUB, SUB, PUSH, PULL, DEALER).
    pub conflate_requested: bool,
    /// Routing id for the peer of the next `connect` (consumed by it).
    pub connect_routing_id: Option<Vec<u8>>,
    /// METADATA: application properties (`X-` names) sent in READY, in name order.
    pub metadata: std::collections::BTreeMap<String, Vec<u8>>,
    /// HELLO_MSG, DISCONNECT_MSG, HICCUP_MSG (empty = none): see `peer_messages`.
    pub hello_msg: Vec<u8>,
    /// SOCKS_PROXY (`host:port`, empty = none) and its SOCKS_USERNAME/PASSWORD (username
    /// empty = no authentication): tcp connects go through this SOCKS5 proxy.
    pub socks_proxy: Vec<u8>,
    pub socks_username: Vec<u8>,
    pub socks_password: Vec<u8>,
    /// WSS_CERT_PEM and WSS_KEY_PEM: a wss listener's certificate chain and private key.
    pub wss_cert_pem: Vec<u8>,
    pub wss_key_pem: Vec<u8>,
    /// WSS_TRUST_PEM, WSS_TRUST_SYSTEM: what a wss connect trusts (certificates in PEM, the
    /// system's store); WSS_HOSTNAME (empty = the endpoint's host): the name its server's
    /// certificate must carry.
    pub wss_trust_pem: Vec<u8>,
    pub wss_trust_system: bool,
    pub wss_hostname: Vec<u8>,
    /// USE_FD (-1 = none): binds take over this listening socket instead of making one.
    pub use_fd: i32,
    /// ROUTER_RAW (deprecated in libzmq): this ROUTER speaks raw TCP, as a STREAM does.
    pub router_raw: bool,
    pub disconnect_msg: Vec<u8>,
    pub hiccup_msg: Vec<u8>,
    pub security: Security,
    /// IN_BATCH_SIZE: bytes asked of the kernel per read.
    pub in_batch_size: i32,
    /// OUT_BATCH_SIZE: encoded bytes gathered before a write.
    pub out_batch_size: i32,
    /// BUSY_POLL: SO_BUSY_POLL of tcp connections in µs (0 = not set).
    pub busy_poll: i32,
    /// PRIORITY: SO_PRIORITY of tcp connections (0 = not set).
    pub priority: i32,
    /// AFFINITY: the I/O threads (bit n = thread n) this socket's endpoints may use; 0 = any.
    pub affinity: u64,
    /// MULTICAST_HOPS: the TTL of multicast datagrams (udp RADIO).
    pub multicast_hops: i32,
    /// MULTICAST_MAXTPDU: the largest multicast packet, kept for multicast transports that
    /// fragment (default 1500, as libzmq).
    pub multicast_maxtpdu: i32,
    /// MULTICAST_LOOP: whether multicast a socket sends is looped back to this host (udp
    /// RADIO's IP_MULTICAST_LOOP; default true, as libzmq).
    pub multicast_loop: bool,
    /// LOOPBACK_FASTPATH: libzmq's Windows-only tcp loopback fast path; stored and read back
    /// as libzmq does elsewhere, without effect (default false).
    pub loopback_fastpath: bool,
    /// RATE: multicast data rate in kbit/s, kept for multicast transports (default 100).
    pub rate: i32,
    /// RECOVERY_IVL: multicast recovery interval in ms, kept for multicast transports.
    pub recovery_ivl: i32,
    /// TCP_ACCEPT_FILTER and IPC_FILTER_*: whom listeners accept.
    pub accept_filters: crate::io::AcceptFilters,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            sndhwm: 1000,
            rcvhwm: 1000,
            linger: -1,
            sndtimeo: -1,
            rcvtimeo: -1,
            reconnect_ivl: 100,
            reconnect_ivl_max: 0,
            maxmsgsize: -1,
            maxmultipartsize: -1,
            routing_id: Vec::new(),
            ipv6: false,
            backlog: 100,
            sndbuf: -1,
            rcvbuf: -1,
            handshake_ivl: 30_000,
            heartbeat_ivl: 0,
            heartbeat_timeout: -1,
            heartbeat_ttl: 0,
            connect_timeout: 0,
            immediate: false,
            reconnect_stop: 0,
            tcp_keepalive: -1,
            tcp_keepalive_cnt: -1,
            tcp_keepalive_idle: -1,
            tcp_keepalive_intvl: -1,
            tcp_maxrt: 0,
            tos: 0,
            bindtodevice: None,
            router_mandatory: false,
            router_handover: false,
            router_notify: 0,
            probe_router: false,
            req_correlate: false,
            req_relaxed: false,
            stream_notify: true,
            xpub_verbose: false,
            xpub_verboser: false,
            xpub_manual: false,
            xpub_manual_last_value: false,
            only_first_subscribe: false,
            xpub_nodrop: false,
            xpub_welcome_msg: None,
            invert_matching: false,
            xsub_verbose_unsubscribe: false,
            xpub_max_subscriptions: -1,
            xpub_max_subscription_bytes: -1,
            conflate: false,
            conflate_requested: false,
            connect_routing_id: None,
            metadata: Default::default(),
            hello_msg: Vec::new(),
            router_raw: false,
            use_fd: -1,
            socks_proxy: Vec::new(),
            socks_username: Vec::new(),
            socks_password: Vec::new(),
            wss_cert_pem: Vec::new(),
            wss_key_pem: Vec::new(),
            wss_trust_pem: Vec::new(),
            wss_trust_system: false,
            wss_hostname: Vec::new(),
            disconnect_msg: Vec::new(),
            hiccup_msg: Vec::new(),
            security: Security::default(),
            // libzmq's default is 8192; ferrozmq reads and writes in larger batches.
            in_batch_size: 64 * 1024,
            out_batch_size: 64 * 1024,
            busy_poll: 0,
            priority: 0,
            affinity: 0,
            multicast_hops: 1,
            multicast_maxtpdu: 1500,
            multicast_loop: true,
            loopback_fastpath: false,
            rate: 100,
            recovery_ivl: 10_000,
            accept_filters: Default::default(),
        }
    }
}

impl Options {
    /// The largest inbound frame accepted: MAXMSGSIZE if set, else this machine's physical
    /// memory. libzmq has no explicit bound then, but allocating a larger frame fails there
    /// and drops the peer; buffering one without bound would instead exhaust memory.
    pub(crate) fn max_msg_size(&self) -> u64 {
        u64::try_from(self.maxmsgsize).unwrap_or_else(|_| crate::sys::physical_memory())
    }
}

/// Parses a ZMQ_METADATA value as libzmq does: `X-name:value`, with a name of at most 255
/// bytes before the first `:` and a value that is not empty; a 4-byte value is refused (libzmq
/// takes it for an int). The name must also be made of ZMTP property-name characters
/// (letters, digits, `-_.+`), which libzmq does not check but every receiver's parser does.
pub(crate) fn metadata_property(value: &[u8]) -> Result<(String, Vec<u8>)> {
    if value.len() == 4 {
        return Err(Error::EINVAL);
    }
    let colon = value.iter().position(|&b| b == b':').ok_or(Error::EINVAL)?;
    let (name, rest) = (&value[..colon], &value[colon + 1..]);
    let name_ok = name.starts_with(b"X-")
        && name.len() <= 255
        && name
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'+'));
    if !name_ok || rest.is_empty() {
        return Err(Error::EINVAL);
    }
    let name = String::from_utf8(name.to_vec()).map_err(|_| Error::EINVAL)?;
    Ok((name, rest.to_vec()))
}

/// Validates a non-negative integer option (HWMs, BACKLOG).
pub(crate) fn non_negative(value: i32) -> Result<i32> {
    if value < 0 {
        Err(Error::EINVAL)
    } else {
        Ok(value)
    }
}

/// Validates an option where -1 means "infinite/default" and other negatives are invalid
/// (LINGER, timeouts, buffer sizes, RECONNECT_IVL).
pub(crate) fn minus_one_or_more(value: i32) -> Result<i32> {
    if value < -1 {
        Err(Error::EINVAL)
    } else {
        Ok(value)
    }
}

/// ZMQ_RECONNECT_STOP flags: stop reconnecting when the connection was refused…
pub const RECONNECT_STOP_CONN_REFUSED: i32 = 1;
/// …when the handshake failed…
pub const RECONNECT_STOP_HANDSHAKE_FAILED: i32 = 2;
/// …or after a disconnection.
pub const RECONNECT_STOP_AFTER_DISCONNECT: i32 = 4;

/// Validates ZMQ_TCP_KEEPALIVE: -1, 0 or 1.
pub(crate) fn keepalive(value: i32) -> Result<i32> {
    if (-1..=1).contains(&value) {
        Ok(value)
    } else {
        Err(Error::EINVAL)
    }
}

/// Validates ZMQ_RECONNECT_STOP: an OR of the RECONNECT_STOP_* flags.
pub(crate) fn reconnect_stop(value: i32) -> Result<i32> {
    if (0..=7).contains(&value) {
        Ok(value)
    } else {
        Err(Error::EINVAL)
    }
}

/// Validates ZMQ_HEARTBEAT_TTL: 0 to 6553599 ms, kept (and read back) in whole deciseconds
/// as libzmq does, since the wire carries a u16 of deciseconds.
pub(crate) fn heartbeat_ttl(value: i32) -> Result<i32> {
    if (0..=6_553_599).contains(&value) {
        Ok(value - value % 100)
    } else {
        Err(Error::EINVAL)
    }
}

/// Validates a routing id: 1 to 255 bytes, as libzmq requires.
pub(crate) fn routing_id(value: &[u8]) -> Result<Vec<u8>> {
    if value.is_empty() || value.len() > 255 {
        Err(Error::EINVAL)
    } else {
        Ok(value.to_vec())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_libzmqs() {
        let o = Options::default();
        assert_eq!((o.sndhwm, o.rcvhwm, o.linger), (1000, 1000, -1));
        assert_eq!((o.reconnect_ivl, o.reconnect_ivl_max), (100, 0));
        assert_eq!((o.backlog, o.maxmsgsize), (100, -1));
        assert!(o.max_msg_size() >= 1 << 20 && o.max_msg_size() < 1 << 62);
    }

    #[test]
    fn validation() {
        assert_eq!(non_negative(-1), Err(Error::EINVAL));
        assert_eq!(heartbeat_ttl(6_553_599), Ok(6_553_500));
        assert_eq!(heartbeat_ttl(99), Ok(0));
        assert_eq!(heartbeat_ttl(6_553_600), Err(Error::EINVAL));
        assert_eq!(
            metadata_property(b"X-key:a:b"),
            Ok(("X-key".to_string(), b"a:b".to_vec()))
        );
        for bad in [
            &b"X-k:"[..],
            b"X-:v",
            b":v",
            b"Y-key:v",
            b"X-key",
            b"X-a b:v",
            b"X-:a",
        ] {
            assert_eq!(metadata_property(bad), Err(Error::EINVAL), "{bad:?}");
        }
        assert_eq!(minus_one_or_more(-1), Ok(-1));
        assert_eq!(minus_one_or_more(-2), Err(Error::EINVAL));
        assert_eq!(routing_id(b""), Err(Error::EINVAL));
        assert_eq!(routing_id(&[1; 256]), Err(Error::EINVAL));
        assert!(routing_id(&[1; 255]).is_ok());
    }
}
