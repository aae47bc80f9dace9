//! HELLO_MSG, DISCONNECT_MSG and HICCUP_MSG (libzmq 4.3.5 drafts; the cases of libzmq's
//! test_hello_msg, test_disconnect_msg and test_hiccup_msg, on every type that takes part).
//! Neither libzmq here exposes the options (the `zmq` crate's 4.3.4 and pyzmq's 4.3.5 are
//! built without drafts), so the options are set on ferrozmq sockets only;
//! a libzmq peer is on the other end wherever what happens is visible to it.

use crate::common::*;
use ferrozmq::{Context, Socket, CLIENT, DEALER, PEER, ROUTER, SERVER};

/// A frame list from a ferrozmq socket.
fn recv(s: &Socket) -> Vec<Vec<u8>> {
    recv_frames(s).expect("a message")
}

#[test]
fn router_hello_reaches_every_new_peer() {
    bounded(|| {
        let ctx = Context::new();
        let zctx = zmq::Context::new();
        for endpoint in [
            "tcp://127.0.0.1:*".to_string(),
            ipc_endpoint(),
            "inproc://hello-bound-first".to_string(),
        ] {
            let router = ours(&ctx, ROUTER);
            router.set_hello_msg(b"H").unwrap();
            router.bind(&endpoint).unwrap();
            let bound = last_ep(&router);
            let dealer = ours(&ctx, DEALER);
            dealer.connect(&bound).unwrap();
            assert_eq!(recv(&dealer), frames(&["H"]), "{endpoint}");
            if !bound.starts_with("inproc") {
                // On the wire: a libzmq DEALER hears it as the first message too.
                let theirs = theirs(&zctx, zmq::DEALER);
                theirs.connect(&bound).unwrap();
                // Our ROUTER attaches an accepted peer when it next processes commands.
                let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
                while theirs.poll(zmq::POLLIN, 10).unwrap() == 0 {
                    router.get_events().unwrap();
                    assert!(std::time::Instant::now() < deadline, "no hello at libzmq");
                }
                assert_eq!(theirs.recv_multipart(0).unwrap(), frames(&["H"]));
            }
        }
        // inproc, connected before the bind.
        let dealer = ours(&ctx, DEALER);
        dealer.connect("inproc://hello-late-bind").unwrap();
        let router = ours(&ctx, ROUTER);
        router.set_hello_msg(b"W").unwrap();
        router.bind("inproc://hello-late-bind").unwrap();
        assert_eq!(recv(&dealer), frames(&["W"]));
    });
}

#[test]
fn dealer_hello_reaches_a_libzmq_router_and_again_after_a_reconnect() {
    bounded(|| {
        let ctx = Context::new();
        let endpoint = free_tcp_endpoint();
        let dealer = ours(&ctx, DEALER);
        dealer.set_identity(b"d").unwrap();
        dealer.set_hello_msg(b"H").unwrap();
        dealer.connect(&endpoint).unwrap();
        for round in 0..2 {
            // A context per round: its termination closes the listener before the next bind
            // (libzmq closes sockets asynchronously).
            let zctx = zmq::Context::new();
            let router = theirs(&zctx, zmq::ROUTER);
            router.bind(&endpoint).unwrap();
            assert_eq!(
                router.recv_multipart(0).unwrap(),
                frames(&["d", "H"]),
                "connection {round}"
            );
        }
    });
}

#[test]
fn router_hears_disconnect_msg_when_a_peer_goes() {
    bounded(|| {
        let ctx = Context::new();
        let zctx = zmq::Context::new();
        for endpoint in ["tcp://127.0.0.1:*".to_string(), ipc_endpoint()] {
            let router = ours(&ctx, ROUTER);
            router.set_disconnect_msg(b"D").unwrap();
            router.bind(&endpoint).unwrap();
            let dealer = theirs(&zctx, zmq::DEALER);
            dealer.set_identity(b"z").unwrap();
            dealer.connect(&last_ep(&router)).unwrap();
            dealer.send("hi", 0).unwrap();
            assert_eq!(recv(&router), frames(&["z", "hi"]));
            drop(dealer);
            assert_eq!(recv(&router), frames(&["z", "D"]), "{endpoint}");
        }
        // inproc: the connecting socket closing, or disconnecting.
        for disconnect in [false, true] {
            let endpoint = format!("inproc://disconnect-msg-{disconnect}");
            let router = ours(&ctx, ROUTER);
            router.set_disconnect_msg(b"D").unwrap();
            router.bind(&endpoint).unwrap();
            let dealer = ours(&ctx, DEALER);
            dealer.set_identity(b"o").unwrap();
            dealer.connect(&endpoint).unwrap();
            dealer.send("hi", 0).unwrap();
            assert_eq!(recv(&router), frames(&["o", "hi"]));
            if disconnect {
                dealer.disconnect(&endpoint).unwrap();
            } else {
                drop(dealer);
            }
            assert_eq!(recv(&router), frames(&["o", "D"]), "{endpoint}");
        }
    });
}

#[test]
fn dealer_hears_hiccup_msg_when_its_connection_breaks() {
    bounded(|| {
        let ctx = Context::new();
        let zctx = zmq::Context::new();
        let router = theirs(&zctx, zmq::ROUTER);
        router.bind("tcp://127.0.0.1:*").unwrap();
        let dealer = ours(&ctx, DEALER);
        dealer.set_identity(b"d").unwrap();
        dealer.set_hiccup_msg(b"HICCUP").unwrap();
        dealer.connect(&zlast_ep(&router)).unwrap();
        dealer.send("hi", 0).unwrap();
        assert_eq!(router.recv_multipart(0).unwrap(), frames(&["d", "hi"]));
        drop(router);
        assert_eq!(recv(&dealer), frames(&["HICCUP"]));
    });
}

#[test]
fn server_client_and_peer_take_part_too() {
    bounded(|| {
        let ctx = Context::new();
        // libzmq's test_disconnect_msg: a CLIENT's HELLO and a SERVER's DISCONNECT.
        for endpoint in [
            "tcp://127.0.0.1:*".to_string(),
            "inproc://server-disconnect-msg".to_string(),
        ] {
            let server = ours(&ctx, SERVER);
            server.set_disconnect_msg(b"D").unwrap();
            server.bind(&endpoint).unwrap();
            let client = ours(&ctx, CLIENT);
            client.set_hello_msg(b"H").unwrap();
            client.connect(&last_ep(&server)).unwrap();
            assert_eq!(server.recv_string(0).unwrap().unwrap(), "H", "{endpoint}");
            drop(client);
            assert_eq!(server.recv_string(0).unwrap().unwrap(), "D", "{endpoint}");
        }
        // libzmq's test_hello_msg, inproc late bind: both ends greet each other.
        let server = ours(&ctx, SERVER);
        server.set_hello_msg(b"W").unwrap();
        let client = ours(&ctx, CLIENT);
        client.set_hello_msg(b"H").unwrap();
        client.connect("inproc://server-late-hello").unwrap();
        server.bind("inproc://server-late-hello").unwrap();
        assert_eq!(client.recv_string(0).unwrap().unwrap(), "W");
        assert_eq!(server.recv_string(0).unwrap().unwrap(), "H");
        // A PEER greets, and hears its connection break.
        let bound = ours(&ctx, PEER);
        bound.set_hello_msg(b"P").unwrap();
        bound.bind("tcp://127.0.0.1:*").unwrap();
        let connecting = ours(&ctx, PEER);
        connecting.set_hiccup_msg(b"HICCUP").unwrap();
        connecting.connect(&last_ep(&bound)).unwrap();
        assert_eq!(connecting.recv_string(0).unwrap().unwrap(), "P");
        drop(bound);
        assert_eq!(connecting.recv_string(0).unwrap().unwrap(), "HICCUP");
    });
}
