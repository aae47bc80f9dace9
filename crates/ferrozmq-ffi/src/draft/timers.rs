//! `zmq_timers_*`: libzmq's set of repeating timers, driven by the caller's loop, over
//! [`ferrozmq::timers::Timers`]. A C handler is called after the Rust set has settled (no
//! Rust borrow of the set is held while C code runs), so it may add, cancel or reset
//! timers, its own included; a timer cancelled by an earlier handler of the same turn is
//! skipped, as libzmq skips it.

use crate::errno::{guard, Outcome, EFAULT, EINVAL};
use ferrozmq::timers::{TimerId, Timers};
use std::cell::RefCell;
use std::collections::HashMap;
use std::ffi::{c_int, c_long, c_void};
use std::rc::Rc;
use std::time::Duration;

/// A timer's handler: `void (zmq_timer_fn) (int timer_id, void *arg)`.
type TimerFn = unsafe extern "C" fn(timer_id: c_int, arg: *mut c_void);

const TIMERS_TAG: u32 = 0xcafe_dead;

/// What a C timers pointer points at: a tag (EFAULT for anything else), the Rust set, and
/// each live timer's C handler and argument.
#[repr(C)]
struct TimersHandle {
    tag: u32,
    timers: Timers<'static>,
    handlers: HashMap<TimerId, (TimerFn, *mut c_void)>,
    /// The timers the Rust set ran in the current `execute`, in order.
    fired: Rc<RefCell<Vec<TimerId>>>,
}

/// The set behind a C pointer; EFAULT for NULL or a destroyed set.
///
/// # Safety
/// `timers` is NULL or points at readable memory of at least a tag's size.
unsafe fn handle<'a>(timers: *mut c_void) -> Outcome<&'a mut TimersHandle> {
    Ok(&mut *crate::handle::tagged::<TimersHandle>(
        timers, TIMERS_TAG, EFAULT,
    )?)
}

/// A live timer's id as libzmq's `int`; EINVAL for one that cannot be ours.
fn timer_id(id: c_int) -> Outcome<TimerId> {
    TimerId::try_from(id).map_err(|_| EINVAL)
}

/// `zmq_timers_new`: an empty set.
#[no_mangle]
pub extern "C" fn zmq_timers_new() -> *mut c_void {
    Box::into_raw(Box::new(TimersHandle {
        tag: TIMERS_TAG,
        timers: Timers::new(),
        handlers: HashMap::new(),
        fired: Rc::default(),
    }))
    .cast()
}

/// `zmq_timers_destroy`: frees the set `*timers_p` and sets `*timers_p` to NULL (EFAULT for
/// a NULL or destroyed set).
///
/// # Safety
/// `timers_p` is NULL or points at NULL or a pointer from `zmq_timers_new`.
#[no_mangle]
pub unsafe extern "C" fn zmq_timers_destroy(timers_p: *mut *mut c_void) -> c_int {
    guard(-1, || {
        crate::handle::destroy_tagged::<TimersHandle>(timers_p, TIMERS_TAG)?;
        Ok(0)
    })
}

/// `zmq_timers_add`: a timer calling `handler(id, arg)` every `interval` ms; returns its
/// id (EFAULT for a NULL handler).
///
/// # Safety
/// `timers` is NULL or from `zmq_timers_new`.
#[no_mangle]
pub unsafe extern "C" fn zmq_timers_add(
    timers: *mut c_void,
    interval: usize,
    handler: Option<unsafe extern "C" fn(timer_id: c_int, arg: *mut c_void)>,
    arg: *mut c_void,
) -> c_int {
    guard(-1, || {
        let set = handle(timers)?;
        let handler = handler.ok_or(EFAULT)?;
        let fired = Rc::clone(&set.fired);
        let interval = Duration::from_millis(interval as u64);
        let id = set
            .timers
            .add(interval, move |_, id| fired.borrow_mut().push(id));
        set.handlers.insert(id, (handler, arg));
        c_int::try_from(id).map_err(|_| EINVAL)
    })
}

/// `zmq_timers_cancel`: removes timer `id` (EINVAL if there is none).
///
/// # Safety
/// As `zmq_timers_add`.
#[no_mangle]
pub unsafe extern "C" fn zmq_timers_cancel(timers: *mut c_void, id: c_int) -> c_int {
    guard(-1, || {
        let set = handle(timers)?;
        let id = timer_id(id)?;
        set.timers.cancel(id)?;
        set.handlers.remove(&id);
        Ok(0)
    })
}

/// `zmq_timers_set_interval`: gives timer `id` a new interval, restarted from now.
///
/// # Safety
/// As `zmq_timers_add`.
#[no_mangle]
pub unsafe extern "C" fn zmq_timers_set_interval(
    timers: *mut c_void,
    id: c_int,
    interval: usize,
) -> c_int {
    guard(-1, || {
        let set = handle(timers)?;
        let interval = Duration::from_millis(interval as u64);
        set.timers.set_interval(timer_id(id)?, interval)?;
        Ok(0)
    })
}

/// `zmq_timers_reset`: restarts timer `id`'s interval from now.
///
/// # Safety
/// As `zmq_timers_add`.
#[no_mangle]
pub unsafe extern "C" fn zmq_timers_reset(timers: *mut c_void, id: c_int) -> c_int {
    guard(-1, || {
        handle(timers)?.timers.reset(timer_id(id)?)?;
        Ok(0)
    })
}

/// `zmq_timers_timeout`: milliseconds until the next timer is due (0 if one is overdue);
/// -1 with EINVAL when the set has no timers (the errno libzmq's test expects there).
///
/// # Safety
/// As `zmq_timers_add`.
#[no_mangle]
pub unsafe extern "C" fn zmq_timers_timeout(timers: *mut c_void) -> c_long {
    guard(-1, || match handle(timers)?.timers.timeout_ms() {
        -1 => Err(EINVAL),
        ms => Ok(c_long::try_from(ms).unwrap_or(c_long::MAX)),
    })
}

/// `zmq_timers_execute`: calls the handler of every timer that is due and schedules each
/// again one interval on.
///
/// # Safety
/// As `zmq_timers_add`; a handler may call `zmq_timers_*` on this set, but not destroy it.
#[no_mangle]
pub unsafe extern "C" fn zmq_timers_execute(timers: *mut c_void) -> c_int {
    guard(-1, || {
        let set = handle(timers)?;
        set.timers.execute();
        let fired = std::mem::take(&mut *set.fired.borrow_mut());
        for id in fired {
            // Looked up again for each: an earlier handler may have cancelled this one.
            let Some(&(handler, arg)) = handle(timers)?.handlers.get(&id) else {
                continue;
            };
            handler(id as c_int, arg);
        }
        Ok(0)
    })
}
