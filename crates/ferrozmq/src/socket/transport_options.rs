//! The options that tune a socket's transports rather than its pattern, kept beside the main
//! option table (`options.rs`, which looks them up here too) with libzmq's encodings and
//! checks (`src/options.cpp`):
//!
//! * IN_BATCH_SIZE / OUT_BATCH_SIZE (positive int): bytes per read, and encoded bytes
//!   gathered before a write (libzmq's default 8192; ferrozmq's 65536);
//! * BUSY_POLL (any int) and PRIORITY (non-negative int): SO_BUSY_POLL and SO_PRIORITY of
//!   tcp connections, 0 = the kernel's default;
//! * AFFINITY (`u64`, 8 bytes): which I/O threads (bit n = thread n) the socket's later
//!   binds and connects use, 0 = any, as libzmq's `choose_io_thread`;
//! * MULTICAST_HOPS (positive int, default 1): the TTL of udp RADIO's multicast;
//! * MULTICAST_LOOP (any non-negative int as a bool, default 1): udp RADIO's
//!   IP_MULTICAST_LOOP; MULTICAST_MAXTPDU (positive int, default 1500): stored for
//!   multicast transports that fragment; LOOPBACK_FASTPATH (as MULTICAST_LOOP, default 0):
//!   Windows-only in libzmq, stored and read back without effect, as libzmq on Linux;
//! * RATE (positive int, default 100 kbit/s) and RECOVERY_IVL (non-negative int, default
//!   10000 ms): stored as libzmq stores them without PGM, for multicast transports;
//! * IPV4ONLY (0 or 1): the deprecated inverse of IPV6;
//! * TCP_ACCEPT_FILTER (`address[/bits]` text), IPC_FILTER_PID/UID/GID (4-byte numbers): the
//!   deprecated accept filters (`io/accept_filter.rs`); each value adds one, an empty value
//!   clears them; write-only, as in libzmq.

use super::options::{
    int, int64, put_bool, put_int, relaxed_bool, strict_bool, Entry, Read, Scope,
};
use super::Socket;
use crate::error::{Error, Result};
use crate::io::Credential;
use crate::options::ids;

/// A positive int, as libzmq takes batch sizes and MULTICAST_HOPS.
fn positive(value: &[u8]) -> Result<i32> {
    match int(value)? {
        v if v > 0 => Ok(v),
        _ => Err(Error::EINVAL),
    }
}

/// The transport options.
pub(super) static TABLE: &[Entry] = &[
    Entry {
        id: ids::IN_BATCH_SIZE,
        scope: Scope::Any,
        set: Some(|core, v| {
            core.options.in_batch_size = positive(v)?;
            Ok(())
        }),
        read: Read::Yes(|core| Ok(put_int(core.options.in_batch_size))),
    },
    Entry {
        id: ids::OUT_BATCH_SIZE,
        scope: Scope::Any,
        set: Some(|core, v| {
            core.options.out_batch_size = positive(v)?;
            Ok(())
        }),
        read: Read::Yes(|core| Ok(put_int(core.options.out_batch_size))),
    },
    Entry {
        id: ids::BUSY_POLL,
        scope: Scope::Any,
        set: Some(|core, v| {
            core.options.busy_poll = int(v)?;
            Ok(())
        }),
        read: Read::Yes(|core| Ok(put_int(core.options.busy_poll))),
    },
    Entry {
        id: ids::PRIORITY,
        scope: Scope::Any,
        set: Some(|core, v| {
            core.options.priority = crate::options::non_negative(int(v)?)?;
            Ok(())
        }),
        read: Read::Yes(|core| Ok(put_int(core.options.priority))),
    },
    Entry {
        id: ids::AFFINITY,
        scope: Scope::Any,
        set: Some(|core, v| {
            core.options.affinity = int64(v)? as u64;
            Ok(())
        }),
        read: Read::Yes(|core| Ok(core.options.affinity.to_ne_bytes().to_vec())),
    },
    Entry {
        id: ids::MULTICAST_HOPS,
        scope: Scope::Any,
        set: Some(|core, v| {
            core.options.multicast_hops = positive(v)?;
            Ok(())
        }),
        read: Read::Yes(|core| Ok(put_int(core.options.multicast_hops))),
    },
    Entry {
        id: ids::MULTICAST_MAXTPDU,
        scope: Scope::Any,
        set: Some(|core, v| {
            core.options.multicast_maxtpdu = positive(v)?;
            Ok(())
        }),
        read: Read::Yes(|core| Ok(put_int(core.options.multicast_maxtpdu))),
    },
    Entry {
        id: ids::MULTICAST_LOOP,
        scope: Scope::Any,
        set: Some(|core, v| {
            core.options.multicast_loop = relaxed_bool(v)?;
            Ok(())
        }),
        read: Read::Yes(|core| Ok(put_bool(core.options.multicast_loop))),
    },
    Entry {
        id: ids::LOOPBACK_FASTPATH,
        scope: Scope::Any,
        set: Some(|core, v| {
            core.options.loopback_fastpath = relaxed_bool(v)?;
            Ok(())
        }),
        read: Read::Yes(|core| Ok(put_bool(core.options.loopback_fastpath))),
    },
    Entry {
        id: ids::RATE,
        scope: Scope::Any,
        set: Some(|core, v| {
            core.options.rate = positive(v)?;
            Ok(())
        }),
        read: Read::Yes(|core| Ok(put_int(core.options.rate))),
    },
    Entry {
        id: ids::RECOVERY_IVL,
        scope: Scope::Any,
        set: Some(|core, v| {
            core.options.recovery_ivl = crate::options::non_negative(int(v)?)?;
            Ok(())
        }),
        read: Read::Yes(|core| Ok(put_int(core.options.recovery_ivl))),
    },
    Entry {
        id: ids::IPV4ONLY,
        scope: Scope::Any,
        set: Some(|core, v| {
            core.options.ipv6 = !strict_bool(v)?;
            Ok(())
        }),
        read: Read::Yes(|core| Ok(put_bool(!core.options.ipv6))),
    },
    Entry {
        id: ids::TCP_ACCEPT_FILTER,
        scope: Scope::Any,
        set: Some(|core, v| {
            let ipv6 = core.options.ipv6;
            core.options.accept_filters.set_tcp(v, ipv6)
        }),
        read: Read::No,
    },
    Entry {
        id: ids::IPC_FILTER_PID,
        scope: Scope::Any,
        set: Some(|core, v| core.options.accept_filters.set_ipc(Credential::Pid, v)),
        read: Read::No,
    },
    Entry {
        id: ids::IPC_FILTER_UID,
        scope: Scope::Any,
        set: Some(|core, v| core.options.accept_filters.set_ipc(Credential::Uid, v)),
        read: Read::No,
    },
    Entry {
        id: ids::IPC_FILTER_GID,
        scope: Scope::Any,
        set: Some(|core, v| core.options.accept_filters.set_ipc(Credential::Gid, v)),
        read: Read::No,
    },
];

/// Typed accessors, with rust-zmq's names where it has them.
impl Socket {
    /// Bytes asked of the kernel per read (`ZMQ_IN_BATCH_SIZE`, default 65536).
    pub fn get_in_batch_size(&self) -> Result<i32> {
        self.get_int(ids::IN_BATCH_SIZE)
    }

    /// Bytes asked of the kernel per read (`ZMQ_IN_BATCH_SIZE`, > 0); applies to later
    /// binds and connects.
    pub fn set_in_batch_size(&self, value: i32) -> Result<()> {
        self.set_int(ids::IN_BATCH_SIZE, value)
    }

    /// Encoded bytes gathered before a write (`ZMQ_OUT_BATCH_SIZE`, default 65536).
    pub fn get_out_batch_size(&self) -> Result<i32> {
        self.get_int(ids::OUT_BATCH_SIZE)
    }

    /// Encoded bytes gathered before a write (`ZMQ_OUT_BATCH_SIZE`, > 0); applies to later
    /// binds and connects.
    pub fn set_out_batch_size(&self, value: i32) -> Result<()> {
        self.set_int(ids::OUT_BATCH_SIZE, value)
    }

    /// SO_BUSY_POLL of tcp connections, in µs (`ZMQ_BUSY_POLL`, 0 = the kernel's default).
    pub fn get_busy_poll(&self) -> Result<i32> {
        self.get_int(ids::BUSY_POLL)
    }

    /// SO_BUSY_POLL of later tcp connections, in µs (`ZMQ_BUSY_POLL`).
    pub fn set_busy_poll(&self, value: i32) -> Result<()> {
        self.set_int(ids::BUSY_POLL, value)
    }

    /// SO_PRIORITY of tcp connections (`ZMQ_PRIORITY`, 0 = the kernel's default).
    pub fn get_priority(&self) -> Result<i32> {
        self.get_int(ids::PRIORITY)
    }

    /// SO_PRIORITY of later tcp connections (`ZMQ_PRIORITY`, >= 0; above 6 needs
    /// CAP_NET_ADMIN, else the bind or connect fails).
    pub fn set_priority(&self, value: i32) -> Result<()> {
        self.set_int(ids::PRIORITY, value)
    }

    /// The I/O threads later binds and connects may use, bit n for thread n
    /// (`ZMQ_AFFINITY`, 0 = any).
    pub fn get_affinity(&self) -> Result<u64> {
        let bytes = self.read_option(ids::AFFINITY)?;
        Ok(int64(&bytes)? as u64)
    }

    /// The I/O threads later binds and connects may use (`ZMQ_AFFINITY`).
    pub fn set_affinity(&self, value: u64) -> Result<()> {
        self.set_option(ids::AFFINITY, &value.to_ne_bytes())
    }

    /// Multicast hop count (`ZMQ_MULTICAST_HOPS`, default 1; for multicast transports).
    pub fn get_multicast_hops(&self) -> Result<i32> {
        self.get_int(ids::MULTICAST_HOPS)
    }

    /// Multicast hop count (`ZMQ_MULTICAST_HOPS`, > 0).
    pub fn set_multicast_hops(&self, value: i32) -> Result<()> {
        self.set_int(ids::MULTICAST_HOPS, value)
    }

    /// Whether multicast this socket sends comes back to this host (`ZMQ_MULTICAST_LOOP`,
    /// default true; udp RADIO).
    pub fn is_multicast_loop(&self) -> Result<bool> {
        self.get_flag(ids::MULTICAST_LOOP)
    }

    /// Whether multicast this socket sends comes back to this host (`ZMQ_MULTICAST_LOOP`).
    pub fn set_multicast_loop(&self, value: bool) -> Result<()> {
        self.set_flag(ids::MULTICAST_LOOP, value)
    }

    /// The largest multicast packet in bytes (`ZMQ_MULTICAST_MAXTPDU`, default 1500).
    pub fn get_multicast_maxtpdu(&self) -> Result<i32> {
        self.get_int(ids::MULTICAST_MAXTPDU)
    }

    /// The largest multicast packet in bytes (`ZMQ_MULTICAST_MAXTPDU`, > 0).
    pub fn set_multicast_maxtpdu(&self, value: i32) -> Result<()> {
        self.set_int(ids::MULTICAST_MAXTPDU, value)
    }

    /// Multicast data rate in kbit/s (`ZMQ_RATE`, default 100; for multicast transports).
    pub fn get_rate(&self) -> Result<i32> {
        self.get_int(ids::RATE)
    }

    /// Multicast data rate in kbit/s (`ZMQ_RATE`, > 0).
    pub fn set_rate(&self, value: i32) -> Result<()> {
        self.set_int(ids::RATE, value)
    }

    /// Multicast recovery interval in ms (`ZMQ_RECOVERY_IVL`, default 10000).
    pub fn get_recovery_ivl(&self) -> Result<i32> {
        self.get_int(ids::RECOVERY_IVL)
    }

    /// Multicast recovery interval in ms (`ZMQ_RECOVERY_IVL`, >= 0).
    pub fn set_recovery_ivl(&self, value: i32) -> Result<()> {
        self.set_int(ids::RECOVERY_IVL, value)
    }

    /// The inverse of IPV6 (`ZMQ_IPV4ONLY`, deprecated by libzmq; default true).
    pub fn is_ipv4only(&self) -> Result<bool> {
        self.get_flag(ids::IPV4ONLY)
    }

    /// The inverse of IPV6 (`ZMQ_IPV4ONLY`, deprecated by libzmq).
    pub fn set_ipv4only(&self, value: bool) -> Result<()> {
        self.set_flag(ids::IPV4ONLY, value)
    }

    /// Adds an `address[/bits]` mask tcp peers must match to be accepted, or clears them
    /// with `""` (`ZMQ_TCP_ACCEPT_FILTER`, deprecated by libzmq in favour of ZAP).
    pub fn set_tcp_accept_filter(&self, filter: &str) -> Result<()> {
        self.set_option(ids::TCP_ACCEPT_FILTER, filter.as_bytes())
    }
}
