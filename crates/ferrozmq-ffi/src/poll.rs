//! `zmq_poll` over `zmq_pollitem_t` (sockets and raw file descriptors), and `zmq_proxy` /
//! `zmq_proxy_steerable`.

use crate::errno::{guard, Errno, Outcome, EFAULT, EINVAL};
use crate::handle;
use std::ffi::{c_int, c_long, c_short, c_void};

/// libzmq's poll item: a socket (or, if NULL, the raw descriptor `fd`), the events wanted
/// and, after `zmq_poll`, the events found.
#[repr(C)]
pub struct zmq_pollitem_t {
    /// A socket from `zmq_socket`, or NULL to poll `fd`.
    pub socket: *mut c_void,
    /// A file descriptor, used when `socket` is NULL.
    pub fd: c_int,
    /// ZMQ_POLLIN | ZMQ_POLLOUT | ZMQ_POLLERR | ZMQ_POLLPRI wanted.
    pub events: c_short,
    /// The events found.
    pub revents: c_short,
}

/// `zmq_poll`: waits up to `timeout` ms (-1: forever) until an item is ready; returns how many
/// are. ENOTSOCK for a closed socket in an item, EINVAL for a negative count.
///
/// # Safety
/// `items` points at `count` poll items (or is NULL with `count` 0).
#[no_mangle]
pub unsafe extern "C" fn zmq_poll(
    items: *mut zmq_pollitem_t,
    count: c_int,
    timeout: c_long,
) -> c_int {
    guard(-1, || {
        let count = usize::try_from(count).map_err(|_| EINVAL)?;
        if items.is_null() && count > 0 {
            return Err(EFAULT);
        }
        let items: &mut [zmq_pollitem_t] = if count == 0 {
            &mut []
        } else {
            std::slice::from_raw_parts_mut(items, count)
        };
        let mut rust_items = items
            .iter()
            .map(|item| {
                let events = ferrozmq::PollEvents::from_bits_truncate(item.events);
                Ok(if item.socket.is_null() {
                    ferrozmq::PollItem::from_fd(item.fd, events)
                } else {
                    handle::socket(item.socket)?.as_poll_item(events)
                })
            })
            .collect::<Outcome<Vec<_>>>()?;
        // c_long is i64 on LP64 targets only.
        #[allow(clippy::useless_conversion)]
        let ready = ferrozmq::poll(&mut rust_items, i64::from(timeout))?;
        for (item, polled) in items.iter_mut().zip(&rust_items) {
            item.revents = polled.get_revents().bits();
        }
        Ok(ready)
    })
}

/// A proxy's socket: one of a type that is not thread-safe (ENOTSUP for a thread-safe one,
/// which ferrozmq's proxy does not drive).
unsafe fn proxy_socket<'a>(socket: *mut c_void) -> Outcome<&'a ferrozmq::Socket> {
    match handle::socket(socket)? {
        handle::SocketRef::Plain(socket) => Ok(socket),
        handle::SocketRef::Shared(_) => Err(Errno(libc::ENOTSUP)),
    }
}

/// A proxy socket behind a pointer that may be NULL (capture, control).
unsafe fn optional_socket<'a>(socket: *mut c_void) -> Outcome<Option<&'a ferrozmq::Socket>> {
    if socket.is_null() {
        return Ok(None);
    }
    proxy_socket(socket).map(Some)
}

/// `zmq_proxy`: forwards messages between `frontend` and `backend` (copying them to
/// `capture` if not NULL) until the context terminates; returns -1 (ETERM, EINTR).
///
/// # Safety
/// Each socket is NULL or from `zmq_socket`.
#[no_mangle]
pub unsafe extern "C" fn zmq_proxy(
    frontend: *mut c_void,
    backend: *mut c_void,
    capture: *mut c_void,
) -> c_int {
    zmq_proxy_steerable(frontend, backend, capture, std::ptr::null_mut())
}

/// `zmq_proxy_steerable`: `zmq_proxy` with a `control` socket taking PAUSE, RESUME,
/// TERMINATE and STATISTICS; returns 0 after TERMINATE.
///
/// # Safety
/// As `zmq_proxy`.
#[no_mangle]
pub unsafe extern "C" fn zmq_proxy_steerable(
    frontend: *mut c_void,
    backend: *mut c_void,
    capture: *mut c_void,
    control: *mut c_void,
) -> c_int {
    guard(-1, || {
        let frontend = proxy_socket(frontend)?;
        let backend = proxy_socket(backend)?;
        let capture = optional_socket(capture)?;
        match (capture, optional_socket(control)?) {
            (None, None) => ferrozmq::proxy(frontend, backend)?,
            (Some(capture), None) => ferrozmq::proxy_with_capture(frontend, backend, capture)?,
            (None, Some(control)) => {
                ferrozmq::proxy_steerable(frontend, backend, control)?;
            }
            (Some(capture), Some(control)) => {
                ferrozmq::proxy_steerable_with_capture(frontend, backend, capture, control)?;
            }
        }
        Ok(0)
    })
}

/// `zmq_device` (deprecated): `zmq_proxy` without capture; the device type is ignored, as in
/// libzmq 4.
///
/// # Safety
/// As `zmq_proxy`.
#[no_mangle]
pub unsafe extern "C" fn zmq_device(
    device_type: c_int,
    frontend: *mut c_void,
    backend: *mut c_void,
) -> c_int {
    let _ = device_type;
    zmq_proxy(frontend, backend, std::ptr::null_mut())
}
