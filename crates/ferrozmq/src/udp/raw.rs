//! DGRAM's pump (libzmq's `udp_engine` with `raw_socket`): between a DGRAM's pipe and its
//! bound udp socket, both ways. A message `[address, body]` from the socket goes out as one
//! datagram carrying `body` alone to `address` (`ip:port`; one that does not read as such,
//! or names port 0, or a body over 8192 bytes, is dropped, as libzmq drops it); a datagram
//! that arrives comes in as `[sender's ip:port, payload]`, unless the pipe is full. As in
//! libzmq, a received address frame ends with a NUL (C callers read it as a string) and an
//! address frame to send may.

use super::PumpWaker;
use crate::message::Message;
use crate::pipe::{Parcel, PipeEnd};
use crate::sys::{self, PollFd};
use ferrozmq_zmtp::datagram::MAX_DATAGRAM;
use std::io::ErrorKind;
use std::net::{SocketAddr, UdpSocket};
use std::os::fd::AsRawFd;

/// Runs until the socket closes its end of the pipe.
pub(super) fn pump(socket: &UdpSocket, mut pipe: PipeEnd, waker: &PumpWaker) {
    // One byte more than the largest datagram, so an oversize one is seen as such.
    let mut buffer = vec![0u8; MAX_DATAGRAM + 1];
    loop {
        while let Some(parcel) = pipe.read() {
            send(socket, parcel);
        }
        if pipe.is_other_closed() {
            return;
        }
        let mut fds = [
            PollFd::new(socket.as_raw_fd(), sys::READABLE),
            PollFd::new(waker.0.fd(), sys::READABLE),
        ];
        if sys::poll(&mut fds, -1).is_err() {
            continue;
        }
        waker.0.take();
        loop {
            match socket.recv_from(&mut buffer) {
                Ok((n, from)) if n <= MAX_DATAGRAM => {
                    if pipe.check_write() {
                        pipe.write_unflushed(Parcel::Multi(vec![
                            Message::from(format!("{from}\0")),
                            Message::from(&buffer[..n]),
                        ]));
                    }
                }
                Ok(_) => {}
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(_) => break,
            }
        }
        pipe.flush();
    }
}

/// One `[address, body]` message out as a datagram, or dropped.
fn send(socket: &UdpSocket, parcel: Parcel) {
    let Parcel::Multi(frames) = parcel else {
        return;
    };
    let [address, body] = &frames[..] else {
        return;
    };
    if let Some(to) = peer_address(address) {
        if body.len() <= MAX_DATAGRAM {
            // A refused send (no route, a full buffer) loses the datagram, as udp does.
            let _ = socket.send_to(body, to);
        }
    }
}

/// An address frame as libzmq's `resolve_raw_address` reads it: `ip:port`, port not 0,
/// perhaps with a NUL after it (as a received one has).
fn peer_address(frame: &[u8]) -> Option<SocketAddr> {
    let frame = frame.strip_suffix(b"\0").unwrap_or(frame);
    let text = std::str::from_utf8(frame).ok()?;
    text.parse::<SocketAddr>().ok().filter(|a| a.port() != 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn address_frames_read_as_libzmq_reads_them() {
        assert_eq!(
            peer_address(b"127.0.0.1:5556"),
            Some("127.0.0.1:5556".parse().unwrap())
        );
        assert_eq!(
            peer_address(b"127.0.0.1:5556\0"),
            Some("127.0.0.1:5556".parse().unwrap())
        );
        assert_eq!(peer_address(b"127.0.0.1:0"), None);
        assert_eq!(peer_address(b"127.0.0.1"), None);
        assert_eq!(peer_address(b"localhost:5556"), None);
        assert_eq!(peer_address(b"\\xff:1"), None);
        assert_eq!(peer_address(b""), None);
    }
}
