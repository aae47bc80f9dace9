//! The SPSC queue: a producer and a consumer thread, across chunk borders and chunk reuse.

use super::model;
use crate::spsc::{Queue, CHUNK};
use loom::sync::atomic::{AtomicUsize, Ordering};
use loom::sync::Arc;
use loom::thread;

/// More items than two chunks hold, so the producer links a new chunk, the consumer hands a
/// finished one back, and the producer reuses it.
const ITEMS: usize = 2 * CHUNK + 1;

/// Every item arrives once and in order, and each slot's write happens before its read.
#[test]
fn items_arrive_in_order_across_chunks() {
    model(|| {
        let queue = Arc::new(Queue::new());
        let producer = {
            let queue = queue.clone();
            thread::spawn(move || {
                for i in 0..ITEMS {
                    // SAFETY: this thread is the only producer.
                    unsafe { queue.push(i) };
                }
            })
        };
        let mut expected = 0;
        while expected < ITEMS {
            // SAFETY: this thread is the only consumer.
            match unsafe { queue.pop() } {
                Some(item) => {
                    assert_eq!(item, expected);
                    expected += 1;
                }
                None => thread::yield_now(),
            }
        }
        // SAFETY: as above.
        assert!(unsafe { queue.is_empty() });
        producer.join().unwrap();
    });
}

/// Counts its drops, to see that the queue frees what nobody read.
struct Counted(Arc<AtomicUsize>);

impl Drop for Counted {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::Relaxed);
    }
}

/// Items still queued when the queue goes are dropped with it, whichever thread drops it
/// last, while the consumer was popping concurrently.
#[test]
fn unread_items_are_dropped_with_the_queue() {
    model(|| {
        let drops = Arc::new(AtomicUsize::new(0));
        let queue = Arc::new(Queue::new());
        let producer = {
            let (queue, drops) = (queue.clone(), drops.clone());
            thread::spawn(move || {
                for _ in 0..ITEMS {
                    // SAFETY: this thread is the only producer.
                    unsafe { queue.push(Counted(drops.clone())) };
                }
            })
        };
        // SAFETY: this thread is the only consumer. What it popped, if anything, goes here.
        drop(unsafe { queue.pop() });
        drop(queue);
        producer.join().unwrap();
        assert_eq!(drops.load(Ordering::Relaxed), ITEMS);
    });
}
