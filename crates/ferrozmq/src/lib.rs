//! # ferrozmq — ZeroMQ in pure Rust
//!
//! ferrozmq speaks ZMTP 3.1 on the wire, so its sockets talk to libzmq and pyzmq peers (the
//! ones its tests run) as equals. Its API mirrors the `zmq` crate (rust-zmq): porting is mostly an
//! import change. Socket types, option ids, flags and error numbers equal libzmq's.
//!
//! ```
//! let ctx = ferrozmq::Context::new();
//! let rep = ctx.socket(ferrozmq::REP)?;
//! rep.bind("tcp://127.0.0.1:*")?;
//! let endpoint = rep.get_last_endpoint()?.unwrap();
//!
//! let req = ctx.socket(ferrozmq::REQ)?;
//! req.connect(&endpoint)?;
//! req.send("Hello", 0)?;
//! assert_eq!(rep.recv_msg(0)?.as_str(), Some("Hello"));
//! rep.send("World", 0)?;
//! assert_eq!(req.recv_string(0)?.unwrap(), "World");
//! # Ok::<(), ferrozmq::Error>(())
//! ```
//!
//! Every socket also has an async form, [`AsyncSocket`], that runs under any executor (tested
//! under tokio, smol and `futures::executor`): the library has no runtime of its own, wake-ups go
//! through the task's `Waker`. It is a `Stream` of incoming messages and a `Sink` of outgoing
//! ones, and dropping one of its futures never loses or splits a message.
//!
//! ```
//! use ferrozmq::{Context, REP, REQ};
//! let ctx = Context::new();
//! let mut rep = ctx.socket(REP)?.into_async();
//! rep.get_ref().bind("inproc://lib-doc")?;
//! let mut req = ctx.socket(REQ)?.into_async();
//! req.get_ref().connect("inproc://lib-doc")?;
//! futures::executor::block_on(async {
//!     req.send("Hello", 0).await?;
//!     let request = rep.recv_msg().await?;
//!     rep.send(request, 0).await?;
//!     assert_eq!(req.recv_msg().await?.as_str(), Some("Hello"));
//!     Ok::<(), ferrozmq::Error>(())
//! })?;
//! # Ok::<(), ferrozmq::Error>(())
//! ```
//!
//! How it is built — threads, pipes, the sans-IO ZMTP engine — is described in
//! `docs/ARCHITECTURE.md`.

#![deny(missing_docs)]

/// The README's Rust examples, compiled and run as doctests so that they stay true.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
pub struct ReadmeExamples;

pub mod actor;
pub mod async_api;
pub mod auth;
pub mod beacon;
mod capabilities;
mod context;
pub mod context_options;
mod curve;
mod deadlines;
mod endpoint;
mod error;
mod group;
mod inproc;
pub mod interrupt;
mod io;
#[cfg(all(test, ferrozmq_loom))]
mod loom_models;
mod mailbox;
mod message;
mod metadata;
pub mod monitor;
mod monitor_v2;
mod multipart;
pub mod options;
mod peer_messages;
mod pgm;
mod pipe;
mod poll;
mod proxy;
mod random;
pub mod reactor;
mod readiness;
mod signal;
mod socket;
mod spsc;
mod sync;
mod sys;
pub mod timers;
mod udp;
mod unique_id;
mod z85;
pub mod zconfig;

pub use async_api::{AsyncSocket, MonitorStream};
pub use capabilities::has;
pub use context::Context;
pub use curve::{curve_public, CurveKeyPair};
pub use error::{Error, Result};
pub use ferrozmq_zmtp::SocketType;
pub use message::Message;
pub use monitor::{MonitorEvent, SocketEvent};
pub use monitor_v2::MonitorEventV2;
pub use multipart::Multipart;
pub use options::Mechanism;
pub use poll::{
    poll, PollEvents, PollItem, Poller, PollerEvent, POLLERR, POLLIN, POLLOUT, POLLPRI,
};
pub use proxy::{
    proxy, proxy_steerable, proxy_steerable_with_capture, proxy_with_capture, ProxyStats,
    SocketStats,
};
pub use readiness::ReadinessSet;
pub use socket::Sendable;
pub use socket::{Socket, ThreadSafeSocket, DONTWAIT, NOTIFY_CONNECT, NOTIFY_DISCONNECT, SNDMORE};
pub use unique_id::Uuid;
pub use z85::{z85_decode, z85_encode, DecodeError, EncodeError};
pub use SocketType::*;

/// The libzmq API version ferrozmq implements and is tested against, as
/// `(major, minor, patch)` (`zmq_version`).
pub fn version() -> (i32, i32, i32) {
    (4, 3, 4)
}
