//! `zmq_ctx_set_ext` / `zmq_ctx_get_ext`: context options by (pointer, length).

use crate::errno::{guard, EFAULT, EINVAL};
use crate::handle;
use std::ffi::{c_int, c_void};
use std::mem::size_of;

/// `zmq_ctx_set_ext`: sets an int context option from `len` bytes at `value` (an int's
/// size, else EINVAL: ferrozmq's context options are all ints).
///
/// # Safety
/// `context` is NULL or from `zmq_ctx_new`; `value` is NULL or `len` readable bytes.
#[no_mangle]
pub unsafe extern "C" fn zmq_ctx_set_ext(
    context: *mut c_void,
    option: c_int,
    value: *const c_void,
    len: usize,
) -> c_int {
    guard(-1, || {
        let context = handle::context(context)?;
        if len != size_of::<c_int>() {
            return Err(EINVAL);
        }
        if value.is_null() {
            return Err(EFAULT);
        }
        context.set(option, value.cast::<c_int>().read_unaligned())?;
        Ok(0)
    })
}

/// `zmq_ctx_get_ext`: writes an int context option into the `*len` bytes at `value` and
/// sets `*len` to an int's size (EINVAL if the buffer is smaller).
///
/// # Safety
/// `context` as `zmq_ctx_set_ext`; `len` is NULL or valid, `value` NULL or `*len` bytes.
#[no_mangle]
pub unsafe extern "C" fn zmq_ctx_get_ext(
    context: *mut c_void,
    option: c_int,
    value: *mut c_void,
    len: *mut usize,
) -> c_int {
    guard(-1, || {
        let context = handle::context(context)?;
        if len.is_null() || value.is_null() {
            return Err(EFAULT);
        }
        if *len < size_of::<c_int>() {
            return Err(EINVAL);
        }
        value.cast::<c_int>().write_unaligned(context.get(option)?);
        *len = size_of::<c_int>();
        Ok(0)
    })
}
