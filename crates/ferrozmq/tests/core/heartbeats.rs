//! ZMTP heartbeats (the ground of libzmq's test_heartbeats): a peer that completes its
//! handshake and then goes silent is dropped after HEARTBEAT_TIMEOUT, a peer's PING TTL is
//! honoured, and heartbeating with real libzmq in both directions keeps a live connection up.
//! Also the handshake's own timer: a slow-loris greeting is cut off at HANDSHAKE_IVL.

use ferrozmq::*;
use ferrozmq_zmtp::{Engine, EngineConfig, Outgoing};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

const TIMEOUT: i32 = 5000;

fn monitored(ctx: &Context, socket: &Socket, name: &str) -> Socket {
    let endpoint = format!("inproc://heartbeat-{name}");
    socket.monitor(&endpoint, SocketEvent::ALL as i32).unwrap();
    let events = ctx.socket(PAIR).unwrap();
    events.set_rcvtimeo(TIMEOUT).unwrap();
    events.connect(&endpoint).unwrap();
    events
}

fn wait_for(events: &Socket, wanted: SocketEvent) -> MonitorEvent {
    loop {
        let event = MonitorEvent::recv(events).expect("monitor event before the timeout");
        if event.event == wanted {
            return event;
        }
    }
}

/// A raw peer that completes a ZMTP handshake as `kind` and then, if `silent`, never reads
/// or writes again (so PINGs go unanswered).
fn handshake(endpoint: &str, kind: ferrozmq_zmtp::SocketType) -> TcpStream {
    let mut stream = TcpStream::connect(endpoint.trim_start_matches("tcp://")).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let mut engine = Engine::new(EngineConfig::new(kind));
    let deadline = Instant::now() + Duration::from_secs(5);
    while !engine.is_ready() {
        assert!(Instant::now() < deadline, "handshake did not complete");
        let mut out = Vec::new();
        engine.take_output(&mut out);
        stream.write_all(&out).unwrap();
        let mut buf = [0u8; 512];
        let n = stream.read(&mut buf).unwrap();
        assert!(n > 0, "closed during the handshake");
        engine.handle_input(&buf[..n]);
        while engine.poll_event().unwrap().is_some() {}
    }
    let mut out = Vec::new();
    engine.take_output(&mut out);
    stream.write_all(&out).unwrap();
    stream
}

#[test]
fn a_silent_peer_is_dropped_after_the_heartbeat_timeout() {
    let ctx = Context::new();
    let router = ctx.socket(ROUTER).unwrap();
    router.set_heartbeat_ivl(50).unwrap();
    router.set_heartbeat_timeout(200).unwrap();
    let events = monitored(&ctx, &router, "silent");
    router.bind("tcp://127.0.0.1:*").unwrap();
    let endpoint = router.get_last_endpoint().unwrap().unwrap();
    let start = Instant::now();
    let _silent = handshake(&endpoint, ferrozmq_zmtp::SocketType::DEALER);
    wait_for(&events, SocketEvent::HANDSHAKE_SUCCEEDED);
    wait_for(&events, SocketEvent::DISCONNECTED);
    assert!(
        start.elapsed() >= Duration::from_millis(200),
        "dropped before the timeout"
    );
}

#[test]
fn a_peer_ping_ttl_is_honoured() {
    let ctx = Context::new();
    let router = ctx.socket(ROUTER).unwrap();
    let events = monitored(&ctx, &router, "ttl");
    router.bind("tcp://127.0.0.1:*").unwrap();
    let endpoint = router.get_last_endpoint().unwrap().unwrap();
    let mut peer = handshake(&endpoint, ferrozmq_zmtp::SocketType::DEALER);
    wait_for(&events, SocketEvent::HANDSHAKE_SUCCEEDED);
    // PING with TTL 2 deciseconds, then silence: the router may give up after 200 ms.
    let mut ping = Vec::new();
    Engine::new(EngineConfig::new(ferrozmq_zmtp::SocketType::DEALER)).encode(
        Outgoing::Ping {
            ttl: 2,
            context: b"",
        },
        &mut ping,
    );
    let start = Instant::now();
    peer.write_all(&ping).unwrap();
    wait_for(&events, SocketEvent::DISCONNECTED);
    assert!(start.elapsed() >= Duration::from_millis(150));
}

/// A TCP relay between a client and `upstream` that reports, on the returned channel, each
/// PING command that passes (the direction: true = client to upstream). A PING is a command
/// frame whose body starts with the name: `0x04 size 0x04 "PING"`.
fn ping_counting_relay(upstream: &str) -> (String, std::sync::mpsc::Receiver<bool>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = format!("tcp://{}", listener.local_addr().unwrap());
    let upstream = upstream.trim_start_matches("tcp://").to_string();
    let (pings, seen) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let Ok((client, _)) = listener.accept() else {
            return;
        };
        let Ok(server) = TcpStream::connect(&upstream) else {
            return;
        };
        let pump = |mut from: TcpStream, mut to: TcpStream, outbound: bool| {
            let pings = pings.clone();
            std::thread::spawn(move || {
                let mut buf = [0u8; 4096];
                // The last bytes of the previous read, so a PING split across reads counts.
                let mut tail: Vec<u8> = Vec::new();
                while let Ok(n) = from.read(&mut buf) {
                    if n == 0 || to.write_all(&buf[..n]).is_err() {
                        break;
                    }
                    tail.extend_from_slice(&buf[..n]);
                    let found = tail
                        .windows(7)
                        .filter(|w| w[0] == 0x04 && &w[2..] == b"\x04PING")
                        .count();
                    for _ in 0..found {
                        let _ = pings.send(outbound);
                    }
                    let keep = tail.len().min(6);
                    tail.drain(..tail.len() - keep);
                }
            });
        };
        pump(
            client.try_clone().unwrap(),
            server.try_clone().unwrap(),
            true,
        );
        pump(server, client, false);
    });
    (address, seen)
}

#[test]
fn heartbeats_with_libzmq_keep_a_live_connection_up() {
    let ctx = Context::new();
    let z = zmq::Context::new();
    let zrouter = z.socket(zmq::ROUTER).unwrap();
    // Pings every 50 ms both ways; the timeouts are generous, so that only a connection that
    // really stopped heartbeating (not a slow machine) is dropped.
    zrouter.set_heartbeat_ivl(50).unwrap();
    zrouter.set_heartbeat_timeout(3000).unwrap();
    zrouter.set_rcvtimeo(TIMEOUT).unwrap();
    zrouter.bind("tcp://127.0.0.1:*").unwrap();
    let (relay, pings) = ping_counting_relay(&zrouter.get_last_endpoint().unwrap().unwrap());
    let dealer = ctx.socket(DEALER).unwrap();
    dealer.set_heartbeat_ivl(50).unwrap();
    dealer.set_heartbeat_timeout(3000).unwrap();
    dealer.set_heartbeat_ttl(5000).unwrap();
    dealer.set_rcvtimeo(TIMEOUT).unwrap();
    let events = monitored(&ctx, &dealer, "libzmq");
    dealer.connect(&relay).unwrap();
    wait_for(&events, SocketEvent::HANDSHAKE_SUCCEEDED);
    // Five PINGs each way prove both sides heartbeat (and that the other answered: a peer
    // that got no traffic for the timeout would have closed the connection).
    let (mut ours, mut theirs) = (0, 0);
    while ours < 5 || theirs < 5 {
        match pings.recv_timeout(Duration::from_secs(5)) {
            Ok(true) => ours += 1,
            Ok(false) => theirs += 1,
            Err(_) => panic!("PINGs seen: {ours} from ferrozmq, {theirs} from libzmq"),
        }
    }
    dealer.send("still here", 0).unwrap();
    let frames = zrouter.recv_multipart(0).unwrap();
    assert_eq!(frames[1], b"still here");
    zrouter.send_multipart(&frames, 0).unwrap();
    assert_eq!(dealer.recv_string(0).unwrap().unwrap(), "still here");
    events.set_rcvtimeo(0).unwrap();
    while let Ok(event) = MonitorEvent::recv(&events) {
        assert_ne!(event.event, SocketEvent::DISCONNECTED, "a false timeout");
    }
}

#[test]
fn a_slow_loris_greeting_is_cut_off_at_the_handshake_interval() {
    let ctx = Context::new();
    let pull = ctx.socket(PULL).unwrap();
    pull.set_handshake_ivl(300).unwrap();
    pull.set_rcvtimeo(TIMEOUT).unwrap();
    let events = monitored(&ctx, &pull, "slow-loris");
    pull.bind("tcp://127.0.0.1:*").unwrap();
    let endpoint = pull.get_last_endpoint().unwrap().unwrap();
    let mut loris = TcpStream::connect(endpoint.trim_start_matches("tcp://")).unwrap();
    let start = Instant::now();
    // A good peer is served while the slow one dribbles its greeting.
    let push = ctx.socket(PUSH).unwrap();
    push.connect(&endpoint).unwrap();
    let greeting = [0xffu8, 0, 0, 0, 0, 0, 0, 0, 1, 0x7f, 3, 1];
    for byte in greeting {
        if loris.write_all(&[byte]).is_err() {
            break; // already cut off
        }
        push.send("meanwhile", 0).unwrap();
        assert_eq!(pull.recv_string(0).unwrap().unwrap(), "meanwhile");
        std::thread::sleep(Duration::from_millis(50));
    }
    let failed = wait_for(&events, SocketEvent::HANDSHAKE_FAILED_NO_DETAIL);
    assert_eq!(failed.value as i32, libc::ETIMEDOUT);
    assert!(start.elapsed() >= Duration::from_millis(300));
}
