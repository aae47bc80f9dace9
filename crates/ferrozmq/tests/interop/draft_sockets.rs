//! The draft socket types against npm zeromq's libzmq 4.3.5 (its draft API) over tcp and ws:
//! every pair — CLIENT/SERVER, RADIO/DISH, SCATTER/GATHER, each side in each role — with ours
//! binding and with theirs binding, on each transport.

use crate::common::{bounded, last_ep, ours};
use crate::npm::{NpmPeer, Received};
use ferrozmq::{Context, Message, Socket, SocketType, POLLIN};

/// The wildcard endpoints each pair is linked over: tcp, and ws (ZWS 2.0) with a path.
const TRANSPORTS: [&str; 2] = ["tcp://127.0.0.1:*", "ws://127.0.0.1:*/draft"];

/// Connects `socket` and `peer` at `wildcard`: ours binds if `ours_binds`, else theirs does.
fn link(socket: &Socket, peer: &mut NpmPeer, wildcard: &str, ours_binds: bool) {
    if ours_binds {
        socket.bind(wildcard).unwrap();
        peer.connect(&last_ep(socket));
    } else {
        let endpoint = peer.bind(wildcard);
        socket.connect(&endpoint).unwrap();
    }
}

/// Runs `check` on every transport with ours binding, then with theirs binding, each on a
/// fresh pair of `ty` (ours) and `class` (theirs).
fn both_ways(ty: SocketType, class: &str, check: impl Fn(&Socket, &mut NpmPeer)) {
    for wildcard in TRANSPORTS {
        for ours_binds in [true, false] {
            let ctx = Context::new();
            let socket = ours(&ctx, ty);
            let mut peer = NpmPeer::new(class);
            link(&socket, &mut peer, wildcard, ours_binds);
            check(&socket, &mut peer);
        }
    }
}

fn plain(body: &[u8]) -> Received {
    Received {
        body: body.to_vec(),
        routing_id: None,
        group: None,
        address: None,
    }
}

#[test]
fn our_client_talks_to_their_server() {
    bounded(|| {
        both_ways(ferrozmq::CLIENT, "Server", |client, server| {
            client.send("hello", 0).unwrap();
            let request = server.recv(5000).expect("the request");
            assert_eq!(request.body, b"hello");
            let routing_id = request.routing_id.expect("a routing id");
            server.send(b"world", Some(routing_id), None);
            assert_eq!(&client.recv_msg(0).unwrap()[..], b"world");
        });
    });
}

#[test]
fn their_client_talks_to_our_server() {
    bounded(|| {
        both_ways(ferrozmq::SERVER, "Client", |server, client| {
            client.send(b"hello", None, None);
            let request = server.recv_msg(0).unwrap();
            assert_eq!(&request[..], b"hello");
            let mut reply = Message::from("world");
            reply.set_routing_id(request.routing_id()).unwrap();
            server.send(reply, 0).unwrap();
            assert_eq!(client.recv(5000), Some(plain(b"world")));
        });
    });
}

#[test]
fn our_scatter_feeds_their_gather_and_theirs_ours() {
    bounded(|| {
        both_ways(ferrozmq::SCATTER, "Gather", |scatter, gather| {
            for i in 0..5u8 {
                scatter.send(&[i][..], 0).unwrap();
            }
            for i in 0..5u8 {
                assert_eq!(gather.recv(5000), Some(plain(&[i])));
            }
        });
        both_ways(ferrozmq::GATHER, "Scatter", |gather, scatter| {
            for i in 0..5u8 {
                scatter.send(&[i], None, None);
            }
            for i in 0..5u8 {
                assert_eq!(gather.recv_bytes(0).unwrap(), vec![i]);
            }
        });
    });
}

/// Publishes until the JOIN has travelled and a message arrives (at most 100 tries, 50 ms
/// apart): the JOIN goes its own way, so the first messages may find no member.
fn until_delivered<T>(mut publish: impl FnMut(), mut received: impl FnMut() -> Option<T>) -> T {
    for _ in 0..100 {
        publish();
        if let Some(got) = received() {
            return got;
        }
    }
    panic!("nothing was delivered to the group");
}

#[test]
fn our_radio_reaches_their_dish() {
    bounded(|| {
        both_ways(ferrozmq::RADIO, "Dish", |radio, dish| {
            dish.join("movies");
            let publish = |body: &str, group: &str| {
                let mut msg = Message::from(body);
                msg.set_group(group).unwrap();
                radio.send(msg, 0).unwrap();
            };
            let got = until_delivered(|| publish("first", "movies"), || dish.recv(50));
            assert_eq!(got.body, b"first");
            assert_eq!(got.group.as_deref(), Some("movies"));
            // Groups it did not join do not reach it; the next one in its group does.
            publish("other", "tv");
            publish("second", "movies");
            let got = dish.recv(5000).expect("the second message");
            assert_eq!(
                (got.body, got.group),
                (b"second".to_vec(), Some("movies".into()))
            );
        });
    });
}

/// Groups past libzmq 4.2's 15 bytes, up to 4.3's ZMQ_GROUP_MAX_LENGTH (255), travel both
/// ways: in our JOIN and group frames to libzmq, and in libzmq's to us.
#[test]
fn groups_of_up_to_255_bytes_go_both_ways() {
    bounded(|| {
        let long = "g".repeat(255);
        both_ways(ferrozmq::RADIO, "Dish", |radio, dish| {
            dish.join(&long);
            let mut publish = || {
                let mut msg = Message::from("long");
                msg.set_group(&long).unwrap();
                radio.send(msg, 0).unwrap();
            };
            let got = until_delivered(&mut publish, || dish.recv(50));
            assert_eq!(got.group.as_deref(), Some(&long[..]));
        });
        both_ways(ferrozmq::DISH, "Radio", |dish, radio| {
            dish.join(&long).unwrap();
            let got = until_delivered(
                || radio.send(b"long", None, Some(&long)),
                || (dish.poll(POLLIN, 50).unwrap() == 1).then(|| dish.recv_msg(0).unwrap()),
            );
            assert_eq!(got.group(), Some(long.as_bytes()));
        });
    });
}

#[test]
fn their_radio_reaches_our_dish() {
    bounded(|| {
        both_ways(ferrozmq::DISH, "Radio", |dish, radio| {
            dish.join("movies").unwrap();
            let got = until_delivered(
                || radio.send(b"first", None, Some("movies")),
                || (dish.poll(POLLIN, 50).unwrap() == 1).then(|| dish.recv_msg(0).unwrap()),
            );
            assert_eq!(&got[..], b"first");
            assert_eq!(got.group(), Some(&b"movies"[..]));
            radio.send(b"other", None, Some("tv"));
            radio.send(b"second", None, Some("movies"));
            assert_eq!(&dish.recv_msg(0).unwrap()[..], b"second");
        });
    });
}

/// A udp port nobody uses at the moment (the kernel's pick, released at once).
fn free_udp_port() -> u16 {
    let probe = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    probe.local_addr().unwrap().port()
}

#[test]
fn their_radio_reaches_our_dish_over_udp() {
    bounded(|| {
        let ctx = Context::new();
        let dish = ours(&ctx, ferrozmq::DISH);
        dish.bind("udp://127.0.0.1:0").unwrap();
        dish.join("movies").unwrap();
        let mut radio = NpmPeer::new("Radio");
        radio.connect(&last_ep(&dish));
        let got = until_delivered(
            || {
                radio.send(b"other", None, Some("tv"));
                radio.send(b"first", None, Some("movies"));
            },
            || (dish.poll(POLLIN, 50).unwrap() == 1).then(|| dish.recv_msg(0).unwrap()),
        );
        assert_eq!(
            (&got[..], got.group()),
            (&b"first"[..], Some(&b"movies"[..]))
        );
    });
}

#[test]
fn our_radio_reaches_their_dish_over_udp() {
    bounded(|| {
        let mut dish = NpmPeer::new("Dish");
        // libzmq reports a udp endpoint without its scheme: connect to the one given.
        let endpoint = format!("udp://127.0.0.1:{}", free_udp_port());
        dish.bind(&endpoint);
        dish.join("movies");
        let ctx = Context::new();
        let radio = ours(&ctx, ferrozmq::RADIO);
        radio.connect(&endpoint).unwrap();
        let publish = |body: &str, group: &str| {
            let mut msg = Message::from(body);
            msg.set_group(group).unwrap();
            radio.send(msg, 0).unwrap();
        };
        let got = until_delivered(
            || {
                publish("other", "tv");
                publish("first", "movies");
            },
            || dish.recv(50),
        );
        assert_eq!(
            (got.body, got.group),
            (b"first".to_vec(), Some("movies".into()))
        );
    });
}

/// DGRAM both ways with libzmq's (libzmq's test_dgram roundtrip): each binds a udp port,
/// each message is `[peer's ip:port, body]` (a received address NUL-terminated, as
/// libzmq's), and the address a message arrives with is the one to answer to.
#[test]
fn our_dgram_and_theirs_answer_each_other() {
    bounded(|| {
        let ctx = Context::new();
        let dgram = ours(&ctx, ferrozmq::DGRAM);
        dgram.bind("udp://127.0.0.1:0").unwrap();
        let ours_at = last_ep(&dgram).trim_start_matches("udp://").to_string();
        let theirs_at = format!("127.0.0.1:{}", free_udp_port());
        let mut theirs = NpmPeer::new("Datagram");
        theirs.bind(&format!("udp://{theirs_at}"));

        // libzmq binds a udp endpoint in its I/O thread after zmq_bind returns: datagrams
        // that come first are lost, so the question goes again until one arrives.
        let got = until_delivered(
            || {
                dgram
                    .send_multipart([theirs_at.as_bytes(), b"question"], 0)
                    .unwrap()
            },
            || theirs.recv(50),
        );
        let their_view = format!("{ours_at}\0");
        assert_eq!(
            (got.address.as_deref(), &got.body[..]),
            (Some(&their_view[..]), &b"question"[..])
        );
        // Answered to the address as received, NUL and all.
        theirs.send_to(&their_view, b"answer");
        let answer = dgram.recv_multipart(0).unwrap();
        assert_eq!(answer, [format!("{theirs_at}\0").as_bytes(), b"answer"]);
        dgram.send_multipart([&answer[0][..], b"again"], 0).unwrap();
        // (A question repeated while the first was on its way may come before it.)
        let again = std::iter::from_fn(|| theirs.recv(5000)).find(|m| m.body != b"question");
        assert_eq!(again.expect("again").body, b"again");
    });
}

/// The multicast group and port of the multicast tests (each runs in a network namespace of
/// its own, so the fixed port meets no other test).
const MULTICAST: &str = "239.0.0.7:5570";

#[test]
fn radio_and_dish_over_multicast_ours_and_theirs() {
    crate::common::netns::in_namespace_at(
        "draft_sockets::radio_and_dish_over_multicast_ours_and_theirs",
        || {
            bounded(|| {
                let ctx = Context::new();
                let dish = ours(&ctx, ferrozmq::DISH);
                dish.bind(&format!("udp://lo;{MULTICAST}")).unwrap();
                dish.join("movies").unwrap();
                let received =
                    || (dish.poll(POLLIN, 50).unwrap() == 1).then(|| dish.recv_msg(0).unwrap());
                // Ours to ours.
                let radio = ours(&ctx, ferrozmq::RADIO);
                radio.connect(&format!("udp://lo;{MULTICAST}")).unwrap();
                let publish = || {
                    let mut msg = Message::from("ours");
                    msg.set_group("movies").unwrap();
                    radio.send(msg, 0).unwrap();
                };
                assert_eq!(&until_delivered(publish, received)[..], b"ours");
                drop(radio);
                while dish.poll(POLLIN, 100).unwrap() == 1 {
                    dish.recv_msg(0).unwrap();
                }
                // npm zeromq's libzmq to ours.
                let mut theirs = NpmPeer::new("Radio");
                theirs.connect(&format!("udp://{MULTICAST}"));
                let got =
                    until_delivered(|| theirs.send(b"theirs", None, Some("movies")), received);
                assert_eq!(
                    (&got[..], got.group()),
                    (&b"theirs"[..], Some(&b"movies"[..]))
                );
                drop(dish);
                // Ours to npm zeromq's libzmq.
                let mut their_dish = NpmPeer::new("Dish");
                their_dish.bind(&format!("udp://{MULTICAST}"));
                their_dish.join("movies");
                let radio = ours(&ctx, ferrozmq::RADIO);
                radio.connect(&format!("udp://lo;{MULTICAST}")).unwrap();
                let publish = || {
                    let mut msg = Message::from("ours to theirs");
                    msg.set_group("movies").unwrap();
                    radio.send(msg, 0).unwrap();
                };
                let got = until_delivered(publish, || their_dish.recv(50));
                assert_eq!(
                    (got.body, got.group),
                    (b"ours to theirs".to_vec(), Some("movies".into()))
                );
            })
        },
    );
}
