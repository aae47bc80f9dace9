//! Context options against real libzmq (4.3.4 through its raw `zmq_ctx_set` / `zmq_ctx_get`):
//! a fresh context reads the same values, the same ints are accepted or refused alike, and
//! a libzmq peer sending more than MAX_MSGSZ to a ferrozmq socket is dropped.

use crate::common::{bounded, last_ep, ours, theirs};
use ferrozmq::context_options::*;
use ferrozmq::{MonitorEvent, SocketEvent};
use std::os::raw::{c_int, c_void};

extern "C" {
    fn zmq_ctx_new() -> *mut c_void;
    fn zmq_ctx_set(ctx: *mut c_void, option: c_int, value: c_int) -> c_int;
    fn zmq_ctx_get(ctx: *mut c_void, option: c_int) -> c_int;
    fn zmq_ctx_term(ctx: *mut c_void) -> c_int;
}

/// A raw libzmq context, terminated when dropped.
struct RawContext(*mut c_void);

impl RawContext {
    fn new() -> RawContext {
        // SAFETY: zmq_ctx_new has no preconditions.
        RawContext(unsafe { zmq_ctx_new() })
    }

    fn set(&self, option: i32, value: i32) -> bool {
        // SAFETY: a live context.
        unsafe { zmq_ctx_set(self.0, option, value) == 0 }
    }

    /// The value, or None for an error (-1 is a value too: errno tells them apart).
    fn get(&self, option: i32) -> Option<i32> {
        // SAFETY: a live context; errno is this thread's.
        unsafe {
            *libc::__errno_location() = 0;
            let value = zmq_ctx_get(self.0, option);
            (value != -1 || *libc::__errno_location() == 0).then_some(value)
        }
    }
}

impl Drop for RawContext {
    fn drop(&mut self) {
        // SAFETY: a live context with no sockets.
        unsafe { zmq_ctx_term(self.0) };
    }
}

/// Every context option ferrozmq has, and ids around them that neither has. Not here:
/// ZMQ_MSG_T_SIZE (6), the size of libzmq's `zmq_msg_t`, which ferrozmq has no use for, and
/// IO_THREADS once started (below).
const IDS: [i32; 14] = [
    0,
    IO_THREADS,
    MAX_SOCKETS,
    SOCKET_LIMIT,
    THREAD_SCHED_POLICY,
    MAX_MSGSZ,
    THREAD_AFFINITY_CPU_ADD,
    THREAD_AFFINITY_CPU_REMOVE,
    THREAD_NAME_PREFIX,
    11,
    IPV6,
    BLOCKY,
    71,
    1000,
];

#[test]
fn set_and_get_agree_with_libzmq() {
    let values = [-2, -1, 0, 1, 2, 3, 1023, 65535, 65536, i32::MAX];
    let mut differences = Vec::new();
    for id in IDS {
        let theirs = RawContext::new();
        let ours = ferrozmq::Context::new();
        let got = (ours.get(id).ok(), theirs.get(id));
        if got.0 != got.1 {
            differences.push(format!(
                "get {id}: ferrozmq {:?}, libzmq {:?}",
                got.0, got.1
            ));
        }
        for value in values {
            let set = (ours.set(id, value).is_ok(), theirs.set(id, value));
            if set.0 != set.1 {
                differences.push(format!(
                    "set {id} {value}: ferrozmq {}, libzmq {}",
                    set.0, set.1
                ));
            }
            let got = (ours.get(id).ok(), theirs.get(id));
            if got.0 != got.1 {
                differences.push(format!("get {id} after {value}: {got:?}"));
            }
        }
    }
    assert!(differences.is_empty(), "{differences:#?}");
}

#[test]
fn io_threads_after_start_is_refused_where_libzmq_ignores_it() {
    let theirs = zmq::Context::new();
    let s = theirs.socket(zmq::PULL).unwrap();
    s.bind("tcp://127.0.0.1:*").unwrap();
    // libzmq says yes, reads back 4, and keeps running its one thread.
    assert!(theirs.set_io_threads(4).is_ok());
    let ctx = ferrozmq::Context::new();
    let pull = ctx.socket(ferrozmq::PULL).unwrap();
    pull.bind("tcp://127.0.0.1:*").unwrap();
    assert_eq!(ctx.set_io_threads(4), Err(ferrozmq::Error::EINVAL));
}

/// Sends `message` from `push` until `pull` receives something, and returns that: after a
/// dropped connection libzmq may write into the old one before it notices, and then that
/// copy is lost with it.
fn resend_until_received(push: &zmq::Socket, pull: &ferrozmq::Socket, message: &[u8]) -> Vec<u8> {
    pull.set_rcvtimeo(200).unwrap();
    loop {
        push.send(message, 0).unwrap();
        if let Ok(got) = pull.recv_bytes(0) {
            return got;
        }
    }
}

#[test]
fn a_libzmq_peer_sending_more_than_max_msgsz_is_dropped() {
    bounded(|| {
        let ctx = ferrozmq::Context::new();
        ctx.set(MAX_MSGSZ, 100).unwrap();
        let pull = ours(&ctx, ferrozmq::PULL);
        pull.monitor("inproc://max-msgsz", SocketEvent::DISCONNECTED as i32)
            .unwrap();
        let events = ctx.socket(ferrozmq::PAIR).unwrap();
        events.set_rcvtimeo(5000).unwrap();
        events.connect("inproc://max-msgsz").unwrap();
        pull.bind("tcp://127.0.0.1:*").unwrap();

        let zctx = zmq::Context::new();
        let push = theirs(&zctx, zmq::PUSH);
        push.connect(&last_ep(&pull)).unwrap();
        push.send(vec![7u8; 100], 0).unwrap();
        assert_eq!(
            pull.recv_bytes(0).unwrap().len(),
            100,
            "at the bound: delivered"
        );
        push.send(vec![7u8; 101], 0).unwrap();
        let event = MonitorEvent::recv(&events).expect("the peer dropped");
        assert_eq!(event.event, SocketEvent::DISCONNECTED);
        // libzmq reconnects; what it sends then arrives, the big message never.
        assert_eq!(resend_until_received(&push, &pull, b"small"), b"small");
    });
}

#[test]
fn a_socket_maxmsgsize_below_max_msgsz_still_rules() {
    bounded(|| {
        let ctx = ferrozmq::Context::new();
        ctx.set(MAX_MSGSZ, 1000).unwrap();
        let pull = ours(&ctx, ferrozmq::PULL);
        pull.set_maxmsgsize(10).unwrap();
        pull.bind("tcp://127.0.0.1:*").unwrap();
        let zctx = zmq::Context::new();
        let push = theirs(&zctx, zmq::PUSH);
        push.connect(&last_ep(&pull)).unwrap();
        push.send(vec![1u8; 11], 0).unwrap();
        assert_eq!(resend_until_received(&push, &pull, &[2; 10]), [2; 10]);
    });
}
