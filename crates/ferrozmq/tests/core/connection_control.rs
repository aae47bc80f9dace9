//! Connection control options (issue: reliability): `tcp://src;dst` source addresses,
//! RECONNECT_STOP, and the tcp options applied to the kernel sockets themselves
//! (TCP_KEEPALIVE*, TOS, TCP_MAXRT), each checked on what actually happens.

use ferrozmq::options::{RECONNECT_STOP_AFTER_DISCONNECT, RECONNECT_STOP_CONN_REFUSED};
use ferrozmq::*;
use std::os::fd::RawFd;

const TIMEOUT: i32 = 5000;

fn events_of(ctx: &Context, socket: &Socket, name: &str) -> Socket {
    let endpoint = format!("inproc://connection-control-{name}");
    socket.monitor(&endpoint, SocketEvent::ALL as i32).unwrap();
    let events = ctx.socket(PAIR).unwrap();
    events.set_rcvtimeo(TIMEOUT).unwrap();
    events.connect(&endpoint).unwrap();
    events
}

fn next(events: &Socket) -> SocketEvent {
    MonitorEvent::recv(events).unwrap().event
}

/// ZMQ_SRCFD: a message received over tcp names its connection's descriptor, whose peer is
/// the sender's source address; an inproc message has none.
#[test]
fn a_received_message_names_its_connection_descriptor() {
    let ctx = Context::new();
    let pull = ctx.socket(PULL).unwrap();
    pull.set_rcvtimeo(TIMEOUT).unwrap();
    pull.bind("tcp://127.0.0.1:*").unwrap();
    let endpoint = pull.get_last_endpoint().unwrap().unwrap();
    let push = ctx.socket(PUSH).unwrap();
    push.connect(&endpoint.replace("tcp://", "tcp://127.0.0.3:*;"))
        .unwrap();
    push.send("srcfd", 0).unwrap();
    let fd = pull.recv_msg(0).unwrap().source_fd();
    assert!(fd >= 0, "no descriptor: {fd}");
    // SAFETY: getpeername on a descriptor the I/O thread keeps open (the peer is connected);
    // the address buffer is a zeroed sockaddr_in of the size passed.
    let peer = unsafe {
        let mut address: libc::sockaddr_in = std::mem::zeroed();
        let mut len = std::mem::size_of::<libc::sockaddr_in>() as libc::socklen_t;
        let rc = libc::getpeername(fd, std::ptr::addr_of_mut!(address).cast(), &mut len);
        assert_eq!(rc, 0, "getpeername: {}", std::io::Error::last_os_error());
        std::net::Ipv4Addr::from(u32::from_be(address.sin_addr.s_addr))
    };
    assert_eq!(peer, std::net::Ipv4Addr::new(127, 0, 0, 3));

    let inproc_pull = ctx.socket(PULL).unwrap();
    inproc_pull.set_rcvtimeo(TIMEOUT).unwrap();
    inproc_pull
        .bind("inproc://connection-control-srcfd")
        .unwrap();
    let inproc_push = ctx.socket(PUSH).unwrap();
    inproc_push
        .connect("inproc://connection-control-srcfd")
        .unwrap();
    inproc_push.send("inproc", 0).unwrap();
    assert_eq!(inproc_pull.recv_msg(0).unwrap().source_fd(), -1);
}

#[test]
fn a_source_address_is_what_the_peer_sees() {
    let ctx = Context::new();
    let pull = ctx.socket(PULL).unwrap();
    pull.set_rcvtimeo(TIMEOUT).unwrap();
    pull.bind("tcp://127.0.0.1:*").unwrap();
    let endpoint = pull.get_last_endpoint().unwrap().unwrap();
    let push = ctx.socket(PUSH).unwrap();
    let with_source = endpoint.replace("tcp://", "tcp://127.0.0.2:*;");
    push.connect(&with_source).unwrap();
    push.send("from 127.0.0.2", 0).unwrap();
    let message = pull.recv_msg(0).unwrap();
    assert_eq!(message.gets("Peer-Address"), Some("127.0.0.2"));
    // A source address means nothing to bind.
    assert_eq!(
        ctx.socket(PULL)
            .unwrap()
            .bind("tcp://127.0.0.2:*;127.0.0.1:*"),
        Err(Error::EINVAL)
    );
}

#[test]
fn reconnect_stop_conn_refused_stops_redialling() {
    let ctx = Context::new();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let push = ctx.socket(PUSH).unwrap();
    push.set_reconnect_ivl(10).unwrap();
    push.set_reconnect_stop(RECONNECT_STOP_CONN_REFUSED)
        .unwrap();
    let events = events_of(&ctx, &push, "refused");
    push.connect(&format!("tcp://127.0.0.1:{port}")).unwrap();
    assert_eq!(next(&events), SocketEvent::CONNECT_DELAYED);
    assert_eq!(next(&events), SocketEvent::CLOSED);
    // Without the flag a retry would come within 10 ms; none may come at all.
    events.set_rcvtimeo(200).unwrap();
    assert_eq!(MonitorEvent::recv(&events), Err(Error::EAGAIN));
}

#[test]
fn reconnect_stop_after_disconnect_stops_redialling() {
    let ctx = Context::new();
    let pull = ctx.socket(PULL).unwrap();
    pull.bind("tcp://127.0.0.1:*").unwrap();
    let push = ctx.socket(PUSH).unwrap();
    push.set_reconnect_ivl(10).unwrap();
    push.set_reconnect_stop(RECONNECT_STOP_AFTER_DISCONNECT)
        .unwrap();
    let events = events_of(&ctx, &push, "after-disconnect");
    push.connect(&pull.get_last_endpoint().unwrap().unwrap())
        .unwrap();
    use SocketEvent::*;
    for wanted in [CONNECT_DELAYED, CONNECTED, HANDSHAKE_SUCCEEDED] {
        assert_eq!(next(&events), wanted);
    }
    drop(pull);
    assert_eq!(next(&events), DISCONNECTED);
    events.set_rcvtimeo(200).unwrap();
    assert_eq!(MonitorEvent::recv(&events), Err(Error::EAGAIN));
    assert_eq!(push.set_reconnect_stop(8), Err(Error::EINVAL));
}

/// RECONNECT_IVL -1 (libzmq's test_reconnect_ivl): a lost connection is not redialled, even
/// when the peer binds again, and its endpoint ends with it, so connecting to it again gives
/// a PAIR its peer back.
#[test]
fn reconnect_ivl_minus_one_ends_the_endpoint_with_its_connection() {
    let ctx = Context::new();
    let bound = ctx.socket(PAIR).unwrap();
    bound.set_rcvtimeo(TIMEOUT).unwrap();
    bound.bind("tcp://127.0.0.1:*").unwrap();
    let endpoint = bound.get_last_endpoint().unwrap().unwrap();
    let pair = ctx.socket(PAIR).unwrap();
    pair.set_rcvtimeo(TIMEOUT).unwrap();
    pair.set_reconnect_ivl(-1).unwrap();
    let events = events_of(&ctx, &pair, "ivl-minus-one");
    pair.connect(&endpoint).unwrap();
    pair.send("first", 0).unwrap();
    assert_eq!(bound.recv_bytes(0).unwrap(), b"first");

    bound.unbind(&endpoint).unwrap();
    use SocketEvent::*;
    for wanted in [
        CONNECT_DELAYED,
        CONNECTED,
        HANDSHAKE_SUCCEEDED,
        DISCONNECTED,
    ] {
        assert_eq!(next(&events), wanted);
    }
    bound.bind(&endpoint).unwrap();
    events.set_rcvtimeo(200).unwrap();
    assert_eq!(MonitorEvent::recv(&events), Err(Error::EAGAIN));
    // The dead connection's endpoint is gone, as libzmq's term_endpoint leaves it.
    assert_eq!(pair.disconnect(&endpoint), Err(Error::ENOENT));

    pair.connect(&endpoint).unwrap();
    pair.send("again", 0).unwrap();
    assert_eq!(bound.recv_bytes(0).unwrap(), b"again");
    bound.send("back", 0).unwrap();
    assert_eq!(pair.recv_bytes(0).unwrap(), b"back");
}

/// The tcp sockets of this process connected to or from `port`.
fn sockets_on_port(port: u16) -> Vec<RawFd> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc/self/fd").unwrap().flatten() {
        let Ok(fd) = entry.file_name().to_string_lossy().parse::<RawFd>() else {
            continue;
        };
        // SAFETY: getsockname/getpeername write at most `len` bytes into the storage.
        let ports = unsafe {
            let mut local: libc::sockaddr_in = std::mem::zeroed();
            let mut peer: libc::sockaddr_in = std::mem::zeroed();
            let mut len = std::mem::size_of::<libc::sockaddr_in>() as libc::socklen_t;
            let mut peer_len = len;
            let ok = libc::getsockname(fd, (&mut local as *mut libc::sockaddr_in).cast(), &mut len)
                == 0
                && libc::getpeername(
                    fd,
                    (&mut peer as *mut libc::sockaddr_in).cast(),
                    &mut peer_len,
                ) == 0
                && local.sin_family == libc::AF_INET as libc::sa_family_t;
            ok.then(|| (u16::from_be(local.sin_port), u16::from_be(peer.sin_port)))
        };
        if let Some((local, peer)) = ports {
            if local == port || peer == port {
                found.push(fd);
            }
        }
    }
    found
}

fn int_option(fd: RawFd, level: libc::c_int, name: libc::c_int) -> i32 {
    let mut value: libc::c_int = 0;
    let mut len = std::mem::size_of::<libc::c_int>() as libc::socklen_t;
    // SAFETY: writes one c_int into `value`.
    let rc = unsafe {
        libc::getsockopt(
            fd,
            level,
            name,
            (&mut value as *mut libc::c_int).cast(),
            &mut len,
        )
    };
    assert_eq!(rc, 0);
    value
}

#[test]
fn tcp_options_reach_the_kernel_sockets() {
    let ctx = Context::new();
    let pull = ctx.socket(PULL).unwrap();
    pull.set_rcvtimeo(TIMEOUT).unwrap();
    pull.set_tcp_keepalive(1).unwrap();
    pull.set_tcp_keepalive_idle(30).unwrap();
    pull.set_tcp_keepalive_intvl(7).unwrap();
    pull.set_tcp_keepalive_cnt(3).unwrap();
    pull.set_tcp_maxrt(2500).unwrap();
    pull.bind("tcp://127.0.0.1:*").unwrap();
    let endpoint = pull.get_last_endpoint().unwrap().unwrap();
    let port: u16 = endpoint.rsplit(':').next().unwrap().parse().unwrap();
    let push = ctx.socket(PUSH).unwrap();
    push.set_tos(0x28).unwrap();
    push.connect(&endpoint).unwrap();
    push.send("x", 0).unwrap();
    pull.recv_bytes(0).unwrap();
    let fds = sockets_on_port(port);
    assert_eq!(fds.len(), 2, "one accepted and one connected socket");
    // The accepted end (local port == the bound port) has the keepalive settings…
    let accepted = fds
        .iter()
        .copied()
        .find(|&fd| int_option(fd, libc::SOL_SOCKET, libc::SO_KEEPALIVE) == 1)
        .expect("keepalive on the accepted socket");
    assert_eq!(
        int_option(accepted, libc::IPPROTO_TCP, libc::TCP_KEEPIDLE),
        30
    );
    assert_eq!(
        int_option(accepted, libc::IPPROTO_TCP, libc::TCP_KEEPINTVL),
        7
    );
    assert_eq!(
        int_option(accepted, libc::IPPROTO_TCP, libc::TCP_KEEPCNT),
        3
    );
    assert_eq!(
        int_option(accepted, libc::IPPROTO_TCP, libc::TCP_USER_TIMEOUT),
        2500
    );
    // …and the connecting end carries the TOS byte.
    assert!(fds
        .iter()
        .any(|&fd| int_option(fd, libc::IPPROTO_IP, libc::IP_TOS) == 0x28));
    assert_eq!(pull.set_tcp_keepalive(2), Err(Error::EINVAL));
    assert_eq!(
        pull.set_bindtodevice(Some("a-very-long-device-name")),
        Err(Error::EINVAL)
    );
}

fn dead_endpoint() -> String {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    format!("tcp://127.0.0.1:{port}")
}

#[test]
fn immediate_queues_nothing_for_a_peer_not_connected() {
    let ctx = Context::new();
    let dead = dead_endpoint();
    // Without IMMEDIATE the message waits in the pipe of the pending connection…
    let queued = ctx.socket(PUSH).unwrap();
    queued.set_linger(0).unwrap();
    queued.connect(&dead).unwrap();
    assert_eq!(queued.send("waits", DONTWAIT), Ok(()));
    // …with it there is no peer to take it.
    let immediate = ctx.socket(PUSH).unwrap();
    immediate.set_linger(0).unwrap();
    immediate.set_immediate(true).unwrap();
    immediate.connect(&dead).unwrap();
    assert_eq!(immediate.send("nowhere", DONTWAIT), Err(Error::EAGAIN));
}

#[test]
fn immediate_round_robins_over_connected_peers_only() {
    let ctx = Context::new();
    let pull = ctx.socket(PULL).unwrap();
    pull.set_rcvtimeo(TIMEOUT).unwrap();
    pull.bind("tcp://127.0.0.1:*").unwrap();
    let push = ctx.socket(PUSH).unwrap();
    push.set_linger(0).unwrap();
    push.set_immediate(true).unwrap();
    push.set_sndtimeo(TIMEOUT).unwrap();
    let events = events_of(&ctx, &push, "immediate");
    push.connect(&dead_endpoint()).unwrap();
    push.connect(&pull.get_last_endpoint().unwrap().unwrap())
        .unwrap();
    loop {
        if MonitorEvent::recv(&events).unwrap().event == SocketEvent::HANDSHAKE_SUCCEEDED {
            break;
        }
    }
    for i in 0..10 {
        push.send(format!("{i}").as_str(), 0).unwrap();
    }
    // Every message reaches the live peer: none was parked with the dead one.
    for i in 0..10 {
        assert_eq!(pull.recv_string(0).unwrap().unwrap(), format!("{i}"));
    }
}

#[test]
fn reconnect_stop_handshake_failed_stops_redialling() {
    let ctx = Context::new();
    let wrong = ctx.socket(PUSH).unwrap();
    wrong.bind("tcp://127.0.0.1:*").unwrap();
    let push = ctx.socket(PUSH).unwrap();
    push.set_reconnect_ivl(10).unwrap();
    push.set_reconnect_stop(ferrozmq::options::RECONNECT_STOP_HANDSHAKE_FAILED)
        .unwrap();
    let events = events_of(&ctx, &push, "handshake-failed");
    push.connect(&wrong.get_last_endpoint().unwrap().unwrap())
        .unwrap();
    use SocketEvent::*;
    assert_eq!(next(&events), CONNECT_DELAYED);
    assert_eq!(next(&events), CONNECTED);
    // Whichever side reads the other's READY first gives up: a protocol error here, or the
    // peer's close in the middle of the handshake.
    let failed = next(&events);
    assert!(
        matches!(
            failed,
            HANDSHAKE_FAILED_PROTOCOL | HANDSHAKE_FAILED_NO_DETAIL
        ),
        "{failed:?}"
    );
    assert_eq!(next(&events), DISCONNECTED);
    events.set_rcvtimeo(200).unwrap();
    assert_eq!(MonitorEvent::recv(&events), Err(Error::EAGAIN));
}

#[test]
fn bindtodevice_binds_to_an_interface() {
    let ctx = Context::new();
    let pull = ctx.socket(PULL).unwrap();
    pull.set_rcvtimeo(TIMEOUT).unwrap();
    pull.set_bindtodevice(Some("lo")).unwrap();
    assert_eq!(pull.get_bindtodevice().unwrap().as_deref(), Some("lo"));
    pull.bind("tcp://127.0.0.1:*").unwrap();
    let push = ctx.socket(PUSH).unwrap();
    push.set_bindtodevice(Some("lo")).unwrap();
    push.connect(&pull.get_last_endpoint().unwrap().unwrap())
        .unwrap();
    push.send("over lo", 0).unwrap();
    assert_eq!(pull.recv_string(0).unwrap().unwrap(), "over lo");
    // A device that does not exist fails the bind.
    let nowhere = ctx.socket(PULL).unwrap();
    nowhere.set_bindtodevice(Some("no-such-if0")).unwrap();
    assert!(nowhere.bind("tcp://127.0.0.1:*").is_err());
}

#[test]
fn shutdown_fails_blocked_calls_without_waiting() {
    let ctx = Context::new();
    let pull = ctx.socket(PULL).unwrap();
    pull.bind("tcp://127.0.0.1:*").unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let waiter = std::thread::spawn(move || {
        let result = pull.recv_bytes(0);
        // Still open: shutdown must not have waited for this socket to close.
        tx.send(()).unwrap();
        result
    });
    ctx.shutdown().unwrap();
    assert_eq!(waiter.join().unwrap(), Err(Error::ETERM));
    rx.recv().unwrap();
    assert_eq!(ctx.socket(PUSH).err(), Some(Error::ETERM));
}

#[test]
fn a_binding_socket_delivers_its_queue_when_closed() {
    // Closing a socket that binds must not drop what it queued for accepted peers: LINGER
    // (default -1) applies as for connect-side peers.
    let ctx = Context::new();
    let push = ctx.socket(PUSH).unwrap();
    push.set_sndhwm(0).unwrap();
    push.bind("tcp://127.0.0.1:*").unwrap();
    let pull = ctx.socket(PULL).unwrap();
    pull.set_rcvtimeo(TIMEOUT).unwrap();
    pull.connect(&push.get_last_endpoint().unwrap().unwrap())
        .unwrap();
    push.send("first", 0).unwrap();
    assert_eq!(pull.recv_string(0).unwrap().unwrap(), "first");
    // ~18 MB on the wire: more than the kernel's loopback buffers hold, so most of it is
    // still queued in the socket when it closes (the PULL reads only afterwards).
    const N: u64 = 1_000_000;
    for i in 0..N {
        push.send(&(i as u128).to_le_bytes()[..], 0).unwrap();
    }
    drop(push);
    for i in 0..N {
        assert_eq!(pull.recv_bytes(0).unwrap(), (i as u128).to_le_bytes());
    }
}
