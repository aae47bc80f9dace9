//! `zmq_ctx_set_ext` / `zmq_ctx_get_ext`: context options by (pointer, length).

use crate::errno::{guard, EFAULT, EINVAL};
use crate::handle;
use std::ffi::{c_int, c_void};
use std::mem::size_of;

/// `zmq_ctx_set_ext`: sets a context option from `len` bytes at `value`: an int when `len`
/// is an int's size, else bytes (THREAD_NAME_PREFIX's text; EINVAL for other options).
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
        if value.is_null() {
            return Err(EFAULT);
        }
        // As libzmq's ctx_t::set: a value of an int's size is an int, anything else bytes.
        if len == size_of::<c_int>() {
            context.set(option, value.cast::<c_int>().read_unaligned())?;
        } else {
            context.set_ext(option, std::slice::from_raw_parts(value.cast(), len))?;
        }
        Ok(0)
    })
}

/// `zmq_ctx_get_ext`: writes a context option into the `*len` bytes at `value`: the int
/// when `*len` is an int's size, else the option's bytes (THREAD_NAME_PREFIX's text), with
/// `*len` set to their length (EINVAL if they do not fit, or for other options).
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
        // As libzmq's ctx_t::get: a buffer of an int's size gets the int, any other the
        // option's bytes (EINVAL if they do not fit).
        if *len == size_of::<c_int>() {
            value.cast::<c_int>().write_unaligned(context.get(option)?);
            return Ok(0);
        }
        let bytes = context.get_ext(option)?;
        if bytes.len() > *len {
            return Err(EINVAL);
        }
        std::ptr::copy_nonoverlapping(bytes.as_ptr(), value.cast::<u8>(), bytes.len());
        *len = bytes.len();
        Ok(0)
    })
}
