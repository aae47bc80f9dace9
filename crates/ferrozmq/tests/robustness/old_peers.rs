//! ZMTP 2.0 and 1.0 peers (libzmq 3.x and 2.x on the wire), hand-written over raw TCP, talking
//! to real ferrozmq sockets: detected from their first bytes and spoken to in their framing.

use ferrozmq::*;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

fn raw_peer(endpoint: &str) -> TcpStream {
    let s = TcpStream::connect(endpoint.trim_start_matches("tcp://")).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    s
}

fn read_exact(s: &mut TcpStream, n: usize) -> Vec<u8> {
    let mut buf = vec![0u8; n];
    s.read_exact(&mut buf).unwrap();
    buf
}

#[test]
fn a_zmtp_2_0_push_feeds_our_pull() {
    let _alone = crate::alone();
    let ctx = Context::new();
    let pull = ctx.socket(PULL).unwrap();
    pull.set_rcvtimeo(5000).unwrap();
    pull.bind("tcp://127.0.0.1:*").unwrap();
    let mut peer = raw_peer(&pull.get_last_endpoint().unwrap().unwrap());
    // 2.0 greeting: signature, revision 1, socket type PUSH (8); then an empty identity.
    peer.write_all(&[0xff, 0, 0, 0, 0, 0, 0, 0, 1, 0x7f, 0x01, 0x08, 0x00, 0x00])
        .unwrap();
    // What we answer: our signature, then our type byte (PULL = 7) instead of a 3.x greeting,
    // then our (empty) identity message.
    let answer = read_exact(&mut peer, 14);
    assert_eq!(answer[0], 0xff);
    assert_eq!(answer[9] & 1, 1);
    assert_eq!(&answer[10..], &[0x03, 0x07, 0x00, 0x00]);
    // 2.0 frames: flags, size, body.
    peer.write_all(&[0x01, 0x01, b'a', 0x00, 0x02, b'b', b'c'])
        .unwrap();
    assert_eq!(
        pull.recv_multipart(0).unwrap(),
        vec![b"a".to_vec(), b"bc".to_vec()]
    );
}

#[test]
fn a_zmtp_1_0_subscriber_gets_everything_from_our_pub() {
    let _alone = crate::alone();
    let ctx = Context::new();
    let publisher = ctx.socket(PUB).unwrap();
    publisher.bind("tcp://127.0.0.1:*").unwrap();
    let mut peer = raw_peer(&publisher.get_last_endpoint().unwrap().unwrap());
    // 1.0: no greeting, an identity frame first (length 1 = just the flags byte).
    peer.write_all(&[0x01, 0x00]).unwrap();
    // Our 10 signature bytes double as the long header of our identity frame (length 1).
    assert_eq!(
        read_exact(&mut peer, 10),
        [0xff, 0, 0, 0, 0, 0, 0, 0, 1, 0x7f]
    );
    // 1.0 peers never subscribe: a publisher sends them everything, in 1.0 frames
    // (length counts the flags byte). Publish until the connection is up.
    let deadline = Instant::now() + Duration::from_secs(5);
    peer.set_read_timeout(Some(Duration::from_millis(20)))
        .unwrap();
    let mut got = Vec::new();
    while got.len() < 7 {
        assert!(
            Instant::now() < deadline,
            "nothing published to the 1.0 peer"
        );
        publisher.send("hello", 0).unwrap();
        let mut buf = [0u8; 64];
        if let Ok(n) = peer.read(&mut buf) {
            got.extend_from_slice(&buf[..n]);
        }
    }
    assert_eq!(&got[..7], &[0x06, 0x00, b'h', b'e', b'l', b'l', b'o']);
}
