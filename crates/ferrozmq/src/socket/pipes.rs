//! `Pipes`: a socket's pipe ends by id, plus the ids found dead during an operation so the
//! socket can drop them afterwards (strategies only see ids, never own pipes).

use crate::pipe::PipeEnd;
use std::collections::HashMap;

/// The socket's pipes.
#[derive(Default)]
pub(crate) struct Pipes {
    map: HashMap<u64, PipeEnd>,
    dead: Vec<u64>,
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

    /// Takes the ids recorded by `mark_dead`.
    pub(crate) fn take_dead(&mut self) -> Vec<u64> {
        std::mem::take(&mut self.dead)
    }

    /// Removes every pipe (closing them).
    pub(crate) fn clear(&mut self) {
        self.map.clear();
    }
}
