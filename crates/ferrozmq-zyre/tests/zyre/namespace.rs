//! **Network rule**: a test that sends discovery beacons runs inside a network namespace
//! that it makes itself and that holds only loopback: the test binary re-runs itself, for
//! that one test, under `unshare -n` after `ip link set lo up`, a default route and the
//! IPv4 multicast range on `lo`. Nodes there beacon on `lo` to pyre's loopback group
//! 225.25.25.25 (what pyre uses when it finds no broadcast interface).

use ferrozmq::beacon::BeaconOptions;
use std::net::Ipv4Addr;
use std::process::Command;

const INSIDE: &str = "FERROZMQ_ZYRE_TEST_NETNS";

/// Runs `body` in a fresh loopback-only namespace; `test` is the test's path in this
/// binary (`module::name`).
pub fn in_namespace(test: &str, body: impl FnOnce()) {
    if std::env::var_os(INSIDE).is_some() {
        body();
        return;
    }
    let exe = std::env::current_exe().expect("test binary path");
    let output = Command::new("unshare")
        .args(["-n", "sh", "-c"])
        .arg(
            "ip link set lo up && ip route add default dev lo src 127.0.0.1 \
             && ip route add 224.0.0.0/4 dev lo src 127.0.0.1 && exec \"$0\" \"$@\"",
        )
        .arg(exe)
        .args(["--exact", test, "--nocapture", "--test-threads=1"])
        .env(INSIDE, "1")
        .output()
        .expect("run unshare (util-linux) to make a network namespace");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success() && stdout.contains("1 passed"),
        "{test} failed in its network namespace ({}):\n{stdout}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
}

/// The beacon options every node in a test uses: interface `lo`, pyre's loopback group.
pub fn loopback() -> BeaconOptions {
    BeaconOptions {
        interface: Some("lo".into()),
        ipv4_mcast_address: Some(Ipv4Addr::new(225, 25, 25, 25)),
        ..BeaconOptions::default()
    }
}
