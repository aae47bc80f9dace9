//! rust-zmq's `Sendable` trait and its older send names (`send_msg`, `send_str`), so code
//! written for the zmq crate builds unchanged. [`Socket::send`] takes anything that is
//! `Into<Message>`, which is what `Sendable` is implemented for.

use super::Socket;
use crate::error::Result;
use crate::message::Message;

/// Something a socket can send as one frame (rust-zmq's trait; here every `Into<Message>`).
pub trait Sendable {
    /// Sends `self` on `socket` as one frame, with `flags` as [`Socket::send`] takes them.
    fn send(self, socket: &Socket, flags: i32) -> Result<()>;
}

impl<T: Into<Message>> Sendable for T {
    fn send(self, socket: &Socket, flags: i32) -> Result<()> {
        socket.send(self, flags)
    }
}

impl Socket {
    /// Sends a message as one frame: rust-zmq's older name for [`Socket::send`].
    pub fn send_msg(&self, msg: Message, flags: i32) -> Result<()> {
        self.send(msg, flags)
    }

    /// Sends text as one frame: rust-zmq's older name for [`Socket::send`].
    pub fn send_str(&self, data: &str, flags: i32) -> Result<()> {
        self.send(data, flags)
    }
}
