//! `ActiveSet`: the pipes of a routing strategy, split into active ones (worth trying now) and
//! passive ones (full or empty, waiting for a pipe event), with a rotating cursor.
//! libzmq's lb/fq keep the same array-with-an-active-prefix shape: O(1) (de)activation.

/// Pipe ids with the active ones first.
#[derive(Default)]
pub(crate) struct ActiveSet {
    ids: Vec<u64>,
    active: usize,
    current: usize,
}

impl ActiveSet {
    /// Adds a new pipe as active.
    pub(crate) fn attach(&mut self, id: u64) {
        self.ids.push(id);
        let last = self.ids.len() - 1;
        self.ids.swap(self.active, last);
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
        }
    }

    /// Makes a passive pipe active again (no-op if unknown or already active).
    pub(crate) fn activate(&mut self, id: u64) {
        if let Some(i) = self.position(id) {
            if i >= self.active {
                self.ids.swap(i, self.active);
                self.active += 1;
            }
        }
    }

    /// The pipe under the cursor, if any pipe is active.
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
    pub(crate) fn advance(&mut self) {
        self.current += 1;
        if self.current >= self.active {
            self.current = 0;
        }
    }

    fn deactivate_at(&mut self, i: usize) {
        self.active -= 1;
        self.ids.swap(i, self.active);
        if self.current >= self.active {
            self.current = 0;
        }
    }

    fn position(&self, id: u64) -> Option<usize> {
        self.ids.iter().position(|&x| x == id)
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
}
