//! `Signaler`: how other threads wake a socket's owner thread.
//!
//! A socket's thread sleeps here only after it found nothing to do; pipe writers signal it only
//! when a pipe told them its reader was waiting, so a busy socket never pays for a wake-up.
//! A signal sent before the sleep starts is remembered, so no wake-up is lost.
//!
//! The latch is backed by an eventfd, which is what `Socket::get_fd` hands out (libzmq's
//! ZMQ_FD) and what `poll` waits on beside raw descriptors. The `pending` flag keeps repeated
//! signals to one eventfd write. Waiting is a `poll(2)`, so a signal handler interrupts it and
//! the blocked call returns EINTR, as in libzmq.

use crate::error::Result;
use crate::sys::{self, EventFd, PollFd};
use atomic_waker::AtomicWaker;
use std::os::fd::RawFd;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::task::Waker;
use std::time::Instant;

/// A one-bit wake-up latch for one sleeping thread, readable as a file descriptor.
pub(crate) struct Signaler {
    pending: AtomicBool,
    fd: EventFd,
    /// The task to wake, if an async operation is waiting on this socket.
    waker: AtomicWaker,
}

impl Signaler {
    /// A new latch (one eventfd).
    pub(crate) fn new() -> Result<Signaler> {
        Ok(Signaler {
            pending: AtomicBool::new(false),
            fd: EventFd::new()?,
            waker: AtomicWaker::new(),
        })
    }

    /// The descriptor that becomes readable when signalled.
    pub(crate) fn fd(&self) -> RawFd {
        self.fd.raw()
    }

    /// Wakes the sleeper, or makes its next `wait` return at once.
    pub(crate) fn signal(&self) {
        if !self.pending.swap(true, Ordering::AcqRel) {
            // A failed post leaves `pending` set, which still wakes `wait`.
            self.fd.post();
        }
        self.waker.wake();
    }

    /// Makes the next `signal` wake `waker` (replacing any waker registered before). The
    /// caller must check again for what it waits for after registering: a signal sent before
    /// the registration woke nobody.
    pub(crate) fn register(&self, waker: &Waker) {
        self.waker.register(waker);
    }

    /// Forgets the registered waker, if any (its task no longer waits here).
    pub(crate) fn unregister(&self) {
        drop(self.waker.take());
    }

    /// Consumes a pending signal, if any; true if there was one.
    pub(crate) fn take(&self) -> bool {
        if self.pending.swap(false, Ordering::AcqRel) {
            self.fd.drain();
            true
        } else {
            false
        }
    }

    /// Sleeps until signalled or until `deadline` (None = forever), consuming the signal.
    /// Ok(false) on timeout; EINTR if a signal handler interrupted the sleep.
    pub(crate) fn wait(&self, deadline: Option<Instant>) -> Result<bool> {
        loop {
            if self.take() {
                return Ok(true);
            }
            let Some(timeout_ms) = sys::poll_timeout(deadline) else {
                return Ok(false);
            };
            sys::poll(&mut [PollFd::new(self.fd(), sys::READABLE)], timeout_ms)?;
            self.fd.drain();
        }
    }
}

/// Locks `mutex`, ignoring poisoning: the guarded state stays valid even if a holder panicked.
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::time::Duration;

    #[test]
    fn a_signal_before_the_wait_is_not_lost() {
        let s = Signaler::new().unwrap();
        s.signal();
        s.signal();
        assert!(s.wait(Some(Instant::now())).unwrap());
        assert!(!s
            .wait(Some(Instant::now() + Duration::from_millis(1)))
            .unwrap());
    }

    #[test]
    fn wakes_a_sleeping_thread() {
        let s = Arc::new(Signaler::new().unwrap());
        let s2 = s.clone();
        let t = std::thread::spawn(move || {
            s2.wait(Some(Instant::now() + Duration::from_secs(10)))
                .unwrap()
        });
        s.signal();
        assert!(t.join().unwrap());
    }

    #[test]
    fn a_signal_wakes_the_registered_waker() {
        struct Count(std::sync::atomic::AtomicUsize);
        impl std::task::Wake for Count {
            fn wake(self: Arc<Self>) {
                self.0.fetch_add(1, Ordering::SeqCst);
            }
        }
        let count = Arc::new(Count(0.into()));
        let s = Signaler::new().unwrap();
        s.signal();
        assert_eq!(count.0.load(Ordering::SeqCst), 0, "no waker yet");
        s.register(&Waker::from(count.clone()));
        s.signal();
        assert_eq!(count.0.load(Ordering::SeqCst), 1, "woken while pending");
        s.signal();
        assert_eq!(count.0.load(Ordering::SeqCst), 1, "a waker is woken once");
    }

    #[test]
    fn the_fd_is_readable_while_a_signal_is_pending() {
        let s = Signaler::new().unwrap();
        let readable =
            |s: &Signaler| sys::poll(&mut [PollFd::new(s.fd(), sys::READABLE)], 0).unwrap() == 1;
        assert!(!readable(&s));
        s.signal();
        assert!(readable(&s));
        assert!(s.take());
        assert!(!readable(&s));
    }
}
