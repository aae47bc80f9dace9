//! Platform calls (Linux): the eventfd behind each socket's signaler, `poll(2)` and
//! `ppoll(2)`, and the machine's physical memory. Outside the I/O threads (`io/`, whose sockets go through mio and
//! socket2) this is the only module that calls the OS directly, so every `unsafe` block of
//! that kind is here, with a safe API around it.
//!
//! `libc` rather than `rustix`: `poll` takes raw descriptors from users and `Poller` keeps
//! them between waits, which rustix's borrowed `PollFd`s would turn into an `unsafe`
//! `borrow_raw` per descriptor anyway; the eventfd is three calls.

use crate::error::{Error, Result};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::time::{Duration, Instant};

/// A non-blocking eventfd: a counter that is readable while non-zero.
pub(crate) struct EventFd(OwnedFd);

impl EventFd {
    /// A fresh eventfd (non-blocking, close-on-exec), counter at zero.
    pub(crate) fn new() -> Result<EventFd> {
        // SAFETY: eventfd has no memory-safety preconditions; the result is checked.
        let fd = unsafe { libc::eventfd(0, libc::EFD_NONBLOCK | libc::EFD_CLOEXEC) };
        if fd < 0 {
            return Err(std::io::Error::last_os_error().into());
        }
        // SAFETY: `fd` is a fresh descriptor that nothing else owns.
        Ok(EventFd(unsafe { OwnedFd::from_raw_fd(fd) }))
    }

    /// The descriptor, for `poll` and `ZMQ_FD`.
    pub(crate) fn raw(&self) -> RawFd {
        self.0.as_raw_fd()
    }

    /// Adds one to the counter, making the descriptor readable. A failure (the counter
    /// cannot overflow in practice) is ignored: callers keep their own pending flag.
    pub(crate) fn post(&self) {
        let one: u64 = 1;
        // SAFETY: writes 8 bytes from a live u64 to our own eventfd.
        unsafe { libc::write(self.raw(), (&one as *const u64).cast(), 8) };
    }

    /// Resets the counter to zero (nothing happens if it already was).
    pub(crate) fn drain(&self) {
        let mut count: u64 = 0;
        // SAFETY: reads 8 bytes into a live u64 from our own non-blocking eventfd.
        unsafe { libc::read(self.raw(), (&mut count as *mut u64).cast(), 8) };
    }
}

/// `poll(2)`'s readable condition.
pub(crate) const READABLE: i16 = libc::POLLIN;
/// `poll(2)`'s writable condition.
pub(crate) const WRITABLE: i16 = libc::POLLOUT;
/// `poll(2)`'s urgent-data condition.
pub(crate) const PRIORITY: i16 = libc::POLLPRI;
/// The peer hung up (reported as readable, as libzmq does).
pub(crate) const HANGUP: i16 = libc::POLLHUP;
/// An error on the descriptor, or a descriptor that is not open.
pub(crate) const FAILED: i16 = libc::POLLERR | libc::POLLNVAL;

/// One entry of a `poll(2)` set: a descriptor, the conditions wanted (`READABLE`…), and after
/// `poll` the conditions found. A negative descriptor is skipped, as `poll(2)` skips it.
#[derive(Clone, Copy)]
#[repr(transparent)]
pub(crate) struct PollFd(libc::pollfd);

impl PollFd {
    /// An entry waiting for `events` on `fd`.
    pub(crate) fn new(fd: RawFd, events: i16) -> PollFd {
        PollFd(libc::pollfd {
            fd,
            events,
            revents: 0,
        })
    }

    /// The descriptor.
    pub(crate) fn fd(&self) -> RawFd {
        self.0.fd
    }

    /// The conditions wanted.
    pub(crate) fn events(&self) -> i16 {
        self.0.events
    }

    /// The conditions the last `poll` found.
    pub(crate) fn revents(&self) -> i16 {
        self.0.revents
    }
}

/// `poll(2)` over `fds` for up to `timeout_ms` (-1 = forever); the number of ready entries.
/// EINTR when a signal handler interrupted it.
pub(crate) fn poll(fds: &mut [PollFd], timeout_ms: i32) -> Result<usize> {
    // SAFETY: `PollFd` is a transparent `pollfd`, so `fds` is a live, exclusively borrowed
    // array of `fds.len()` pollfd structs.
    let rc = unsafe {
        libc::poll(
            fds.as_mut_ptr().cast(),
            fds.len() as libc::nfds_t,
            timeout_ms,
        )
    };
    if rc < 0 {
        let e = std::io::Error::last_os_error();
        return Err(if e.raw_os_error() == Some(libc::EINTR) {
            Error::EINTR
        } else {
            e.into()
        });
    }
    Ok(rc as usize)
}

/// `ppoll(2)` over `fds` for up to `timeout` (None = forever); the number of ready entries.
/// Unlike `poll(2)`'s whole milliseconds, the timeout has nanosecond resolution, so a
/// sleep until a deadline neither ends early (a rounded-down timeout) nor up to a millisecond
/// late (a rounded-up one): what lets reactor timers fire on time. EINTR when a signal
/// handler interrupted it.
pub(crate) fn ppoll(fds: &mut [PollFd], timeout: Option<Duration>) -> Result<usize> {
    let timespec = timeout.map(|t| libc::timespec {
        tv_sec: libc::time_t::try_from(t.as_secs()).unwrap_or(libc::time_t::MAX),
        tv_nsec: t.subsec_nanos().into(),
    });
    let timespec_ptr = timespec
        .as_ref()
        .map_or(std::ptr::null(), |t| t as *const libc::timespec);
    // SAFETY: `PollFd` is a transparent `pollfd`, so `fds` is a live, exclusively borrowed
    // array of `fds.len()` pollfd structs; `timespec_ptr` is null or points to a live
    // timespec; a null signal mask leaves the thread's mask as it is.
    let rc = unsafe {
        libc::ppoll(
            fds.as_mut_ptr().cast(),
            fds.len() as libc::nfds_t,
            timespec_ptr,
            std::ptr::null(),
        )
    };
    if rc < 0 {
        let e = std::io::Error::last_os_error();
        return Err(if e.raw_os_error() == Some(libc::EINTR) {
            Error::EINTR
        } else {
            e.into()
        });
    }
    Ok(rc as usize)
}

/// The `poll(2)` timeout left until `deadline`: -1 for none, None once it has passed. Rounded
/// up to whole milliseconds so that a short wait does not spin.
pub(crate) fn poll_timeout(deadline: Option<Instant>) -> Option<i32> {
    let Some(deadline) = deadline else {
        return Some(-1);
    };
    let left = deadline.saturating_duration_since(Instant::now());
    if left.is_zero() {
        return None;
    }
    Some(left.as_micros().div_ceil(1000).min(i32::MAX as u128) as i32)
}

/// Bytes of physical memory (a generous 1 TiB if the OS will not say).
pub(crate) fn physical_memory() -> u64 {
    static MEMORY: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
    *MEMORY.get_or_init(|| {
        // SAFETY: sysconf has no preconditions.
        let (pages, page_size) = unsafe {
            (
                libc::sysconf(libc::_SC_PHYS_PAGES),
                libc::sysconf(libc::_SC_PAGESIZE),
            )
        };
        match (u64::try_from(pages), u64::try_from(page_size)) {
            (Ok(pages), Ok(size)) if pages > 0 && size > 0 => pages.saturating_mul(size),
            _ => 1 << 40,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_eventfd_is_readable_between_post_and_drain() {
        let fd = EventFd::new().unwrap();
        let readable = |fd: &EventFd| {
            let mut set = [PollFd::new(fd.raw(), READABLE)];
            poll(&mut set, 0).unwrap() == 1 && set[0].revents() & READABLE != 0
        };
        assert!(!readable(&fd));
        fd.post();
        fd.post();
        assert!(readable(&fd));
        fd.drain();
        assert!(!readable(&fd));
    }

    #[test]
    fn negative_descriptors_are_skipped_and_timeouts_round_up() {
        let mut set = [PollFd::new(-1, READABLE)];
        assert_eq!(poll(&mut set, 0).unwrap(), 0);
        assert_eq!(poll_timeout(None), Some(-1));
        assert_eq!(poll_timeout(Some(Instant::now())), None);
        let soon = Instant::now() + std::time::Duration::from_micros(10);
        assert!(matches!(poll_timeout(Some(soon)), Some(1) | None));
    }

    #[test]
    fn ppoll_waits_for_its_timeout_and_wakes_on_readiness() {
        let fd = EventFd::new().unwrap();
        let mut set = [PollFd::new(fd.raw(), READABLE)];
        let timeout = std::time::Duration::from_micros(300);
        let before = Instant::now();
        assert_eq!(ppoll(&mut set, Some(timeout)).unwrap(), 0);
        // Never early (a late return is the machine's scheduling, not asserted).
        assert!(before.elapsed() >= timeout);
        fd.post();
        assert_eq!(ppoll(&mut set, None).unwrap(), 1);
        assert_ne!(set[0].revents() & READABLE, 0);
        let mut skipped = [PollFd::new(-1, READABLE)];
        assert_eq!(
            ppoll(&mut skipped, Some(std::time::Duration::ZERO)).unwrap(),
            0
        );
    }
}
