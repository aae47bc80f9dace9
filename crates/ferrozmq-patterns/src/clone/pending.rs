//! The passive server's pending list (the guide's model 6), without sockets: clients send
//! every update to both servers of a Binary Star pair, the active one publishes it with a
//! sequence number, and the passive one must end up with each update exactly once — even
//! when the active dies between taking an update and publishing it.
//!
//! Updates are matched by their UUID, so both arrival orders work:
//! * the client's copy first: it waits in the list until the active's publication of it
//!   arrives; if the active dies first, the passive publishes it on taking over;
//! * the active's publication first: its UUID is remembered for a while so the client's
//!   late copy is recognised and dropped, never republished.
//!
//! Both halves are bounded, so clients (or a dead active) cannot make a passive server hold
//! unbounded memory: the oldest entries are dropped first and reported to the caller.

use crate::kvmsg::KvMsg;
use ferrozmq::Uuid;
use std::collections::VecDeque;
use std::time::{Duration, Instant};

/// The most client updates held while the active has not published them; beyond it the
/// oldest are dropped.
pub const CLIENT_UPDATES_MAX: usize = 10_000;
/// How long the UUID of an update the active published first is kept for its client's copy.
pub const EARLY_FOR: Duration = Duration::from_secs(10);
/// The most such UUIDs kept; beyond it the oldest are forgotten.
pub const EARLY_MAX: usize = 10_000;

/// Why a client update was not kept.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refused {
    /// It carries no UUID, so it could never be matched with the active's publication.
    NoUuid(KvMsg),
    /// The list was full: this oldest update was dropped to make room.
    Overflow(KvMsg),
}

/// A passive server's updates from clients not yet published by the active, and the UUIDs
/// of updates the active published before their clients' copies arrived.
#[derive(Debug, Default)]
pub struct Pending {
    from_clients: VecDeque<KvMsg>,
    published_early: VecDeque<(Uuid, Instant)>,
}

impl Pending {
    /// An empty list.
    pub fn new() -> Pending {
        Pending::default()
    }

    /// A client's update arrived at the passive server at `now`: dropped if the active has
    /// published it already, held otherwise. Says what was not kept, if anything.
    pub fn client_update(&mut self, update: KvMsg, now: Instant) -> Option<Refused> {
        self.forget_old(now);
        let Some(uuid) = update.uuid else {
            return Some(Refused::NoUuid(update));
        };
        if let Some(at) = self.published_early.iter().position(|(u, _)| *u == uuid) {
            self.published_early.remove(at);
            return None;
        }
        self.from_clients.push_back(update);
        if self.from_clients.len() > CLIENT_UPDATES_MAX {
            return self.from_clients.pop_front().map(Refused::Overflow);
        }
        None
    }

    /// The active published `update` and the passive received it at `now`. `known` says the
    /// passive's copy of the key already carries this UUID (a republication such as a TTL's
    /// delete), whose client copy came and went long ago.
    pub fn published(&mut self, update: &KvMsg, known: bool, now: Instant) {
        self.forget_old(now);
        let Some(uuid) = update.uuid else { return };
        if let Some(at) = self.from_clients.iter().position(|m| m.uuid == Some(uuid)) {
            self.from_clients.remove(at);
        } else if !known {
            self.published_early.push_back((uuid, now));
            if self.published_early.len() > EARLY_MAX {
                self.published_early.pop_front();
            }
        }
    }

    /// The server takes over: the client updates the active never published, oldest first,
    /// for the new active to publish. The list is empty afterwards.
    pub fn take_over(&mut self) -> Vec<KvMsg> {
        self.published_early.clear();
        self.from_clients.drain(..).collect()
    }

    /// How many client updates are held.
    pub fn len(&self) -> usize {
        self.from_clients.len()
    }

    /// True when no client update is held.
    pub fn is_empty(&self) -> bool {
        self.from_clients.is_empty()
    }

    fn forget_old(&mut self, now: Instant) {
        while let Some(&(_, at)) = self.published_early.front() {
            if now.saturating_duration_since(at) < EARLY_FOR {
                break;
            }
            self.published_early.pop_front();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn update(key: &str) -> KvMsg {
        let mut m = KvMsg::new(0, key, "v");
        m.set_uuid();
        m
    }

    fn sequenced(m: &KvMsg, sequence: u64) -> KvMsg {
        let mut m = m.clone();
        m.sequence = sequence;
        m
    }

    #[test]
    fn a_client_update_the_active_publishes_later_is_not_republished() {
        let now = Instant::now();
        let mut pending = Pending::new();
        let a = update("/a");
        assert_eq!(pending.client_update(a.clone(), now), None);
        assert_eq!(pending.len(), 1);
        pending.published(&sequenced(&a, 1), false, now);
        assert!(pending.take_over().is_empty());
    }

    #[test]
    fn a_client_copy_arriving_after_the_publication_is_dropped() {
        let now = Instant::now();
        let mut pending = Pending::new();
        let a = update("/a");
        pending.published(&sequenced(&a, 1), false, now);
        assert_eq!(pending.client_update(a, now), None);
        assert!(pending.is_empty());
        assert!(pending.take_over().is_empty());
    }

    #[test]
    fn updates_the_active_never_published_are_taken_over_in_order() {
        let now = Instant::now();
        let mut pending = Pending::new();
        let (a, b, c) = (update("/a"), update("/b"), update("/c"));
        for m in [&a, &b, &c] {
            pending.client_update(m.clone(), now);
        }
        pending.published(&sequenced(&b, 1), false, now);
        assert_eq!(pending.take_over(), [a, c]);
        assert!(pending.is_empty());
    }

    #[test]
    fn a_republication_of_a_known_update_is_not_remembered() {
        let now = Instant::now();
        let mut pending = Pending::new();
        let a = update("/a");
        pending.published(&sequenced(&a, 1), true, now);
        // Had it been remembered, this genuine new copy (same UUID: a client resending)
        // would be dropped.
        pending.client_update(a.clone(), now);
        assert_eq!(pending.take_over(), [a]);
    }

    #[test]
    fn early_publications_are_forgotten_after_a_while() {
        let now = Instant::now();
        let mut pending = Pending::new();
        let a = update("/a");
        pending.published(&sequenced(&a, 1), false, now);
        pending.client_update(a.clone(), now + EARLY_FOR);
        assert_eq!(pending.take_over(), [a]);
    }

    #[test]
    fn updates_without_uuid_and_beyond_the_bound_are_refused() {
        let now = Instant::now();
        let mut pending = Pending::new();
        let bare = KvMsg::new(0, "/x", "v");
        assert_eq!(
            pending.client_update(bare.clone(), now),
            Some(Refused::NoUuid(bare))
        );
        let first = update("/0");
        pending.client_update(first.clone(), now);
        for i in 1..CLIENT_UPDATES_MAX {
            assert_eq!(pending.client_update(update(&format!("/{i}")), now), None);
        }
        assert_eq!(
            pending.client_update(update("/last"), now),
            Some(Refused::Overflow(first))
        );
        assert_eq!(pending.len(), CLIENT_UPDATES_MAX);
    }
}
