//! The draft message calls: routing ids (SERVER, PEER), groups (RADIO, DISH) and
//! `zmq_msg_init_buffer`.

use crate::errno::{guard, EINVAL};
use crate::message::{live, store, zmq_msg_t};
use ferrozmq::Message;
use std::ffi::{c_char, c_int, c_void, CStr};

/// `zmq_msg_init_buffer`: a message holding a copy of the `size` bytes at `buf`.
///
/// # Safety
/// `msg` is NULL or points at a writable `zmq_msg_t`; `buf` is NULL (with `size` 0) or
/// `size` readable bytes.
#[no_mangle]
pub unsafe extern "C" fn zmq_msg_init_buffer(
    msg: *mut zmq_msg_t,
    buf: *const c_void,
    size: usize,
) -> c_int {
    guard(-1, || {
        let data = crate::args::bytes(buf, size)?;
        store(msg, Message::from_slice(data))
    })
}

/// `zmq_msg_set_routing_id`: names the SERVER or PEER connection the message goes to;
/// EINVAL for 0.
///
/// # Safety
/// `msg` is NULL or a `zmq_msg_t` (EFAULT unless initialised).
#[no_mangle]
pub unsafe extern "C" fn zmq_msg_set_routing_id(msg: *mut zmq_msg_t, routing_id: u32) -> c_int {
    guard(-1, || {
        live(msg)?.set_routing_id(routing_id)?;
        Ok(0)
    })
}

/// `zmq_msg_routing_id`: the connection a SERVER or PEER message came from; 0 if none.
///
/// # Safety
/// As `zmq_msg_set_routing_id`.
#[no_mangle]
pub unsafe extern "C" fn zmq_msg_routing_id(msg: *mut zmq_msg_t) -> u32 {
    guard(0, || Ok(live(msg)?.routing_id()))
}

/// `zmq_msg_set_group`: the group a RADIO publishes the message to (at most 255 bytes,
/// else EINVAL).
///
/// # Safety
/// As `zmq_msg_set_routing_id`; `group` is NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn zmq_msg_set_group(msg: *mut zmq_msg_t, group: *const c_char) -> c_int {
    guard(-1, || {
        let message = live(msg)?;
        if group.is_null() {
            return Err(EINVAL);
        }
        message.set_group(CStr::from_ptr(group).to_bytes())?;
        Ok(0)
    })
}

/// `zmq_msg_group`: the message's group as a NUL-terminated string ("" if none), valid
/// until the message changes: the message keeps its group NUL-terminated, so this costs
/// no copy.
///
/// # Safety
/// As `zmq_msg_set_routing_id`.
#[no_mangle]
pub unsafe extern "C" fn zmq_msg_group(msg: *mut zmq_msg_t) -> *const c_char {
    guard(std::ptr::null(), || {
        Ok(live(msg)?.group_c_str().unwrap_or_default().as_ptr())
    })
}
