//! An unbounded single-producer single-consumer queue, the storage of a pipe direction.
//!
//! Items live in chunks of `CHUNK` slots linked into a list (libzmq's yqueue): a push is a
//! slot write plus one release store of the write count; a pop is a slot read plus, only when
//! it has caught up with what it last saw, one acquire load. Nothing is allocated per item: a
//! chunk is allocated per `CHUNK` items, and the consumer hands each finished chunk back to
//! the producer for reuse, so a steady stream allocates nothing at all.
//!
//! Contract: at any time at most one thread pushes and at most one thread pops. The pipe
//! guarantees it — each direction has exactly one writing end and one reading end, each owned
//! by one thread — which is why `push`, `pop` and `is_empty` are `unsafe`.

use crate::sync::atomic::{AtomicPtr, AtomicUsize, Ordering};
use crate::sync::UnsafeCell;
use std::mem::MaybeUninit;
use std::ptr;

/// Slots per chunk; 2 under loom, so that the models' few items cross chunk borders and
/// recycle chunks.
pub(crate) const CHUNK: usize = if cfg!(ferrozmq_loom) { 2 } else { 128 };

struct Chunk<T> {
    slots: [UnsafeCell<MaybeUninit<T>>; CHUNK],
    next: AtomicPtr<Chunk<T>>,
}

impl<T> Chunk<T> {
    fn alloc() -> *mut Chunk<T> {
        Box::into_raw(Box::new(Chunk {
            slots: std::array::from_fn(|_| UnsafeCell::new(MaybeUninit::uninit())),
            next: AtomicPtr::new(ptr::null_mut()),
        }))
    }
}

/// State only the producer touches.
struct Producer<T> {
    chunk: *mut Chunk<T>,
    pos: usize,
    written: usize,
}

/// State only the consumer touches.
struct Consumer<T> {
    chunk: *mut Chunk<T>,
    pos: usize,
    read: usize,
    /// The producer's count as last loaded; items below it can be read without an atomic.
    seen_written: usize,
}

/// Keeps a hot field on cache lines of its own (128 bytes: adjacent-line prefetch pairs
/// 64-byte lines), here the producer's and the consumer's state.
#[repr(align(128))]
pub(crate) struct Padded<T>(pub(crate) T);

impl<T> std::ops::Deref for Padded<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

/// An unbounded SPSC queue (see the module docs for the contract).
pub(crate) struct Queue<T> {
    producer: Padded<UnsafeCell<Producer<T>>>,
    consumer: Padded<UnsafeCell<Consumer<T>>>,
    written: Padded<AtomicUsize>,
    /// One finished chunk handed back by the consumer for the producer to reuse.
    spare: AtomicPtr<Chunk<T>>,
}

// SAFETY: the queue moves `T`s between threads (so `T: Send`); its interior state is split
// between one producer and one consumer thread, which the callers guarantee (module docs).
unsafe impl<T: Send> Sync for Queue<T> {}
// SAFETY: as above; the raw chunk pointers are owned by the queue.
unsafe impl<T: Send> Send for Queue<T> {}

impl<T> Queue<T> {
    /// An empty queue with one chunk.
    pub(crate) fn new() -> Queue<T> {
        let first = Chunk::alloc();
        Queue {
            producer: Padded(UnsafeCell::new(Producer {
                chunk: first,
                pos: 0,
                written: 0,
            })),
            consumer: Padded(UnsafeCell::new(Consumer {
                chunk: first,
                pos: 0,
                read: 0,
                seen_written: 0,
            })),
            written: Padded(AtomicUsize::new(0)),
            spare: AtomicPtr::new(ptr::null_mut()),
        }
    }

    /// Appends an item and makes it visible to the consumer (the tests' and models' one-step
    /// form of `push_unpublished` + `publish`).
    ///
    /// # Safety
    /// Only one thread at a time may call `push` (the producer).
    #[cfg(test)]
    pub(crate) unsafe fn push(&self, item: T) {
        // SAFETY: the caller's contract, passed on.
        unsafe {
            self.push_unpublished(item);
            self.publish();
        }
    }

    /// Appends an item that the consumer sees only after the next [`publish`](Queue::publish):
    /// a producer with many items at once publishes them with one store instead of one each.
    ///
    /// # Safety
    /// Only one thread at a time may call `push_unpublished` or `publish` (the producer).
    pub(crate) unsafe fn push_unpublished(&self, item: T) {
        let producer = self.producer.0.get_mut();
        // SAFETY: only the producer touches `producer` (caller contract).
        let p = unsafe { producer.deref() };
        // SAFETY: `p.chunk` is live (chunks are freed only once both sides have left them) and
        // slot `p.pos` is not visible to the consumer until `written` is published below.
        unsafe { (*p.chunk).slots[p.pos].get_mut().deref().write(item) };
        p.pos += 1;
        if p.pos == CHUNK {
            let mut next = self.spare.swap(ptr::null_mut(), Ordering::Acquire);
            if next.is_null() {
                next = Chunk::alloc();
            } else {
                // SAFETY: a spare chunk is exclusively ours once swapped out.
                unsafe { (*next).next.store(ptr::null_mut(), Ordering::Relaxed) };
            }
            // SAFETY: `p.chunk` is live; the link is published before the count below.
            unsafe { (*p.chunk).next.store(next, Ordering::Release) };
            p.chunk = next;
            p.pos = 0;
        }
        p.written += 1;
    }

    /// Makes every item pushed so far visible to the consumer.
    ///
    /// # Safety
    /// Producer side only, like `push`.
    pub(crate) unsafe fn publish(&self) {
        let producer = self.producer.0.get();
        // SAFETY: only the producer touches `producer` (caller contract).
        let written = unsafe { producer.deref() }.written;
        self.written.0.store(written, Ordering::Release);
    }

    /// Takes the oldest item, if any.
    ///
    /// # Safety
    /// Only one thread at a time may call `pop` or `is_empty` (the consumer).
    pub(crate) unsafe fn pop(&self) -> Option<T> {
        let consumer = self.consumer.0.get_mut();
        // SAFETY: only the consumer touches `consumer` (caller contract).
        let c = unsafe { consumer.deref() };
        if c.read == c.seen_written {
            c.seen_written = self.written.0.load(Ordering::Acquire);
            if c.read == c.seen_written {
                return None;
            }
        }
        // SAFETY: the slot was written and published (read < written, acquire above) and is
        // read exactly once.
        let item = unsafe { (*c.chunk).slots[c.pos].get().deref().assume_init_read() };
        c.pos += 1;
        c.read += 1;
        if c.pos == CHUNK {
            let done = c.chunk;
            // SAFETY: the producer linked `next` before publishing the count that let us read
            // this chunk's last slot.
            c.chunk = unsafe { (*done).next.load(Ordering::Acquire) };
            c.pos = 0;
            let old = self.spare.swap(done, Ordering::AcqRel);
            if !old.is_null() {
                // SAFETY: a chunk in `spare` is referenced by nobody else.
                drop(unsafe { Box::from_raw(old) });
            }
        }
        Some(item)
    }

    /// How many items there are to pop.
    ///
    /// # Safety
    /// Consumer side only, like `pop`.
    pub(crate) unsafe fn len(&self) -> usize {
        let consumer = self.consumer.0.get();
        // SAFETY: only the consumer touches `consumer` (caller contract).
        let c = unsafe { consumer.deref() };
        self.written.0.load(Ordering::Acquire) - c.read
    }

    /// True if there is nothing to pop.
    ///
    /// # Safety
    /// Consumer side only, like `pop`.
    pub(crate) unsafe fn is_empty(&self) -> bool {
        let consumer = self.consumer.0.get();
        // SAFETY: only the consumer touches `consumer` (caller contract).
        let c = unsafe { consumer.deref() };
        c.read == self.written.0.load(Ordering::Acquire)
    }
}

impl<T> Drop for Queue<T> {
    fn drop(&mut self) {
        // SAFETY: `&mut self`: no producer or consumer is running.
        unsafe {
            while self.pop().is_some() {}
            let mut chunk = self.consumer.0.get().deref().chunk;
            while !chunk.is_null() {
                let next = (*chunk).next.load(Ordering::Relaxed);
                drop(Box::from_raw(chunk));
                chunk = next;
            }
            let spare = self.spare.load(Ordering::Relaxed);
            if !spare.is_null() {
                drop(Box::from_raw(spare));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::VecDeque;
    use std::sync::Arc;

    proptest! {
        /// Any interleaving of pushes and pops behaves like a VecDeque, across chunk borders.
        #[test]
        fn behaves_like_a_fifo(ops in proptest::collection::vec(0u8..3, 0..2000)) {
            let q = Queue::new();
            let mut model = VecDeque::new();
            let mut n = 0u32;
            for op in ops {
                // SAFETY: single-threaded test.
                unsafe {
                    if op < 2 {
                        q.push(n.to_string());
                        model.push_back(n.to_string());
                        n += 1;
                    } else {
                        prop_assert_eq!(q.pop(), model.pop_front());
                    }
                    prop_assert_eq!(q.is_empty(), model.is_empty());
                }
            }
        }
    }

    #[test]
    fn drop_frees_unread_items() {
        let item = Arc::new(());
        let q = Queue::new();
        for _ in 0..(CHUNK * 3 + 7) {
            // SAFETY: single-threaded test.
            unsafe { q.push(item.clone()) };
        }
        drop(q);
        assert_eq!(Arc::strong_count(&item), 1);
    }

    #[test]
    fn threads_stream_in_order() {
        let q = Arc::new(Queue::new());
        let producer = {
            let q = q.clone();
            std::thread::spawn(move || {
                for i in 0..200_000u64 {
                    // SAFETY: this thread is the only producer.
                    unsafe { q.push(i) };
                }
            })
        };
        let mut expected = 0u64;
        while expected < 200_000 {
            // SAFETY: this thread is the only consumer.
            if let Some(i) = unsafe { q.pop() } {
                assert_eq!(i, expected);
                expected += 1;
            } else {
                std::hint::spin_loop();
            }
        }
        producer.join().unwrap();
    }
}
