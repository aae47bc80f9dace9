//! Raw-TCP peers speaking ZMTP 3.1 by hand against ferrozmq's draft types: the bytes of
//! RADIO/DISH traffic (libzmq's JOIN command `04 len 04 'JOIN' group`, a message as a group
//! frame with MORE and a body frame), a JOIN of a 16-byte group (libzmq's RADIO asserts on
//! one; ours drops that peer and keeps serving the others), malformed messages (no group
//! frame, multipart to a SERVER) that are dropped, and hand-made udp datagrams (empty, a
//! 16-byte group, truncated, oversize) that a DISH drops.

use super::mock_pubsub::{bound, command, message, Mock};
use crate::bounded;
use crate::common::ours;
use ferrozmq::{Context, Message, Socket, DISH, POLLIN, RADIO, SERVER};
use std::io::Read;

/// Publishes `body` in `group` until the mock has data (its JOIN travels on its own).
fn publish_until_seen(radio: &Socket, mock: &mut Mock, group: &str, body: &str) {
    mock.await_data(|| {
        let mut msg = Message::from(body);
        msg.set_group(group).unwrap();
        radio.send(msg, 0).unwrap();
    });
}

#[test]
fn a_mock_dish_joins_with_a_command_and_gets_group_and_body_frames() {
    bounded(|| {
        let ctx = Context::new();
        let (radio, ep) = bound(&ctx, RADIO);
        let mut mock = Mock::connect(&ep);
        let (_, ty) = mock.handshake(1, "DISH");
        assert_eq!(ty, b"RADIO");
        mock.send(&command(b"JOIN", b"tv"));
        publish_until_seen(&radio, &mut mock, "tv", "news");
        assert_eq!(mock.read_frame("group"), (0x01, b"tv".to_vec()));
        assert_eq!(mock.read_frame("body"), (0x00, b"news".to_vec()));
    });
}

#[test]
fn a_join_of_a_sixteen_byte_group_drops_that_peer_only() {
    bounded(|| {
        let ctx = Context::new();
        let (radio, ep) = bound(&ctx, RADIO);
        let mut hostile = Mock::connect(&ep);
        hostile.handshake(1, "DISH");
        hostile.send(&command(b"JOIN", b"sixteen-bytes!!!"));
        let mut rest = Vec::new();
        // The RADIO closes the connection: the read ends (EOF or reset) instead of timing out.
        let _ = hostile.stream.read_to_end(&mut rest);
        let mut legit = Mock::connect(&ep);
        legit.handshake(1, "DISH");
        legit.send(&command(b"JOIN", b"fifteen-bytes!!"));
        publish_until_seen(&radio, &mut legit, "fifteen-bytes!!", "still here");
        assert_eq!(legit.read_frame("group").1, b"fifteen-bytes!!");
        assert_eq!(legit.read_frame("body").1, b"still here");
    });
}

#[test]
fn a_mock_radio_gets_joins_and_its_malformed_messages_are_dropped() {
    bounded(|| {
        let ctx = Context::new();
        let (dish, ep) = bound(&ctx, DISH);
        dish.join("tv").unwrap();
        let mut mock = Mock::connect(&ep);
        let (_, ty) = mock.handshake(1, "RADIO");
        assert_eq!(ty, b"DISH");
        // The DISH sends its joins once it has run and attached the new peer.
        mock.await_data(|| {
            dish.poll(POLLIN, 0).unwrap();
        });
        assert_eq!(mock.read_frame("JOIN"), (0x04, b"\x04JOINtv".to_vec()));
        mock.send(&message(&[b"no group frame"]));
        mock.send(&message(&[b"tv", b"too", b"many"]));
        mock.send(&message(&[b"sixteen-bytes!!!", b"long group"]));
        mock.send(&message(&[b"movies", b"not joined"]));
        mock.send(&message(&[b"tv", b"good"]));
        let got = dish.recv_msg(0).unwrap();
        assert_eq!((&got[..], got.group()), (&b"good"[..], Some(&b"tv"[..])));
        assert_eq!(
            dish.poll(POLLIN, 0).unwrap(),
            0,
            "nothing else was delivered"
        );
    });
}

#[test]
fn a_server_drops_multipart_messages_from_a_mock_client() {
    bounded(|| {
        let ctx = Context::new();
        let server = ours(&ctx, SERVER);
        server.set_linger(0).unwrap();
        server.bind("tcp://127.0.0.1:*").unwrap();
        let mut mock = Mock::connect(&crate::common::last_ep(&server));
        mock.handshake(1, "CLIENT");
        mock.send(&message(&[b"multi", b"part"]));
        mock.send(&message(&[b"single"]));
        let got = server.recv_msg(0).unwrap();
        assert_eq!(&got[..], b"single");
        assert_ne!(got.routing_id(), 0);
    });
}

#[test]
fn garbage_and_oversize_udp_datagrams_are_dropped() {
    bounded(|| {
        let ctx = Context::new();
        let dish = ours(&ctx, DISH);
        dish.bind("udp://127.0.0.1:0").unwrap();
        dish.join("tv").unwrap();
        let target = crate::common::last_ep(&dish)
            .strip_prefix("udp://")
            .unwrap()
            .to_string();
        let raw = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        let oversize = [&b"\x02tv"[..], &[0u8; 8192]].concat();
        for garbage in [
            &b""[..],
            b"\x10sixteen-bytes!!!body",
            b"\x09tv",
            b"\x02movie",
            &oversize,
        ] {
            raw.send_to(garbage, &target).unwrap();
        }
        raw.send_to(b"\x02tvgood", &target).unwrap();
        let got = dish.recv_msg(0).unwrap();
        assert_eq!((&got[..], got.group()), (&b"good"[..], Some(&b"tv"[..])));
        assert_eq!(
            dish.poll(POLLIN, 50).unwrap(),
            0,
            "nothing else was delivered"
        );
    });
}
