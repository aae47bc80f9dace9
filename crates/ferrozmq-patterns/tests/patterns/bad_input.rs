//! Bad input at the broker: garbage, wrong headers, unknown commands and truncated envelopes
//! from raw peers are dropped (with a log line, checked by the mdbroker smoke test) and the
//! broker goes on serving everyone else.

use crate::support::{texts, Running};
use ferrozmq::{Multipart, DEALER};
use ferrozmq_patterns::mdp::client::Client;
use ferrozmq_patterns::mdp::Dialect;
use std::time::Duration;

/// Messages no broker should act on, each from a DEALER (the broker sees its routing id).
pub fn garbage() -> Vec<Vec<&'static [u8]>> {
    vec![
        vec![b"\xff\xfe garbage"],
        vec![b""],
        vec![b"", b"MDPX01", b"echo", b"x"],
        vec![b"", b"MDPC01"],
        vec![b"", b"MDPC02", b"\x09", b"echo", b"x"],
        vec![b"", b"MDPW01"],
        vec![b"", b"MDPW01", b"\x17"],
        vec![b"", b"MDPW01", b"\x01\x02\x03"],
        vec![b"", b"MDPW01", b"\x01"],
        vec![b"", b"MDPW01", b"\x03", b"client"],
        vec![b"", b"MDPW01", b"\x03", b"client", b"not empty", b"x"],
        vec![b"", b"MDPW02", b"\x02", b"c", b"", b"x"],
        vec![b"", b"MDPW01", b"\x04"],
        vec![b"", b"MDPW01", b"\x03", b"client", b"", b"reply to nothing"],
        vec![b"", b"MDPW01", b"\x01", b"mmi.stolen"],
    ]
}

#[test]
fn the_broker_drops_bad_messages_and_keeps_serving() {
    let mut running = Running::broker();
    running.worker("echo", Dialect::V01, |request| request);
    let mut client = Client::new(&running.ctx, &running.endpoint).unwrap();
    client.set_timeout(Duration::from_secs(5));
    assert!(client
        .send("echo", Multipart::from(["before"]))
        .unwrap()
        .is_some());

    let vandal = running.ctx.socket(DEALER).unwrap();
    vandal.set_linger(0).unwrap();
    vandal.connect(&running.endpoint).unwrap();
    for message in garbage() {
        vandal.send_multipart(message, 0).unwrap();
    }
    // A worker that registered, then breaks the protocol with a second READY, is told to
    // DISCONNECT (RFC 7), and so is one replying without a request.
    let rogue = running.ctx.socket(DEALER).unwrap();
    rogue.set_linger(0).unwrap();
    rogue.connect(&running.endpoint).unwrap();
    rogue
        .send_multipart([&b""[..], b"MDPW01", b"\x01", b"rogue"], 0)
        .unwrap();
    rogue
        .send_multipart([&b""[..], b"MDPW01", b"\x01", b"rogue"], 0)
        .unwrap();
    rogue.set_rcvtimeo(5000).unwrap();
    loop {
        let got = rogue.recv_multipart(0).expect("DISCONNECT within 5 s");
        if got[2] == b"\x05" {
            break;
        }
        assert_eq!(got[2], b"\x04", "only heartbeats before the DISCONNECT");
    }
    // The vandal's messages were all read before this request (one connection, in order).
    vandal
        .send_multipart([&b""[..], b"MDPC01", b"echo", b"after"], 0)
        .unwrap();
    vandal.set_rcvtimeo(5000).unwrap();
    // Its worker commands (HEARTBEAT and REPLY before READY) were answered with DISCONNECT.
    let reply = loop {
        let got = vandal
            .recv_multipart(0)
            .expect("the broker still serves the vandal");
        if got[1] != b"MDPW01" {
            break got;
        }
        assert_eq!(got, [&b""[..], b"MDPW01", b"\x05"]);
    };
    assert_eq!(reply, [&b""[..], b"MDPC01", b"echo", b"after"]);
    let reply = client.send("echo", Multipart::from(["after"])).unwrap();
    assert_eq!(texts(&reply.expect("and everyone else")), ["after"]);
}
