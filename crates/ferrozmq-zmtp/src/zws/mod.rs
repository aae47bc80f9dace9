//! ZWS 2.0, ZMTP over WebSocket (libzmq's `ws://` transport), sans-IO: the HTTP/1.1 upgrade
//! ([`handshake`]) and the translation between WebSocket frames and the ZMTP byte stream
//! the [`Engine`](crate::Engine) reads and writes ([`bridge`]). The I/O layer runs the
//! upgrade, then passes every byte through the bridge; the engine is unchanged.

pub mod bridge;
pub mod handshake;

pub use bridge::{Bridge, Decoded, FrameError};
pub use handshake::{ClientHandshake, HandshakeError, ServerHandshake};
