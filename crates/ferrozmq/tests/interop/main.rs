//! Interop: ferrozmq against real libzmq — libzmq 4.3.4 linked through the `zmq` crate in
//! this process, and pyzmq's libzmq 4.3.5 (with CURVE) in a child process for PLAIN/CURVE —
//! and against JeroMQ 0.3.6 (Java, ZMTP/2.0) and libzmq 4.1.5 (ZMTP/3.0) in child processes
//! for the classic types; npm zeromq's libzmq 4.3.5 (a `node` child) for the draft types, and
//! npm jszmq (pure JavaScript) for ws's bare `ZWS2.0`.
//! Every socket-type pair both ways, pub-sub, the request-reply family, security, Z85 and
//! the async API.

#[path = "../async_support/mod.rs"]
mod async_support;
mod classic_peers;
#[path = "../common/mod.rs"]
mod common;
mod jeromq;
mod libzmq41;
mod libzmq_wss;
mod line_peer;
mod npm;
mod pyzmq;
#[path = "../security_support/mod.rs"]
mod security_support;
mod socket_peer;

mod async_api;
mod capabilities;
mod context_options;
mod draft_sockets;
mod jszmq;
mod libzmq;
mod metadata;
mod options;
mod pgm;
mod pubsub;
mod rep_options;
mod reqrep;
mod router_raw;
mod security;
mod socks;
mod transport_options;
mod use_fd;
mod ws_libzmq;
mod z85;
