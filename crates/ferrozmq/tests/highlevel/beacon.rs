//! Beacons (`ferrozmq::beacon`, CZMQ's zbeacon): ferrozmq to ferrozmq by limited broadcast,
//! on an explicitly named loopback interface, by IPv4 multicast and by IPv6 multicast (the
//! API option and `ZSYS_IPV6`); subscription prefixes, silence, our own beacon not echoed;
//! payload limits; hostile datagrams; and interop with a real CZMQ zbeacon in both
//! directions, over IPv4 and IPv6.
//!
//! **Network rule**: every test here runs inside a network namespace that it makes itself
//! and that holds only loopback (`beacon_support::in_namespace`: `unshare -n`, `ip link set
//! lo up`, `ip route add default dev lo src 127.0.0.1` for the limited broadcast address,
//! `ip route add 224.0.0.0/4 dev lo src 127.0.0.1` for multicast, `ip -6 route add local
//! ff00::/8 dev lo table local` for IPv6 multicast; CZMQ there with `ZSYS_INTERFACE=*`). No test broadcasts or multicasts on the machine's own interfaces.

use crate::beacon_support::{czmq_beacon, in_namespace};
use ferrozmq::beacon::{Beacon, BeaconOptions, MAX_PAYLOAD};
use ferrozmq::{Context, Error};
use std::net::{Ipv4Addr, UdpSocket};
use std::process::{Command, Stdio};
use std::time::Duration;

const PORT: u16 = 9999;
const WAIT: Duration = Duration::from_secs(5);

fn on(interface: &str) -> BeaconOptions {
    BeaconOptions {
        interface: Some(interface.into()),
        ..BeaconOptions::default()
    }
}

fn beacon(ctx: &Context, options: BeaconOptions) -> Beacon {
    let beacon = Beacon::with_options(ctx, options).unwrap();
    beacon.configure(PORT).unwrap();
    beacon
}

#[test]
fn limited_broadcast_prefix_filter_silence_and_no_echo() {
    in_namespace(
        "limited_broadcast_prefix_filter_silence_and_no_echo",
        || {
            let ctx = Context::new();
            let speaker = Beacon::with_options(&ctx, on("*")).unwrap();
            assert_eq!(speaker.configure(PORT).unwrap(), "*");
            let listener = beacon(&ctx, on("*"));
            // Nothing is heard before subscribing; then only beacons with the prefix.
            speaker
                .publish(b"OTHER", Duration::from_millis(20))
                .unwrap();
            assert_eq!(
                listener.recv_timeout(Duration::from_millis(100)).unwrap(),
                None
            );
            listener.subscribe(b"SVC").unwrap();
            assert_eq!(
                listener.recv_timeout(Duration::from_millis(100)).unwrap(),
                None
            );
            speaker
                .publish(b"SVC:5670", Duration::from_millis(20))
                .unwrap();
            let (address, payload) = listener.recv_timeout(WAIT).unwrap().expect("a beacon");
            assert_eq!(address, "127.0.0.1");
            assert_eq!(payload, b"SVC:5670");
            // The speaker hears its own beacon never, but hears the listener's.
            speaker.subscribe(b"").unwrap();
            listener
                .publish(b"REPLY", Duration::from_millis(20))
                .unwrap();
            let (_, heard) = speaker
                .recv_timeout(WAIT)
                .unwrap()
                .expect("the listener's beacon");
            assert_eq!(heard, b"REPLY");
            // After SILENCE and draining what was queued, nothing more arrives.
            speaker.silence().unwrap();
            std::thread::sleep(Duration::from_millis(50));
            while listener.recv_timeout(Duration::ZERO).unwrap().is_some() {}
            assert_eq!(
                listener.recv_timeout(Duration::from_millis(200)).unwrap(),
                None
            );
        },
    );
}

#[test]
fn loopback_named_explicitly_and_ipv4_multicast_deliver() {
    in_namespace(
        "loopback_named_explicitly_and_ipv4_multicast_deliver",
        || {
            let ctx = Context::new();
            let speaker = Beacon::with_options(&ctx, on("lo")).unwrap();
            assert_eq!(speaker.configure(PORT).unwrap(), "127.0.0.1");
            let listener = beacon(&ctx, on("lo"));
            listener.subscribe(b"").unwrap();
            speaker
                .publish(b"on lo", Duration::from_millis(20))
                .unwrap();
            assert_eq!(
                listener.recv_timeout(WAIT).unwrap(),
                Some(("127.0.0.1".into(), b"on lo".to_vec()))
            );

            let group = BeaconOptions {
                ipv4_mcast_address: Some(Ipv4Addr::new(239, 0, 0, 1)),
                ..on("*")
            };
            let speaker = beacon(&ctx, group.clone());
            let hearer = beacon(&ctx, group.clone());
            hearer.subscribe(b"").unwrap();
            let elsewhere = Beacon::with_options(&ctx, group).unwrap();
            elsewhere.configure(5670).unwrap();
            elsewhere.subscribe(b"").unwrap();
            speaker
                .publish(b"\xCA\xFE", Duration::from_millis(20))
                .unwrap();
            let (_, payload) = hearer
                .recv_timeout(WAIT)
                .unwrap()
                .expect("a multicast beacon");
            assert_eq!(payload, [0xCA, 0xFE]);
            // A beacon on another port is not heard.
            assert_eq!(
                elsewhere.recv_timeout(Duration::from_millis(100)).unwrap(),
                None
            );
        },
    );
}

#[test]
fn oversized_payloads_and_unknown_interfaces_are_refused() {
    in_namespace(
        "oversized_payloads_and_unknown_interfaces_are_refused",
        || {
            let ctx = Context::new();
            let speaker = beacon(&ctx, on("*"));
            assert_eq!(
                speaker.publish(&[b'x'; MAX_PAYLOAD + 1], Duration::ZERO),
                Err(Error::EINVAL)
            );
            speaker
                .publish(&[b'x'; MAX_PAYLOAD], Duration::ZERO)
                .unwrap();
            assert_eq!(speaker.subscribe(&[0; MAX_PAYLOAD + 1]), Err(Error::EINVAL));
            let nowhere = Beacon::with_options(&ctx, on("no-such-if0")).unwrap();
            assert_eq!(nowhere.configure(PORT), Err(Error::ENODEV));
        },
    );
}

#[test]
fn hostile_datagrams_are_cut_or_ignored_and_the_beacon_goes_on() {
    in_namespace(
        "hostile_datagrams_are_cut_or_ignored_and_the_beacon_goes_on",
        || {
            let ctx = Context::new();
            let listener = beacon(&ctx, on("*"));
            listener.subscribe(b"").unwrap();
            // Broadcast, as beacons travel: a unicast datagram would go to just one socket of
            // the port's SO_REUSEPORT group, maybe the beacon's sending socket.
            let sender = UdpSocket::bind("0.0.0.0:0").unwrap();
            sender.set_broadcast(true).unwrap();
            let mut seed = 0x2545_f491_4f6c_dd1du64;
            let mut heard = 0;
            for round in 0..200 {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                let size = [0, 1, 254, 255, 256, 1500, 65507][round % 7];
                let datagram: Vec<u8> = (0..size).map(|i| (seed >> (i % 56)) as u8).collect();
                sender
                    .send_to(&datagram, ("255.255.255.255", PORT))
                    .unwrap();
                if let Some((_, payload)) = listener.recv_timeout(WAIT).unwrap() {
                    assert_eq!(payload[..], datagram[..size.min(MAX_PAYLOAD)]);
                    heard += 1;
                }
            }
            assert_eq!(heard, 200);
        },
    );
}

#[test]
fn czmq_hears_ferrozmq_and_ferrozmq_hears_czmq() {
    in_namespace("czmq_hears_ferrozmq_and_ferrozmq_hears_czmq", || {
        let program = czmq_beacon();
        let ctx = Context::new();
        // CZMQ listens with a prefix; ferrozmq publishes.
        let czmq = Command::new(&program)
            .args(["listen", &PORT.to_string(), "FERRO", "5000"])
            .env("ZSYS_INTERFACE", "*")
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let speaker = beacon(&ctx, on("*"));
        speaker
            .publish(b"FERROZMQ 1", Duration::from_millis(50))
            .unwrap();
        let out = czmq.wait_with_output().unwrap();
        assert!(out.status.success(), "CZMQ heard nothing: {out:?}");
        assert_eq!(
            String::from_utf8_lossy(&out.stdout),
            "127.0.0.1\tFERROZMQ 1\n"
        );
        speaker.silence().unwrap();

        // CZMQ publishes; ferrozmq listens.
        let listener = beacon(&ctx, on("*"));
        listener.subscribe(b"CZ").unwrap();
        let czmq = Command::new(&program)
            .args(["publish", &PORT.to_string(), "CZMQ 4.2", "50", "3000"])
            .env("ZSYS_INTERFACE", "*")
            .spawn()
            .unwrap();
        let heard = listener.recv_timeout(WAIT).unwrap();
        let _ = czmq.wait_with_output();
        assert_eq!(heard, Some(("127.0.0.1".into(), b"CZMQ 4.2".to_vec())));
    });
}

#[test]
fn ipv6_multicast_by_option_and_by_zsys_ipv6() {
    in_namespace("ipv6_multicast_by_option_and_by_zsys_ipv6", || {
        let ctx = Context::new();
        // The API option, on the loopback interface named explicitly.
        let v6 = BeaconOptions {
            ipv6: true,
            ..on("lo")
        };
        let speaker = Beacon::with_options(&ctx, v6.clone()).unwrap();
        assert_eq!(speaker.configure(PORT).unwrap(), "::1");
        let listener = beacon(&ctx, v6);
        listener.subscribe(b"").unwrap();
        speaker.publish(b"V6", Duration::from_millis(20)).unwrap();
        assert_eq!(
            listener.recv_timeout(WAIT).unwrap(),
            Some(("::1".into(), b"V6".to_vec()))
        );
        // CZMQ's environment: ZSYS_IPV6=1 and `*` (in6addr_any, the group ff02::1). This
        // test runs alone in its process (in_namespace), so setting the variables is safe.
        std::env::set_var("ZSYS_IPV6", "1");
        std::env::set_var("ZSYS_INTERFACE", "*");
        let from_env = Beacon::new(&ctx).unwrap();
        assert_eq!(from_env.configure(PORT).unwrap(), "*");
        from_env.subscribe(b"V6").unwrap();
        let (address, payload) = from_env.recv_timeout(WAIT).unwrap().expect("a beacon");
        assert_eq!((address.as_str(), &payload[..]), ("::1", &b"V6"[..]));
        // And the other way: the wildcard beacon is heard on lo.
        speaker.silence().unwrap();
        from_env
            .publish(b"ANY6", Duration::from_millis(20))
            .unwrap();
        loop {
            let (_, payload) = listener.recv_timeout(WAIT).unwrap().expect("a beacon");
            if payload == b"ANY6" {
                break;
            }
        }
        // An IPv4-only name is no IPv6 interface.
        let v4_address = BeaconOptions {
            ipv6: true,
            ..on("127.0.0.1")
        };
        let nowhere = Beacon::with_options(&ctx, v4_address).unwrap();
        assert_eq!(nowhere.configure(PORT), Err(Error::ENODEV));
    });
}

#[test]
fn czmq_and_ferrozmq_hear_each_other_over_ipv6() {
    in_namespace("czmq_and_ferrozmq_hear_each_other_over_ipv6", || {
        let program = czmq_beacon();
        let ctx = Context::new();
        let v6 = BeaconOptions {
            ipv6: true,
            ..on("*")
        };
        // CZMQ listens with a prefix; ferrozmq publishes.
        let czmq = Command::new(&program)
            .args(["listen", &PORT.to_string(), "FERRO", "5000"])
            .env("ZSYS_INTERFACE", "*")
            .env("ZSYS_IPV6", "1")
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let speaker = beacon(&ctx, v6.clone());
        speaker
            .publish(b"FERROZMQ 6", Duration::from_millis(50))
            .unwrap();
        let out = czmq.wait_with_output().unwrap();
        assert!(out.status.success(), "CZMQ heard nothing: {out:?}");
        assert_eq!(String::from_utf8_lossy(&out.stdout), "::1\tFERROZMQ 6\n");
        speaker.silence().unwrap();

        // CZMQ publishes; ferrozmq listens.
        let listener = beacon(&ctx, v6);
        listener.subscribe(b"CZ").unwrap();
        let czmq = Command::new(&program)
            .args(["publish", &PORT.to_string(), "CZMQ 6", "50", "3000"])
            .env("ZSYS_INTERFACE", "*")
            .env("ZSYS_IPV6", "1")
            .spawn()
            .unwrap();
        let heard = listener.recv_timeout(WAIT).unwrap();
        let _ = czmq.wait_with_output();
        assert_eq!(heard, Some(("::1".into(), b"CZMQ 6".to_vec())));
    });
}
