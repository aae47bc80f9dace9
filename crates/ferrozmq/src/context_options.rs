//! Context options (`zmq_ctx_set` / `zmq_ctx_get`): their libzmq ids, defaults and checks.
//!
//! [`Context::set`](crate::Context::set) and [`Context::get`](crate::Context::get) take these
//! ids with libzmq's int values, so code ported from C or rust-zmq keeps its numbers. Values
//! are checked as libzmq 4.3 checks them (`src/ctx.cpp`, `src/thread.cpp`); where ferrozmq
//! differs (IO_THREADS after start is refused, MAX_MSGSZ is enforced) the constant says so.

use crate::error::{Error, Result};
use std::collections::BTreeSet;

/// Number of I/O threads (default 1; 0 for inproc-only). Must be set before the first
/// bind or connect starts them: later it fails with EINVAL (libzmq accepts and ignores it).
pub const IO_THREADS: i32 = 1;
/// Most sockets open at once (default 1023; any positive value, as libzmq on Linux, where
/// [`SOCKET_LIMIT`] is advisory); one more fails with EMFILE. Applies to the next socket
/// made.
pub const MAX_SOCKETS: i32 = 2;
/// Read-only: the largest [`MAX_SOCKETS`] accepted (shares its id with `THREAD_PRIORITY`,
/// which is write-only, as in libzmq).
pub const SOCKET_LIMIT: i32 = 3;
/// Write-only: scheduling priority given to I/O threads started later (`sched_param`);
/// -1 (default) leaves the system's.
pub const THREAD_PRIORITY: i32 = 3;
/// Scheduling policy (`SCHED_*`) given to I/O threads started later; -1 (default) leaves
/// the system's.
pub const THREAD_SCHED_POLICY: i32 = 4;
/// Largest message a peer may send to any socket of the context (default `i32::MAX`,
/// which means no bound): the connection of a peer sending more is dropped, as with a
/// socket's MAXMSGSIZE, whichever is smaller. (libzmq stores this value but uses it
/// nowhere.)
pub const MAX_MSGSZ: i32 = 5;
/// Write-only: adds a CPU to the set that I/O threads started later are pinned to (empty,
/// the default, means every CPU).
pub const THREAD_AFFINITY_CPU_ADD: i32 = 7;
/// Write-only: removes a CPU added with [`THREAD_AFFINITY_CPU_ADD`] (EINVAL if absent).
pub const THREAD_AFFINITY_CPU_REMOVE: i32 = 8;
/// A prefix put before the I/O threads' names, as `<prefix>/ferrozmq-io-<n>`; names are
/// cut to the 15 bytes Linux keeps. Set as a number ([`Context::set`](crate::Context::set))
/// or as up to 16 bytes of text ([`Context::set_ext`](crate::Context::set_ext)); read as a
/// number it is the text's leading integer (0 while unset), as libzmq's `atoi` reads it.
pub const THREAD_NAME_PREFIX: i32 = 9;
/// 1 (default): received messages may share the buffers they were read into; 0: asks for
/// copies. Stored and read back as libzmq's; ferrozmq's receive path is the same either
/// way (frames below 64 KiB are copied out of the read buffer, larger ones own theirs).
pub const ZERO_COPY_RECV: i32 = 10;
/// Default of the IPV6 option of sockets made later (0 or 1, default 0).
pub const IPV6: i32 = 42;
/// 1 (default): sockets made later start with LINGER -1; 0: with LINGER 0.
pub const BLOCKY: i32 = 70;

/// The value of [`SOCKET_LIMIT`]: libzmq's on Linux (epoll has no descriptor bound).
const SOCKET_LIMIT_VALUE: i32 = 65535;

/// What the I/O threads are started with.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct ThreadOptions {
    /// `THREAD_NAME_PREFIX`, if set: the bytes given (a number as its decimal text).
    pub name_prefix: Option<Vec<u8>>,
    /// `THREAD_SCHED_POLICY`, if set.
    pub sched_policy: Option<i32>,
    /// `THREAD_PRIORITY`, if set.
    pub priority: Option<i32>,
    /// The CPUs of `THREAD_AFFINITY_CPU_ADD` (empty: every CPU).
    pub cpus: BTreeSet<usize>,
}

/// A context's options other than IO_THREADS (which the context keeps with its threads).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ContextOptions {
    pub max_sockets: i32,
    pub max_msgsz: i32,
    pub ipv6: bool,
    pub blocky: bool,
    pub zero_copy_recv: bool,
    pub threads: ThreadOptions,
}

impl Default for ContextOptions {
    fn default() -> ContextOptions {
        ContextOptions {
            max_sockets: 1023,
            max_msgsz: i32::MAX,
            ipv6: false,
            blocky: true,
            zero_copy_recv: true,
            threads: ThreadOptions::default(),
        }
    }
}

impl ContextOptions {
    /// Sets option `id` (not IO_THREADS) to `value`; EINVAL for an unknown id or a value
    /// libzmq refuses.
    pub(crate) fn set(&mut self, id: i32, value: i32) -> Result<()> {
        let non_negative = || {
            usize::try_from(value)
                .map(|_| value)
                .map_err(|_| Error::EINVAL)
        };
        match id {
            MAX_SOCKETS if value >= 1 => self.max_sockets = value,
            THREAD_PRIORITY => self.threads.priority = Some(non_negative()?),
            THREAD_SCHED_POLICY => self.threads.sched_policy = Some(non_negative()?),
            MAX_MSGSZ => self.max_msgsz = non_negative()?,
            THREAD_AFFINITY_CPU_ADD => {
                self.threads.cpus.insert(non_negative()? as usize);
            }
            THREAD_AFFINITY_CPU_REMOVE => {
                if !self.threads.cpus.remove(&(non_negative()? as usize)) {
                    return Err(Error::EINVAL);
                }
            }
            THREAD_NAME_PREFIX => self.threads.name_prefix = Some(value.to_string().into_bytes()),
            ZERO_COPY_RECV => self.zero_copy_recv = non_negative()? != 0,
            IPV6 => self.ipv6 = non_negative()? != 0,
            BLOCKY => self.blocky = non_negative()? != 0,
            _ => return Err(Error::EINVAL),
        }
        Ok(())
    }

    /// Reads option `id` (not IO_THREADS); EINVAL for an unknown or write-only id.
    pub(crate) fn get(&self, id: i32) -> Result<i32> {
        Ok(match id {
            MAX_SOCKETS => self.max_sockets,
            SOCKET_LIMIT => SOCKET_LIMIT_VALUE,
            THREAD_SCHED_POLICY => self.threads.sched_policy.unwrap_or(-1),
            MAX_MSGSZ => self.max_msgsz,
            THREAD_NAME_PREFIX => leading_integer(self.threads.name_prefix.as_deref()),
            ZERO_COPY_RECV => self.zero_copy_recv as i32,
            IPV6 => self.ipv6 as i32,
            BLOCKY => self.blocky as i32,
            _ => return Err(Error::EINVAL),
        })
    }

    /// Sets a byte-valued option (`zmq_ctx_set_ext` with a value that is not an int's
    /// size): only THREAD_NAME_PREFIX, 1 to 16 bytes; EINVAL otherwise.
    pub(crate) fn set_bytes(&mut self, id: i32, value: &[u8]) -> Result<()> {
        match id {
            THREAD_NAME_PREFIX if (1..=16).contains(&value.len()) => {
                self.threads.name_prefix = Some(value.to_vec());
                Ok(())
            }
            _ => Err(Error::EINVAL),
        }
    }

    /// Reads a byte-valued option (`zmq_ctx_get_ext`): THREAD_NAME_PREFIX's bytes (empty
    /// while unset); EINVAL for any other id.
    pub(crate) fn get_bytes(&self, id: i32) -> Result<Vec<u8>> {
        match id {
            THREAD_NAME_PREFIX => Ok(self.threads.name_prefix.clone().unwrap_or_default()),
            _ => Err(Error::EINVAL),
        }
    }

    /// The bound MAX_MSGSZ puts on a socket's messages, if any (`i32::MAX` is none).
    pub(crate) fn message_bound(&self) -> Option<i64> {
        (self.max_msgsz != i32::MAX).then_some(self.max_msgsz as i64)
    }
}

/// The leading decimal integer of `text` (after blanks, with an optional sign), 0 if none
/// or on overflow: C's `atoi`, which libzmq reads a text THREAD_NAME_PREFIX with.
fn leading_integer(text: Option<&[u8]>) -> i32 {
    let text = String::from_utf8_lossy(text.unwrap_or_default());
    let text = text.trim_start();
    let sign_len = usize::from(text.starts_with(['+', '-']));
    let digits = text[sign_len..]
        .bytes()
        .take_while(u8::is_ascii_digit)
        .count();
    text[..sign_len + digits].parse().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_thread_name_prefix_is_text_read_as_a_number_as_libzmq() {
        let mut options = ContextOptions::default();
        assert_eq!(options.get(THREAD_NAME_PREFIX), Ok(0));
        options.set(THREAD_NAME_PREFIX, 1234).unwrap();
        assert_eq!(options.get(THREAD_NAME_PREFIX), Ok(1234));
        assert_eq!(options.get_bytes(THREAD_NAME_PREFIX).unwrap(), b"1234");
        options
            .set_bytes(THREAD_NAME_PREFIX, b"MyPrefix9012345\0")
            .unwrap();
        assert_eq!(options.get(THREAD_NAME_PREFIX), Ok(0));
        assert_eq!(
            options.get_bytes(THREAD_NAME_PREFIX).unwrap(),
            b"MyPrefix9012345\0"
        );
        options.set_bytes(THREAD_NAME_PREFIX, b" -42x").unwrap();
        assert_eq!(options.get(THREAD_NAME_PREFIX), Ok(-42));
        for refused in [&b""[..], &[b'a'; 17][..]] {
            assert_eq!(
                options.set_bytes(THREAD_NAME_PREFIX, refused),
                Err(Error::EINVAL)
            );
        }
        assert_eq!(options.set_bytes(MAX_SOCKETS, b"12345"), Err(Error::EINVAL));
    }

    #[test]
    fn zero_copy_recv_reads_back_as_libzmq() {
        let mut options = ContextOptions::default();
        assert_eq!(options.get(ZERO_COPY_RECV), Ok(1));
        options.set(ZERO_COPY_RECV, 0).unwrap();
        assert_eq!(options.get(ZERO_COPY_RECV), Ok(0));
        assert_eq!(options.set(ZERO_COPY_RECV, -1), Err(Error::EINVAL));
    }

    #[test]
    fn affinity_remove_needs_an_added_cpu() {
        let mut options = ContextOptions::default();
        assert_eq!(
            options.set(THREAD_AFFINITY_CPU_REMOVE, 0),
            Err(Error::EINVAL)
        );
        options.set(THREAD_AFFINITY_CPU_ADD, 0).unwrap();
        options.set(THREAD_AFFINITY_CPU_REMOVE, 0).unwrap();
        assert!(options.threads.cpus.is_empty());
    }

    #[test]
    fn the_shared_id_3_is_priority_to_set_and_limit_to_get() {
        let mut options = ContextOptions::default();
        options.set(THREAD_PRIORITY, 5).unwrap();
        assert_eq!(options.threads.priority, Some(5));
        assert_eq!(options.get(SOCKET_LIMIT), Ok(SOCKET_LIMIT_VALUE));
    }

    #[test]
    fn only_a_smaller_max_msgsz_bounds_messages() {
        let mut options = ContextOptions::default();
        assert_eq!(options.message_bound(), None);
        options.set(MAX_MSGSZ, 100).unwrap();
        assert_eq!(options.message_bound(), Some(100));
    }
}
