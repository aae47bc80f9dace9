//! A loopback-only network namespace for a test that multicasts or broadcasts (the beacon
//! tests, udp multicast): [`in_namespace_at`] re-executes the test binary for one test under
//! `unshare -n`, after `ip link set lo up`, a default route and the IPv4 multicast range via
//! `lo`, and `ip -6 route add local ff00::/8 dev lo table local` (see
//! `highlevel/beacon_support.rs` for why each is needed). The tests run as root; `ip` is
//! iproute2 (scripts/test.sh installs it if missing). ferrozmq-filemq's and ferrozmq-zyre's
//! tests include this file by `#[path]`, so every suite makes the same namespace.

use std::process::Command;

const INSIDE: &str = "FERROZMQ_BEACON_NETNS";

/// Runs `body` in a fresh loopback-only namespace: called from the test at `test_path` (its
/// path in its test binary), it re-executes the binary for that test alone inside the
/// namespace and checks that it passed there; inside, it runs `body`.
pub fn in_namespace_at(test_path: &str, body: impl FnOnce()) {
    if std::env::var_os(INSIDE).is_some() {
        body();
        return;
    }
    let exe = std::env::current_exe().expect("test binary path");
    let output = Command::new("unshare")
        .args(["-n", "sh", "-c"])
        .arg(
            "ip link set lo up && ip route add default dev lo src 127.0.0.1 \
             && ip route add 224.0.0.0/4 dev lo src 127.0.0.1 \
             && ip -6 route add local ff00::/8 dev lo table local \
             && exec \"$0\" \"$@\"",
        )
        .arg(exe)
        .args(["--exact", test_path, "--nocapture", "--test-threads=1"])
        .env(INSIDE, "1")
        .output()
        .expect("run unshare (util-linux) to make a network namespace");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success() && stdout.contains("1 passed"),
        "{test_path} failed in its network namespace ({}):\n{stdout}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
}
