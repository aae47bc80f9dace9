//! HELLO_MSG, DISCONNECT_MSG and HICCUP_MSG (libzmq 4.3.5's draft options): messages a socket
//! sends to, or hears on behalf of, a peer when its connection comes and goes, so an
//! application needs no protocol of its own to learn of it.
//!
//! As in libzmq (`can_send_hello_msg`, `can_recv_disconnect_msg`, `can_recv_hiccup_msg`),
//! every type takes the options but only some act on them: ROUTER, DEALER, SERVER, CLIENT
//! and PEER send their HELLO as the first message of every new connection (a reconnection
//! too); a ROUTER, SERVER or PEER gets its DISCONNECT, as if the peer had sent it, when an
//! accepted peer's connection ends after its handshake (over inproc, when the connecting
//! socket closes or disconnects); a DEALER, CLIENT or PEER gets its HICCUP when a connection
//! it made ends after its handshake. An empty value sets none.

use crate::message::Message;
use crate::options::Options;
use ferrozmq_zmtp::SocketType;

/// The message a socket's new peer gets first, if its type sends one and it is set.
pub(crate) fn hello(options: &Options, socket_type: SocketType) -> Option<Message> {
    let sends = matches!(
        socket_type,
        SocketType::ROUTER
            | SocketType::DEALER
            | SocketType::SERVER
            | SocketType::CLIENT
            | SocketType::PEER
    );
    message(sends, &options.hello_msg)
}

/// What the socket receives when an accepted peer's connection ends.
pub(crate) fn disconnect(options: &Options, socket_type: SocketType) -> Option<Message> {
    let hears = matches!(
        socket_type,
        SocketType::ROUTER | SocketType::SERVER | SocketType::PEER
    );
    message(hears, &options.disconnect_msg)
}

/// What the socket receives when a connection it made ends.
pub(crate) fn hiccup(options: &Options, socket_type: SocketType) -> Option<Message> {
    let hears = matches!(
        socket_type,
        SocketType::DEALER | SocketType::CLIENT | SocketType::PEER
    );
    message(hears, &options.hiccup_msg)
}

fn message(applies: bool, bytes: &[u8]) -> Option<Message> {
    (applies && !bytes.is_empty()).then(|| Message::from(bytes))
}
