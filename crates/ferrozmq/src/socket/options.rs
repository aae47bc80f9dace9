//! The option table: every socket option by libzmq's id (`zmq.h`), with libzmq's value
//! encodings and EINVAL rules. [`Socket::set_option`] and [`Socket::get_option`] take and give
//! the bytes `zmq_setsockopt` / `zmq_getsockopt` do (what a C ABI passes through); the typed
//! `set_*` / `get_*` methods encode their argument and go through the same table, so one rule
//! applies to both.
//!
//! Encodings, as libzmq's:
//! * int options are a native-endian `i32`, exactly 4 bytes; MAXMSGSIZE an `i64`, 8 bytes;
//! * booleans are ints: strict ones (IMMEDIATE, IPV6, CONFLATE, STREAM_NOTIFY, PLAIN_SERVER,
//!   CURVE_SERVER) take 0 or 1, the patterns' own (ROUTER_*, PROBE_ROUTER, REQ_*, XPUB_*,
//!   ONLY_FIRST_SUBSCRIBE, XSUB_VERBOSE_UNSUBSCRIBE) any non-negative int, INVERT_MATCHING and
//!   ZAP_ENFORCE_DOMAIN any int; non-zero means on;
//! * strings are read back with the terminating NUL libzmq writes (LAST_ENDPOINT,
//!   BINDTODEVICE, PLAIN_USERNAME, PLAIN_PASSWORD, ZAP_DOMAIN); ROUTING_ID is binary;
//! * CURVE keys are set as 32 bytes, 40 Z85 characters or 41 with a final NUL and read back
//!   as 32 bytes (a C ABI converts to Z85 when its caller's buffer is 41 bytes);
//! * an empty value stands for libzmq's `(NULL, 0)` (clearing BINDTODEVICE, PLAIN_USERNAME…).
//!
//! EINVAL: an unknown id, a value of the wrong size or out of range, reading a set-only
//! option (SUBSCRIBE, XPUB_*, REQ_*…) or writing a read-only one (TYPE, RCVMORE, EVENTS, FD,
//! LAST_ENDPOINT, MECHANISM, TOPICS_COUNT), and setting a socket-type option on a type whose
//! [`Pattern::takes_option`](super::pattern::Pattern::takes_option) does not list it.
//!
//! ROUTER_MANDATORY, ROUTER_HANDOVER and PROBE_ROUTER are set-only in libzmq, so
//! `get_option` refuses them; ferrozmq's typed getters (`is_router_mandatory`…, rust-zmq's
//! names) still read them through the table.

use super::core::Core;
use super::security;
use super::Socket;
use crate::error::{Error, Result};
use crate::options::{self, ids, Mechanism};
use crate::PollEvents;

/// Writes an option from its libzmq bytes.
pub(super) type Set = fn(&mut Core, &[u8]) -> Result<()>;
/// Reads an option as libzmq's bytes.
pub(super) type Get = fn(&mut Core) -> Result<Vec<u8>>;

/// Whether, and through which door, an option can be read.
pub(super) enum Read {
    /// Set-only: EINVAL.
    No,
    /// Readable, as in libzmq.
    Yes(Get),
    /// Set-only in libzmq (so `get_option` refuses it) but read by a typed getter.
    Typed(Get),
}

/// Which sockets accept an option.
#[derive(PartialEq, Eq)]
pub(super) enum Scope {
    /// Every socket type.
    Any,
    /// Only the types whose pattern takes it (`Pattern::takes_option`).
    Pattern,
}

/// One option of the table.
pub(super) struct Entry {
    pub(super) id: i32,
    pub(super) scope: Scope,
    /// None: read-only.
    pub(super) set: Option<Set>,
    pub(super) read: Read,
}

/// An int option: exactly 4 bytes, native-endian.
pub(super) fn int(value: &[u8]) -> Result<i32> {
    <[u8; 4]>::try_from(value)
        .map(i32::from_ne_bytes)
        .map_err(|_| Error::EINVAL)
}

/// An int64 option: exactly 8 bytes, native-endian.
pub(super) fn int64(value: &[u8]) -> Result<i64> {
    <[u8; 8]>::try_from(value)
        .map(i64::from_ne_bytes)
        .map_err(|_| Error::EINVAL)
}

/// A boolean libzmq takes only as 0 or 1.
pub(super) fn strict_bool(value: &[u8]) -> Result<bool> {
    match int(value)? {
        0 => Ok(false),
        1 => Ok(true),
        _ => Err(Error::EINVAL),
    }
}

/// A boolean libzmq takes as any int, non-zero meaning on.
fn any_int_bool(value: &[u8]) -> Result<bool> {
    Ok(int(value)? != 0)
}

/// A boolean libzmq takes as any non-negative int.
pub(super) fn relaxed_bool(value: &[u8]) -> Result<bool> {
    match int(value)? {
        v if v < 0 => Err(Error::EINVAL),
        v => Ok(v != 0),
    }
}

pub(super) fn put_int(value: i32) -> Vec<u8> {
    value.to_ne_bytes().to_vec()
}

pub(super) fn put_bool(value: bool) -> Vec<u8> {
    put_int(i32::from(value))
}

/// A string as libzmq's getsockopt writes it: the bytes and a terminating NUL.
fn put_text(text: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len() + 1);
    out.extend_from_slice(text);
    out.push(0);
    out
}

/// The bytes of a string read back, without libzmq's terminating NUL.
fn strip_nul(mut bytes: Vec<u8>) -> Vec<u8> {
    if bytes.last() == Some(&0) {
        bytes.pop();
    }
    bytes
}

/// An int option stored in `Options::$field`, validated by `$check`.
macro_rules! int_field {
    ($id:ident, $field:ident, $check:path) => {
        Entry {
            id: ids::$id,
            scope: Scope::Any,
            set: Some(|core, v| {
                core.options.$field = $check(int(v)?)?;
                Ok(())
            }),
            read: Read::Yes(|core| Ok(put_int(core.options.$field))),
        }
    };
}

/// SNDHWM or RCVHWM: stored in `Options::$field` for later binds and connects, and given to
/// every pipe the socket has already (libzmq's `update_pipe_options`).
macro_rules! hwm_field {
    ($id:ident, $field:ident) => {
        Entry {
            id: ids::$id,
            scope: Scope::Any,
            set: Some(|core, v| {
                core.options.$field = options::non_negative(int(v)?)?;
                core.apply_hwms();
                Ok(())
            }),
            read: Read::Yes(|core| Ok(put_int(core.options.$field))),
        }
    };
}

/// A boolean option stored in `Options::$field`, decoded by `$decode`.
macro_rules! flag_field {
    ($id:ident, $field:ident, $decode:ident, $scope:ident, $read:ident) => {
        Entry {
            id: ids::$id,
            scope: Scope::$scope,
            set: Some(|core, v| {
                core.options.$field = $decode(v)?;
                Ok(())
            }),
            read: flag_field!(@read $read, $field),
        }
    };
    (@read No, $field:ident) => { Read::No };
    (@read $read:ident, $field:ident) => {
        Read::$read(|core| Ok(put_bool(core.options.$field)))
    };
}

/// A set-only message option stored in `Options::$field` (any bytes; empty = none), taken
/// by every type as in libzmq.
macro_rules! bytes_field {
    ($id:ident, $field:ident) => {
        Entry {
            id: ids::$id,
            scope: Scope::Any,
            set: Some(|core, v| {
                core.options.$field = v.to_vec();
                Ok(())
            }),
            read: Read::No,
        }
    };
}

/// SOCKS_USERNAME or SOCKS_PASSWORD: at most 255 bytes (RFC 1929), empty clearing it.
macro_rules! socks_credential {
    ($id:ident, $field:ident) => {
        Entry {
            id: ids::$id,
            scope: Scope::Any,
            set: Some(|core, v| {
                if v.len() > 255 {
                    return Err(Error::EINVAL);
                }
                core.options.$field = v.to_vec();
                Ok(())
            }),
            read: Read::Yes(|core| Ok(put_text(&core.options.$field))),
        }
    };
}

/// A read-only option.
macro_rules! read_only {
    ($id:ident, $get:expr) => {
        Entry {
            id: ids::$id,
            scope: Scope::Any,
            set: None,
            read: Read::Yes($get),
        }
    };
}

/// Every option a socket has.
static TABLE: &[Entry] = &[
    hwm_field!(SNDHWM, sndhwm),
    hwm_field!(RCVHWM, rcvhwm),
    int_field!(SNDTIMEO, sndtimeo, options::minus_one_or_more),
    int_field!(RCVTIMEO, rcvtimeo, options::minus_one_or_more),
    int_field!(RECONNECT_IVL, reconnect_ivl, options::minus_one_or_more),
    int_field!(RECONNECT_IVL_MAX, reconnect_ivl_max, options::non_negative),
    int_field!(BACKLOG, backlog, options::non_negative),
    int_field!(SNDBUF, sndbuf, options::minus_one_or_more),
    int_field!(RCVBUF, rcvbuf, options::minus_one_or_more),
    int_field!(HEARTBEAT_IVL, heartbeat_ivl, options::non_negative),
    int_field!(
        HEARTBEAT_TIMEOUT,
        heartbeat_timeout,
        options::minus_one_or_more
    ),
    int_field!(HEARTBEAT_TTL, heartbeat_ttl, options::heartbeat_ttl),
    int_field!(TCP_KEEPALIVE, tcp_keepalive, options::keepalive),
    int_field!(
        TCP_KEEPALIVE_CNT,
        tcp_keepalive_cnt,
        options::minus_one_or_more
    ),
    int_field!(
        TCP_KEEPALIVE_IDLE,
        tcp_keepalive_idle,
        options::minus_one_or_more
    ),
    int_field!(
        TCP_KEEPALIVE_INTVL,
        tcp_keepalive_intvl,
        options::minus_one_or_more
    ),
    int_field!(TCP_MAXRT, tcp_maxrt, options::non_negative),
    int_field!(TOS, tos, options::non_negative),
    int_field!(CONNECT_TIMEOUT, connect_timeout, options::non_negative),
    int_field!(RECONNECT_STOP, reconnect_stop, options::reconnect_stop),
    int_field!(HANDSHAKE_IVL, handshake_ivl, options::non_negative),
    int_field!(USE_FD, use_fd, options::minus_one_or_more),
    Entry {
        id: ids::SOCKS_PROXY,
        scope: Scope::Any,
        set: Some(|core, v| {
            core.options.socks_proxy = v.to_vec();
            Ok(())
        }),
        read: Read::Yes(|core| Ok(put_text(&core.options.socks_proxy))),
    },
    socks_credential!(SOCKS_USERNAME, socks_username),
    socks_credential!(SOCKS_PASSWORD, socks_password),
    Entry {
        id: ids::LINGER,
        scope: Scope::Any,
        set: Some(|core, v| {
            let linger = options::minus_one_or_more(int(v)?)?;
            core.options.linger = linger;
            // Sessions read it from here when the socket closes.
            core.shared.set_linger(linger);
            Ok(())
        }),
        read: Read::Yes(|core| Ok(put_int(core.options.linger))),
    },
    Entry {
        id: ids::MAXMSGSIZE,
        scope: Scope::Any,
        set: Some(|core, v| {
            match int64(v)? {
                v if v < -1 => return Err(Error::EINVAL),
                v => core.options.maxmsgsize = v,
            }
            Ok(())
        }),
        read: Read::Yes(|core| Ok(core.options.maxmsgsize.to_ne_bytes().to_vec())),
    },
    Entry {
        id: ids::MAXMULTIPARTSIZE,
        scope: Scope::Any,
        set: Some(|core, v| {
            match int64(v)? {
                v if v < -1 => return Err(Error::EINVAL),
                v => core.options.maxmultipartsize = v,
            }
            Ok(())
        }),
        read: Read::Yes(|core| Ok(core.options.maxmultipartsize.to_ne_bytes().to_vec())),
    },
    Entry {
        id: ids::ROUTING_ID,
        scope: Scope::Any,
        set: Some(|core, v| {
            core.options.routing_id = options::routing_id(v)?;
            Ok(())
        }),
        read: Read::Yes(|core| Ok(core.options.routing_id.clone())),
    },
    Entry {
        id: ids::BINDTODEVICE,
        scope: Scope::Any,
        set: Some(|core, v| {
            // An interface name: shorter than IFNAMSIZ (16, with its NUL), as libzmq.
            if v.len() >= 16 {
                return Err(Error::EINVAL);
            }
            let device = std::str::from_utf8(v).map_err(|_| Error::EINVAL)?;
            core.options.bindtodevice = Some(device.to_string()).filter(|d| !d.is_empty());
            Ok(())
        }),
        read: Read::Yes(|core| {
            let device = core.options.bindtodevice.as_deref().unwrap_or("");
            Ok(put_text(device.as_bytes()))
        }),
    },
    flag_field!(IMMEDIATE, immediate, strict_bool, Any, Yes),
    flag_field!(IPV6, ipv6, strict_bool, Any, Yes),
    Entry {
        id: ids::SUBSCRIBE,
        scope: Scope::Any,
        // Which types take it (and when) is the pattern's `subscribe`.
        set: Some(|core, topic| core.subscribe(topic, true)),
        read: Read::No,
    },
    Entry {
        id: ids::UNSUBSCRIBE,
        scope: Scope::Any,
        set: Some(|core, topic| core.subscribe(topic, false)),
        read: Read::No,
    },
    // Taken by every type, as libzmq; it conflates only where the pattern takes it.
    Entry {
        id: ids::CONFLATE,
        scope: Scope::Any,
        set: Some(|core, v| {
            let on = strict_bool(v)?;
            core.options.conflate_requested = on;
            core.options.conflate = on && core.pattern.takes_option(ids::CONFLATE);
            Ok(())
        }),
        read: Read::Yes(|core| Ok(put_bool(core.options.conflate_requested))),
    },
    flag_field!(INVERT_MATCHING, invert_matching, any_int_bool, Pattern, Yes),
    flag_field!(
        ROUTER_MANDATORY,
        router_mandatory,
        relaxed_bool,
        Pattern,
        Typed
    ),
    flag_field!(
        ROUTER_HANDOVER,
        router_handover,
        relaxed_bool,
        Pattern,
        Typed
    ),
    flag_field!(PROBE_ROUTER, probe_router, relaxed_bool, Pattern, Typed),
    Entry {
        id: ids::ROUTER_RAW,
        scope: Scope::Pattern,
        // Once raw, a ROUTER stays raw (libzmq keeps its `raw_socket` option); set-only.
        set: Some(|core, v| {
            if relaxed_bool(v)? && !core.options.router_raw {
                core.make_raw_router();
            }
            Ok(())
        }),
        read: Read::No,
    },
    Entry {
        id: ids::ROUTER_NOTIFY,
        scope: Scope::Pattern,
        set: Some(|core, v| {
            let all = super::NOTIFY_CONNECT | super::NOTIFY_DISCONNECT;
            match int(v)? {
                v if (0..=all).contains(&v) => core.options.router_notify = v,
                _ => return Err(Error::EINVAL),
            }
            Ok(())
        }),
        read: Read::Yes(|core| Ok(put_int(core.options.router_notify))),
    },
    flag_field!(REQ_CORRELATE, req_correlate, relaxed_bool, Pattern, No),
    flag_field!(REQ_RELAXED, req_relaxed, relaxed_bool, Pattern, No),
    flag_field!(STREAM_NOTIFY, stream_notify, strict_bool, Pattern, No),
    Entry {
        id: ids::CONNECT_ROUTING_ID,
        scope: Scope::Pattern,
        set: Some(|core, v| {
            core.options.connect_routing_id = Some(options::routing_id(v)?);
            Ok(())
        }),
        read: Read::No,
    },
    flag_field!(XPUB_VERBOSE, xpub_verbose, relaxed_bool, Pattern, No),
    flag_field!(XPUB_VERBOSER, xpub_verboser, relaxed_bool, Pattern, No),
    flag_field!(XPUB_MANUAL, xpub_manual, relaxed_bool, Pattern, No),
    flag_field!(XPUB_NODROP, xpub_nodrop, relaxed_bool, Pattern, No),
    Entry {
        id: ids::XPUB_MANUAL_LAST_VALUE,
        scope: Scope::Pattern,
        // Implies XPUB_MANUAL, as libzmq's.
        set: Some(|core, v| {
            let on = relaxed_bool(v)?;
            core.options.xpub_manual = on;
            core.options.xpub_manual_last_value = on;
            Ok(())
        }),
        read: Read::No,
    },
    Entry {
        id: ids::XPUB_WELCOME_MSG,
        scope: Scope::Pattern,
        // Empty: no welcome message, as libzmq.
        set: Some(|core, v| {
            core.options.xpub_welcome_msg = Some(v.to_vec()).filter(|m| !m.is_empty());
            Ok(())
        }),
        read: Read::No,
    },
    flag_field!(
        ONLY_FIRST_SUBSCRIBE,
        only_first_subscribe,
        relaxed_bool,
        Pattern,
        No
    ),
    flag_field!(
        XSUB_VERBOSE_UNSUBSCRIBE,
        xsub_verbose_unsubscribe,
        relaxed_bool,
        Pattern,
        No
    ),
    Entry {
        id: ids::XPUB_MAX_SUBSCRIPTIONS,
        scope: Scope::Pattern,
        set: Some(|core, v| {
            core.options.xpub_max_subscriptions = options::minus_one_or_more(int(v)?)?;
            Ok(())
        }),
        read: Read::Yes(|core| Ok(put_int(core.options.xpub_max_subscriptions))),
    },
    Entry {
        id: ids::XPUB_MAX_SUBSCRIPTION_BYTES,
        scope: Scope::Pattern,
        set: Some(|core, v| {
            match int64(v)? {
                v if v < -1 => return Err(Error::EINVAL),
                v => core.options.xpub_max_subscription_bytes = v,
            }
            Ok(())
        }),
        read: Read::Yes(|core| {
            Ok(core
                .options
                .xpub_max_subscription_bytes
                .to_ne_bytes()
                .to_vec())
        }),
    },
    Entry {
        id: ids::METADATA,
        scope: Scope::Any,
        // libzmq keeps the first value set for a name (a map insert); set-only there too.
        set: Some(|core, v| {
            let (name, value) = options::metadata_property(v)?;
            core.options.metadata.entry(name).or_insert(value);
            Ok(())
        }),
        read: Read::No,
    },
    bytes_field!(HELLO_MSG, hello_msg),
    bytes_field!(DISCONNECT_MSG, disconnect_msg),
    bytes_field!(HICCUP_MSG, hiccup_msg),
    bytes_field!(WSS_CERT_PEM, wss_cert_pem),
    bytes_field!(WSS_KEY_PEM, wss_key_pem),
    bytes_field!(WSS_TRUST_PEM, wss_trust_pem),
    bytes_field!(WSS_HOSTNAME, wss_hostname),
    flag_field!(WSS_TRUST_SYSTEM, wss_trust_system, strict_bool, Any, No),
    read_only!(RCVMORE, |core| Ok(put_bool(core.rcvmore))),
    read_only!(TYPE, |core| Ok(put_int(core.socket_type.to_raw()))),
    read_only!(THREAD_SAFE, |core| Ok(put_bool(
        core.socket_type.is_thread_safe()
    ))),
    read_only!(EVENTS, |core| Ok(put_int(i32::from(core.events()?.bits())))),
    read_only!(FD, |core| Ok(put_int(core.shared.signaler.fd()))),
    read_only!(LAST_ENDPOINT, |core| Ok(put_text(
        core.last_endpoint.as_bytes()
    ))),
    read_only!(MECHANISM, |core| Ok(put_int(
        core.options.security.mechanism.to_raw()
    ))),
    read_only!(TOPICS_COUNT, |core| {
        let count = core.pattern.topics_count().ok_or(Error::EINVAL)?;
        Ok(put_int(i32::try_from(count).unwrap_or(i32::MAX)))
    }),
    Entry {
        id: ids::PLAIN_SERVER,
        scope: Scope::Any,
        set: Some(|core, v| {
            let on = strict_bool(v)?;
            security::set_server(&mut core.options.security, Mechanism::ZMQ_PLAIN, on);
            Ok(())
        }),
        read: Read::Yes(|core| {
            let s = &core.options.security;
            Ok(put_bool(security::is_server(s, Mechanism::ZMQ_PLAIN)))
        }),
    },
    Entry {
        id: ids::PLAIN_USERNAME,
        scope: Scope::Any,
        set: Some(|core, v| {
            security::set_plain(&mut core.options.security, v, |s| &mut s.plain_username)
        }),
        read: Read::Yes(|core| Ok(put_text(&core.options.security.plain_username))),
    },
    Entry {
        id: ids::PLAIN_PASSWORD,
        scope: Scope::Any,
        set: Some(|core, v| {
            security::set_plain(&mut core.options.security, v, |s| &mut s.plain_password)
        }),
        read: Read::Yes(|core| Ok(put_text(&core.options.security.plain_password))),
    },
    Entry {
        id: ids::CURVE_SERVER,
        scope: Scope::Any,
        set: Some(|core, v| {
            let on = strict_bool(v)?;
            security::set_server(&mut core.options.security, Mechanism::ZMQ_CURVE, on);
            Ok(())
        }),
        read: Read::Yes(|core| {
            let s = &core.options.security;
            Ok(put_bool(security::is_server(s, Mechanism::ZMQ_CURVE)))
        }),
    },
    Entry {
        id: ids::CURVE_PUBLICKEY,
        scope: Scope::Any,
        set: Some(|core, v| {
            security::set_curve_key(&mut core.options.security, v, |s| &mut s.curve_public_key)
        }),
        read: Read::Yes(|core| Ok(core.options.security.curve_public_key.to_vec())),
    },
    Entry {
        id: ids::CURVE_SECRETKEY,
        scope: Scope::Any,
        set: Some(|core, v| {
            security::set_curve_key(&mut core.options.security, v, |s| &mut s.curve_secret_key)
        }),
        read: Read::Yes(|core| Ok(core.options.security.curve_secret_key.to_vec())),
    },
    Entry {
        id: ids::CURVE_SERVERKEY,
        scope: Scope::Any,
        set: Some(|core, v| {
            let s = &mut core.options.security;
            security::set_curve_key(s, v, |s| &mut s.curve_server_key)?;
            // The server's key makes this side a client.
            s.as_server = false;
            Ok(())
        }),
        read: Read::Yes(|core| Ok(core.options.security.curve_server_key.to_vec())),
    },
    Entry {
        id: ids::ZAP_DOMAIN,
        scope: Scope::Any,
        set: Some(|core, v| {
            if v.len() > 255 {
                return Err(Error::EINVAL);
            }
            core.options.security.zap_domain = v.to_vec();
            Ok(())
        }),
        read: Read::Yes(|core| Ok(put_text(&core.options.security.zap_domain))),
    },
    Entry {
        id: ids::ZAP_ENFORCE_DOMAIN,
        scope: Scope::Any,
        set: Some(|core, v| {
            core.options.security.zap_enforce_domain = any_int_bool(v)?;
            Ok(())
        }),
        read: Read::Yes(|core| Ok(put_bool(core.options.security.zap_enforce_domain))),
    },
];

/// The table's entry for option `id`.
fn entry(id: i32) -> Result<&'static Entry> {
    all_entries().find(|e| e.id == id).ok_or(Error::EINVAL)
}

/// This table and the transport options' (`transport_options.rs`).
fn all_entries() -> impl Iterator<Item = &'static Entry> {
    TABLE.iter().chain(super::transport_options::TABLE)
}

/// The options by libzmq's id, as a C ABI (`zmq_setsockopt` / `zmq_getsockopt`) calls them.
impl Socket {
    /// Sets option `id` (libzmq's number, see [`options::ids`](crate::options::ids)) from its
    /// libzmq encoding (see the module docs of `socket/options.rs`: ints as native-endian
    /// `i32`, booleans as ints, MAXMSGSIZE as `i64`, keys as 32/40/41 bytes). EINVAL for an
    /// unknown id, a read-only option, a value of the wrong size or out of range, or an
    /// option this socket type does not take.
    pub fn set_option(&self, id: i32, value: &[u8]) -> Result<()> {
        let entry = entry(id)?;
        let set = entry.set.ok_or(Error::EINVAL)?;
        let mut core = self.core();
        if entry.scope == Scope::Pattern && !core.pattern.takes_option(id) {
            return Err(Error::EINVAL);
        }
        set(&mut core, value)
    }

    /// Reads option `id` in libzmq's encoding (strings with their terminating NUL, CURVE keys
    /// as 32 bytes). EINVAL for an unknown id or a set-only option.
    pub fn get_option(&self, id: i32) -> Result<Vec<u8>> {
        match entry(id)?.read {
            Read::Yes(get) => get(&mut self.core()),
            Read::No | Read::Typed(_) => Err(Error::EINVAL),
        }
    }

    /// Reads option `id` for a typed getter: as `get_option`, and also the options only
    /// ferrozmq's typed getters read back.
    pub(super) fn read_option(&self, id: i32) -> Result<Vec<u8>> {
        match entry(id)?.read {
            Read::Yes(get) | Read::Typed(get) => get(&mut self.core()),
            Read::No => Err(Error::EINVAL),
        }
    }

    pub(super) fn set_int(&self, id: i32, value: i32) -> Result<()> {
        self.set_option(id, &value.to_ne_bytes())
    }

    pub(super) fn get_int(&self, id: i32) -> Result<i32> {
        int(&self.read_option(id)?)
    }

    pub(super) fn set_flag(&self, id: i32, value: bool) -> Result<()> {
        self.set_int(id, i32::from(value))
    }

    pub(super) fn get_flag(&self, id: i32) -> Result<bool> {
        Ok(self.get_int(id)? != 0)
    }

    /// A string option as rust-zmq's getters return it: text if it is UTF-8.
    pub(super) fn get_text(&self, id: i32) -> Result<std::result::Result<String, Vec<u8>>> {
        let bytes = strip_nul(self.read_option(id)?);
        Ok(String::from_utf8(bytes).map_err(|e| e.into_bytes()))
    }
}

/// Typed accessors of int options: `get_$name` / `set_$name` over the table entry `$id`.
macro_rules! int_option {
    ($(#[$doc:meta])* $get:ident, $set:ident, $id:ident) => {
        impl Socket {
            $(#[$doc])*
            pub fn $get(&self) -> Result<i32> {
                self.get_int(ids::$id)
            }
            $(#[$doc])*
            pub fn $set(&self, value: i32) -> Result<()> {
                self.set_int(ids::$id, value)
            }
        }
    };
}

int_option!(
    /// High-water mark for outgoing messages per peer (`ZMQ_SNDHWM`, default 1000, 0 = none).
    get_sndhwm, set_sndhwm, SNDHWM
);
int_option!(
    /// High-water mark for incoming messages per peer (`ZMQ_RCVHWM`, default 1000, 0 = none).
    get_rcvhwm, set_rcvhwm, RCVHWM
);
int_option!(
    /// Send timeout in ms (`ZMQ_SNDTIMEO`, -1 = block forever): EAGAIN when it expires.
    get_sndtimeo, set_sndtimeo, SNDTIMEO
);
int_option!(
    /// Receive timeout in ms (`ZMQ_RCVTIMEO`, -1 = block forever): EAGAIN when it expires.
    get_rcvtimeo, set_rcvtimeo, RCVTIMEO
);
int_option!(
    /// First reconnect interval in ms (`ZMQ_RECONNECT_IVL`, default 100, -1 = never).
    get_reconnect_ivl, set_reconnect_ivl, RECONNECT_IVL
);
int_option!(
    /// Largest reconnect interval in ms; the interval doubles up to it (`ZMQ_RECONNECT_IVL_MAX`).
    get_reconnect_ivl_max, set_reconnect_ivl_max, RECONNECT_IVL_MAX
);
int_option!(
    /// Pending-connection queue length of listeners (`ZMQ_BACKLOG`, default 100).
    get_backlog, set_backlog, BACKLOG
);
int_option!(
    /// Kernel send buffer size in bytes (`ZMQ_SNDBUF`, -1 = the OS default).
    get_sndbuf, set_sndbuf, SNDBUF
);
int_option!(
    /// Kernel receive buffer size in bytes (`ZMQ_RCVBUF`, -1 = the OS default).
    get_rcvbuf, set_rcvbuf, RCVBUF
);
int_option!(
    /// Interval in ms between ZMTP heartbeat PINGs (`ZMQ_HEARTBEAT_IVL`, 0 = none).
    get_heartbeat_ivl, set_heartbeat_ivl, HEARTBEAT_IVL
);
int_option!(
    /// How long in ms to wait for any traffic after a PING before dropping the connection
    /// (`ZMQ_HEARTBEAT_TIMEOUT`, -1 = HEARTBEAT_IVL).
    get_heartbeat_timeout, set_heartbeat_timeout, HEARTBEAT_TIMEOUT
);
int_option!(
    /// The time-to-live in ms announced in our PINGs: the peer drops the connection after that
    /// long without traffic (`ZMQ_HEARTBEAT_TTL`, 0 to 6553599, rounded to 100 ms).
    get_heartbeat_ttl, set_heartbeat_ttl, HEARTBEAT_TTL
);
int_option!(
    /// TCP keepalives: -1 the OS default, 0 off, 1 on (`ZMQ_TCP_KEEPALIVE`).
    get_tcp_keepalive, set_tcp_keepalive, TCP_KEEPALIVE
);
int_option!(
    /// Unanswered keepalive probes before the connection is dropped (`ZMQ_TCP_KEEPALIVE_CNT`,
    /// -1 = OS default).
    get_tcp_keepalive_cnt, set_tcp_keepalive_cnt, TCP_KEEPALIVE_CNT
);
int_option!(
    /// Idle seconds before keepalive probes start (`ZMQ_TCP_KEEPALIVE_IDLE`, -1 = OS default).
    get_tcp_keepalive_idle, set_tcp_keepalive_idle, TCP_KEEPALIVE_IDLE
);
int_option!(
    /// Seconds between keepalive probes (`ZMQ_TCP_KEEPALIVE_INTVL`, -1 = OS default).
    get_tcp_keepalive_intvl, set_tcp_keepalive_intvl, TCP_KEEPALIVE_INTVL
);
int_option!(
    /// How long in ms unacknowledged data may stay unacknowledged before the connection is
    /// dropped (`ZMQ_TCP_MAXRT`, the kernel's TCP_USER_TIMEOUT; 0 = OS default).
    get_tcp_maxrt, set_tcp_maxrt, TCP_MAXRT
);
int_option!(
    /// The IP type-of-service byte of outgoing packets (`ZMQ_TOS`).
    get_tos, set_tos, TOS
);
int_option!(
    /// How long in ms a tcp connect may take before it is abandoned and retried
    /// (`ZMQ_CONNECT_TIMEOUT`, 0 = the OS's own timeout).
    get_connect_timeout, set_connect_timeout, CONNECT_TIMEOUT
);
int_option!(
    /// When to stop redialling (`ZMQ_RECONNECT_STOP`): an OR of
    /// [`RECONNECT_STOP_CONN_REFUSED`](crate::options::RECONNECT_STOP_CONN_REFUSED),
    /// `_HANDSHAKE_FAILED` and `_AFTER_DISCONNECT`; 0 = always redial.
    get_reconnect_stop, set_reconnect_stop, RECONNECT_STOP
);
int_option!(
    /// Time allowed for a connection's handshake in ms (`ZMQ_HANDSHAKE_IVL`, default 30000,
    /// 0 = unlimited); a peer that does not complete it is disconnected.
    get_handshake_ivl, set_handshake_ivl, HANDSHAKE_IVL
);
int_option!(
    /// A listening socket (bound by the application) that later tcp or ipc binds take over
    /// instead of making their own (`ZMQ_USE_FD`, -1 = none): a tcp bind's address is then
    /// ignored (the endpoint is the socket's own), an ipc bind's names it. ferrozmq uses a
    /// copy of the descriptor, so the application still closes its own (libzmq closes the
    /// one it was given).
    get_use_fd, set_use_fd, USE_FD
);
int_option!(
    /// How long queued messages are kept after close, in ms (`ZMQ_LINGER`, -1 = until sent).
    get_linger, set_linger, LINGER
);

/// Typed accessors of the other options.
impl Socket {
    /// Largest inbound message in bytes (`ZMQ_MAXMSGSIZE`, -1 = no limit); a peer sending a
    /// larger one is disconnected.
    pub fn get_maxmsgsize(&self) -> Result<i64> {
        int64(&self.read_option(ids::MAXMSGSIZE)?)
    }

    /// Largest inbound message in bytes (`ZMQ_MAXMSGSIZE`, -1 = no limit).
    pub fn set_maxmsgsize(&self, value: i64) -> Result<()> {
        self.set_option(ids::MAXMSGSIZE, &value.to_ne_bytes())
    }

    /// Largest whole incoming multipart message in bytes (ferrozmq's own option 1002,
    /// `MAXMULTIPARTSIZE`; -1 = no limit, the default). libzmq has no such option: its
    /// MAXMSGSIZE bounds each frame, so a peer sending MORE frames forever grows memory there.
    /// A peer passing this bound is disconnected as one passing MAXMSGSIZE is.
    pub fn get_maxmultipartsize(&self) -> Result<i64> {
        int64(&self.read_option(ids::MAXMULTIPARTSIZE)?)
    }

    /// Largest whole incoming multipart message in bytes (option 1002, -1 = no limit); see
    /// [`get_maxmultipartsize`](Socket::get_maxmultipartsize).
    pub fn set_maxmultipartsize(&self, value: i64) -> Result<()> {
        self.set_option(ids::MAXMULTIPARTSIZE, &value.to_ne_bytes())
    }

    /// The routing id sent to peers (`ZMQ_ROUTING_ID`, alias IDENTITY).
    pub fn get_identity(&self) -> Result<Vec<u8>> {
        self.read_option(ids::ROUTING_ID)
    }

    /// The routing id sent to peers: 1 to 255 bytes (`ZMQ_ROUTING_ID`).
    pub fn set_identity(&self, value: &[u8]) -> Result<()> {
        self.set_option(ids::ROUTING_ID, value)
    }

    /// The SOCKS5 proxy later tcp connects go through (`ZMQ_SOCKS_PROXY`), if any.
    pub fn get_socks_proxy(&self) -> Result<std::result::Result<String, Vec<u8>>> {
        self.get_text(ids::SOCKS_PROXY)
    }

    /// Makes later tcp connects go through the SOCKS5 proxy at `"host:port"`
    /// (`ZMQ_SOCKS_PROXY`, RFC 1928): the proxy is dialled (and resolved) on each attempt
    /// and asked to CONNECT to the endpoint as given, a name unresolved. None or "" dials
    /// directly again.
    pub fn set_socks_proxy(&self, proxy: Option<&str>) -> Result<()> {
        self.set_option(ids::SOCKS_PROXY, proxy.unwrap_or("").as_bytes())
    }

    /// The username given to the SOCKS5 proxy (`ZMQ_SOCKS_USERNAME`).
    pub fn get_socks_username(&self) -> Result<std::result::Result<String, Vec<u8>>> {
        self.get_text(ids::SOCKS_USERNAME)
    }

    /// Authenticates to the SOCKS5 proxy with this username and SOCKS_PASSWORD (RFC 1929;
    /// `ZMQ_SOCKS_USERNAME`, at most 255 bytes); "" offers no authentication, as libzmq.
    pub fn set_socks_username(&self, username: &str) -> Result<()> {
        self.set_option(ids::SOCKS_USERNAME, username.as_bytes())
    }

    /// The password given to the SOCKS5 proxy (`ZMQ_SOCKS_PASSWORD`).
    pub fn get_socks_password(&self) -> Result<std::result::Result<String, Vec<u8>>> {
        self.get_text(ids::SOCKS_PASSWORD)
    }

    /// The password sent with SOCKS_USERNAME (`ZMQ_SOCKS_PASSWORD`, at most 255 bytes).
    pub fn set_socks_password(&self, password: &str) -> Result<()> {
        self.set_option(ids::SOCKS_PASSWORD, password.as_bytes())
    }

    /// The network interface tcp sockets are bound to (`ZMQ_BINDTODEVICE`), if any.
    pub fn get_bindtodevice(&self) -> Result<Option<String>> {
        let device = strip_nul(self.read_option(ids::BINDTODEVICE)?);
        Ok(String::from_utf8(device).ok().filter(|d| !d.is_empty()))
    }

    /// Binds later tcp sockets to a network interface, e.g. `"lo"` (`ZMQ_BINDTODEVICE`;
    /// needs CAP_NET_RAW); None or "" removes it.
    pub fn set_bindtodevice(&self, device: Option<&str>) -> Result<()> {
        self.set_option(ids::BINDTODEVICE, device.unwrap_or("").as_bytes())
    }

    /// Whether `ZMQ_IMMEDIATE` is set.
    pub fn is_immediate(&self) -> Result<bool> {
        self.get_flag(ids::IMMEDIATE)
    }

    /// Queue messages only to completed connections (`ZMQ_IMMEDIATE`): a peer still being
    /// dialled gets nothing (a send blocks if no peer is connected), and what was queued for a
    /// connection that drops is discarded. Applies to later connects.
    pub fn set_immediate(&self, value: bool) -> Result<()> {
        self.set_flag(ids::IMMEDIATE, value)
    }

    /// Whether tcp endpoints may use IPv6 (`ZMQ_IPV6`, default false).
    pub fn is_ipv6(&self) -> Result<bool> {
        self.get_flag(ids::IPV6)
    }

    /// Whether tcp endpoints may use IPv6 (`ZMQ_IPV6`).
    pub fn set_ipv6(&self, value: bool) -> Result<()> {
        self.set_flag(ids::IPV6, value)
    }

    /// True if the last frame received has more frames after it (`ZMQ_RCVMORE`).
    pub fn get_rcvmore(&self) -> Result<bool> {
        self.get_flag(ids::RCVMORE)
    }

    /// The socket's type (`ZMQ_TYPE`).
    pub fn get_socket_type(&self) -> Result<ferrozmq_zmtp::SocketType> {
        let raw = self.get_int(ids::TYPE)?;
        ferrozmq_zmtp::SocketType::from_raw(raw).ok_or(Error::EINVAL)
    }

    /// Whether the socket's type is one of the thread-safe draft types (`ZMQ_THREAD_SAFE`);
    /// such a socket can be shared between threads as a
    /// [`ThreadSafeSocket`](crate::ThreadSafeSocket).
    pub fn is_thread_safe(&self) -> Result<bool> {
        Ok(self.get_int(ids::THREAD_SAFE)? != 0)
    }

    /// What the socket can do now without blocking: [`POLLIN`](crate::POLLIN) and/or
    /// [`POLLOUT`](crate::POLLOUT) (`ZMQ_EVENTS`). Also resets the readiness of
    /// [`get_fd`](Socket::get_fd), as libzmq's does.
    pub fn get_events(&self) -> Result<PollEvents> {
        let events = self.get_int(ids::EVENTS)?;
        i16::try_from(events)
            .map(PollEvents::from_bits_truncate)
            .map_err(|_| Error::EINVAL)
    }

    /// A file descriptor that becomes readable when the socket's state may have changed
    /// (`ZMQ_FD`), for waiting on a socket in any event loop (epoll, mio, tokio's `AsyncFd`).
    ///
    /// Like libzmq's it is edge-triggered and readable does not mean a message is there: when
    /// it fires, call [`get_events`](Socket::get_events) and receive with `DONTWAIT` until
    /// EAGAIN, checking `get_events` again after every send and receive. Never read, write
    /// or close it.
    pub fn get_fd(&self) -> Result<std::os::fd::RawFd> {
        self.get_int(ids::FD)
    }

    /// Adds an application property sent to peers in the handshake (`ZMQ_METADATA`,
    /// `"X-name:value"`), which they read as `Message::gets("X-name")` on every message from
    /// this socket. A name already set keeps its first value, as in libzmq. Applies to
    /// later binds and connects. EINVAL unless the name starts with `X-`, is at most 255
    /// property-name characters (letters, digits, `-_.+`) and the value is not empty.
    pub fn set_metadata(&self, property: &str) -> Result<()> {
        self.set_option(ids::METADATA, property.as_bytes())
    }

    /// ROUTER, DEALER: a message sent to every new peer as the first message of each new
    /// connection (`ZMQ_HELLO_MSG`, libzmq 4.3.5 draft); empty: none. Other types take it
    /// and do nothing, as in libzmq. Applies to later binds and connects.
    pub fn set_hello_msg(&self, message: &[u8]) -> Result<()> {
        self.set_option(ids::HELLO_MSG, message)
    }

    /// ROUTER: a message received on behalf of an accepted peer whose connection ends after
    /// its handshake, as if that peer had sent it (`ZMQ_DISCONNECT_MSG`, libzmq 4.3.5
    /// draft); over inproc, when the connecting socket closes or disconnects. Empty: none.
    pub fn set_disconnect_msg(&self, message: &[u8]) -> Result<()> {
        self.set_option(ids::DISCONNECT_MSG, message)
    }

    /// DEALER: a message received when a connection this socket made ends after its
    /// handshake (`ZMQ_HICCUP_MSG`, libzmq 4.3.5 draft), before it reconnects. Empty: none.
    pub fn set_hiccup_msg(&self, message: &[u8]) -> Result<()> {
        self.set_option(ids::HICCUP_MSG, message)
    }

    /// The certificate chain (PEM, leaf first) later `wss://` binds present to clients
    /// (`ZMQ_WSS_CERT_PEM`); a wss bind without it and WSS_KEY_PEM is EINVAL.
    pub fn set_wss_cert_pem(&self, pem: &[u8]) -> Result<()> {
        self.set_option(ids::WSS_CERT_PEM, pem)
    }

    /// The private key (PEM) of WSS_CERT_PEM's leaf (`ZMQ_WSS_KEY_PEM`).
    pub fn set_wss_key_pem(&self, pem: &[u8]) -> Result<()> {
        self.set_option(ids::WSS_KEY_PEM, pem)
    }

    /// Certificates (PEM) later `wss://` connects trust a server's chain to lead to
    /// (`ZMQ_WSS_TRUST_PEM`).
    pub fn set_wss_trust_pem(&self, pem: &[u8]) -> Result<()> {
        self.set_option(ids::WSS_TRUST_PEM, pem)
    }

    /// Whether later `wss://` connects also trust the system's certificate store
    /// (`ZMQ_WSS_TRUST_SYSTEM`, default false).
    pub fn set_wss_trust_system(&self, trust: bool) -> Result<()> {
        self.set_int(ids::WSS_TRUST_SYSTEM, trust as i32)
    }

    /// The name a `wss://` server's certificate must carry, sent as SNI
    /// (`ZMQ_WSS_HOSTNAME`); "" (the default) means the endpoint's host.
    pub fn set_wss_hostname(&self, hostname: &str) -> Result<()> {
        self.set_option(ids::WSS_HOSTNAME, hostname.as_bytes())
    }

    /// The endpoint last bound or connected, with wildcards resolved (`ZMQ_LAST_ENDPOINT`).
    pub fn get_last_endpoint(&self) -> Result<std::result::Result<String, Vec<u8>>> {
        self.get_text(ids::LAST_ENDPOINT)
    }
}

/// Publish-subscribe options.
impl Socket {
    /// SUB: receive messages whose first frame starts with `topic` ("" = everything);
    /// counted, so each subscribe needs its own unsubscribe (`ZMQ_SUBSCRIBE`). XPUB with
    /// XPUB_MANUAL: apply a subscription for the subscriber last heard from.
    pub fn set_subscribe(&self, topic: &[u8]) -> Result<()> {
        self.set_option(ids::SUBSCRIBE, topic)
    }

    /// Removes one subscription to `topic` (`ZMQ_UNSUBSCRIBE`).
    pub fn set_unsubscribe(&self, topic: &[u8]) -> Result<()> {
        self.set_option(ids::UNSUBSCRIBE, topic)
    }

    /// XPUB, XSUB, SUB: the number of distinct topics subscribed (`ZMQ_TOPICS_COUNT`).
    pub fn get_topics_count(&self) -> Result<i32> {
        self.get_int(ids::TOPICS_COUNT)
    }

    /// XPUB: pass every subscription to the application, not only new topics
    /// (`ZMQ_XPUB_VERBOSE`).
    pub fn set_xpub_verbose(&self, value: bool) -> Result<()> {
        self.set_flag(ids::XPUB_VERBOSE, value)
    }

    /// XPUB: pass every subscription and unsubscription (`ZMQ_XPUB_VERBOSER`).
    pub fn set_xpub_verboser(&self, value: bool) -> Result<()> {
        self.set_flag(ids::XPUB_VERBOSER, value)
    }

    /// XPUB: subscriptions are applied by the application (`ZMQ_XPUB_MANUAL`).
    pub fn set_xpub_manual(&self, value: bool) -> Result<()> {
        self.set_flag(ids::XPUB_MANUAL, value)
    }

    /// XPUB: like XPUB_MANUAL, and after the application applies a subscription the next
    /// message goes to that subscriber alone (`ZMQ_XPUB_MANUAL_LAST_VALUE`).
    pub fn set_xpub_manual_last_value(&self, value: bool) -> Result<()> {
        self.set_flag(ids::XPUB_MANUAL_LAST_VALUE, value)
    }

    /// XPUB, XSUB: only the first frame of a multipart message can be a subscription
    /// (`ZMQ_ONLY_FIRST_SUBSCRIBE`).
    pub fn set_only_first_subscribe(&self, value: bool) -> Result<()> {
        self.set_flag(ids::ONLY_FIRST_SUBSCRIBE, value)
    }

    /// XPUB: block (or EAGAIN) instead of dropping when a subscriber is at its HWM
    /// (`ZMQ_XPUB_NODROP`).
    pub fn set_xpub_nodrop(&self, value: bool) -> Result<()> {
        self.set_flag(ids::XPUB_NODROP, value)
    }

    /// XPUB: a message sent to every new subscriber as it connects (`ZMQ_XPUB_WELCOME_MSG`);
    /// None or an empty message: none, as in libzmq. Text, as rust-zmq's signature; a binary
    /// welcome is `set_option(ids::XPUB_WELCOME_MSG, bytes)`.
    pub fn set_xpub_welcome_msg(&self, message: Option<&str>) -> Result<()> {
        let message = message.unwrap_or_default();
        self.set_option(ids::XPUB_WELCOME_MSG, message.as_bytes())
    }

    /// PUB, XPUB, SUB, XSUB: deliver what does NOT match the subscriptions
    /// (`ZMQ_INVERT_MATCHING`).
    pub fn set_invert_matching(&self, value: bool) -> Result<()> {
        self.set_flag(ids::INVERT_MATCHING, value)
    }

    /// PUB, SUB, PUSH, PULL, DEALER: keep only the newest message in each queue, for
    /// "latest value" feeds; single-part messages only (`ZMQ_CONFLATE`). Applies to later
    /// binds and connects. Other types take and read it back but do not conflate, as libzmq.
    pub fn set_conflate(&self, value: bool) -> Result<()> {
        self.set_flag(ids::CONFLATE, value)
    }

    /// Whether `ZMQ_CONFLATE` is set.
    pub fn is_conflate(&self) -> Result<bool> {
        self.get_flag(ids::CONFLATE)
    }

    /// PUB, XPUB: drop a subscriber that holds more than `value` subscriptions (-1 = no
    /// limit, the default; libzmq has no such option). ferrozmq's own option
    /// (`XPUB_MAX_SUBSCRIPTIONS`, id 1000); the drop is reported as the monitor event
    /// `SUBSCRIPTION_LIMIT`. Applies to subscriptions arriving from then on.
    pub fn set_xpub_max_subscriptions(&self, value: i32) -> Result<()> {
        self.set_option(ids::XPUB_MAX_SUBSCRIPTIONS, &value.to_ne_bytes())
    }

    /// The `XPUB_MAX_SUBSCRIPTIONS` limit (-1 = none).
    pub fn get_xpub_max_subscriptions(&self) -> Result<i32> {
        int(&self.read_option(ids::XPUB_MAX_SUBSCRIPTIONS)?)
    }

    /// PUB, XPUB: drop a subscriber whose topics add up to more than `value` bytes (-1 = no
    /// limit, the default). ferrozmq's own option (`XPUB_MAX_SUBSCRIPTION_BYTES`, id 1001),
    /// reported like `set_xpub_max_subscriptions`.
    pub fn set_xpub_max_subscription_bytes(&self, value: i64) -> Result<()> {
        self.set_option(ids::XPUB_MAX_SUBSCRIPTION_BYTES, &value.to_ne_bytes())
    }

    /// The `XPUB_MAX_SUBSCRIPTION_BYTES` limit (-1 = none).
    pub fn get_xpub_max_subscription_bytes(&self) -> Result<i64> {
        int64(&self.read_option(ids::XPUB_MAX_SUBSCRIPTION_BYTES)?)
    }

    /// XSUB: forward every unsubscription upstream, not only a topic's last
    /// (`ZMQ_XSUB_VERBOSE_UNSUBSCRIBE`).
    pub fn set_xsub_verbose_unsubscribe(&self, value: bool) -> Result<()> {
        self.set_flag(ids::XSUB_VERBOSE_UNSUBSCRIBE, value)
    }
}

/// Options of the request-reply and router types (which types take each is the pattern's
/// `takes_option`: REP, built on a ROUTER in libzmq, takes the ROUTER ones too).
impl Socket {
    /// ROUTER: refuse unroutable messages with EHOSTUNREACH, and block (or EAGAIN) when the
    /// peer is full, instead of dropping silently (`ZMQ_ROUTER_MANDATORY`).
    pub fn set_router_mandatory(&self, value: bool) -> Result<()> {
        self.set_flag(ids::ROUTER_MANDATORY, value)
    }

    /// Whether `ZMQ_ROUTER_MANDATORY` is set.
    pub fn is_router_mandatory(&self) -> Result<bool> {
        self.get_flag(ids::ROUTER_MANDATORY)
    }

    /// ROUTER: a new peer with a routing id already in use takes it over, and the old
    /// connection is closed (`ZMQ_ROUTER_HANDOVER`); otherwise the newcomer is refused.
    pub fn set_router_handover(&self, value: bool) -> Result<()> {
        self.set_flag(ids::ROUTER_HANDOVER, value)
    }

    /// ROUTER: speak raw TCP to peers, as a STREAM socket does (`ZMQ_ROUTER_RAW`, deprecated
    /// in libzmq in favour of STREAM): no ZMTP, data arrives as `[routing-id, bytes]`, a
    /// connection and a disconnection as `[routing-id, ""]`, and sending `[routing-id, ""]`
    /// closes that connection. Applies to later binds and connects; cannot be undone.
    pub fn set_router_raw(&self, value: bool) -> Result<()> {
        self.set_flag(ids::ROUTER_RAW, value)
    }

    /// Whether `ZMQ_ROUTER_HANDOVER` is set.
    pub fn is_router_handover(&self) -> Result<bool> {
        self.get_flag(ids::ROUTER_HANDOVER)
    }

    /// ROUTER: deliver `[routing-id, ""]` when a peer connects ([`NOTIFY_CONNECT`]) and/or
    /// disconnects ([`NOTIFY_DISCONNECT`]) (`ZMQ_ROUTER_NOTIFY`, 0 = never).
    ///
    /// [`NOTIFY_CONNECT`]: crate::NOTIFY_CONNECT
    /// [`NOTIFY_DISCONNECT`]: crate::NOTIFY_DISCONNECT
    pub fn set_router_notify(&self, value: i32) -> Result<()> {
        self.set_int(ids::ROUTER_NOTIFY, value)
    }

    /// The `ZMQ_ROUTER_NOTIFY` flags.
    pub fn get_router_notify(&self) -> Result<i32> {
        self.get_int(ids::ROUTER_NOTIFY)
    }

    /// ROUTER, DEALER, REQ: send an empty message to every new peer, so a ROUTER on the other
    /// side learns our routing id at once (`ZMQ_PROBE_ROUTER`).
    pub fn set_probe_router(&self, value: bool) -> Result<()> {
        self.set_flag(ids::PROBE_ROUTER, value)
    }

    /// Whether `ZMQ_PROBE_ROUTER` is set.
    pub fn is_probe_router(&self) -> Result<bool> {
        self.get_flag(ids::PROBE_ROUTER)
    }

    /// REQ: prefix requests with a request id and accept only the matching reply
    /// (`ZMQ_REQ_CORRELATE`).
    pub fn set_req_correlate(&self, value: bool) -> Result<()> {
        self.set_flag(ids::REQ_CORRELATE, value)
    }

    /// REQ: allow a new request before the previous reply arrived; that reply is then
    /// ignored (`ZMQ_REQ_RELAXED`).
    pub fn set_req_relaxed(&self, value: bool) -> Result<()> {
        self.set_flag(ids::REQ_RELAXED, value)
    }

    /// ROUTER, STREAM: the routing id to give the peer of the next `connect` instead of the
    /// one it announces or a generated one (`ZMQ_CONNECT_ROUTING_ID`, 1 to 255 bytes).
    pub fn set_connect_routing_id(&self, value: &[u8]) -> Result<()> {
        self.set_option(ids::CONNECT_ROUTING_ID, value)
    }

    /// STREAM: deliver `[routing-id, ""]` when a peer connects or disconnects
    /// (`ZMQ_STREAM_NOTIFY`, default on).
    pub fn set_stream_notify(&self, value: bool) -> Result<()> {
        self.set_flag(ids::STREAM_NOTIFY, value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Context, SocketType};

    type Typed = fn(&Socket) -> Result<()>;
    type Read = fn(&Socket) -> Result<Vec<u8>>;

    /// How one option is probed: on a socket of type `ty`, `typed_set` sets a value through
    /// the typed setter whose table encoding is `expected` (None: set-only); then `raw` is
    /// set through the table and the typed getter `typed_get` (re-encoded as the table's
    /// bytes) must agree with the table.
    struct Probe {
        id: i32,
        ty: SocketType,
        typed_set: Option<Typed>,
        expected: Option<Vec<u8>>,
        raw: Option<Vec<u8>>,
        typed_get: Option<Read>,
    }

    fn i(v: i32) -> Vec<u8> {
        v.to_ne_bytes().to_vec()
    }

    fn text(s: &str) -> Vec<u8> {
        put_text(s.as_bytes())
    }

    fn txt(r: Result<std::result::Result<String, Vec<u8>>>) -> Result<Vec<u8>> {
        Ok(put_text(r?.unwrap().as_bytes()))
    }

    macro_rules! int_probe {
        ($id:ident, $set:ident, $get:ident, $a:expr, $b:expr) => {
            Probe {
                id: ids::$id,
                ty: SocketType::DEALER,
                typed_set: Some(|s| s.$set($a)),
                expected: Some(i($a)),
                raw: Some(i($b)),
                typed_get: Some(|s| s.$get().map(i)),
            }
        };
    }

    macro_rules! flag_probe {
        ($id:ident, $ty:ident, $set:ident) => {
            Probe {
                id: ids::$id,
                ty: SocketType::$ty,
                typed_set: Some(|s| s.$set(true)),
                expected: None,
                raw: Some(i(1)),
                typed_get: None,
            }
        };
        ($id:ident, $ty:ident, $set:ident, $get:ident) => {
            Probe {
                id: ids::$id,
                ty: SocketType::$ty,
                typed_set: Some(|s| s.$set(true)),
                expected: Some(i(1)),
                raw: Some(i(0)),
                typed_get: Some(|s| s.$get().map(|v| i(v.into()))),
            }
        };
    }

    fn probes() -> Vec<Probe> {
        let key = crate::CurveKeyPair::new().unwrap();
        let z85 = crate::z85_encode(&key.public_key).unwrap();
        let mut probes = vec![
            int_probe!(SNDHWM, set_sndhwm, get_sndhwm, 10, 0),
            int_probe!(RCVHWM, set_rcvhwm, get_rcvhwm, 10, 0),
            int_probe!(SNDTIMEO, set_sndtimeo, get_sndtimeo, 5, -1),
            int_probe!(RCVTIMEO, set_rcvtimeo, get_rcvtimeo, 5, 7),
            int_probe!(RECONNECT_IVL, set_reconnect_ivl, get_reconnect_ivl, -1, 250),
            int_probe!(
                RECONNECT_IVL_MAX,
                set_reconnect_ivl_max,
                get_reconnect_ivl_max,
                9,
                0
            ),
            int_probe!(BACKLOG, set_backlog, get_backlog, 5, 6),
            int_probe!(SNDBUF, set_sndbuf, get_sndbuf, 4096, -1),
            int_probe!(RCVBUF, set_rcvbuf, get_rcvbuf, 4096, 8192),
            int_probe!(HEARTBEAT_IVL, set_heartbeat_ivl, get_heartbeat_ivl, 100, 0),
            int_probe!(
                HEARTBEAT_TIMEOUT,
                set_heartbeat_timeout,
                get_heartbeat_timeout,
                300,
                -1
            ),
            int_probe!(
                HEARTBEAT_TTL,
                set_heartbeat_ttl,
                get_heartbeat_ttl,
                6_553_500,
                200
            ),
            int_probe!(TCP_KEEPALIVE, set_tcp_keepalive, get_tcp_keepalive, 1, 0),
            int_probe!(
                TCP_KEEPALIVE_CNT,
                set_tcp_keepalive_cnt,
                get_tcp_keepalive_cnt,
                3,
                4
            ),
            int_probe!(
                TCP_KEEPALIVE_IDLE,
                set_tcp_keepalive_idle,
                get_tcp_keepalive_idle,
                3,
                4
            ),
            int_probe!(
                TCP_KEEPALIVE_INTVL,
                set_tcp_keepalive_intvl,
                get_tcp_keepalive_intvl,
                3,
                4
            ),
            int_probe!(TCP_MAXRT, set_tcp_maxrt, get_tcp_maxrt, 1000, 0),
            int_probe!(TOS, set_tos, get_tos, 0x28, 0),
            int_probe!(
                CONNECT_TIMEOUT,
                set_connect_timeout,
                get_connect_timeout,
                50,
                60
            ),
            int_probe!(RECONNECT_STOP, set_reconnect_stop, get_reconnect_stop, 7, 1),
            int_probe!(HANDSHAKE_IVL, set_handshake_ivl, get_handshake_ivl, 0, 5000),
            int_probe!(LINGER, set_linger, get_linger, 0, -1),
            int_probe!(USE_FD, set_use_fd, get_use_fd, 3, -1),
            Probe {
                id: ids::MAXMSGSIZE,
                ty: SocketType::DEALER,
                typed_set: Some(|s| s.set_maxmsgsize(1 << 40)),
                expected: Some((1i64 << 40).to_ne_bytes().to_vec()),
                raw: Some((-1i64).to_ne_bytes().to_vec()),
                typed_get: Some(|s| s.get_maxmsgsize().map(|v| v.to_ne_bytes().to_vec())),
            },
            Probe {
                id: ids::XPUB_MAX_SUBSCRIPTIONS,
                ty: SocketType::XPUB,
                typed_set: Some(|s| s.set_xpub_max_subscriptions(10)),
                expected: Some(i(10)),
                raw: Some(i(-1)),
                typed_get: Some(|s| s.get_xpub_max_subscriptions().map(i)),
            },
            Probe {
                id: ids::XPUB_MAX_SUBSCRIPTION_BYTES,
                ty: SocketType::PUB,
                typed_set: Some(|s| s.set_xpub_max_subscription_bytes(1 << 20)),
                expected: Some((1i64 << 20).to_ne_bytes().to_vec()),
                raw: Some((-1i64).to_ne_bytes().to_vec()),
                typed_get: Some(|s| {
                    s.get_xpub_max_subscription_bytes()
                        .map(|v| v.to_ne_bytes().to_vec())
                }),
            },
            Probe {
                id: ids::MAXMULTIPARTSIZE,
                ty: SocketType::DEALER,
                typed_set: Some(|s| s.set_maxmultipartsize(1 << 30)),
                expected: Some((1i64 << 30).to_ne_bytes().to_vec()),
                raw: Some((-1i64).to_ne_bytes().to_vec()),
                typed_get: Some(|s| s.get_maxmultipartsize().map(|v| v.to_ne_bytes().to_vec())),
            },
            Probe {
                id: ids::ROUTING_ID,
                ty: SocketType::DEALER,
                typed_set: Some(|s| s.set_identity(b"me")),
                expected: Some(b"me".to_vec()),
                raw: Some(vec![0, 1, 2]),
                typed_get: Some(|s| s.get_identity()),
            },
            Probe {
                id: ids::BINDTODEVICE,
                ty: SocketType::DEALER,
                typed_set: Some(|s| s.set_bindtodevice(Some("lo"))),
                expected: Some(text("lo")),
                raw: Some(Vec::new()),
                typed_get: Some(|s| Ok(text(&s.get_bindtodevice()?.unwrap_or_default()))),
            },
            flag_probe!(IMMEDIATE, DEALER, set_immediate, is_immediate),
            flag_probe!(IPV6, DEALER, set_ipv6, is_ipv6),
            Probe {
                id: ids::SUBSCRIBE,
                ty: SocketType::SUB,
                typed_set: Some(|s| s.set_subscribe(b"a")),
                expected: None,
                raw: Some(b"b".to_vec()),
                typed_get: None,
            },
            Probe {
                id: ids::UNSUBSCRIBE,
                ty: SocketType::SUB,
                typed_set: Some(|s| s.set_unsubscribe(b"a")),
                expected: None,
                raw: Some(b"b".to_vec()),
                typed_get: None,
            },
            flag_probe!(CONFLATE, PULL, set_conflate, is_conflate),
            Probe {
                id: ids::INVERT_MATCHING,
                ty: SocketType::SUB,
                typed_set: Some(|s| s.set_invert_matching(true)),
                expected: Some(i(1)),
                raw: Some(i(0)),
                typed_get: None,
            },
            flag_probe!(
                ROUTER_MANDATORY,
                ROUTER,
                set_router_mandatory,
                is_router_mandatory
            ),
            flag_probe!(
                ROUTER_HANDOVER,
                ROUTER,
                set_router_handover,
                is_router_handover
            ),
            flag_probe!(PROBE_ROUTER, DEALER, set_probe_router, is_probe_router),
            flag_probe!(ROUTER_RAW, ROUTER, set_router_raw),
            Probe {
                id: ids::ROUTER_NOTIFY,
                ty: SocketType::ROUTER,
                typed_set: Some(|s| s.set_router_notify(3)),
                expected: Some(i(3)),
                raw: Some(i(1)),
                typed_get: Some(|s| s.get_router_notify().map(i)),
            },
            flag_probe!(REQ_CORRELATE, REQ, set_req_correlate),
            flag_probe!(REQ_RELAXED, REQ, set_req_relaxed),
            flag_probe!(STREAM_NOTIFY, STREAM, set_stream_notify),
            Probe {
                id: ids::CONNECT_ROUTING_ID,
                ty: SocketType::ROUTER,
                typed_set: Some(|s| s.set_connect_routing_id(b"peer")),
                expected: None,
                raw: Some(b"other".to_vec()),
                typed_get: None,
            },
            flag_probe!(XPUB_VERBOSE, XPUB, set_xpub_verbose),
            flag_probe!(XPUB_VERBOSER, XPUB, set_xpub_verboser),
            flag_probe!(XPUB_MANUAL, XPUB, set_xpub_manual),
            flag_probe!(XPUB_NODROP, XPUB, set_xpub_nodrop),
            flag_probe!(XPUB_MANUAL_LAST_VALUE, XPUB, set_xpub_manual_last_value),
            Probe {
                id: ids::XPUB_WELCOME_MSG,
                ty: SocketType::XPUB,
                typed_set: Some(|s| s.set_xpub_welcome_msg(Some("hi"))),
                expected: None,
                raw: Some(b"hello".to_vec()),
                typed_get: None,
            },
            flag_probe!(ONLY_FIRST_SUBSCRIBE, XSUB, set_only_first_subscribe),
            flag_probe!(XSUB_VERBOSE_UNSUBSCRIBE, XSUB, set_xsub_verbose_unsubscribe),
            flag_probe!(PLAIN_SERVER, DEALER, set_plain_server, is_plain_server),
            Probe {
                id: ids::PLAIN_USERNAME,
                ty: SocketType::DEALER,
                typed_set: Some(|s| s.set_plain_username(Some("admin"))),
                expected: Some(text("admin")),
                raw: Some(b"user".to_vec()),
                typed_get: Some(|s| txt(s.get_plain_username())),
            },
            Probe {
                id: ids::PLAIN_PASSWORD,
                ty: SocketType::DEALER,
                typed_set: Some(|s| s.set_plain_password(Some("secret"))),
                expected: Some(text("secret")),
                raw: Some(b"word".to_vec()),
                typed_get: Some(|s| txt(s.get_plain_password())),
            },
            flag_probe!(CURVE_SERVER, DEALER, set_curve_server, is_curve_server),
            Probe {
                id: ids::ZAP_DOMAIN,
                ty: SocketType::DEALER,
                typed_set: Some(|s| s.set_zap_domain("global")),
                expected: Some(text("global")),
                raw: Some(Vec::new()),
                typed_get: Some(|s| txt(s.get_zap_domain())),
            },
            Probe {
                id: ids::SOCKS_PROXY,
                ty: SocketType::DEALER,
                typed_set: Some(|s| s.set_socks_proxy(Some("127.0.0.1:1080"))),
                expected: Some(text("127.0.0.1:1080")),
                raw: Some(b"localhost:9050".to_vec()),
                typed_get: Some(|s| txt(s.get_socks_proxy())),
            },
            Probe {
                id: ids::SOCKS_USERNAME,
                ty: SocketType::DEALER,
                typed_set: Some(|s| s.set_socks_username("me")),
                expected: Some(text("me")),
                raw: Some(Vec::new()),
                typed_get: Some(|s| txt(s.get_socks_username())),
            },
            Probe {
                id: ids::SOCKS_PASSWORD,
                ty: SocketType::DEALER,
                typed_set: Some(|s| s.set_socks_password("secret")),
                expected: Some(text("secret")),
                raw: Some(b"pw".to_vec()),
                typed_get: Some(|s| txt(s.get_socks_password())),
            },
            Probe {
                id: ids::HELLO_MSG,
                ty: SocketType::ROUTER,
                typed_set: Some(|s| s.set_hello_msg(b"H")),
                expected: None,
                raw: Some(b"hello".to_vec()),
                typed_get: None,
            },
            Probe {
                id: ids::DISCONNECT_MSG,
                ty: SocketType::ROUTER,
                typed_set: Some(|s| s.set_disconnect_msg(b"D")),
                expected: None,
                raw: Some(Vec::new()),
                typed_get: None,
            },
            Probe {
                id: ids::HICCUP_MSG,
                ty: SocketType::DEALER,
                typed_set: Some(|s| s.set_hiccup_msg(b"X")),
                expected: None,
                raw: Some(b"hiccup".to_vec()),
                typed_get: None,
            },
            Probe {
                id: ids::WSS_CERT_PEM,
                ty: SocketType::REP,
                typed_set: Some(|s| s.set_wss_cert_pem(b"-----BEGIN CERTIFICATE-----")),
                expected: None,
                raw: Some(Vec::new()),
                typed_get: None,
            },
            Probe {
                id: ids::WSS_KEY_PEM,
                ty: SocketType::REP,
                typed_set: Some(|s| s.set_wss_key_pem(b"-----BEGIN PRIVATE KEY-----")),
                expected: None,
                raw: Some(Vec::new()),
                typed_get: None,
            },
            Probe {
                id: ids::WSS_TRUST_PEM,
                ty: SocketType::REQ,
                typed_set: Some(|s| s.set_wss_trust_pem(b"-----BEGIN CERTIFICATE-----")),
                expected: None,
                raw: Some(Vec::new()),
                typed_get: None,
            },
            Probe {
                id: ids::WSS_HOSTNAME,
                ty: SocketType::REQ,
                typed_set: Some(|s| s.set_wss_hostname("zeromq.org")),
                expected: None,
                raw: Some(b"localhost".to_vec()),
                typed_get: None,
            },
            Probe {
                id: ids::WSS_TRUST_SYSTEM,
                ty: SocketType::REQ,
                typed_set: Some(|s| s.set_wss_trust_system(true)),
                expected: None,
                raw: Some(i(0)),
                typed_get: None,
            },
            Probe {
                id: ids::METADATA,
                ty: SocketType::DEALER,
                typed_set: Some(|s| s.set_metadata("X-a:b")),
                expected: None,
                raw: Some(b"X-c:d".to_vec()),
                typed_get: None,
            },
            flag_probe!(
                ZAP_ENFORCE_DOMAIN,
                DEALER,
                set_zap_enforce_domain,
                is_zap_enforce_domain
            ),
        ];
        // The CURVE keys: the typed setter takes 32 bytes, the table 40 Z85 characters here;
        // both read back as 32 bytes.
        for (id, set, get) in [
            (
                ids::CURVE_PUBLICKEY,
                Socket::set_curve_publickey as fn(&Socket, &[u8]) -> Result<()>,
                Socket::get_curve_publickey as Read,
            ),
            (
                ids::CURVE_SECRETKEY,
                Socket::set_curve_secretkey,
                Socket::get_curve_secretkey,
            ),
            (
                ids::CURVE_SERVERKEY,
                Socket::set_curve_serverkey,
                Socket::get_curve_serverkey,
            ),
        ] {
            let ctx = Context::new();
            let s = ctx.socket(SocketType::DEALER).unwrap();
            set(&s, &key.public_key).unwrap();
            assert_eq!(s.get_option(id).unwrap(), key.public_key.to_vec());
            s.set_option(id, z85.as_bytes()).unwrap();
            assert_eq!(get(&s).unwrap(), s.get_option(id).unwrap());
            assert_eq!(s.get_option(ids::MECHANISM).unwrap(), i(2));
        }
        // The read-only ones: the typed getter and the table agree; the table cannot set them.
        let read_only: [(i32, Read); 8] = [
            (ids::RCVMORE, |s| s.get_rcvmore().map(|v| i(v.into()))),
            (ids::THREAD_SAFE, |s| {
                s.is_thread_safe().map(|v| i(v.into()))
            }),
            (ids::TYPE, |s| s.get_socket_type().map(|t| i(t.to_raw()))),
            (ids::EVENTS, |s| s.get_events().map(|e| i(e.bits().into()))),
            (ids::FD, |s| s.get_fd().map(i)),
            (ids::LAST_ENDPOINT, |s| txt(s.get_last_endpoint())),
            (ids::MECHANISM, |s| s.get_mechanism().map(|m| i(m.to_raw()))),
            (ids::TOPICS_COUNT, |s| s.get_topics_count().map(i)),
        ];
        for (id, get) in read_only {
            probes.push(Probe {
                id,
                ty: SocketType::SUB,
                typed_set: None,
                expected: None,
                raw: None,
                typed_get: Some(get),
            });
        }
        // transport_options.rs.
        probes.extend([
            int_probe!(IN_BATCH_SIZE, set_in_batch_size, get_in_batch_size, 1, 8192),
            int_probe!(
                OUT_BATCH_SIZE,
                set_out_batch_size,
                get_out_batch_size,
                1,
                8192
            ),
            int_probe!(BUSY_POLL, set_busy_poll, get_busy_poll, 50, -1),
            int_probe!(PRIORITY, set_priority, get_priority, 3, 0),
            int_probe!(MULTICAST_HOPS, set_multicast_hops, get_multicast_hops, 5, 1),
            int_probe!(
                MULTICAST_MAXTPDU,
                set_multicast_maxtpdu,
                get_multicast_maxtpdu,
                9000,
                1500
            ),
            flag_probe!(
                MULTICAST_LOOP,
                DEALER,
                set_multicast_loop,
                is_multicast_loop
            ),
            int_probe!(RATE, set_rate, get_rate, 200, 100),
            int_probe!(RECOVERY_IVL, set_recovery_ivl, get_recovery_ivl, 0, 10_000),
            flag_probe!(IPV4ONLY, DEALER, set_ipv4only, is_ipv4only),
            Probe {
                id: ids::AFFINITY,
                ty: SocketType::DEALER,
                typed_set: Some(|s| s.set_affinity(u64::MAX)),
                expected: Some(u64::MAX.to_ne_bytes().to_vec()),
                raw: Some(3u64.to_ne_bytes().to_vec()),
                typed_get: Some(|s| s.get_affinity().map(|v| v.to_ne_bytes().to_vec())),
            },
            Probe {
                id: ids::TCP_ACCEPT_FILTER,
                ty: SocketType::DEALER,
                typed_set: Some(|s| s.set_tcp_accept_filter("10.0.0.0/8")),
                expected: None,
                raw: Some(b"127.0.0.1".to_vec()),
                typed_get: None,
            },
        ]);
        probes.push(Probe {
            id: ids::LOOPBACK_FASTPATH,
            ty: SocketType::DEALER,
            typed_set: None,
            expected: None,
            raw: Some(i(1)),
            typed_get: None,
        });
        for id in [
            ids::IPC_FILTER_PID,
            ids::IPC_FILTER_UID,
            ids::IPC_FILTER_GID,
        ] {
            probes.push(Probe {
                id,
                ty: SocketType::DEALER,
                typed_set: None,
                expected: None,
                raw: Some(i(0)),
                typed_get: None,
            });
        }
        probes.extend(
            [
                ids::CURVE_PUBLICKEY,
                ids::CURVE_SECRETKEY,
                ids::CURVE_SERVERKEY,
            ]
            .map(|id| Probe {
                id,
                ty: SocketType::DEALER,
                typed_set: None,
                expected: None,
                raw: None,
                typed_get: None,
            }),
        );
        probes
    }

    #[test]
    fn every_option_goes_through_the_table_as_its_typed_accessor() {
        let probes = probes();
        let mut probed: Vec<i32> = probes.iter().map(|p| p.id).collect();
        let mut table: Vec<i32> = all_entries().map(|e| e.id).collect();
        probed.sort();
        table.sort();
        assert_eq!(probed, table, "every table entry is probed, once");
        for p in probes {
            let ctx = Context::new();
            let s = ctx.socket(p.ty).unwrap();
            let id = p.id;
            if let Some(set) = p.typed_set {
                set(&s).unwrap_or_else(|e| panic!("typed set of {id}: {e:?}"));
                match &p.expected {
                    Some(bytes) => assert_eq!(&s.read_option(id).unwrap(), bytes, "{id}"),
                    None => assert_eq!(s.get_option(id), Err(Error::EINVAL), "{id} set-only"),
                }
            }
            match &p.raw {
                Some(raw) => s
                    .set_option(id, raw)
                    .unwrap_or_else(|e| panic!("{id}: {e:?}")),
                None if p.typed_get.is_some() => {
                    assert_eq!(
                        s.set_option(id, &i(0)),
                        Err(Error::EINVAL),
                        "{id} read-only"
                    )
                }
                None => {}
            }
            if let Some(get) = p.typed_get {
                let table = s.read_option(id).unwrap();
                assert_eq!(
                    get(&s).unwrap(),
                    table,
                    "{id}: typed getter and table agree"
                );
                if let Some(raw) = p.raw.as_ref().filter(|r| r.len() == table.len()) {
                    assert_eq!(&table, raw, "{id} reads back what was set");
                }
            }
        }
    }

    /// libzmq's defaults and checks for the multicast options pyzmq's suite reads back:
    /// MULTICAST_MAXTPDU a positive int, MULTICAST_LOOP and LOOPBACK_FASTPATH any
    /// non-negative int read back as 0 or 1.
    #[test]
    fn multicast_options_read_back_as_libzmq() {
        let ctx = Context::new();
        let s = ctx.socket(SocketType::RADIO).unwrap();
        let read = |id| s.read_option(id).unwrap();
        assert_eq!(read(ids::MULTICAST_MAXTPDU), i(1500));
        assert_eq!(read(ids::MULTICAST_LOOP), i(1));
        assert_eq!(read(ids::LOOPBACK_FASTPATH), i(0));
        for (id, bad) in [
            (ids::MULTICAST_MAXTPDU, 0),
            (ids::MULTICAST_LOOP, -1),
            (ids::LOOPBACK_FASTPATH, -1),
        ] {
            assert_eq!(s.set_option(id, &i(bad)), Err(Error::EINVAL), "{id}");
        }
        s.set_option(ids::MULTICAST_LOOP, &i(0)).unwrap();
        s.set_option(ids::LOOPBACK_FASTPATH, &i(7)).unwrap();
        assert_eq!(read(ids::MULTICAST_LOOP), i(0));
        assert_eq!(read(ids::LOOPBACK_FASTPATH), i(1));
    }

    #[test]
    fn einval_as_libzmq() {
        let ctx = Context::new();
        let dealer = ctx.socket(SocketType::DEALER).unwrap();
        let einval = |s: &Socket, id: i32, v: &[u8]| {
            assert_eq!(s.set_option(id, v), Err(Error::EINVAL), "{id} {v:?}");
        };
        // Unknown ids, both ways.
        for id in [0, 1, 3, 999, -1] {
            einval(&dealer, id, &i(1));
            assert_eq!(dealer.get_option(id), Err(Error::EINVAL));
        }
        // Wrong sizes.
        for v in [&[][..], &[1, 0, 0], &[1, 0, 0, 0, 0]] {
            einval(&dealer, ids::SNDHWM, v);
            einval(&dealer, ids::IMMEDIATE, v);
        }
        einval(&dealer, ids::MAXMSGSIZE, &i(1));
        // Out of range.
        einval(&dealer, ids::SNDHWM, &i(-1));
        einval(&dealer, ids::LINGER, &i(-2));
        einval(&dealer, ids::TCP_KEEPALIVE, &i(2));
        einval(&dealer, ids::HEARTBEAT_TTL, &i(6_553_600));
        einval(&dealer, ids::RECONNECT_STOP, &i(8));
        einval(&dealer, ids::MAXMSGSIZE, &(-2i64).to_ne_bytes());
        einval(&dealer, ids::MAXMULTIPARTSIZE, &(-2i64).to_ne_bytes());
        einval(&dealer, ids::ROUTING_ID, b"");
        einval(&dealer, ids::ROUTING_ID, &[1; 256]);
        einval(&dealer, ids::BINDTODEVICE, &[b'x'; 16]);
        einval(&dealer, ids::ZAP_DOMAIN, &[b'x'; 256]);
        einval(&dealer, ids::CURVE_SERVERKEY, &[0; 31]);
        // Strict booleans take 0 and 1 only; the patterns' take any non-negative int.
        einval(&dealer, ids::IMMEDIATE, &i(2));
        einval(&dealer, ids::PLAIN_SERVER, &i(-1));
        einval(&dealer, ids::PROBE_ROUTER, &i(-1));
        dealer.set_option(ids::PROBE_ROUTER, &i(7)).unwrap();
        assert!(dealer.is_probe_router().unwrap());
        // Read-only and set-only.
        einval(&dealer, ids::TYPE, &i(5));
        einval(&dealer, ids::LAST_ENDPOINT, b"tcp://x:1\0");
        assert_eq!(dealer.get_option(ids::PROBE_ROUTER), Err(Error::EINVAL));
        // Options of other types.
        einval(&dealer, ids::ROUTER_MANDATORY, &i(1));
        einval(&dealer, ids::XPUB_VERBOSE, &i(1));
        einval(&dealer, ids::SUBSCRIBE, b"");
        let publisher = ctx.socket(SocketType::PUB).unwrap();
        einval(&publisher, ids::XPUB_VERBOSE, &i(1));
        einval(&publisher, ids::SUBSCRIBE, b"");
        publisher.set_option(ids::INVERT_MATCHING, &i(1)).unwrap();
        let rep = ctx.socket(SocketType::REP).unwrap();
        rep.set_option(ids::ROUTER_MANDATORY, &i(1)).unwrap();
        einval(&rep, ids::ROUTER_NOTIFY, &i(1));
        let router = ctx.socket(SocketType::ROUTER).unwrap();
        einval(&router, ids::ROUTER_NOTIFY, &i(4));
        // CONFLATE is taken (and read back) by every type, as libzmq 4.3.5 does.
        router.set_conflate(true).unwrap();
        assert!(router.is_conflate().unwrap());
    }
}
