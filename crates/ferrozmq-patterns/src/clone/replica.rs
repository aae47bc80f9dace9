//! A Clone client's copy of the hashmap, without sockets: the guide's sync algorithm.
//!
//! The client subscribes first, then asks for a snapshot, and leaves the updates queued on
//! its SUB socket while the snapshot arrives. Once KTHXBAI gives the snapshot's sequence
//! number it applies the queued updates, dropping every one that is not newer (CHP: "not
//! strictly greater than the last KTHXBAI or KVPUB"), which also drops HUGZ.

use super::protocol::{HUGZ, KTHXBAI};
use crate::kvmsg::{KvMap, KvMsg};

/// A client's hashmap and the sequence number it has reached.
#[derive(Debug, Default)]
pub struct Replica {
    map: KvMap,
    incoming: Option<KvMap>,
    sequence: u64,
}

impl Replica {
    /// An empty copy, not synchronised yet.
    pub fn new() -> Replica {
        Replica::default()
    }

    /// Starts (or restarts, after a failover) a snapshot: until its KTHXBAI the entries are
    /// collected apart, and the current map stays readable.
    pub fn begin_snapshot(&mut self) {
        self.incoming = Some(KvMap::new());
    }

    /// Applies one message read from the snapshot socket. Returns true when it was the
    /// KTHXBAI that ends the snapshot: the snapshot then replaces the map, and its sequence
    /// number is where updates resume.
    pub fn snapshot_message(&mut self, message: KvMsg) -> bool {
        let incoming = self.incoming.get_or_insert_with(KvMap::new);
        if message.key == KTHXBAI {
            self.map = std::mem::take(incoming);
            self.incoming = None;
            self.sequence = message.sequence;
            return true;
        }
        incoming.store(message);
        false
    }

    /// Applies one message from the subscriber if it is newer than the last one applied;
    /// returns whether it was. HUGZ is never applied (its sequence is the server's, and
    /// taking it would skip updates still queued). Call it only after the snapshot has ended.
    pub fn update(&mut self, message: KvMsg) -> bool {
        if message.key == HUGZ || message.sequence <= self.sequence {
            return false;
        }
        self.sequence = message.sequence;
        self.map.store(message);
        true
    }

    /// Stores an update this client made itself, before the server echoes it (`clone_set`).
    pub fn store_local(&mut self, message: KvMsg) {
        self.map.store(message);
    }

    /// True while a snapshot is being received.
    pub fn is_syncing(&self) -> bool {
        self.incoming.is_some()
    }

    /// The sequence number of the last snapshot or update applied.
    pub fn sequence(&self) -> u64 {
        self.sequence
    }

    /// The hashmap.
    pub fn map(&self) -> &KvMap {
        &self.map
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clone::protocol::{hugz, kthxbai};

    #[test]
    fn updates_not_newer_than_the_snapshot_are_dropped() {
        let mut replica = Replica::new();
        replica.begin_snapshot();
        assert!(!replica.snapshot_message(KvMsg::new(0, "a", "1")));
        assert!(replica.snapshot_message(kthxbai(5, "")));
        assert!(!replica.update(KvMsg::new(5, "a", "old")));
        assert!(!replica.update(hugz(0)));
        assert!(!replica.update(hugz(9)));
        assert!(replica.update(KvMsg::new(6, "a", "new")));
        assert_eq!(replica.map().get("a").unwrap().body, b"new");
        assert_eq!(replica.sequence(), 6);
    }
}
