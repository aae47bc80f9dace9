//! `Signaler`: how other threads wake a socket's owner thread.
//!
//! A socket's thread sleeps here only after it found nothing to do; pipe writers signal it only
//! when a pipe told them its reader was waiting, so a busy socket never pays for a wake-up.
//! A signal sent before the sleep starts is remembered, so no wake-up is lost.

use std::sync::{Condvar, Mutex, MutexGuard};
use std::time::Instant;

/// A one-bit wake-up latch for one sleeping thread.
#[derive(Default)]
pub(crate) struct Signaler {
    pending: Mutex<bool>,
    cond: Condvar,
}

impl Signaler {
    /// Wakes the sleeper, or makes its next `wait` return at once.
    pub(crate) fn signal(&self) {
        let mut pending = lock(&self.pending);
        if !*pending {
            *pending = true;
            self.cond.notify_one();
        }
    }

    /// Sleeps until signalled or until `deadline` (None = forever). Returns false on timeout.
    /// Consumes the signal.
    pub(crate) fn wait(&self, deadline: Option<Instant>) -> bool {
        let mut pending = lock(&self.pending);
        while !*pending {
            match deadline {
                None => {
                    pending = self
                        .cond
                        .wait(pending)
                        .unwrap_or_else(|poisoned| poisoned.into_inner());
                }
                Some(deadline) => {
                    let now = Instant::now();
                    if now >= deadline {
                        return false;
                    }
                    pending = self
                        .cond
                        .wait_timeout(pending, deadline - now)
                        .unwrap_or_else(|poisoned| poisoned.into_inner())
                        .0;
                }
            }
        }
        *pending = false;
        true
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
        let s = Signaler::default();
        s.signal();
        assert!(s.wait(Some(Instant::now())));
        assert!(!s.wait(Some(Instant::now() + Duration::from_millis(1))));
    }

    #[test]
    fn wakes_a_sleeping_thread() {
        let s = Arc::new(Signaler::default());
        let s2 = s.clone();
        let t = std::thread::spawn(move || s2.wait(Some(Instant::now() + Duration::from_secs(10))));
        s.signal();
        assert!(t.join().unwrap());
    }
}
