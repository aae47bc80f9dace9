//! Tests of the Clone pattern (issue 17): the kvmsg codec and the replication algorithm as
//! property tests, and servers and clone clients as threads of this process, against each
//! other, against hand-made bad peers and against a pyzmq CHP peer. Every wait is bounded.

mod bad_input;
#[path = "../support/child_output.rs"]
mod child_output;
mod codec;
mod convergence;
mod examples;
#[path = "../../../ferrozmq/tests/examples/harness.rs"]
mod harness;
mod live;
mod pair;
mod python;
mod support;
