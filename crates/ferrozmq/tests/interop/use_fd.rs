//! ZMQ_USE_FD (libzmq's test_use_fd): a bind takes over a listening socket the application
//! made, over tcp and ipc, and libzmq 4.3.4 peers reach the socket through it; libzmq's own
//! USE_FD, set the same way, names the same tcp endpoint. A descriptor that is not a
//! listening socket of the transport is refused.

use crate::common::*;
use std::os::fd::{AsRawFd, IntoRawFd};
use std::os::raw::{c_int, c_void};

extern "C" {
    fn zmq_setsockopt(s: *mut c_void, option: c_int, value: *const c_void, len: usize) -> c_int;
}

#[test]
fn tcp_bind_takes_over_an_application_listener() {
    bounded(|| {
        let ctx = ferrozmq::Context::new();
        let zctx = zmq::Context::new();
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let endpoint = format!("tcp://{}", listener.local_addr().unwrap());
        let rep = ours(&ctx, ferrozmq::REP);
        rep.set_use_fd(listener.as_raw_fd()).unwrap();
        assert_eq!(rep.get_use_fd().unwrap(), listener.as_raw_fd());
        // The address is ignored, as in libzmq: the endpoint is the socket's own.
        rep.bind("tcp://127.0.0.1:*").unwrap();
        assert_eq!(last_ep(&rep), endpoint);
        let req = theirs(&zctx, zmq::REQ);
        req.connect(&endpoint).unwrap();
        req.send("hello", 0).unwrap();
        assert_eq!(rep.recv_string(0).unwrap().unwrap(), "hello");
        rep.send("world", 0).unwrap();
        assert_eq!(req.recv_string(0).unwrap().unwrap(), "world");

        // libzmq, given a listener of its own the same way, names its endpoint alike.
        let zlistener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let zendpoint = format!("tcp://{}", zlistener.local_addr().unwrap());
        let mut zrep = theirs(&zctx, zmq::REP);
        let fd: c_int = zlistener.into_raw_fd();
        // SAFETY: a live libzmq socket; `fd` outlives the call (libzmq owns it from now).
        let rc = unsafe {
            zmq_setsockopt(
                zrep.as_mut_ptr(),
                ferrozmq::options::ids::USE_FD,
                (&fd as *const c_int).cast(),
                std::mem::size_of::<c_int>(),
            )
        };
        assert_eq!(rc, 0);
        zrep.bind("tcp://127.0.0.1:*").unwrap();
        assert_eq!(zlast_ep(&zrep), zendpoint);
        let our_req = ours(&ctx, ferrozmq::REQ);
        our_req.connect(&zendpoint).unwrap();
        our_req.send("ping", 0).unwrap();
        assert_eq!(zrep.recv_string(0).unwrap().unwrap(), "ping");
    });
}

#[test]
fn ipc_bind_takes_over_an_application_listener() {
    bounded(|| {
        let ctx = ferrozmq::Context::new();
        let zctx = zmq::Context::new();
        let endpoint = ipc_endpoint();
        let path = endpoint.trim_start_matches("ipc://").to_string();
        let listener = std::os::unix::net::UnixListener::bind(&path).unwrap();
        let pair = ours(&ctx, ferrozmq::PAIR);
        pair.set_use_fd(listener.as_raw_fd()).unwrap();
        pair.bind(&endpoint).unwrap();
        assert_eq!(last_ep(&pair), endpoint);
        let peer = theirs(&zctx, zmq::PAIR);
        peer.connect(&endpoint).unwrap();
        peer.send("over ipc", 0).unwrap();
        assert_eq!(pair.recv_string(0).unwrap().unwrap(), "over ipc");
        pair.send("back", 0).unwrap();
        assert_eq!(peer.recv_string(0).unwrap().unwrap(), "back");
        // The socket file is the application's: unbinding leaves it, as libzmq does.
        pair.unbind(&endpoint).unwrap();
        assert!(std::path::Path::new(&path).exists());
        drop(listener);
        std::fs::remove_file(&path).unwrap();
    });
}

#[test]
fn a_descriptor_that_is_no_listener_is_refused() {
    let ctx = ferrozmq::Context::new();
    let s = ctx.socket(ferrozmq::PULL).unwrap();
    let connected = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let stream = std::net::TcpStream::connect(connected.local_addr().unwrap()).unwrap();
    let unix_endpoint = ipc_endpoint();
    let unix_path = unix_endpoint.trim_start_matches("ipc://");
    let unix = std::os::unix::net::UnixListener::bind(unix_path).unwrap();
    let file = std::fs::File::open("/proc/self/status").unwrap();
    for (fd, endpoint) in [
        (stream.as_raw_fd(), "tcp://127.0.0.1:*"),
        (file.as_raw_fd(), "tcp://127.0.0.1:*"),
        (unix.as_raw_fd(), "tcp://127.0.0.1:*"),
        (connected.as_raw_fd(), &ipc_endpoint() as &str),
        (100_000, "tcp://127.0.0.1:*"),
    ] {
        s.set_use_fd(fd).unwrap();
        assert_eq!(
            s.bind(endpoint),
            Err(ferrozmq::Error::EINVAL),
            "fd {fd} for {endpoint}"
        );
    }
    assert_eq!(s.set_use_fd(-2), Err(ferrozmq::Error::EINVAL));
    drop(unix);
    std::fs::remove_file(unix_path).unwrap();
}
