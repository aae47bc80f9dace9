//! Ctrl-C handling, as CZMQ's `zsys_handler_set` and `zsys_interrupted`: a process-wide
//! handler for SIGINT and SIGTERM that sets a flag and writes a byte into a self-pipe, so
//! every [`Reactor`](crate::reactor::Reactor) waiting in any thread wakes up (the signal may be
//! delivered to some other thread, which would leave a plain `poll` asleep).
//!
//! The handler is installed on first use only where the signal still has its default action:
//! a program with handlers of its own keeps them (and then sees no interrupts here).

use crate::error::{Error, Result};
use std::os::fd::RawFd;
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};
use std::sync::OnceLock;

/// Set by the handler (`zsys_interrupted`).
static INTERRUPTED: AtomicBool = AtomicBool::new(false);
/// The self-pipe's write end, for the handler.
static WAKE_WRITE: AtomicI32 = AtomicI32::new(-1);
/// The self-pipe's read end, once it exists.
static WAKE_READ: OnceLock<std::result::Result<RawFd, Error>> = OnceLock::new();

/// True once SIGINT or SIGTERM arrived after [`catch_interrupts`] (CZMQ's `zsys_interrupted`).
pub fn interrupted() -> bool {
    INTERRUPTED.load(Ordering::SeqCst)
}

/// Installs the SIGINT/SIGTERM handler (where those signals have their default action) and
/// returns a descriptor that becomes readable, and stays readable, once one has arrived.
/// Idempotent; what `Reactor::start` calls.
pub fn catch_interrupts() -> Result<RawFd> {
    *WAKE_READ.get_or_init(install)
}

fn install() -> std::result::Result<RawFd, Error> {
    let mut fds = [0 as libc::c_int; 2];
    // SAFETY: `fds` has room for the two descriptors pipe2 writes.
    if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_NONBLOCK | libc::O_CLOEXEC) } != 0 {
        return Err(Error::from_raw(
            std::io::Error::last_os_error().raw_os_error().unwrap_or(0),
        ));
    }
    WAKE_WRITE.store(fds[1], Ordering::SeqCst);
    for signal in [libc::SIGINT, libc::SIGTERM] {
        // SAFETY: plain sigaction calls with zeroed, then filled, structures; the handler
        // only does async-signal-safe things (atomic stores and write(2)).
        unsafe {
            let mut old: libc::sigaction = std::mem::zeroed();
            if libc::sigaction(signal, std::ptr::null(), &mut old) != 0
                || old.sa_sigaction != libc::SIG_DFL
            {
                continue;
            }
            let mut action: libc::sigaction = std::mem::zeroed();
            action.sa_sigaction = on_signal as extern "C" fn(libc::c_int) as libc::sighandler_t;
            libc::sigemptyset(&mut action.sa_mask);
            // No SA_RESTART: blocking calls in the receiving thread return EINTR, as in CZMQ.
            action.sa_flags = 0;
            libc::sigaction(signal, &action, std::ptr::null_mut());
        }
    }
    Ok(fds[0])
}

extern "C" fn on_signal(_signal: libc::c_int) {
    INTERRUPTED.store(true, Ordering::SeqCst);
    let fd = WAKE_WRITE.load(Ordering::SeqCst);
    if fd >= 0 {
        let byte = 1u8;
        // SAFETY: writing one byte from a valid buffer; a full pipe (EAGAIN) is fine, it is
        // readable already.
        unsafe {
            libc::write(fd, (&byte as *const u8).cast(), 1);
        }
    }
}
