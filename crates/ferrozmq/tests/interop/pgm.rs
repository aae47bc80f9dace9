//! PUB/SUB over PGM against Debian's libzmq 4.3.4 (built with OpenPGM 5.3; driven through
//! `debian_libzmq/pgm_peer.py`), both ways, over epgm (PGM over UDP) and pgm (PGM over raw
//! IP; the tests run as root), with packets dropped on the way and repaired: every message
//! arrives once, in order, within RECOVERY_IVL. Also ours to ours (XPUB/XSUB, multipart,
//! messages larger than a TPDU) and the endpoint errors.
//!
//! Every test runs in a loopback-only network namespace of its own (`common/netns.rs`).
//! Losses come from an nftables rule in that namespace dropping a share of the PGM packets
//! in both directions (data, SPMs, NAKs, NCFs, repairs) at random; `tc netem` would do the
//! same, but this machine's kernel has no netem.

use crate::common::netns::in_namespace_at;
use crate::line_peer::LinePeer;
use ferrozmq::{Context, Error, Socket};
use std::process::Command;

const GROUP: &str = "127.0.0.1;239.192.1.1:5555";
/// RATE for both sides, kbit/s: fast enough for the tests, slow enough to be a real limit.
const RATE: i32 = 20_000;
/// Messages sent after the first, with losses.
const COUNT: usize = 400;
/// Their size: about one packet each, so that 400 packets risk the losses.
const SIZE: usize = 1000;

fn endpoint(udp: bool) -> String {
    format!("{}://{GROUP}", if udp { "epgm" } else { "pgm" })
}

/// Drops one in `one_in` PGM packets in this namespace from now on (the UDP ones of the
/// port for epgm, IP protocol 113 for pgm).
fn drop_packets(udp: bool, one_in: u32) {
    let selector = if udp {
        "udp dport 5555"
    } else {
        "ip protocol 113"
    };
    add_output_rule(
        "loss",
        0,
        &format!("{selector} numgen random mod {one_in} 0 counter drop"),
    );
}

/// Counts from now on the SPMs sent in this namespace (PGM type 0 at the PGM header's byte
/// 4; a chain that runs before the loss rule's, so dropped ones count too).
fn count_spms(udp: bool) {
    let rule = if udp {
        "udp dport 5555 @th,96,8 0"
    } else {
        "ip protocol 113 @th,32,8 0"
    };
    add_output_rule("spm", -10, &format!("{rule} counter"));
}

/// Adds nftables table `table` with an output chain at `priority` holding `rule`.
fn add_output_rule(table: &str, priority: i32, rule: &str) {
    let script = format!(
        "nft add table ip {table} && \
         nft add chain ip {table} out '{{ type filter hook output priority {priority}; }}' && \
         nft add rule ip {table} out {rule}"
    );
    let status = Command::new("sh")
        .args(["-c", &script])
        .status()
        .expect("run nft (scripts/test.sh installs nftables)");
    assert!(status.success(), "nft refused the {table} rule");
}

/// Returns once an SPM has gone out after the receiver was seen to listen (`count_spms`
/// running): the receiver then knows the source's address for NAKs. Until it does, a lost
/// packet cannot be asked for and is given up, by OpenPGM and by us alike, so losses may
/// only start after this.
fn await_an_spm() {
    await_an_spm_from(counted_packets("spm"));
}

/// Returns once more than `before` SPMs were counted (see [`await_an_spm`]).
fn await_an_spm_from(before: u64) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while counted_packets("spm") <= before {
        assert!(std::time::Instant::now() < deadline, "no SPM within 10 s");
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
}

/// How many packets the loss rule dropped: the test asserts there was something to repair.
fn dropped_packets() -> u64 {
    counted_packets("loss")
}

/// The packet count of the one counter in nftables table `table`.
fn counted_packets(table: &str) -> u64 {
    let out = Command::new("nft")
        .args(["list", "table", "ip", table])
        .output()
        .expect("nft");
    let text = String::from_utf8_lossy(&out.stdout);
    text.split_whitespace()
        .skip_while(|w| *w != "packets")
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

fn libzmq_peer(args: &[&str]) -> LinePeer {
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/interop/debian_libzmq/pgm_peer.py"
    );
    let mut command = Command::new("python3");
    // OpenPGM warns on stdout that lo is a loopback device; errors only.
    command
        .arg(script)
        .args(args)
        .env("PGM_MIN_LOG_LEVEL", "ERROR");
    LinePeer::spawn(
        &mut command,
        "python3 and Debian's libzmq5 (scripts/test.sh installs libzmq3-dev)",
    )
}

fn our_socket(ctx: &Context, ty: ferrozmq::SocketType) -> Socket {
    let socket = ctx.socket(ty).unwrap();
    socket.set_rate(RATE).unwrap();
    socket.set_linger(0).unwrap();
    socket
}

/// The index a message body starts with.
fn index(body: &[u8]) -> usize {
    std::str::from_utf8(&body[..6]).unwrap().parse().unwrap()
}

fn libzmq_pub_to_our_sub(udp: bool) {
    let ctx = Context::new();
    let sub = our_socket(&ctx, ferrozmq::SUB);
    sub.set_subscribe(b"").unwrap();
    // Every message must arrive within RECOVERY_IVL (10 s) of the last.
    sub.set_rcvtimeo(10_000).unwrap();
    sub.connect(&endpoint(udp)).unwrap();
    let rate = RATE.to_string();
    let size = SIZE.to_string();
    count_spms(udp);
    let mut publisher = libzmq_peer(&["pub", &endpoint(udp), &size, &rate]);
    assert_eq!(publisher.next_line(), "ready");
    // The first message without losses: our receiver has joined the session once it is in.
    assert_eq!(publisher.call("1"), "sent");
    let first = sub.recv_multipart(0).expect("libzmq's first message");
    assert_eq!((first[0].as_slice(), index(&first[1])), (&b"topic"[..], 0));
    await_an_spm();
    drop_packets(udp, 10);
    assert_eq!(publisher.call(&COUNT.to_string()), "sent");
    for i in 1..=COUNT {
        let got = sub
            .recv_multipart(0)
            .unwrap_or_else(|e| panic!("message {i} of {COUNT} did not come: {e}"));
        assert_eq!(got.len(), 2);
        assert_eq!(got[0], b"topic");
        assert_eq!((index(&got[1]), got[1].len()), (i, SIZE), "in order, once");
    }
    assert!(
        dropped_packets() > 0,
        "nothing was dropped, nothing repaired"
    );
}

fn our_pub_to_libzmq_sub(udp: bool) {
    let rate = RATE.to_string();
    let mut subscriber = libzmq_peer(&["sub", &endpoint(udp), "10000", &rate]);
    assert_eq!(subscriber.next_line(), "ready");
    let ctx = Context::new();
    let publisher = our_socket(&ctx, ferrozmq::PUB);
    count_spms(udp);
    publisher.connect(&endpoint(udp)).unwrap();
    let body = |i: usize| {
        let mut body = format!("{i:06}").into_bytes();
        body.resize(SIZE, b'.');
        body
    };
    // libzmq opens its PGM socket in its I/O thread, after `connect` returned: warm-up
    // messages until one is heard tell that its receiver has joined.
    let heard = (0..200).find_map(|i| {
        publisher
            .send_multipart([&b"warmup"[..], &body(i)], 0)
            .unwrap();
        subscriber.line_within(std::time::Duration::from_millis(50))
    });
    assert!(heard
        .expect("libzmq heard a warm-up message")
        .starts_with("warmup "));
    await_an_spm();
    drop_packets(udp, 10);
    for i in 1..=COUNT {
        publisher
            .send_multipart([&b"topic"[..], &body(i)], 0)
            .unwrap();
    }
    let mut next = 1;
    while next <= COUNT {
        let line = subscriber.next_line();
        if line.starts_with("warmup ") {
            continue;
        }
        assert_eq!(line, format!("topic {next:06} {SIZE}"), "in order, once");
        next += 1;
    }
    assert!(
        dropped_packets() > 0,
        "nothing was dropped, nothing repaired"
    );
}

#[test]
fn libzmq_pub_reaches_our_sub_over_epgm_with_losses_repaired() {
    in_namespace_at(
        "pgm::libzmq_pub_reaches_our_sub_over_epgm_with_losses_repaired",
        || libzmq_pub_to_our_sub(true),
    );
}

#[test]
fn our_pub_reaches_libzmqs_sub_over_epgm_with_losses_repaired() {
    in_namespace_at(
        "pgm::our_pub_reaches_libzmqs_sub_over_epgm_with_losses_repaired",
        || our_pub_to_libzmq_sub(true),
    );
}

#[test]
fn libzmq_pub_reaches_our_sub_over_raw_pgm_with_losses_repaired() {
    in_namespace_at(
        "pgm::libzmq_pub_reaches_our_sub_over_raw_pgm_with_losses_repaired",
        || libzmq_pub_to_our_sub(false),
    );
}

#[test]
fn our_pub_reaches_libzmqs_sub_over_raw_pgm_with_losses_repaired() {
    in_namespace_at(
        "pgm::our_pub_reaches_libzmqs_sub_over_raw_pgm_with_losses_repaired",
        || our_pub_to_libzmq_sub(false),
    );
}

#[test]
fn xpub_to_two_xsubs_over_epgm_carries_multipart_and_messages_larger_than_a_tpdu() {
    in_namespace_at(
        "pgm::xpub_to_two_xsubs_over_epgm_carries_multipart_and_messages_larger_than_a_tpdu",
        || {
            let ctx = Context::new();
            let subs: Vec<Socket> = (0..2)
                .map(|_| {
                    let sub = our_socket(&ctx, ferrozmq::XSUB);
                    sub.set_rcvtimeo(10_000).unwrap();
                    // bind is connect for pgm, as in libzmq.
                    sub.bind(&endpoint(true)).unwrap();
                    sub
                })
                .collect();
            let publisher = our_socket(&ctx, ferrozmq::XPUB);
            count_spms(true);
            publisher.connect(&endpoint(true)).unwrap();
            // The XSUBs joined in `bind`; the first SPM tells them where NAKs go.
            await_an_spm_from(0);
            let big: Vec<u8> = (0..20_000u32).map(|i| (i % 253) as u8).collect();
            let messages: Vec<Vec<Vec<u8>>> = vec![
                vec![b"a".to_vec()],
                vec![b"multi".to_vec(), vec![], b"part".to_vec()],
                vec![b"big".to_vec(), big],
                vec![b"z".to_vec()],
            ];
            drop_packets(true, 8);
            for m in &messages {
                publisher.send_multipart(m, 0).unwrap();
            }
            for sub in &subs {
                for m in &messages {
                    assert_eq!(&sub.recv_multipart(0).unwrap(), m);
                }
            }
        },
    );
}

#[test]
fn pgm_endpoints_refuse_other_socket_types_and_bad_groups_as_libzmq() {
    let ctx = Context::new();
    for ty in [ferrozmq::REQ, ferrozmq::PUSH, ferrozmq::DEALER] {
        let socket = ctx.socket(ty).unwrap();
        assert_eq!(socket.connect(&endpoint(true)), Err(Error::ENOCOMPATPROTO));
        assert_eq!(socket.bind(&endpoint(false)), Err(Error::ENOCOMPATPROTO));
    }
    let sub = ctx.socket(ferrozmq::SUB).unwrap();
    assert_eq!(
        sub.connect("epgm://127.0.0.1;10.1.1.1:5555"),
        Err(Error::EINVAL)
    );
    assert_eq!(
        sub.connect("epgm://127.0.0.1;239.1.1.1"),
        Err(Error::EINVAL)
    );
    assert_eq!(
        sub.connect("epgm://nosuch0;239.1.1.1:5555"),
        Err(Error::ENODEV)
    );
    assert_eq!(ferrozmq::has("pgm"), Some(true));
}

#[test]
fn raw_pgm_without_cap_net_raw_is_eperm() {
    // This test binary again, for the test below alone, without CAP_NET_RAW.
    if std::env::var_os("FERROZMQ_PGM_NO_RAW").is_some() {
        let ctx = Context::new();
        let sub = ctx.socket(ferrozmq::SUB).unwrap();
        assert_eq!(
            sub.connect(&endpoint(false)).map_err(|e| e.to_raw()),
            Err(libc::EPERM)
        );
        return;
    }
    let exe = std::env::current_exe().unwrap();
    let out = Command::new("setpriv")
        .args(["--inh-caps=-net_raw", "--bounding-set=-net_raw", "--"])
        .arg(exe)
        .args([
            "--exact",
            "pgm::raw_pgm_without_cap_net_raw_is_eperm",
            "--test-threads=1",
        ])
        .env("FERROZMQ_PGM_NO_RAW", "1")
        .output()
        .expect("setpriv (util-linux)");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.contains("1 passed"),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
