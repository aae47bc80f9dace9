//! Contexts and the making and closing of sockets: `zmq_ctx_*`, the deprecated `zmq_init`,
//! `zmq_term` and `zmq_ctx_destroy`, `zmq_socket` and `zmq_close`.

use crate::args::count;
use crate::constants::ZMQ_MSG_T_SIZE;
use crate::errno::{guard, EINVAL};
use crate::handle;
use crate::message::zmq_msg_t;
use std::ffi::{c_int, c_void};
use std::ptr;

/// `zmq_ctx_new`: a new context (one I/O thread, started when first needed).
#[no_mangle]
pub extern "C" fn zmq_ctx_new() -> *mut c_void {
    guard(ptr::null_mut(), || {
        Ok(handle::new_context(ferrozmq::Context::new()))
    })
}

/// `zmq_init` (deprecated): a new context with `io_threads` I/O threads.
#[no_mangle]
pub extern "C" fn zmq_init(io_threads: c_int) -> *mut c_void {
    guard(ptr::null_mut(), || {
        let context = ferrozmq::Context::new();
        context.set_io_threads(io_threads)?;
        Ok(handle::new_context(context))
    })
}

/// `zmq_ctx_term`: terminates the context, waiting until its sockets are closed; blocking
/// calls on them return ETERM meanwhile. EFAULT for NULL or a terminated context.
///
/// # Safety
/// `context` is NULL or a pointer `zmq_ctx_new` returned.
#[no_mangle]
pub unsafe extern "C" fn zmq_ctx_term(context: *mut c_void) -> c_int {
    guard(-1, || {
        let mut handle = handle::take_context(context)?;
        handle.context.destroy()?;
        Ok(0)
    })
}

/// `zmq_term` (deprecated): `zmq_ctx_term`.
///
/// # Safety
/// As `zmq_ctx_term`.
#[no_mangle]
pub unsafe extern "C" fn zmq_term(context: *mut c_void) -> c_int {
    zmq_ctx_term(context)
}

/// `zmq_ctx_destroy` (deprecated): `zmq_ctx_term`.
///
/// # Safety
/// As `zmq_ctx_term`.
#[no_mangle]
pub unsafe extern "C" fn zmq_ctx_destroy(context: *mut c_void) -> c_int {
    zmq_ctx_term(context)
}

/// `zmq_ctx_shutdown`: starts termination without waiting (blocking calls return ETERM).
///
/// # Safety
/// As `zmq_ctx_term`.
#[no_mangle]
pub unsafe extern "C" fn zmq_ctx_shutdown(context: *mut c_void) -> c_int {
    guard(-1, || {
        handle::context(context)?.shutdown()?;
        Ok(0)
    })
}

/// `zmq_ctx_set`: sets a context option (libzmq's ids and rules).
///
/// # Safety
/// As `zmq_ctx_term`.
#[no_mangle]
pub unsafe extern "C" fn zmq_ctx_set(context: *mut c_void, option: c_int, value: c_int) -> c_int {
    guard(-1, || {
        handle::context(context)?.set(option, value)?;
        Ok(0)
    })
}

/// `zmq_ctx_get`: reads a context option; ZMQ_MSG_T_SIZE is the C ABI's `sizeof (zmq_msg_t)`.
///
/// # Safety
/// As `zmq_ctx_term`.
#[no_mangle]
pub unsafe extern "C" fn zmq_ctx_get(context: *mut c_void, option: c_int) -> c_int {
    guard(-1, || {
        let context = handle::context(context)?;
        if option == ZMQ_MSG_T_SIZE {
            return Ok(count(std::mem::size_of::<zmq_msg_t>()));
        }
        Ok(context.get(option)?)
    })
}

/// `zmq_socket`: a new socket of libzmq type number `socket_type` (EINVAL if unknown).
///
/// # Safety
/// As `zmq_ctx_term`.
#[no_mangle]
pub unsafe extern "C" fn zmq_socket(context: *mut c_void, socket_type: c_int) -> *mut c_void {
    guard(ptr::null_mut(), || {
        let context = handle::context(context)?;
        let socket_type = ferrozmq::SocketType::from_raw(socket_type).ok_or(EINVAL)?;
        Ok(handle::new_socket(context, socket_type)?)
    })
}

/// `zmq_close`: closes a socket (pending messages linger per ZMQ_LINGER); ENOTSOCK for NULL
/// or a closed socket.
///
/// # Safety
/// `socket` is NULL or a pointer `zmq_socket` returned.
#[no_mangle]
pub unsafe extern "C" fn zmq_close(socket: *mut c_void) -> c_int {
    guard(-1, || {
        handle::take_socket(socket)?;
        Ok(0)
    })
}
