//! Socket monitors (the ground of libzmq's test_monitor): event sequences on both sides of a
//! connection, with ferrozmq and with libzmq peers, handshake failures, bind failures,
//! reconnect retries, and MONITOR_STOPPED.

use ferrozmq::*;

const TIMEOUT: i32 = 5000;

fn monitored(ctx: &Context, kind: SocketType, name: &str) -> (Socket, Socket) {
    let socket = ctx.socket(kind).unwrap();
    socket.set_rcvtimeo(TIMEOUT).unwrap();
    socket.set_sndtimeo(TIMEOUT).unwrap();
    let endpoint = format!("inproc://monitor-{name}");
    socket.monitor(&endpoint, SocketEvent::ALL as i32).unwrap();
    let events = ctx.socket(PAIR).unwrap();
    events.set_rcvtimeo(TIMEOUT).unwrap();
    events.connect(&endpoint).unwrap();
    (socket, events)
}

fn next(events: &Socket) -> MonitorEvent {
    MonitorEvent::recv(events).expect("a monitor event")
}

fn expect(events: &Socket, wanted: &[SocketEvent]) -> Vec<MonitorEvent> {
    let got: Vec<MonitorEvent> = wanted.iter().map(|_| next(events)).collect();
    let kinds: Vec<SocketEvent> = got.iter().map(|e| e.event).collect();
    assert_eq!(kinds, wanted);
    got
}

#[test]
fn both_sides_of_a_connection_report_their_lifecycle() {
    let ctx = Context::new();
    let (rep, server) = monitored(&ctx, REP, "lifecycle-server");
    rep.bind("tcp://127.0.0.1:*").unwrap();
    let endpoint = rep.get_last_endpoint().unwrap().unwrap();
    let (req, client) = monitored(&ctx, REQ, "lifecycle-client");
    req.connect(&endpoint).unwrap();
    req.send("hi", 0).unwrap();
    rep.recv_bytes(0).unwrap();
    rep.send("ho", 0).unwrap();
    req.recv_bytes(0).unwrap();

    use SocketEvent::*;
    let server_events = expect(&server, &[LISTENING, ACCEPTED, HANDSHAKE_SUCCEEDED]);
    assert!(server_events.iter().all(|e| e.endpoint == endpoint));
    let client_events = expect(&client, &[CONNECT_DELAYED, CONNECTED, HANDSHAKE_SUCCEEDED]);
    assert!(client_events.iter().all(|e| e.endpoint == endpoint));

    drop(req);
    expect(&client, &[MONITOR_STOPPED]);
    expect(&server, &[DISCONNECTED]);
    rep.unbind(&endpoint).unwrap();
    expect(&server, &[CLOSED]);
    drop(rep);
    expect(&server, &[MONITOR_STOPPED]);
}

#[test]
fn libzmq_peers_produce_the_same_events() {
    let ctx = Context::new();
    let z = zmq::Context::new();
    let (router, events) = monitored(&ctx, ROUTER, "libzmq-peer");
    router.bind("tcp://127.0.0.1:*").unwrap();
    let dealer = z.socket(zmq::DEALER).unwrap();
    dealer.set_linger(0).unwrap();
    dealer
        .connect(&router.get_last_endpoint().unwrap().unwrap())
        .unwrap();
    dealer.send("hello", 0).unwrap();
    router.recv_multipart(0).unwrap();
    use SocketEvent::*;
    expect(&events, &[LISTENING, ACCEPTED, HANDSHAKE_SUCCEEDED]);
    drop(dealer);
    expect(&events, &[DISCONNECTED]);
}

#[test]
fn an_incompatible_peer_fails_the_handshake_with_a_protocol_error() {
    let ctx = Context::new();
    let (push, events) = monitored(&ctx, PUSH, "incompatible");
    push.bind("tcp://127.0.0.1:*").unwrap();
    let other = ctx.socket(PUSH).unwrap();
    other.set_linger(0).unwrap();
    other
        .connect(&push.get_last_endpoint().unwrap().unwrap())
        .unwrap();
    use SocketEvent::*;
    expect(&events, &[LISTENING, ACCEPTED]);
    let failed = next(&events);
    assert_eq!(failed.event, HANDSHAKE_FAILED_PROTOCOL);
    // ZMQ_PROTOCOL_ERROR_ZMTP_INVALID_METADATA, as libzmq reports a bad Socket-Type.
    assert_eq!(failed.value, 0x1000_0018);
    expect(&events, &[DISCONNECTED]);
}

#[test]
fn bind_failures_and_connect_retries_are_reported() {
    let ctx = Context::new();
    let taken = ctx.socket(PULL).unwrap();
    taken.bind("tcp://127.0.0.1:*").unwrap();
    let endpoint = taken.get_last_endpoint().unwrap().unwrap();
    let (pull, events) = monitored(&ctx, PULL, "bind-failed");
    assert_eq!(pull.bind(&endpoint), Err(Error::EADDRINUSE));
    let failed = next(&events);
    assert_eq!(failed.event, SocketEvent::BIND_FAILED);
    assert_eq!(failed.value as i32, Error::EADDRINUSE.to_raw());
    drop(taken);

    // Nothing listens on a freshly released port: the connect is refused and retried.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let (push, events) = monitored(&ctx, PUSH, "retry");
    push.set_reconnect_ivl(10).unwrap();
    push.connect(&format!("tcp://127.0.0.1:{port}")).unwrap();
    use SocketEvent::*;
    expect(&events, &[CONNECT_DELAYED, CLOSED]);
    // The value is the wait actually used, as libzmq reports it: RECONNECT_IVL plus a
    // jitter below RECONNECT_IVL.
    let retried = next(&events);
    assert_eq!(retried.event, CONNECT_RETRIED);
    assert!((10..20).contains(&retried.value), "{}", retried.value);
}

#[test]
fn monitors_need_an_inproc_endpoint_and_can_be_stopped() {
    let ctx = Context::new();
    let s = ctx.socket(PULL).unwrap();
    assert_eq!(
        s.monitor("tcp://127.0.0.1:9", SocketEvent::ALL as i32),
        Err(Error::EPROTONOSUPPORT)
    );
    let (_s, events) = monitored(&ctx, PULL, "stop");
    _s.monitor("", 0).unwrap();
    assert_eq!(next(&events).event, SocketEvent::MONITOR_STOPPED);
}

/// libzmq's `ipc_listener_t::close` reports CLOSE_FAILED (errno) instead of CLOSED when the
/// socket file cannot be removed; it removes only the files of `ipc://*` binds (pyzmq's
/// 4.3.5 reports CLOSE_FAILED ENOENT for one removed under it), ferrozmq every file it made.
#[test]
fn close_failed_when_the_ipc_file_cannot_be_removed() {
    let ctx = Context::new();
    let dir = std::env::temp_dir();
    let pid = std::process::id();
    for (name, vanish) in [("kept", false), ("gone", true)] {
        let path = dir.join(format!("fzq-close-failed-{pid}-{name}.ipc"));
        let endpoint = format!("ipc://{}", path.display());
        let (pull, events) = monitored(&ctx, PULL, &format!("close-failed-{name}"));
        pull.bind(&endpoint).unwrap();
        assert_eq!(next(&events).event, SocketEvent::LISTENING);
        if vanish {
            // Someone else removed the socket file: the close cannot remove it (ENOENT).
            std::fs::remove_file(&path).unwrap();
        }
        pull.unbind(&endpoint).unwrap();
        let event = next(&events);
        assert_eq!(event.endpoint, endpoint);
        if vanish {
            assert_eq!(event.event, SocketEvent::CLOSE_FAILED);
            assert_eq!(event.value, 2, "ENOENT");
        } else {
            assert_eq!(event.event, SocketEvent::CLOSED);
            assert!(!path.exists(), "the socket file is removed");
        }
    }
}
