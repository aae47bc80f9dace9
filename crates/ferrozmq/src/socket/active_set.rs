//! `ActiveSet`: the pipes of a routing strategy, split into active ones (worth trying now) and
//! passive ones (full or empty, waiting for a pipe event), with a rotating cursor.
//! libzmq's lb/fq keep the same array-with-an-active-prefix shape; as libzmq's pipes know
//! their index in that array, a map from pipe id to index makes (de)activation and removal
//! O(1) however many peers a socket has.

use super::pipes::IdMap;

/// Pipe ids with the active ones first.
#[derive(Default)]
pub(crate) struct ActiveSet {
    ids: Vec<u64>,
    /// Where each id is in `ids`.
    index: IdMap<usize>,
    active: usize,
    current: usize,
}

impl ActiveSet {
    /// Adds a new pipe as active.
    pub(crate) fn attach(&mut self, id: u64) {
        self.ids.push(id);
        let last = self.ids.len() - 1;
        self.index.insert(id, last);
        self.swap(self.active, last);
        self.active += 1;
    }

    /// Forgets a pipe.
    pub(crate) fn detach(&mut self, id: u64) {
        if let Some(i) = self.position(id) {
            let i = if i < self.active {
                self.deactivate_at(i);
                self.active
            } else {
                i
            };
            self.ids.swap_remove(i);
            self.index.remove(&id);
            if let Some(&moved) = self.ids.get(i) {
                self.index.insert(moved, i);
            }
        }
    }

    /// Makes a passive pipe active again (no-op if unknown or already active).
    pub(crate) fn activate(&mut self, id: u64) {
        if let Some(i) = self.position(id) {
            if i >= self.active {
                self.swap(i, self.active);
                self.active += 1;
            }
        }
    }

    /// The pipe under the cursor, if any pipe is active.
    #[inline]
    pub(crate) fn current(&mut self) -> Option<u64> {
        if self.active == 0 {
            return None;
        }
        if self.current >= self.active {
            self.current = 0;
        }
        Some(self.ids[self.current])
    }

    /// Moves the pipe under the cursor to the passive part.
    pub(crate) fn deactivate_current(&mut self) {
        if self.current < self.active {
            self.deactivate_at(self.current);
        }
    }

    /// Moves the cursor to the next active pipe.
    #[inline]
    pub(crate) fn advance(&mut self) {
        self.current += 1;
        if self.current >= self.active {
            self.current = 0;
        }
    }

    fn deactivate_at(&mut self, i: usize) {
        self.active -= 1;
        self.swap(i, self.active);
        if self.current >= self.active {
            self.current = 0;
        }
    }

    /// Swaps two places, keeping `index` true.
    fn swap(&mut self, a: usize, b: usize) {
        if a != b {
            self.ids.swap(a, b);
            self.index.insert(self.ids[a], a);
            self.index.insert(self.ids[b], b);
        }
    }

    fn position(&self, id: u64) -> Option<usize> {
        self.index.get(&id).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rotates_over_active_pipes_only() {
        let mut set = ActiveSet::default();
        for id in 1..=3 {
            set.attach(id);
        }
        let mut seen = Vec::new();
        for _ in 0..3 {
            seen.push(set.current().unwrap());
            set.advance();
        }
        seen.sort();
        assert_eq!(seen, vec![1, 2, 3]);
        set.deactivate_current();
        set.deactivate_current();
        set.deactivate_current();
        assert_eq!(set.current(), None);
        set.activate(2);
        assert_eq!(set.current(), Some(2));
        set.detach(2);
        assert_eq!(set.current(), None);
        set.activate(1);
        set.detach(3);
        assert_eq!(set.current(), Some(1));
    }

    /// Random attach/detach/activate/deactivate sequences against a plain model: the same
    /// ids are active, and every id sits where the index says.
    #[test]
    fn index_stays_true_under_any_sequence() {
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let mut set = ActiveSet::default();
        let mut active = std::collections::BTreeSet::new();
        let mut passive = std::collections::BTreeSet::new();
        for _ in 0..20_000 {
            let id = next() % 16;
            match next() % 4 {
                0 if !active.contains(&id) && !passive.contains(&id) => {
                    set.attach(id);
                    active.insert(id);
                }
                1 => {
                    set.detach(id);
                    active.remove(&id);
                    passive.remove(&id);
                }
                2 if passive.remove(&id) => {
                    set.activate(id);
                    active.insert(id);
                }
                _ => {
                    if let Some(current) = set.current() {
                        set.deactivate_current();
                        active.remove(&current);
                        passive.insert(current);
                    }
                    set.advance();
                }
            }
            let found: std::collections::BTreeSet<u64> =
                set.ids[..set.active].iter().copied().collect();
            assert_eq!(found, active);
            assert_eq!(set.ids.len(), active.len() + passive.len());
            for (i, id) in set.ids.iter().enumerate() {
                assert_eq!(set.index[id], i);
            }
            assert_eq!(set.index.len(), set.ids.len());
        }
    }
}
