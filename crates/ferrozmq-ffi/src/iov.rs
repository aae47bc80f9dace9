//! The deprecated vector calls `zmq_sendiov` / `zmq_recviov`, which send a message from, and
//! receive one into, an array of POSIX `struct iovec` (one frame per element).

use crate::errno::{guard, EINVAL};
use crate::handle;
use std::ffi::{c_int, c_void};

/// POSIX `struct iovec` (`<sys/uio.h>`), declared but not defined by `zmq.h`, as in libzmq.
#[repr(C)]
pub struct iovec {
    iov_base: *mut c_void,
    iov_len: usize,
}

/// `zmq_sendiov`: sends `count` frames, one per element, as one message (the last without
/// ZMQ_SNDMORE); returns the last frame's size. EINVAL for no frames or a NULL array.
///
/// # Safety
/// `socket` is NULL or from `zmq_socket`; `iov` points at `count` elements whose buffers are
/// readable.
#[no_mangle]
pub unsafe extern "C" fn zmq_sendiov(
    socket: *mut c_void,
    iov: *mut iovec,
    count: usize,
    flags: c_int,
) -> c_int {
    guard(-1, || {
        let socket = handle::socket(socket)?;
        if count == 0 || iov.is_null() {
            return Err(EINVAL);
        }
        let elements = std::slice::from_raw_parts(iov, count);
        let frames = elements
            .iter()
            .map(|element| crate::args::bytes(element.iov_base, element.iov_len))
            .collect::<Result<Vec<_>, _>>()?;
        match socket {
            handle::SocketRef::Plain(socket) => {
                socket.send_multipart(frames, flags & !ferrozmq::SNDMORE)?
            }
            // A thread-safe type sends single frames only (libzmq: EINVAL for more).
            handle::SocketRef::Shared(socket) => match frames[..] {
                [frame] => socket.send(frame, flags & !ferrozmq::SNDMORE)?,
                _ => return Err(EINVAL),
            },
        }
        Ok(crate::args::count(elements[count - 1].iov_len))
    })
}

/// `zmq_recviov`: receives up to `*count` frames of the next message into `iov`, each into a
/// buffer from `malloc` that the caller frees; sets `*count` to the frames received and
/// returns that number. EINVAL for a NULL array or count, or a count of 0.
///
/// # Safety
/// `socket` as `zmq_sendiov`; `count` points at the number of writable elements at `iov`.
#[no_mangle]
pub unsafe extern "C" fn zmq_recviov(
    socket: *mut c_void,
    iov: *mut iovec,
    count: *mut usize,
    flags: c_int,
) -> c_int {
    guard(-1, || {
        let socket = handle::socket(socket)?;
        if iov.is_null() || count.is_null() || *count == 0 {
            return Err(EINVAL);
        }
        let capacity = *count;
        *count = 0;
        let mut more = true;
        while more && *count < capacity {
            let frame = socket.recv_msg(flags)?;
            more = frame.get_more();
            let buffer = libc::malloc(frame.len().max(1));
            if buffer.is_null() {
                return Err(crate::errno::Errno(libc::ENOMEM));
            }
            std::ptr::copy_nonoverlapping(frame.as_ptr(), buffer.cast::<u8>(), frame.len());
            iov.add(*count).write(iovec {
                iov_base: buffer,
                iov_len: frame.len(),
            });
            *count += 1;
        }
        Ok(crate::args::count(*count))
    })
}
