//! libzmq's test_sockopt_hwm: SNDHWM/RCVHWM set after bind/connect reach the pipes the
//! socket already has (libzmq's `socket_base_t::update_pipe_options`), over inproc (where
//! a direction's HWM is the sender's SNDHWM plus the receiver's RCVHWM) and over tcp, beside
//! libzmq running the same steps.

use crate::common::{bounded, free_tcp_endpoint};
use ferrozmq::{Context, Socket, DONTWAIT, PULL, PUSH};

const MAX_SENDS: usize = 10_000;

/// Sends numbered messages without blocking until the socket refuses one.
fn send_until_wouldblock(s: &Socket) -> usize {
    let mut n = 0;
    while n < MAX_SENDS && s.send(&(n as u32).to_ne_bytes()[..], DONTWAIT).is_ok() {
        n += 1;
    }
    n
}

/// A PUSH bound and a PULL connected over inproc (in `order`), with the given HWMs.
fn inproc_pair(ctx: &Context, sndhwm: i32, rcvhwm: i32, connect_first: bool) -> (Socket, Socket) {
    let push = ctx.socket(PUSH).unwrap();
    let pull = ctx.socket(PULL).unwrap();
    pull.set_rcvhwm(rcvhwm).unwrap();
    push.set_sndhwm(sndhwm).unwrap();
    if connect_first {
        pull.connect("inproc://a").unwrap();
        push.bind("inproc://a").unwrap();
    } else {
        push.bind("inproc://a").unwrap();
        pull.connect("inproc://a").unwrap();
    }
    (push, pull)
}

#[test]
fn change_before_connected() {
    bounded(|| {
        let ctx = Context::new();
        let (push, _pull) = inproc_pair(&ctx, 2, 2, true);
        assert_eq!(push.get_sndhwm().unwrap(), 2);
        assert_eq!(send_until_wouldblock(&push), 4, "SNDHWM 2 + RCVHWM 2");
    });
}

#[test]
fn change_after_connected() {
    bounded(|| {
        let ctx = Context::new();
        let (push, _pull) = inproc_pair(&ctx, 1, 1, true);
        push.set_sndhwm(5).unwrap();
        assert_eq!(push.get_sndhwm().unwrap(), 5);
        assert_eq!(
            send_until_wouldblock(&push),
            6,
            "the new SNDHWM 5 + RCVHWM 1"
        );
    });
}

#[test]
fn decrease_when_full() {
    bounded(|| {
        let ctx = Context::new();
        let (push, pull) = inproc_pair(&ctx, 100, 1, false);
        let sent = send_until_wouldblock(&push);
        assert_eq!(sent, 101, "SNDHWM 100 + RCVHWM 1");
        push.set_sndhwm(70).unwrap();
        assert_eq!(push.get_sndhwm().unwrap(), 70);
        // Nothing queued is dropped by lowering the mark.
        let mut read = 0;
        while let Ok(m) = pull.recv_msg(DONTWAIT) {
            assert_eq!(&m[..], &(read as u32).to_ne_bytes()[..]);
            read += 1;
        }
        assert_eq!(read, sent);
        assert_eq!(
            send_until_wouldblock(&push),
            71,
            "the new SNDHWM 70 + RCVHWM 1"
        );
    });
}

#[test]
fn raising_rcvhwm_lets_a_stalled_sender_go_on() {
    bounded(|| {
        let ctx = Context::new();
        let (push, pull) = inproc_pair(&ctx, 1, 1, false);
        assert_eq!(send_until_wouldblock(&push), 2);
        pull.set_rcvhwm(4).unwrap();
        assert_eq!(
            send_until_wouldblock(&push),
            3,
            "SNDHWM 1 + the new RCVHWM 4"
        );
        pull.set_rcvhwm(0).unwrap();
        assert_eq!(
            send_until_wouldblock(&push),
            MAX_SENDS,
            "RCVHWM 0: unlimited"
        );
    });
}

/// A tcp PUSH connected to a port nobody listens on queues in its connect-side pipe up to
/// SNDHWM. SNDHWM changed after the connect counts alike in libzmq and ferrozmq; a pipe
/// already full takes more once SNDHWM rises in ferrozmq only (libzmq's load balancer
/// keeps a full pipe passed over until its reader frees room, whatever the new mark).
#[test]
fn tcp_connect_side_pipe_follows_sndhwm() {
    bounded(|| {
        let endpoint = free_tcp_endpoint();
        let ctx = zmq::Context::new();
        let theirs = ctx.socket(zmq::PUSH).unwrap();
        theirs.set_linger(0).unwrap();
        theirs.set_sndhwm(2).unwrap();
        theirs.connect(&endpoint).unwrap();
        theirs.set_sndhwm(5).unwrap();
        let mut libzmq_sent = 0;
        while libzmq_sent < MAX_SENDS && theirs.send(&b"x"[..], zmq::DONTWAIT).is_ok() {
            libzmq_sent += 1;
        }

        let ctx = Context::new();
        let push = ctx.socket(PUSH).unwrap();
        push.set_linger(0).unwrap();
        push.set_sndhwm(2).unwrap();
        push.connect(&endpoint).unwrap();
        push.set_sndhwm(5).unwrap();
        assert_eq!(send_until_wouldblock(&push), 5);
        assert_eq!(libzmq_sent, 5, "libzmq counts the same");
        push.set_sndhwm(1).unwrap();
        assert_eq!(
            send_until_wouldblock(&push),
            0,
            "lowered below what is queued"
        );
        push.set_sndhwm(7).unwrap();
        assert_eq!(send_until_wouldblock(&push), 2, "raised while full");
        push.set_sndhwm(0).unwrap();
        assert_eq!(send_until_wouldblock(&push), MAX_SENDS, "0: unlimited");
    });
}
