//! Zyre on ferrozmq: ZRE (RFC 36, protocol version 2) proximity networking, interoperable
//! with Zyre 2 and pyre. Nodes on a LAN find each other by UDP beacons
//! ([`beacon`], on `ferrozmq::beacon`), connect with the guide's Harmony pattern (each
//! node has one ROUTER; it connects one DEALER to each peer's ROUTER), greet with HELLO,
//! and then WHISPER to one peer and SHOUT to groups that peers JOIN and LEAVE. Quiet
//! peers are pinged and, after the expiry time, dropped. Where there is no broadcast,
//! nodes find each other through a gossip hub instead ([`gossip`], Zyre's
//! `zyre_gossip_bind`/`zyre_gossip_connect`), and a node sends the guide's ZRE log
//! records ([`log`]) to any collector a peer announces.
//!
//! ```no_run
//! use ferrozmq_zyre::{Event, Node};
//! let ctx = ferrozmq::Context::new();
//! let mut node = Node::new(&ctx, Some("alice"))?;
//! node.set_header("X-HELLO", "World")?;
//! node.set_interface("lo")?;
//! node.join("CHAT")?;
//! node.start()?;
//! while let Ok(event) = node.recv() {
//!     if let Event::Enter { name, .. } = &event {
//!         node.shouts("CHAT", &format!("hello, {name}"))?;
//!     }
//! }
//! # Ok::<(), ferrozmq::Error>(())
//! ```

mod agent;
pub mod beacon;
mod config;
mod event;
pub mod gossip;
mod gossip_service;
pub mod log;
mod log_publisher;
pub mod message;
mod node;
mod peer;
mod state;
pub mod wire;

pub use config::Config;
pub use event::Event;
pub use node::{EventStream, Node};
