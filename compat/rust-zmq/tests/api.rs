//! Our own tests of the zmq crate's (rust-zmq 0.10's) documented API, with `zmq` naming
//! ferrozmq: each is code a rust-zmq user writes, and must build and behave as it does on
//! rust-zmq over libzmq 4.3.

extern crate ferrozmq as zmq;

use std::io;
use std::os::fd::AsRawFd;

/// A connected PAIR pair over inproc, named after the test.
fn pair(ctx: &zmq::Context, name: &str) -> (zmq::Socket, zmq::Socket) {
    let a = ctx.socket(zmq::PAIR).unwrap();
    a.bind(&format!("inproc://{name}")).unwrap();
    let b = ctx.socket(zmq::PAIR).unwrap();
    b.connect(&format!("inproc://{name}")).unwrap();
    for s in [&a, &b] {
        s.set_rcvtimeo(5_000).unwrap();
    }
    (a, b)
}

#[test]
fn version_and_capabilities() {
    let (major, minor, _patch) = zmq::version();
    assert_eq!((major, minor), (4, 3));
    assert_eq!(zmq::has("ipc"), Some(true));
    assert_eq!(zmq::has("gssapi"), Some(false));
}

#[test]
fn every_libzmq_errno_is_a_variant_with_its_number() {
    let all = [
        (zmq::Error::EBUSY, libc_errno::EBUSY),
        (zmq::Error::EINPROGRESS, libc_errno::EINPROGRESS),
        (zmq::Error::ENOMEM, libc_errno::ENOMEM),
        (zmq::Error::ENOTCONN, libc_errno::ENOTCONN),
        (zmq::Error::ENOTSOCK, libc_errno::ENOTSOCK),
        (zmq::Error::EPROTO, libc_errno::EPROTO),
        (zmq::Error::ENOBUFS, libc_errno::ENOBUFS),
        (zmq::Error::ENETDOWN, libc_errno::ENETDOWN),
    ];
    for (error, raw) in all {
        assert_eq!(error.to_raw(), raw);
        assert_eq!(zmq::Error::from_raw(raw), error);
    }
}

/// Linux errno numbers, spelled out so this crate needs no libc.
mod libc_errno {
    pub const EBUSY: i32 = 16;
    pub const EINPROGRESS: i32 = 115;
    pub const ENOMEM: i32 = 12;
    pub const ENOTCONN: i32 = 107;
    pub const ENOTSOCK: i32 = 88;
    pub const EPROTO: i32 = 71;
    pub const ENOBUFS: i32 = 105;
    pub const ENETDOWN: i32 = 100;
}

#[test]
fn errors_print_their_message_and_map_to_io_kinds() {
    let err = zmq::Error::EFSM;
    assert_eq!(format!("{err:?}"), err.message());
    assert_eq!(format!("{err}"), err.message());
    let kinds = [
        (zmq::Error::ENOENT, io::ErrorKind::NotFound),
        (zmq::Error::EACCES, io::ErrorKind::PermissionDenied),
        (zmq::Error::ECONNREFUSED, io::ErrorKind::ConnectionRefused),
        (zmq::Error::ENOTCONN, io::ErrorKind::NotConnected),
        (zmq::Error::EADDRINUSE, io::ErrorKind::AddrInUse),
        (zmq::Error::EAGAIN, io::ErrorKind::WouldBlock),
        (zmq::Error::EINVAL, io::ErrorKind::InvalidInput),
        (zmq::Error::EINTR, io::ErrorKind::Interrupted),
        (zmq::Error::ETERM, io::ErrorKind::Other),
    ];
    for (error, kind) in kinds {
        assert_eq!(io::Error::from(error).kind(), kind, "{}", error.message());
    }
}

#[test]
#[allow(deprecated)]
fn messages_as_rust_zmq_builds_and_prints_them() {
    let msg = zmq::Message::from_slice(b"foo");
    assert_eq!(format!("{msg:?}"), "[102, 111, 111]");
    let mut msg = zmq::Message::with_capacity(3);
    msg.as_mut().copy_from_slice(b"bar");
    assert_eq!(msg.as_str(), Some("bar"));
}

#[test]
// The borrows are the point: rust-zmq users pass `&[..]` slices.
#[allow(clippy::needless_borrows_for_generic_args)]
fn send_multipart_takes_slices_of_str_and_bytes() {
    let ctx = zmq::Context::new();
    let (a, b) = pair(&ctx, "multipart");
    a.send_multipart(["a", "b"], 0).unwrap();
    a.send_multipart(&["c", "d"], 0).unwrap();
    a.send_multipart(&[&b"e"[..], &b"fg"[..]], 0).unwrap();
    a.send_multipart(&[b"hi", b"jk"], 0).unwrap();
    a.send_multipart(vec![vec![1u8], vec![2u8]], 0).unwrap();
    let expected: [&[&[u8]]; 5] = [
        &[b"a", b"b"],
        &[b"c", b"d"],
        &[b"e", b"fg"],
        &[b"hi", b"jk"],
        &[&[1], &[2]],
    ];
    for frames in expected {
        assert_eq!(b.recv_multipart(0).unwrap(), frames);
    }
}

#[test]
#[allow(deprecated)]
fn the_older_send_names_and_sendable() {
    use zmq::Sendable;
    let ctx = zmq::Context::new();
    let (a, b) = pair(&ctx, "sends");
    a.send_msg(zmq::Message::from("one"), 0).unwrap();
    a.send_str("two", 0).unwrap();
    "three".send(&a, 0).unwrap();
    for expected in ["one", "two", "three"] {
        assert_eq!(b.recv_string(0).unwrap().unwrap(), expected);
    }
}

#[test]
fn a_socket_is_as_raw_fd_its_zmq_fd() {
    let ctx = zmq::Context::new();
    let sock = ctx.socket(zmq::PULL).unwrap();
    assert_eq!(sock.as_raw_fd(), sock.get_fd().unwrap());
    assert!(sock.as_raw_fd() >= 0);
}

#[test]
fn multicast_and_affinity_options_round_trip_with_libzmqs_defaults() {
    let ctx = zmq::Context::new();
    let sock = ctx.socket(zmq::PUB).unwrap();
    assert_eq!(sock.get_rate().unwrap(), 100);
    assert_eq!(sock.get_recovery_ivl().unwrap(), 10_000);
    assert_eq!(sock.get_multicast_hops().unwrap(), 1);
    assert_eq!(sock.get_affinity().unwrap(), 0);
    sock.set_rate(200).unwrap();
    sock.set_recovery_ivl(0).unwrap();
    sock.set_multicast_hops(5).unwrap();
    sock.set_affinity(3).unwrap();
    assert_eq!(sock.get_rate().unwrap(), 200);
    assert_eq!(sock.get_recovery_ivl().unwrap(), 0);
    assert_eq!(sock.get_multicast_hops().unwrap(), 5);
    assert_eq!(sock.get_affinity().unwrap(), 3);
    assert_eq!(sock.set_rate(0), Err(zmq::Error::EINVAL));
    assert_eq!(sock.set_recovery_ivl(-1), Err(zmq::Error::EINVAL));
    sock.set_socks_proxy(Some("127.0.0.1:1080")).unwrap();
    assert_eq!(sock.get_socks_proxy().unwrap().unwrap(), "127.0.0.1:1080");
}

#[test]
fn gssapi_options_answer_as_a_libzmq_without_gssapi() {
    assert_eq!(zmq::has("gssapi"), Some(false));
    let ctx = zmq::Context::new();
    let sock = ctx.socket(zmq::REQ).unwrap();
    assert_eq!(sock.set_gssapi_server(true), Err(zmq::Error::EINVAL));
    assert_eq!(sock.is_gssapi_server(), Err(zmq::Error::EINVAL));
    assert_eq!(sock.set_gssapi_plaintext(true), Err(zmq::Error::EINVAL));
    assert_eq!(sock.is_gssapi_plaintext(), Err(zmq::Error::EINVAL));
    assert_eq!(sock.set_gssapi_principal("p"), Err(zmq::Error::EINVAL));
    assert!(sock.get_gssapi_principal().is_err());
    assert_eq!(
        sock.set_gssapi_service_principal("p"),
        Err(zmq::Error::EINVAL)
    );
    assert!(sock.get_gssapi_service_principal().is_err());
}

#[test]
fn conflate_is_taken_by_every_socket_type() {
    let ctx = zmq::Context::new();
    for ty in [
        zmq::REQ,
        zmq::REP,
        zmq::ROUTER,
        zmq::PAIR,
        zmq::XPUB,
        zmq::SUB,
    ] {
        let sock = ctx.socket(ty).unwrap();
        sock.set_conflate(true).unwrap();
        assert!(sock.is_conflate().unwrap());
    }
}

#[test]
fn xpub_welcome_msg_takes_text() {
    let ctx = zmq::Context::new();
    let xpub = ctx.socket(zmq::XPUB).unwrap();
    xpub.bind("inproc://welcome").unwrap();
    // rust-zmq's signature, `Option<&str>`: a bare `None` builds and clears it.
    xpub.set_xpub_welcome_msg(None).unwrap();
    xpub.set_xpub_welcome_msg(Some("welcome")).unwrap();
    let sub = ctx.socket(zmq::SUB).unwrap();
    sub.set_rcvtimeo(5_000).unwrap();
    sub.set_subscribe(b"").unwrap();
    sub.connect("inproc://welcome").unwrap();
    // The XPUB greets a subscriber as it attaches it, which (as in libzmq) it does when it
    // is next used: here, receiving the subscription.
    xpub.set_rcvtimeo(5_000).unwrap();
    assert_eq!(xpub.recv_bytes(0).unwrap(), b"\x01");
    assert_eq!(sub.recv_string(0).unwrap().unwrap(), "welcome");
}

#[test]
fn monitor_takes_only_inproc_endpoints() {
    let ctx = zmq::Context::new();
    let sock = ctx.socket(zmq::REP).unwrap();
    let all = zmq::SocketEvent::ALL.to_raw() as i32;
    assert_eq!(
        sock.monitor("tcp://127.0.0.1:*", all),
        Err(zmq::Error::EPROTONOSUPPORT)
    );
    // An empty mask does not skip the check, as libzmq (rust-zmq's monitor test asks this).
    assert_eq!(
        sock.monitor("tcp://127.0.0.1:*", 0),
        Err(zmq::Error::EPROTONOSUPPORT)
    );
    sock.monitor("inproc://monitor-ok", all).unwrap();
}

#[test]
fn a_closed_listener_raises_closed() {
    let ctx = zmq::Context::new();
    let sock = ctx.socket(zmq::REP).unwrap();
    let wanted = zmq::SocketEvent::CLOSED.to_raw();
    sock.monitor("inproc://monitor-closed", i32::from(wanted))
        .unwrap();
    let monitor = ctx.socket(zmq::PAIR).unwrap();
    monitor.set_rcvtimeo(5_000).unwrap();
    monitor.connect("inproc://monitor-closed").unwrap();
    sock.bind("tcp://127.0.0.1:*").unwrap();
    let endpoint = sock.get_last_endpoint().unwrap().unwrap();
    sock.unbind(&endpoint).unwrap();
    let frames = monitor.recv_multipart(0).unwrap();
    assert_eq!(u16::from_le_bytes([frames[0][0], frames[0][1]]), wanted);
    assert_eq!(frames[1], endpoint.as_bytes());
}

#[test]
fn poll_events_are_a_set_of_flags() {
    let ctx = zmq::Context::new();
    let (a, b) = pair(&ctx, "poll-events");
    let both = zmq::POLLIN | zmq::POLLOUT;
    assert!(both.contains(zmq::PollEvents::POLLIN) && both.intersects(zmq::POLLOUT));
    assert!(!both.contains(zmq::POLLERR) && zmq::PollEvents::empty().is_empty());
    assert_eq!(both.bits(), 3);
    assert_eq!(zmq::POLLPRI.bits(), 8);
    assert!(!b.get_events().unwrap().contains(zmq::POLLIN));
    a.send("ready", 0).unwrap();
    let mut items = [b.as_poll_item(zmq::POLLIN)];
    assert_eq!(zmq::poll(&mut items, 5_000).unwrap(), 1);
    assert!(items[0].get_revents().contains(zmq::POLLIN));
    assert!(b.get_events().unwrap().intersects(zmq::POLLIN));
}

#[test]
fn socket_event_from_raw_is_rust_zmqs() {
    let connected = zmq::SocketEvent::CONNECTED.to_raw();
    assert_eq!(
        zmq::SocketEvent::from_raw(connected),
        zmq::SocketEvent::CONNECTED
    );
    assert_eq!(zmq::SocketEvent::from_raw(0xFFFF), zmq::SocketEvent::ALL);
    let unknown = std::panic::catch_unwind(|| zmq::SocketEvent::from_raw(3));
    assert!(
        unknown.is_err(),
        "rust-zmq panics on an unknown event number"
    );
}

#[test]
fn z85_errors_are_rust_zmqs() {
    assert!(matches!(
        zmq::z85_decode("/AB8"),
        Err(zmq::DecodeError::BadLength)
    ));
    assert!(matches!(
        zmq::z85_decode("/AB\x008"),
        Err(zmq::DecodeError::NulError(_))
    ));
    assert!(matches!(
        zmq::z85_encode(b"\x01\x01\x01\x01\x01"),
        Err(zmq::EncodeError::BadLength)
    ));
    assert_eq!(
        zmq::z85_decode("/AB8").unwrap_err().to_string(),
        "Invalid data length. Should be multiple of 5."
    );
}

#[test]
fn closing_a_listening_socket_raises_closed_before_monitor_stopped() {
    let ctx = zmq::Context::new();
    let sock = ctx.socket(zmq::DEALER).unwrap();
    sock.monitor("inproc://monitor-close-order", zmq::SocketEvent::ALL as i32)
        .unwrap();
    let monitor = ctx.socket(zmq::PAIR).unwrap();
    monitor.set_rcvtimeo(5_000).unwrap();
    monitor.connect("inproc://monitor-close-order").unwrap();
    sock.bind("tcp://127.0.0.1:*").unwrap();
    let endpoint = sock.get_last_endpoint().unwrap().unwrap();
    sock.set_linger(0).unwrap();
    drop(sock);
    let mut seen = Vec::new();
    loop {
        let frames = monitor.recv_multipart(0).unwrap();
        let event = zmq::SocketEvent::from_raw(u16::from_ne_bytes([frames[0][0], frames[0][1]]));
        seen.push((event, String::from_utf8(frames[1].clone()).unwrap()));
        if event == zmq::SocketEvent::MONITOR_STOPPED {
            break;
        }
    }
    assert_eq!(
        seen,
        [
            (zmq::SocketEvent::LISTENING, endpoint.clone()),
            (zmq::SocketEvent::CLOSED, endpoint),
            (zmq::SocketEvent::MONITOR_STOPPED, String::new()),
        ]
    );
}
