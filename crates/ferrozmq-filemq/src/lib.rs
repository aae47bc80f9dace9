//! FileMQ on ferrozmq: the guide's File Message Queuing protocol (FILEMQ, spec 19, chapter
//! 7) — a server publishes directories under virtual paths, clients subscribe to paths and
//! receive the files into an inbox, with credit-based flow control (the server never sends
//! more chunk bytes than the client granted), heartbeats both ways, restarts (the client
//! replays its subscriptions) and resync (the client says what it has by SHA-1).
//!
//! - [`msg`]: the commands and their sans-IO codec;
//! - [`paths`]: virtual paths and the checks that keep peers inside their directories;
//! - [`scan`]: mount points, stable files, `.ln` links;
//! - [`Server`] and [`Client`]: the two ends, each a background thread;
//! - [`ServerConfig`]: the guide's ZPL server configuration.

mod client;
mod config;
mod digest;
pub mod msg;
pub mod paths;
pub mod scan;
mod server;

pub use client::{Client, ClientOptions, ClientStats, Event, PARTIAL_SUFFIX};
pub use config::ServerConfig;
pub use digest::file_sha1;
pub use scan::Mount;
pub use server::{Server, ServerStats, CHUNK_SIZE, RESUME_PREFIX};
