//! A Clone server's store, without sockets or clocks (time is passed in): it gives every
//! client update (KVSET) the next sequence number, keeps the TTL deadlines, answers a
//! snapshot request with the keys of a subtree, and turns expired keys into deletes.
//!
//! The server loop ([`super::server`]) publishes what these methods return. A highly
//! available pair (the guide's model 6) can drive one of these per server and keep its
//! pending list of not yet confirmed updates beside it.

use super::protocol::kthxbai;
use crate::kvmsg::{KvMap, KvMsg};
use std::collections::HashMap;
use std::time::{Duration, Instant};

/// The server's hashmap, its last sequence number and the keys' TTL deadlines.
#[derive(Debug, Default)]
pub struct State {
    map: KvMap,
    sequence: u64,
    deadlines: HashMap<String, Instant>,
}

impl State {
    /// An empty store at sequence 0.
    pub fn new() -> State {
        State::default()
    }

    /// A store taken over from a replica, as a passive server of a pair (the guide's model
    /// 6) becomes active: `map` at `sequence`, every key with a `ttl` expiring that long
    /// after `now` — the TTL restarts at the takeover, as a replica never learns when its
    /// peer stored the key.
    pub fn restore(map: KvMap, sequence: u64, now: Instant) -> State {
        let deadlines = map
            .iter()
            .filter_map(|m| {
                Some((
                    m.key.clone(),
                    now.checked_add(Duration::from_secs(m.ttl()?))?,
                ))
            })
            .collect();
        State {
            map,
            sequence,
            deadlines,
        }
    }

    /// The sequence number of the last update accepted (or expired).
    pub fn sequence(&self) -> u64 {
        self.sequence
    }

    /// The store.
    pub fn map(&self) -> &KvMap {
        &self.map
    }

    /// Accepts a client update at `now`: gives it the next sequence number, stores it (an
    /// empty body deletes), starts or clears its key's TTL, and returns it as the KVPUB to
    /// publish.
    pub fn accept(&mut self, mut update: KvMsg, now: Instant) -> KvMsg {
        self.sequence += 1;
        update.sequence = self.sequence;
        match update.ttl().filter(|_| !update.is_delete()) {
            Some(ttl) => {
                let deadline = now.checked_add(Duration::from_secs(ttl)).unwrap_or(now);
                self.deadlines.insert(update.key.clone(), deadline);
            }
            None => {
                self.deadlines.remove(&update.key);
            }
        }
        self.map.store(update.clone());
        update
    }

    /// The snapshot for `subtree` (every key starting with it): one KVSYNC per key, then
    /// the KTHXBAI carrying the current sequence number.
    pub fn snapshot(&self, subtree: &str) -> Vec<KvMsg> {
        let mut out: Vec<KvMsg> = self.map.subtree(subtree).cloned().collect();
        out.push(kthxbai(self.sequence, subtree));
        out
    }

    /// Deletes every key whose TTL has passed at `now` and returns the deletes to publish
    /// (KVPUBs with empty bodies, each with the next sequence number).
    pub fn expire(&mut self, now: Instant) -> Vec<KvMsg> {
        let mut expired: Vec<String> = self
            .deadlines
            .iter()
            .filter(|(_, &deadline)| deadline <= now)
            .map(|(key, _)| key.clone())
            .collect();
        expired.sort();
        expired
            .into_iter()
            .filter_map(|key| {
                self.deadlines.remove(&key);
                let mut delete = self.map.get(&key)?.clone();
                delete.body.clear();
                self.sequence += 1;
                delete.sequence = self.sequence;
                self.map.store(delete.clone());
                Some(delete)
            })
            .collect()
    }

    /// When the next TTL runs out, if any key has one.
    pub fn next_expiry(&self) -> Option<Instant> {
        self.deadlines.values().min().copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn updates_are_sequenced_and_ttls_expire() {
        let start = Instant::now();
        let mut state = State::new();
        let mut update = KvMsg::new(0, "/a", "1");
        update.set_prop("ttl", "2");
        assert_eq!(state.accept(update, start).sequence, 1);
        assert_eq!(state.accept(KvMsg::new(9, "/b", "2"), start).sequence, 2);
        assert_eq!(state.next_expiry(), Some(start + Duration::from_secs(2)));
        assert!(state.expire(start + Duration::from_secs(1)).is_empty());
        let deletes = state.expire(start + Duration::from_secs(2));
        assert_eq!(deletes.len(), 1);
        assert_eq!((deletes[0].key.as_str(), deletes[0].sequence), ("/a", 3));
        assert!(deletes[0].is_delete());
        assert_eq!(state.map().len(), 1);
        assert_eq!(state.next_expiry(), None);
    }

    #[test]
    fn a_restored_store_continues_the_sequence_and_restarts_ttls() {
        let now = Instant::now();
        let mut map = KvMap::new();
        let mut expiring = KvMsg::new(4, "/a", "1");
        expiring.set_prop("ttl", "3");
        map.store(expiring);
        map.store(KvMsg::new(5, "/b", "2"));
        let mut state = State::restore(map, 5, now);
        assert_eq!(state.next_expiry(), Some(now + Duration::from_secs(3)));
        assert_eq!(state.accept(KvMsg::new(0, "/c", "3"), now).sequence, 6);
        assert_eq!(state.expire(now + Duration::from_secs(3))[0].sequence, 7);
    }

    #[test]
    fn a_snapshot_holds_the_subtree_then_kthxbai() {
        let now = Instant::now();
        let mut state = State::new();
        state.accept(KvMsg::new(0, "/client/1", "x"), now);
        state.accept(KvMsg::new(0, "/other/1", "y"), now);
        let snapshot = state.snapshot("/client/");
        let keys: Vec<&str> = snapshot.iter().map(|m| m.key.as_str()).collect();
        assert_eq!(keys, ["/client/1", "KTHXBAI"]);
        assert_eq!(snapshot[1].sequence, 2);
    }
}
