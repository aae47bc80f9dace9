//! C arguments turned into Rust values, with libzmq's answers to bad ones.

use crate::errno::{Outcome, EFAULT, EINVAL};
use std::ffi::{c_char, c_void, CStr};

/// A NUL-terminated UTF-8 string argument (an endpoint, a property name); EINVAL for NULL or
/// invalid UTF-8.
///
/// # Safety
/// `text` is NULL or a NUL-terminated string alive for `'a`.
pub unsafe fn text<'a>(text: *const c_char) -> Outcome<&'a str> {
    if text.is_null() {
        return Err(EINVAL);
    }
    CStr::from_ptr(text).to_str().map_err(|_| EINVAL)
}

/// A (pointer, length) buffer argument; `(NULL, 0)` is the empty buffer, NULL with a length
/// is EFAULT.
///
/// # Safety
/// `data` is NULL or points at `len` readable bytes alive for `'a`.
pub unsafe fn bytes<'a>(data: *const c_void, len: usize) -> Outcome<&'a [u8]> {
    match (data.is_null(), len) {
        (true, 0) => Ok(&[]),
        (true, _) => Err(EFAULT),
        (false, _) => Ok(std::slice::from_raw_parts(data.cast(), len)),
    }
}

/// A writable (pointer, length) buffer argument, as [`bytes`].
///
/// # Safety
/// `data` is NULL or points at `len` writable bytes alive for `'a`.
pub unsafe fn bytes_mut<'a>(data: *mut c_void, len: usize) -> Outcome<&'a mut [u8]> {
    match (data.is_null(), len) {
        (true, 0) => Ok(&mut []),
        (true, _) => Err(EFAULT),
        (false, _) => Ok(std::slice::from_raw_parts_mut(data.cast(), len)),
    }
}

/// A byte count as the `int` libzmq's send and receive calls return.
pub fn count(len: usize) -> i32 {
    i32::try_from(len).unwrap_or(i32::MAX)
}
