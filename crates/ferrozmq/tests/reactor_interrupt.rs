//! Ctrl-C and the reactor: SIGINT ends a default reactor and leaves a nonstop one running.
//! A file of its own because the interrupt flag (CZMQ's `zsys_interrupted`) is process-wide
//! and stays set.

use ferrozmq::reactor::Reactor;
use std::time::Duration;

#[test]
fn sigint_ends_the_loop_unless_it_is_nonstop() {
    // A nonstop loop survives the signal and ends by its own timer.
    // Ticks counted once the signal has arrived (its delivery to whichever thread takes it
    // may lag on a loaded machine); 2000 ticks without it end the loop and fail the test.
    let (ticks, waited) = (std::cell::Cell::new(0), std::cell::Cell::new(0));
    let mut nonstop = Reactor::new();
    nonstop.set_nonstop(true);
    nonstop.add_timer(Duration::from_millis(1), 1, |_, _| {
        ferrozmq::interrupt::catch_interrupts()?;
        // SAFETY: signals this process; the reactor's handler is installed.
        assert_eq!(unsafe { libc::kill(libc::getpid(), libc::SIGINT) }, 0);
        Ok(())
    });
    nonstop.add_timer(Duration::from_millis(5), 0, |reactor, _| {
        if ferrozmq::interrupt::interrupted() {
            ticks.set(ticks.get() + 1);
        } else {
            waited.set(waited.get() + 1);
        }
        if ticks.get() == 4 || waited.get() == 2000 {
            reactor.stop();
        }
        Ok(())
    });
    nonstop.start().unwrap();
    assert!(ferrozmq::interrupt::interrupted());
    assert_eq!(
        ticks.get(),
        4,
        "the nonstop loop kept running after the signal"
    );

    // A default loop with a timer far away ends at once: the interrupt woke it (or had).
    let mut default = Reactor::new();
    default.add_timer(Duration::from_secs(60), 1, |_, _| {
        panic!("the loop should have ended")
    });
    let started = std::time::Instant::now();
    default.start().unwrap();
    assert!(started.elapsed() < Duration::from_secs(30));
}
