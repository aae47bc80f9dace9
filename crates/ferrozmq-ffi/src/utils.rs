//! libzmq's helpers for portable C programs (`zmq_utils.h` folded into `zmq.h`, as in 4.3):
//! atomic counters, stopwatches, `zmq_sleep` and `zmq_threadstart`/`zmq_threadclose`, which
//! libzmq's own test suite uses.

use std::ffi::{c_int, c_ulong, c_void};
use std::sync::atomic::{AtomicI32, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// `zmq_atomic_counter_new`: a new counter at 0.
#[no_mangle]
pub extern "C" fn zmq_atomic_counter_new() -> *mut c_void {
    Box::into_raw(Box::new(AtomicI32::new(0))).cast()
}

/// The counter behind a pointer, if not NULL.
///
/// # Safety
/// `counter` is NULL or from `zmq_atomic_counter_new` and not destroyed.
unsafe fn counter<'a>(counter: *mut c_void) -> Option<&'a AtomicI32> {
    counter.cast::<AtomicI32>().as_ref()
}

/// `zmq_atomic_counter_set`: sets the counter.
///
/// # Safety
/// As [`counter`].
#[no_mangle]
pub unsafe extern "C" fn zmq_atomic_counter_set(counter_p: *mut c_void, value: c_int) {
    if let Some(counter) = counter(counter_p) {
        counter.store(value, Ordering::SeqCst);
    }
}

/// `zmq_atomic_counter_inc`: adds one; returns the value before.
///
/// # Safety
/// As [`counter`].
#[no_mangle]
pub unsafe extern "C" fn zmq_atomic_counter_inc(counter_p: *mut c_void) -> c_int {
    counter(counter_p).map_or(0, |counter| counter.fetch_add(1, Ordering::SeqCst))
}

/// `zmq_atomic_counter_dec`: subtracts one; returns 1 if the result is not zero, else 0.
///
/// # Safety
/// As [`counter`].
#[no_mangle]
pub unsafe extern "C" fn zmq_atomic_counter_dec(counter_p: *mut c_void) -> c_int {
    counter(counter_p).map_or(0, |counter| {
        c_int::from(counter.fetch_sub(1, Ordering::SeqCst) != 1)
    })
}

/// `zmq_atomic_counter_value`: the current value.
///
/// # Safety
/// As [`counter`].
#[no_mangle]
pub unsafe extern "C" fn zmq_atomic_counter_value(counter_p: *mut c_void) -> c_int {
    counter(counter_p).map_or(0, |counter| counter.load(Ordering::SeqCst))
}

/// `zmq_atomic_counter_destroy`: frees the counter `*counter_p` and sets it to NULL.
///
/// # Safety
/// `counter_p` is NULL or points at NULL or a counter pointer.
#[no_mangle]
pub unsafe extern "C" fn zmq_atomic_counter_destroy(counter_p: *mut *mut c_void) {
    if let Some(slot) = counter_p.as_mut() {
        if !slot.is_null() {
            drop(Box::from_raw(slot.cast::<AtomicI32>()));
        }
        *slot = std::ptr::null_mut();
    }
}

/// Microseconds since `start`, as libzmq's `unsigned long`.
fn micros_since(start: &Instant) -> c_ulong {
    c_ulong::try_from(start.elapsed().as_micros()).unwrap_or(c_ulong::MAX)
}

/// `zmq_stopwatch_start`: a running stopwatch.
#[no_mangle]
pub extern "C" fn zmq_stopwatch_start() -> *mut c_void {
    Box::into_raw(Box::new(Instant::now())).cast()
}

/// `zmq_stopwatch_intermediate`: microseconds since the start (0 for NULL).
///
/// # Safety
/// `watch` is NULL or from `zmq_stopwatch_start` and not stopped.
#[no_mangle]
pub unsafe extern "C" fn zmq_stopwatch_intermediate(watch: *mut c_void) -> c_ulong {
    watch.cast::<Instant>().as_ref().map_or(0, micros_since)
}

/// `zmq_stopwatch_stop`: microseconds since the start; frees the stopwatch.
///
/// # Safety
/// As `zmq_stopwatch_intermediate`.
#[no_mangle]
pub unsafe extern "C" fn zmq_stopwatch_stop(watch: *mut c_void) -> c_ulong {
    if watch.is_null() {
        return 0;
    }
    micros_since(&Box::from_raw(watch.cast::<Instant>()))
}

/// `zmq_sleep`: sleeps `seconds` seconds.
#[no_mangle]
pub extern "C" fn zmq_sleep(seconds: c_int) {
    std::thread::sleep(Duration::from_secs(u64::try_from(seconds).unwrap_or(0)));
}

/// A thread body and its argument, as C passes them.
struct ThreadStart {
    body: unsafe extern "C" fn(arg: *mut c_void),
    arg: *mut c_void,
}

// SAFETY: handing `arg` to another thread is what zmq_threadstart's caller asks for.
unsafe impl Send for ThreadStart {}

/// `zmq_threadstart`: runs `body(arg)` on a new thread; NULL if it cannot be started.
#[no_mangle]
pub extern "C" fn zmq_threadstart(
    body: Option<unsafe extern "C" fn(arg: *mut c_void)>,
    arg: *mut c_void,
) -> *mut c_void {
    let Some(body) = body else {
        return std::ptr::null_mut();
    };
    let start = ThreadStart { body, arg };
    let spawned = std::thread::Builder::new().spawn(move || {
        let start = start;
        // SAFETY: the caller's function with the caller's argument.
        unsafe { (start.body)(start.arg) };
    });
    match spawned {
        Ok(handle) => Box::into_raw(Box::new(handle)).cast(),
        Err(_) => std::ptr::null_mut(),
    }
}

/// `zmq_threadclose`: waits for a thread from `zmq_threadstart` to end and frees it.
///
/// # Safety
/// `thread` is NULL or from `zmq_threadstart`, closed once.
#[no_mangle]
pub unsafe extern "C" fn zmq_threadclose(thread: *mut c_void) {
    if !thread.is_null() {
        let _ = Box::from_raw(thread.cast::<JoinHandle<()>>()).join();
    }
}
