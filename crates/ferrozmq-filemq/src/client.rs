//! The FileMQ client (`fmq_client`): a background thread with one DEALER socket that opens a
//! peering (OHAI, answers ORLY with ANONYMOUS or PLAIN), replays every subscription after
//! each OHAI-OK, grants a fixed window of credit and tops it up as chunks arrive, and writes
//! chunks into its inbox. A file is written to `NAME.fmqpart` and renamed to `NAME` when its
//! empty end chunk arrives, then reported as [`Event::Deliver`]. If the server falls silent
//! for three heartbeats (or answers RTFM, having forgotten us) the client starts over with a
//! fresh socket and OHAI; with resync on, it sends the SHA-1 of every file it holds (the
//! server skips those) and, for each partial file, a `RESUME:NAME=OFFSET:SHA1` option so the
//! server continues from where it stopped.
//!
//! ```no_run
//! use ferrozmq_filemq::{Client, ClientOptions, Event};
//! let ctx = ferrozmq::Context::new();
//! let client = Client::connect(&ctx, "tcp://localhost:5670", "./inbox", ClientOptions::default())?;
//! client.subscribe("/")?;
//! while let Some(event) = client.recv_timeout(std::time::Duration::from_secs(10)) {
//!     if let Event::Deliver { filename, fullname } = event {
//!         println!("I: received {filename} ({})", fullname.display());
//!     }
//! }
//! # Ok::<(), ferrozmq::Error>(())
//! ```

use std::fs::{File, OpenOptions};
use std::os::unix::fs::{FileExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use ferrozmq::{Context, Socket, DEALER, DONTWAIT, POLLIN};

use crate::digest::file_sha1;
use crate::msg::{Command, Dictionary, OP_CREATE, OP_DELETE};
use crate::paths;
use crate::server::{CHUNK_SIZE, RESUME_PREFIX};

/// The suffix of a file still arriving.
pub const PARTIAL_SUFFIX: &str = ".fmqpart";
/// How many heartbeats of silence make the server dead.
const LIVENESS: u32 = 3;

/// How a client behaves.
#[derive(Clone, Debug)]
pub struct ClientOptions {
    /// Ask for everything under each path, minus what the inbox holds (`set_resync`).
    pub resync: bool,
    /// Bytes of credit kept granted (the window).
    pub credit: u64,
    /// Heartbeat interval; the server counts as dead after three of silence.
    pub heartbeat: Duration,
    /// PLAIN login and password; ANONYMOUS is used when None.
    pub plain: Option<(String, String)>,
}

impl Default for ClientOptions {
    fn default() -> Self {
        ClientOptions {
            resync: true,
            credit: 16 * CHUNK_SIZE,
            heartbeat: Duration::from_secs(1),
            plain: None,
        }
    }
}

/// What the client reports to its caller.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    /// A whole file arrived (`"DELIVER", filename, fullname`).
    Deliver {
        /// Its virtual name.
        filename: String,
        /// Where it is in the inbox.
        fullname: PathBuf,
    },
    /// A file was deleted on the server and in the inbox.
    Delete {
        /// Its virtual name.
        filename: String,
    },
    /// The server refused something (SRSLY), or sent a file name the client refuses.
    Refused {
        /// Why.
        reason: String,
    },
    /// A peering was opened (OHAI-OK), the first or after a restart.
    Connected,
}

/// Counters a caller can read while the client runs.
#[derive(Debug, Default)]
pub struct ClientStats {
    /// Chunk bytes received.
    pub bytes_received: AtomicU64,
    /// Files delivered.
    pub files_received: AtomicU64,
    /// Chunk bytes received beyond the credit granted (the server broke the protocol).
    pub credit_exceeded: AtomicU64,
    /// Peerings opened (more than one means restarts).
    pub peerings: AtomicU64,
}

/// A running client; dropping it says KTHXBAI and stops the thread.
pub struct Client {
    subscribe: Sender<String>,
    events: Receiver<Event>,
    stop: Arc<AtomicBool>,
    stats: Arc<ClientStats>,
    thread: Option<JoinHandle<()>>,
}

impl Client {
    /// Starts a client talking to `endpoint`, writing into `inbox` (created if missing).
    pub fn connect(
        ctx: &Context,
        endpoint: &str,
        inbox: impl AsRef<Path>,
        options: ClientOptions,
    ) -> ferrozmq::Result<Client> {
        std::fs::create_dir_all(inbox.as_ref())?;
        let inbox = inbox.as_ref().canonicalize()?;
        let (sub_tx, sub_rx) = channel();
        let (event_tx, event_rx) = channel();
        let stop = Arc::new(AtomicBool::new(false));
        let stats = Arc::new(ClientStats::default());
        let mut engine = Engine {
            ctx: ctx.clone(),
            endpoint: endpoint.to_string(),
            inbox,
            options,
            dealer: None,
            subscriptions: Vec::new(),
            ready: false,
            available: 0,
            writing: None,
            last_heard: Instant::now(),
            events: event_tx,
            stats: stats.clone(),
        };
        engine.open()?;
        let flag = stop.clone();
        let thread = std::thread::Builder::new()
            .name("filemq-client".into())
            .spawn(move || engine.run(&flag, &sub_rx))
            .map_err(ferrozmq::Error::from)?;
        Ok(Client {
            subscribe: sub_tx,
            events: event_rx,
            stop,
            stats,
            thread: Some(thread),
        })
    }

    /// Subscribes to a virtual path (`fmq_client_subscribe`); kept and replayed after every
    /// restart. EINVAL if it is not a valid virtual path.
    pub fn subscribe(&self, path: &str) -> ferrozmq::Result<()> {
        if !paths::is_valid(path) {
            return Err(ferrozmq::Error::EINVAL);
        }
        self.subscribe
            .send(path.to_string())
            .map_err(|_| ferrozmq::Error::ETERM)
    }

    /// The next event, waiting up to `timeout`.
    pub fn recv_timeout(&self, timeout: Duration) -> Option<Event> {
        self.events.recv_timeout(timeout).ok()
    }

    /// The live counters.
    pub fn stats(&self) -> &ClientStats {
        &self.stats
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// The client thread's state.
struct Engine {
    ctx: Context,
    endpoint: String,
    inbox: PathBuf,
    options: ClientOptions,
    dealer: Option<Socket>,
    subscriptions: Vec<String>,
    ready: bool,
    /// Credit granted and not yet used.
    available: u64,
    /// The partial file being written: virtual name, real partial path, handle.
    writing: Option<(String, PathBuf, File)>,
    last_heard: Instant,
    events: Sender<Event>,
    stats: Arc<ClientStats>,
}

impl Engine {
    /// A fresh socket and OHAI: the start of a (new) conversation.
    fn open(&mut self) -> ferrozmq::Result<()> {
        let dealer = self.ctx.socket(DEALER)?;
        dealer.set_linger(0)?;
        dealer.set_maxmsgsize((CHUNK_SIZE + 64 * 1024) as i64)?;
        dealer.connect(&self.endpoint)?;
        self.dealer = Some(dealer);
        self.ready = false;
        self.available = 0;
        self.writing = None;
        self.last_heard = Instant::now();
        self.send(&Command::Ohai);
        Ok(())
    }

    fn send(&self, command: &Command) {
        if let Some(dealer) = &self.dealer {
            let _ = dealer.send_multipart(command.encode(), DONTWAIT);
        }
    }

    fn run(&mut self, stop: &AtomicBool, subscriptions: &Receiver<String>) {
        let mut next_heartbeat = Instant::now() + self.options.heartbeat;
        while !stop.load(Ordering::Relaxed) {
            while let Ok(path) = subscriptions.try_recv() {
                if !self.subscriptions.contains(&path) {
                    if self.ready {
                        self.send(&self.icanhaz(&path));
                    }
                    self.subscriptions.push(path);
                }
            }
            let mut batch = Vec::new();
            if let Some(dealer) = &self.dealer {
                if dealer.poll(POLLIN, 100).unwrap_or(0) > 0 {
                    while batch.len() < 64 {
                        match dealer.recv_multipart(DONTWAIT) {
                            Ok(frames) => batch.push(frames),
                            Err(_) => break,
                        }
                    }
                }
            }
            for frames in batch {
                self.last_heard = Instant::now();
                if let Ok(command) = Command::decode(&frames) {
                    self.handle(command);
                }
            }
            let now = Instant::now();
            if now >= next_heartbeat {
                next_heartbeat = now + self.options.heartbeat;
                if now.duration_since(self.last_heard) > self.options.heartbeat * LIVENESS {
                    let _ = self.open();
                } else if self.ready {
                    self.send(&Command::Hugz);
                }
            }
        }
        self.send(&Command::Kthxbai);
    }

    fn handle(&mut self, command: Command) {
        match command {
            Command::Orly { mechanisms, .. } => {
                let has = |m: &str| mechanisms.iter().any(|x| x == m);
                let yarly = match &self.options.plain {
                    Some((login, password)) if has("PLAIN") => Command::Yarly {
                        mechanism: "PLAIN".into(),
                        response: [
                            b"",
                            &b"\0"[..],
                            login.as_bytes(),
                            b"\0",
                            password.as_bytes(),
                        ]
                        .concat(),
                    },
                    _ if has("ANONYMOUS") => Command::Yarly {
                        mechanism: "ANONYMOUS".into(),
                        response: Vec::new(),
                    },
                    _ => {
                        let _ = self.events.send(Event::Refused {
                            reason: format!("no mechanism in common: {mechanisms:?}"),
                        });
                        return;
                    }
                };
                self.send(&yarly);
            }
            Command::OhaiOk => {
                self.ready = true;
                self.stats.peerings.fetch_add(1, Ordering::Relaxed);
                for path in &self.subscriptions {
                    self.send(&self.icanhaz(path));
                }
                self.available = self.options.credit;
                self.send(&Command::Nom {
                    credit: self.options.credit,
                    sequence: 0,
                });
                let _ = self.events.send(Event::Connected);
            }
            Command::Cheezburger {
                operation,
                filename,
                offset,
                chunk,
                ..
            } => {
                let n = chunk.len() as u64;
                self.stats.bytes_received.fetch_add(n, Ordering::Relaxed);
                if n > self.available {
                    self.stats
                        .credit_exceeded
                        .fetch_add(n - self.available, Ordering::Relaxed);
                }
                self.available = self.available.saturating_sub(n);
                if n > 0 {
                    self.available += n;
                    self.send(&Command::Nom {
                        credit: n,
                        sequence: 0,
                    });
                }
                match operation {
                    OP_CREATE => self.write_chunk(&filename, offset, &chunk),
                    OP_DELETE => self.delete(&filename),
                    _ => {}
                }
            }
            Command::Hugz => self.send(&Command::HugzOk),
            Command::Srsly { reason } => {
                let _ = self.events.send(Event::Refused { reason });
            }
            Command::Rtfm { .. } | Command::Kthxbai => {
                let _ = self.open();
            }
            _ => {}
        }
    }

    /// The ICANHAZ for `path`: with resync, the inbox's digests and partial offsets.
    fn icanhaz(&self, path: &str) -> Command {
        let mut options: Dictionary = Vec::new();
        let mut cache: Dictionary = Vec::new();
        if self.options.resync {
            options.push(("RESYNC".into(), "1".into()));
            let root = paths::inside(&self.inbox, path).unwrap_or_else(|| self.inbox.clone());
            let mut files = Vec::new();
            list_files(&root, &mut files, 0);
            for file in files {
                let Ok(relative) = file.strip_prefix(&self.inbox) else {
                    continue;
                };
                let Some(relative) = relative.to_str() else {
                    continue;
                };
                if let Some(name) = relative.strip_suffix(PARTIAL_SUFFIX) {
                    let Ok(meta) = std::fs::metadata(&file) else {
                        continue;
                    };
                    if let Ok(digest) = file_sha1(&file, None) {
                        options.push((
                            format!("{RESUME_PREFIX}/{name}"),
                            format!("{}:{digest}", meta.len()),
                        ));
                    }
                } else if let Ok(digest) = file_sha1(&file, None) {
                    cache.push((format!("/{relative}"), digest));
                }
            }
        }
        Command::Icanhaz {
            path: path.to_string(),
            options,
            cache,
        }
    }

    /// Where the virtual `filename` goes in the inbox, or None (and a Refused event) if it
    /// would leave it.
    fn target(&self, filename: &str) -> Option<PathBuf> {
        let target = paths::inside(&self.inbox, filename)
            .filter(|t| !paths::crosses_symlink(&self.inbox, t))
            .filter(|_| !filename.ends_with(PARTIAL_SUFFIX));
        if target.is_none() {
            let _ = self.events.send(Event::Refused {
                reason: format!("refused file name from server: {filename:?}"),
            });
        }
        target
    }

    fn write_chunk(&mut self, filename: &str, offset: u64, chunk: &[u8]) {
        if self
            .writing
            .as_ref()
            .is_none_or(|(name, _, _)| name != filename)
        {
            self.writing = None;
            let Some(target) = self.target(filename) else {
                return;
            };
            let mut partial = target.clone().into_os_string();
            partial.push(PARTIAL_SUFFIX);
            let partial = PathBuf::from(partial);
            if let Some(parent) = partial.parent() {
                if std::fs::create_dir_all(parent).is_err()
                    || paths::crosses_symlink(&self.inbox, &partial)
                {
                    return;
                }
            }
            let file = OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .custom_flags(libc::O_NOFOLLOW)
                .open(&partial);
            let Ok(file) = file else {
                return;
            };
            self.writing = Some((filename.to_string(), partial, file));
        }
        let Some((_, partial, file)) = &self.writing else {
            return;
        };
        let have = file.metadata().map(|m| m.len()).unwrap_or(0);
        if offset > have {
            // A gap we cannot fill: wait for the next resync to start it over.
            return;
        }
        if offset < have && file.set_len(offset).is_err() {
            return;
        }
        if !chunk.is_empty() {
            let _ = file.write_all_at(chunk, offset);
            return;
        }
        let partial = partial.clone();
        self.writing = None;
        let target = PathBuf::from(
            partial
                .to_string_lossy()
                .strip_suffix(PARTIAL_SUFFIX)
                .unwrap_or_default()
                .to_string(),
        );
        if std::fs::rename(&partial, &target).is_ok() {
            self.stats.files_received.fetch_add(1, Ordering::Relaxed);
            let _ = self.events.send(Event::Deliver {
                filename: filename.to_string(),
                fullname: target,
            });
        }
    }

    fn delete(&mut self, filename: &str) {
        if let Some(target) = self.target(filename) {
            if std::fs::symlink_metadata(&target).is_ok_and(|m| m.is_file())
                && std::fs::remove_file(&target).is_ok()
            {
                let _ = self.events.send(Event::Delete {
                    filename: filename.to_string(),
                });
            }
        }
    }
}

/// Every regular file under `dir` (no symbolic links followed), to a bounded depth.
fn list_files(dir: &Path, out: &mut Vec<PathBuf>, depth: usize) {
    if depth > 32 {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() {
            list_files(&entry.path(), out, depth + 1);
        } else if kind.is_file() {
            out.push(entry.path());
        }
    }
}
