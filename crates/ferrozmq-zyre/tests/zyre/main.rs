//! ferrozmq-zyre's tests, one binary: the codec (properties, bad input, fuzz seeds), nodes
//! talking to nodes, and pyre interop. Every test that beacons runs in a loopback-only
//! network namespace it makes itself (`namespace::in_namespace`).

mod codec;
mod examples;
mod fuzz_corpus;
mod gossip;
mod gossip_codec;
mod hostile;
mod log_codec;
mod namespace;
mod nodes;
mod pyre;
mod pyre_support;
