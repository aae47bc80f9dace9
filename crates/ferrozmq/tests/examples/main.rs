//! Smoke tests of the guide's examples (`crates/ferrozmq/examples/`), each run as child
//! processes with small round counts and free ports, bounded in time (`harness`).

mod harness;

mod async_api;
mod highlevel;
mod pubsub;
mod reqrep;
mod security;
mod tools;
