//! `Deadlines`: ids ordered by due time, shared by [`Timers`](crate::timers::Timers) and the
//! [`Reactor`](crate::reactor::Reactor)'s timers and tickets. Ids are unique, so `(due, id)`
//! is a key: insert, remove and "first due" are O(log n), and ties fire in id order.

use std::collections::BTreeSet;
use std::time::Instant;

/// Due times of ids, earliest first.
#[derive(Default)]
pub(crate) struct Deadlines {
    set: BTreeSet<(Instant, u64)>,
}

impl Deadlines {
    /// Schedules `id` at `due`.
    pub(crate) fn insert(&mut self, due: Instant, id: u64) {
        self.set.insert((due, id));
    }

    /// Unschedules `id`, which was scheduled at `due`.
    pub(crate) fn remove(&mut self, due: Instant, id: u64) {
        self.set.remove(&(due, id));
    }

    /// The ids due at `now`, earliest first: what one turn runs (an id rescheduled during
    /// the turn waits for the next one, so a zero interval cannot loop forever).
    pub(crate) fn due(&self, now: Instant) -> Vec<(Instant, u64)> {
        self.set.range(..=(now, u64::MAX)).copied().collect()
    }

    /// The earliest `(due, id)`.
    pub(crate) fn first(&self) -> Option<(Instant, u64)> {
        self.set.first().copied()
    }
}
