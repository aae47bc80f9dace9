//! Robustness: hostile raw TCP peers (plain `std::net::TcpStream`, ZMTP bytes built by hand)
//! against a ferrozmq PULL, REP or PUSH that also serves a well-behaved ferrozmq peer.
//!
//! Covered: (a) garbage instead of a greeting; (b) frame headers claiming 2^62 bytes or more,
//! and MAXMSGSIZE exceeded; (c) READY announcing an incompatible socket type; (d) peers that
//! stall mid-greeting (HANDSHAKE_IVL), mid-frame or mid-message, or dribble one byte at a time;
//! (e) truncated READY, malformed metadata and other commands out of place; (f) 1,000 connections
//! opened and dropped; (g) a listener that breaks the protocol, which is not dialled again. In
//! every case the hostile connection is closed within a bound (except a
//! stall after a valid handshake, which may stay open), nothing the peer sent is delivered
//! unless it was a whole valid message, no thread panics (a panic hook counts them), file
//! descriptors are not leaked, and the good peer's messages keep flowing before, during and
//! after the attack. A baseline test first checks the raw helpers against ferrozmq's own bytes.
//!
//! Tests here run one at a time (`crate::alone`, which every test of this binary takes): they
//! count the process's panics and open fds.

use crate::common::*;
use ferrozmq::{Context, Error, Socket, SocketType, DONTWAIT, PULL, PUSH, REP, REQ};
use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Once;
use std::time::{Duration, Instant};

/// How long ferrozmq may take to close a connection it should refuse.
const CLOSE_WITHIN: Duration = Duration::from_secs(5);

static PANICS: AtomicUsize = AtomicUsize::new(0);
static HOOK: Once = Once::new();

/// Runs one robustness test: alone, bounded in time, and failing if any thread of the
/// process (an I/O thread, say) panicked while it ran.
fn hostile<F: FnOnce() + Send + 'static>(body: F) {
    HOOK.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            PANICS.fetch_add(1, Ordering::SeqCst);
            default(info);
        }));
    });
    bounded(move || {
        let _alone = crate::alone();
        let before = PANICS.load(Ordering::SeqCst);
        body();
        assert_eq!(
            PANICS.load(Ordering::SeqCst),
            before,
            "a thread panicked during the test (see its message above)"
        );
    });
}

// ---------------------------------------------------------------------------------------------
// ZMTP bytes by hand (libzmq-facts §5.1-5.3).

/// A ZMTP 3.1 NULL greeting.
fn greeting() -> Vec<u8> {
    let mut g = vec![0xff, 0, 0, 0, 0, 0, 0, 0, 0x01, 0x7f, 0x03, 0x01];
    let mut mechanism = [0u8; 20];
    mechanism[..4].copy_from_slice(b"NULL");
    g.extend_from_slice(&mechanism);
    g.push(0); // as-server
    g.extend_from_slice(&[0u8; 31]);
    assert_eq!(g.len(), 64);
    g
}

/// A greeting with another mechanism name.
fn greeting_with_mechanism(name: &[u8]) -> Vec<u8> {
    let mut g = greeting();
    g[12..32].fill(0);
    g[12..12 + name.len()].copy_from_slice(name);
    g
}

/// A command frame around `body` (short or long form by size).
fn command(body: &[u8]) -> Vec<u8> {
    let mut c = Vec::with_capacity(body.len() + 9);
    if body.len() <= 255 {
        c.push(0x04);
        c.push(body.len() as u8);
    } else {
        c.push(0x06);
        c.extend_from_slice(&(body.len() as u64).to_be_bytes());
    }
    c.extend_from_slice(body);
    c
}

/// The body of a READY command with these properties.
fn ready_body(props: &[(&str, &[u8])]) -> Vec<u8> {
    let mut b = vec![5];
    b.extend_from_slice(b"READY");
    for (name, value) in props {
        b.push(name.len() as u8);
        b.extend_from_slice(name.as_bytes());
        b.extend_from_slice(&(value.len() as u32).to_be_bytes());
        b.extend_from_slice(value);
    }
    b
}

/// READY announcing `socket_type`.
fn ready(socket_type: &str) -> Vec<u8> {
    command(&ready_body(&[("Socket-Type", socket_type.as_bytes())]))
}

/// One data frame (LONG form iff the body is over 255 bytes, as libzmq encodes).
fn frame(more: bool, body: &[u8]) -> Vec<u8> {
    let mut f = Vec::with_capacity(body.len() + 9);
    let flags = u8::from(more);
    if body.len() <= 255 {
        f.push(flags);
        f.push(body.len() as u8);
    } else {
        f.push(flags | 0x02);
        f.extend_from_slice(&(body.len() as u64).to_be_bytes());
    }
    f.extend_from_slice(body);
    f
}

/// A whole message.
fn message(parts: &[&[u8]]) -> Vec<u8> {
    let mut m = Vec::new();
    for (i, p) in parts.iter().enumerate() {
        m.extend(frame(i + 1 < parts.len(), p));
    }
    m
}

/// A frame header in LONG form claiming `size` bytes.
fn long_header(flags: u8, size: u64) -> Vec<u8> {
    let mut h = vec![flags | 0x02];
    h.extend_from_slice(&size.to_be_bytes());
    h
}

/// Deterministic pseudo-random bytes (xorshift).
fn noise(seed: u64, n: usize) -> Vec<u8> {
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect()
}

/// A raw TCP client.
struct Raw {
    stream: TcpStream,
}

impl Raw {
    fn connect(port: u16) -> Raw {
        let stream = TcpStream::connect(("127.0.0.1", port)).expect("raw connect");
        stream.set_nodelay(true).unwrap();
        stream.set_read_timeout(Some(CLOSE_WITHIN)).unwrap();
        Raw { stream }
    }

    /// Writes `bytes`; false if the peer already closed (which is fine for hostile bytes).
    fn send(&mut self, bytes: &[u8]) -> bool {
        self.stream.write_all(bytes).is_ok()
    }

    /// Sends a NULL greeting and READY for `socket_type`.
    fn handshake(&mut self, socket_type: &str) {
        assert!(self.send(&greeting()), "greeting");
        assert!(self.send(&ready(socket_type)), "READY");
    }

    fn read_exact(&mut self, n: usize) -> Vec<u8> {
        let mut buf = vec![0u8; n];
        self.stream
            .read_exact(&mut buf)
            .unwrap_or_else(|e| panic!("reading {n} bytes from ferrozmq: {e}"));
        buf
    }

    /// Reads ferrozmq's greeting and READY; returns READY's properties.
    fn read_handshake(&mut self) -> (Vec<u8>, Vec<(String, Vec<u8>)>) {
        let greeting = self.read_exact(64);
        let head = self.read_exact(2);
        assert_eq!(head[0], 0x04, "READY is a short command frame");
        let body = self.read_exact(head[1] as usize);
        assert_eq!(&body[..6], b"\x05READY");
        let mut props = Vec::new();
        let mut rest = &body[6..];
        while !rest.is_empty() {
            let name_len = rest[0] as usize;
            let name = String::from_utf8(rest[1..1 + name_len].to_vec()).unwrap();
            rest = &rest[1 + name_len..];
            let value_len = u32::from_be_bytes(rest[..4].try_into().unwrap()) as usize;
            props.push((name, rest[4..4 + value_len].to_vec()));
            rest = &rest[4 + value_len..];
        }
        (greeting, props)
    }

    /// Waits for ferrozmq to close the connection: EOF or reset within CLOSE_WITHIN.
    fn expect_closed(&mut self, what: &str) {
        let t0 = Instant::now();
        let mut buf = [0u8; 4096];
        loop {
            match self.stream.read(&mut buf) {
                Ok(0) => return,
                Ok(_) => {}
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                    panic!("{what}: ferrozmq did not close the connection within {CLOSE_WITHIN:?}")
                }
                Err(_) => return, // reset: closed
            }
            assert!(
                t0.elapsed() < CLOSE_WITHIN * 2,
                "{what}: ferrozmq keeps sending"
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The socket under attack and its well-behaved peer.

#[derive(Clone, Copy, Debug, PartialEq)]
enum Kind {
    /// Our PULL, fed by a good ferrozmq PUSH; the raw peer poses as a PUSH.
    Pull,
    /// Our REP, asked by a good ferrozmq REQ; the raw peer poses as a REQ.
    Rep,
    /// Our PUSH, feeding a good ferrozmq PULL.
    Push,
}

impl Kind {
    fn types(self) -> (SocketType, SocketType) {
        match self {
            Kind::Pull => (PULL, PUSH),
            Kind::Rep => (REP, REQ),
            Kind::Push => (PUSH, PULL),
        }
    }

    /// The Socket-Type a compatible raw peer announces.
    fn raw_type(self) -> &'static str {
        match self {
            Kind::Pull => "PUSH",
            Kind::Rep => "REQ",
            Kind::Push => "PULL",
        }
    }
}

struct Target {
    kind: Kind,
    sock: Socket,
    good: Socket,
    port: u16,
    round: usize,
    // Dropped last.
    _ctx: Context,
}

impl Target {
    fn new(kind: Kind) -> Target {
        Target::with(kind, |_| {})
    }

    /// A bound target (options set by `configure` first) with its good peer connected and
    /// a few good rounds done.
    fn with(kind: Kind, configure: impl FnOnce(&Socket)) -> Target {
        let ctx = Context::new();
        let (ty, good_ty) = kind.types();
        let sock = ours(&ctx, ty);
        configure(&sock);
        sock.bind("tcp://127.0.0.1:*").unwrap();
        let ep = last_ep(&sock);
        let port = ep.rsplit(':').next().unwrap().parse().unwrap();
        let good = ours(&ctx, good_ty);
        good.connect(&ep).unwrap();
        let mut t = Target {
            kind,
            sock,
            good,
            port,
            round: 0,
            _ctx: ctx,
        };
        t.rounds(3);
        t
    }

    fn raw(&self) -> Raw {
        Raw::connect(self.port)
    }

    /// `n` exchanges with the good peer; each must succeed.
    fn rounds(&mut self, n: usize) {
        for _ in 0..n {
            self.round += 1;
            let tag = format!("good-{}", self.round);
            let fail = |e: Error| -> ! { panic!("good peer, {tag}: {e:?}") };
            match self.kind {
                Kind::Pull => {
                    self.good.send(tag.as_str(), 0).unwrap_or_else(|e| fail(e));
                    let got = self.sock.recv_bytes(0).unwrap_or_else(|e| fail(e));
                    assert_eq!(got, tag.as_bytes(), "the PULL got something else");
                }
                Kind::Rep => {
                    self.good.send(tag.as_str(), 0).unwrap_or_else(|e| fail(e));
                    let got = self.sock.recv_bytes(0).unwrap_or_else(|e| fail(e));
                    assert_eq!(got, tag.as_bytes(), "the REP got something else");
                    self.sock.send(tag.as_str(), 0).unwrap_or_else(|e| fail(e));
                    let reply = self.good.recv_bytes(0).unwrap_or_else(|e| fail(e));
                    assert_eq!(reply, tag.as_bytes());
                }
                Kind::Push => {
                    self.sock.send(tag.as_str(), 0).unwrap_or_else(|e| fail(e));
                    let got = self.good.recv_bytes(0).unwrap_or_else(|e| fail(e));
                    assert_eq!(got, tag.as_bytes(), "round-robin reached someone else");
                }
            }
        }
    }

    /// The raw peer (already through its handshake) sends one valid message, which the target
    /// must deliver — proof that everything the raw peer sent so far was well-formed.
    fn raw_valid_message(&mut self, raw: &mut Raw, body: &[u8]) {
        match self.kind {
            Kind::Pull => {
                assert!(raw.send(&frame(false, body)));
                assert_eq!(
                    self.sock.recv_bytes(0).expect("raw peer's valid message"),
                    body
                );
            }
            Kind::Rep => {
                assert!(raw.send(&message(&[b"", body])));
                assert_eq!(
                    self.sock.recv_bytes(0).expect("raw peer's valid request"),
                    body
                );
                self.sock.send("ack", 0).unwrap();
            }
            Kind::Push => panic!("a PUSH receives nothing"),
        }
    }

    /// Nothing but the good peer's messages was delivered.
    fn nothing_else_delivered(&self) {
        let s = match self.kind {
            Kind::Pull | Kind::Rep => &self.sock,
            Kind::Push => &self.good,
        };
        assert_eq!(
            s.recv_msg(DONTWAIT).map(|m| m.to_vec()),
            Err(Error::EAGAIN),
            "something from the hostile peer was delivered"
        );
    }

    /// Runs the hostile `bytes` on a fresh raw connection (after `prelude`), checks the
    /// connection is closed, and that the good peer is served before, during and after.
    fn refuses(&mut self, prelude: &[u8], bytes: &[u8], what: &str) {
        let mut raw = self.raw();
        raw.send(prelude);
        raw.send(bytes);
        self.rounds(2);
        raw.expect_closed(what);
        self.rounds(2);
        self.nothing_else_delivered();
    }
}

// ---------------------------------------------------------------------------------------------
// Baseline: the raw helpers speak correct ZMTP (so refusals below are about the hostile part).

#[test]
fn raw_peer_baseline_pull() {
    hostile(|| {
        let mut t = Target::new(Kind::Pull);
        let mut raw = t.raw();
        raw.handshake("PUSH");
        let (theirs, props) = raw.read_handshake();
        assert_eq!(theirs[0], 0xff);
        assert_eq!(theirs[9], 0x7f);
        assert_eq!(&theirs[10..12], &[3, 1], "ZMTP 3.1");
        assert_eq!(&theirs[12..32], &greeting_with_mechanism(b"NULL")[12..32]);
        assert_eq!(theirs[32], 0, "as-server is 0 with NULL");
        assert_eq!(props, vec![("Socket-Type".to_string(), b"PULL".to_vec())]);

        t.raw_valid_message(&mut raw, b"raw-hello");
        // Multipart, a LONG frame, and a LONG header on a small frame (legal).
        assert!(raw.send(&message(&[b"a", b"", &payload(300, 3)])));
        assert_eq!(
            recv_frames(&t.sock).unwrap(),
            vec![b"a".to_vec(), vec![], payload(300, 3)]
        );
        let mut small_long = long_header(0, 5);
        small_long.extend_from_slice(b"small");
        assert!(raw.send(&small_long));
        assert_eq!(t.sock.recv_bytes(0).unwrap(), b"small");
        // A READY with a LONG command header is legal too (on a second connection).
        let mut raw2 = t.raw();
        assert!(raw2.send(&greeting()));
        let body = ready_body(&[("Socket-Type", b"PUSH")]);
        let mut long_ready = long_header(0x04, body.len() as u64);
        long_ready.extend_from_slice(&body);
        assert!(raw2.send(&long_ready));
        t.raw_valid_message(&mut raw2, b"via long READY");
        t.rounds(2);
    });
}

#[test]
fn raw_peer_baseline_rep_wire_format() {
    hostile(|| {
        let mut t = Target::new(Kind::Rep);
        let mut raw = t.raw();
        raw.handshake("REQ");
        let (_, props) = raw.read_handshake();
        assert_eq!(props, vec![("Socket-Type".to_string(), b"REP".to_vec())]);
        assert!(raw.send(&message(&[b"", b"hi"])));
        assert_eq!(t.sock.recv_bytes(0).unwrap(), b"hi");
        t.sock.send("ho", 0).unwrap();
        assert_eq!(
            raw.read_exact(6),
            vec![0x01, 0x00, 0x00, 0x02, b'h', b'o'],
            "reply = empty delimiter frame (MORE) + body"
        );
        t.rounds(2);
    });
}

// ---------------------------------------------------------------------------------------------
// (a) Garbage instead of a greeting.

fn garbage_payloads() -> Vec<(String, Vec<u8>)> {
    let mut v = vec![
        (
            "HTTP request".to_string(),
            b"GET / HTTP/1.1\r\nHost: x\r\n\r\n".to_vec(),
        ),
        ("zeros".to_string(), vec![0u8; 100]),
        ("0xff bytes".to_string(), vec![0xffu8; 100]),
        (
            "CURVE greeting to a NULL socket".to_string(),
            greeting_with_mechanism(b"CURVE"),
        ),
        (
            "unknown mechanism".to_string(),
            greeting_with_mechanism(b"BOGUS"),
        ),
        (
            "signature then noise".to_string(),
            [&greeting()[..11], &noise(99, 200)[..]].concat(),
        ),
    ];
    for seed in 1..=6 {
        v.push((format!("noise seed {seed}"), noise(seed, 300)));
    }
    v
}

#[test]
fn a_garbage_instead_of_greeting() {
    hostile(|| {
        for kind in [Kind::Pull, Kind::Rep, Kind::Push] {
            let mut t = Target::new(kind);
            for (what, bytes) in garbage_payloads() {
                t.refuses(&[], &bytes, &format!("{kind:?}: {what}"));
            }
        }
    });
}

// ---------------------------------------------------------------------------------------------
// (b) Frames larger than anything allocatable, and MAXMSGSIZE.

/// Sends a valid message, then `header` and 64 KiB of noise: the connection must close.
fn huge_header_is_refused(kind: Kind, header: &[u8], what: &str) {
    let mut t = Target::new(kind);
    let mut raw = t.raw();
    raw.handshake(kind.raw_type());
    t.raw_valid_message(&mut raw, b"valid first");
    raw.send(header);
    raw.send(&noise(7, 64 * 1024));
    t.rounds(2);
    raw.expect_closed(&format!("{kind:?}: {what}"));
    t.rounds(2);
    t.nothing_else_delivered();
}

#[test]
fn b_frame_sizes_over_2_pow_63_close_the_connection() {
    hostile(|| {
        for kind in [Kind::Pull, Kind::Rep] {
            for (what, header) in [
                (
                    "data frame of 2^63 bytes (illegal size)",
                    long_header(0, 1 << 63),
                ),
                ("data frame of 2^64-1 bytes", long_header(0, u64::MAX)),
                ("command of 2^64-1 bytes", long_header(0x04, u64::MAX)),
            ] {
                huge_header_is_refused(kind, &header, what);
            }
        }
    });
}

#[test]
fn b_frame_of_2_pow_62_bytes_closes_the_connection() {
    hostile(|| {
        for kind in [Kind::Pull, Kind::Rep] {
            for (what, header) in [
                ("data frame of 2^62 bytes", long_header(0, 1 << 62)),
                ("data frame (MORE) of 2^62 bytes", long_header(1, 1 << 62)),
                ("command of 2^62 bytes", long_header(0x04, 1 << 62)),
            ] {
                huge_header_is_refused(kind, &header, what);
            }
        }
    });
}

#[test]
fn b_maxmsgsize_is_enforced_per_frame() {
    hostile(|| {
        let mut t = Target::with(Kind::Pull, |s| s.set_maxmsgsize(1000).unwrap());
        assert_eq!(t.sock.get_maxmsgsize().unwrap(), 1000);

        let mut raw = t.raw();
        raw.handshake("PUSH");
        assert!(raw.send(&frame(false, &payload(1000, 1))));
        assert_eq!(
            t.sock.recv_bytes(0).unwrap(),
            payload(1000, 1),
            "exactly MAXMSGSIZE is allowed"
        );
        raw.send(&frame(false, &payload(2000, 2)));
        t.rounds(2);
        raw.expect_closed("2000-byte frame with MAXMSGSIZE 1000");
        t.rounds(2);
        t.nothing_else_delivered();

        // The first frame of a message is fine, the second too big: none of it is delivered.
        let mut raw = t.raw();
        raw.handshake("PUSH");
        raw.send(&frame(true, &payload(999, 3)));
        raw.send(&frame(false, &payload(1001, 4)));
        raw.expect_closed("second frame over MAXMSGSIZE");
        t.rounds(2);
        t.nothing_else_delivered();

        // The header alone (LONG form, no body yet) is enough to refuse.
        let mut raw = t.raw();
        raw.handshake("PUSH");
        raw.send(&long_header(0, 1_000_000));
        raw.expect_closed("header announcing 1 MB with MAXMSGSIZE 1000");
        t.rounds(2);
    });
}

#[test]
fn b_maxmultipartsize_drops_a_peer_sending_more_forever() {
    hostile(|| {
        let mut t = Target::with(Kind::Pull, |s| s.set_maxmultipartsize(10_000).unwrap());
        assert_eq!(t.sock.get_maxmultipartsize().unwrap(), 10_000);

        // A whole message of exactly the bound is delivered.
        let mut raw = t.raw();
        raw.handshake("PUSH");
        for i in 0..9 {
            assert!(raw.send(&frame(true, &payload(1000, i))));
        }
        assert!(raw.send(&frame(false, &payload(1000, 9))));
        let parts = recv_frames(&t.sock).unwrap();
        assert_eq!(parts.len(), 10, "a 10,000-byte message is within the bound");
        t.rounds(2);

        // MORE frames past the bound: the peer is dropped, others keep being served.
        let mut raw = t.raw();
        raw.handshake("PUSH");
        for i in 0..20 {
            if !raw.send(&frame(true, &payload(1000, i))) {
                break;
            }
        }
        raw.expect_closed("MORE frames past MAXMULTIPARTSIZE");
        t.rounds(2);
        t.nothing_else_delivered();
    });
}

// ---------------------------------------------------------------------------------------------
// (c) Incompatible socket types.

#[test]
fn c_incompatible_socket_types_are_refused() {
    hostile(|| {
        let cases: [(Kind, &[&str]); 3] = [
            (
                Kind::Pull,
                &["PUB", "PULL", "REQ", "PAIR", "", "push", "NOT-A-TYPE"],
            ),
            (Kind::Rep, &["ROUTER", "REP", "PUSH", "PAIR"]),
            (Kind::Push, &["PUSH", "SUB", "REP"]),
        ];
        for (kind, types) in cases {
            let mut t = Target::new(kind);
            for ty in types {
                // A message right after READY must not be delivered either.
                let evil = match kind {
                    Kind::Rep => message(&[b"", b"evil"]),
                    _ => frame(false, b"evil"),
                };
                t.refuses(
                    &greeting(),
                    &[ready(ty), evil].concat(),
                    &format!("{kind:?} vs Socket-Type {ty:?}"),
                );
            }
        }
    });
}

// ---------------------------------------------------------------------------------------------
// (d) Peers that stall or dribble.

#[test]
fn d_stall_mid_greeting_is_dropped_after_handshake_ivl() {
    hostile(|| {
        let mut t = Target::with(Kind::Pull, |s| s.set_handshake_ivl(500).unwrap());
        assert_eq!(t.sock.get_handshake_ivl().unwrap(), 500);
        for (what, bytes) in [
            ("nothing at all", Vec::new()),
            ("half a signature", greeting()[..5].to_vec()),
            ("greeting without READY", greeting()),
            (
                "greeting and half a READY",
                [&greeting()[..], &ready("PUSH")[..10]].concat(),
            ),
        ] {
            let mut raw = t.raw();
            raw.send(&bytes);
            t.rounds(2);
            raw.expect_closed(&format!("handshake stalled: {what}"));
            t.rounds(1);
        }
    });
}

#[test]
fn d_stall_mid_frame_keeps_serving_others() {
    hostile(|| {
        for kind in [Kind::Pull, Kind::Rep] {
            let mut t = Target::new(kind);
            let mut raw = t.raw();
            raw.handshake(kind.raw_type());
            t.raw_valid_message(&mut raw, b"before the stall");

            let body = payload(100, 9);
            let whole = match kind {
                Kind::Rep => message(&[b"", &body]),
                _ => frame(false, &body),
            };
            let cut = whole.len() - 50;
            assert!(raw.send(&whole[..cut]));
            t.rounds(10);
            // The peer resumes: the frame completes and is delivered whole.
            assert!(raw.send(&whole[cut..]));
            assert_eq!(
                t.sock.recv_bytes(0).unwrap(),
                body,
                "{kind:?}: completed frame"
            );
            if kind == Kind::Rep {
                t.sock.send("ack", 0).unwrap();
            }
            t.rounds(2);

            // Stall again and vanish: nothing half-received is delivered.
            assert!(raw.send(&whole[..cut]));
            t.rounds(2);
            drop(raw);
            t.rounds(2);
            t.nothing_else_delivered();
        }
    });
}

#[test]
fn d_stall_mid_message_does_not_block_other_peers() {
    hostile(|| {
        let mut t = Target::new(Kind::Pull);
        let mut raw = t.raw();
        raw.handshake("PUSH");
        assert!(raw.send(&frame(true, b"part-1")));
        assert!(raw.send(&frame(true, b"part-2")));
        t.rounds(10);
        t.nothing_else_delivered();
        assert!(raw.send(&frame(false, b"part-3")));
        assert_eq!(
            recv_frames(&t.sock).unwrap(),
            vec![b"part-1".to_vec(), b"part-2".to_vec(), b"part-3".to_vec()]
        );
        // Vanishing mid-message delivers none of it.
        assert!(raw.send(&frame(true, b"orphan")));
        t.rounds(2);
        drop(raw);
        t.rounds(2);
        t.nothing_else_delivered();
    });
}

#[test]
fn d_dribbling_one_byte_at_a_time_is_decoded() {
    hostile(|| {
        let mut t = Target::new(Kind::Pull);
        let mut raw = t.raw();
        let mut bytes = greeting();
        bytes.extend(ready("PUSH"));
        bytes.extend(message(&[b"drib", &payload(300, 5)]));
        for (i, b) in bytes.iter().enumerate() {
            assert!(raw.send(&[*b]));
            if i % 8 == 0 {
                // Traffic shaping, not synchronisation: split the bytes over many reads.
                std::thread::sleep(Duration::from_micros(300));
            }
        }
        assert_eq!(
            recv_frames(&t.sock).unwrap(),
            vec![b"drib".to_vec(), payload(300, 5)]
        );
        t.rounds(2);
    });
}

// ---------------------------------------------------------------------------------------------
// (e) Truncated READY, malformed metadata, commands out of place.

#[test]
fn e_malformed_ready_and_metadata_are_refused() {
    hostile(|| {
        let mut t = Target::new(Kind::Pull);
        let socket_type_prop = |len: [u8; 4], value: &[u8]| -> Vec<u8> {
            let mut b = b"\x05READY\x0bSocket-Type".to_vec();
            b.extend_from_slice(&len);
            b.extend_from_slice(value);
            b
        };
        let cases: Vec<(&str, Vec<u8>)> = vec![
            ("READY name cut short", command(b"\x05REA")),
            (
                "property name past the end",
                command(b"\x05READY\x0bSocket"),
            ),
            (
                "value length 2^32-1",
                command(&socket_type_prop([0xff; 4], b"PUSH")),
            ),
            (
                "value length one too many",
                command(&socket_type_prop([0, 0, 0, 5], b"PUSH")),
            ),
            (
                "value length cut short",
                command(b"\x05READY\x0bSocket-Type\x00\x00"),
            ),
            ("empty command", command(b"")),
            ("zero-length command name", command(b"\x00READY")),
            ("HELLO instead of READY", command(b"\x05HELLO")),
            ("ERROR instead of READY", command(b"\x05ERROR\x03500")),
            ("data frame before READY", frame(false, b"too early")),
        ];
        for (what, bytes) in cases {
            t.refuses(&greeting(), &[bytes, frame(false, b"evil")].concat(), what);
        }
    });
}

// ---------------------------------------------------------------------------------------------
// (f) Many connections opened and dropped.

/// Opens and drops 1,000 raw connections of four kinds (bare connect, half a greeting, a full
/// handshake, a handshake plus half a message), with good rounds in between.
fn connection_storm(t: &mut Target) {
    for i in 0..1000 {
        let mut raw = t.raw();
        match i % 4 {
            0 => {}
            1 => {
                raw.send(&greeting()[..5]);
            }
            2 => raw.handshake("PUSH"),
            _ => {
                raw.handshake("PUSH");
                raw.send(&frame(true, b"half a message"));
            }
        }
        drop(raw);
        if i % 250 == 249 {
            t.rounds(2);
        }
    }
}

#[test]
fn f_1000_connections_opened_and_dropped() {
    hostile(|| {
        let mut t = Target::new(Kind::Pull);
        connection_storm(&mut t);
        t.rounds(5);
        t.nothing_else_delivered();
        // The listener still accepts and serves.
        let mut raw = t.raw();
        raw.handshake("PUSH");
        t.raw_valid_message(&mut raw, b"after the storm");
        t.rounds(2);
    });
}

#[test]
fn f_dropped_connections_leak_no_fds() {
    hostile(|| {
        let mut t = Target::new(Kind::Pull);
        let table_before = fd_table();
        let fds_before = open_fds();
        connection_storm(&mut t);
        connection_storm(&mut t);
        t.rounds(5);
        // Every accepted connection is closed again: wait for the I/O thread (no event to
        // await here), at most 10 s — well below the default HANDSHAKE_IVL of 30 s.
        let deadline = Instant::now() + Duration::from_secs(10);
        while open_fds() > fds_before && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
        if open_fds() > fds_before {
            let after = fd_table();
            let new: Vec<_> = after
                .iter()
                .filter(|(fd, link)| table_before.get(*fd) != Some(link))
                .collect();
            panic!(
                "{} fds open after 400 dropped connections, {fds_before} before; new: {new:?}",
                after.len()
            );
        }
    });
}

#[test]
fn f_peer_closing_right_after_its_data_is_noticed() {
    // The peer sends a whole message and closes its sending side at once, so its data and
    // FIN arrive together. ferrozmq must deliver the message, see the EOF and close its end
    // (libzmq does: a read of 0 ends the engine).
    hostile(|| {
        let mut t = Target::new(Kind::Pull);
        for i in 0..300 {
            let mut raw = t.raw();
            let body = format!("last words {i}");
            let bytes = [greeting(), ready("PUSH"), frame(false, body.as_bytes())].concat();
            assert!(raw.send(&bytes));
            raw.stream.shutdown(std::net::Shutdown::Write).unwrap();
            assert_eq!(t.sock.recv_bytes(0).unwrap(), body.as_bytes());
            raw.expect_closed(&format!("connection {i}: peer sent its message and FIN"));
        }
        t.rounds(2);
    });
}

// ---------------------------------------------------------------------------------------------
// (g) Descriptor exhaustion.

/// Lowers this process's soft RLIMIT_NOFILE to what is open now plus `spare`, and restores
/// the old limit when dropped.
struct FdLimit(libc::rlimit);

impl FdLimit {
    fn lower_to_open_plus(spare: usize) -> FdLimit {
        // SAFETY: getrlimit/setrlimit read and write the rlimit struct given, nothing else.
        unsafe {
            let mut old: libc::rlimit = std::mem::zeroed();
            assert_eq!(libc::getrlimit(libc::RLIMIT_NOFILE, &mut old), 0);
            let mut low = old;
            low.rlim_cur = (open_fds() + spare) as libc::rlim_t;
            assert_eq!(libc::setrlimit(libc::RLIMIT_NOFILE, &low), 0);
            FdLimit(old)
        }
    }
}

impl Drop for FdLimit {
    fn drop(&mut self) {
        // SAFETY: as above.
        unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &self.0) };
    }
}

#[test]
fn g_a_peer_connecting_while_fds_are_exhausted_is_served_once_they_free() {
    hostile(|| {
        let mut t = Target::new(Kind::Pull);
        let monitor_ep = "inproc://hostile-accept-monitor";
        t.sock
            .monitor(monitor_ep, ferrozmq::SocketEvent::ACCEPT_FAILED as i32)
            .unwrap();
        let monitor = ours(&t._ctx, ferrozmq::PAIR);
        monitor.connect(monitor_ep).unwrap();

        let limit = FdLimit::lower_to_open_plus(16);
        let mut fillers = Vec::new();
        while let Ok(file) = std::fs::File::open("/dev/null") {
            fillers.push(file);
        }
        // One descriptor for the client; then none is left for the listener's accept.
        fillers.pop();
        let mut raw = t.raw();
        let failed = ferrozmq::MonitorEvent::recv(&monitor).expect("ACCEPT_FAILED event");
        assert_eq!(failed.event, ferrozmq::SocketEvent::ACCEPT_FAILED);
        assert_eq!(failed.value, libc::EMFILE as u32);
        // Established peers are still served.
        t.rounds(2);

        drop(fillers);
        drop(limit);
        raw.handshake("PUSH");
        for i in 0..10u8 {
            assert!(raw.send(&frame(false, &[i; 8])));
        }
        for i in 0..10u8 {
            assert_eq!(t.sock.recv_bytes(0).unwrap(), vec![i; 8], "message {i}");
        }
        t.rounds(2);
    });
}

/// Accepts one connection on `listener` within `within`, if one comes.
fn accept_within(listener: &std::net::TcpListener, within: Duration) -> Option<TcpStream> {
    listener.set_nonblocking(true).unwrap();
    let deadline = Instant::now() + within;
    loop {
        match listener.accept() {
            Ok((stream, _)) => {
                stream.set_nonblocking(false).unwrap();
                stream.set_read_timeout(Some(CLOSE_WITHIN)).unwrap();
                return Some(stream);
            }
            Err(e) if e.kind() == ErrorKind::WouldBlock && Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(5));
            }
            Err(e) if e.kind() == ErrorKind::WouldBlock => return None,
            Err(e) => panic!("accept: {e}"),
        }
    }
}

#[test]
fn g_a_listener_that_breaks_the_protocol_is_not_dialled_again() {
    hostile(|| {
        // libzmq's session_base_t::engine_error: a protocol error ends a connect-side
        // session for good, where a mere hang-up is redialled after RECONNECT_IVL.
        let ctx = Context::new();
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let endpoint = format!("tcp://{}", listener.local_addr().unwrap());
        let push = ours(&ctx, PUSH);
        push.set_reconnect_ivl(10).unwrap();
        push.connect(&endpoint).unwrap();

        // A hang-up: dialled again.
        let first = accept_within(&listener, CLOSE_WITHIN).expect("first dial");
        drop(first);
        let mut second = accept_within(&listener, CLOSE_WITHIN).expect("redial after a hang-up");

        // A mechanism mismatch: our side closes and never dials again.
        second
            .write_all(&greeting_with_mechanism(b"PLAIN"))
            .unwrap();
        let mut sink = Vec::new();
        let _ = second.read_to_end(&mut sink); // EOF once ferrozmq has closed
        assert!(
            accept_within(&listener, Duration::from_millis(500)).is_none(),
            "redialled a peer that broke the protocol"
        );
    });
}
