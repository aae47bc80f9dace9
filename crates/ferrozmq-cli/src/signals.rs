//! Signals for `ferrozmq proxy`: the signals of interest are blocked in every
//! thread and one thread takes them with `sigwait`, so no code runs inside a
//! signal handler and the proxy loop is never interrupted mid-message.

use std::io;
use std::os::unix::thread::JoinHandleExt;
use std::thread::JoinHandle;

/// A set of signals blocked in this process's threads, to be waited for.
#[derive(Clone, Copy)]
pub struct Signals {
    set: libc::sigset_t,
}

impl Signals {
    /// Blocks `signals` in the calling thread; threads started afterwards
    /// inherit the mask. Call it before starting any thread (the library's
    /// I/O threads block every signal anyway).
    pub fn block(signals: &[libc::c_int]) -> io::Result<Signals> {
        // SAFETY: sigemptyset initialises the zeroed set, sigaddset and
        // pthread_sigmask only touch that set and this thread's mask.
        let set = unsafe {
            let mut set: libc::sigset_t = std::mem::zeroed();
            libc::sigemptyset(&mut set);
            for &signal in signals {
                if libc::sigaddset(&mut set, signal) != 0 {
                    return Err(io::Error::last_os_error());
                }
            }
            let rc = libc::pthread_sigmask(libc::SIG_BLOCK, &set, std::ptr::null_mut());
            if rc != 0 {
                return Err(io::Error::from_raw_os_error(rc));
            }
            set
        };
        Ok(Signals { set })
    }

    /// Waits until one of the signals is pending and takes it.
    pub fn wait(&self) -> io::Result<libc::c_int> {
        let mut signal = 0;
        // SAFETY: sigwait reads the initialised set and writes one int.
        let rc = unsafe { libc::sigwait(&self.set, &mut signal) };
        if rc != 0 {
            return Err(io::Error::from_raw_os_error(rc));
        }
        Ok(signal)
    }

    /// Sends `signal` to the thread of `handle` (to wake its `wait`).
    pub fn send_to<T>(handle: &JoinHandle<T>, signal: libc::c_int) -> io::Result<()> {
        // SAFETY: the thread is not joined yet (we hold its handle), so its
        // pthread_t is valid; pthread_kill only queues the signal.
        let rc = unsafe { libc::pthread_kill(handle.as_pthread_t(), signal) };
        if rc != 0 {
            return Err(io::Error::from_raw_os_error(rc));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_blocked_signal_is_taken_by_wait() {
        let signals = Signals::block(&[libc::SIGUSR2]).unwrap();
        // SAFETY: raise sends SIGUSR2 to this thread, where it is blocked and stays pending.
        assert_eq!(unsafe { libc::raise(libc::SIGUSR2) }, 0);
        assert_eq!(signals.wait().unwrap(), libc::SIGUSR2);
    }

    #[test]
    fn send_to_wakes_a_waiting_thread() {
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        let waiter = std::thread::spawn(move || {
            let signals = Signals::block(&[libc::SIGUSR2]).unwrap();
            ready_tx.send(()).unwrap();
            signals.wait().unwrap()
        });
        // Only once the thread has SIGUSR2 blocked (else it would end the process).
        ready_rx
            .recv_timeout(std::time::Duration::from_secs(20))
            .unwrap();
        Signals::send_to(&waiter, libc::SIGUSR2).unwrap();
        assert_eq!(waiter.join().unwrap(), libc::SIGUSR2);
    }
}
