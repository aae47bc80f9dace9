//! `AsRawFd` for [`Socket`], as rust-zmq has it: the socket's ZMQ_FD, for registering a
//! socket with an event loop through the standard trait (see [`Socket::get_fd`] for how to
//! use that descriptor).

use super::Socket;
use std::os::fd::{AsRawFd, RawFd};

impl AsRawFd for Socket {
    /// The socket's ZMQ_FD. rust-zmq panics where reading it fails; this returns -1 then (a
    /// descriptor every system call refuses with EBADF), so a caller's mistake never panics.
    fn as_raw_fd(&self) -> RawFd {
        self.get_fd().unwrap_or(-1)
    }
}
