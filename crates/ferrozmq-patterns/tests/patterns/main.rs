//! Integration tests of ferrozmq-patterns: brokers, workers and clients as threads of this
//! process, against each other, against hand-made bad peers, and against Python peers
//! (pyzmq, PyPI's majortomo) run as child processes. Every wait is bounded.

mod bad_input;
mod bstar;
mod examples;
mod freelance;
#[path = "../../../ferrozmq/tests/examples/harness.rs"]
mod harness;
mod majordomo;
mod majortomo;
mod pirates;
mod python;
mod support;
mod titanic;
