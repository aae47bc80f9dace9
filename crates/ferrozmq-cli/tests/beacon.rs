//! `ferrozmq beacon` as processes: one publishes, another prints what it hears.
//!
//! **Network rule**: the beacons run inside a network namespace this test makes itself and
//! that holds only loopback (`unshare -n`, then `ip link set lo up` and `ip route add default
//! dev lo src 127.0.0.1`, so the limited broadcast address reaches loopback). Nothing is
//! broadcast on the machine's own interfaces.

use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_ferrozmq");

#[test]
fn a_subscriber_prints_what_a_publisher_sends() {
    let script = r#"
        ip link set lo up && ip route add default dev lo src 127.0.0.1 || exit 9
        "$0" beacon --port 9999 --interface '*' --publish HELLO --interval 50 --timeout 5000 &
        publisher=$!
        "$0" beacon --port 9999 --interface '*' --subscribe HE -n 2 --timeout 5000
        status=$?
        kill $publisher
        exit $status
    "#;
    let out = Command::new("timeout")
        .args(["20", "unshare", "-n", "sh", "-c", script, BIN])
        .output()
        .expect("run unshare (util-linux) and sh");
    assert!(out.status.success(), "{out:?}");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "127.0.0.1\tHELLO\n127.0.0.1\tHELLO\n"
    );
}

#[test]
fn without_a_beacon_heard_n_is_a_failure_after_the_timeout() {
    let out = Command::new("timeout")
        .args([
            "20", "unshare", "-n", "sh", "-c",
            r#"ip link set lo up && ip route add default dev lo src 127.0.0.1 && exec "$0" beacon --port 9999 --interface '*' --subscribe '' -n 1 --timeout 200"#,
            BIN,
        ])
        .output()
        .expect("run unshare");
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("heard 0 of 1"));
}
