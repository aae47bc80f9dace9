//! Security between ferrozmq sockets: the ground of libzmq's test_security_null, _plain,
//! _curve, _zap, _no_zap_handler and test_metadata — NULL with a ZAP domain, PLAIN, CURVE,
//! every ZAP status, malformed ZAP replies, malformed CURVE commands from a raw peer, the
//! built-in authenticator end to end, and what the monitor reports for each failure.

use crate::common::bounded;
use crate::security_support::*;
use ferrozmq::auth::{Authenticator, Certificate, CurveAllow};
use ferrozmq::{Context, CurveKeyPair, Error, SocketEvent};

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
        curve_client(&req, &server_keys, &client_keys);
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

// ---- NULL (test_security_null) ----

#[test]
fn null_without_domain_never_asks_the_handler() {
    bounded(|| {
        let ctx = Context::new();
        let zap = ZapHandler::start(&ctx, |_| Reply::status("400"));
        let (server, _client) = connected_pair(&ctx, |_| {}, |_| {});
        assert_round_trip(&server, &_client);
        assert!(zap.requests().is_empty(), "NULL without a domain asked ZAP");
    });
}

#[test]
fn null_with_a_domain_asks_the_handler_with_libzmqs_frames() {
    bounded(|| {
        let ctx = Context::new();
        let zap = ZapHandler::start(&ctx, |request| {
            if request[2] == b"TEST" {
                Reply::status("200")
            } else {
                Reply::status("400")
            }
        });
        let (server, client) = connected_pair(
            &ctx,
            |s| s.set_zap_domain("TEST").unwrap(),
            |c| c.set_identity(b"IDENT").unwrap(),
        );
        assert_round_trip(&server, &client);
        let requests = zap.requests();
        assert_eq!(requests.len(), 1);
        // REP took the empty delimiter: version, request id, domain, address, routing id,
        // mechanism (NULL has no credentials).
        let expected: Vec<&[u8]> = vec![b"1.0", b"1", b"TEST", b"127.0.0.1", b"", b"NULL"];
        assert_eq!(requests[0], expected);
    });
}

#[test]
fn null_with_the_wrong_domain_is_refused() {
    bounded(|| {
        let ctx = Context::new();
        let _zap = ZapHandler::start(&ctx, |request| {
            let status = if request[2] == b"TEST" { "200" } else { "400" };
            Reply::status(status)
        });
        let server = socket(&ctx, ferrozmq::DEALER);
        server.set_zap_domain("WRONG").unwrap();
        let events = monitor(&ctx, &server);
        let endpoint = bind(&server);
        let client = socket(&ctx, ferrozmq::DEALER);
        client.connect(&endpoint).unwrap();
        assert_eq!(
            handshake_outcome(&events),
            (SocketEvent::HANDSHAKE_FAILED_AUTH, 400)
        );
        assert_refused(&server, &client);
    });
}

// ---- ZAP_ENFORCE_DOMAIN without a handler (test_security_no_zap_handler) ----

#[test]
fn a_domain_without_handler_is_accepted_unless_enforced() {
    bounded(|| {
        let ctx = Context::new();
        let (server, client) = connected_pair(&ctx, |s| s.set_zap_domain("TEST").unwrap(), |_| {});
        assert_round_trip(&server, &client);

        let server = socket(&ctx, ferrozmq::DEALER);
        server.set_zap_domain("TEST").unwrap();
        server.set_zap_enforce_domain(true).unwrap();
        assert!(server.is_zap_enforce_domain().unwrap());
        let events = monitor(&ctx, &server);
        let endpoint = bind(&server);
        let client = socket(&ctx, ferrozmq::DEALER);
        client.connect(&endpoint).unwrap();
        assert_eq!(
            handshake_outcome(&events),
            (SocketEvent::HANDSHAKE_FAILED_NO_DETAIL, libc_efault())
        );
        assert_refused(&server, &client);
    });
}

// ---- PLAIN (test_security_plain) ----

#[test]
fn plain_without_handler_is_refused_with_efault() {
    bounded(|| {
        let ctx = Context::new();
        let server = socket(&ctx, ferrozmq::DEALER);
        server.set_plain_server(true).unwrap();
        let events = monitor(&ctx, &server);
        let endpoint = bind(&server);
        let client = socket(&ctx, ferrozmq::DEALER);
        plain_client(&client, "admin", "password");
        client.connect(&endpoint).unwrap();
        assert_eq!(
            handshake_outcome(&events),
            (SocketEvent::HANDSHAKE_FAILED_NO_DETAIL, libc_efault())
        );
        assert_refused(&server, &client);
    });
}

#[test]
fn plain_credentials_reach_the_handler_and_the_user_id_comes_back() {
    bounded(|| {
        let ctx = Context::new();
        let zap = ZapHandler::start(&ctx, |request| {
            if request[5..] == [b"PLAIN".to_vec(), b"admin".to_vec(), b"password".to_vec()] {
                Reply::status("200").user_id("admin")
            } else {
                Reply::status("400")
            }
        });
        let (server, client) = connected_pair(
            &ctx,
            |s| s.set_plain_server(true).unwrap(),
            |c| plain_client(c, "admin", "password"),
        );
        client.send("hello", 0).unwrap();
        let message = server.recv_msg(0).unwrap();
        assert_eq!(message.gets("User-Id"), Some("admin"));
        assert_eq!(zap.requests()[0][2], b"");
    });
}

#[test]
fn a_plain_client_as_server_fails() {
    bounded(|| {
        // test_security_plain: both sides PLAIN clients — the greeting's as-server flags
        // disagree with the roles, and the handshake cannot complete.
        let ctx = Context::new();
        let server = socket(&ctx, ferrozmq::DEALER);
        plain_client(&server, "admin", "password");
        let events = monitor(&ctx, &server);
        let endpoint = bind(&server);
        let client = socket(&ctx, ferrozmq::DEALER);
        plain_client(&client, "admin", "password");
        client.connect(&endpoint).unwrap();
        let (event, _) = handshake_outcome(&events);
        assert_ne!(event, SocketEvent::HANDSHAKE_SUCCEEDED);
        assert_refused(&server, &client);
    });
}

#[test]
fn malformed_plain_hello_drops_that_peer_and_the_server_goes_on() {
    bounded(|| {
        let ctx = Context::new();
        let dir = TempDir::new("plain-raw");
        let passwords = dir.0.join("passwords");
        std::fs::write(&passwords, "admin=secret\n").unwrap();
        let auth = Authenticator::new(&ctx).unwrap();
        auth.configure_plain("*", &passwords);
        let server = socket(&ctx, ferrozmq::DEALER);
        server.set_plain_server(true).unwrap();
        let events = monitor(&ctx, &server);
        let endpoint = bind(&server);
        let address = endpoint.trim_start_matches("tcp://");
        let cases: [(&[u8], u32); 3] = [
            // No password length.
            (b"\x05HELLO\x05admin", 0x1000_0013),
            // The password is longer than its length says.
            (b"\x05HELLO\x05admin\x02secret", 0x1000_0013),
            // INITIATE before HELLO.
            (b"\x08INITIATE", 0x1000_0001),
        ];
        for (hello, code) in cases {
            let mut raw = RawClient::connect(address, "PLAIN");
            raw.send_command(hello);
            assert_eq!(
                handshake_outcome(&events),
                (SocketEvent::HANDSHAKE_FAILED_PROTOCOL, code)
            );
            raw.expect_closed();
        }
        let client = socket(&ctx, ferrozmq::DEALER);
        plain_client(&client, "admin", "secret");
        client.connect(&endpoint).unwrap();
        assert_round_trip(&server, &client);
    });
}

// ---- ZAP statuses (test_security_zap) ----

fn refused_with_status(status: &'static str, client_event: Option<(SocketEvent, u32)>) {
    bounded(move || {
        let ctx = Context::new();
        let _zap = ZapHandler::start(&ctx, move |_| Reply::status(status));
        let server = socket(&ctx, ferrozmq::DEALER);
        server.set_plain_server(true).unwrap();
        let server_events = monitor(&ctx, &server);
        let endpoint = bind(&server);
        let client = socket(&ctx, ferrozmq::DEALER);
        plain_client(&client, "admin", "password");
        let client_events = monitor(&ctx, &client);
        client.connect(&endpoint).unwrap();
        let code: u32 = status.parse().unwrap();
        assert_eq!(
            handshake_outcome(&server_events),
            (SocketEvent::HANDSHAKE_FAILED_AUTH, code)
        );
        if let Some(expected) = client_event {
            assert_eq!(handshake_outcome(&client_events), expected);
        }
        assert_refused(&server, &client);
    });
}

#[test]
fn zap_300_closes_silently() {
    // No ERROR command: the client only sees the connection go (no AUTH event of its own).
    bounded(|| {
        let ctx = Context::new();
        let _zap = ZapHandler::start(&ctx, |_| Reply::status("300"));
        let server = socket(&ctx, ferrozmq::DEALER);
        server.set_plain_server(true).unwrap();
        let server_events = monitor(&ctx, &server);
        let endpoint = bind(&server);
        let client = socket(&ctx, ferrozmq::DEALER);
        plain_client(&client, "admin", "password");
        let client_events = monitor(&ctx, &client);
        client.connect(&endpoint).unwrap();
        assert_eq!(
            handshake_outcome(&server_events),
            (SocketEvent::HANDSHAKE_FAILED_AUTH, 300)
        );
        let (event, _) = handshake_outcome(&client_events);
        assert_eq!(event, SocketEvent::HANDSHAKE_FAILED_NO_DETAIL);
        assert_refused(&server, &client);
    });
}

#[test]
fn zap_400_reaches_the_client_as_an_error() {
    refused_with_status("400", Some((SocketEvent::HANDSHAKE_FAILED_AUTH, 400)));
}

#[test]
fn zap_500_reaches_the_client_as_an_error() {
    refused_with_status("500", Some((SocketEvent::HANDSHAKE_FAILED_AUTH, 500)));
}

/// A malformed ZAP reply fails the handshake with this `ZMQ_PROTOCOL_ERROR_ZAP_*` code.
fn malformed_reply(reply: Reply, code: u32) {
    bounded(move || {
        let ctx = Context::new();
        let _zap = ZapHandler::start(&ctx, move |_| reply.clone());
        let server = socket(&ctx, ferrozmq::DEALER);
        server.set_zap_domain("TEST").unwrap();
        let events = monitor(&ctx, &server);
        let endpoint = bind(&server);
        let client = socket(&ctx, ferrozmq::DEALER);
        client.connect(&endpoint).unwrap();
        assert_eq!(
            handshake_outcome(&events),
            (SocketEvent::HANDSHAKE_FAILED_PROTOCOL, code)
        );
        assert_refused(&server, &client);
    });
}

#[test]
fn zap_reply_with_too_many_frames_is_malformed() {
    malformed_reply(Reply::status("200").extra_frame(), 0x2000_0001);
}

#[test]
fn zap_reply_with_the_wrong_request_id() {
    malformed_reply(Reply::status("200").request_id("2"), 0x2000_0002);
}

#[test]
fn zap_reply_with_the_wrong_version() {
    malformed_reply(Reply::status("200").version("2.0"), 0x2000_0003);
}

#[test]
fn zap_reply_with_an_invalid_status_code() {
    malformed_reply(Reply::status("2000"), 0x2000_0004);
}

#[test]
fn zap_reply_with_invalid_metadata() {
    malformed_reply(Reply::status("200").raw_metadata(b"\x05Hel"), 0x2000_0005);
}

#[test]
fn a_handler_that_goes_away_without_replying_leaves_the_handshake_waiting() {
    bounded(|| {
        // test_security_zap's disconnecting handler: as in libzmq, the request waits on
        // (nothing reaches the socket) until the client gives up, reported as EPIPE.
        let ctx = Context::new();
        let handler = ctx.socket(ferrozmq::REP).unwrap();
        handler.set_linger(0).unwrap();
        handler.set_rcvtimeo(TIMEO).unwrap();
        handler.bind("inproc://zeromq.zap.01").unwrap();
        let server = socket(&ctx, ferrozmq::DEALER);
        server.set_zap_domain("TEST").unwrap();
        let events = monitor(&ctx, &server);
        let endpoint = bind(&server);
        let client = socket(&ctx, ferrozmq::DEALER);
        client.connect(&endpoint).unwrap();
        let request = handler.recv_multipart(0).unwrap();
        assert_eq!(request[5], b"NULL");
        drop(handler);
        client.send("held", 0).unwrap();
        server.set_rcvtimeo(200).unwrap();
        assert_eq!(server.recv_bytes(0), Err(Error::EAGAIN));
        drop(client);
        assert_eq!(
            handshake_outcome(&events),
            (SocketEvent::HANDSHAKE_FAILED_NO_DETAIL, libc::EPIPE as u32)
        );
        // With no handler bound any more, NULL with a domain passes.
        server.set_rcvtimeo(TIMEO).unwrap();
        let client = socket(&ctx, ferrozmq::DEALER);
        client.connect(&endpoint).unwrap();
        assert_round_trip(&server, &client);
    });
}

// ---- Metadata (test_metadata) ----

#[test]
fn zap_user_id_and_metadata_are_message_properties() {
    bounded(|| {
        let ctx = Context::new();
        let _zap = ZapHandler::start(&ctx, |_| {
            Reply::status("200")
                .user_id("anonymous")
                .property("Hello", "World")
        });
        for server_type in [ferrozmq::DEALER, ferrozmq::ROUTER] {
            let server = socket(&ctx, server_type);
            server.set_zap_domain("DOMAIN").unwrap();
            let endpoint = bind(&server);
            let client = socket(&ctx, ferrozmq::DEALER);
            client.connect(&endpoint).unwrap();
            client.send("hi", 0).unwrap();
            let mut message = server.recv_msg(0).unwrap();
            if server_type == ferrozmq::ROUTER {
                // The routing-id frame carries the same properties as the payload.
                assert_eq!(message.gets("Hello"), Some("World"));
                message = server.recv_msg(0).unwrap();
            }
            assert_eq!(&message[..], b"hi");
            assert_eq!(message.gets("Hello"), Some("World"));
            assert_eq!(message.gets("Socket-Type"), Some("DEALER"));
            assert_eq!(message.gets("User-Id"), Some("anonymous"));
            assert_eq!(message.gets("Peer-Address"), Some("127.0.0.1"));
            assert_eq!(message.gets("No Such"), None);
        }
    });
}

// ---- CURVE (test_security_curve, test_security_no_zap_handler) ----

#[test]
fn curve_without_handler_is_allowed_unless_enforced() {
    bounded(|| {
        let ctx = Context::new();
        let server_keys = CurveKeyPair::new().unwrap();
        let client_keys = CurveKeyPair::new().unwrap();
        let (server, client) = connected_pair(
            &ctx,
            |s| curve_server(s, &server_keys),
            |c| curve_client(c, &server_keys, &client_keys),
        );
        assert_round_trip(&server, &client);

        let server = socket(&ctx, ferrozmq::DEALER);
        curve_server(&server, &server_keys);
        server.set_zap_enforce_domain(true).unwrap();
        let events = monitor(&ctx, &server);
        let endpoint = bind(&server);
        let client = socket(&ctx, ferrozmq::DEALER);
        curve_client(&client, &server_keys, &client_keys);
        client.connect(&endpoint).unwrap();
        assert_eq!(
            handshake_outcome(&events),
            (SocketEvent::HANDSHAKE_FAILED_NO_DETAIL, libc_efault())
        );
        assert_refused(&server, &client);
    });
}

#[test]
fn curve_client_key_goes_to_the_handler() {
    bounded(|| {
        let ctx = Context::new();
        let server_keys = CurveKeyPair::new().unwrap();
        let client_keys = CurveKeyPair::new().unwrap();
        let allowed = client_keys.public_key.to_vec();
        let zap = ZapHandler::start(&ctx, move |request| {
            if request[5] == b"CURVE" && request[6] == allowed {
                Reply::status("200").user_id("curve-user")
            } else {
                Reply::status("400")
            }
        });
        let (server, client) = connected_pair(
            &ctx,
            |s| curve_server(s, &server_keys),
            |c| curve_client(c, &server_keys, &client_keys),
        );
        client.send("hi", 0).unwrap();
        assert_eq!(
            server.recv_msg(0).unwrap().gets("User-Id"),
            Some("curve-user")
        );
        assert_eq!(zap.requests()[0].len(), 7);

        // Bogus client credentials: the handler refuses them, the client hears 400.
        let server = socket(&ctx, ferrozmq::DEALER);
        curve_server(&server, &server_keys);
        let server_events = monitor(&ctx, &server);
        let endpoint = bind(&server);
        let client = socket(&ctx, ferrozmq::DEALER);
        curve_client(&client, &server_keys, &CurveKeyPair::new().unwrap());
        let client_events = monitor(&ctx, &client);
        client.connect(&endpoint).unwrap();
        let refused = (SocketEvent::HANDSHAKE_FAILED_AUTH, 400);
        assert_eq!(handshake_outcome(&server_events), refused);
        assert_eq!(handshake_outcome(&client_events), refused);
        assert_refused(&server, &client);
    });
}

#[test]
fn curve_with_the_wrong_server_key_fails_cryptographically() {
    bounded(|| {
        // libzmq's curve_server_t::process_hello cannot open the HELLO box and reports
        // ZMQ_PROTOCOL_ERROR_ZMTP_CRYPTOGRAPHIC.
        let ctx = Context::new();
        let server_keys = CurveKeyPair::new().unwrap();
        let server = socket(&ctx, ferrozmq::DEALER);
        curve_server(&server, &server_keys);
        let events = monitor(&ctx, &server);
        let endpoint = bind(&server);
        let client = socket(&ctx, ferrozmq::DEALER);
        let wrong = CurveKeyPair::new().unwrap();
        curve_client(&client, &wrong, &CurveKeyPair::new().unwrap());
        client.connect(&endpoint).unwrap();
        assert_eq!(
            handshake_outcome(&events),
            (SocketEvent::HANDSHAKE_FAILED_PROTOCOL, 0x1100_0001)
        );
        assert_refused(&server, &client);
    });
}

#[test]
fn mechanism_mismatch_is_a_protocol_failure() {
    bounded(|| {
        let ctx = Context::new();
        let server_keys = CurveKeyPair::new().unwrap();
        for client_mechanism in ["PLAIN", "NULL"] {
            let server = socket(&ctx, ferrozmq::DEALER);
            curve_server(&server, &server_keys);
            let events = monitor(&ctx, &server);
            let endpoint = bind(&server);
            let client = socket(&ctx, ferrozmq::DEALER);
            if client_mechanism == "PLAIN" {
                plain_client(&client, "admin", "password");
            }
            let client_events = monitor(&ctx, &client);
            client.connect(&endpoint).unwrap();
            let mismatch = (SocketEvent::HANDSHAKE_FAILED_PROTOCOL, 0x1100_0002);
            assert_eq!(handshake_outcome(&events), mismatch);
            // The client sees the mismatch too, unless the server's close (with the client's
            // greeting unread) resets the connection before the client reads the greeting.
            let client_outcome = handshake_outcome(&client_events);
            assert!(
                client_outcome == mismatch
                    || client_outcome.0 == SocketEvent::HANDSHAKE_FAILED_NO_DETAIL,
                "client saw {client_outcome:?}"
            );
            assert_refused(&server, &client);
        }
    });
}

#[test]
fn malformed_hello_drops_that_peer_and_the_server_goes_on() {
    bounded(|| {
        let ctx = Context::new();
        let server_keys = CurveKeyPair::new().unwrap();
        let server = socket(&ctx, ferrozmq::DEALER);
        curve_server(&server, &server_keys);
        let events = monitor(&ctx, &server);
        let endpoint = bind(&server);
        let address = endpoint.trim_start_matches("tcp://");
        let good = valid_hello(&server_keys.public_key);
        let mut short = good.clone();
        short.pop();
        let mut bad_version = good.clone();
        bad_version[6] = 2;
        let mut bad_name = good.clone();
        bad_name[1..6].copy_from_slice(b"HELLP");
        let mut bad_box = good.clone();
        bad_box[150] ^= 1;
        let cases = [
            (short, 0x1000_0013),
            (bad_version, 0x1000_0013),
            (bad_name, 0x1000_0001),
            (bad_box, 0x1100_0001),
        ];
        for (hello, code) in cases {
            let mut raw = RawClient::connect(address, "CURVE");
            raw.send_command(&hello);
            assert_eq!(
                handshake_outcome(&events),
                (SocketEvent::HANDSHAKE_FAILED_PROTOCOL, code)
            );
            raw.expect_closed();
        }
        let client = socket(&ctx, ferrozmq::DEALER);
        curve_client(&client, &server_keys, &CurveKeyPair::new().unwrap());
        client.connect(&endpoint).unwrap();
        assert_round_trip(&server, &client);
    });
}

#[test]
fn malformed_initiate_drops_that_peer_and_the_server_goes_on() {
    bounded(|| {
        let ctx = Context::new();
        let server_keys = CurveKeyPair::new().unwrap();
        let server = socket(&ctx, ferrozmq::DEALER);
        curve_server(&server, &server_keys);
        let events = monitor(&ctx, &server);
        let endpoint = bind(&server);
        let address = endpoint.trim_start_matches("tcp://");
        let mut initiate = vec![0u8; 257];
        initiate[..9].copy_from_slice(b"\x08INITIATE");
        let mut bad_name = initiate.clone();
        bad_name[1..9].copy_from_slice(b"INITIATF");
        let cases = [
            // Too short for an INITIATE.
            (initiate[..256].to_vec(), 0x1000_0014),
            (bad_name, 0x1000_0001),
            // Right size, but the cookie is not one the server made.
            (initiate, 0x1100_0001),
        ];
        for (command, code) in cases {
            let mut raw = RawClient::connect(address, "CURVE");
            raw.send_command(&valid_hello(&server_keys.public_key));
            raw.expect_welcome();
            raw.send_command(&command);
            assert_eq!(
                handshake_outcome(&events),
                (SocketEvent::HANDSHAKE_FAILED_PROTOCOL, code)
            );
            raw.expect_closed();
        }
        let client = socket(&ctx, ferrozmq::DEALER);
        curve_client(&client, &server_keys, &CurveKeyPair::new().unwrap());
        client.connect(&endpoint).unwrap();
        assert_round_trip(&server, &client);
    });
}

#[test]
fn pub_sub_over_curve_honours_subscriptions() {
    bounded(|| {
        let ctx = Context::new();
        let server_keys = CurveKeyPair::new().unwrap();
        let publisher = socket(&ctx, ferrozmq::XPUB);
        curve_server(&publisher, &server_keys);
        let endpoint = bind(&publisher);
        let subscriber = socket(&ctx, ferrozmq::SUB);
        curve_client(&subscriber, &server_keys, &CurveKeyPair::new().unwrap());
        subscriber.set_subscribe(b"A").unwrap();
        subscriber.connect(&endpoint).unwrap();
        // The subscription crossed the CURVE connection: publish once it has.
        assert_eq!(publisher.recv_bytes(0).unwrap(), b"\x01A");
        publisher.send("B skipped", 0).unwrap();
        publisher
            .send_multipart(["A wanted", "part two"], 0)
            .unwrap();
        assert_eq!(
            subscriber.recv_multipart(0).unwrap(),
            vec![b"A wanted".to_vec(), b"part two".to_vec()]
        );
        subscriber.set_unsubscribe(b"A").unwrap();
        assert_eq!(publisher.recv_bytes(0).unwrap(), b"\x00A");
    });
}

// ---- The built-in authenticator (CZMQ zauth) end to end ----

#[test]
fn authenticator_denies_and_allows_addresses() {
    bounded(|| {
        let ctx = Context::new();
        let auth = Authenticator::new(&ctx).unwrap();
        auth.deny("127.0.0.1");
        let server = socket(&ctx, ferrozmq::DEALER);
        server.set_zap_domain("global").unwrap();
        let events = monitor(&ctx, &server);
        let endpoint = bind(&server);
        let client = socket(&ctx, ferrozmq::DEALER);
        client.connect(&endpoint).unwrap();
        assert_eq!(
            handshake_outcome(&events),
            (SocketEvent::HANDSHAKE_FAILED_AUTH, 400)
        );
        assert_refused(&server, &client);
        drop(client);

        // An allowed address wins over the deny list.
        auth.allow("127.0.0.1");
        let client = socket(&ctx, ferrozmq::DEALER);
        client.connect(&endpoint).unwrap();
        assert_round_trip(&server, &client);
    });
}

#[test]
fn authenticator_checks_plain_passwords_from_a_file() {
    bounded(|| {
        let ctx = Context::new();
        let dir = TempDir::new("plain");
        let passwords = dir.0.join("passwords");
        std::fs::write(&passwords, "admin=secret\n").unwrap();
        let auth = Authenticator::new(&ctx).unwrap();
        auth.configure_plain("*", &passwords);
        let (server, client) = connected_pair(
            &ctx,
            |s| s.set_plain_server(true).unwrap(),
            |c| plain_client(c, "admin", "secret"),
        );
        client.send("hi", 0).unwrap();
        assert_eq!(server.recv_msg(0).unwrap().gets("User-Id"), Some("admin"));

        let server = socket(&ctx, ferrozmq::DEALER);
        server.set_plain_server(true).unwrap();
        let events = monitor(&ctx, &server);
        let endpoint = bind(&server);
        let client = socket(&ctx, ferrozmq::DEALER);
        plain_client(&client, "admin", "wrong");
        let client_events = monitor(&ctx, &client);
        client.connect(&endpoint).unwrap();
        let refused = (SocketEvent::HANDSHAKE_FAILED_AUTH, 400);
        assert_eq!(handshake_outcome(&events), refused);
        assert_eq!(handshake_outcome(&client_events), refused);
        assert_refused(&server, &client);
    });
}

#[test]
fn authenticator_checks_curve_keys_against_a_certificate_directory() {
    bounded(|| {
        let ctx = Context::new();
        let dir = TempDir::new("certs");
        let server_cert = Certificate::new().unwrap();
        let mut client_cert = Certificate::new().unwrap();
        client_cert.set_meta("Name", "known client").unwrap();
        client_cert.save_public(dir.0.join("client.key")).unwrap();
        let auth = Authenticator::new(&ctx).unwrap();
        auth.configure_curve("*", CurveAllow::Directory(dir.0.clone()));

        let (server, client) = connected_pair(
            &ctx,
            |s| {
                server_cert.apply(s).unwrap();
                s.set_curve_server(true).unwrap();
            },
            |c| {
                client_cert.apply(c).unwrap();
                c.set_curve_serverkey(server_cert.public_key()).unwrap();
            },
        );
        client.send("hi", 0).unwrap();
        let message = server.recv_msg(0).unwrap();
        let public_txt = client_cert.public_txt();
        assert_eq!(message.gets("User-Id"), Some(public_txt.as_str()));
        assert_eq!(message.gets("Name"), Some("known client"));

        // A key outside the directory is refused; CURVE_ALLOW_ANY then lets it in.
        let server = socket(&ctx, ferrozmq::DEALER);
        server_cert.apply(&server).unwrap();
        server.set_curve_server(true).unwrap();
        let events = monitor(&ctx, &server);
        let endpoint = bind(&server);
        let stranger = socket(&ctx, ferrozmq::DEALER);
        Certificate::new().unwrap().apply(&stranger).unwrap();
        stranger
            .set_curve_serverkey(server_cert.public_key())
            .unwrap();
        stranger.connect(&endpoint).unwrap();
        assert_eq!(
            handshake_outcome(&events),
            (SocketEvent::HANDSHAKE_FAILED_AUTH, 400)
        );
        assert_refused(&server, &stranger);
        drop(stranger);
        auth.configure_curve("*", CurveAllow::Any);
        let stranger = socket(&ctx, ferrozmq::DEALER);
        Certificate::new().unwrap().apply(&stranger).unwrap();
        stranger
            .set_curve_serverkey(server_cert.public_key())
            .unwrap();
        stranger.connect(&endpoint).unwrap();
        assert_round_trip(&server, &stranger);
    });
}

#[test]
fn options_are_validated() {
    let ctx = Context::new();
    let s = socket(&ctx, ferrozmq::DEALER);
    assert_eq!(s.set_zap_domain(&"d".repeat(256)), Err(Error::EINVAL));
    assert_eq!(s.set_curve_serverkey(b"short"), Err(Error::EINVAL));
    assert_eq!(
        s.set_plain_username(Some(&"u".repeat(256))),
        Err(Error::EINVAL)
    );
}
