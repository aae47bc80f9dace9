//! `Pipes`: a socket's pipe ends by id, plus the ids found dead during an operation so the
//! socket can drop them afterwards (strategies only see ids, never own pipes).

use crate::monitor::SocketEvent;
use crate::pipe::PipeEnd;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// Pipe ids are unique counters, already well spread: hashing them again (SipHash) showed up
/// at 5% of a send's cost, so the map uses them as their own hash.
#[derive(Default)]
pub(crate) struct IdHasher(u64);

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8) | u64::from(b);
        }
    }
    fn write_u64(&mut self, id: u64) {
        self.0 = id;
    }
}

/// A map keyed by pipe id, hashed by `IdHasher`.
pub(crate) type IdMap<V> = HashMap<u64, V, BuildHasherDefault<IdHasher>>;

/// The socket's pipes.
#[derive(Default)]
pub(crate) struct Pipes {
    map: IdMap<PipeEnd>,
    dead: Vec<u64>,
    /// Monitor events a pattern raised (patterns have no monitor), for the socket to emit.
    events: Vec<(SocketEvent, u32, String)>,
}

impl Pipes {
    /// The pipe with this id, if it is still attached.
    pub(crate) fn get(&mut self, id: u64) -> Option<&mut PipeEnd> {
        self.map.get_mut(&id)
    }

    /// Adds a pipe.
    pub(crate) fn insert(&mut self, pipe: PipeEnd) {
        self.map.insert(pipe.id(), pipe);
    }

    /// Removes and returns a pipe.
    pub(crate) fn remove(&mut self, id: u64) -> Option<PipeEnd> {
        self.map.remove(&id)
    }

    /// Records that pipe `id` is finished and should be removed.
    pub(crate) fn mark_dead(&mut self, id: u64) {
        self.dead.push(id);
    }

    /// True if `mark_dead` or `report` left something to act on: the common answer is no, and
    /// the socket asks after every operation.
    #[inline]
    pub(crate) fn has_news(&self) -> bool {
        !self.dead.is_empty() || !self.events.is_empty()
    }

    /// Takes the ids recorded by `mark_dead`.
    pub(crate) fn take_dead(&mut self) -> Vec<u64> {
        std::mem::take(&mut self.dead)
    }

    /// Records a monitor event for the socket to emit.
    pub(crate) fn report(&mut self, event: SocketEvent, value: u32, endpoint: String) {
        self.events.push((event, value, endpoint));
    }

    /// Takes the events recorded by `report`.
    pub(crate) fn take_events(&mut self) -> Vec<(SocketEvent, u32, String)> {
        std::mem::take(&mut self.events)
    }

    /// Gives every pipe the socket's high-water marks (ZMQ_SNDHWM/RCVHWM changed after
    /// bind or connect reach the pipes already made, as in libzmq).
    /// Returns their ids.
    pub(crate) fn set_hwms(&self, sndhwm: u64, rcvhwm: u64) -> Vec<u64> {
        self.map
            .values()
            .map(|pipe| {
                pipe.set_hwms(sndhwm, rcvhwm);
                pipe.id()
            })
            .collect()
    }

    /// Every pipe.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &PipeEnd> {
        self.map.values()
    }

    /// Removes every pipe (closing them).
    pub(crate) fn clear(&mut self) {
        self.map.clear();
    }
}
