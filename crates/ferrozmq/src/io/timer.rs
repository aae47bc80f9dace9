//! The I/O thread's timer table: one slot per session per timer kind, re-armed in place.
//!
//! A session arms, moves and cancels its own slots ([`Slots`]); the table ([`Timers`]) keeps
//! every armed slot once, ordered by deadline, so the loop can sleep until the earliest and
//! fire what is due. Re-arming a slot replaces its entry, so a busy connection that re-arms its
//! heartbeat on every read holds one entry, not one per read — the table never holds more
//! than [`Kind::COUNT`] entries per session.

use std::collections::BTreeSet;
use std::time::Instant;

/// What a timer is for; each session has one slot of each kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Kind {
    /// Dial again after RECONNECT_IVL (with back-off and jitter).
    Reconnect,
    /// Give up a tcp connect in progress (CONNECT_TIMEOUT).
    ConnectTimeout,
    /// Give up a handshake that has not finished (HANDSHAKE_IVL).
    Handshake,
    /// Stop delivering what is queued after the socket closed (LINGER).
    Linger,
    /// The engine's heartbeat timing (next PING, HEARTBEAT_TIMEOUT, the peer's TTL), as
    /// `Engine::poll_timeout` reports it.
    Heartbeat,
    /// Accept again on a listener: after EMFILE/ENFILE (with back-off), or on the next turn
    /// when one turn's bound of accepted connections was reached.
    Accept,
    /// Look again whether the peer has taken what a closing session left in the kernel.
    Drain,
}

impl Kind {
    /// How many kinds there are (the most entries one session can hold).
    pub(crate) const COUNT: usize = 7;
    /// Every kind.
    const ALL: [Kind; Kind::COUNT] = [
        Kind::Reconnect,
        Kind::ConnectTimeout,
        Kind::Handshake,
        Kind::Linger,
        Kind::Heartbeat,
        Kind::Accept,
        Kind::Drain,
    ];

    fn index(self) -> usize {
        self as usize
    }
}

/// One session's armed deadlines, by kind.
#[derive(Debug, Default)]
pub(crate) struct Slots([Option<Instant>; Kind::COUNT]);

/// Every armed slot of an I/O thread's sessions, ordered by deadline.
#[derive(Debug, Default)]
pub(crate) struct Timers {
    queue: BTreeSet<(Instant, u64, Kind)>,
}

impl Timers {
    /// Arms `owner`'s `kind` slot for `at`, replacing what it held.
    pub(crate) fn arm(&mut self, slots: &mut Slots, owner: u64, kind: Kind, at: Instant) {
        let slot = &mut slots.0[kind.index()];
        if *slot == Some(at) {
            return;
        }
        if let Some(old) = slot.replace(at) {
            self.queue.remove(&(old, owner, kind));
        }
        self.queue.insert((at, owner, kind));
    }

    /// Makes sure `owner`'s `kind` slot fires no later than `at`: an earlier deadline stays
    /// (the owner then finds nothing due and re-arms), so a deadline that keeps moving later —
    /// a heartbeat timeout pushed back by every read — costs no table work per move.
    pub(crate) fn arm_by(&mut self, slots: &mut Slots, owner: u64, kind: Kind, at: Instant) {
        if slots.0[kind.index()].is_some_and(|armed| armed <= at) {
            return;
        }
        self.arm(slots, owner, kind, at);
    }

    /// Disarms `owner`'s `kind` slot.
    pub(crate) fn cancel(&mut self, slots: &mut Slots, owner: u64, kind: Kind) {
        if let Some(old) = slots.0[kind.index()].take() {
            self.queue.remove(&(old, owner, kind));
        }
    }

    /// Disarms every slot of `owner` (it is going away).
    pub(crate) fn cancel_all(&mut self, slots: &mut Slots, owner: u64) {
        for kind in Kind::ALL {
            self.cancel(slots, owner, kind);
        }
    }

    /// The earliest armed deadline.
    pub(crate) fn next_deadline(&self) -> Option<Instant> {
        self.queue.first().map(|&(at, _, _)| at)
    }

    /// Takes the earliest entry due at `now`, if any. The owner must clear its slot with
    /// [`Slots::fired`] before it re-arms that kind.
    pub(crate) fn pop_due(&mut self, now: Instant) -> Option<(u64, Kind)> {
        let &(at, owner, kind) = self.queue.first()?;
        if at > now {
            return None;
        }
        self.queue.pop_first();
        Some((owner, kind))
    }

    /// How many slots are armed.
    pub(crate) fn len(&self) -> usize {
        self.queue.len()
    }
}

impl Slots {
    /// The `kind` slot's entry was taken by [`Timers::pop_due`]: it is no longer armed.
    pub(crate) fn fired(&mut self, kind: Kind) {
        self.0[kind.index()] = None;
    }

    /// Whether `kind` is armed.
    #[cfg(test)]
    fn is_armed(&self, kind: Kind) -> bool {
        self.0[kind.index()].is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn rearming_replaces_the_entry_and_due_entries_pop_in_order() {
        let t0 = Instant::now();
        let ms = Duration::from_millis;
        let mut timers = Timers::default();
        let (mut a, mut b) = (Slots::default(), Slots::default());
        for i in 0..1000 {
            timers.arm(&mut a, 1, Kind::Heartbeat, t0 + ms(100 + i));
        }
        timers.arm(&mut b, 2, Kind::Handshake, t0 + ms(50));
        timers.arm(&mut a, 1, Kind::Linger, t0 + ms(70));
        assert_eq!(timers.len(), 3);
        assert_eq!(timers.next_deadline(), Some(t0 + ms(50)));
        assert_eq!(timers.pop_due(t0 + ms(49)), None);
        assert_eq!(timers.pop_due(t0 + ms(80)), Some((2, Kind::Handshake)));
        b.fired(Kind::Handshake);
        assert_eq!(timers.pop_due(t0 + ms(80)), Some((1, Kind::Linger)));
        a.fired(Kind::Linger);
        assert_eq!(timers.pop_due(t0 + ms(80)), None);
        assert!(a.is_armed(Kind::Heartbeat) && !a.is_armed(Kind::Linger));
        assert_eq!(timers.next_deadline(), Some(t0 + ms(1099)));
    }

    #[test]
    fn arm_by_keeps_an_earlier_deadline_and_cancel_all_empties_a_session() {
        let t0 = Instant::now();
        let ms = Duration::from_millis;
        let mut timers = Timers::default();
        let mut a = Slots::default();
        timers.arm_by(&mut a, 1, Kind::Heartbeat, t0 + ms(100));
        timers.arm_by(&mut a, 1, Kind::Heartbeat, t0 + ms(200));
        assert_eq!(timers.next_deadline(), Some(t0 + ms(100)));
        timers.arm_by(&mut a, 1, Kind::Heartbeat, t0 + ms(10));
        assert_eq!(timers.next_deadline(), Some(t0 + ms(10)));
        timers.arm(&mut a, 1, Kind::Reconnect, t0 + ms(5));
        timers.cancel(&mut a, 1, Kind::Reconnect);
        assert_eq!(timers.len(), 1);
        timers.arm(&mut a, 1, Kind::Linger, t0 + ms(5));
        timers.cancel_all(&mut a, 1);
        assert_eq!(timers.len(), 0);
        assert!(!a.is_armed(Kind::Heartbeat));
    }
}
