//! The core test binary: ferrozmq's sockets against themselves (and, where a behaviour is
//! libzmq's, against libzmq) — conformance per RFC and per libzmq test, each pattern family,
//! inproc, transports, connection control, heartbeats, STREAM, `poll`, `proxy`, monitors and
//! signals. One binary with a module per area, so the suite links once, not once per file.

#[path = "../common/mod.rs"]
mod common;

mod conformance;
mod connection_control;
mod context;
mod draft_sockets;
mod heartbeats;
mod inproc;
mod monitor;
mod monitor_v2;
mod peer_messages;
mod poll;
mod poller_api;
mod proxy;
mod pubsub;
mod rep_router_options;
mod reqrep_family;
mod signals;
mod sockopt_hwm;
mod stream;
mod thread_safe;
mod transports;
mod ws_transport;
mod wss_transport;
mod xpub_manual;
