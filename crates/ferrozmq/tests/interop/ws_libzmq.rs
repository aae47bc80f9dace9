//! The classic patterns over ws (ZWS 2.0) against real libzmq, both ways, ours binding and
//! theirs binding: npm zeromq's libzmq 4.3.5 (PUSH/PULL, REQ/REP, PUB/SUB) and the `zmq`
//! crate's libzmq 4.3.4, built with ws, in this process (REQ/REP, PUB/SUB). (The draft pairs
//! run over ws in `draft_sockets`; Debian's libzmq 4.3.4 and pyzmq's wheel here are built
//! without ws.)

use crate::common::{bounded, last_ep, ours};
use crate::npm::NpmPeer;
use ferrozmq::{Context, Socket, SocketType};

/// Runs `check` on a fresh pair with ours binding at a ws wildcard, then theirs binding.
fn both_ways(ty: SocketType, class: &str, check: impl Fn(&Socket, &mut NpmPeer)) {
    for ours_binds in [true, false] {
        let ctx = Context::new();
        let socket = ours(&ctx, ty);
        let mut peer = NpmPeer::new(class);
        if ours_binds {
            socket.bind("ws://127.0.0.1:*/classic").unwrap();
            peer.connect(&last_ep(&socket));
        } else {
            let endpoint = peer.bind("ws://127.0.0.1:*/classic");
            socket.connect(&endpoint).unwrap();
        }
        check(&socket, &mut peer);
    }
}

#[test]
fn push_pull_over_ws_both_ways() {
    bounded(|| {
        both_ways(ferrozmq::PUSH, "Pull", |push, pull| {
            for i in 0..20u8 {
                push.send(vec![i; 300 * i as usize + 1], 0).unwrap();
            }
            for i in 0..20u8 {
                let got = pull.recv(5000).expect("a message");
                assert_eq!(got.body, vec![i; 300 * i as usize + 1]);
            }
        });
        both_ways(ferrozmq::PULL, "Push", |pull, push| {
            for i in 0..20u8 {
                push.send(&vec![i; 300 * i as usize + 1], None, None);
            }
            for i in 0..20u8 {
                assert_eq!(pull.recv_bytes(0).unwrap(), vec![i; 300 * i as usize + 1]);
            }
        });
    });
}

#[test]
fn req_rep_over_ws_both_ways() {
    bounded(|| {
        both_ways(ferrozmq::REQ, "Reply", |req, rep| {
            req.send("Hello", 0).unwrap();
            assert_eq!(rep.recv(5000).expect("the request").body, b"Hello");
            rep.send(b"World", None, None);
            assert_eq!(req.recv_string(0).unwrap().unwrap(), "World");
        });
        both_ways(ferrozmq::REP, "Request", |rep, req| {
            req.send(b"Hello", None, None);
            assert_eq!(rep.recv_string(0).unwrap().unwrap(), "Hello");
            rep.send("World", 0).unwrap();
            assert_eq!(req.recv(5000).expect("the reply").body, b"World");
        });
    });
}

#[test]
fn pub_sub_over_ws_both_ways() {
    bounded(|| {
        both_ways(ferrozmq::PUB, "Subscriber", |publisher, sub| {
            sub.subscribe("news");
            // The subscription travels on its own: publish until a message gets through.
            let got = (0..100)
                .find_map(|_| {
                    publisher.send("other", 0).unwrap();
                    publisher.send("news today", 0).unwrap();
                    sub.recv(50)
                })
                .expect("a subscribed message");
            assert_eq!(got.body, b"news today");
        });
        both_ways(ferrozmq::SUB, "Publisher", |sub, publisher| {
            sub.set_subscribe(b"news").unwrap();
            sub.set_rcvtimeo(50).unwrap();
            let got = (0..100)
                .find_map(|_| {
                    publisher.send(b"other", None, None);
                    publisher.send(b"news today", None, None);
                    sub.recv_bytes(0).ok()
                })
                .expect("a subscribed message");
            assert_eq!(got, b"news today");
        });
    });
}

/// Our socket of `ours_type` and the `zmq` crate's libzmq 4.3.4 (built with ws) of
/// `their_type`, linked over ws with ours binding if `ours_binds`.
fn with_libzmq(
    ours_type: SocketType,
    their_type: zmq::SocketType,
    ours_binds: bool,
    check: impl Fn(&Socket, &zmq::Socket),
) {
    let ctx = Context::new();
    let zctx = zmq::Context::new();
    let socket = ours(&ctx, ours_type);
    let peer = crate::common::theirs(&zctx, their_type);
    if ours_binds {
        socket.bind("ws://127.0.0.1:*/libzmq").unwrap();
        peer.connect(&last_ep(&socket)).unwrap();
    } else {
        peer.bind("ws://127.0.0.1:*/libzmq").unwrap();
        socket.connect(&crate::common::zlast_ep(&peer)).unwrap();
    }
    check(&socket, &peer);
}

#[test]
fn req_rep_over_ws_with_libzmq_434_both_ways() {
    bounded(|| {
        for ours_binds in [true, false] {
            with_libzmq(ferrozmq::REP, zmq::REQ, ours_binds, |rep, req| {
                req.send("Hello", 0).unwrap();
                assert_eq!(rep.recv_string(0).unwrap().unwrap(), "Hello");
                rep.send_multipart(["World", "again"], 0).unwrap();
                assert_eq!(
                    req.recv_multipart(0).unwrap(),
                    [b"World".to_vec(), b"again".to_vec()]
                );
            });
            with_libzmq(ferrozmq::REQ, zmq::REP, ours_binds, |req, rep| {
                req.send(vec![7u8; 100_000], 0).unwrap();
                assert_eq!(rep.recv_bytes(0).unwrap(), vec![7u8; 100_000]);
                rep.send("World", 0).unwrap();
                assert_eq!(req.recv_string(0).unwrap().unwrap(), "World");
            });
        }
    });
}

#[test]
fn pub_sub_over_ws_with_libzmq_434_both_ways() {
    bounded(|| {
        for ours_binds in [true, false] {
            with_libzmq(ferrozmq::PUB, zmq::SUB, ours_binds, |publisher, sub| {
                sub.set_subscribe(b"news").unwrap();
                sub.set_rcvtimeo(50).unwrap();
                let got = (0..100)
                    .find_map(|_| {
                        publisher.send("other", 0).unwrap();
                        publisher.send("news today", 0).unwrap();
                        sub.recv_bytes(0).ok()
                    })
                    .expect("a subscribed message");
                assert_eq!(got, b"news today");
            });
            with_libzmq(ferrozmq::SUB, zmq::PUB, ours_binds, |sub, publisher| {
                sub.set_subscribe(b"news").unwrap();
                sub.set_rcvtimeo(50).unwrap();
                let got = (0..100)
                    .find_map(|_| {
                        publisher.send("other", 0).unwrap();
                        publisher.send("news today", 0).unwrap();
                        sub.recv_bytes(0).ok()
                    })
                    .expect("a subscribed message");
                assert_eq!(got, b"news today");
            });
        }
    });
}
