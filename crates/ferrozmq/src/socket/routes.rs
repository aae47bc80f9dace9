//! `Routes`: the pipes of a pattern that addresses its peers by routing id (STREAM's byte
//! strings, SERVER/PEER's 32-bit ids): the id of each pipe and the pipe of each id, and the
//! fair queue their messages come in by.

use super::fq::FairQueue;
use super::pipes::{IdMap, Pipes};
use crate::error::{Error, Result};
use std::borrow::Borrow;
use std::collections::HashMap;
use std::hash::Hash;

/// Routing ids of type `K` and their pipes.
pub(crate) struct Routes<K> {
    pipes: HashMap<K, u64>,
    ids: IdMap<K>,
    /// Incoming messages, fair-queued over the routed pipes.
    pub(crate) fq: FairQueue,
}

impl<K> Default for Routes<K> {
    fn default() -> Routes<K> {
        Routes {
            pipes: HashMap::new(),
            ids: IdMap::default(),
            fq: FairQueue::default(),
        }
    }
}

impl<K: Hash + Eq + Clone> Routes<K> {
    /// Routes `routing_id` to pipe `id`.
    pub(crate) fn attach(&mut self, id: u64, routing_id: K) {
        self.pipes.insert(routing_id.clone(), id);
        self.ids.insert(id, routing_id);
        self.fq.attach(id);
    }

    /// Forgets pipe `id` and its routing id.
    pub(crate) fn detach(&mut self, id: u64) {
        self.fq.detach(id);
        if let Some(routing_id) = self.ids.remove(&id) {
            self.pipes.remove(&routing_id);
        }
    }

    /// True if some pipe has `routing_id`.
    pub(crate) fn contains<Q: Hash + Eq + ?Sized>(&self, routing_id: &Q) -> bool
    where
        K: Borrow<Q>,
    {
        self.pipes.contains_key(routing_id)
    }

    /// The routing id of pipe `id`.
    pub(crate) fn routing_id_of(&self, id: u64) -> Option<&K> {
        self.ids.get(&id)
    }

    /// The pipe a message for `routing_id` goes to now: EHOSTUNREACH if no live pipe has
    /// that id, EAGAIN if it is full.
    pub(crate) fn aim<Q: Hash + Eq + ?Sized>(
        &self,
        routing_id: &Q,
        pipes: &mut Pipes,
    ) -> Result<u64>
    where
        K: Borrow<Q>,
    {
        let id = *self.pipes.get(routing_id).ok_or(Error::EHOSTUNREACH)?;
        let pipe = pipes.get(id).ok_or(Error::EHOSTUNREACH)?;
        if pipe.is_other_closed() {
            return Err(Error::EHOSTUNREACH);
        }
        if !pipe.check_write() {
            return Err(Error::EAGAIN);
        }
        Ok(id)
    }
}
