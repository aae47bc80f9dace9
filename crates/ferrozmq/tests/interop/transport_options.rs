//! The transport options by their effects, with libzmq (4.3.4) and raw kernel sockets as
//! peers: SO_PRIORITY and SO_BUSY_POLL read back from the connection's own descriptor (the
//! fd a CONNECTED / ACCEPTED monitor event carries), tiny IN/OUT_BATCH_SIZE still carrying
//! every byte, AFFINITY choosing I/O threads (EMTHREAD as libzmq), `tcp://lo:*` binds, IPV4ONLY,
//! and the deprecated accept filters closing the connections they do not admit.

use crate::common::{bounded, ipc_endpoint, last_ep, ours, payload, theirs};
use crate::pyzmq::PyPeer;
use ferrozmq::options::ids;
use ferrozmq::{Context, Error, MonitorEvent, Socket, SocketEvent};
use serde_json::json;
use std::io::Read;
use std::time::Duration;

/// A PAIR that receives `socket`'s monitor events `events`.
fn monitor(ctx: &Context, socket: &Socket, name: &str, events: SocketEvent) -> Socket {
    let endpoint = format!("inproc://transport-options-{name}");
    socket.monitor(&endpoint, events as i32).unwrap();
    let pair = ctx.socket(ferrozmq::PAIR).unwrap();
    pair.set_rcvtimeo(5000).unwrap();
    pair.connect(&endpoint).unwrap();
    pair
}

/// An int socket option of descriptor `fd` (SOL_SOCKET level).
fn fd_option(fd: u32, name: libc::c_int) -> i32 {
    let mut value: libc::c_int = 0;
    let mut len = std::mem::size_of::<libc::c_int>() as libc::socklen_t;
    // SAFETY: an int out-parameter of the size given; a bad fd only makes the call fail.
    let rc = unsafe {
        libc::getsockopt(
            fd as i32,
            libc::SOL_SOCKET,
            name,
            (&mut value as *mut libc::c_int).cast(),
            &mut len,
        )
    };
    assert_eq!(rc, 0, "getsockopt({fd}, {name})");
    value
}

#[test]
fn priority_and_busy_poll_reach_connected_and_accepted_descriptors() {
    bounded(|| {
        let ctx = Context::new();
        let zctx = zmq::Context::new();
        // Connect side: to a libzmq PULL.
        let zpull = theirs(&zctx, zmq::PULL);
        zpull.bind("tcp://127.0.0.1:*").unwrap();
        let push = ours(&ctx, ferrozmq::PUSH);
        push.set_priority(3).unwrap();
        push.set_busy_poll(50).unwrap();
        let events = monitor(&ctx, &push, "connected", SocketEvent::CONNECTED);
        push.connect(&crate::common::zlast_ep(&zpull)).unwrap();
        let fd = MonitorEvent::recv(&events).unwrap().value;
        assert_eq!(fd_option(fd, libc::SO_PRIORITY), 3);
        assert_eq!(fd_option(fd, libc::SO_BUSY_POLL), 50);
        push.send("through", 0).unwrap();
        assert_eq!(zpull.recv_string(0).unwrap().unwrap(), "through");

        // Accept side: from a libzmq PUSH.
        let pull = ours(&ctx, ferrozmq::PULL);
        pull.set_priority(5).unwrap();
        pull.set_busy_poll(20).unwrap();
        let events = monitor(&ctx, &pull, "accepted", SocketEvent::ACCEPTED);
        pull.bind("tcp://127.0.0.1:*").unwrap();
        let zpush = theirs(&zctx, zmq::PUSH);
        zpush.connect(&last_ep(&pull)).unwrap();
        let fd = MonitorEvent::recv(&events).unwrap().value;
        assert_eq!(fd_option(fd, libc::SO_PRIORITY), 5);
        assert_eq!(fd_option(fd, libc::SO_BUSY_POLL), 20);
        zpush.send("back", 0).unwrap();
        assert_eq!(pull.recv_string(0).unwrap().unwrap(), "back");
    });
}

#[test]
fn one_byte_batches_carry_every_byte_both_ways() {
    bounded(|| {
        let ctx = Context::new();
        let zctx = zmq::Context::new();
        let messages: Vec<Vec<u8>> = (0..40).map(|n| payload(n * 97, n as u8)).collect();

        let pull = ours(&ctx, ferrozmq::PULL);
        pull.set_in_batch_size(1).unwrap();
        pull.bind("tcp://127.0.0.1:*").unwrap();
        let zpush = theirs(&zctx, zmq::PUSH);
        zpush.connect(&last_ep(&pull)).unwrap();
        for m in &messages {
            zpush.send(m.as_slice(), 0).unwrap();
        }
        for m in &messages {
            assert_eq!(&pull.recv_bytes(0).unwrap(), m);
        }

        let push = ours(&ctx, ferrozmq::PUSH);
        push.set_out_batch_size(1).unwrap();
        let zpull = theirs(&zctx, zmq::PULL);
        zpull.bind("tcp://127.0.0.1:*").unwrap();
        push.connect(&crate::common::zlast_ep(&zpull)).unwrap();
        for m in &messages {
            push.send(m.as_slice(), 0).unwrap();
        }
        for m in &messages {
            assert_eq!(&zpull.recv_bytes(0).unwrap(), m);
        }
    });
}

#[test]
fn affinity_picks_among_the_io_threads_as_libzmq() {
    let ctx = Context::new();
    ctx.set_io_threads(2).unwrap();
    let zctx = zmq::Context::new();
    zctx.set_io_threads(2).unwrap();
    for (mask, works) in [(0u64, true), (0b10, true), (0b11, true), (0b100, false)] {
        let s = ctx.socket(ferrozmq::PULL).unwrap();
        s.set_affinity(mask).unwrap();
        let z = zctx.socket(zmq::PULL).unwrap();
        z.set_affinity(mask).unwrap();
        let ours = s.bind("tcp://127.0.0.1:*");
        let theirs = z.bind("tcp://127.0.0.1:*");
        assert_eq!(ours.is_ok(), works, "{mask:#b}");
        assert_eq!(theirs.is_ok(), works, "libzmq {mask:#b}");
        if !works {
            assert_eq!(ours, Err(Error::EMTHREAD));
            assert_eq!(theirs, Err(zmq::Error::EMTHREAD));
        }
    }
}

#[test]
fn binds_take_interface_names_as_libzmq() {
    bounded(|| {
        // pyzmq's libzmq 4.3.5: the `zmq` crate's build resolves no interface names.
        let mut py = PyPeer::new("PULL", json!({}));
        let theirs = py.bind("tcp://lo:*");
        let ctx = Context::new();
        let pull = ours(&ctx, ferrozmq::PULL);
        pull.bind("tcp://lo:*").unwrap();
        let endpoint = last_ep(&pull);
        let host = |e: &str| e.rsplit_once(':').unwrap().0.to_string();
        assert_eq!(host(&endpoint), host(&theirs));
        assert_eq!(host(&endpoint), "tcp://127.0.0.1");
        let zctx = zmq::Context::new();
        let zpush = crate::common::theirs(&zctx, zmq::PUSH);
        zpush.connect(&endpoint).unwrap();
        zpush.send("via lo", 0).unwrap();
        assert_eq!(pull.recv_string(0).unwrap().unwrap(), "via lo");
        // An interface that does not exist: ENODEV for both.
        let missing = ctx.socket(ferrozmq::PULL).unwrap();
        assert_eq!(missing.bind("tcp://nosuchif0:*"), Err(Error::ENODEV));
        let reply = py.call(json!({"op": "bind", "endpoint": "tcp://nosuchif0:*"}));
        assert!(
            reply["error"].as_str().unwrap().contains("No such device"),
            "{reply}"
        );
    });
}

#[test]
fn ipv4only_is_the_inverse_of_ipv6() {
    let ctx = Context::new();
    let pull = ctx.socket(ferrozmq::PULL).unwrap();
    pull.set_ipv6(true).unwrap();
    pull.bind("tcp://[::1]:*").unwrap();
    // An IPv4-only socket may not bind an IPv6 address (a connect would be accepted, as
    // libzmq's, its attempts failing); clearing IPV4ONLY is setting IPV6.
    let push = ctx.socket(ferrozmq::PUSH).unwrap();
    assert!(push.is_ipv4only().unwrap());
    assert_eq!(push.bind("tcp://[::1]:*"), Err(Error::EINVAL));
    push.set_ipv4only(false).unwrap();
    assert!(push.is_ipv6().unwrap());
    push.connect(&last_ep(&pull)).unwrap();
    pull.set_rcvtimeo(5000).unwrap();
    push.send("over ipv6", 0).unwrap();
    assert_eq!(pull.recv_string(0).unwrap().unwrap(), "over ipv6");
}

/// What a raw client connecting to `endpoint` first reads: the listener's greeting when it
/// was admitted, 0 bytes (the connection closed) when it was filtered out.
fn first_read(endpoint: &str) -> usize {
    let mut buf = [0u8; 64];
    let read = match endpoint.strip_prefix("ipc://") {
        Some(path) => {
            let mut s = std::os::unix::net::UnixStream::connect(path).unwrap();
            s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
            s.read(&mut buf)
        }
        None => {
            let address = endpoint.strip_prefix("tcp://").unwrap();
            let mut s = std::net::TcpStream::connect(address).unwrap();
            s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
            s.read(&mut buf)
        }
    };
    read.expect("a greeting or the end of the stream, before the read timeout")
}

#[test]
fn tcp_accept_filters_close_the_peers_they_do_not_match() {
    bounded(|| {
        let ctx = Context::new();
        let pull = ours(&ctx, ferrozmq::PULL);
        pull.set_tcp_accept_filter("127.0.0.2").unwrap();
        let events = monitor(&ctx, &pull, "tcp-filter", SocketEvent::ACCEPT_FAILED);
        pull.bind("tcp://127.0.0.1:*").unwrap();
        let endpoint = last_ep(&pull);
        assert_eq!(first_read(&endpoint), 0, "127.0.0.1 is not 127.0.0.2");
        // libzmq (pyzmq's 4.3.5) closes it alike.
        let mut py = PyPeer::new("PULL", json!({"TCP_ACCEPT_FILTER": "127.0.0.2"}));
        assert_eq!(first_read(&py.bind("tcp://127.0.0.1:*")), 0, "libzmq");
        let event = MonitorEvent::recv(&events).unwrap();
        assert_eq!(event.value, libc::EACCES as u32);
        // Filters apply to later binds, as every option: a new listener with a matching mask.
        pull.set_tcp_accept_filter("127.0.0.0/8").unwrap();
        pull.bind("tcp://127.0.0.1:*").unwrap();
        assert!(first_read(&last_ep(&pull)) > 0, "now one mask matches");
        // And a libzmq peer gets through it.
        let zctx = zmq::Context::new();
        let zpush = theirs(&zctx, zmq::PUSH);
        zpush.connect(&last_ep(&pull)).unwrap();
        zpush.send("admitted", 0).unwrap();
        assert_eq!(pull.recv_string(0).unwrap().unwrap(), "admitted");
        // "" clears the masks.
        pull.set_tcp_accept_filter("").unwrap();
        pull.set_option(ids::TCP_ACCEPT_FILTER, b"").unwrap();
    });
}

#[test]
fn ipc_filters_admit_only_the_listed_credentials() {
    bounded(|| {
        // SAFETY: plain getters.
        let (pid, uid, gid) = unsafe { (libc::getpid(), libc::getuid(), libc::getgid()) };
        let ctx = Context::new();
        let listen = |options: &[(i32, u32)]| {
            let pull = ours(&ctx, ferrozmq::PULL);
            for &(id, value) in options {
                pull.set_option(id, &value.to_ne_bytes()).unwrap();
            }
            pull.bind(&ipc_endpoint()).unwrap();
            pull
        };
        let other = |id| id + 1000;
        let refused = listen(&[(ids::IPC_FILTER_UID, other(uid))]);
        assert_eq!(first_read(&last_ep(&refused)), 0, "another uid only");
        // libzmq (pyzmq's 4.3.5) alike, both ways.
        let mut py = PyPeer::new("PULL", json!({"IPC_FILTER_UID": other(uid)}));
        assert_eq!(
            first_read(&py.bind(&ipc_endpoint())),
            0,
            "libzmq, another uid"
        );
        let mut py = PyPeer::new("PULL", json!({"IPC_FILTER_UID": uid}));
        assert!(
            first_read(&py.bind(&ipc_endpoint())) > 0,
            "libzmq, this uid"
        );
        for admitted in [
            listen(&[
                (ids::IPC_FILTER_UID, other(uid)),
                (ids::IPC_FILTER_UID, uid),
            ]),
            listen(&[(ids::IPC_FILTER_GID, gid)]),
            listen(&[(ids::IPC_FILTER_PID, pid as u32)]),
        ] {
            assert!(first_read(&last_ep(&admitted)) > 0);
        }
        let refused = listen(&[(ids::IPC_FILTER_PID, other(pid as u32))]);
        assert_eq!(first_read(&last_ep(&refused)), 0, "another pid only");
        // A libzmq peer (this process: its credentials) through a uid filter.
        let pull = listen(&[(ids::IPC_FILTER_UID, uid)]);
        let zctx = zmq::Context::new();
        let zpush = theirs(&zctx, zmq::PUSH);
        zpush.connect(&last_ep(&pull)).unwrap();
        zpush.send("same user", 0).unwrap();
        assert_eq!(pull.recv_string(0).unwrap().unwrap(), "same user");
    });
}
