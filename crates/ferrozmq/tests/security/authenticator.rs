//! The ZAP authenticator driven as libzmq drives a ZAP handler: requests from a REQ socket
//! connected to `inproc://zeromq.zap.01` in the same context (the REQ envelope is the empty
//! delimiter libzmq's ZAP client sends), replies checked frame by frame.

use std::sync::Arc;

use crate::common::*;
use ferrozmq::auth::{Authenticator, Certificate, CurveAllow, ZAP_ENDPOINT};
use ferrozmq::{Context, Error, Socket, REQ};

/// A REQ socket acting as libzmq's ZAP client.
fn zap_client(ctx: &Context) -> Socket {
    let req = ours(ctx, REQ);
    req.connect(ZAP_ENDPOINT).unwrap();
    req
}

/// Sends one request (version 1.0, request id "1") and returns the reply's frames.
fn ask(
    client: &Socket,
    domain: &str,
    address: &str,
    mechanism: &str,
    creds: &[&[u8]],
) -> Vec<Vec<u8>> {
    let mut frames: Vec<Vec<u8>> = vec![
        b"1.0".to_vec(),
        b"1".to_vec(),
        domain.into(),
        address.into(),
        b"server-id".to_vec(),
        mechanism.into(),
    ];
    frames.extend(creds.iter().map(|c| c.to_vec()));
    client.send_multipart(frames, 0).unwrap();
    client.recv_multipart(0).unwrap()
}

/// The status code of a reply, after checking its shape.
fn status(reply: &[Vec<u8>]) -> String {
    assert_eq!(reply.len(), 6, "a ZAP reply has 6 frames: {reply:?}");
    assert_eq!(reply[0], b"1.0");
    String::from_utf8(reply[2].clone()).unwrap()
}

#[test]
fn authenticator_is_send_and_sync() {
    fn check<T: Send + Sync>() {}
    check::<Authenticator>();
}

#[test]
fn null_passes_address_lists_apply() {
    bounded(|| {
        let ctx = Context::new();
        let auth = Authenticator::new(&ctx).unwrap();
        let client = zap_client(&ctx);
        let reply = ask(&client, "global", "127.0.0.1", "NULL", &[]);
        assert_eq!(status(&reply), "200");
        assert_eq!(reply[1], b"1", "the request id is echoed");
        assert_eq!(reply[3], b"OK");
        assert_eq!(reply[4], b"", "NULL has no user id");
        assert_eq!(reply[5], b"", "and no metadata");

        auth.deny("127.0.0.1");
        let reply = ask(&client, "global", "127.0.0.1", "NULL", &[]);
        assert_eq!(status(&reply), "400");
        assert_eq!(reply[3], b"No access");
        assert_eq!(
            status(&ask(&client, "global", "10.0.0.1", "NULL", &[])),
            "200"
        );

        // An allowed address overrides the deny list; everyone else is refused.
        auth.allow("127.0.0.1");
        assert_eq!(
            status(&ask(&client, "global", "127.0.0.1", "NULL", &[])),
            "200"
        );
        assert_eq!(
            status(&ask(&client, "global", "10.0.0.1", "NULL", &[])),
            "400"
        );
    });
}

#[test]
fn plain_checks_the_password_file() {
    bounded(|| {
        let dir = TempDir::new("plain");
        let passwords = dir.path("passwords");
        std::fs::write(&passwords, "# users\nadmin=Password\n").unwrap();
        let ctx = Context::new();
        let auth = Authenticator::new(&ctx).unwrap();
        let client = zap_client(&ctx);

        // No password file configured: PLAIN is refused.
        let plain = |user: &str, password: &str| {
            ask(
                &client,
                "global",
                "127.0.0.1",
                "PLAIN",
                &[user.as_bytes(), password.as_bytes()],
            )
        };
        assert_eq!(status(&plain("admin", "Password")), "400");

        auth.configure_plain("global", &passwords);
        let reply = plain("admin", "Password");
        assert_eq!(status(&reply), "200");
        assert_eq!(reply[4], b"admin", "the user id is the user name");
        assert_eq!(status(&plain("admin", "password")), "400");
        assert_eq!(status(&plain("nobody", "Password")), "400");
        assert_eq!(status(&plain("admin", "")), "400");

        // Another domain has no password file; "*" covers domains without their own.
        let other = ask(
            &client,
            "other",
            "127.0.0.1",
            "PLAIN",
            &[b"admin", b"Password"],
        );
        assert_eq!(status(&other), "400");
        auth.configure_plain("*", &passwords);
        let other = ask(
            &client,
            "other",
            "127.0.0.1",
            "PLAIN",
            &[b"admin", b"Password"],
        );
        assert_eq!(status(&other), "200");

        // The file is reread when it changes.
        std::fs::write(&passwords, "admin=Changed!\nbob=secret\n").unwrap();
        assert_eq!(status(&plain("admin", "Password")), "400");
        assert_eq!(status(&plain("admin", "Changed!")), "200");
        assert_eq!(status(&plain("bob", "secret")), "200");

        // A denied address is refused before its password is looked at.
        auth.deny("127.0.0.1");
        assert_eq!(status(&plain("bob", "secret")), "400");
    });
}

#[test]
fn curve_any_and_certificate_directory() {
    bounded(|| {
        let dir = TempDir::new("curve");
        let mut known = Certificate::new().unwrap();
        known.set_meta("Hello", "World").unwrap();
        known.set_meta("not/a-property", "skipped").unwrap();
        known.save(dir.path("client.cert")).unwrap();
        let stranger = Certificate::new().unwrap();

        let ctx = Context::new();
        let auth = Authenticator::new(&ctx).unwrap();
        let client = zap_client(&ctx);
        let curve = |cert: &Certificate| {
            ask(
                &client,
                "global",
                "127.0.0.1",
                "CURVE",
                &[cert.public_key().as_slice()],
            )
        };
        assert_eq!(status(&curve(&known)), "400", "CURVE is refused by default");

        auth.configure_curve("*", CurveAllow::Any);
        let reply = curve(&stranger);
        assert_eq!(status(&reply), "200");
        assert_eq!(reply[4], b"", "zauth sets no user id for CURVE_ALLOW_ANY");

        auth.configure_curve("*", CurveAllow::Directory(dir.0.clone()));
        let reply = curve(&known);
        assert_eq!(status(&reply), "200");
        assert_eq!(reply[4], known.public_txt().as_bytes());
        let mut metadata = Vec::new();
        metadata.extend_from_slice(b"\x05Hello\x00\x00\x00\x05World");
        assert_eq!(
            reply[5], metadata,
            "the certificate's metadata, as ZMTP properties"
        );
        assert_eq!(status(&curve(&stranger)), "400");

        // A certificate added to the directory later is found.
        stranger.save_public(dir.path("stranger.cert")).unwrap();
        assert_eq!(status(&curve(&stranger)), "200");
        std::fs::remove_file(dir.path("stranger.cert")).unwrap();
        assert_eq!(status(&curve(&stranger)), "400");
    });
}

#[test]
fn malformed_requests_get_500_and_the_handler_goes_on() {
    bounded(|| {
        let ctx = Context::new();
        let _auth = Authenticator::new(&ctx).unwrap();
        let client = zap_client(&ctx);
        let raw = |frames: Vec<&[u8]>| {
            client.send_multipart(frames, 0).unwrap();
            client.recv_multipart(0).unwrap()
        };
        let reply = raw(vec![b"1.0", b"7"]);
        assert_eq!(status(&reply), "500");
        assert_eq!(reply[1], b"7");
        let reply = raw(vec![b"2.0", b"8", b"", b"", b"", b"NULL"]);
        assert_eq!(status(&reply), "500");
        assert_eq!(reply[1], b"8");
        assert_eq!(status(&raw(vec![b""])), "500");
        let short_key = [0u8; 31];
        let reply = raw(vec![b"1.0", b"9", b"", b"", b"", b"CURVE", &short_key]);
        assert_eq!(status(&reply), "500");
        let reply = raw(vec![b"1.0", b"9", b"", b"", b"", b"PLAIN", b"only-user"]);
        assert_eq!(status(&reply), "500");
        assert_eq!(status(&ask(&client, "", "127.0.0.1", "NULL", &[])), "200");
    });
}

#[test]
fn one_handler_per_context_and_drop_unbinds() {
    bounded(|| {
        let ctx = Context::new();
        let first = Authenticator::new(&ctx).unwrap();
        assert_eq!(
            Authenticator::new(&ctx).err(),
            Some(Error::EADDRINUSE),
            "the ZAP endpoint is taken"
        );
        first.stop();
        let second = Authenticator::new(&ctx).unwrap();
        let client = zap_client(&ctx);
        assert_eq!(status(&ask(&client, "", "1.2.3.4", "NULL", &[])), "200");
        drop(second);
        // Other contexts have their own endpoint.
        let other = Context::new();
        let _third = Authenticator::new(&other).unwrap();
    });
}

#[test]
fn configuration_from_another_thread() {
    bounded(|| {
        let ctx = Context::new();
        let auth = Arc::new(Authenticator::new(&ctx).unwrap());
        let client = zap_client(&ctx);
        let remote = Arc::clone(&auth);
        std::thread::spawn(move || remote.deny("6.6.6.6"))
            .join()
            .unwrap();
        assert_eq!(status(&ask(&client, "", "6.6.6.6", "NULL", &[])), "400");
        auth.verbose(true);
        assert_eq!(status(&ask(&client, "", "7.7.7.7", "NULL", &[])), "200");
    });
}
