//! The draft socket calls: groups, `zmq_connect_peer` and the versioned monitor.

use crate::args::{bytes, text};
use crate::errno::{guard, Errno, EINVAL};
use crate::handle;
use std::ffi::{c_char, c_int, c_void};

/// `zmq_join`: a DISH receives `group`'s messages from now on (EINVAL for a name over 15
/// bytes, ENOTSUP on another socket type).
///
/// # Safety
/// `socket` is NULL or from `zmq_socket`; `group` is NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn zmq_join(socket: *mut c_void, group: *const c_char) -> c_int {
    guard(-1, || {
        let group = text(group)?;
        handle::socket(socket)?.with(|s| s.join(group))?;
        Ok(0)
    })
}

/// `zmq_leave`: a DISH stops receiving `group`'s messages (EINVAL if it had not joined).
///
/// # Safety
/// As `zmq_join`.
#[no_mangle]
pub unsafe extern "C" fn zmq_leave(socket: *mut c_void, group: *const c_char) -> c_int {
    guard(-1, || {
        let group = text(group)?;
        handle::socket(socket)?.with(|s| s.leave(group))?;
        Ok(0)
    })
}

/// `zmq_connect_peer`: a PEER socket connects to `endpoint`; returns the routing id of the
/// new connection, or 0 and errno (ENOTSUP on another socket type).
///
/// # Safety
/// `socket` as `zmq_join`; `endpoint` is NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn zmq_connect_peer(socket: *mut c_void, endpoint: *const c_char) -> u32 {
    guard(0, || {
        let endpoint = text(endpoint)?;
        Ok(handle::socket(socket)?.with(|s| s.connect_peer(endpoint))?)
    })
}

/// `zmq_socket_get_peer_state`: ZMQ_POLLOUT if a ROUTER can send to the peer with this
/// routing id now, else 0; -1 and EHOSTUNREACH for no such peer, ENOTSUP on other types.
///
/// # Safety
/// `socket` as `zmq_join`; `routing_id` points to `size` readable bytes (or is NULL with 0).
#[no_mangle]
pub unsafe extern "C" fn zmq_socket_get_peer_state(
    socket: *mut c_void,
    routing_id: *const c_void,
    size: usize,
) -> c_int {
    guard(-1, || {
        let socket = handle::socket(socket)?;
        let routing_id = bytes(routing_id, size)?;
        let state = socket.with(|s| s.peer_state(routing_id))?;
        Ok(state.bits() as c_int)
    })
}

/// `zmq_socket_monitor_versioned`: publishes the socket's `events` in format `version`
/// (1 or 2) on a socket of `socket_type` (ZMQ_PAIR, ZMQ_PUB or ZMQ_PUSH) bound at inproc
/// `endpoint`; a NULL endpoint stops monitoring.
///
/// # Safety
/// `socket` as `zmq_join`; `endpoint` is NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn zmq_socket_monitor_versioned(
    socket: *mut c_void,
    endpoint: *const c_char,
    events: u64,
    version: c_int,
    socket_type: c_int,
) -> c_int {
    guard(-1, || {
        let socket = handle::socket(socket)?;
        let socket_type = ferrozmq::SocketType::from_raw(socket_type).ok_or(EINVAL)?;
        let endpoint = if endpoint.is_null() {
            ""
        } else {
            let endpoint = text(endpoint)?;
            if !endpoint.starts_with("inproc://") {
                return Err(Errno(libc::EPROTONOSUPPORT));
            }
            endpoint
        };
        socket.with(|s| s.monitor_versioned(endpoint, events, version, socket_type))?;
        Ok(0)
    })
}

/// `zmq_socket_monitor_pipes_stats`: one PIPES_STATS event per pipe on the socket's
/// version 2 monitor (EINVAL unless it asked for them, EAGAIN without pipes).
///
/// # Safety
/// `socket` as `zmq_join`.
#[no_mangle]
pub unsafe extern "C" fn zmq_socket_monitor_pipes_stats(socket: *mut c_void) -> c_int {
    guard(-1, || {
        handle::socket(socket)?.with(ferrozmq::Socket::monitor_pipes_stats)?;
        Ok(0)
    })
}
