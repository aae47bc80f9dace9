//! `Poller` against `zmq_poller`'s contract (the ground of libzmq's test_poller): user data,
//! a socket or descriptor added once, `wait_all`'s EAGAIN on timeout and EFAULT for an empty
//! set without timeout, and the poller's descriptor, which exists once a thread-safe socket
//! is in the set and becomes readable when an entry may be ready.

use crate::common::{bounded, ours};
use ferrozmq::{Context, Error, Poller, PollerEvent, CLIENT, PAIR, POLLIN, POLLOUT, SERVER};

fn readable(fd: std::os::fd::RawFd, timeout_ms: i64) -> bool {
    let mut items = [ferrozmq::PollItem::from_fd(fd, POLLIN)];
    ferrozmq::poll(&mut items, timeout_ms).unwrap() == 1
}

#[test]
fn wait_all_reports_user_data_and_eagain_on_timeout() {
    bounded(|| {
        let ctx = Context::new();
        let a = ours(&ctx, PAIR);
        a.bind("inproc://poller-api").unwrap();
        let b = ours(&ctx, PAIR);
        b.connect("inproc://poller-api").unwrap();
        let mut poller = Poller::new();
        assert_eq!(poller.wait_all(-1), Err(Error::EFAULT), "empty, no timeout");
        assert_eq!(poller.wait_all(0), Err(Error::EAGAIN), "empty, timeout");
        let index = poller.add(&a, POLLIN).unwrap();
        assert_eq!(poller.add(&a, POLLIN), Err(Error::EINVAL), "added twice");
        poller.set_user_data(index, 42).unwrap();
        assert_eq!(poller.set_user_data(9, 1), Err(Error::EINVAL));
        assert_eq!(poller.wait_all(10), Err(Error::EAGAIN));
        b.send("x", 0).unwrap();
        assert_eq!(
            poller.wait_all(5000).unwrap(),
            vec![PollerEvent {
                index,
                events: POLLIN,
                user_data: 42
            }]
        );
        poller.modify(index, POLLOUT).unwrap();
        assert_eq!(poller.wait_all(0).unwrap()[0].events, POLLOUT);
        let fd = a.get_fd().unwrap();
        let raw = poller.add_fd(fd + 1000, POLLIN);
        assert!(raw.is_ok(), "any descriptor number may be added once");
        assert_eq!(poller.add_fd(fd + 1000, POLLIN), Err(Error::EINVAL));
    });
}

#[test]
fn the_poller_fd_exists_with_a_thread_safe_socket_and_signals_readiness() {
    bounded(|| {
        let ctx = Context::new();
        let classic = ours(&ctx, PAIR);
        let server = ctx.thread_safe_socket(SERVER).unwrap();
        server.bind("tcp://127.0.0.1:*").unwrap();
        let client = ctx.thread_safe_socket(CLIENT).unwrap();
        client
            .connect(&server.get_last_endpoint().unwrap().unwrap())
            .unwrap();
        let mut poller = Poller::new();
        poller.add(&classic, POLLIN).unwrap();
        assert_eq!(poller.fd(), Err(Error::EINVAL), "no thread-safe socket yet");
        let index = poller.add_thread_safe(&server, POLLIN).unwrap();
        let fd = poller.fd().unwrap();
        assert_eq!(poller.wait(0).unwrap(), 0);
        assert!(!readable(fd, 0), "quiet after a wait");
        client.send("wake", 0).unwrap();
        // Readable means "may be ready": the new connection's arrival wakes it too, so an
        // external loop waits on it, then looks, until the message is there.
        let mut looks = 0;
        loop {
            assert!(readable(fd, 5000), "a change makes it readable");
            looks += 1;
            if poller.wait(0).unwrap() == 1 {
                break;
            }
            assert!(looks < 10, "the message never showed");
        }
        assert!(poller.ready().any(|(i, _)| i == index));
        assert_eq!(&server.recv_msg(0).unwrap()[..], b"wake");
        poller.wait(0).unwrap();
        assert!(!readable(fd, 0), "quiet again once taken");
    });
}
