//! The ws transport (ZWS 2.0) between ferrozmq sockets: the ground of libzmq's
//! test_ws_transport (wildcard port and last_endpoint, paths, every pattern over it, the
//! security mechanisms on top) and hostile raw peers (bad upgrades, unmasked or oversize
//! frames, silence past HANDSHAKE_IVL), which are dropped while the socket keeps serving.

use ferrozmq::{Context, CurveKeyPair, Socket, SocketType};
use ferrozmq::{DEALER, PAIR, PUB, PULL, PUSH, REP, REQ, ROUTER, SUB};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

const TIMEOUT_MS: i32 = 5000;

fn socket(ctx: &Context, kind: SocketType) -> Socket {
    let s = ctx.socket(kind).unwrap();
    s.set_rcvtimeo(TIMEOUT_MS).unwrap();
    s.set_sndtimeo(TIMEOUT_MS).unwrap();
    s.set_linger(0).unwrap();
    s
}

/// Binds `server` on a fresh ws port with `path` and connects `client` to it.
fn ws_pair(server: &Socket, client: &Socket, path: &str) -> String {
    server.bind(&format!("ws://127.0.0.1:*{path}")).unwrap();
    let endpoint = server.get_last_endpoint().unwrap().unwrap();
    client.connect(&endpoint).unwrap();
    endpoint
}

#[test]
fn wildcard_port_resolves_with_the_path_kept() {
    let ctx = Context::new();
    let (pull, push) = (socket(&ctx, PULL), socket(&ctx, PUSH));
    let endpoint = ws_pair(&pull, &push, "/roundtrip");
    assert!(endpoint.starts_with("ws://127.0.0.1:"), "{endpoint}");
    assert!(endpoint.ends_with("/roundtrip"), "{endpoint}");
    push.send("over ws", 0).unwrap();
    assert_eq!(pull.recv_string(0).unwrap().unwrap(), "over ws");
}

#[test]
fn request_reply_and_multipart_over_ws() {
    let ctx = Context::new();
    let (rep, req) = (socket(&ctx, REP), socket(&ctx, REQ));
    ws_pair(&rep, &req, "");
    for i in 0..50 {
        req.send(format!("hello {i}").as_str(), 0).unwrap();
        assert_eq!(rep.recv_string(0).unwrap().unwrap(), format!("hello {i}"));
        rep.send(vec![b'x'; 70_000 + i], 0).unwrap();
        assert_eq!(req.recv_bytes(0).unwrap().len(), 70_000 + i);
    }
    let (router, dealer) = (socket(&ctx, ROUTER), socket(&ctx, DEALER));
    ws_pair(&router, &dealer, "/r");
    dealer.send_multipart(["a", "", "b"], 0).unwrap();
    let frames = router.recv_multipart(0).unwrap();
    assert_eq!(&frames[1..], &[b"a".to_vec(), vec![], b"b".to_vec()]);
}

#[test]
fn subscriptions_cross_ws_in_both_directions() {
    for sub_binds in [true, false] {
        let ctx = Context::new();
        let (publisher, sub) = (socket(&ctx, PUB), socket(&ctx, SUB));
        sub.set_subscribe(b"wanted").unwrap();
        if sub_binds {
            ws_pair(&sub, &publisher, "/");
        } else {
            ws_pair(&publisher, &sub, "/");
        }
        // The subscription arrives in its own time: publish until one message gets through.
        sub.set_rcvtimeo(100).unwrap();
        let mut got = None;
        for _ in 0..50 {
            publisher.send("unwanted", 0).unwrap();
            publisher.send("wanted news", 0).unwrap();
            if let Ok(Ok(text)) = sub.recv_string(0) {
                got = Some(text);
                break;
            }
        }
        assert_eq!(
            got.as_deref(),
            Some("wanted news"),
            "sub binds: {sub_binds}"
        );
    }
}

#[test]
fn curve_runs_on_top_of_ws() {
    let ctx = Context::new();
    let (server_keys, client_keys) = (CurveKeyPair::new().unwrap(), CurveKeyPair::new().unwrap());
    let (server, client) = (socket(&ctx, PAIR), socket(&ctx, PAIR));
    server.set_curve_server(true).unwrap();
    server.set_curve_secretkey(&server_keys.secret_key).unwrap();
    client.set_curve_serverkey(&server_keys.public_key).unwrap();
    client.set_curve_publickey(&client_keys.public_key).unwrap();
    client.set_curve_secretkey(&client_keys.secret_key).unwrap();
    ws_pair(&server, &client, "/secure");
    client.send("sealed", 0).unwrap();
    assert_eq!(server.recv_string(0).unwrap().unwrap(), "sealed");
    server.send("sealed back", 0).unwrap();
    assert_eq!(client.recv_string(0).unwrap().unwrap(), "sealed back");
}

#[test]
fn plain_credentials_run_on_top_of_ws() {
    let ctx = Context::new();
    let (server, client) = (socket(&ctx, PAIR), socket(&ctx, PAIR));
    server.set_plain_server(true).unwrap();
    client.set_plain_username(Some("admin")).unwrap();
    client.set_plain_password(Some("secret")).unwrap();
    // PLAIN needs a ZAP handler (libzmq's policy): one that knows the user.
    let passwords = std::env::temp_dir().join(format!("ferrozmq-ws-{}.pw", std::process::id()));
    std::fs::write(&passwords, "admin=secret\n").unwrap();
    let handler = ferrozmq::auth::Authenticator::new(&ctx).unwrap();
    handler.configure_plain("*", &passwords);
    ws_pair(&server, &client, "/");
    client.send("credentials", 0).unwrap();
    assert_eq!(server.recv_string(0).unwrap().unwrap(), "credentials");
    let _ = std::fs::remove_file(passwords);
}

/// A raw tcp client at `endpoint`'s port (the test plays a hostile peer).
fn raw(endpoint: &str) -> TcpStream {
    let port = endpoint.rsplit(':').next().unwrap();
    let port: u16 = port.split('/').next().unwrap().parse().unwrap();
    let stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    stream
}

/// Reads until the peer closes (Ok) or the timeout passes (Err).
fn until_closed(stream: &mut TcpStream) -> std::io::Result<Vec<u8>> {
    let mut all = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match stream.read(&mut buf) {
            Ok(0) => return Ok(all),
            Ok(n) => all.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => return Ok(all),
            Err(e) => return Err(e),
        }
    }
}

const UPGRADE: &str = "GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
    Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Protocol: ZWS2.0/NULL\r\n\
    Sec-WebSocket-Version: 13\r\n\r\n";

/// Each hostile peer is dropped, and a good one is served afterwards.
#[test]
fn hostile_ws_peers_are_dropped_and_others_served() {
    let ctx = Context::new();
    let pull = socket(&ctx, PULL);
    pull.set_handshake_ivl(1000).unwrap();
    pull.bind("ws://127.0.0.1:*/").unwrap();
    let endpoint = pull.get_last_endpoint().unwrap().unwrap();
    let hostile: Vec<(&str, Vec<u8>)> = vec![
        ("not http", b"\x00\x01\x02garbage\r\n\r\n".to_vec()),
        (
            "wrong subprotocol",
            UPGRADE.replace("ZWS2.0/NULL", "chat").into_bytes(),
        ),
        ("endless header", {
            let mut h = b"GET / HTTP/1.1\r\n".to_vec();
            h.extend(std::iter::repeat_n(b'a', 20_000));
            h
        }),
        ("unmasked frame", {
            let mut h = UPGRADE.as_bytes().to_vec();
            h.extend_from_slice(b"\x82\x02\x00x");
            h
        }),
        ("bad opcode", {
            let mut h = UPGRADE.as_bytes().to_vec();
            h.extend_from_slice(b"\x83\x80\0\0\0\0");
            h
        }),
        ("huge length", {
            let mut h = UPGRADE.as_bytes().to_vec();
            h.extend_from_slice(&[0x82, 0xFF, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]);
            h.extend_from_slice(&[0, 0, 0, 0, 0]);
            h
        }),
        ("silent past HANDSHAKE_IVL", Vec::new()),
    ];
    for (what, bytes) in hostile {
        let mut peer = raw(&endpoint);
        let _ = peer.write_all(&bytes);
        assert!(until_closed(&mut peer).is_ok(), "{what}: not dropped");
    }
    let push = socket(&ctx, PUSH);
    push.connect(&endpoint).unwrap();
    push.send("still served", 0).unwrap();
    assert_eq!(pull.recv_string(0).unwrap().unwrap(), "still served");
}

/// A client frame with MAXMSGSIZE exceeded is refused by the engine on the translated header.
#[test]
fn maxmsgsize_bounds_ws_frames() {
    let ctx = Context::new();
    let pull = socket(&ctx, PULL);
    pull.set_maxmsgsize(1000).unwrap();
    pull.bind("ws://127.0.0.1:*").unwrap();
    let endpoint = pull.get_last_endpoint().unwrap().unwrap();
    let push = socket(&ctx, PUSH);
    push.connect(&endpoint).unwrap();
    push.send("before", 0).unwrap();
    assert_eq!(pull.recv_string(0).unwrap().unwrap(), "before");
    push.send(vec![0u8; 2000], 0).unwrap();
    push.send("small", 0).unwrap();
    pull.set_rcvtimeo(1000).unwrap();
    // The connection is dropped at the oversize frame's header, the message with it; the
    // PUSH reconnects and may deliver "small" on the new connection, never the 2000 bytes.
    if let Ok(body) = pull.recv_bytes(0) {
        assert_eq!(body, b"small");
    }
}
