//! Resource hygiene (its own test binary: it counts process-wide threads, fds and memory, so
//! nothing else may run beside it): closing sockets and contexts leaves no thread and no fd
//! behind, a peer that never reads cannot make a publisher's memory grow without bound,
//! an unfinished multipart message costs about its own size, and a CONFLATE reader that reads
//! rarely holds one message, whatever its peer sends. The tests take `SERIAL` so that they
//! never run beside each other.

use ferrozmq::*;
use std::io::Write;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Held by every test: each counts process-wide resources.
static SERIAL: Mutex<()> = Mutex::new(());

fn threads() -> usize {
    std::fs::read_dir("/proc/self/task").unwrap().count()
}

fn fds() -> usize {
    std::fs::read_dir("/proc/self/fd").unwrap().count()
}

fn rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap()
}

/// Waits (bounded) for a count to come back to `baseline`; the I/O threads finish closing
/// connections a moment after the sockets' owners move on.
fn settles(what: &str, baseline: usize, count: impl Fn() -> usize) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while count() > baseline {
        assert!(
            Instant::now() < deadline,
            "{what}: {} now, {baseline} before",
            count()
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn closing_leaves_nothing_behind_and_a_non_reader_cannot_grow_memory() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    // Warm up process-wide lazies (std's stdout buffers, the test harness) first.
    drop(Context::new());
    let (thread_base, fd_base) = (threads(), fds());

    for round in 0..3 {
        let ctx = Context::new();
        ctx.set_io_threads(2).unwrap();
        let rep = ctx.socket(REP).unwrap();
        rep.bind("tcp://127.0.0.1:*").unwrap();
        let ipc = ctx.socket(PULL).unwrap();
        ipc.bind(&format!(
            "ipc://@ferrozmq-resources-{}-{round}",
            std::process::id()
        ))
        .unwrap();
        let inproc = ctx.socket(PAIR).unwrap();
        inproc.bind("inproc://resources").unwrap();
        let mut clients = Vec::new();
        for _ in 0..10 {
            let req = ctx.socket(REQ).unwrap();
            req.set_rcvtimeo(5000).unwrap();
            req.connect(&rep.get_last_endpoint().unwrap().unwrap())
                .unwrap();
            clients.push(req);
        }
        rep.set_rcvtimeo(5000).unwrap();
        for req in &clients {
            req.send("ping", 0).unwrap();
            rep.recv_bytes(0).unwrap();
            rep.send("pong", 0).unwrap();
            req.recv_bytes(0).unwrap();
        }
        assert!(threads() > thread_base, "I/O threads run while in use");
        drop(clients);
        drop((rep, ipc, inproc));
        drop(ctx);
        settles("threads", thread_base, threads);
        settles("fds", fd_base, fds);
    }

    // A subscriber that connects and never reads: the publisher drops at its HWM instead of
    // buffering everything sent to it.
    let ctx = Context::new();
    // An XPUB, to know when the subscription has arrived; it drops at the HWM like a PUB.
    let publisher = ctx.socket(XPUB).unwrap();
    publisher.set_sndhwm(100).unwrap();
    publisher.set_rcvtimeo(5000).unwrap();
    publisher.bind("tcp://127.0.0.1:*").unwrap();
    let endpoint = publisher.get_last_endpoint().unwrap().unwrap();
    let mut raw = std::net::TcpStream::connect(endpoint.trim_start_matches("tcp://")).unwrap();
    let mut greeting = vec![0xff, 0, 0, 0, 0, 0, 0, 0, 1, 0x7f, 3, 1];
    greeting.extend_from_slice(b"NULL");
    greeting.resize(64, 0);
    raw.write_all(&greeting).unwrap();
    let mut ready = vec![0x04, 0x19, 0x05];
    ready.extend_from_slice(b"READY\x0bSocket-Type\x00\x00\x00\x03SUB");
    raw.write_all(&ready).unwrap();
    raw.write_all(&[0x04, 0x0a, 0x09]).unwrap();
    raw.write_all(b"SUBSCRIBE").unwrap();
    assert_eq!(publisher.recv_bytes(0).unwrap(), b"\x01");
    let before = rss_kib();
    let payload = vec![7u8; 4096];
    for _ in 0..50_000 {
        publisher.send(&payload[..], 0).unwrap();
    }
    let grown_mib = rss_kib().saturating_sub(before) / 1024;
    // The subscriber was really fed until its buffers filled: well beyond the handshake.
    raw.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let mut received = 0;
    let mut buf = vec![0u8; 1 << 16];
    while received < 1 << 20 {
        received += std::io::Read::read(&mut raw, &mut buf).unwrap();
    }
    // 200 MB were published; the HWM (100 × 4 KiB) plus kernel buffers is what may stay.
    assert!(grown_mib < 64, "memory grew by {grown_mib} MiB");
}

/// A CONFLATE PULL that does not read while a libzmq PUSH sends 256 MiB as fast as it can,
/// then reads slowly: the pipe holds one message (the writer replaces it), so memory stays
/// flat, and every read yields a newer message than the last, ending with the final one.
#[test]
fn a_conflating_reader_holds_one_message_whatever_is_sent() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    const N: u32 = 65_536;
    const SIZE: usize = 4096;
    let ctx = Context::new();
    let pull = ctx.socket(PULL).unwrap();
    pull.set_conflate(true).unwrap();
    pull.set_rcvtimeo(10_000).unwrap();
    pull.bind("tcp://127.0.0.1:*").unwrap();
    let endpoint = pull.get_last_endpoint().unwrap().unwrap();
    let zctx = zmq::Context::new();
    let push = zctx.socket(zmq::PUSH).unwrap();
    push.set_linger(5000).unwrap();
    push.connect(&endpoint).unwrap();
    let numbered = |i: u32| {
        let mut m = vec![0u8; SIZE];
        m[..4].copy_from_slice(&i.to_be_bytes());
        m
    };
    let number = |m: &[u8]| u32::from_be_bytes(m[..4].try_into().unwrap());
    push.send(numbered(0), 0).unwrap();
    assert_eq!(number(&pull.recv_bytes(0).unwrap()), 0);
    let before = rss_kib();
    let sender = std::thread::spawn(move || {
        for i in 1..N {
            push.send(numbered(i), 0).unwrap();
        }
    });
    // All but libzmq's last SNDHWM (1000) of messages have left the PUSH once it returns.
    sender.join().unwrap();
    let mut peak_mib = rss_kib().saturating_sub(before) / 1024;
    let mut last = 0;
    while last != N - 1 {
        let i = number(&pull.recv_bytes(0).unwrap());
        assert!(i > last, "{i} after {last}: the newest each time");
        last = i;
        peak_mib = peak_mib.max(rss_kib().saturating_sub(before) / 1024);
    }
    pull.set_rcvtimeo(100).unwrap();
    assert_eq!(
        pull.recv_bytes(0),
        Err(Error::EAGAIN),
        "nothing after the newest"
    );
    // 256 MiB were sent; one message, read buffers and kernel buffers may stay.
    assert!(peak_mib < 64, "memory grew by {peak_mib} MiB");
}

#[test]
fn an_unfinished_multipart_costs_about_one_byte_per_byte_received() {
    // A raw ZMTP 3.1 PUSH sends 64 frames of 1 MiB with MORE, then a last one; the whole
    // message reaches the socket at once, so while its first part is held every frame is in
    // memory. Each must cost its own size, not the (doubled) read buffer it was read into.
    const FRAMES: usize = 64;
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let ctx = Context::new();
    let pull = ctx.socket(PULL).unwrap();
    pull.set_rcvtimeo(20_000).unwrap();
    pull.bind("tcp://127.0.0.1:*").unwrap();
    let endpoint = pull.get_last_endpoint().unwrap().unwrap();
    let mut raw = std::net::TcpStream::connect(endpoint.trim_start_matches("tcp://")).unwrap();
    let mut greeting = vec![0xff, 0, 0, 0, 0, 0, 0, 0, 1, 0x7f, 3, 1];
    greeting.extend_from_slice(b"NULL");
    greeting.resize(64, 0);
    raw.write_all(&greeting).unwrap();
    let mut ready = vec![0x04, 0x1a, 0x05];
    ready.extend_from_slice(b"READY\x0bSocket-Type\x00\x00\x00\x04PUSH");
    raw.write_all(&ready).unwrap();
    raw.write_all(&[0x00, 0x01, b'x']).unwrap();
    assert_eq!(pull.recv_bytes(0).unwrap(), b"x");

    let before = rss_kib();
    let body = vec![5u8; 1 << 20];
    for i in 0..=FRAMES {
        let flags: u8 = if i < FRAMES { 0x03 } else { 0x02 }; // LONG, MORE unless last
        raw.write_all(&[flags]).unwrap();
        raw.write_all(&(body.len() as u64).to_be_bytes()).unwrap();
        raw.write_all(&body).unwrap();
    }
    let first = pull.recv_msg(0).unwrap();
    assert!(first.get_more());
    let grown_mib = rss_kib().saturating_sub(before) / 1024;
    // 65 MiB arrived; frames pinning their read buffers cost 89 MiB here, about 68 now.
    assert!(
        grown_mib < (FRAMES as u64 + 1) * 6 / 5,
        "65 MiB of frames cost {grown_mib} MiB"
    );
    drop(first);
    let mut parts = 1;
    while pull.get_rcvmore().unwrap() {
        pull.recv_msg(0).unwrap();
        parts += 1;
    }
    assert_eq!(parts, FRAMES + 1);
}
