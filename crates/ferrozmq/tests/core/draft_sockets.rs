//! The draft socket types against themselves, over tcp, ipc and inproc: the ground of
//! libzmq's test_client_server, test_radio_dish (tcp), test_scatter_gather, test_peer,
//! test_channel and test_msg_init's routing id and group.

use crate::common::{bounded, last_ep, ours, Transport};
use ferrozmq::{
    Context, Error, Message, Socket, SocketType, CHANNEL, CLIENT, DISH, GATHER, PEER, POLLIN,
    RADIO, SCATTER, SERVER, SNDMORE,
};

/// The three transports, each as (bind endpoint, how to get the endpoint to connect to).
fn endpoints() -> Vec<String> {
    vec![
        Transport::Tcp.bind_endpoint(),
        Transport::Ipc.bind_endpoint(),
        format!("inproc://draft-{}", std::process::id()),
    ]
}

/// A bound `binder` and a `connecter` connected to it, over `endpoint`.
fn pair(
    ctx: &Context,
    binder: SocketType,
    connecter: SocketType,
    endpoint: &str,
) -> (Socket, Socket) {
    let b = ours(ctx, binder);
    b.bind(endpoint).unwrap();
    let c = ours(ctx, connecter);
    c.connect(&last_ep(&b)).unwrap();
    (b, c)
}

fn text(s: &str) -> Message {
    Message::from(s)
}

#[test]
fn client_and_server_round_trip_by_routing_id_over_every_transport() {
    bounded(|| {
        for endpoint in endpoints() {
            let ctx = Context::new();
            let (server, client) = pair(&ctx, SERVER, CLIENT, &endpoint);
            client.send("hello", 0).unwrap();
            let request = server.recv_msg(0).unwrap();
            assert_eq!(&request[..], b"hello", "{endpoint}");
            let routing_id = request.routing_id();
            assert_ne!(
                routing_id, 0,
                "{endpoint}: a received message names its peer"
            );
            let mut reply = text("world");
            reply.set_routing_id(routing_id).unwrap();
            server.send(reply, 0).unwrap();
            let reply = client.recv_msg(0).unwrap();
            assert_eq!(&reply[..], b"world", "{endpoint}");
            assert_eq!(
                reply.routing_id(),
                0,
                "{endpoint}: CLIENTs get no routing id"
            );
        }
    });
}

#[test]
fn sndmore_is_einval_and_unknown_routing_ids_are_ehostunreach() {
    bounded(|| {
        let ctx = Context::new();
        for ty in [SERVER, CLIENT, RADIO, SCATTER, PEER, CHANNEL] {
            let s = ours(&ctx, ty);
            assert_eq!(s.send("part", SNDMORE), Err(Error::EINVAL), "{ty:?}");
            assert_eq!(
                s.send_multipart(["a", "b"], 0),
                Err(Error::EINVAL),
                "{ty:?}"
            );
        }
        let server = ours(&ctx, SERVER);
        let mut msg = text("lost");
        msg.set_routing_id(42).unwrap();
        assert_eq!(server.send(msg, 0), Err(Error::EHOSTUNREACH));
        assert_eq!(server.send("no id", 0), Err(Error::EHOSTUNREACH));
        assert_eq!(text("x").set_routing_id(0), Err(Error::EINVAL));
    });
}

#[test]
fn scatter_round_robins_to_gathers() {
    bounded(|| {
        for endpoint in endpoints() {
            let ctx = Context::new();
            let (gather, scatter) = pair(&ctx, GATHER, SCATTER, &endpoint);
            for i in 0..10 {
                scatter.send(format!("m{i}").as_str(), 0).unwrap();
            }
            for i in 0..10 {
                assert_eq!(gather.recv_string(0).unwrap().unwrap(), format!("m{i}"));
            }
            assert_eq!(gather.send("x", 0), Err(Error::ENOTSUP));
            assert_eq!(
                scatter.recv_msg(ferrozmq::DONTWAIT).unwrap_err(),
                Error::ENOTSUP
            );
        }
    });
}

#[test]
fn channels_are_one_peer_pairs() {
    bounded(|| {
        for endpoint in endpoints() {
            let ctx = Context::new();
            let (a, b) = pair(&ctx, CHANNEL, CHANNEL, &endpoint);
            b.send("ping", 0).unwrap();
            assert_eq!(&a.recv_msg(0).unwrap()[..], b"ping");
            a.send("pong", 0).unwrap();
            assert_eq!(&b.recv_msg(0).unwrap()[..], b"pong");
        }
    });
}

#[test]
fn peers_address_each_other_by_the_id_connect_peer_returns() {
    bounded(|| {
        for endpoint in endpoints() {
            let ctx = Context::new();
            let bound = ours(&ctx, PEER);
            bound.bind(&endpoint).unwrap();
            let connecting = ours(&ctx, PEER);
            let to_bound = connecting.connect_peer(&last_ep(&bound)).unwrap();
            assert_ne!(to_bound, 0);
            let mut hello = text("hello");
            hello.set_routing_id(to_bound).unwrap();
            connecting.send(hello, 0).unwrap();
            let got = bound.recv_msg(0).unwrap();
            assert_eq!(&got[..], b"hello");
            let mut back = text("back");
            back.set_routing_id(got.routing_id()).unwrap();
            bound.send(back, 0).unwrap();
            let back = connecting.recv_msg(0).unwrap();
            assert_eq!((&back[..], back.routing_id()), (&b"back"[..], to_bound));
        }
        let ctx = Context::new();
        let server = ours(&ctx, SERVER);
        assert_eq!(
            server.connect_peer("tcp://127.0.0.1:1"),
            Err(Error::ENOTSUP)
        );
        let peer = ours(&ctx, PEER);
        peer.set_immediate(true).unwrap();
        assert_eq!(peer.connect_peer("tcp://127.0.0.1:1"), Err(Error::EFAULT));
    });
}

/// Publishes `msg` on `radio` until `dish` has a message (the JOIN travels on its own), and
/// returns what the dish got.
fn publish_until_received(radio: &Socket, dish: &Socket, group: &str, body: &str) -> Message {
    for _ in 0..100 {
        let mut msg = text(body);
        msg.set_group(group).unwrap();
        radio.send(msg, 0).unwrap();
        if dish.poll(POLLIN, 50).unwrap() == 1 {
            return dish.recv_msg(0).unwrap();
        }
    }
    panic!("the dish never received {body:?} in {group:?}");
}

#[test]
fn radio_publishes_to_the_dishes_of_a_group_over_every_transport() {
    bounded(|| {
        for endpoint in endpoints() {
            let ctx = Context::new();
            let (radio, dish) = pair(&ctx, RADIO, DISH, &endpoint);
            dish.join("movies").unwrap();
            let got = publish_until_received(&radio, &dish, "movies", "first");
            assert_eq!(&got[..], b"first", "{endpoint}");
            assert_eq!(got.group(), Some(&b"movies"[..]), "{endpoint}");
            // Other groups do not reach it; the joined one still does, in order.
            let mut other = text("other");
            other.set_group("tv").unwrap();
            radio.send(other, 0).unwrap();
            let mut next = text("second");
            next.set_group("movies").unwrap();
            radio.send(next, 0).unwrap();
            let got = dish.recv_msg(0).unwrap();
            assert_eq!(&got[..], b"second", "{endpoint}");
            dish.leave("movies").unwrap();
        }
    });
}

#[test]
fn dish_joins_reach_a_radio_that_binds_later_and_connects_to_it() {
    bounded(|| {
        let ctx = Context::new();
        let dish = ours(&ctx, DISH);
        dish.bind("tcp://127.0.0.1:*").unwrap();
        dish.join("g").unwrap();
        let radio = ours(&ctx, RADIO);
        radio.connect(&last_ep(&dish)).unwrap();
        let got = publish_until_received(&radio, &dish, "g", "reversed");
        assert_eq!(&got[..], b"reversed");
    });
}

#[test]
fn join_and_leave_follow_libzmqs_rules() {
    bounded(|| {
        let ctx = Context::new();
        let dish = ours(&ctx, DISH);
        // libzmq 4.3's ZMQ_GROUP_MAX_LENGTH: 255 bytes.
        assert_eq!(dish.join(&"g".repeat(256)), Err(Error::EINVAL));
        dish.join(&"g".repeat(255)).unwrap();
        assert_eq!(
            dish.join(&"g".repeat(255)),
            Err(Error::EINVAL),
            "joined twice"
        );
        assert_eq!(dish.leave("never"), Err(Error::EINVAL));
        assert_eq!(dish.set_subscribe(b"topic"), Err(Error::EINVAL));
        assert_eq!(dish.send("x", 0), Err(Error::ENOTSUP));
        let radio = ours(&ctx, RADIO);
        assert_eq!(radio.join("g"), Err(Error::ENOTSUP));
        assert_eq!(
            radio.recv_msg(ferrozmq::DONTWAIT).unwrap_err(),
            Error::ENOTSUP
        );
        let mut msg = text("x");
        assert_eq!(msg.set_group("g".repeat(256)), Err(Error::EINVAL));
        assert_eq!(msg.group(), None);
        msg.set_group("ok").unwrap();
        assert_eq!(msg.group(), Some(&b"ok"[..]));
    });
}

#[test]
fn incompatible_types_are_refused() {
    bounded(|| {
        let ctx = Context::new();
        let (server, dealer) = pair(&ctx, SERVER, ferrozmq::DEALER, "tcp://127.0.0.1:*");
        dealer.send("x", ferrozmq::DONTWAIT).ok();
        assert_eq!(
            server.poll(POLLIN, 200).unwrap(),
            0,
            "a DEALER never reaches a SERVER"
        );
    });
}

#[test]
fn radio_and_dish_over_udp_unicast() {
    bounded(|| {
        let ctx = Context::new();
        let dish = ours(&ctx, DISH);
        dish.bind("udp://127.0.0.1:0").unwrap();
        let endpoint = last_ep(&dish);
        assert!(endpoint.starts_with("udp://127.0.0.1:"), "{endpoint}");
        dish.join("movies").unwrap();
        let radio = ours(&ctx, RADIO);
        radio.connect(&endpoint).unwrap();
        // Datagrams are not queued for a late reader: the first ones can only be lost to a
        // full kernel buffer, which a few messages never fill.
        for body in ["other", "first"] {
            let mut msg = text(body);
            msg.set_group(if body == "first" { "movies" } else { "tv" })
                .unwrap();
            radio.send(msg, 0).unwrap();
        }
        let got = dish.recv_msg(0).unwrap();
        assert_eq!(
            (&got[..], got.group()),
            (&b"first"[..], Some(&b"movies"[..]))
        );
        // One message per datagram, up to libzmq's 8192 bytes; a bigger one is dropped.
        let mut big = Message::from(vec![7u8; 9000]);
        big.set_group("movies").unwrap();
        radio.send(big, 0).unwrap();
        let mut fits = Message::from(vec![8u8; 8192 - 1 - 6]);
        fits.set_group("movies").unwrap();
        radio.send(fits, 0).unwrap();
        assert_eq!(dish.recv_msg(0).unwrap().len(), 8192 - 7);
    });
}

/// Under ZMQ_IPV6 a DISH binds `udp://*:port` dual-stack and a RADIO sends to `[::1]`, as in
/// libzmq's test_radio_dish_udp_ipv6; groups longer than the inline 13 bytes go whole.
#[test]
fn radio_and_dish_over_udp_ipv6_with_long_groups() {
    bounded(|| {
        let ctx = Context::new();
        let dish = ours(&ctx, DISH);
        dish.set_ipv6(true).unwrap();
        dish.bind("udp://*:0").unwrap();
        let endpoint = last_ep(&dish);
        let port = endpoint.rsplit(':').next().unwrap().to_string();
        assert!(endpoint.starts_with("udp://[::]:"), "{endpoint}");
        let long = "l".repeat(255);
        dish.join(&long).unwrap();
        dish.join("fourteen-bytes").unwrap();

        let radio = ours(&ctx, RADIO);
        assert_eq!(
            radio.connect(&format!("udp://[::1]:{port}")),
            Err(Error::EINVAL),
            "an IPv6 host without ZMQ_IPV6"
        );
        radio.set_ipv6(true).unwrap();
        radio.connect(&format!("udp://[::1]:{port}")).unwrap();
        let mut msg = text("over ipv6");
        msg.set_group(&long).unwrap();
        radio.send(msg, 0).unwrap();
        let got = dish.recv_msg(0).unwrap();
        assert_eq!(
            (&got[..], got.group()),
            (&b"over ipv6"[..], Some(long.as_bytes()))
        );
        // The dual-stack DISH hears an IPv4 RADIO too.
        let radio4 = ours(&ctx, RADIO);
        radio4.connect(&format!("udp://127.0.0.1:{port}")).unwrap();
        let mut msg = text("over ipv4");
        msg.set_group("fourteen-bytes").unwrap();
        radio4.send(msg, 0).unwrap();
        let got = dish.recv_msg(0).unwrap();
        assert_eq!(
            (&got[..], got.group()),
            (&b"over ipv4"[..], Some(&b"fourteen-bytes"[..]))
        );
    });
}

/// DGRAM (libzmq's dgram_t): a bound udp socket; every message is an address frame with MORE
/// and one body frame, anything else EINVAL; it binds udp and never connects.
#[test]
fn dgram_sends_address_and_body_pairs_only() {
    bounded(|| {
        let ctx = Context::new();
        let a = ours(&ctx, ferrozmq::DGRAM);
        assert!(
            !a.is_thread_safe().unwrap(),
            "an ordinary socket, as libzmq's"
        );
        assert_eq!(
            a.connect("udp://127.0.0.1:5556"),
            Err(Error::ENOCOMPATPROTO)
        );
        a.bind("udp://127.0.0.1:0").unwrap();
        let b = ours(&ctx, ferrozmq::DGRAM);
        b.bind("udp://127.0.0.1:0").unwrap();
        let b_at = last_ep(&b).trim_start_matches("udp://").to_string();

        assert_eq!(a.send("body alone", 0), Err(Error::EINVAL));
        assert_eq!(
            a.send_multipart([b_at.as_bytes(), b"x", b"three frames"], 0),
            Err(Error::EINVAL)
        );
        a.send(&b_at[..], ferrozmq::SNDMORE).unwrap();
        assert_eq!(a.send("x", ferrozmq::SNDMORE), Err(Error::EINVAL));
        a.send("hello", 0).unwrap();
        // An address that does not read as ip:port loses its message, as in libzmq.
        a.send_multipart([&b"nowhere"[..], b"lost"], 0).unwrap();
        a.send_multipart([b_at.as_bytes(), b"after"], 0).unwrap();
        let a_at = format!("{}\0", last_ep(&a).trim_start_matches("udp://"));
        for body in ["hello", "after"] {
            let got = b.recv_multipart(0).unwrap();
            assert_eq!(got, [a_at.as_bytes(), body.as_bytes()]);
        }
        // `udp://*:*` binds any address on a port the system picks (CZMQ's zsock test).
        let c = ours(&ctx, ferrozmq::DGRAM);
        c.bind("udp://*:*").unwrap();
        c.send_multipart([b_at.as_bytes(), b"from any"], 0).unwrap();
        assert_eq!(b.recv_multipart(0).unwrap()[1], b"from any");
    });
}

#[test]
fn udp_is_for_a_connecting_radio_and_a_binding_dish() {
    let ctx = Context::new();
    let radio = ours(&ctx, RADIO);
    assert_eq!(radio.bind("udp://127.0.0.1:0"), Err(Error::ENOCOMPATPROTO));
    let dish = ours(&ctx, DISH);
    assert_eq!(
        dish.connect("udp://127.0.0.1:5556"),
        Err(Error::ENOCOMPATPROTO)
    );
    assert_eq!(
        ours(&ctx, SERVER).bind("udp://127.0.0.1:0"),
        Err(Error::ENOCOMPATPROTO)
    );
    assert_eq!(dish.bind("udp://127.0.0.1"), Err(Error::EINVAL));
}
