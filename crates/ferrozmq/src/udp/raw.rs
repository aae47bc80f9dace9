//! What DGRAM's pump does (libzmq's `udp_engine` with `raw_socket`; `serve_bound` runs it)
//! between a DGRAM's pipe and its bound udp socket, both ways. A message `[address, body]`
//! from the socket goes out as one datagram carrying `body` alone to `address` (`ip:port`;
//! one that does not read as such, or names port 0, or a body over 8192 bytes, is dropped,
//! as libzmq drops it); a datagram that arrives comes in as `[sender's ip:port, payload]`,
//! unless the pipe is full. As in libzmq, a received address frame ends with a NUL (C
//! callers read it as a string) and an address frame to send may.

use crate::message::Message;
use crate::pipe::Parcel;
use ferrozmq_zmtp::datagram::MAX_DATAGRAM;
use std::net::{SocketAddr, UdpSocket};

/// The message a datagram makes: its sender's `ip:port` (NUL-terminated) and its payload.
pub(super) fn message(payload: &[u8], from: SocketAddr) -> Option<Parcel> {
    Some(Parcel::Multi(vec![
        Message::from(format!("{from}\0")),
        Message::from(payload),
    ]))
}

/// One `[address, body]` message out as a datagram, or dropped.
pub(super) fn send(socket: &UdpSocket, parcel: Parcel) {
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
