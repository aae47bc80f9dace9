//! Helpers for the security tests: sockets with bounded timeouts, monitors and the handshake
//! outcome they report, a hand-written ZAP handler whose replies a test chooses frame by
//! frame, and a raw TCP peer that speaks just enough CURVE to send malformed commands.

#![allow(dead_code)]

use crypto_box::aead::Aead;
use ferrozmq::{Context, CurveKeyPair, Error, MonitorEvent, Socket, SocketEvent, SocketType};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

/// RCVTIMEO/SNDTIMEO of every test socket, in ms.
pub const TIMEO: i32 = 5000;
/// How long a refused client's message is waited for before it counts as not delivered.
pub const REFUSED_WAIT: i32 = 200;

/// A ferrozmq socket with bounded timeouts and no linger.
pub fn socket(ctx: &Context, kind: SocketType) -> Socket {
    let s = ctx.socket(kind).unwrap();
    s.set_rcvtimeo(TIMEO).unwrap();
    s.set_sndtimeo(TIMEO).unwrap();
    s.set_linger(0).unwrap();
    s
}

/// Binds `s` to an ephemeral loopback port and returns the endpoint.
pub fn bind(s: &Socket) -> String {
    s.bind("tcp://127.0.0.1:*").unwrap();
    s.get_last_endpoint().unwrap().unwrap()
}

static NEXT_MONITOR: AtomicUsize = AtomicUsize::new(0);

/// Starts monitoring every event of `s`; returns the PAIR socket the events arrive on.
pub fn monitor(ctx: &Context, s: &Socket) -> Socket {
    let endpoint = format!(
        "inproc://security-monitor-{}",
        NEXT_MONITOR.fetch_add(1, Ordering::Relaxed)
    );
    s.monitor(&endpoint, SocketEvent::ALL as i32).unwrap();
    let events = ctx.socket(ferrozmq::PAIR).unwrap();
    events.set_rcvtimeo(TIMEO).unwrap();
    events.set_linger(0).unwrap();
    events.connect(&endpoint).unwrap();
    events
}

/// The first handshake outcome the monitor reports (success or one of the three failures)
/// and its value, skipping connection lifecycle events.
pub fn handshake_outcome(events: &Socket) -> (SocketEvent, u32) {
    use SocketEvent::*;
    loop {
        let event = MonitorEvent::recv(events).expect("a monitor event");
        if matches!(
            event.event,
            HANDSHAKE_SUCCEEDED
                | HANDSHAKE_FAILED_NO_DETAIL
                | HANDSHAKE_FAILED_PROTOCOL
                | HANDSHAKE_FAILED_AUTH
        ) {
            return (event.event, event.value);
        }
    }
}

/// libzmq's monitor value when authentication needs a ZAP handler and none is bound.
pub fn libc_efault() -> u32 {
    Error::EFAULT.to_raw() as u32
}

/// Makes `s` a PLAIN client.
pub fn plain_client(s: &Socket, user: &str, password: &str) {
    s.set_plain_username(Some(user)).unwrap();
    s.set_plain_password(Some(password)).unwrap();
}

/// Makes `s` a CURVE server with `keys`.
pub fn curve_server(s: &Socket, keys: &CurveKeyPair) {
    s.set_curve_server(true).unwrap();
    s.set_curve_secretkey(&keys.secret_key).unwrap();
}

/// Makes `s` a CURVE client of the server with `server` keys, with `client` keys.
pub fn curve_client(s: &Socket, server: &CurveKeyPair, client: &CurveKeyPair) {
    s.set_curve_serverkey(&server.public_key).unwrap();
    s.set_curve_publickey(&client.public_key).unwrap();
    s.set_curve_secretkey(&client.secret_key).unwrap();
}

/// A DEALER server set up by `server_setup` and bound, and a DEALER client set up by
/// `client_setup` and connected to it.
pub fn connected_pair(
    ctx: &Context,
    server_setup: impl FnOnce(&Socket),
    client_setup: impl FnOnce(&Socket),
) -> (Socket, Socket) {
    let server = socket(ctx, ferrozmq::DEALER);
    server_setup(&server);
    let endpoint = bind(&server);
    let client = socket(ctx, ferrozmq::DEALER);
    client_setup(&client);
    client.connect(&endpoint).unwrap();
    (server, client)
}

/// A message goes from the DEALER `client` to the DEALER `server` and one comes back.
pub fn assert_round_trip(server: &Socket, client: &Socket) {
    client.send("ping", 0).unwrap();
    assert_eq!(server.recv_bytes(0).unwrap(), b"ping");
    server.send("pong", 0).unwrap();
    assert_eq!(client.recv_bytes(0).unwrap(), b"pong");
}

/// A message the (refused) DEALER `client` queues never reaches `server`.
pub fn assert_refused(server: &Socket, client: &Socket) {
    // Queued on the client's pipe (DEALER connects make one at once); never delivered.
    let _ = client.send("ping", ferrozmq::DONTWAIT);
    server.set_rcvtimeo(REFUSED_WAIT).unwrap();
    assert_eq!(server.recv_bytes(0), Err(Error::EAGAIN));
    server.set_rcvtimeo(TIMEO).unwrap();
}

/// A ZAP reply a [`ZapHandler`] sends: libzmq's six frames after the delimiter, with knobs
/// to break it.
#[derive(Clone, Debug)]
pub struct Reply {
    version: String,
    request_id: Option<String>,
    status: String,
    user_id: String,
    metadata: Vec<u8>,
    extra_frame: bool,
}

impl Reply {
    /// A well-formed reply with this status code, echoing the request id.
    pub fn status(status: &str) -> Reply {
        Reply {
            version: "1.0".into(),
            request_id: None,
            status: status.into(),
            user_id: String::new(),
            metadata: Vec::new(),
            extra_frame: false,
        }
    }

    /// With this user id.
    pub fn user_id(mut self, user_id: &str) -> Reply {
        self.user_id = user_id.into();
        self
    }

    /// With one more ZMTP property in the metadata frame.
    pub fn property(mut self, name: &str, value: &str) -> Reply {
        self.metadata.push(name.len() as u8);
        self.metadata.extend_from_slice(name.as_bytes());
        self.metadata
            .extend_from_slice(&(value.len() as u32).to_be_bytes());
        self.metadata.extend_from_slice(value.as_bytes());
        self
    }

    /// With these bytes as the metadata frame.
    pub fn raw_metadata(mut self, metadata: &[u8]) -> Reply {
        self.metadata = metadata.to_vec();
        self
    }

    /// With this request id instead of the request's.
    pub fn request_id(mut self, id: &str) -> Reply {
        self.request_id = Some(id.into());
        self
    }

    /// With this version instead of "1.0".
    pub fn version(mut self, version: &str) -> Reply {
        self.version = version.into();
        self
    }

    /// With a seventh frame.
    pub fn extra_frame(mut self) -> Reply {
        self.extra_frame = true;
        self
    }

    fn frames(&self, request: &[Vec<u8>]) -> Vec<Vec<u8>> {
        let request_id = match &self.request_id {
            Some(id) => id.as_bytes().to_vec(),
            None => request.get(1).cloned().unwrap_or_default(),
        };
        let mut frames = vec![
            self.version.as_bytes().to_vec(),
            request_id,
            self.status.as_bytes().to_vec(),
            b"status text".to_vec(),
            self.user_id.as_bytes().to_vec(),
            self.metadata.clone(),
        ];
        if self.extra_frame {
            frames.push(b"extra".to_vec());
        }
        frames
    }
}

/// A hand-written ZAP handler: a REP socket bound at `inproc://zeromq.zap.01` on a thread of
/// its own, answering each request as the test's function says and keeping the requests.
pub struct ZapHandler {
    requests: Arc<Mutex<Vec<Vec<Vec<u8>>>>>,
    control: Socket,
    thread: Option<JoinHandle<()>>,
}

static NEXT_CONTROL: AtomicUsize = AtomicUsize::new(0);

impl ZapHandler {
    /// Binds the ZAP endpoint in `ctx` (before returning) and starts answering.
    pub fn start(
        ctx: &Context,
        mut answer: impl FnMut(&[Vec<u8>]) -> Reply + Send + 'static,
    ) -> ZapHandler {
        let handler = ctx.socket(ferrozmq::REP).unwrap();
        handler.set_linger(0).unwrap();
        handler.bind("inproc://zeromq.zap.01").unwrap();
        let endpoint = format!(
            "inproc://security-zap-control-{}",
            NEXT_CONTROL.fetch_add(1, Ordering::Relaxed)
        );
        let stop = ctx.socket(ferrozmq::PAIR).unwrap();
        stop.set_linger(0).unwrap();
        stop.bind(&endpoint).unwrap();
        let control = ctx.socket(ferrozmq::PAIR).unwrap();
        control.set_linger(0).unwrap();
        control.connect(&endpoint).unwrap();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let seen = Arc::clone(&requests);
        let thread = std::thread::spawn(move || loop {
            let mut items = [
                handler.as_poll_item(ferrozmq::POLLIN),
                stop.as_poll_item(ferrozmq::POLLIN),
            ];
            if ferrozmq::poll(&mut items, -1).is_err() || items[1].is_readable() {
                return;
            }
            if !items[0].is_readable() {
                continue;
            }
            let Ok(request) = handler.recv_multipart(ferrozmq::DONTWAIT) else {
                continue;
            };
            let reply = answer(&request).frames(&request);
            seen.lock().unwrap().push(request);
            let _ = handler.send_multipart(reply, ferrozmq::DONTWAIT);
        });
        ZapHandler {
            requests,
            control,
            thread: Some(thread),
        }
    }

    /// The requests answered so far (frames after the delimiter).
    pub fn requests(&self) -> Vec<Vec<Vec<u8>>> {
        self.requests.lock().unwrap().clone()
    }
}

impl Drop for ZapHandler {
    fn drop(&mut self) {
        let _ = self.control.send("stop", 0);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// A HELLO body (200 bytes) a CURVE client with a fresh transient key would send to the
/// server whose long-term public key is `server_public`.
pub fn valid_hello(server_public: &[u8; 32]) -> Vec<u8> {
    let transient = CurveKeyPair::new().unwrap();
    let boxer = crypto_box::SalsaBox::new(
        &crypto_box::PublicKey::from(*server_public),
        &crypto_box::SecretKey::from(transient.secret_key),
    );
    let short_nonce = 1u64.to_be_bytes();
    let mut nonce = b"CurveZMQHELLO---".to_vec();
    nonce.extend_from_slice(&short_nonce);
    let sealed = boxer
        .encrypt(nonce.as_slice().into(), &[0u8; 64][..])
        .unwrap();
    let mut body = b"\x05HELLO\x01\x00".to_vec();
    body.extend_from_slice(&[0u8; 72]);
    body.extend_from_slice(&transient.public_key);
    body.extend_from_slice(&short_nonce);
    body.extend_from_slice(&sealed);
    assert_eq!(body.len(), 200);
    body
}

/// A raw TCP peer that sends a ZMTP 3.0 client greeting, then whatever commands a test
/// writes by hand.
pub struct RawClient {
    stream: TcpStream,
}

impl RawClient {
    /// Connects to `address` (host:port) and exchanges greetings announcing `mechanism`.
    pub fn connect(address: &str, mechanism: &str) -> RawClient {
        let mut stream = TcpStream::connect(address).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_millis(TIMEO as u64)))
            .unwrap();
        let mut greeting = vec![0xFF, 0, 0, 0, 0, 0, 0, 0, 0, 0x7F, 3, 0];
        let mut name = [0u8; 20];
        name[..mechanism.len()].copy_from_slice(mechanism.as_bytes());
        greeting.extend_from_slice(&name);
        greeting.extend_from_slice(&[0u8; 32]);
        stream.write_all(&greeting).unwrap();
        let mut theirs = [0u8; 64];
        stream.read_exact(&mut theirs).unwrap();
        assert_eq!(&theirs[12..12 + mechanism.len()], mechanism.as_bytes());
        RawClient { stream }
    }

    /// Sends one command frame with `body`.
    pub fn send_command(&mut self, body: &[u8]) {
        let mut frame = Vec::new();
        match u8::try_from(body.len()) {
            Ok(len) => frame.extend_from_slice(&[0x04, len]),
            Err(_) => {
                frame.push(0x06);
                frame.extend_from_slice(&(body.len() as u64).to_be_bytes());
            }
        }
        frame.extend_from_slice(body);
        self.stream.write_all(&frame).unwrap();
    }

    /// Reads the server's WELCOME command.
    pub fn expect_welcome(&mut self) {
        let mut head = [0u8; 2];
        self.stream.read_exact(&mut head).unwrap();
        assert_eq!(head, [0x04, 168], "a WELCOME command frame");
        let mut body = [0u8; 168];
        self.stream.read_exact(&mut body).unwrap();
        assert_eq!(&body[..8], b"\x07WELCOME");
    }

    /// The server closes the connection (within the read timeout).
    pub fn expect_closed(&mut self) {
        let mut buf = [0u8; 256];
        loop {
            match self.stream.read(&mut buf) {
                Ok(0) => return,
                Ok(_) => continue,
                Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => return,
                Err(e) => panic!("the server did not close the connection: {e}"),
            }
        }
    }
}

pub use crate::common::TempDir;
