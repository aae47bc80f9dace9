//! The PLAIN and CURVE mechanisms against real libzmq (pyzmq 27, which bundles libzmq 4.3.5
//! with CURVE), before any socket layer exists: a small python3 script runs a pyzmq DEALER in
//! a child process and an [`Engine`] is driven by hand over a `std::net::TcpStream`. Each test
//! does the handshake in one role and exchanges multipart messages both ways, so every byte
//! of our handshake commands and MESSAGE boxes is checked by libzmq's own code.
//!
//! `scripts/test.sh` installs pyzmq when `import zmq` fails; a missing pyzmq is a failure.

use std::io::{BufRead, BufReader, ErrorKind, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use crypto_box::SecretKey;
use ferrozmq_zmtp::fuzzing::pull_events;
use ferrozmq_zmtp::{Engine, EngineConfig, Event, Mechanism, Outgoing, SocketType};

/// Bound on every wait in these tests.
const TIMEOUT: Duration = Duration::from_secs(20);

/// The pyzmq side: a DEALER that receives one message, echoes it behind an `echo` frame,
/// sends a three-frame message with a long frame, then waits for `bye`.
const SCRIPT: &str = r#"
import sys, zmq
mode, role = sys.argv[1], sys.argv[2]
args = [bytes.fromhex(a) for a in sys.argv[3:6]]
port = sys.argv[6]
ctx = zmq.Context()
s = ctx.socket(zmq.DEALER)
for opt, val in ((zmq.RCVTIMEO, 15000), (zmq.SNDTIMEO, 15000), (zmq.LINGER, 2000)):
    s.setsockopt(opt, val)
auth = None
if mode == "plain" and role == "server":
    from zmq.auth.thread import ThreadAuthenticator
    auth = ThreadAuthenticator(ctx)
    auth.start()
    auth.configure_plain(domain="*", passwords={"admin": "secret"})
    s.plain_server = True
elif mode == "plain":
    s.plain_username = b"admin"
    s.plain_password = b"secret"
elif role == "server":
    s.curve_server = True
    s.curve_secretkey = args[0]
    s.curve_publickey = args[1]
else:
    s.curve_secretkey = args[0]
    s.curve_publickey = args[1]
    s.curve_serverkey = args[2]
if role == "server":
    print(s.bind_to_random_port("tcp://127.0.0.1"), flush=True)
else:
    s.connect("tcp://127.0.0.1:" + port)
    print(0, flush=True)
msg = s.recv_multipart()
s.send_multipart([b"echo"] + msg)
s.send_multipart([b"x" * 300, b"", b"last"])
done = s.recv_multipart()
assert done == [b"bye"], done
s.close()
if auth:
    auth.stop()
ctx.term()
print("ok", flush=True)
"#;

/// The python child; killed on drop.
struct Peer {
    child: Child,
    lines: mpsc::Receiver<String>,
}

impl Peer {
    fn spawn(mode: &str, role: &str, keys: [[u8; 32]; 3], port: u16) -> Peer {
        let hex = |k: &[u8; 32]| k.iter().map(|b| format!("{b:02x}")).collect::<String>();
        let mut child = Command::new("python3")
            .arg("-c")
            .arg(SCRIPT)
            .args([mode, role])
            .args(keys.iter().map(hex))
            .arg(port.to_string())
            .stdout(Stdio::piped())
            .spawn()
            .expect("python3 with pyzmq is needed (scripts/test.sh installs it)");
        let stdout = child.stdout.take().expect("piped stdout");
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Peer { child, lines }
    }

    fn line(&self) -> String {
        self.lines
            .recv_timeout(TIMEOUT)
            .expect("the pyzmq peer printed nothing in time")
    }
}

impl Drop for Peer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An engine driven over a TCP stream.
struct Conn {
    stream: TcpStream,
    engine: Engine,
    events: Vec<Event>,
}

impl Conn {
    fn new(stream: TcpStream, config: EngineConfig) -> Conn {
        stream
            .set_read_timeout(Some(Duration::from_millis(100)))
            .unwrap();
        stream.set_write_timeout(Some(TIMEOUT)).unwrap();
        Conn {
            stream,
            engine: Engine::new(config),
            events: Vec::new(),
        }
    }

    fn flush(&mut self) {
        let mut out = Vec::new();
        self.engine.take_output(&mut out);
        self.stream.write_all(&out).unwrap();
    }

    fn send(&mut self, frames: &[&[u8]]) {
        let mut out = Vec::new();
        for (i, f) in frames.iter().enumerate() {
            self.engine.encode(
                Outgoing::Frame {
                    more: i + 1 < frames.len(),
                    body: f,
                },
                &mut out,
            );
        }
        self.stream.write_all(&out).unwrap();
    }

    /// Pumps bytes until `done` holds for the events so far; answers ZAP with `zap`.
    fn until(
        &mut self,
        zap: &mut dyn FnMut(&ferrozmq_zmtp::ZapRequest) -> u16,
        done: impl Fn(&[Event]) -> bool,
    ) {
        let deadline = Instant::now() + TIMEOUT;
        let mut buf = [0u8; 8192];
        loop {
            self.flush();
            if done(&self.events) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "timed out; events: {:?}",
                self.events
            );
            match self.stream.read(&mut buf) {
                Ok(0) => panic!("peer closed; events: {:?}", self.events),
                Ok(n) => self.engine.handle_input(&buf[..n]),
                Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
                Err(e) => panic!("read: {e}"),
            }
            let events = &mut self.events;
            let mut zap_request = None;
            pull_events(&mut self.engine, &mut |e| {
                if let Event::ZapRequest(r) = &e {
                    zap_request = Some(r.clone());
                }
                events.push(e);
                true
            })
            .unwrap();
            if let Some(request) = zap_request {
                self.engine.zap_reply(zap(&request)).unwrap();
                pull_events(&mut self.engine, &mut |e| {
                    events.push(e);
                    true
                })
                .unwrap();
            }
        }
    }
}

/// The frames of complete messages among `events`.
fn messages(events: &[Event]) -> Vec<Vec<Bytes>> {
    let mut out = Vec::new();
    let mut cur = Vec::new();
    for e in events {
        if let Event::Frame { more, body } = e {
            cur.push(body.clone());
            if !more {
                out.push(std::mem::take(&mut cur));
            }
        }
    }
    out
}

/// Handshake, PING, one message each way plus a long-framed one, then `bye`.
fn exchange(conn: &mut Conn, peer: &Peer, zap: &mut dyn FnMut(&ferrozmq_zmtp::ZapRequest) -> u16) {
    conn.until(zap, |ev| ev.iter().any(|e| matches!(e, Event::Ready(_))));
    let Some(Event::Ready(info)) = conn.events.iter().find(|e| matches!(e, Event::Ready(_))) else {
        unreachable!()
    };
    assert_eq!(info.socket_type, SocketType::DEALER);
    let mut ping = Vec::new();
    conn.engine.encode(
        Outgoing::Ping {
            ttl: 0,
            context: b"ctx",
        },
        &mut ping,
    );
    conn.stream.write_all(&ping).unwrap();
    let long = vec![7u8; 1000];
    conn.send(&[b"hello", &long, b""]);
    conn.until(zap, |ev| messages(ev).len() >= 2);
    let got = messages(&conn.events);
    assert_eq!(
        got[0],
        vec![
            Bytes::from_static(b"echo"),
            Bytes::from_static(b"hello"),
            Bytes::from(long),
            Bytes::new()
        ]
    );
    assert_eq!(
        got[1],
        vec![
            Bytes::from(vec![b'x'; 300]),
            Bytes::new(),
            Bytes::from_static(b"last")
        ]
    );
    conn.send(&[b"bye"]);
    assert_eq!(peer.line(), "ok");
}

fn keypair(seed: u8) -> ([u8; 32], [u8; 32]) {
    let secret = [seed; 32];
    (SecretKey::from(secret).public_key().to_bytes(), secret)
}

fn dealer(mechanism: Mechanism) -> EngineConfig {
    EngineConfig {
        mechanism,
        allow_legacy: false,
        ..EngineConfig::new(SocketType::DEALER)
    }
}

fn connect_to(peer: &Peer) -> TcpStream {
    let port: u16 = peer.line().parse().unwrap();
    TcpStream::connect(("127.0.0.1", port)).unwrap()
}

fn accept_from(listener: &TcpListener, peer: &Peer) -> TcpStream {
    assert_eq!(peer.line(), "0");
    listener.set_nonblocking(false).unwrap();
    let (tx, rx) = mpsc::channel();
    let l = listener.try_clone().unwrap();
    std::thread::spawn(move || {
        let _ = tx.send(l.accept().map(|(s, _)| s));
    });
    rx.recv_timeout(TIMEOUT).unwrap().unwrap()
}

fn no_zap(r: &ferrozmq_zmtp::ZapRequest) -> u16 {
    panic!("unexpected ZAP request {r:?}")
}

#[test]
fn curve_client_to_libzmq_server() {
    let (server_public, server_secret) = keypair(1);
    let (public, secret) = keypair(2);
    let peer = Peer::spawn(
        "curve",
        "server",
        [server_secret, server_public, [0; 32]],
        0,
    );
    let mut conn = Conn::new(
        connect_to(&peer),
        dealer(Mechanism::CurveClient {
            public_key: public,
            secret_key: secret,
            server_key: server_public,
        }),
    );
    exchange(&mut conn, &peer, &mut no_zap);
    assert!(conn.engine.encrypts());
}

#[test]
fn curve_server_to_libzmq_client() {
    let (server_public, server_secret) = keypair(3);
    let (public, secret) = keypair(4);
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let peer = Peer::spawn("curve", "client", [secret, public, server_public], port);
    let mut conn = Conn::new(
        accept_from(&listener, &peer),
        dealer(Mechanism::CurveServer {
            secret_key: server_secret,
        }),
    );
    let mut asked = Vec::new();
    exchange(&mut conn, &peer, &mut |r| {
        asked.push(r.clone());
        200
    });
    assert_eq!(asked.len(), 1);
    assert_eq!(asked[0].mechanism, "CURVE");
    assert_eq!(asked[0].credentials, vec![Bytes::copy_from_slice(&public)]);
}

#[test]
fn plain_client_to_libzmq_server() {
    let peer = Peer::spawn("plain", "server", [[0; 32]; 3], 0);
    let mut conn = Conn::new(
        connect_to(&peer),
        dealer(Mechanism::PlainClient {
            username: b"admin".to_vec(),
            password: b"secret".to_vec(),
        }),
    );
    exchange(&mut conn, &peer, &mut no_zap);
    assert!(!conn.engine.encrypts());
}

#[test]
fn plain_server_to_libzmq_client() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let peer = Peer::spawn("plain", "client", [[0; 32]; 3], port);
    let mut conn = Conn::new(
        accept_from(&listener, &peer),
        dealer(Mechanism::PlainServer),
    );
    let mut asked = Vec::new();
    exchange(&mut conn, &peer, &mut |r| {
        asked.push(r.clone());
        200
    });
    assert_eq!(asked.len(), 1);
    assert_eq!(asked[0].mechanism, "PLAIN");
    assert_eq!(
        asked[0].credentials,
        vec![Bytes::from_static(b"admin"), Bytes::from_static(b"secret")]
    );
}
