//! rust-zmq's `Socket::as_mut_ptr`, `into_raw` and `from_raw` with ferrozmq's C ABI
//! (`ferrozmq-ffi`, our libzmq): the pointer is one the `zmq_*` functions take, as a C library
//! handed a socket by Rust code would call them, and a socket C made comes back to Rust.

extern crate ferrozmq as zmq;
// Linked for the `zmq_*` symbols declared below, as C code sees them in zmq.h.
extern crate ferrozmq_ffi;

use std::ffi::{c_char, c_int, c_void, CString};

extern "C" {
    fn zmq_ctx_new() -> *mut c_void;
    fn zmq_ctx_term(context: *mut c_void) -> c_int;
    fn zmq_socket(context: *mut c_void, socket_type: c_int) -> *mut c_void;
    fn zmq_close(socket: *mut c_void) -> c_int;
    fn zmq_bind(socket: *mut c_void, endpoint: *const c_char) -> c_int;
    fn zmq_send(socket: *mut c_void, buf: *const c_void, len: usize, flags: c_int) -> c_int;
    fn zmq_recv(socket: *mut c_void, buf: *mut c_void, len: usize, flags: c_int) -> c_int;
    fn zmq_setsockopt(
        socket: *mut c_void,
        option: c_int,
        value: *const c_void,
        len: usize,
    ) -> c_int;
    fn zmq_errno() -> c_int;
}

/// zmq.h's ZMQ_RCVTIMEO.
const ZMQ_RCVTIMEO: c_int = 27;
/// libzmq's ENOTSOCK.
const ENOTSOCK: c_int = 88;

/// `zmq_recv` into a buffer, bounded by a receive timeout set through the C ABI.
///
/// # Safety
/// `socket` is a live socket pointer.
unsafe fn c_recv(socket: *mut c_void) -> Vec<u8> {
    let timeout: c_int = 5_000;
    let rc = zmq_setsockopt(
        socket,
        ZMQ_RCVTIMEO,
        (&timeout as *const c_int).cast(),
        std::mem::size_of::<c_int>(),
    );
    assert_eq!(rc, 0);
    let mut buf = [0u8; 64];
    let n = zmq_recv(socket, buf.as_mut_ptr().cast(), buf.len(), 0);
    assert!(n >= 0, "zmq_recv failed: errno {}", zmq_errno());
    buf[..n as usize].to_vec()
}

#[test]
fn c_code_uses_a_rust_sockets_pointer() {
    let ctx = zmq::Context::new();
    let mut pull = ctx.socket(zmq::PULL).unwrap();
    let endpoint = CString::new("inproc://raw-as-mut-ptr").unwrap();
    let ptr = pull.as_mut_ptr();
    // SAFETY: `ptr` is `pull`'s, which lives to the end of the test.
    assert_eq!(unsafe { zmq_bind(ptr, endpoint.as_ptr()) }, 0);
    let push = ctx.socket(zmq::PUSH).unwrap();
    push.connect("inproc://raw-as-mut-ptr").unwrap();
    push.send("from rust", 0).unwrap();
    // SAFETY: as above.
    assert_eq!(unsafe { c_recv(ptr) }, b"from rust");
    // What C did shows in Rust: the socket is bound where C bound it.
    assert_eq!(
        pull.get_last_endpoint().unwrap().unwrap(),
        "inproc://raw-as-mut-ptr"
    );
}

#[test]
fn into_raw_hands_a_socket_to_c_which_closes_it() {
    let ctx = zmq::Context::new();
    let pull = ctx.socket(zmq::PULL).unwrap();
    pull.bind("inproc://raw-into-raw").unwrap();
    let push = ctx.socket(zmq::PUSH).unwrap();
    push.connect("inproc://raw-into-raw").unwrap();
    let ptr = push.into_raw();
    // SAFETY: `ptr` came from `into_raw` and is closed once, below.
    unsafe {
        assert_eq!(zmq_send(ptr, b"from c".as_ptr().cast(), 6, 0), 6);
        assert_eq!(zmq_close(ptr), 0);
    }
    pull.set_rcvtimeo(5_000).unwrap();
    assert_eq!(pull.recv_bytes(0).unwrap(), b"from c");
}

#[test]
fn from_raw_takes_a_socket_c_made() {
    // SAFETY: a context and a socket made by the C ABI; the socket goes to Rust, which
    // closes it before the context is terminated.
    unsafe {
        let c_ctx = zmq_ctx_new();
        assert!(!c_ctx.is_null());
        let c_pull = zmq_socket(c_ctx, zmq::PULL.to_raw());
        assert!(!c_pull.is_null());
        let pull = zmq::Socket::from_raw(c_pull);
        pull.bind("inproc://raw-from-raw").unwrap();
        pull.set_rcvtimeo(5_000).unwrap();
        let push = zmq::Socket::from_raw(zmq_socket(c_ctx, zmq::PUSH.to_raw()));
        push.connect("inproc://raw-from-raw").unwrap();
        push.send("to a socket c made", 0).unwrap();
        assert_eq!(pull.recv_string(0).unwrap().unwrap(), "to a socket c made");
        drop((push, pull));
        assert_eq!(zmq_ctx_term(c_ctx), 0);
    }
}

#[test]
fn a_pointer_that_is_no_socket_is_enotsock() {
    let not_a_socket = [0u32; 4];
    // SAFETY: the C ABI only reads the tag of what it is given.
    unsafe {
        let ptr = not_a_socket.as_ptr() as *mut c_void;
        assert_eq!(zmq_close(ptr), -1);
        assert_eq!(zmq_errno(), ENOTSOCK);
        assert!(zmq::Socket::borrow_raw(ptr).is_none());
        assert!(zmq::Socket::borrow_raw(std::ptr::null_mut()).is_none());
    }
}
