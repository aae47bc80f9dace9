//! Pipes: the lock-free queues between a socket and one peer (a session in an I/O thread).
//!
//! A pipe has two directions, each a lock-free SPSC queue ([`Queue`]) of whole messages ([`Parcel`]s), so a
//! multipart message is visible to the reader all at once or not at all. The high-water mark
//! counts whole messages, as libzmq's does.
//!
//! Concurrency contract (libzmq's ypipe idea): each direction has exactly one writer and one
//! reader. A reader that finds its queue empty sets `reader_waiting` and re-checks; a writer
//! notifies the reader only if that flag is set. A writer that finds the queue at its
//! high-water mark sets `writer_waiting` and re-checks; the reader notifies it only then. So a
//! stream of messages costs no wake-ups and no syscalls while both sides are busy. The SeqCst
//! fences between "publish" and "check the other side's flag" make the two re-checks sound
//! (either the re-check sees the data, or the other side sees the flag).
//!
//! ZMQ_CONFLATE (libzmq's `ypipe_conflate`): such a direction holds one message, in a slot
//! the writer overwrites, so a fast writer and a slow reader cost one message of memory and
//! the reader always gets the newest. The wake-up protocol is the same.
//!
//! The flags are raised with a `swap(true)`, not a `store(true)`: the same cost (x86 compiles
//! a SeqCst store to `xchg` anyway) and only on the slow path (empty pipe, full pipe), but
//! it makes the raise read the other side's last `swap(false)`, which loom needs: loom keeps
//! a modification order per atomic only as a partial order, so a plain store that had not
//! observed the other thread's clearing swap could be taken as older than it, and a load
//! after the SeqCst fences could then return the stale `false` (a deadlock loom reported in
//! `a_full_pipe_wakes_its_sleeping_writer_with_the_writer_open`; under the C++/Rust memory
//! model and in production that outcome is impossible, so it was no lost wake-up).

use crate::message::Message;
use crate::metadata::PeerMetadata;
use crate::signal::lock;
use crate::spsc::{Padded, Queue};
use crate::sync::atomic::{fence, AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// One whole message in flight: every frame, in order. Frame `more` flags are not relied on.
#[derive(Debug)]
pub(crate) enum Parcel {
    /// A single-frame message, the common case: no vector allocation.
    One(Message),
    /// A multipart message.
    Multi(Vec<Message>),
    /// A subscription to a topic, between a subscriber socket and its publisher's session
    /// (which speaks it as a SUBSCRIBE command or a 3.0-style message, as the peer needs).
    Subscribe(bytes::Bytes),
    /// The end of a subscription.
    Cancel(bytes::Bytes),
}

impl Parcel {
    /// Builds a parcel from frames, avoiding a vector for single-frame messages.
    pub(crate) fn from_frames(mut frames: Vec<Message>) -> Parcel {
        if frames.len() == 1 {
            if let Some(frame) = frames.pop() {
                return Parcel::One(frame);
            }
        }
        Parcel::Multi(frames)
    }

    /// Makes every frame cheap to clone (large payloads become shared buffers), before the
    /// same message goes to many peers.
    pub(crate) fn share(&mut self) {
        match self {
            Parcel::One(m) => m.share(),
            Parcel::Multi(frames) => frames.iter_mut().for_each(Message::share),
            Parcel::Subscribe(_) | Parcel::Cancel(_) => {}
        }
    }

    /// A copy sharing the payloads (call `share` first so no payload is copied).
    pub(crate) fn clone_shared(&self) -> Parcel {
        match self {
            Parcel::One(m) => Parcel::One(m.clone()),
            Parcel::Multi(frames) => Parcel::Multi(frames.clone()),
            Parcel::Subscribe(t) => Parcel::Subscribe(t.clone()),
            Parcel::Cancel(t) => Parcel::Cancel(t.clone()),
        }
    }
}

/// Who to tell when a pipe end needs its owner's attention (data arrived, room freed, closed).
pub(crate) trait Notify: Send + Sync {
    /// Wakes the owner of one end of pipe `pipe_id`.
    fn notify(&self, pipe_id: u64);
}

/// Who sets a direction's high-water mark: the socket at either end of it. A tcp or ipc
/// pipe has one socket (its session's end has no say); an inproc pipe has two, and its HWM is
/// the writer's SNDHWM plus the reader's RCVHWM, unlimited if either is 0 (libzmq's rule).
#[derive(Clone, Copy, Default)]
struct Shares {
    writer: Option<u64>,
    reader: Option<u64>,
}

impl Shares {
    /// The high-water mark these shares give (0 = unlimited).
    fn hwm(self) -> u64 {
        let mut total = 0;
        for share in [self.writer, self.reader].into_iter().flatten() {
            if share == 0 {
                return 0;
            }
            total += share;
        }
        total
    }
}

struct Direction {
    queue: Queue<Parcel>,
    /// High-water mark in messages; 0 = unlimited: `shares` summed, kept apart so the writer
    /// reads one atomic. Adjustable: ZMQ_SNDHWM/RCVHWM set on a socket reach the pipes it
    /// has, and inproc connect-before-bind learns the binder's share only at bind time.
    hwm: AtomicU64,
    /// What each end's socket asked for; changed only by `set_hwms`, rarely.
    shares: Mutex<Shares>,
    /// Messages the reader has taken so far (its credit to the writer). The reader stores
    /// it after every read and the writer loads it only near the HWM, so it sits on a cache
    /// line of its own: sharing one with the flags the writer loads on every write made each
    /// write miss the cache while the reader kept pace.
    read_count: Padded<AtomicU64>,
    reader_waiting: AtomicBool,
    writer_waiting: AtomicBool,
    /// Who writes into this direction (the reader's peer): handshake metadata, replaced at
    /// each handshake, with a generation so the reader can cache it without locking.
    sender: Mutex<Option<Arc<PeerMetadata>>>,
    sender_generation: AtomicU64,
    /// ZMQ_CONFLATE: the writer puts messages in `latest`, replacing what is there.
    conflate: AtomicBool,
    /// ZMQ_CONFLATE: the newest message not read yet. Anything still in `queue` was written
    /// before the pipe was made conflating, so it is older.
    latest: Mutex<Option<Parcel>>,
    /// What the writer's end writes last, as it closes (an inproc DISCONNECT_MSG).
    farewell: Mutex<Option<Parcel>>,
}

impl Direction {
    fn new(shares: Shares) -> Direction {
        Direction {
            queue: Queue::new(),
            hwm: AtomicU64::new(shares.hwm()),
            shares: Mutex::new(shares),
            read_count: Padded(AtomicU64::new(0)),
            reader_waiting: AtomicBool::new(false),
            writer_waiting: AtomicBool::new(false),
            sender: Mutex::new(None),
            sender_generation: AtomicU64::new(0),
            conflate: AtomicBool::new(false),
            latest: Mutex::new(None),
            farewell: Mutex::new(None),
        }
    }
}

struct Shared {
    id: u64,
    /// Written by the socket side, read by the peer side.
    outbound: Direction,
    /// Written by the peer side, read by the socket side.
    inbound: Direction,
    socket_closed: AtomicBool,
    peer_closed: AtomicBool,
    /// ZMQ_IMMEDIATE: false while a connect-side pipe has no completed connection, so
    /// senders pass it by.
    connected: AtomicBool,
    notify_socket: Arc<dyn Notify>,
    notify_peer: Arc<dyn Notify>,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Side {
    Socket,
    Peer,
}

/// Wakes the socket that owns a pipe's socket end with an event for that pipe, even after the
/// pipe is gone: a pattern that stops its work early, to bound the time one call takes, asks
/// for another turn this way.
pub(crate) struct SocketWaker {
    notify: Arc<dyn Notify>,
    id: u64,
}

impl SocketWaker {
    /// Posts an event for the pipe to its socket (which then runs another turn).
    pub(crate) fn wake(&self) {
        self.notify.notify(self.id);
    }
}

/// One end of a pipe, owned by one thread. Dropping it closes that end and tells the other.
pub(crate) struct PipeEnd {
    shared: Arc<Shared>,
    side: Side,
    written: u64,
    read: u64,
    /// Last read count seen from the reader, so a writer below its HWM touches no shared line.
    known_read: u64,
    /// This end's copy of its peer's metadata, and the generation it was read at.
    peer_cache: Option<Arc<PeerMetadata>>,
    peer_seen: u64,
    /// Written messages the reader cannot see yet (see `write_unflushed`).
    unflushed: bool,
}

/// Creates a pipe with id `id` for the socket behind its first end: `out_hwm` (its SNDHWM)
/// bounds socket → peer, `in_hwm` (its RCVHWM) bounds peer → socket. A socket behind the
/// other end (inproc) adds its own with `set_hwms`.
pub(crate) fn pipe(
    id: u64,
    out_hwm: u64,
    in_hwm: u64,
    notify_socket: Arc<dyn Notify>,
    notify_peer: Arc<dyn Notify>,
) -> (PipeEnd, PipeEnd) {
    let shared = Arc::new(Shared {
        id,
        outbound: Direction::new(Shares {
            writer: Some(out_hwm),
            reader: None,
        }),
        inbound: Direction::new(Shares {
            writer: None,
            reader: Some(in_hwm),
        }),
        socket_closed: AtomicBool::new(false),
        peer_closed: AtomicBool::new(false),
        connected: AtomicBool::new(true),
        notify_socket,
        notify_peer,
    });
    let end = |side: Side| PipeEnd {
        shared: shared.clone(),
        side,
        written: 0,
        read: 0,
        known_read: 0,
        peer_cache: None,
        peer_seen: 0,
        unflushed: false,
    };
    (end(Side::Socket), end(Side::Peer))
}

/// The direction `side` writes to.
fn writing(shared: &Shared, side: Side) -> &Direction {
    match side {
        Side::Socket => &shared.outbound,
        Side::Peer => &shared.inbound,
    }
}

/// The direction `side` reads from.
fn reading(shared: &Shared, side: Side) -> &Direction {
    match side {
        Side::Socket => &shared.inbound,
        Side::Peer => &shared.outbound,
    }
}

impl PipeEnd {
    /// The pipe's id, shared by both ends.
    pub(crate) fn id(&self) -> u64 {
        self.shared.id
    }

    fn reading(&self) -> &Direction {
        reading(&self.shared, self.side)
    }

    fn my_closed_flag(&self) -> &AtomicBool {
        match self.side {
            Side::Socket => &self.shared.socket_closed,
            Side::Peer => &self.shared.peer_closed,
        }
    }

    fn other_closed_flag(&self) -> &AtomicBool {
        match self.side {
            Side::Socket => &self.shared.peer_closed,
            Side::Peer => &self.shared.socket_closed,
        }
    }

    /// Publishes, for the other end, who is behind this end: a session after a handshake
    /// publishes its peer's metadata; an inproc socket publishes its own.
    pub(crate) fn set_peer(&self, metadata: Arc<PeerMetadata>) {
        let dir = writing(&self.shared, self.side);
        *lock(&dir.sender) = Some(metadata);
        dir.sender_generation.fetch_add(1, Ordering::Release);
    }

    /// Says, for the other end, that nobody is behind this end for now (a connect-side
    /// session lost its connection).
    pub(crate) fn clear_peer(&self) {
        let dir = writing(&self.shared, self.side);
        *lock(&dir.sender) = None;
        dir.sender_generation.fetch_add(1, Ordering::Release);
    }

    /// The peer's metadata as it is now, without this end's cache (for a caller holding
    /// the end shared, as monitor queries do).
    pub(crate) fn current_peer(&self) -> Option<Arc<PeerMetadata>> {
        lock(&reading(&self.shared, self.side).sender).clone()
    }

    /// Who is behind the other end, once known (see `set_peer`).
    pub(crate) fn peer(&mut self) -> Option<&Arc<PeerMetadata>> {
        let dir = reading(&self.shared, self.side);
        let generation = dir.sender_generation.load(Ordering::Acquire);
        if generation != self.peer_seen {
            self.peer_cache = lock(&dir.sender).clone();
            self.peer_seen = generation;
        }
        self.peer_cache.as_ref()
    }

    /// ZMQ_CONFLATE: both directions keep only the newest message (so no HWM applies):
    /// from now on a write replaces the message not read yet.
    pub(crate) fn set_conflate(&self) {
        for dir in [&self.shared.outbound, &self.shared.inbound] {
            dir.hwm.store(0, Ordering::Relaxed);
            dir.conflate.store(true, Ordering::Relaxed);
        }
    }

    /// Sets the share of the socket behind this end: `write` (its SNDHWM) in the direction
    /// this end writes to, `read` (its RCVHWM) in the one it reads from; each direction's
    /// HWM becomes the sum of its shares (0 = unlimited). A conflating direction keeps no
    /// HWM. A writer stalled in the direction this end reads is woken to look again, as its
    /// limit may have risen.
    pub(crate) fn set_hwms(&self, write: u64, read: u64) {
        let set = |dir: &Direction, share: &mut dyn FnMut(&mut Shares)| {
            let mut shares = lock(&dir.shares);
            share(&mut shares);
            if !dir.conflate.load(Ordering::Relaxed) {
                dir.hwm.store(shares.hwm(), Ordering::Relaxed);
            }
        };
        set(writing(&self.shared, self.side), &mut |s| {
            s.writer = Some(write)
        });
        set(reading(&self.shared, self.side), &mut |s| {
            s.reader = Some(read)
        });
        self.release_writer();
    }

    /// Makes the other end, when it closes, write `parcel` as its last message to this end
    /// (libzmq's inproc DISCONNECT_MSG: the binder hears of the connecter leaving).
    pub(crate) fn set_farewell(&self, parcel: Parcel) {
        *lock(&reading(&self.shared, self.side).farewell) = Some(parcel);
    }

    /// ZMQ_IMMEDIATE: marks whether the pipe has a completed connection behind it.
    pub(crate) fn set_connected(&self, connected: bool) {
        self.shared.connected.store(connected, Ordering::Release);
    }

    /// False while a ZMQ_IMMEDIATE pipe waits for its connection.
    pub(crate) fn is_connected(&self) -> bool {
        self.shared.connected.load(Ordering::Acquire)
    }

    /// Wakes the owner of the other end (e.g. to say the peer's metadata changed).
    pub(crate) fn notify_other(&self) {
        match self.side {
            Side::Socket => self.shared.notify_peer.notify(self.shared.id),
            Side::Peer => self.shared.notify_socket.notify(self.shared.id),
        }
    }

    /// A waker for the socket that owns this pipe's socket end.
    pub(crate) fn socket_waker(&self) -> SocketWaker {
        SocketWaker {
            notify: self.shared.notify_socket.clone(),
            id: self.shared.id,
        }
    }

    /// Messages this end wrote that the other end has not read yet (PIPES_STATS).
    pub(crate) fn queued_out(&self) -> u64 {
        let dir = writing(&self.shared, self.side);
        self.written
            .saturating_sub(dir.read_count.load(Ordering::Acquire))
    }

    /// Messages waiting for this end to read them (PIPES_STATS).
    pub(crate) fn queued_in(&self) -> u64 {
        let dir = self.reading();
        // SAFETY: this end is the only reader of this direction; `len` reads the reader's
        // own state and the writer's published count.
        let queued = unsafe { dir.queue.len() } as u64;
        let latest = dir.conflate.load(Ordering::Relaxed) && lock(&dir.latest).is_some();
        queued + u64::from(latest)
    }

    /// True if the other end has been closed (it will neither read nor write any more, but
    /// what it wrote before closing can still be read).
    pub(crate) fn is_other_closed(&self) -> bool {
        self.other_closed_flag().load(Ordering::Acquire)
    }

    /// True if one more message can be written without passing the high-water mark. When it
    /// cannot, the reader is asked to notify us once it has made room.
    pub(crate) fn check_write(&mut self) -> bool {
        let dir = writing(&self.shared, self.side);
        let hwm = dir.hwm.load(Ordering::Relaxed);
        if hwm == 0 || self.written - self.known_read < hwm {
            return true;
        }
        let fresh = dir.read_count.load(Ordering::Acquire);
        self.known_read = fresh;
        if self.written - fresh < hwm {
            return true;
        }
        dir.writer_waiting.swap(true, Ordering::SeqCst);
        fence(Ordering::SeqCst);
        let fresh = dir.read_count.load(Ordering::SeqCst);
        self.known_read = fresh;
        if self.written - fresh < hwm {
            dir.writer_waiting.store(false, Ordering::Relaxed);
            return true;
        }
        false
    }

    /// Queues one whole message (the caller checked the high-water mark where the pattern
    /// requires it) and wakes the reader if it was waiting.
    pub(crate) fn write(&mut self, parcel: Parcel) {
        self.write_unflushed(parcel);
        self.flush();
    }

    /// Queues one whole message like [`write`](PipeEnd::write), but the reader sees it only
    /// at the next [`flush`](PipeEnd::flush) (or when this end is dropped): a session that
    /// decodes a batch of messages from one read publishes and checks for a sleeping reader
    /// once per batch, as libzmq's pipes do, not once per message.
    #[inline]
    pub(crate) fn write_unflushed(&mut self, parcel: Parcel) {
        let dir = writing(&self.shared, self.side);
        if dir.conflate.load(Ordering::Relaxed) {
            let replaced = lock(&dir.latest).replace(parcel);
            drop(replaced);
        } else {
            // SAFETY: this end is the only writer of this direction, and `&mut self` keeps it
            // to one thread at a time.
            unsafe { dir.queue.push_unpublished(parcel) };
        }
        self.written += 1;
        self.unflushed = true;
    }

    /// Makes what [`write_unflushed`](PipeEnd::write_unflushed) queued visible to the reader,
    /// and wakes the reader if it was waiting.
    pub(crate) fn flush(&mut self) {
        if !std::mem::take(&mut self.unflushed) {
            return;
        }
        let dir = writing(&self.shared, self.side);
        // SAFETY: this end is the only writer of this direction (see `write_unflushed`).
        unsafe { dir.queue.publish() };
        fence(Ordering::SeqCst);
        if dir.reader_waiting.load(Ordering::Relaxed)
            && dir.reader_waiting.swap(false, Ordering::AcqRel)
        {
            self.notify_other();
        }
    }

    /// Takes the next whole message, if any. When there is none, the writer is asked to
    /// notify us when it writes again.
    pub(crate) fn read(&mut self) -> Option<Parcel> {
        let dir = reading(&self.shared, self.side);
        if dir.conflate.load(Ordering::Relaxed) {
            return self.read_conflated();
        }
        // SAFETY (both pops): this end is the only reader of this direction, and `&mut self`
        // keeps it to one thread at a time.
        let parcel = match unsafe { dir.queue.pop() } {
            Some(p) => p,
            None => {
                dir.reader_waiting.swap(true, Ordering::SeqCst);
                fence(Ordering::SeqCst);
                match unsafe { dir.queue.pop() } {
                    Some(p) => {
                        dir.reader_waiting.store(false, Ordering::Relaxed);
                        p
                    }
                    None => {
                        self.release_writer();
                        return None;
                    }
                }
            }
        };
        self.read += 1;
        dir.read_count.store(self.read, Ordering::Release);
        // Credit is announced every half HWM (libzmq's low-water mark); with no HWM no writer
        // ever waits for it.
        let hwm = dir.hwm.load(Ordering::Relaxed);
        if hwm != 0 && self.read % hwm.div_ceil(2) == 0 {
            self.release_writer();
        }
        Some(parcel)
    }

    /// Takes the next whole message like [`read`](PipeEnd::read), but an empty pipe does not
    /// ask the writer for a wake-up: for a reader that drains in batches and will look again
    /// anyway (a session between two socket writes), which then asks with
    /// [`check_read`](PipeEnd::check_read) only when it is about to go idle. The writer
    /// therefore does not signal a reader that is awake.
    #[inline]
    pub(crate) fn read_unarmed(&mut self) -> Option<Parcel> {
        if self.has_unread() {
            self.read()
        } else {
            None
        }
    }

    /// `read` for a conflating direction: the newest message, from the slot or (written
    /// before the pipe conflated) the queue.
    fn read_conflated(&mut self) -> Option<Parcel> {
        let dir = reading(&self.shared, self.side);
        let take = |dir: &Direction| {
            // SAFETY: this end is the only reader of this direction (see `read`).
            let mut queued = None;
            while let Some(older) = unsafe { dir.queue.pop() } {
                queued = Some(older);
            }
            lock(&dir.latest).take().or(queued)
        };
        let parcel = take(dir);
        // A writer that filled the queue before the pipe conflated waits for room: there is
        // always room now.
        self.release_writer();
        let parcel = match parcel {
            Some(p) => p,
            None => {
                dir.reader_waiting.swap(true, Ordering::SeqCst);
                fence(Ordering::SeqCst);
                let parcel = take(dir)?;
                dir.reader_waiting.store(false, Ordering::Relaxed);
                parcel
            }
        };
        self.read += 1;
        dir.read_count.store(self.read, Ordering::Release);
        Some(parcel)
    }

    /// True if the direction this end reads holds something (queue or conflate slot).
    fn has_unread(&self) -> bool {
        let dir = self.reading();
        // SAFETY: this end is the only reader of this direction; `is_empty` only reads the
        // reader's own state, so concurrent calls through `&self` do not race with each other.
        !unsafe { dir.queue.is_empty() }
            || (dir.conflate.load(Ordering::Relaxed) && lock(&dir.latest).is_some())
    }

    fn release_writer(&self) {
        let dir = self.reading();
        fence(Ordering::SeqCst);
        if dir.writer_waiting.load(Ordering::Relaxed)
            && dir.writer_waiting.swap(false, Ordering::AcqRel)
        {
            self.notify_other();
        }
    }

    /// True if a message is ready to be read; when none is, the writer is asked to notify us
    /// when it writes again (like a `read` that found nothing, without taking anything).
    pub(crate) fn check_read(&mut self) -> bool {
        if self.has_unread() {
            return true;
        }
        let dir = self.reading();
        dir.reader_waiting.swap(true, Ordering::SeqCst);
        fence(Ordering::SeqCst);
        if self.has_unread() {
            dir.reader_waiting.store(false, Ordering::Relaxed);
            return true;
        }
        false
    }

    /// True if nothing is queued for this end to read.
    pub(crate) fn is_read_empty(&self) -> bool {
        !self.has_unread()
    }

    /// True once the other end closed and everything it wrote has been read.
    pub(crate) fn is_finished(&self) -> bool {
        self.is_other_closed() && self.is_read_empty()
    }
}

impl Drop for PipeEnd {
    fn drop(&mut self) {
        let farewell = lock(&writing(&self.shared, self.side).farewell).take();
        if let Some(parcel) = farewell {
            self.write_unflushed(parcel);
        }
        self.flush();
        self.my_closed_flag().store(true, Ordering::SeqCst);
        self.notify_other();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;

    #[derive(Default)]
    struct Count(AtomicUsize);
    impl Notify for Count {
        fn notify(&self, _: u64) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }

    fn msg(s: &str) -> Parcel {
        Parcel::One(Message::from(s))
    }

    #[test]
    fn hwm_counts_whole_messages_and_credit_frees_room() {
        let (sock_n, peer_n) = (Arc::new(Count::default()), Arc::new(Count::default()));
        let (mut s, mut p) = pipe(1, 2, 2, sock_n.clone(), peer_n.clone());
        assert!(s.check_write());
        s.write(Parcel::Multi(vec![Message::from("a"), Message::from("b")]));
        assert!(s.check_write());
        s.write(msg("c"));
        assert!(!s.check_write(), "two whole messages fill an HWM of 2");
        assert!(matches!(p.read(), Some(Parcel::Multi(v)) if v.len() == 2));
        assert_eq!(
            sock_n.0.load(Ordering::SeqCst),
            1,
            "the waiting writer was woken"
        );
        assert!(s.check_write());
    }

    #[test]
    fn hwm_shares_add_up_unless_one_is_unlimited() {
        let shares = |writer, reader| Shares { writer, reader }.hwm();
        assert_eq!(shares(Some(10), Some(20)), 30);
        assert_eq!(shares(Some(0), Some(20)), 0);
        assert_eq!(shares(Some(10), Some(0)), 0);
        assert_eq!(shares(Some(10), None), 10);
        assert_eq!(shares(None, Some(7)), 7);
    }

    #[test]
    fn set_hwms_reaches_a_live_pipe_and_wakes_a_stalled_writer() {
        let (sock_n, peer_n) = (Arc::new(Count::default()), Arc::new(Count::default()));
        let (mut s, mut p) = pipe(1, 1, 1, sock_n.clone(), peer_n.clone());
        s.write(msg("1"));
        assert!(!s.check_write(), "SNDHWM 1 is full");
        s.set_hwms(3, 1);
        assert!(s.check_write(), "a raised SNDHWM makes room at once");
        s.write(msg("2"));
        s.write(msg("3"));
        assert!(!s.check_write(), "three queued at SNDHWM 3");
        // The peer writes towards the socket and stalls at RCVHWM 1.
        p.write(msg("a"));
        assert!(!p.check_write());
        let woken = peer_n.0.load(Ordering::SeqCst);
        s.set_hwms(3, 2);
        assert_eq!(
            peer_n.0.load(Ordering::SeqCst),
            woken + 1,
            "the stalled writer is woken"
        );
        assert!(p.check_write(), "RCVHWM 2 has room for one more");
        // Lowered below what is queued: no room until the reader drains it.
        s.set_hwms(1, 2);
        assert!(!s.check_write());
        for _ in 0..3 {
            assert!(p.read().is_some());
        }
        assert!(s.check_write());
    }

    #[test]
    fn reader_is_woken_only_when_it_waits() {
        let (sock_n, peer_n) = (Arc::new(Count::default()), Arc::new(Count::default()));
        let (mut s, mut p) = pipe(1, 0, 0, sock_n, peer_n.clone());
        s.write(msg("1"));
        assert_eq!(peer_n.0.load(Ordering::SeqCst), 0);
        assert!(p.read().is_some());
        assert!(p.read().is_none());
        s.write(msg("2"));
        s.write(msg("3"));
        assert_eq!(peer_n.0.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn closing_one_end_is_seen_after_draining() {
        let (sock_n, peer_n) = (Arc::new(Count::default()), Arc::new(Count::default()));
        let (s, p) = pipe(1, 0, 0, sock_n, peer_n.clone());
        drop(p);
        assert!(s.is_other_closed());
        assert!(s.is_finished());
        let (mut s2, mut p2) = pipe(2, 0, 0, Arc::new(Count::default()), peer_n);
        s2.write(msg("last"));
        drop(s2);
        assert!(!p2.is_finished());
        assert!(p2.read().is_some());
        assert!(p2.is_finished());
        drop(s);
    }

    #[test]
    fn unflushed_writes_are_seen_at_the_flush_with_one_wake_up() {
        let peer_n = Arc::new(Count::default());
        let (mut s, mut p) = pipe(1, 0, 0, Arc::new(Count::default()), peer_n.clone());
        assert!(!p.check_read(), "empty: the reader now waits for a wake-up");
        for i in 0..3 {
            s.write_unflushed(msg(&i.to_string()));
        }
        assert!(p.is_read_empty(), "nothing visible before the flush");
        assert_eq!(peer_n.0.load(Ordering::SeqCst), 0, "nor any wake-up");
        s.flush();
        assert_eq!(
            peer_n.0.load(Ordering::SeqCst),
            1,
            "one wake-up for the batch"
        );
        for i in 0..3 {
            assert!(
                matches!(p.read(), Some(Parcel::One(m)) if m.as_str() == Some(&*i.to_string()))
            );
        }
        s.flush();
        assert_eq!(
            peer_n.0.load(Ordering::SeqCst),
            1,
            "a flush with nothing new wakes no one"
        );
    }

    #[test]
    fn dropping_a_writer_publishes_what_it_left_unflushed() {
        let (mut s, mut p) = pipe(
            1,
            0,
            0,
            Arc::new(Count::default()),
            Arc::new(Count::default()),
        );
        s.write_unflushed(msg("last words"));
        drop(s);
        assert!(matches!(p.read(), Some(Parcel::One(m)) if m.as_str() == Some("last words")));
        assert!(p.is_finished());
    }

    #[test]
    fn an_unarmed_read_asks_for_no_wake_up() {
        let peer_n = Arc::new(Count::default());
        let (mut s, mut p) = pipe(1, 0, 0, Arc::new(Count::default()), peer_n.clone());
        assert!(p.read_unarmed().is_none());
        s.write(msg("1"));
        assert_eq!(
            peer_n.0.load(Ordering::SeqCst),
            0,
            "an awake reader is not signalled"
        );
        assert!(p.read_unarmed().is_some());
        assert!(!p.check_read(), "going idle arms the wake-up");
        s.write(msg("2"));
        assert_eq!(peer_n.0.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn conflate_keeps_one_message_at_the_writer() {
        let (sock_n, peer_n) = (Arc::new(Count::default()), Arc::new(Count::default()));
        let (mut s, mut p) = pipe(1, 0, 0, sock_n, peer_n.clone());
        s.write(msg("before"));
        s.set_conflate();
        assert!(p.read().is_some(), "what was queued before is still read");
        assert!(p.read().is_none());
        s.write(msg("written before conflating"));
        for i in 0..10_000 {
            s.write(msg(&i.to_string()));
            // SAFETY: this test is the queue's only reader.
            assert!(
                unsafe { s.shared.outbound.queue.is_empty() },
                "nothing queued"
            );
        }
        assert!(p.check_read());
        assert!(
            matches!(p.read(), Some(Parcel::One(m)) if m.as_str() == Some("9999")),
            "the newest"
        );
        assert!(p.read().is_none());
        assert!(p.is_read_empty());
        let woken = peer_n.0.load(Ordering::SeqCst);
        s.write(msg("next"));
        assert_eq!(
            peer_n.0.load(Ordering::SeqCst),
            woken + 1,
            "a waiting reader is woken"
        );
        assert!(p.read().is_some());
    }

    #[test]
    fn a_writer_stalled_before_conflating_is_released() {
        let (sock_n, peer_n) = (Arc::new(Count::default()), Arc::new(Count::default()));
        let (mut s, mut p) = pipe(1, 1, 1, sock_n.clone(), peer_n);
        s.write(msg("1"));
        assert!(!s.check_write(), "at the HWM: waits for the reader");
        p.set_conflate();
        assert!(p.read().is_some());
        assert_eq!(sock_n.0.load(Ordering::SeqCst), 1, "the writer was woken");
        assert!(s.check_write());
    }

    #[test]
    fn concurrent_conflated_stream_only_moves_forward() {
        struct Wake(crate::signal::Signaler);
        impl Notify for Wake {
            fn notify(&self, _: u64) {
                self.0.signal();
            }
        }
        let reader_wake = Arc::new(Wake(crate::signal::Signaler::new().unwrap()));
        let (mut s, mut p) = pipe(1, 0, 0, Arc::new(Count::default()), reader_wake.clone());
        s.set_conflate();
        const N: u64 = 50_000;
        let reader = std::thread::spawn(move || {
            let mut last = None;
            loop {
                match p.read() {
                    Some(Parcel::One(m)) => {
                        let i: u64 = m.as_str().unwrap().parse().unwrap();
                        assert!(last.is_none_or(|l| i > l), "{i} after {last:?}");
                        last = Some(i);
                        if i == N - 1 {
                            return;
                        }
                    }
                    Some(other) => panic!("unexpected parcel {other:?}"),
                    None => {
                        reader_wake.0.wait(None).unwrap();
                    }
                }
            }
        });
        for i in 0..N {
            s.write(msg(&i.to_string()));
        }
        reader.join().unwrap();
    }

    #[test]
    fn concurrent_stream_loses_nothing() {
        struct Wake(crate::signal::Signaler);
        impl Notify for Wake {
            fn notify(&self, _: u64) {
                self.0.signal();
            }
        }
        let reader_wake = Arc::new(Wake(crate::signal::Signaler::new().unwrap()));
        let writer_wake = Arc::new(Wake(crate::signal::Signaler::new().unwrap()));
        let (mut s, mut p) = pipe(1, 10, 10, writer_wake.clone(), reader_wake.clone());
        const N: usize = 20_000;
        let reader = std::thread::spawn(move || {
            let mut got = 0usize;
            while got < N {
                match p.read() {
                    Some(Parcel::One(m)) => {
                        assert_eq!(m.as_str(), Some(got.to_string().as_str()));
                        got += 1;
                    }
                    Some(other) => panic!("unexpected parcel {other:?}"),
                    None => {
                        reader_wake.0.wait(None).unwrap();
                    }
                }
            }
        });
        for i in 0..N {
            while !s.check_write() {
                writer_wake.0.wait(None).unwrap();
            }
            s.write(msg(&i.to_string()));
        }
        reader.join().unwrap();
    }
}
