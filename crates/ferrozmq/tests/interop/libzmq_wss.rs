//! wss (ZWS 2.0 over TLS) against real libzmq: libzmq 4.3.4 built with GnuTLS by
//! `scripts/libzmq-wss.sh` (`scripts/test.sh` runs it), since no packaged libzmq here has wss.
//! `libzmq41/peer.c`, compiled against it, drives one socket by line commands. Both ways:
//! REQ/REP with ours binding and theirs binding, messages small and past one TLS record,
//! PUB/SUB with their subscription; and each side refusing a certificate it does not trust.

use crate::common::{bounded, last_ep, ours};
use crate::socket_peer::SocketPeer;
use ferrozmq::{Context, MonitorEvent, SocketEvent, PAIR};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// Where `scripts/libzmq-wss.sh` installs the library and its headers.
fn library_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/peers/libzmq-4.3.4-wss")
}

/// `peer.c` compiled against the wss libzmq (found through the binary's rpath).
fn program() -> &'static PathBuf {
    static PROGRAM: OnceLock<PathBuf> = OnceLock::new();
    PROGRAM.get_or_init(|| {
        let lib = library_dir().join("lib");
        let so = lib.join("libzmq.so.5");
        assert!(
            so.exists(),
            "{} is missing: run scripts/libzmq-wss.sh (scripts/test.sh does)",
            so.display()
        );
        let out = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("libzmq-wss-peer");
        let status = Command::new("cc")
            .arg("-DZMQ_BUILD_DRAFT_API")
            .arg(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/tests/interop/libzmq41/peer.c"
            ))
            .arg("-I")
            .arg(library_dir().join("include"))
            .arg(&so)
            .arg(format!("-Wl,-rpath,{}", lib.display()))
            .arg("-o")
            .arg(&out)
            .status()
            .expect("cc is needed for the libzmq wss interop tests");
        assert!(status.success(), "compiling libzmq41/peer.c for wss failed");
        out
    })
}

fn libzmq_peer(socket_type: &str) -> SocketPeer {
    SocketPeer::spawn(
        &mut Command::new(program()),
        "the libzmq wss peer program did not start",
        socket_type,
    )
}

/// A self-signed certificate for localhost, its PEM files in a directory of this test.
struct Certificate {
    dir: PathBuf,
    pem: String,
    key: String,
}

impl Certificate {
    fn new(tag: &str) -> Certificate {
        let certified = rcgen::generate_simple_self_signed(vec!["localhost".into()]).unwrap();
        let dir = std::env::temp_dir().join(format!("ferrozmq-wss-{tag}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let (pem, key) = (certified.cert.pem(), certified.signing_key.serialize_pem());
        std::fs::write(dir.join("cert.pem"), &pem).unwrap();
        std::fs::write(dir.join("key.pem"), &key).unwrap();
        Certificate { dir, pem, key }
    }

    fn file(&self, name: &str) -> String {
        path_text(&self.dir.join(name))
    }
}

impl Drop for Certificate {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn path_text(path: &Path) -> String {
    path.to_str().expect("a UTF-8 temp path").to_string()
}

/// The bodies each round trip carries: small, and larger than one TLS record (16 KiB).
fn bodies() -> Vec<Vec<u8>> {
    (0..6u8).map(|i| vec![i; 1 + 60_000 * i as usize]).collect()
}

#[test]
fn our_req_talks_to_a_libzmq_rep_over_wss() {
    bounded(|| {
        let cert = Certificate::new("their-rep");
        let mut rep = libzmq_peer("REP");
        rep.ok(&format!("wss-cert {}", cert.file("cert.pem")));
        rep.ok(&format!("wss-key {}", cert.file("key.pem")));
        let endpoint = rep.ok("bind-to wss://127.0.0.1:*/libzmq");
        let ctx = Context::new();
        let req = ours(&ctx, ferrozmq::REQ);
        req.set_wss_trust_pem(cert.pem.as_bytes()).unwrap();
        req.set_wss_hostname("localhost").unwrap();
        req.connect(&endpoint).unwrap();
        for body in bodies() {
            req.send(&body[..], 0).unwrap();
            let got = rep.recv(5000).expect("their REP gets the request");
            assert_eq!(got, std::slice::from_ref(&body));
            let reply: Vec<u8> = body.iter().map(|b| b ^ 0xff).collect();
            rep.send(&[&reply]);
            assert_eq!(req.recv_bytes(0).unwrap(), reply);
        }
    });
}

#[test]
fn a_libzmq_req_talks_to_our_rep_over_wss() {
    bounded(|| {
        let cert = Certificate::new("our-rep");
        let ctx = Context::new();
        let rep = ours(&ctx, ferrozmq::REP);
        rep.set_wss_cert_pem(cert.pem.as_bytes()).unwrap();
        rep.set_wss_key_pem(cert.key.as_bytes()).unwrap();
        rep.bind("wss://127.0.0.1:*/ours").unwrap();
        let mut req = libzmq_peer("REQ");
        req.ok(&format!("wss-trust {}", cert.file("cert.pem")));
        req.ok("wss-hostname localhost");
        req.connect(&last_ep(&rep));
        for body in bodies() {
            req.send(&[&body]);
            assert_eq!(rep.recv_bytes(0).unwrap(), body);
            let reply: Vec<u8> = body.iter().map(|b| b ^ 0x55).collect();
            rep.send(&reply[..], 0).unwrap();
            assert_eq!(req.recv(5000).expect("their REQ gets the reply"), [reply]);
        }
    });
}

#[test]
fn a_libzmq_sub_gets_what_it_subscribed_to_from_our_pub_over_wss() {
    bounded(|| {
        let cert = Certificate::new("our-pub");
        let ctx = Context::new();
        let publisher = ours(&ctx, ferrozmq::PUB);
        publisher.set_wss_cert_pem(cert.pem.as_bytes()).unwrap();
        publisher.set_wss_key_pem(cert.key.as_bytes()).unwrap();
        publisher.bind("wss://127.0.0.1:*/pub").unwrap();
        let mut sub = libzmq_peer("SUB");
        sub.ok(&format!("wss-trust {}", cert.file("cert.pem")));
        sub.ok("wss-hostname localhost");
        sub.subscribe(b"news");
        sub.connect(&last_ep(&publisher));
        // The subscription is on its way: publish until the subscriber has one.
        let got = loop {
            publisher.send("weather", 0).unwrap();
            publisher.send("news flash", 0).unwrap();
            if let Some(frames) = sub.recv(50) {
                break frames;
            }
        };
        assert_eq!(got, [b"news flash".to_vec()]);
    });
}

#[test]
fn each_side_refuses_a_certificate_it_does_not_trust() {
    bounded(|| {
        let (served, stranger) = (Certificate::new("served"), Certificate::new("stranger"));
        // Their REQ trusts another certificate than our REP's: nothing arrives.
        let ctx = Context::new();
        let rep = ours(&ctx, ferrozmq::REP);
        rep.set_wss_cert_pem(served.pem.as_bytes()).unwrap();
        rep.set_wss_key_pem(served.key.as_bytes()).unwrap();
        rep.bind("wss://127.0.0.1:*/refuse").unwrap();
        rep.monitor("inproc://wss-refuse", SocketEvent::ALL as i32)
            .unwrap();
        let events = ctx.socket(PAIR).unwrap();
        events.set_rcvtimeo(5000).unwrap();
        events.connect("inproc://wss-refuse").unwrap();
        let mut req = libzmq_peer("REQ");
        req.ok(&format!("wss-trust {}", stranger.file("cert.pem")));
        req.ok("wss-hostname localhost");
        req.connect(&last_ep(&rep));
        req.send(&[b"not delivered"]);
        // Our side sees the connection accepted and then lost in the upgrade (CLOSED, as a
        // connection that never finished connecting), never handshaken.
        loop {
            match MonitorEvent::recv(&events).unwrap().event {
                SocketEvent::HANDSHAKE_SUCCEEDED => panic!("an untrusting peer got through"),
                SocketEvent::CLOSED | SocketEvent::DISCONNECTED => break,
                _ => {}
            }
        }
        // Our REQ trusts another certificate than their REP's: no handshake either.
        let mut their_rep = libzmq_peer("REP");
        their_rep.ok(&format!("wss-cert {}", served.file("cert.pem")));
        their_rep.ok(&format!("wss-key {}", served.file("key.pem")));
        let endpoint = their_rep.ok("bind-to wss://127.0.0.1:*/refuse");
        let our_req = ours(&ctx, ferrozmq::REQ);
        our_req.set_wss_trust_pem(stranger.pem.as_bytes()).unwrap();
        our_req
            .monitor("inproc://wss-refuse-ours", SocketEvent::ALL as i32)
            .unwrap();
        let our_events = ctx.socket(PAIR).unwrap();
        our_events.set_rcvtimeo(5000).unwrap();
        our_events.connect("inproc://wss-refuse-ours").unwrap();
        our_req
            .connect(&endpoint.replace("127.0.0.1", "localhost"))
            .unwrap();
        loop {
            match MonitorEvent::recv(&our_events).unwrap().event {
                SocketEvent::HANDSHAKE_SUCCEEDED => panic!("an untrusted server got through"),
                SocketEvent::CLOSED | SocketEvent::DISCONNECTED => break,
                _ => {}
            }
        }
    });
}
