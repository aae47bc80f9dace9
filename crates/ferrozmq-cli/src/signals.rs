//! Signals for `ferrozmq proxy`: the signals of interest are blocked in every
//! thread and one thread takes them with `sigwait`, so no code runs inside a
//! signal handler and the proxy loop is never interrupted mid-message.

use std::io;

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
}
