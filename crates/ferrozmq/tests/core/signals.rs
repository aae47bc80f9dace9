//! A blocking call interrupted by a signal returns EINTR, as libzmq's do (the guide's
//! `interrupt` example relies on it). The SIGUSR1 handler it installs is process-wide, but
//! nothing else in this binary raises SIGUSR1 and the test signals only its own thread, so
//! the tests running beside it are not disturbed.

use ferrozmq::*;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

static INTERRUPTED: AtomicBool = AtomicBool::new(false);

extern "C" fn on_signal(_: libc::c_int) {
    INTERRUPTED.store(true, Ordering::SeqCst);
}

#[test]
fn blocking_recv_returns_eintr_on_a_signal() {
    // SAFETY: installs a handler that only stores to an atomic; no SA_RESTART, so blocking
    // system calls are interrupted, as with the guide's s_catch_signals.
    unsafe {
        let mut action: libc::sigaction = std::mem::zeroed();
        action.sa_sigaction = on_signal as extern "C" fn(libc::c_int) as usize;
        libc::sigemptyset(&mut action.sa_mask);
        assert_eq!(
            libc::sigaction(libc::SIGUSR1, &action, std::ptr::null_mut()),
            0
        );
    }
    let ctx = Context::new();
    let pull = ctx.socket(PULL).unwrap();
    pull.set_rcvtimeo(10_000).unwrap();
    pull.bind("tcp://127.0.0.1:*").unwrap();
    // SAFETY: pthread_self has no preconditions.
    let me = unsafe { libc::pthread_self() };
    let done = std::sync::Arc::new(AtomicBool::new(false));
    let kicker = {
        let done = done.clone();
        std::thread::spawn(move || {
            // The receiver may not be blocked yet: keep signalling until it reports back.
            let start = Instant::now();
            while !done.load(Ordering::SeqCst) && start.elapsed() < Duration::from_secs(10) {
                // SAFETY: `me` is the test thread, alive until `done` is set.
                unsafe { libc::pthread_kill(me, libc::SIGUSR1) };
                std::thread::sleep(Duration::from_millis(20));
            }
        })
    };
    let result = pull.recv_bytes(0);
    done.store(true, Ordering::SeqCst);
    kicker.join().unwrap();
    assert_eq!(result, Err(Error::EINTR));
    assert!(INTERRUPTED.load(Ordering::SeqCst));
}
