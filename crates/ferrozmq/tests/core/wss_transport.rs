//! The wss transport (ZWS 2.0 over TLS) between ferrozmq sockets: the ground of libzmq's
//! test_wss_transport (a round trip with WSS_CERT_PEM/KEY_PEM on the bind side and
//! WSS_TRUST_PEM/HOSTNAME on the connect side), the checks libzmq leaves to GnuTLS (an
//! untrusted chain, a name the certificate does not carry), bulk and large messages (TLS
//! records written while the kernel blocks), and a mechanism on top.

use ferrozmq::{Context, CurveKeyPair, MonitorEvent, Socket, SocketEvent, SocketType};
use ferrozmq::{CHANNEL, CLIENT, DEALER, GATHER, ROUTER, SCATTER, SERVER, XPUB, XSUB};
use ferrozmq::{PAIR, PUB, PULL, PUSH, REP, REQ, SUB};

const TIMEOUT_MS: i32 = 5000;

/// A self-signed certificate for `names` and its key, both PEM.
fn certificate(names: &[&str]) -> (String, String) {
    let names: Vec<String> = names.iter().map(|n| n.to_string()).collect();
    let certified = rcgen::generate_simple_self_signed(names).unwrap();
    (certified.cert.pem(), certified.signing_key.serialize_pem())
}

fn socket(ctx: &Context, kind: SocketType) -> Socket {
    let s = ctx.socket(kind).unwrap();
    s.set_rcvtimeo(TIMEOUT_MS).unwrap();
    s.set_sndtimeo(TIMEOUT_MS).unwrap();
    s.set_linger(0).unwrap();
    s
}

/// Binds `server` on a fresh wss port at `path` with the certificate and key.
fn bind_wss(server: &Socket, (cert, key): &(String, String), path: &str) -> String {
    server.set_wss_cert_pem(cert.as_bytes()).unwrap();
    server.set_wss_key_pem(key.as_bytes()).unwrap();
    server.bind(&format!("wss://127.0.0.1:*{path}")).unwrap();
    server.get_last_endpoint().unwrap().unwrap()
}

/// Makes `client` trust `cert` and expect `hostname`.
fn trust(client: &Socket, (cert, _): &(String, String), hostname: &str) {
    client.set_wss_trust_pem(cert.as_bytes()).unwrap();
    client.set_wss_hostname(hostname).unwrap();
}

/// A monitor of `socket`'s events.
fn events_of(ctx: &Context, socket: &Socket, name: &str) -> Socket {
    let endpoint = format!("inproc://wss-{name}");
    socket.monitor(&endpoint, SocketEvent::ALL as i32).unwrap();
    let events = ctx.socket(PAIR).unwrap();
    events.set_rcvtimeo(TIMEOUT_MS).unwrap();
    events.connect(&endpoint).unwrap();
    events
}

/// How the first connection of a connecting socket ends up: HANDSHAKE_SUCCEEDED, or the
/// event that ended it before its handshake.
fn first_outcome(events: &Socket) -> SocketEvent {
    loop {
        let event = MonitorEvent::recv(events).unwrap().event;
        match event {
            SocketEvent::CONNECTED
            | SocketEvent::CONNECT_DELAYED
            | SocketEvent::MONITOR_STOPPED => {}
            other => return other,
        }
    }
}

#[test]
fn a_round_trip_over_wss_as_libzmqs_test() {
    let ctx = Context::new();
    let (rep, req) = (socket(&ctx, REP), socket(&ctx, REQ));
    let cert = certificate(&["zeromq.org"]);
    let endpoint = bind_wss(&rep, &cert, "/roundtrip");
    assert!(endpoint.starts_with("wss://127.0.0.1:"), "{endpoint}");
    assert!(endpoint.ends_with("/roundtrip"), "{endpoint}");
    trust(&req, &cert, "zeromq.org");
    req.connect(&endpoint).unwrap();
    for i in 0..20 {
        req.send(format!("hello {i}").as_str(), 0).unwrap();
        assert_eq!(rep.recv_string(0).unwrap().unwrap(), format!("hello {i}"));
        rep.send(vec![b'x'; 100_000 + i], 0).unwrap();
        assert_eq!(req.recv_bytes(0).unwrap().len(), 100_000 + i);
    }
}

/// A self-signed CA certificate naming `cn` in its subject only, as libzmq's
/// test_wss_transport's, and its key.
fn ca_certificate_without_alt_names(cn: &str) -> (String, String) {
    let mut params = rcgen::CertificateParams::default();
    params.distinguished_name = rcgen::DistinguishedName::new();
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, cn);
    params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    let key = rcgen::KeyPair::generate().unwrap();
    let cert = params.self_signed(&key).unwrap();
    (cert.pem(), key.serialize_pem())
}

/// GnuTLS (libzmq's wss) takes a trusted CA certificate as the server's own and its subject
/// CN as its name; webpki alone takes neither. We take both for a certificate of
/// WSS_TRUST_PEM itself, and still check the name.
#[test]
fn a_trusted_ca_certificate_serves_as_its_own_by_its_common_name() {
    let ctx = Context::new();
    let (rep, cert) = (
        socket(&ctx, REP),
        ca_certificate_without_alt_names("zeromq.org"),
    );
    let endpoint = bind_wss(&rep, &cert, "/roundtrip");
    let req = socket(&ctx, REQ);
    trust(&req, &cert, "zeromq.org");
    req.connect(&endpoint).unwrap();
    req.send("pinned", 0).unwrap();
    assert_eq!(rep.recv_string(0).unwrap().unwrap(), "pinned");
    let other = socket(&ctx, REQ);
    trust(&other, &cert, "example.org");
    let events = events_of(&ctx, &other, "pinned-other-name");
    other.connect(&endpoint).unwrap();
    assert_ne!(first_outcome(&events), SocketEvent::HANDSHAKE_SUCCEEDED);
}

/// Every pair whose connecting side can speak first: its message reaches the binding side
/// over wss (XSUB's first message is a subscription, which XPUB receives).
#[test]
fn every_socket_type_pair_carries_a_message_over_wss() {
    let cert = certificate(&["localhost"]);
    let pairs = [
        (PAIR, PAIR),
        (PULL, PUSH),
        (REP, REQ),
        (ROUTER, DEALER),
        (XPUB, XSUB),
        (SERVER, CLIENT),
        (GATHER, SCATTER),
        (CHANNEL, CHANNEL),
    ];
    for (binder_type, connecter_type) in pairs {
        let ctx = Context::new();
        let (binder, connecter) = (socket(&ctx, binder_type), socket(&ctx, connecter_type));
        let endpoint = bind_wss(&binder, &cert, "/pairs");
        trust(&connecter, &cert, "localhost");
        connecter.connect(&endpoint).unwrap();
        let sent: &[u8] = if connecter_type == XSUB {
            b"\x01topic"
        } else {
            b"over wss"
        };
        connecter.send(sent, 0).unwrap();
        let received = binder.recv_multipart(0).unwrap();
        let name = format!("{binder_type:?} <- {connecter_type:?}");
        assert_eq!(received.last().map(Vec::as_slice), Some(sent), "{name}");
    }
}

#[test]
fn the_endpoints_host_is_the_name_checked_without_wss_hostname() {
    let ctx = Context::new();
    let (pull, push) = (socket(&ctx, PULL), socket(&ctx, PUSH));
    let cert = certificate(&["localhost"]);
    let endpoint = bind_wss(&pull, &cert, "");
    push.set_wss_trust_pem(cert.0.as_bytes()).unwrap();
    push.connect(&endpoint.replace("127.0.0.1", "localhost"))
        .unwrap();
    push.send("by name", 0).unwrap();
    assert_eq!(pull.recv_string(0).unwrap().unwrap(), "by name");
}

#[test]
fn bulk_messages_cross_wss_whole_and_in_order() {
    let ctx = Context::new();
    let (pull, push) = (socket(&ctx, PULL), socket(&ctx, PUSH));
    // Small kernel buffers, so writes block often.
    pull.set_rcvbuf(4096).unwrap();
    push.set_sndbuf(4096).unwrap();
    let cert = certificate(&["localhost"]);
    let endpoint = bind_wss(&pull, &cert, "/bulk");
    trust(&push, &cert, "localhost");
    push.connect(&endpoint).unwrap();
    // Each round is far more than the kernel buffers hold before the receiver reads, so TLS
    // records wait for the kernel, the round's last ones included.
    for round in 0..10u32 {
        for i in 0..40u32 {
            push.send(body(round, i), 0).unwrap();
        }
        for i in 0..40u32 {
            let received = pull.recv_bytes(0).unwrap();
            assert!(
                received == body(round, i),
                "round {round}, message {i} whole, in order"
            );
        }
    }
}

/// Message `i` of `round`: its numbers, then a fill, of a length of its own.
fn body(round: u32, i: u32) -> Vec<u8> {
    let mut body = vec![(i % 251) as u8; 64 * 1024 + (round * 40 + i) as usize];
    body[..4].copy_from_slice(&round.to_be_bytes());
    body[4..8].copy_from_slice(&i.to_be_bytes());
    body
}

#[test]
fn subscriptions_and_curve_run_on_top_of_wss() {
    let ctx = Context::new();
    let cert = certificate(&["localhost"]);
    let (publisher, subscriber) = (socket(&ctx, PUB), socket(&ctx, SUB));
    let server_keys = CurveKeyPair::new().unwrap();
    let client_keys = CurveKeyPair::new().unwrap();
    publisher.set_curve_server(true).unwrap();
    publisher
        .set_curve_secretkey(&server_keys.secret_key)
        .unwrap();
    let endpoint = bind_wss(&publisher, &cert, "/pubsub");
    subscriber
        .set_curve_serverkey(&server_keys.public_key)
        .unwrap();
    subscriber
        .set_curve_publickey(&client_keys.public_key)
        .unwrap();
    subscriber
        .set_curve_secretkey(&client_keys.secret_key)
        .unwrap();
    subscriber.set_subscribe(b"news").unwrap();
    trust(&subscriber, &cert, "localhost");
    let events = events_of(&ctx, &subscriber, "curve");
    subscriber.connect(&endpoint).unwrap();
    assert_eq!(first_outcome(&events), SocketEvent::HANDSHAKE_SUCCEEDED);
    // The subscription may still be on its way: publish until it has arrived.
    subscriber.set_rcvtimeo(50).unwrap();
    let received = loop {
        publisher.send("weather", 0).unwrap();
        publisher.send("news flash", 0).unwrap();
        if let Ok(m) = subscriber.recv_string(0) {
            break m.unwrap();
        }
    };
    assert_eq!(received, "news flash");
}

#[test]
fn an_untrusted_chain_or_another_name_gets_no_connection() {
    let ctx = Context::new();
    let (pull, rest) = (socket(&ctx, PULL), certificate(&["localhost"]));
    let endpoint = bind_wss(&pull, &rest, "");
    let stranger = certificate(&["localhost"]);
    let cases = [
        ("untrusted", &stranger, "localhost"),
        ("wrong-name", &rest, "zeromq.org"),
    ];
    for (name, trusted, hostname) in cases {
        let push = socket(&ctx, PUSH);
        trust(&push, trusted, hostname);
        let events = events_of(&ctx, &push, name);
        push.connect(&endpoint).unwrap();
        let outcome = first_outcome(&events);
        assert_ne!(outcome, SocketEvent::HANDSHAKE_SUCCEEDED, "{name}");
    }
    // Nothing to trust at all fails the same way.
    let push = socket(&ctx, PUSH);
    let events = events_of(&ctx, &push, "no-trust");
    push.connect(&endpoint).unwrap();
    assert_ne!(first_outcome(&events), SocketEvent::HANDSHAKE_SUCCEEDED);
    // The listener still serves a client that trusts it.
    let good = socket(&ctx, PUSH);
    trust(&good, &rest, "localhost");
    good.connect(&endpoint).unwrap();
    good.send("still served", 0).unwrap();
    assert_eq!(pull.recv_string(0).unwrap().unwrap(), "still served");
}

#[test]
fn a_plain_ws_client_at_a_wss_listener_is_dropped() {
    let ctx = Context::new();
    let (pull, cert) = (socket(&ctx, PULL), certificate(&["localhost"]));
    let endpoint = bind_wss(&pull, &cert, "");
    let plain = socket(&ctx, PUSH);
    let events = events_of(&ctx, &plain, "plain");
    plain.connect(&endpoint.replace("wss://", "ws://")).unwrap();
    assert_ne!(first_outcome(&events), SocketEvent::HANDSHAKE_SUCCEEDED);
    let good = socket(&ctx, PUSH);
    trust(&good, &cert, "localhost");
    good.connect(&endpoint).unwrap();
    good.send("after the plain one", 0).unwrap();
    assert_eq!(pull.recv_string(0).unwrap().unwrap(), "after the plain one");
}

#[test]
fn a_wss_bind_without_a_usable_certificate_is_einval() {
    let ctx = Context::new();
    let rep = socket(&ctx, REP);
    assert_eq!(
        rep.bind("wss://127.0.0.1:*"),
        Err(ferrozmq::Error::EINVAL),
        "no certificate"
    );
    let (cert, _) = certificate(&["localhost"]);
    let (_, other_key) = certificate(&["localhost"]);
    rep.set_wss_cert_pem(cert.as_bytes()).unwrap();
    rep.set_wss_key_pem(b"not a key").unwrap();
    assert_eq!(rep.bind("wss://127.0.0.1:*"), Err(ferrozmq::Error::EINVAL));
    rep.set_wss_key_pem(other_key.as_bytes()).unwrap();
    assert_eq!(
        rep.bind("wss://127.0.0.1:*"),
        Err(ferrozmq::Error::EINVAL),
        "a key that is not the certificate's"
    );
}
