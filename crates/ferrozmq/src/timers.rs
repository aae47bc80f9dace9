//! `Timers` (libzmq's `zmq_timers`): a set of repeating timers that the caller drives from
//! its own loop — ask [`timeout`](Timers::timeout) how long to wait (e.g. as `poll`'s timeout),
//! then call [`execute`](Timers::execute) to run every timer that is due.
//!
//! ```
//! use ferrozmq::timers::Timers;
//! use std::time::Duration;
//! let mut timers = Timers::new();
//! let mut fired = 0;
//! let id = timers.add(Duration::from_millis(1), move |_timers, _id| fired += 1);
//! std::thread::sleep(timers.timeout().unwrap());
//! assert_eq!(timers.execute(), 1);
//! timers.cancel(id)?;
//! assert_eq!(timers.timeout(), None);
//! # Ok::<(), ferrozmq::Error>(())
//! ```

use crate::deadlines::Deadlines;
use crate::error::{Error, Result};
use std::collections::HashMap;
use std::time::{Duration, Instant};

/// Identifies one timer of a [`Timers`] set (the `int timer_id` of `zmq_timers_add`).
pub type TimerId = u64;

/// A timer handler: called with the set (so it may add, cancel or reset timers, itself
/// included) and its own id.
type Handler<'a> = Box<dyn FnMut(&mut Timers<'a>, TimerId) + 'a>;

struct Timer<'a> {
    interval: Duration,
    due: Instant,
    /// `None` while the handler runs.
    handler: Option<Handler<'a>>,
}

/// A set of repeating timers (`zmq_timers_t`). Each fires every `interval` from when it was
/// added, reset or last fired; [`execute`](Timers::execute) runs the due ones.
#[derive(Default)]
pub struct Timers<'a> {
    timers: HashMap<TimerId, Timer<'a>>,
    order: Deadlines,
    next_id: TimerId,
}

impl<'a> Timers<'a> {
    /// An empty set (`zmq_timers_new`).
    pub fn new() -> Timers<'a> {
        Timers::default()
    }

    /// Adds a timer firing every `interval` (`zmq_timers_add`); returns its id.
    pub fn add(
        &mut self,
        interval: Duration,
        handler: impl FnMut(&mut Timers<'a>, TimerId) + 'a,
    ) -> TimerId {
        self.next_id += 1;
        let id = self.next_id;
        let due = due_after(Instant::now(), interval);
        self.order.insert(due, id);
        self.timers.insert(
            id,
            Timer {
                interval,
                due,
                handler: Some(Box::new(handler)),
            },
        );
        id
    }

    /// Removes timer `id` (`zmq_timers_cancel`); EINVAL if there is no such timer.
    pub fn cancel(&mut self, id: TimerId) -> Result<()> {
        let timer = self.timers.remove(&id).ok_or(Error::EINVAL)?;
        self.order.remove(timer.due, id);
        Ok(())
    }

    /// Changes timer `id`'s interval and restarts it from now (`zmq_timers_set_interval`);
    /// EINVAL if there is no such timer.
    pub fn set_interval(&mut self, id: TimerId, interval: Duration) -> Result<()> {
        self.timers.get_mut(&id).ok_or(Error::EINVAL)?.interval = interval;
        self.reset(id)
    }

    /// Restarts timer `id`'s interval from now (`zmq_timers_reset`); EINVAL if there is no
    /// such timer.
    pub fn reset(&mut self, id: TimerId) -> Result<()> {
        let timer = self.timers.get_mut(&id).ok_or(Error::EINVAL)?;
        self.order.remove(timer.due, id);
        timer.due = due_after(Instant::now(), timer.interval);
        self.order.insert(timer.due, id);
        Ok(())
    }

    /// How long until the next timer is due (`zmq_timers_timeout`): zero if one is overdue,
    /// `None` if the set is empty.
    pub fn timeout(&self) -> Option<Duration> {
        self.order
            .first()
            .map(|(due, _)| due.saturating_duration_since(Instant::now()))
    }

    /// [`timeout`](Timers::timeout) in whole milliseconds, rounded up, or -1 for none: the
    /// `timeout_ms` that [`poll`](crate::poll) takes.
    pub fn timeout_ms(&self) -> i64 {
        self.timeout().map_or(-1, duration_to_poll_ms)
    }

    /// Runs the handler of every timer that is due (`zmq_timers_execute`) and schedules each
    /// again one interval from now; returns how many ran.
    pub fn execute(&mut self) -> usize {
        let now = Instant::now();
        let mut ran = 0;
        for (due, id) in self.order.due(now) {
            self.order.remove(due, id);
            // Skip timers cancelled or reset by an earlier handler of this turn.
            let Some(timer) = self.timers.get_mut(&id).filter(|t| t.due == due) else {
                continue;
            };
            timer.due = due_after(now, timer.interval);
            self.order.insert(timer.due, id);
            let Some(mut handler) = timer.handler.take() else {
                continue;
            };
            handler(self, id);
            ran += 1;
            // The handler may have cancelled its own timer.
            if let Some(timer) = self.timers.get_mut(&id) {
                timer.handler = Some(handler);
            }
        }
        ran
    }

    /// Number of timers in the set.
    pub fn len(&self) -> usize {
        self.timers.len()
    }

    /// True if the set has no timers.
    pub fn is_empty(&self) -> bool {
        self.timers.is_empty()
    }
}

/// How far ahead a timer whose interval passes the clock's range is due: never, in practice
/// (libzmq's callers pass `SIZE_MAX` ms for that).
const FAR_FUTURE: Duration = Duration::from_secs(100 * 365 * 24 * 3600);

/// `now + interval`, or [`FAR_FUTURE`] from now when that passes the clock's range.
fn due_after(now: Instant, interval: Duration) -> Instant {
    now.checked_add(interval)
        .unwrap_or_else(|| now + FAR_FUTURE)
}

/// A wait as `poll`'s millisecond timeout, rounded up so a wait never ends before its due time.
pub(crate) fn duration_to_poll_ms(wait: Duration) -> i64 {
    let ms = wait.as_nanos().div_ceil(1_000_000);
    i64::try_from(ms).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::RefCell;
    use std::rc::Rc;

    #[test]
    fn unknown_ids_are_einval() {
        let mut timers = Timers::new();
        assert_eq!(timers.cancel(7), Err(Error::EINVAL));
        assert_eq!(timers.reset(7), Err(Error::EINVAL));
        assert_eq!(
            timers.set_interval(7, Duration::from_millis(1)),
            Err(Error::EINVAL)
        );
        assert_eq!(timers.timeout_ms(), -1);
    }

    /// libzmq's test_timers adds a timer of `SIZE_MAX` ms: a timer that never comes due,
    /// not a clock overflow.
    #[test]
    fn an_interval_past_the_clock_is_never_due() {
        let mut timers = Timers::new();
        let id = timers.add(Duration::MAX, |_, _| panic!("never due"));
        assert!(timers.timeout().unwrap() > Duration::from_secs(365 * 24 * 3600));
        timers.reset(id).unwrap();
        timers.set_interval(id, Duration::MAX).unwrap();
        assert_eq!(timers.execute(), 0);
    }

    #[test]
    fn due_timers_run_in_order_and_repeat() {
        let log = Rc::new(RefCell::new(Vec::new()));
        let mut timers = Timers::new();
        let (a, b) = (log.clone(), log.clone());
        let slow = timers.add(Duration::from_millis(2), move |_, id| {
            a.borrow_mut().push(id)
        });
        let fast = timers.add(Duration::ZERO, move |_, id| b.borrow_mut().push(id));
        assert_eq!(timers.execute(), 1);
        std::thread::sleep(timers.timeout().unwrap().max(Duration::from_millis(2)));
        assert_eq!(timers.execute(), 2);
        // `fast` was rescheduled at the first execute, before `slow` is due.
        assert_eq!(*log.borrow(), vec![fast, fast, slow]);
    }

    #[test]
    fn a_handler_can_cancel_itself() {
        let mut timers = Timers::new();
        timers.add(Duration::ZERO, |timers, id| timers.cancel(id).unwrap());
        assert_eq!(timers.execute(), 1);
        assert!(timers.is_empty());
        assert_eq!(timers.execute(), 0);
    }

    #[test]
    fn reset_and_set_interval_restart_from_now() {
        let mut timers = Timers::new();
        let id = timers.add(Duration::ZERO, |_, _| {});
        timers.set_interval(id, Duration::from_secs(60)).unwrap();
        assert!(timers.timeout().unwrap() > Duration::from_secs(59));
        assert_eq!(timers.execute(), 0);
        timers.reset(id).unwrap();
        assert!(timers.timeout_ms() > 59_000);
    }

    #[test]
    fn poll_timeouts_round_up() {
        assert_eq!(duration_to_poll_ms(Duration::ZERO), 0);
        assert_eq!(duration_to_poll_ms(Duration::from_micros(1)), 1);
        assert_eq!(duration_to_poll_ms(Duration::from_millis(5)), 5);
    }
}
