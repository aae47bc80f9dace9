//! errno as libzmq reports it: the thread's C `errno` (so C code reading `errno` directly and
//! code calling `zmq_errno` agree), libzmq's numbers, and `zmq_strerror`'s texts. Every entry
//! point runs its body through [`guard`], so no Rust panic crosses the C boundary.

use std::collections::HashMap;
use std::ffi::{c_char, c_int, CStr, CString};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Mutex, OnceLock};

/// A failed call's errno number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Errno(pub(crate) c_int);

impl From<ferrozmq::Error> for Errno {
    fn from(error: ferrozmq::Error) -> Errno {
        Errno(error.to_raw())
    }
}

/// EINVAL, the answer to most bad arguments.
pub(crate) const EINVAL: Errno = Errno(libc::EINVAL);
/// EFAULT: a NULL or dead context or message, or a Rust panic caught at the boundary.
pub(crate) const EFAULT: Errno = Errno(libc::EFAULT);
/// ENOTSOCK: a NULL or closed socket.
pub(crate) const ENOTSOCK: Errno = Errno(libc::ENOTSOCK);

/// What an entry point's body returns: its value, or the errno to report.
pub(crate) type Outcome<T> = Result<T, Errno>;

/// Sets the calling thread's errno.
pub(crate) fn set_errno(errno: Errno) {
    // SAFETY: __errno_location returns the calling thread's errno slot, valid for the thread.
    unsafe { *libc::__errno_location() = errno.0 };
}

/// Runs an entry point's body: its value on success; on an error or a panic, errno is set
/// (EFAULT for a panic) and `failed` (libzmq's -1 or NULL) is returned.
pub(crate) fn guard<T>(failed: T, body: impl FnOnce() -> Outcome<T>) -> T {
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(value)) => value,
        Ok(Err(errno)) => {
            set_errno(errno);
            failed
        }
        Err(_) => {
            set_errno(EFAULT);
            failed
        }
    }
}

/// `zmq_errno`: the calling thread's errno.
#[no_mangle]
pub extern "C" fn zmq_errno() -> c_int {
    // SAFETY: as in set_errno.
    unsafe { *libc::__errno_location() }
}

/// `zmq_strerror`: the text for `errnum` (libzmq's own errors and the OS's), valid for the
/// life of the process, as libzmq's are. Texts are made once per number.
#[no_mangle]
pub extern "C" fn zmq_strerror(errnum: c_int) -> *const c_char {
    static TEXTS: OnceLock<Mutex<HashMap<c_int, &'static CStr>>> = OnceLock::new();
    let texts = TEXTS.get_or_init(Default::default);
    let mut texts = texts
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let text = texts.entry(errnum).or_insert_with(|| {
        let message = ferrozmq::Error::from_raw(errnum)
            .message()
            .replace('\0', "");
        let text = CString::new(message).unwrap_or_default();
        Box::leak(text.into_boxed_c_str())
    });
    text.as_ptr()
}
