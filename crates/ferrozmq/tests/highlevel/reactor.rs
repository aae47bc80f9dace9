//! The reactor (`ferrozmq::reactor`, CZMQ's zloop): readers on sockets and raw descriptors,
//! timers, tickets, handlers that change the loop, and how the loop ends (stop, handler
//! error, ETERM, a closed descriptor). Ctrl-C is tested in `reactor_interrupt.rs`, in a
//! process of its own, because the interrupt flag is process-wide.

use ferrozmq::reactor::Reactor;
use ferrozmq::{Context, Error, PAIR, POLLIN, PULL, PUSH};
use std::cell::{Cell, RefCell};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::time::{Duration, Instant};

fn pipe() -> (OwnedFd, OwnedFd) {
    let mut fds = [0; 2];
    assert_eq!(unsafe { libc::pipe(fds.as_mut_ptr()) }, 0);
    unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) }
}

#[test]
fn a_timer_fires_its_number_of_times_and_then_the_loop_ends() {
    let fired = Cell::new(0);
    let mut reactor = Reactor::new();
    let started = Instant::now();
    reactor.add_timer(Duration::from_millis(5), 3, |_, _| {
        fired.set(fired.get() + 1);
        Ok(())
    });
    reactor.start().unwrap();
    assert_eq!(fired.get(), 3);
    assert!(started.elapsed() >= Duration::from_millis(15));
}

#[test]
fn a_handler_cancels_another_timer_and_a_stop_ends_the_loop() {
    let log = RefCell::new(Vec::new());
    let log = &log;
    let mut reactor = Reactor::new();
    let forever = reactor.add_timer(Duration::from_millis(1), 0, move |_, _| {
        log.borrow_mut().push("forever");
        Ok(())
    });
    reactor.add_timer(Duration::from_millis(20), 1, move |reactor, _| {
        reactor.cancel_timer(forever)?;
        log.borrow_mut().push("cancelled");
        Ok(())
    });
    reactor.add_timer(Duration::from_millis(40), 1, |reactor, _| {
        reactor.stop();
        Ok(())
    });
    reactor.start().unwrap();
    let log = log.borrow().clone();
    assert!(log.len() > 1, "{log:?}");
    assert_eq!(log.last(), Some(&"cancelled"), "{log:?}");
    assert_eq!(reactor.cancel_timer(forever), Err(Error::EINVAL));
}

#[test]
fn a_handler_error_ends_the_loop_with_that_error() {
    let mut reactor = Reactor::new();
    reactor.add_timer(Duration::ZERO, 0, |_, _| Err(Error::EHOSTUNREACH));
    assert_eq!(reactor.start(), Err(Error::EHOSTUNREACH));
}

#[test]
fn tickets_fire_once_and_reset_postpones_them() {
    let fired = RefCell::new(Vec::new());
    let started = Instant::now();
    let mut reactor = Reactor::new();
    assert_eq!(reactor.add_ticket(|_, _| Ok(())).err(), Some(Error::EINVAL));
    reactor.set_ticket_delay(Duration::from_millis(30));
    let kept = reactor
        .add_ticket(|_, _| {
            fired.borrow_mut().push(("kept", started.elapsed()));
            Ok(())
        })
        .unwrap();
    let cancelled = reactor
        .add_ticket(|_, _| {
            fired.borrow_mut().push(("cancelled", started.elapsed()));
            Ok(())
        })
        .unwrap();
    // Reset `kept` twice, 20 ms apart, then let it expire.
    reactor.add_timer(Duration::from_millis(20), 2, move |reactor, _| {
        reactor.reset_ticket(kept)?;
        reactor.cancel_ticket(cancelled).or(Ok(()))
    });
    reactor.start().unwrap();
    let fired = fired.borrow().clone();
    assert_eq!(fired.len(), 1, "{fired:?}");
    assert_eq!(fired[0].0, "kept");
    // Last reset at >= 40 ms, plus the 30 ms delay.
    assert!(fired[0].1 >= Duration::from_millis(70), "{fired:?}");
    assert_eq!(reactor.reset_ticket(kept), Err(Error::EINVAL));
}

#[test]
fn readers_on_sockets_are_added_and_removed_from_handlers() {
    let ctx = Context::new();
    let pull = ctx.socket(PULL).unwrap();
    pull.bind("inproc://reactor-readers").unwrap();
    let push = ctx.socket(PUSH).unwrap();
    push.connect("inproc://reactor-readers").unwrap();
    let (a, b) = (ctx.socket(PAIR).unwrap(), ctx.socket(PAIR).unwrap());
    a.bind("inproc://reactor-pair").unwrap();
    b.connect("inproc://reactor-pair").unwrap();

    let got = RefCell::new(Vec::new());
    let mut reactor = Reactor::new();
    // The first message on `pull` adds a reader on `b` and removes itself; `b`'s reader stops.
    reactor.add_reader(&pull, |reactor, socket| {
        got.borrow_mut().push(socket.recv_string(0)?.unwrap());
        reactor.remove_reader(socket);
        reactor.add_reader(&b, |reactor, socket| {
            got.borrow_mut().push(socket.recv_string(0)?.unwrap());
            reactor.stop();
            Ok(())
        });
        a.send("to b", 0)
    });
    push.send("first", 0).unwrap();
    push.send("never read", 0).unwrap();
    reactor.start().unwrap();
    assert_eq!(*got.borrow(), ["first", "to b"]);
    assert_eq!(pull.recv_string(0).unwrap().unwrap(), "never read");
}

#[test]
fn raw_descriptors_are_read_and_a_closed_one_is_removed_with_ebadf() {
    let (read_end, write_end) = pipe();
    let (other_read, _other_write) = pipe();
    let read_fd = read_end.as_raw_fd();
    let other_fd = other_read.as_raw_fd();
    assert_eq!(
        unsafe { libc::write(write_end.as_raw_fd(), b"x".as_ptr().cast(), 1) },
        1
    );

    let seen = Cell::new(0);
    let mut reactor = Reactor::new();
    reactor.add_fd(read_fd, POLLIN, |_, fd, events| {
        assert_eq!(events & POLLIN, POLLIN);
        let mut byte = 0u8;
        assert_eq!(
            unsafe { libc::read(fd, (&mut byte as *mut u8).cast(), 1) },
            1
        );
        seen.set(seen.get() + 1);
        Ok(())
    });
    reactor.add_fd(other_fd, POLLIN, |_, _, _| {
        panic!("a closed descriptor's handler ran")
    });
    // Close the second pipe under the reactor, then stop a little later.
    let mut other_read = Some(other_read);
    reactor.add_timer(Duration::from_millis(5), 1, move |_, _| {
        drop(other_read.take());
        Ok(())
    });
    reactor.add_timer(Duration::from_millis(50), 1, |reactor, _| {
        reactor.stop();
        Ok(())
    });
    reactor.start().unwrap();
    assert_eq!(seen.get(), 1);
    let errors = reactor.reader_errors();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].fd, Some(other_fd));
    assert_eq!(errors[0].error, Error::Os(libc::EBADF));
    drop(read_end);
}

#[test]
fn terminating_the_context_ends_the_loop() {
    let ctx = Context::new();
    let pull = ctx.socket(PULL).unwrap();
    pull.bind("inproc://reactor-eterm").unwrap();
    let mut terminator = ctx.clone();
    drop(ctx);
    let mut reactor = Reactor::new();
    reactor.add_reader(&pull, |_, _| panic!("nothing was sent"));
    // destroy() blocks until the socket closes; the loop must end by itself first.
    let thread = std::thread::spawn(move || terminator.destroy());
    reactor.start().unwrap();
    assert_eq!(reactor.reader_errors()[0].error, Error::ETERM);
    drop(reactor);
    drop(pull);
    thread.join().unwrap().unwrap();
}
