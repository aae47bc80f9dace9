//! **Network rule**: a test that sends discovery beacons runs inside a network namespace
//! that it makes itself and that holds only loopback: the test binary re-runs itself, for
//! that one test, under `unshare -n` after `ip link set lo up`, a default route and the
//! IPv4 multicast range on `lo` (and IPv6 multicast as local, which these tests
//! do not use). Nodes there beacon on `lo` to pyre's loopback group
//! 225.25.25.25 (what pyre uses when it finds no broadcast interface).

use ferrozmq::beacon::BeaconOptions;
use std::net::Ipv4Addr;

#[path = "../../../ferrozmq/tests/common/netns.rs"]
mod netns;

/// Runs `body` in a fresh loopback-only namespace; `test` is the test's path in this
/// binary (`module::name`). The one implementation is ferrozmq's test helper
/// (`crates/ferrozmq/tests/common/netns.rs`), shared so both suites make the same namespace.
pub fn in_namespace(test: &str, body: impl FnOnce()) {
    netns::in_namespace_at(test, body)
}

/// The beacon options every node in a test uses: interface `lo`, pyre's loopback group.
pub fn loopback() -> BeaconOptions {
    BeaconOptions {
        interface: Some("lo".into()),
        ipv4_mcast_address: Some(Ipv4Addr::new(225, 25, 25, 25)),
        ..BeaconOptions::default()
    }
}
