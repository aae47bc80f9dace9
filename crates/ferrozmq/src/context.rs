//! `Context`: the container of a set of sockets — their I/O threads and their termination.
//!
//! Termination follows libzmq's `zmq_ctx_term`: blocked and later calls on the context's
//! sockets fail with ETERM; termination waits until every socket is closed and every session
//! has delivered its queued messages or run out of LINGER, then stops the I/O threads.

use crate::context_options::{self, ContextOptions};
use crate::error::{Error, Result};
use crate::inproc;
use crate::io::{self, IoShared, IoThread};
use crate::mailbox::SocketShared;
use crate::signal::lock;
use crate::socket::{Socket, ThreadSafeSocket};
use ferrozmq_zmtp::SocketType;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, Weak};

/// A ZeroMQ context. Cheap to clone (all clones are the same context); sockets keep it alive.
/// When the last clone and the last socket are gone, it terminates.
///
/// ```
/// let ctx = ferrozmq::Context::new();
/// let socket = ctx.socket(ferrozmq::REP)?;
/// # Ok::<(), ferrozmq::Error>(())
/// ```
#[derive(Clone)]
pub struct Context {
    handle: Arc<Handle>,
}

/// Terminates the context when the last `Context` clone goes.
struct Handle {
    inner: Arc<ContextInner>,
}

impl Drop for Handle {
    fn drop(&mut self) {
        self.inner.terminate();
    }
}

struct Sockets {
    live: usize,
    all: Vec<Weak<SocketShared>>,
}

struct IoThreads {
    wanted: usize,
    running: Vec<IoThread>,
}

pub(crate) struct ContextInner {
    io: Mutex<IoThreads>,
    next_io: AtomicUsize,
    ids: Arc<AtomicU64>,
    terminating: AtomicBool,
    terminated: AtomicBool,
    sockets: Mutex<Sockets>,
    sockets_closed: Condvar,
    /// Every option but IO_THREADS (`context_options`).
    options: Mutex<ContextOptions>,
    /// Shared with sessions, which reach the ZAP handler through it.
    inproc: Arc<Mutex<inproc::Registry>>,
    /// The threads serving pgm/epgm endpoints: termination waits for them, as for lingering
    /// sessions, so that what a closed PUB queued still goes out (within its LINGER).
    pumps: Mutex<Vec<std::thread::JoinHandle<()>>>,
}

impl Context {
    /// A new context with one I/O thread (started when first needed).
    pub fn new() -> Context {
        Context {
            handle: Arc::new(Handle {
                inner: Arc::new(ContextInner {
                    io: Mutex::new(IoThreads {
                        wanted: 1,
                        running: Vec::new(),
                    }),
                    next_io: AtomicUsize::new(0),
                    ids: Arc::new(AtomicU64::new(1)),
                    terminating: AtomicBool::new(false),
                    terminated: AtomicBool::new(false),
                    sockets: Mutex::new(Sockets {
                        live: 0,
                        all: Vec::new(),
                    }),
                    sockets_closed: Condvar::new(),
                    pumps: Mutex::new(Vec::new()),
                    options: Mutex::new(ContextOptions::default()),
                    inproc: Arc::new(Mutex::new(inproc::Registry::default())),
                }),
            }),
        }
    }

    pub(crate) fn inner(&self) -> &ContextInner {
        &self.handle.inner
    }

    /// Creates a socket of type `socket_type`.
    pub fn socket(&self, socket_type: SocketType) -> Result<Socket> {
        Socket::new(self.clone(), socket_type)
    }

    /// Creates a socket of a draft thread-safe type (CLIENT, SERVER, RADIO, DISH, SCATTER,
    /// GATHER, PEER, CHANNEL) that many threads may use at once; EINVAL for other types.
    /// (`socket` makes them too, as single-thread sockets.)
    pub fn thread_safe_socket(&self, socket_type: SocketType) -> Result<ThreadSafeSocket> {
        ThreadSafeSocket::new(self.socket(socket_type)?)
    }

    /// Number of I/O threads (`ZMQ_IO_THREADS`).
    pub fn get_io_threads(&self) -> Result<i32> {
        Ok(lock(&self.inner().io).wanted as i32)
    }

    /// Sets the number of I/O threads (`ZMQ_IO_THREADS`). They start at the first bind or
    /// connect; after that this fails with EINVAL rather than being silently ignored (as
    /// libzmq does).
    pub fn set_io_threads(&self, value: i32) -> Result<()> {
        let value = usize::try_from(value).map_err(|_| Error::EINVAL)?;
        let mut io = lock(&self.inner().io);
        if !io.running.is_empty() {
            return Err(Error::EINVAL);
        }
        io.wanted = value;
        Ok(())
    }

    /// Sets context option `option` (`zmq_ctx_set`; ids and values in
    /// [`context_options`](crate::context_options)): EINVAL for an unknown option or a value
    /// libzmq refuses.
    ///
    /// ```
    /// use ferrozmq::context_options::{BLOCKY, MAX_SOCKETS};
    /// let ctx = ferrozmq::Context::new();
    /// ctx.set(MAX_SOCKETS, 10)?;
    /// ctx.set(BLOCKY, 0)?; // sockets made from now on start with LINGER 0
    /// assert_eq!(ctx.get(MAX_SOCKETS)?, 10);
    /// # Ok::<(), ferrozmq::Error>(())
    /// ```
    pub fn set(&self, option: i32, value: i32) -> Result<()> {
        if option == context_options::IO_THREADS {
            return self.set_io_threads(value);
        }
        lock(&self.inner().options).set(option, value)
    }

    /// Reads context option `option` (`zmq_ctx_get`): EINVAL for an unknown or write-only
    /// option.
    pub fn get(&self, option: i32) -> Result<i32> {
        if option == context_options::IO_THREADS {
            return self.get_io_threads();
        }
        lock(&self.inner().options).get(option)
    }

    /// Sets a context option to bytes (`zmq_ctx_set_ext` with a value not an int's size):
    /// THREAD_NAME_PREFIX as text of 1 to 16 bytes; EINVAL for any other option.
    pub fn set_ext(&self, option: i32, value: &[u8]) -> Result<()> {
        lock(&self.inner().options).set_bytes(option, value)
    }

    /// Reads a context option as bytes (`zmq_ctx_get_ext`): THREAD_NAME_PREFIX's text
    /// (a number set with [`set`](Context::set) reads as its decimal digits).
    pub fn get_ext(&self, option: i32) -> Result<Vec<u8>> {
        lock(&self.inner().options).get_bytes(option)
    }

    /// Terminates the context (`zmq_ctx_term`): blocking calls on its sockets return ETERM,
    /// and this waits until every socket is closed and lingering messages are delivered.
    pub fn destroy(&mut self) -> Result<()> {
        self.inner().terminate();
        Ok(())
    }

    /// Starts termination without waiting (`zmq_ctx_shutdown`): blocking calls on the
    /// context's sockets return ETERM and new sockets cannot be made; the context finishes
    /// terminating when its sockets are closed and the last clone is dropped (or `destroy`).
    pub fn shutdown(&self) -> Result<()> {
        self.inner().shutdown();
        Ok(())
    }
}

impl Default for Context {
    fn default() -> Context {
        Context::new()
    }
}

impl ContextInner {
    /// A fresh id for a pipe, session or listener.
    pub(crate) fn next_id(&self) -> u64 {
        self.ids.fetch_add(1, Ordering::Relaxed)
    }

    /// The context's inproc endpoints.
    pub(crate) fn inproc(&self) -> std::sync::MutexGuard<'_, inproc::Registry> {
        lock(&self.inproc)
    }

    /// The inproc registry itself, for I/O threads that connect to inproc endpoints (ZAP).
    pub(crate) fn inproc_registry(&self) -> Arc<Mutex<inproc::Registry>> {
        self.inproc.clone()
    }

    pub(crate) fn is_terminating(&self) -> bool {
        self.terminating.load(Ordering::Acquire)
    }

    /// A copy of the context's options, for a socket being made or an endpoint being set up.
    pub(crate) fn options(&self) -> ContextOptions {
        lock(&self.options).clone()
    }

    /// Counts a new socket in; EMFILE when MAX_SOCKETS are already open.
    pub(crate) fn register_socket(&self, socket: &Arc<SocketShared>) -> Result<()> {
        let max_sockets = lock(&self.options).max_sockets;
        let mut sockets = lock(&self.sockets);
        if self.is_terminating() {
            return Err(Error::ETERM);
        }
        if sockets.live >= max_sockets as usize {
            return Err(Error::EMFILE);
        }
        sockets.live += 1;
        sockets.all.retain(|w| w.strong_count() > 0);
        sockets.all.push(Arc::downgrade(socket));
        Ok(())
    }

    pub(crate) fn unregister_socket(&self) {
        let mut sockets = lock(&self.sockets);
        sockets.live -= 1;
        if sockets.live == 0 {
            self.sockets_closed.notify_all();
        }
    }

    /// An I/O thread for a new endpoint, starting the threads on first use: the next in
    /// turn among those `affinity` allows (bit n = thread n; 0 = any, as libzmq's
    /// ZMQ_AFFINITY), EMTHREAD if it allows none.
    pub(crate) fn choose_io_thread(&self, affinity: u64) -> Result<Arc<IoShared>> {
        let mut io = lock(&self.io);
        if self.is_terminating() {
            return Err(Error::ETERM);
        }
        if io.running.is_empty() {
            if io.wanted == 0 {
                return Err(Error::EMTHREAD);
            }
            let threads = lock(&self.options).threads.clone();
            for index in 0..io.wanted {
                match io::spawn(index, self.ids.clone(), &threads) {
                    Ok(thread) => io.running.push(thread),
                    Err(error) => {
                        // All or none: a thread the options could not be applied to fails
                        // the bind or connect, and the next one tries again.
                        for mut thread in io.running.drain(..) {
                            thread.stop_and_join();
                        }
                        return Err(error.into());
                    }
                }
            }
        }
        let allowed: Vec<&IoThread> = (io.running.iter().enumerate())
            .filter(|&(i, _)| affinity == 0 || (i < 64 && affinity & (1 << i) != 0))
            .map(|(_, thread)| thread)
            .collect();
        if allowed.is_empty() {
            return Err(Error::EMTHREAD);
        }
        let i = self.next_io.fetch_add(1, Ordering::Relaxed) % allowed.len();
        Ok(allowed[i].shared.clone())
    }

    /// Keeps a pgm/epgm endpoint's thread for termination to wait for.
    pub(crate) fn adopt_pump(&self, pump: std::thread::JoinHandle<()>) {
        let mut pumps = lock(&self.pumps);
        pumps.retain(|p| !p.is_finished());
        pumps.push(pump);
    }

    /// Makes every blocking call on the context's sockets (and every later call) fail with
    /// ETERM.
    pub(crate) fn shutdown(&self) {
        let sockets = lock(&self.sockets);
        self.terminating.store(true, Ordering::Release);
        for socket in sockets.all.iter().filter_map(Weak::upgrade) {
            socket.signaler.signal();
        }
    }

    /// Runs termination once: ETERM for sockets, wait for them to close, stop I/O threads.
    pub(crate) fn terminate(&self) {
        if self.terminated.swap(true, Ordering::AcqRel) {
            return;
        }
        self.shutdown();
        let mut sockets = lock(&self.sockets);
        while sockets.live > 0 {
            sockets = self
                .sockets_closed
                .wait(sockets)
                .unwrap_or_else(|poisoned| poisoned.into_inner());
        }
        drop(sockets);
        for pump in std::mem::take(&mut *lock(&self.pumps)) {
            let _ = pump.join();
        }
        let mut threads = std::mem::take(&mut lock(&self.io).running);
        for thread in &mut threads {
            thread.stop_and_join();
        }
    }
}
