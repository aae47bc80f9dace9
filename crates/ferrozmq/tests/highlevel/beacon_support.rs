//! Running beacon tests inside a network namespace of their own.
//!
//! **The network rule**: a beacon test never broadcasts or multicasts on the machine's own
//! interfaces. Every test body runs in a namespace the test makes itself, holding loopback
//! alone: [`in_namespace`] re-executes this test binary (just that test) under `unshare -n`,
//! after `ip link set lo up`, `ip route add default dev lo src 127.0.0.1` (so the limited
//! broadcast address 255.255.255.255 goes to loopback), `ip route add 224.0.0.0/4 dev lo
//! src 127.0.0.1` (IPv4 multicast) and `ip -6 route add local ff00::/8 dev lo table local`
//! (IPv6 multicast: Linux turns an ordinary IPv6 route via `lo` into a reject route, so
//! `ff02::1` would be unreachable; a `local` route delivers it to the sockets that joined
//! the group). The tests run as root, so `unshare -n` works; `ip` is
//! iproute2 (scripts/test.sh installs it if missing). Ports are fixed: each namespace has its
//! own.

#![allow(dead_code)]

use std::path::PathBuf;

/// Runs `body` in a fresh loopback-only namespace: called from test `name`, it re-executes
/// the test binary for that test alone inside the namespace and checks that it passed there;
/// inside, it runs `body`.
pub fn in_namespace(name: &str, body: impl FnOnce()) {
    crate::netns::in_namespace_at(&format!("beacon::{name}"), body)
}

/// The CZMQ beacon program (`czmq_beacon.c`).
pub fn czmq_beacon() -> PathBuf {
    crate::czmq_support::czmq_program("czmq_beacon")
}
