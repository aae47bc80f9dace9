//! Smoke test of the security example of zguide chapter 5 (`examples/ironhouse.rs`): CURVE
//! with an authenticator that allows 127.0.0.1 and a certificate directory.
//!
//! The test runs the built example binary as a child process, bounded in time (a child still
//! running after [`TIMEOUT`] is killed and the test fails), and checks its exit status, what it
//! prints, and the authenticator's log of its decision. As `cargo test --test
//! examples` does not build examples, the harness first runs `cargo build
//! --examples`.

use crate::harness::*;

#[test]
fn ironhouse_client_gets_the_message_after_authentication() {
    let [port] = free_ports();
    let done = Proc::start("ironhouse", &[&tcp(port)]).finish_ok();
    assert_eq!(done.lines(), ["Ironhouse test OK"], "{}", done.stdout);
    // The authenticator allowed the client by address, then by its certificate.
    for line in [
        "address=127.0.0.1 in allowed list: true",
        "allowed (CURVE) client_key=",
        "ZAP reply status_code=200",
    ] {
        assert!(
            done.stderr.contains(line),
            "no {line:?} in:\n{}",
            done.stderr
        );
    }
}

#[test]
fn ironhouse_picks_a_free_port_by_default() {
    let done = Proc::start("ironhouse", &[]).finish_ok();
    assert_eq!(done.lines(), ["Ironhouse test OK"], "{}", done.stdout);
}
