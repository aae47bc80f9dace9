//! Shared helpers for ferrozmq's integration tests: unique endpoints, sockets with bounded
//! timeouts, a watchdog that turns a hang into a failure, and payload/frame helpers.
//!
//! Every socket made here has RCVTIMEO and SNDTIMEO set (a lost message is an EAGAIN, not a
//! hang) and a finite LINGER (a failing test does not hang in context termination).

#![allow(dead_code)]

pub mod netns;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::Duration;

/// RCVTIMEO/SNDTIMEO given to every test socket, in ms.
pub const TIMEO: i32 = 5000;
/// LINGER given to every test socket, in ms: enough to flush, short enough not to hang.
pub const LINGER: i32 = 1000;
/// Wall-clock bound for one test body.
pub const TEST_LIMIT: Duration = Duration::from_secs(90);

/// Runs `body` on its own thread and fails the test if it does not finish within `limit`
/// (a hang becomes a failure with a message instead of a stuck test run). A panic in the body
/// is re-raised here with its own message.
pub fn bounded_for<F>(limit: Duration, body: F)
where
    F: FnOnce() + Send + 'static,
{
    let (done_tx, done_rx) = mpsc::channel::<()>();
    let handle = std::thread::Builder::new()
        .name("test-body".into())
        .spawn(move || {
            body();
            let _ = done_tx.send(());
        })
        .expect("spawn test body");
    match done_rx.recv_timeout(limit) {
        Ok(()) => handle.join().expect("test body"),
        Err(mpsc::RecvTimeoutError::Disconnected) => {
            if let Err(panic) = handle.join() {
                std::panic::resume_unwind(panic);
            }
        }
        Err(mpsc::RecvTimeoutError::Timeout) => {
            panic!("test body did not finish within {limit:?}: something hangs")
        }
    }
}

/// [`bounded_for`] with the default limit.
pub fn bounded<F>(body: F)
where
    F: FnOnce() + Send + 'static,
{
    bounded_for(TEST_LIMIT, body)
}

/// A transport to run a test over.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Transport {
    Tcp,
    Ipc,
}

impl Transport {
    /// An endpoint to bind: an ephemeral loopback port, or a fresh ipc path.
    pub fn bind_endpoint(self) -> String {
        match self {
            Transport::Tcp => "tcp://127.0.0.1:*".to_string(),
            Transport::Ipc => ipc_endpoint(),
        }
    }

    /// A concrete endpoint nobody listens on yet (for connect-before-bind).
    pub fn fresh_endpoint(self) -> String {
        match self {
            Transport::Tcp => free_tcp_endpoint(),
            Transport::Ipc => ipc_endpoint(),
        }
    }
}

static NEXT_IPC: AtomicUsize = AtomicUsize::new(0);

/// A unique ipc endpoint under the temp dir (process id + counter), with no file there yet.
pub fn ipc_endpoint() -> String {
    let n = NEXT_IPC.fetch_add(1, Ordering::Relaxed);
    let path = std::env::temp_dir().join(format!("fzq-t-{}-{n}.ipc", std::process::id()));
    let _ = std::fs::remove_file(&path);
    format!("ipc://{}", path.display())
}

/// A loopback tcp endpoint whose port was free a moment ago.
pub fn free_tcp_endpoint() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind probe listener");
    let port = listener.local_addr().expect("probe address").port();
    format!("tcp://127.0.0.1:{port}")
}

/// A ferrozmq socket with bounded timeouts and linger.
pub fn ours(ctx: &ferrozmq::Context, ty: ferrozmq::SocketType) -> ferrozmq::Socket {
    let s = ctx.socket(ty).expect("create ferrozmq socket");
    s.set_rcvtimeo(TIMEO).unwrap();
    s.set_sndtimeo(TIMEO).unwrap();
    s.set_linger(LINGER).unwrap();
    s
}

/// A libzmq socket with bounded timeouts and linger.
pub fn theirs(ctx: &zmq::Context, ty: zmq::SocketType) -> zmq::Socket {
    let s = ctx.socket(ty).expect("create libzmq socket");
    s.set_rcvtimeo(TIMEO).unwrap();
    s.set_sndtimeo(TIMEO).unwrap();
    s.set_linger(LINGER).unwrap();
    s
}

/// `get_last_endpoint` of a ferrozmq socket, as a string.
pub fn last_ep(s: &ferrozmq::Socket) -> String {
    s.get_last_endpoint()
        .expect("get_last_endpoint")
        .expect("endpoint is utf-8")
}

/// `get_last_endpoint` of a libzmq socket, as a string.
pub fn zlast_ep(s: &zmq::Socket) -> String {
    s.get_last_endpoint()
        .expect("get_last_endpoint")
        .expect("endpoint is utf-8")
}

/// `n` bytes of a pattern that differs per `seed` and does not repeat every 256 bytes.
pub fn payload(n: usize, seed: u8) -> Vec<u8> {
    (0..n)
        .map(|i| (i as u32).wrapping_mul(31).wrapping_add((i >> 8) as u32) as u8 ^ seed)
        .collect()
}

/// Asserts two messages (lists of frames) are equal without printing megabytes on failure.
pub fn assert_frames_eq(got: &[Vec<u8>], want: &[Vec<u8>], what: &str) {
    let total: usize =
        want.iter().map(Vec::len).sum::<usize>() + got.iter().map(Vec::len).sum::<usize>();
    if total <= 2048 {
        assert_eq!(got, want, "{what}");
        return;
    }
    assert_eq!(got.len(), want.len(), "{what}: frame count");
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        assert_eq!(g.len(), w.len(), "{what}: length of frame {i}");
        if let Some(at) = g.iter().zip(w).position(|(a, b)| a != b) {
            panic!(
                "{what}: frame {i} differs first at byte {at}: got {:#04x}, want {:#04x}",
                g[at], w[at]
            );
        }
    }
}

/// Frames from string slices.
pub fn frames(parts: &[&str]) -> Vec<Vec<u8>> {
    parts.iter().map(|p| p.as_bytes().to_vec()).collect()
}

/// Receives every frame of one message from a ferrozmq socket frame by frame, checking that
/// `get_rcvmore` and `Message::get_more` agree on every frame.
pub fn recv_frames(s: &ferrozmq::Socket) -> ferrozmq::Result<Vec<Vec<u8>>> {
    let mut out = Vec::new();
    loop {
        let m = s.recv_msg(0)?;
        let more = s.get_rcvmore()?;
        assert_eq!(
            m.get_more(),
            more,
            "Message::get_more agrees with get_rcvmore"
        );
        out.push(m.to_vec());
        if !more {
            return Ok(out);
        }
    }
}

/// Number of open file descriptors of this process.
pub fn open_fds() -> usize {
    std::fs::read_dir("/proc/self/fd")
        .map(|d| d.count())
        .unwrap_or(0)
}

/// This process's open file descriptors and what they point to.
pub fn fd_table() -> std::collections::BTreeMap<String, String> {
    let mut table = std::collections::BTreeMap::new();
    if let Ok(dir) = std::fs::read_dir("/proc/self/fd") {
        for entry in dir.flatten() {
            let target = std::fs::read_link(entry.path())
                .map(|p| p.display().to_string())
                .unwrap_or_default();
            table.insert(entry.file_name().to_string_lossy().into_owned(), target);
        }
    }
    table
}

/// A stand-in listener on an endpoint whose real peer is gone, holding the one connection
/// that dialed it. Dropping it frees the endpoint (and removes the ipc file).
pub enum Redial {
    Tcp(std::net::TcpListener, std::net::TcpStream),
    Ipc(
        std::os::unix::net::UnixListener,
        std::os::unix::net::UnixStream,
        std::path::PathBuf,
    ),
}

impl Drop for Redial {
    fn drop(&mut self) {
        if let Redial::Ipc(_, _, path) = self {
            let _ = std::fs::remove_file(path);
        }
    }
}

/// Listens on `endpoint` (after its previous owner closed) until a connecting socket dials
/// it again: proof that the socket noticed its peer was gone, so that what it sends from now
/// on waits in its queue instead of going to the dead connection. No event tells a test this,
/// so the accept is polled, bounded by TIMEO.
pub fn await_redial(endpoint: &str) -> Redial {
    let deadline = std::time::Instant::now() + Duration::from_millis(TIMEO as u64);
    let pause = || std::thread::sleep(Duration::from_millis(2));
    if let Some(addr) = endpoint.strip_prefix("tcp://") {
        let listener = loop {
            match std::net::TcpListener::bind(addr) {
                Ok(l) => break l,
                Err(_) if std::time::Instant::now() < deadline => pause(),
                Err(e) => panic!("stand-in listener on {endpoint}: {e}"),
            }
        };
        listener.set_nonblocking(true).unwrap();
        loop {
            match listener.accept() {
                Ok((stream, _)) => return Redial::Tcp(listener, stream),
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                    assert!(
                        std::time::Instant::now() < deadline,
                        "nobody redialed {endpoint}"
                    );
                    pause()
                }
                Err(e) => panic!("accept on {endpoint}: {e}"),
            }
        }
    }
    let path = std::path::PathBuf::from(endpoint.strip_prefix("ipc://").expect("tcp or ipc"));
    let _ = std::fs::remove_file(&path);
    let listener = std::os::unix::net::UnixListener::bind(&path)
        .unwrap_or_else(|e| panic!("stand-in listener on {endpoint}: {e}"));
    listener.set_nonblocking(true).unwrap();
    loop {
        match listener.accept() {
            Ok((stream, _)) => return Redial::Ipc(listener, stream, path),
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                assert!(
                    std::time::Instant::now() < deadline,
                    "nobody redialed {endpoint}"
                );
                pause()
            }
            Err(e) => panic!("accept on {endpoint}: {e}"),
        }
    }
}

/// Removes an ipc endpoint's socket file when dropped (libzmq leaves the file behind when its
/// socket closes without an unbind); does nothing for other transports.
pub struct IpcFileGuard(Option<std::path::PathBuf>);

impl IpcFileGuard {
    pub fn new(endpoint: &str) -> IpcFileGuard {
        IpcFileGuard(
            endpoint
                .strip_prefix("ipc://")
                .map(std::path::PathBuf::from),
        )
    }
}

impl Drop for IpcFileGuard {
    fn drop(&mut self) {
        if let Some(path) = &self.0 {
            let _ = std::fs::remove_file(path);
        }
    }
}

/// A fresh scratch directory under the system temp dir (unique per process and call),
/// removed when dropped.
pub struct TempDir(pub std::path::PathBuf);

impl TempDir {
    /// Creates `ferrozmq-test-<tag>-<pid>-<n>`.
    pub fn new(tag: &str) -> TempDir {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let path = std::env::temp_dir().join(format!(
            "ferrozmq-test-{tag}-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).expect("create a scratch directory");
        TempDir(path)
    }

    /// `name` inside the directory.
    pub fn path(&self, name: &str) -> std::path::PathBuf {
        self.0.join(name)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
