//! Socket calls: endpoints, options through ferrozmq's option table (libzmq's value
//! encodings), `zmq_send`/`zmq_recv`/`zmq_send_const` and `zmq_socket_monitor`.

use crate::args::{bytes, bytes_mut, count, text};
use crate::errno::{guard, Errno, Outcome, EFAULT, EINVAL};
use crate::handle;
use crate::message::borrowed_message;
use ferrozmq::options::ids;
use std::ffi::{c_char, c_int, c_void};
use std::mem::size_of;

/// Runs `call` with the socket behind `socket` and an endpoint string: 0 or -1 and errno.
unsafe fn with_endpoint(
    socket: *mut c_void,
    endpoint: *const c_char,
    call: fn(&ferrozmq::Socket, &str) -> ferrozmq::Result<()>,
) -> c_int {
    guard(-1, || {
        let socket = handle::socket(socket)?;
        let endpoint = text(endpoint)?;
        socket.with(|s| call(s, endpoint))?;
        Ok(0)
    })
}

/// `zmq_bind`: accepts connections on `endpoint` (`tcp://`, `ipc://`, `inproc://`…).
///
/// # Safety
/// `socket` is NULL or from `zmq_socket`; `endpoint` is NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn zmq_bind(socket: *mut c_void, endpoint: *const c_char) -> c_int {
    with_endpoint(socket, endpoint, ferrozmq::Socket::bind)
}

/// `zmq_connect`: connects to `endpoint`.
///
/// # Safety
/// As `zmq_bind`.
#[no_mangle]
pub unsafe extern "C" fn zmq_connect(socket: *mut c_void, endpoint: *const c_char) -> c_int {
    with_endpoint(socket, endpoint, ferrozmq::Socket::connect)
}

/// `zmq_unbind`: stops accepting on `endpoint` (ENOENT if not bound).
///
/// # Safety
/// As `zmq_bind`.
#[no_mangle]
pub unsafe extern "C" fn zmq_unbind(socket: *mut c_void, endpoint: *const c_char) -> c_int {
    with_endpoint(socket, endpoint, ferrozmq::Socket::unbind)
}

/// `zmq_disconnect`: drops the connection to `endpoint` (ENOENT if not connected).
///
/// # Safety
/// As `zmq_bind`.
#[no_mangle]
pub unsafe extern "C" fn zmq_disconnect(socket: *mut c_void, endpoint: *const c_char) -> c_int {
    with_endpoint(socket, endpoint, ferrozmq::Socket::disconnect)
}

/// The CURVE key options, which libzmq reads back as 32 bytes or, into a 41-byte buffer,
/// as 40 Z85 characters and a NUL.
fn is_curve_key(option: c_int) -> bool {
    [
        ids::CURVE_PUBLICKEY,
        ids::CURVE_SECRETKEY,
        ids::CURVE_SERVERKEY,
    ]
    .contains(&option)
}

/// `zmq_setsockopt`: sets option `option` from `len` bytes at `value` (libzmq's encodings:
/// ints are 4 native-endian bytes, MAXMSGSIZE 8, strings unterminated, `(NULL, 0)` clears).
///
/// # Safety
/// `socket` as `zmq_bind`; `value` is NULL or points at `len` readable bytes.
#[no_mangle]
pub unsafe extern "C" fn zmq_setsockopt(
    socket: *mut c_void,
    option: c_int,
    value: *const c_void,
    len: usize,
) -> c_int {
    guard(-1, || {
        let socket = handle::socket(socket)?;
        if !value.is_null() && len == 0 && UNSET_BY_NULL_ONLY.contains(&option) {
            return Err(EINVAL);
        }
        let value = bytes(value, len)?;
        socket.with(|s| s.set_option(option, value))?;
        Ok(0)
    })
}

/// The text options libzmq unsets only with a NULL value: an empty string is EINVAL
/// (its `do_setsockopt_string_allow_empty_strict`).
const UNSET_BY_NULL_ONLY: [c_int; 3] =
    [ids::SOCKS_PROXY, ids::TCP_ACCEPT_FILTER, ids::BINDTODEVICE];

/// `zmq_getsockopt`: writes option `option` into the `*len` bytes at `value` and sets `*len`
/// to the size written; EINVAL if the buffer is too small for it. An int fills a larger
/// buffer with zeros first, as libzmq.
///
/// # Safety
/// `socket` as `zmq_bind`; `len` is NULL or valid, `value` NULL or `*len` writable bytes.
#[no_mangle]
pub unsafe extern "C" fn zmq_getsockopt(
    socket: *mut c_void,
    option: c_int,
    value: *mut c_void,
    len: *mut usize,
) -> c_int {
    guard(-1, || {
        let socket = handle::socket(socket)?;
        if len.is_null() {
            return Err(EFAULT);
        }
        let buffer = bytes_mut(value, *len)?;
        let mut option_value = socket.with(|s| s.get_option(option))?;
        if is_curve_key(option) && buffer.len() == 41 {
            option_value = z85_with_nul(&option_value)?;
        }
        if option_value.len() == size_of::<c_int>() && buffer.len() > option_value.len() {
            // libzmq clears a larger buffer for an int, so an int64 reads the int's value.
            buffer.fill(0);
        }
        let out = buffer.get_mut(..option_value.len()).ok_or(EINVAL)?;
        out.copy_from_slice(&option_value);
        *len = option_value.len();
        Ok(0)
    })
}

/// A 32-byte key as Z85 text and a NUL.
fn z85_with_nul(key: &[u8]) -> Outcome<Vec<u8>> {
    let mut text = ferrozmq::z85_encode(key).map_err(|_| EINVAL)?.into_bytes();
    text.push(0);
    Ok(text)
}

/// `zmq_send`: sends the `len` bytes at `data` as one frame (ZMQ_SNDMORE: more follow);
/// returns `len`.
///
/// # Safety
/// `socket` as `zmq_bind`; `data` is NULL (with `len` 0) or points at `len` readable bytes.
#[no_mangle]
pub unsafe extern "C" fn zmq_send(
    socket: *mut c_void,
    data: *const c_void,
    len: usize,
    flags: c_int,
) -> c_int {
    guard(-1, || {
        let socket = handle::socket(socket)?;
        socket.send(ferrozmq::Message::from(bytes(data, len)?), flags)?;
        Ok(count(len))
    })
}

/// `zmq_send_const`: as `zmq_send`, for data that stays valid and unchanged until sent
/// (no copy where the transport allows).
///
/// # Safety
/// As `zmq_send`; the bytes stay valid for the life of the process or until sent.
#[no_mangle]
pub unsafe extern "C" fn zmq_send_const(
    socket: *mut c_void,
    data: *const c_void,
    len: usize,
    flags: c_int,
) -> c_int {
    guard(-1, || {
        let socket = handle::socket(socket)?;
        bytes(data, len)?;
        socket.send(
            borrowed_message(data, len, None, std::ptr::null_mut()),
            flags,
        )?;
        Ok(count(len))
    })
}

/// `zmq_recv`: receives one frame into the `len` bytes at `buffer`, truncating it if
/// longer; returns the frame's full size.
///
/// # Safety
/// `socket` as `zmq_bind`; `buffer` is NULL (with `len` 0) or `len` writable bytes.
#[no_mangle]
pub unsafe extern "C" fn zmq_recv(
    socket: *mut c_void,
    buffer: *mut c_void,
    len: usize,
    flags: c_int,
) -> c_int {
    guard(-1, || {
        let socket = handle::socket(socket)?;
        let size = socket.recv_into(bytes_mut(buffer, len)?, flags)?;
        Ok(count(size))
    })
}

/// `zmq_socket_monitor`: publishes the socket's `events` (a ZMQ_EVENT_* mask) on a PAIR
/// socket bound at inproc `endpoint` (another transport: EPROTONOSUPPORT); a NULL endpoint
/// stops monitoring.
///
/// # Safety
/// `socket` as `zmq_bind`; `endpoint` is NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn zmq_socket_monitor(
    socket: *mut c_void,
    endpoint: *const c_char,
    events: c_int,
) -> c_int {
    guard(-1, || {
        let socket = handle::socket(socket)?;
        if endpoint.is_null() {
            socket.with(|s| s.monitor("", 0))?;
            return Ok(0);
        }
        let endpoint = text(endpoint)?;
        // libzmq checks the transport before the events: only inproc monitors exist.
        if !endpoint.starts_with("inproc://") {
            return Err(Errno(libc::EPROTONOSUPPORT));
        }
        socket.with(|s| s.monitor(endpoint, events))?;
        Ok(0)
    })
}
