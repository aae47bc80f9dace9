//! Errors with libzmq's errno kinds and numbers, so callers (and a future C ABI) see exactly the
//! codes libzmq would give them.

use std::fmt;

/// libzmq's base for its own error numbers (`ZMQ_HAUSNUMERO`).
const HAUSNUMERO: i32 = 156_384_712;

/// A ZeroMQ error: one libzmq errno kind. `to_raw` gives the number libzmq uses on Linux.
#[allow(clippy::upper_case_acronyms)]
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub enum Error {
    /// The operation would block: DONTWAIT, a timeout, or the socket is at its high-water mark.
    EAGAIN,
    /// The operation is not valid in the socket's current state (e.g. REQ sending twice).
    EFSM,
    /// The context was terminated; close the socket.
    ETERM,
    /// An argument (endpoint, option value) is invalid.
    EINVAL,
    /// The transport in an endpoint is not supported.
    EPROTONOSUPPORT,
    /// The transport is not compatible with the socket type.
    ENOCOMPATPROTO,
    /// The address is already in use.
    EADDRINUSE,
    /// The address is not available on this machine.
    EADDRNOTAVAIL,
    /// No such device (interface name in an endpoint).
    ENODEV,
    /// The message cannot be routed to its destination.
    EHOSTUNREACH,
    /// The operation is not supported by this socket type (e.g. recv on PUSH).
    ENOTSUP,
    /// A message is larger than allowed.
    EMSGSIZE,
    /// A blocking call was interrupted by a signal.
    EINTR,
    /// The endpoint to unbind/disconnect is not bound/connected.
    ENOENT,
    /// Too many open sockets or files.
    EMFILE,
    /// The connection was refused.
    ECONNREFUSED,
    /// No I/O thread is available for a transport that needs one.
    EMTHREAD,
    /// Bad address or internal fault.
    EFAULT,
    /// Permission denied (e.g. binding an ipc path in a read-only directory).
    EACCES,
    /// An ipc path is longer than a Unix socket address can hold.
    ENAMETOOLONG,
    /// A resource is busy. (rust-zmq has it; libzmq can report it.)
    EBUSY,
    /// An operation is in progress (a non-blocking connect). (rust-zmq has it; libzmq can report it.)
    EINPROGRESS,
    /// Out of memory. (rust-zmq has it; libzmq can report it.)
    ENOMEM,
    /// The socket is not connected. (rust-zmq has it; libzmq can report it.)
    ENOTCONN,
    /// Not a socket (a closed or invalid socket handle). (rust-zmq has it; libzmq can report it.)
    ENOTSOCK,
    /// A protocol error. (rust-zmq has it; libzmq can report it.)
    EPROTO,
    /// No buffer space available. (rust-zmq has it; libzmq can report it.)
    ENOBUFS,
    /// The network is down. (rust-zmq has it; libzmq can report it.)
    ENETDOWN,
    /// Any other operating-system error, by its raw errno.
    Os(i32),
}

impl Error {
    /// The errno number libzmq would report for this error on Linux.
    pub fn to_raw(self) -> i32 {
        match self {
            Error::EAGAIN => libc::EAGAIN,
            Error::EFSM => HAUSNUMERO + 51,
            Error::ENOCOMPATPROTO => HAUSNUMERO + 52,
            Error::ETERM => HAUSNUMERO + 53,
            Error::EMTHREAD => HAUSNUMERO + 54,
            Error::EINVAL => libc::EINVAL,
            Error::EPROTONOSUPPORT => libc::EPROTONOSUPPORT,
            Error::EADDRINUSE => libc::EADDRINUSE,
            Error::EADDRNOTAVAIL => libc::EADDRNOTAVAIL,
            Error::ENODEV => libc::ENODEV,
            Error::EHOSTUNREACH => libc::EHOSTUNREACH,
            Error::ENOTSUP => libc::ENOTSUP,
            Error::EMSGSIZE => libc::EMSGSIZE,
            Error::EINTR => libc::EINTR,
            Error::ENOENT => libc::ENOENT,
            Error::EMFILE => libc::EMFILE,
            Error::ECONNREFUSED => libc::ECONNREFUSED,
            Error::EFAULT => libc::EFAULT,
            Error::EACCES => libc::EACCES,
            Error::ENAMETOOLONG => libc::ENAMETOOLONG,
            Error::EBUSY => libc::EBUSY,
            Error::EINPROGRESS => libc::EINPROGRESS,
            Error::ENOMEM => libc::ENOMEM,
            Error::ENOTCONN => libc::ENOTCONN,
            Error::ENOTSOCK => libc::ENOTSOCK,
            Error::EPROTO => libc::EPROTO,
            Error::ENOBUFS => libc::ENOBUFS,
            Error::ENETDOWN => libc::ENETDOWN,
            Error::Os(n) => n,
        }
    }

    /// The error for a raw errno number (libzmq's or the OS's).
    pub fn from_raw(raw: i32) -> Error {
        const KNOWN: [Error; 28] = [
            Error::EAGAIN,
            Error::EFSM,
            Error::ETERM,
            Error::EINVAL,
            Error::EPROTONOSUPPORT,
            Error::ENOCOMPATPROTO,
            Error::EADDRINUSE,
            Error::EADDRNOTAVAIL,
            Error::ENODEV,
            Error::EHOSTUNREACH,
            Error::ENOTSUP,
            Error::EMSGSIZE,
            Error::EINTR,
            Error::ENOENT,
            Error::EMFILE,
            Error::ECONNREFUSED,
            Error::EMTHREAD,
            Error::EFAULT,
            Error::EACCES,
            Error::ENAMETOOLONG,
            Error::EBUSY,
            Error::EINPROGRESS,
            Error::ENOMEM,
            Error::ENOTCONN,
            Error::ENOTSOCK,
            Error::EPROTO,
            Error::ENOBUFS,
            Error::ENETDOWN,
        ];
        KNOWN
            .into_iter()
            .find(|e| e.to_raw() == raw)
            .unwrap_or(Error::Os(raw))
    }

    /// A human-readable message, as `zmq_strerror` gives.
    pub fn message(self) -> String {
        match self {
            Error::EFSM => "Operation cannot be accomplished in current state".into(),
            Error::ENOCOMPATPROTO => "The protocol is not compatible with the socket type".into(),
            Error::ETERM => "Context was terminated".into(),
            Error::EMTHREAD => "No thread available".into(),
            other => {
                // The OS text without the " (os error N)" that std appends.
                let text = std::io::Error::from_raw_os_error(other.to_raw()).to_string();
                match text.rfind(" (os error ") {
                    Some(at) => text[..at].to_string(),
                    None => text,
                }
            }
        }
    }
}

/// The message, as rust-zmq's `Debug` prints it (so `{:?}` equals `{}` and `message()`).
impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

impl std::error::Error for Error {}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Error {
        match e.raw_os_error() {
            Some(raw) => Error::from_raw(raw),
            None => match e.kind() {
                std::io::ErrorKind::WouldBlock => Error::EAGAIN,
                std::io::ErrorKind::InvalidInput => Error::EINVAL,
                std::io::ErrorKind::AddrInUse => Error::EADDRINUSE,
                std::io::ErrorKind::AddrNotAvailable => Error::EADDRNOTAVAIL,
                std::io::ErrorKind::Interrupted => Error::EINTR,
                std::io::ErrorKind::NotFound => Error::ENOENT,
                _ => Error::EFAULT,
            },
        }
    }
}

/// With the `io::ErrorKind` rust-zmq gives each errno (`ENOENT` is NotFound...), so code
/// that matches on `kind()` after `?` into `io::Error` behaves as with the zmq crate.
impl From<Error> for std::io::Error {
    fn from(e: Error) -> std::io::Error {
        use std::io::ErrorKind;
        let kind = match e {
            Error::ENOENT => ErrorKind::NotFound,
            Error::EACCES => ErrorKind::PermissionDenied,
            Error::ECONNREFUSED => ErrorKind::ConnectionRefused,
            Error::ENOTCONN => ErrorKind::NotConnected,
            Error::EADDRINUSE => ErrorKind::AddrInUse,
            Error::EADDRNOTAVAIL => ErrorKind::AddrNotAvailable,
            Error::EAGAIN => ErrorKind::WouldBlock,
            Error::EINVAL => ErrorKind::InvalidInput,
            Error::EINTR => ErrorKind::Interrupted,
            _ => ErrorKind::Other,
        };
        std::io::Error::new(kind, e)
    }
}

/// The result of a ZeroMQ operation.
pub type Result<T> = std::result::Result<T, Error>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_match_libzmq() {
        assert_eq!(Error::EFSM.to_raw(), 156_384_763);
        assert_eq!(Error::ETERM.to_raw(), 156_384_765);
        assert_eq!(Error::EAGAIN.to_raw(), 11);
        assert_eq!(Error::from_raw(156_384_763), Error::EFSM);
        assert_eq!(Error::from_raw(9999), Error::Os(9999));
        assert_eq!(Error::EHOSTUNREACH.to_raw(), 113);
    }

    #[test]
    fn messages_are_libzmqs() {
        assert_eq!(
            Error::EFSM.to_string(),
            "Operation cannot be accomplished in current state"
        );
        assert_eq!(
            Error::EAGAIN.to_string(),
            "Resource temporarily unavailable"
        );
        assert_eq!(Error::EINVAL.to_string(), "Invalid argument");
    }
}
