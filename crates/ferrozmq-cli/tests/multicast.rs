//! `ferrozmq cat` and the perf tools over epgm (PGM over UDP multicast), as processes.
//!
//! **Network rule**: each test runs inside a network namespace it makes itself holding only
//! loopback (`unshare -n`, `ip link set lo up`, the IPv4 multicast range routed via `lo`).
//! Nothing is multicast on the machine's own interfaces.

use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_ferrozmq");

/// Sets up the namespace and defines `wait_for_receiver`, which returns once a receiver is
/// bound to port 5555 (0x15B3 in /proc/net/udp) and has joined 239.192.1.1 (0101C0EF in
/// /proc/net/igmp): a PGM receiver starts at the first packet it hears, so a sender started
/// earlier would lose its first messages to it.
const PRELUDE: &str = r#"
    ip link set lo up && ip route add 224.0.0.0/4 dev lo src 127.0.0.1 || exit 9
    EP='epgm://127.0.0.1;239.192.1.1:5555'
    wait_for_receiver() {
        until grep -q ':15B3 ' /proc/net/udp && grep -q 0101C0EF /proc/net/igmp; do
            sleep 0.01
        done
    }
"#;

/// Runs `script` after [`PRELUDE`] in a fresh namespace (`$0` is the ferrozmq binary),
/// killed after 60 s.
fn in_namespace(script: &str) -> Output {
    Command::new("timeout")
        .args(["60", "unshare", "-n", "sh", "-c"])
        .arg(format!("{PRELUDE}{script}"))
        .arg(BIN)
        .env("PGM_MIN_LOG_LEVEL", "ERROR")
        .output()
        .expect("run timeout, unshare (util-linux) and sh")
}

#[test]
fn cat_sub_prints_what_cat_pub_sends_over_epgm() {
    let out = in_namespace(
        r#"
        "$0" cat sub -c "$EP" -n 3 --timeout 20000 & sub=$!
        wait_for_receiver
        printf 'one\ntwo\tframes\nthree\n' | "$0" cat pub -c "$EP" || exit 8
        wait $sub
        "#,
    );
    assert!(out.status.success(), "{out:?}");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "one\ntwo\tframes\nthree\n"
    );
}

#[test]
fn local_thr_counts_every_message_of_remote_thr_over_epgm() {
    let out = in_namespace(
        r#"
        "$0" local-thr "$EP" 64 2000 & local=$!
        wait_for_receiver
        FERROZMQ_PERF_RATE=100000 "$0" remote-thr "$EP" 64 2000 || exit 8
        wait $local
        "#,
    );
    assert!(out.status.success(), "{out:?}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 4, "{stdout}");
    assert_eq!(lines[0], "message size: 64 [B]");
    assert_eq!(lines[1], "message count: 2000");
    assert!(lines[2].starts_with("mean throughput: "), "{stdout}");
}
