//! The FileMQ server (`fmq_server`): a background thread with one ROUTER socket that
//! publishes mount points to subscribing clients. Per client it keeps a conversation state
//! (OHAI → ORLY → YARLY → OHAI-OK), its subscriptions, its credit and a queue of files to
//! send; it reads a file only when the client has credit for the next chunk, so a client
//! that never grants credit costs a queue of names and nothing more. Mount points are
//! scanned every `monitor` interval; new or changed stable files go to every subscriber, and
//! deleted ones as DELETE operations. HUGZ go to every client each `heartbeat`; a client
//! silent for three heartbeats is forgotten.
//!
//! ```no_run
//! use ferrozmq_filemq::{Server, ServerConfig};
//! let ctx = ferrozmq::Context::new();
//! let mut config = ServerConfig::default();
//! config.mounts.push(ferrozmq_filemq::Mount { location: "./fmqroot/send".into(), alias: "/".into() });
//! let server = Server::bind(&ctx, config, "tcp://*:5670")?;
//! println!("serving on {}", server.endpoint());
//! # Ok::<(), ferrozmq::Error>(())
//! ```

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::fs::File;
use std::os::unix::fs::FileExt;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Instant, SystemTime};

use ferrozmq::{Context, Socket, DONTWAIT, POLLIN, ROUTER};

use crate::config::ServerConfig;
use crate::digest::file_sha1;
use crate::msg::{Command, Dictionary, OP_CREATE, OP_DELETE};
use crate::paths;
use crate::scan::Published;

/// The most chunk data one CHEEZBURGER carries.
pub const CHUNK_SIZE: u64 = 256 * 1024;
/// The largest command the server accepts (an ICANHAZ with a full cache is far smaller).
const MAX_COMMAND: i64 = 256 * 1024;
/// Outgoing messages queued per client at most: with [`CHUNK_SIZE`] chunks, what a client
/// that grants credit but never reads can make the server hold (8 MiB), and twice what the
/// default client window needs.
const SEND_HWM: i32 = 32;
/// How many heartbeats of silence make a client dead.
const LIVENESS: u32 = 3;
/// The option key prefix a client uses to ask for a file from an offset: its value is
/// `OFFSET:SHA1` of the bytes it has (a ferrozmq extension; servers that do not know it
/// send the whole file).
pub const RESUME_PREFIX: &str = "RESUME:";

/// Counters a caller (or a test) can read while the server runs.
#[derive(Debug, Default)]
pub struct ServerStats {
    /// Clients with a conversation.
    pub clients: AtomicU64,
    /// Chunk bytes sent, all clients.
    pub bytes_sent: AtomicU64,
    /// Files (or deletions) waiting in client queues.
    pub queued_files: AtomicU64,
    /// Commands answered with RTFM.
    pub rtfm_sent: AtomicU64,
    /// Commands answered with SRSLY.
    pub srsly_sent: AtomicU64,
}

/// A running server; dropping it stops the thread.
pub struct Server {
    endpoint: String,
    stop: Arc<AtomicBool>,
    stats: Arc<ServerStats>,
    thread: Option<JoinHandle<()>>,
}

impl Server {
    /// Binds `endpoint` (after the mounts are in place, as the guide insists) and starts
    /// serving `config`.
    pub fn bind(ctx: &Context, config: ServerConfig, endpoint: &str) -> ferrozmq::Result<Server> {
        let router = ctx.socket(ROUTER)?;
        router.set_maxmsgsize(MAX_COMMAND)?;
        router.set_router_mandatory(true)?;
        router.set_sndhwm(SEND_HWM)?;
        router.set_linger(0)?;
        router.bind(endpoint)?;
        let endpoint = router
            .get_last_endpoint()?
            .unwrap_or_else(|_| endpoint.to_string());
        let stop = Arc::new(AtomicBool::new(false));
        let stats = Arc::new(ServerStats::default());
        let mut engine = Engine::new(router, config, stats.clone());
        let flag = stop.clone();
        let thread = std::thread::Builder::new()
            .name("filemq-server".into())
            .spawn(move || engine.run(&flag))
            .map_err(ferrozmq::Error::from)?;
        Ok(Server {
            endpoint,
            stop,
            stats,
            thread: Some(thread),
        })
    }

    /// The endpoint bound (with the port the system chose for `:*`).
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// The live counters.
    pub fn stats(&self) -> &ServerStats {
        &self.stats
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// One file (or deletion) to send to one client.
struct Job {
    name: String,
    operation: u8,
    physical: PathBuf,
    size: u64,
    offset: u64,
    file: Option<File>,
}

/// Where a client's conversation is.
#[derive(PartialEq, Eq)]
enum Stage {
    /// OHAI received, ORLY sent.
    Challenged,
    /// OHAI-OK sent.
    Ready,
}

struct Peer {
    stage: Stage,
    subscriptions: Vec<String>,
    credit: u64,
    sequence: u64,
    queue: VecDeque<Job>,
    last_heard: Instant,
}

/// The server thread's state.
struct Engine {
    router: Socket,
    config: ServerConfig,
    stats: Arc<ServerStats>,
    published: BTreeMap<String, Published>,
    digests: HashMap<(PathBuf, u64, SystemTime), String>,
    peers: HashMap<Vec<u8>, Peer>,
}

impl Engine {
    fn new(router: Socket, config: ServerConfig, stats: Arc<ServerStats>) -> Engine {
        let mut engine = Engine {
            router,
            config,
            stats,
            published: BTreeMap::new(),
            digests: HashMap::new(),
            peers: HashMap::new(),
        };
        engine.published = engine.scan();
        engine
    }

    fn run(&mut self, stop: &AtomicBool) {
        let mut next_monitor = Instant::now() + self.config.monitor;
        let mut next_heartbeat = Instant::now() + self.config.heartbeat;
        while !stop.load(Ordering::Relaxed) {
            let busy = self.dispatch();
            let wait = if busy { 0 } else { 100 };
            if self.router.poll(POLLIN, wait).unwrap_or(0) > 0 {
                for _ in 0..256 {
                    match self.router.recv_multipart(DONTWAIT) {
                        Ok(frames) => self.handle(frames),
                        Err(_) => break,
                    }
                }
            }
            let now = Instant::now();
            if now >= next_monitor {
                self.rescan();
                next_monitor = now + self.config.monitor;
            }
            if now >= next_heartbeat {
                self.heartbeat(now);
                next_heartbeat = now + self.config.heartbeat;
            }
            self.update_stats();
        }
        let ids: Vec<Vec<u8>> = self.peers.keys().cloned().collect();
        for id in ids {
            self.send(&id, &Command::Kthxbai);
        }
    }

    fn scan(&self) -> BTreeMap<String, Published> {
        let now = SystemTime::now();
        let mut all = BTreeMap::new();
        for mount in &self.config.mounts {
            all.extend(mount.scan(now));
        }
        all
    }

    fn update_stats(&self) {
        self.stats
            .clients
            .store(self.peers.len() as u64, Ordering::Relaxed);
        let queued: usize = self.peers.values().map(|p| p.queue.len()).sum();
        self.stats
            .queued_files
            .store(queued as u64, Ordering::Relaxed);
    }

    fn send(&self, id: &[u8], command: &Command) -> bool {
        let mut frames = vec![id.to_vec()];
        frames.extend(command.encode());
        self.router.send_multipart(frames, DONTWAIT).is_ok()
    }

    fn refuse(&mut self, id: &[u8], reason: &str) {
        self.stats.srsly_sent.fetch_add(1, Ordering::Relaxed);
        self.send(
            id,
            &Command::Srsly {
                reason: reason.into(),
            },
        );
    }

    fn rtfm(&mut self, id: &[u8], reason: &str) {
        self.stats.rtfm_sent.fetch_add(1, Ordering::Relaxed);
        self.send(
            id,
            &Command::Rtfm {
                reason: reason.into(),
            },
        );
    }

    fn handle(&mut self, mut frames: Vec<Vec<u8>>) {
        if frames.len() < 2 {
            return;
        }
        let id = frames.remove(0);
        let command = match Command::decode(&frames) {
            Ok(c) => c,
            Err(e) => return self.rtfm(&id, &e.to_string()),
        };
        if let Some(peer) = self.peers.get_mut(&id) {
            peer.last_heard = Instant::now();
        }
        match command {
            Command::Ohai => {
                self.peers.insert(
                    id.clone(),
                    Peer {
                        stage: Stage::Challenged,
                        subscriptions: Vec::new(),
                        credit: 0,
                        sequence: 0,
                        queue: VecDeque::new(),
                        last_heard: Instant::now(),
                    },
                );
                let mut mechanisms = Vec::new();
                if self.config.anonymous {
                    mechanisms.push("ANONYMOUS".to_string());
                }
                if !self.config.plain.is_empty() {
                    mechanisms.push("PLAIN".to_string());
                }
                self.send(
                    &id,
                    &Command::Orly {
                        mechanisms,
                        challenge: Vec::new(),
                    },
                );
            }
            Command::Yarly {
                mechanism,
                response,
            } => {
                let Some(peer) = self.peers.get(&id) else {
                    return self.rtfm(&id, "OHAI first");
                };
                if peer.stage != Stage::Challenged {
                    return self.rtfm(&id, "YARLY out of turn");
                }
                if self.accepts(&mechanism, &response) {
                    if let Some(peer) = self.peers.get_mut(&id) {
                        peer.stage = Stage::Ready;
                    }
                    self.send(&id, &Command::OhaiOk);
                } else {
                    self.peers.remove(&id);
                    self.refuse(&id, "access denied");
                }
            }
            Command::Icanhaz {
                path,
                options,
                cache,
            } => {
                if !self.is_ready(&id) {
                    return self.rtfm(&id, "OHAI first");
                }
                if !paths::is_valid(&path) {
                    return self.refuse(&id, "invalid path");
                }
                let resync = options.iter().any(|(k, v)| k == "RESYNC" && v == "1");
                if resync {
                    let jobs = self.resync_jobs(&path, &options, &cache);
                    if let Some(peer) = self.peers.get_mut(&id) {
                        for job in jobs {
                            enqueue(&mut peer.queue, job);
                        }
                    }
                }
                if let Some(peer) = self.peers.get_mut(&id) {
                    if !peer.subscriptions.contains(&path) {
                        peer.subscriptions.push(path);
                    }
                }
                self.send(&id, &Command::IcanhazOk);
            }
            Command::Nom { credit, .. } => {
                if !self.is_ready(&id) {
                    return self.rtfm(&id, "OHAI first");
                }
                if let Some(peer) = self.peers.get_mut(&id) {
                    peer.credit = peer.credit.saturating_add(credit);
                }
            }
            Command::Hugz => {
                if !self.peers.contains_key(&id) {
                    return self.rtfm(&id, "OHAI first");
                }
                self.send(&id, &Command::HugzOk);
            }
            Command::HugzOk => {
                if !self.peers.contains_key(&id) {
                    self.rtfm(&id, "OHAI first");
                }
            }
            Command::Kthxbai => {
                self.peers.remove(&id);
            }
            other => self.rtfm(&id, &format!("{} is not a client command", other.name())),
        }
    }

    fn is_ready(&self, id: &[u8]) -> bool {
        self.peers.get(id).is_some_and(|p| p.stage == Stage::Ready)
    }

    /// Whether a YARLY answers the challenge: ANONYMOUS when allowed, or PLAIN
    /// (`[authzid] NUL login NUL password`, RFC 4616) with a configured account.
    fn accepts(&self, mechanism: &str, response: &[u8]) -> bool {
        match mechanism {
            "ANONYMOUS" => self.config.anonymous,
            "PLAIN" => {
                let parts: Vec<&[u8]> = response.split(|b| *b == 0).collect();
                let [_, login, password] = parts[..] else {
                    return false;
                };
                self.config
                    .plain
                    .iter()
                    .any(|(l, p)| l.as_bytes() == login && p.as_bytes() == password)
            }
            _ => false,
        }
    }

    /// Every published file under `path` the client's cache does not hold, each from the
    /// offset its RESUME option proves it has.
    fn resync_jobs(&mut self, path: &str, options: &Dictionary, cache: &Dictionary) -> Vec<Job> {
        let cached: HashMap<String, &str> = cache
            .iter()
            .filter_map(|(name, digest)| {
                let full = if name.starts_with('/') {
                    paths::is_under(name, path).then(|| name.clone())?
                } else {
                    format!("{}/{}", path.trim_end_matches('/'), name)
                };
                Some((full, digest.as_str()))
            })
            .collect();
        let resume: HashMap<&str, &str> = options
            .iter()
            .filter_map(|(k, v)| Some((k.strip_prefix(RESUME_PREFIX)?, v.as_str())))
            .collect();
        let files: Vec<(String, Published)> = self
            .published
            .iter()
            .filter(|(name, _)| paths::is_under(name, path))
            .map(|(n, p)| (n.clone(), p.clone()))
            .collect();
        let mut jobs = Vec::new();
        for (name, file) in files {
            if let Some(digest) = cached.get(&name) {
                if self
                    .digest(&file)
                    .is_some_and(|d| d.eq_ignore_ascii_case(digest))
                {
                    continue;
                }
            }
            let mut job = Job::create(&name, &file);
            if let Some((offset, digest)) =
                resume.get(name.as_str()).and_then(|v| v.split_once(':'))
            {
                if let Ok(offset) = offset.parse::<u64>() {
                    let same = offset <= file.size
                        && file_sha1(&file.physical, Some(offset))
                            .is_ok_and(|d| d.eq_ignore_ascii_case(digest));
                    if same {
                        job.offset = offset;
                    }
                }
            }
            jobs.push(job);
        }
        jobs
    }

    fn digest(&mut self, file: &Published) -> Option<String> {
        let key = (file.physical.clone(), file.size, file.mtime);
        if let Some(d) = self.digests.get(&key) {
            return Some(d.clone());
        }
        let d = file_sha1(&file.physical, None).ok()?;
        self.digests.insert(key, d.clone());
        Some(d)
    }

    /// Rescans the mounts and queues what changed for every subscriber.
    fn rescan(&mut self) {
        let now = self.scan();
        let mut jobs: Vec<(String, Option<Published>)> = Vec::new();
        for (name, file) in &now {
            let changed = self
                .published
                .get(name)
                .is_none_or(|old| old.size != file.size || old.mtime != file.mtime);
            if changed {
                jobs.push((name.clone(), Some(file.clone())));
            }
        }
        for name in self.published.keys() {
            if !now.contains_key(name) {
                jobs.push((name.clone(), None));
            }
        }
        self.published = now;
        self.digests
            .retain(|(path, _, _), _| self.published.values().any(|p| &p.physical == path));
        for peer in self.peers.values_mut() {
            if peer.stage != Stage::Ready {
                continue;
            }
            for (name, file) in &jobs {
                if !peer.subscriptions.iter().any(|s| paths::is_under(name, s)) {
                    continue;
                }
                let job = match file {
                    Some(file) => Job::create(name, file),
                    None => Job::delete(name),
                };
                enqueue(&mut peer.queue, job);
            }
        }
    }

    fn heartbeat(&mut self, now: Instant) {
        let limit = self.config.heartbeat * LIVENESS;
        self.peers
            .retain(|_, peer| now.duration_since(peer.last_heard) <= limit);
        let ids: Vec<Vec<u8>> = self.peers.keys().cloned().collect();
        for id in ids {
            if !self.send(&id, &Command::Hugz) {
                self.peers.remove(&id);
            }
        }
    }

    /// Sends what credit allows, a few chunks per client per round; true if more could go.
    fn dispatch(&mut self) -> bool {
        let mut more = false;
        let ids: Vec<Vec<u8>> = self.peers.keys().cloned().collect();
        for id in ids {
            for _ in 0..8 {
                match self.next_chunk(&id) {
                    Some(command) => {
                        let frames: Vec<Vec<u8>> = std::iter::once(id.clone())
                            .chain(command.encode())
                            .collect();
                        match self.router.send_multipart(frames, DONTWAIT) {
                            Ok(()) => self.commit_chunk(&id, &command),
                            Err(ferrozmq::Error::EAGAIN) => break,
                            Err(_) => {
                                self.peers.remove(&id);
                                break;
                            }
                        }
                        more = true;
                    }
                    None => break,
                }
            }
        }
        more
    }

    /// The next CHEEZBURGER for this client, if its credit and queue allow one.
    fn next_chunk(&mut self, id: &[u8]) -> Option<Command> {
        let peer = self.peers.get_mut(id)?;
        if peer.stage != Stage::Ready {
            return None;
        }
        loop {
            let job = peer.queue.front_mut()?;
            let sequence = peer.sequence;
            if job.operation == OP_DELETE || job.offset >= job.size {
                return Some(job.command(sequence, Vec::new()));
            }
            if peer.credit == 0 {
                return None;
            }
            let want = CHUNK_SIZE.min(peer.credit).min(job.size - job.offset);
            if job.file.is_none() {
                job.file = File::open(&job.physical).ok();
            }
            let mut chunk = vec![0u8; want as usize];
            let read = match &job.file {
                Some(file) => file.read_at(&mut chunk, job.offset).unwrap_or(0),
                None => 0,
            };
            if read == 0 {
                // Gone or shrunk: end it where it is.
                job.size = job.offset;
                continue;
            }
            chunk.truncate(read);
            return Some(job.command(sequence, chunk));
        }
    }

    /// Books a sent chunk: credit, offset, sequence; the job ends with its empty chunk.
    fn commit_chunk(&mut self, id: &[u8], command: &Command) {
        let Some(peer) = self.peers.get_mut(id) else {
            return;
        };
        let Command::Cheezburger { chunk, .. } = command else {
            return;
        };
        peer.sequence += 1;
        if chunk.is_empty() {
            peer.queue.pop_front();
            return;
        }
        let n = chunk.len() as u64;
        peer.credit -= n;
        self.stats.bytes_sent.fetch_add(n, Ordering::Relaxed);
        if let Some(job) = peer.queue.front_mut() {
            job.offset += n;
        }
    }
}

impl Job {
    fn create(name: &str, file: &Published) -> Job {
        Job {
            name: name.to_string(),
            operation: OP_CREATE,
            physical: file.physical.clone(),
            size: file.size,
            offset: 0,
            file: None,
        }
    }

    fn delete(name: &str) -> Job {
        Job {
            name: name.to_string(),
            operation: OP_DELETE,
            physical: PathBuf::new(),
            size: 0,
            offset: 0,
            file: None,
        }
    }

    fn command(&self, sequence: u64, chunk: Vec<u8>) -> Command {
        Command::Cheezburger {
            sequence,
            operation: self.operation,
            filename: self.name.clone(),
            offset: self.offset,
            headers: Vec::new(),
            chunk,
        }
    }
}

/// Queues `job`, replacing a queued job for the same file that has not started.
fn enqueue(queue: &mut VecDeque<Job>, job: Job) {
    let started = |j: &Job, i: usize| i == 0 && (j.offset > 0 || j.file.is_some());
    if let Some(i) = queue
        .iter()
        .enumerate()
        .position(|(i, j)| j.name == job.name && !started(j, i))
    {
        queue[i] = job;
    } else {
        queue.push_back(job);
    }
}
