//! `poll`, `get_events` and `get_fd` (the ground of libzmq's test_zmq_poll_fd and the
//! ZMQ_FD/ZMQ_EVENTS contract), and EINTR from a blocking call interrupted by a signal.

use ferrozmq::*;
use std::os::fd::{AsRawFd, RawFd};
use std::time::{Duration, Instant};

fn pair_over_tcp(ctx: &Context) -> (Socket, Socket) {
    let pull = ctx.socket(PULL).unwrap();
    pull.set_rcvtimeo(5000).unwrap();
    pull.bind("tcp://127.0.0.1:*").unwrap();
    let push = ctx.socket(PUSH).unwrap();
    push.set_sndtimeo(5000).unwrap();
    push.connect(&pull.get_last_endpoint().unwrap().unwrap())
        .unwrap();
    (push, pull)
}

#[test]
fn poll_reports_the_socket_that_has_a_message() {
    let ctx = Context::new();
    let (push_a, pull_a) = pair_over_tcp(&ctx);
    let (_push_b, pull_b) = pair_over_tcp(&ctx);
    push_a.send("to a", 0).unwrap();
    let mut items = [pull_a.as_poll_item(POLLIN), pull_b.as_poll_item(POLLIN)];
    assert_eq!(poll(&mut items, 5000).unwrap(), 1);
    assert!(items[0].is_readable());
    assert!(!items[1].is_readable());
    assert_eq!(pull_a.recv_string(DONTWAIT).unwrap().unwrap(), "to a");
    // Level-triggered: nothing left, so a zero timeout finds nothing.
    assert_eq!(poll(&mut items, 0).unwrap(), 0);
}

#[test]
fn poll_times_out_and_zero_returns_at_once() {
    let ctx = Context::new();
    let (_push, pull) = pair_over_tcp(&ctx);
    let mut items = [pull.as_poll_item(POLLIN)];
    let start = Instant::now();
    assert_eq!(poll(&mut items, 0).unwrap(), 0);
    assert_eq!(poll(&mut items, 50).unwrap(), 0);
    assert!(start.elapsed() >= Duration::from_millis(50));
    assert!(!items[0].is_readable());
}

#[test]
fn pollout_follows_the_high_water_mark() {
    let ctx = Context::new();
    let pull = ctx.socket(PULL).unwrap();
    pull.set_rcvhwm(1).unwrap();
    pull.bind("tcp://127.0.0.1:*").unwrap();
    let push = ctx.socket(PUSH).unwrap();
    // No peer yet: nothing can be sent.
    assert_eq!(push.poll(POLLOUT, 0).unwrap(), 0);
    push.set_sndhwm(1).unwrap();
    push.connect(&pull.get_last_endpoint().unwrap().unwrap())
        .unwrap();
    assert_eq!(push.poll(POLLOUT, 5000).unwrap(), 1);
    // Fill every queue on the way (both HWMs and the kernel buffers in between) until a send
    // would block; then POLLOUT must be off.
    let mut sent = 0;
    while push.send("x", DONTWAIT).is_ok() {
        sent += 1;
        assert!(sent < 1_000_000, "HWM never reached");
    }
    assert!(!push.get_events().unwrap().contains(POLLOUT));
    // Draining the receiver brings POLLOUT back.
    pull.set_rcvtimeo(5000).unwrap();
    for _ in 0..sent {
        pull.recv_bytes(0).unwrap();
    }
    assert_eq!(push.poll(POLLOUT, 5000).unwrap(), 1);
}

#[test]
fn poll_mixes_sockets_and_raw_fds() {
    let ctx = Context::new();
    let (_push, pull) = pair_over_tcp(&ctx);
    let (reader, mut writer) = std::io::pipe().unwrap();
    let fd: RawFd = reader.as_raw_fd();
    let mut items = [pull.as_poll_item(POLLIN), PollItem::from_fd(fd, POLLIN)];
    assert_eq!(poll(&mut items, 0).unwrap(), 0);
    std::io::Write::write_all(&mut writer, b"!").unwrap();
    assert_eq!(poll(&mut items, 5000).unwrap(), 1);
    assert!(items[1].is_readable() && items[1].has_fd(fd));
    assert!(!items[0].is_readable() && items[0].has_socket(&pull));
}

#[test]
fn zmq_fd_fires_when_a_message_arrives_after_eagain() {
    let ctx = Context::new();
    let (push, pull) = pair_over_tcp(&ctx);
    let fd = pull.get_fd().unwrap();
    assert_eq!(pull.recv_bytes(DONTWAIT), Err(Error::EAGAIN));
    push.send("wake", 0).unwrap();
    // The documented loop: wait for the fd, then ask ZMQ_EVENTS. The fd also fires for other
    // news (the peer's pipe attaching), so readable alone does not promise a message.
    let deadline = Instant::now() + Duration::from_secs(5);
    while !pull.get_events().unwrap().contains(POLLIN) {
        assert!(
            Instant::now() < deadline,
            "no POLLIN after the message was sent"
        );
        let mut p = libc::pollfd {
            fd,
            events: libc::POLLIN,
            revents: 0,
        };
        // SAFETY: one live pollfd.
        let rc = unsafe { libc::poll(&mut p, 1, 5000) };
        assert_eq!(rc, 1, "ZMQ_FD did not become readable");
    }
    assert_eq!(pull.recv_string(DONTWAIT).unwrap().unwrap(), "wake");
    // Drained: no POLLIN until the next message.
    assert_eq!(pull.recv_bytes(DONTWAIT), Err(Error::EAGAIN));
    assert!(!pull.get_events().unwrap().contains(POLLIN));
}

#[test]
fn poll_returns_eterm_when_the_context_terminates() {
    let mut ctx = Context::new();
    let pull = ctx.socket(PULL).unwrap();
    pull.bind("tcp://127.0.0.1:*").unwrap();
    let waiter = std::thread::spawn(move || {
        let r = pull.poll(POLLIN, 10_000);
        drop(pull);
        r
    });
    ctx.destroy().unwrap();
    assert_eq!(waiter.join().unwrap(), Err(Error::ETERM));
}

#[test]
fn a_poller_keeps_its_set_between_waits() {
    let ctx = Context::new();
    let (push_a, pull_a) = pair_over_tcp(&ctx);
    let (push_b, pull_b) = pair_over_tcp(&ctx);
    let mut poller = Poller::new();
    let a = poller.add(&pull_a, POLLIN).unwrap();
    let b = poller.add(&pull_b, POLLIN).unwrap();
    assert_eq!(poller.len(), 2);
    for round in 0..10 {
        let (push, pull, id) = if round % 2 == 0 {
            (&push_a, &pull_a, a)
        } else {
            (&push_b, &pull_b, b)
        };
        push.send("x", 0).unwrap();
        assert_eq!(poller.wait(5000).unwrap(), 1);
        assert_eq!(poller.ready().collect::<Vec<_>>(), vec![(id, POLLIN)]);
        pull.recv_bytes(0).unwrap();
    }
    assert_eq!(poller.wait(0).unwrap(), 0);
    poller.modify(a, POLLIN | POLLOUT).unwrap();
    assert_eq!(poller.modify(7, POLLIN), Err(Error::EINVAL));
    poller.remove(a).unwrap();
    assert_eq!(poller.len(), 1);
    assert_eq!(poller.remove(5), Err(Error::EINVAL));
}

#[test]
fn a_departed_peers_last_message_survives_a_poll() {
    // The peer sends and leaves at once; polling the DEALER (whose POLLOUT check looks at the
    // peer's now-closed pipe) must not throw away what the peer sent before leaving.
    for _ in 0..50 {
        let ctx = Context::new();
        let dealer = ctx.socket(DEALER).unwrap();
        dealer.set_rcvtimeo(5000).unwrap();
        dealer.bind("tcp://127.0.0.1:*").unwrap();
        let peer = ctx.socket(DEALER).unwrap();
        peer.connect(&dealer.get_last_endpoint().unwrap().unwrap())
            .unwrap();
        peer.send("last words", 0).unwrap();
        drop(peer);
        assert_eq!(dealer.poll(POLLIN, 5000).unwrap(), 1);
        assert_eq!(dealer.recv_string(DONTWAIT).unwrap().unwrap(), "last words");
    }
}
