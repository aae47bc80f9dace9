//! Replays every file of the cargo-fuzz seed corpus (`fuzz/corpus/<target>/`) through the entry
//! points the fuzz targets call (`ferrozmq_zmtp::fuzzing`), so the corpus — and anything a
//! fuzzing run adds to it — is checked on stable in every test run.
//!
//! The named seeds are generated here; after changing them, rewrite the files with
//! `cargo test -p ferrozmq-zmtp --test fuzz_corpus -- --ignored write_seed_corpus`.

mod common;

use std::fs;
use std::path::PathBuf;

use common::*;
use ferrozmq_zmtp::fuzzing;

/// A fuzz target's entry point.
type Entry = fn(&[u8]);

/// Each fuzz target's name (its corpus folder) and entry point.
const TARGETS: [(&str, Entry); 9] = [
    ("greeting", fuzzing::greeting),
    ("frame_decoder", fuzzing::frame_decoder),
    ("command", fuzzing::command),
    ("metadata", fuzzing::metadata),
    ("curve_server", fuzzing::curve_server),
    ("curve_client", fuzzing::curve_client),
    ("mechanism_commands", fuzzing::mechanism_commands),
    ("datagram", fuzzing::datagram),
    ("zws", fuzzing::zws),
];

fn corpus_dir(target: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../fuzz/corpus")
        .join(target)
}

/// Configuration byte of the `greeting` target: socket type number, plus flag bits.
const REFUSE_LEGACY: u8 = 0x20;
const LIMIT: u8 = 0x40;
const ROUTING_ID: u8 = 0x80;

fn greeting_seed(cfg: u8, seed: u8, parts: &[&[u8]]) -> Vec<u8> {
    let mut v = vec![cfg, seed];
    for p in parts {
        v.extend_from_slice(p);
    }
    v
}

/// The named seeds of every target: valid and invalid inputs.
fn seeds() -> Vec<(&'static str, &'static str, Vec<u8>)> {
    let g31 = raw_greeting(b"NULL", 3, 1);
    let g30 = raw_greeting(b"NULL", 3, 0);
    let mut frames = Vec::new();
    ferrozmq_zmtp::frame::encode_data_frame(true, b"", &mut frames);
    ferrozmq_zmtp::frame::encode_data_frame(false, &[7; 300], &mut frames);
    let ping = raw_command(b"PING", b"\x00\x0actx");
    let sub = raw_command(b"SUBSCRIBE", b"topic");
    let mut long_v1 = vec![0xff, 0, 0, 0, 0, 0, 0, 1, 0, 0x00];
    long_v1.extend_from_slice(&[b'L'; 255]);
    let v1_msgs = [v1_frame(true, b""), v1_frame(false, b"hello")].concat();
    let v2_msgs = [v2_frame(true, b"a"), v2_frame(false, &[9; 256])].concat();
    let huge = [0x02, 0x40, 0, 0, 0, 0, 0, 0, 0];

    let mut props = Vec::new();
    ferrozmq_zmtp::metadata::encode_property("Socket-Type", b"DEALER", &mut props);
    ferrozmq_zmtp::metadata::encode_property("Identity", b"", &mut props);
    let mut x_prop = Vec::new();
    ferrozmq_zmtp::metadata::encode_property("X-a.b_c+1", &[0, 1, 2], &mut x_prop);

    let body = |frame: Vec<u8>| frame[2..].to_vec();
    // CURVE command shapes with forged (zero) boxes; byte 0 of the curve targets: bit 0 =
    // handshake first, bits 1-2 = ZAP answer.
    let mut hello_body = b"\x05HELLO\x01\x00".to_vec();
    hello_body.resize(200, 0);
    let hello = raw_command(b"HELLO", &hello_body[6..]);
    let short_hello = raw_command(b"HELLO", &hello_body[6..199]);
    let mut v2_hello = hello_body.clone();
    v2_hello[6] = 2;
    let welcome = raw_command(b"WELCOME", &[0; 160]);
    let initiate = raw_command(b"INITIATE", &[0; 248]);
    let ready = raw_command(b"READY", &[0; 24]);
    let message = |nonce: u8, len: usize| {
        let mut data = vec![0; 8 + 16 + len];
        data[7] = nonce;
        raw_command(b"MESSAGE", &data)
    };
    let data_message = |nonce: u8| {
        let mut m = b"\x07MESSAGE\0\0\0\0\0\0\0".to_vec();
        m.push(nonce);
        m.extend_from_slice(&[0; 17]);
        let mut out = Vec::new();
        ferrozmq_zmtp::frame::encode_data_frame(false, &m, &mut out);
        out
    };
    vec![
        // greeting: byte 0 configuration, byte 1 chunk seed, then the peer's bytes.
        (
            "greeting",
            "v31-dealer-to-router",
            greeting_seed(6, 0, &[&g31, &raw_ready("DEALER"), &frames, &ping]),
        ),
        (
            "greeting",
            "v30-sub-to-xpub",
            greeting_seed(
                9 | ROUTING_ID,
                7,
                &[&g30, &raw_ready("SUB"), &sub, &[0x00, 0x02, 0x01, b'A']],
            ),
        ),
        (
            "greeting",
            "v20-push-to-pull",
            greeting_seed(
                7,
                3,
                &[&revision_greeting(1, 8), &v2_frame(false, b"bob"), &v2_msgs],
            ),
        ),
        (
            "greeting",
            "v10-unversioned-to-pub",
            greeting_seed(1, 5, &[&v1_frame(false, b"bob"), &v1_msgs]),
        ),
        (
            "greeting",
            "v10-long-identity-to-router",
            greeting_seed(6 | ROUTING_ID, 11, &[&long_v1, &v1_msgs]),
        ),
        (
            "greeting",
            "v10-revision0-to-pull",
            greeting_seed(
                7,
                2,
                &[&revision_greeting(0, 8), &v1_frame(false, b""), &v1_msgs],
            ),
        ),
        (
            "greeting",
            "v20-refused",
            greeting_seed(
                7 | REFUSE_LEGACY,
                0,
                &[&revision_greeting(1, 8), &v2_frame(false, b"")],
            ),
        ),
        (
            "greeting",
            "v31-over-limit",
            greeting_seed(7 | LIMIT, 1, &[&g31, &raw_ready("PUSH"), &frames]),
        ),
        (
            "greeting",
            "v31-huge-frame",
            greeting_seed(7, 0, &[&g31, &raw_ready("PUSH"), &huge]),
        ),
        (
            "greeting",
            "plain-mechanism",
            greeting_seed(5, 0, &[&raw_greeting(b"PLAIN", 3, 1)]),
        ),
        (
            "greeting",
            "http",
            greeting_seed(0, 9, &[b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"]),
        ),
        (
            "greeting",
            "v10-zero-length",
            greeting_seed(7, 0, &[&v1_frame(false, b""), &[0x00]]),
        ),
        // frame_decoder: headers of either framing.
        ("frame_decoder", "short-more", vec![0x01, 0x05, 1, 2, 3]),
        (
            "frame_decoder",
            "long-command",
            vec![0x06, 0, 0, 0, 0, 0, 0, 1, 0],
        ),
        ("frame_decoder", "long-max", vec![0xff; 10]),
        (
            "frame_decoder",
            "v1-short",
            vec![0x04, 0x01, b'a', b'b', b'c'],
        ),
        (
            "frame_decoder",
            "v1-zero-long",
            vec![0xff, 0, 0, 0, 0, 0, 0, 0, 0],
        ),
        ("frame_decoder", "truncated-long", vec![0x02, 0, 0, 0]),
        ("frame_decoder", "empty", Vec::new()),
        // command: command frame bodies.
        (
            "command",
            "ready-dealer",
            body(raw_command(b"READY", &props)),
        ),
        ("command", "ping-ctx", body(ping.clone())),
        ("command", "error-trailing", b"\x05ERROR\x03400xx".to_vec()),
        ("command", "subscribe", body(sub.clone())),
        (
            "command",
            "unknown-join",
            body(raw_command(b"JOIN", b"group")),
        ),
        ("command", "name-too-long", b"\x09READY".to_vec()),
        ("command", "ping-no-ttl", b"\x04PING\x00".to_vec()),
        ("command", "empty-name", vec![0x00]),
        // metadata: property lists.
        ("metadata", "socket-type-identity", props.clone()),
        ("metadata", "x-property", x_prop),
        ("metadata", "empty", Vec::new()),
        (
            "metadata",
            "truncated-value",
            b"\x01a\x00\x00\x00\x02x".to_vec(),
        ),
        (
            "metadata",
            "bad-name",
            b"\x0bSocket Type\x00\x00\x00\x00".to_vec(),
        ),
        ("metadata", "empty-name", b"\x00\x00\x00\x00\x00".to_vec()),
        ("metadata", "huge-length", b"\x01a\xff\xff\xff\xff".to_vec()),
        // curve_server / curve_client: configuration, chunk seed, the peer's bytes.
        (
            "curve_server",
            "hello-forged-box",
            greeting_seed(0, 0, &[&hello]),
        ),
        (
            "curve_server",
            "hello-short",
            greeting_seed(0, 3, &[&short_hello]),
        ),
        (
            "curve_server",
            "hello-version-2",
            greeting_seed(2, 0, &[&command_frame(&v2_hello)]),
        ),
        (
            "curve_server",
            "hello-then-initiate",
            greeting_seed(4, 7, &[&hello, &initiate]),
        ),
        (
            "curve_server",
            "traffic-forged",
            greeting_seed(1, 5, &[&data_message(9), &message(10, 40)]),
        ),
        (
            "curve_server",
            "traffic-replayed-nonce",
            greeting_seed(1, 0, &[&data_message(1)]),
        ),
        (
            "curve_client",
            "welcome-forged-box",
            greeting_seed(0, 0, &[&welcome]),
        ),
        (
            "curve_client",
            "error-400",
            greeting_seed(0, 2, &[&raw_command(b"ERROR", b"\x03400")]),
        ),
        (
            "curve_client",
            "ready-early",
            greeting_seed(0, 0, &[&ready]),
        ),
        (
            "curve_client",
            "traffic-forged",
            greeting_seed(1, 9, &[&data_message(2), &message(3, 1)]),
        ),
        // mechanism_commands: command bodies.
        ("mechanism_commands", "curve-hello", hello_body.clone()),
        ("mechanism_commands", "curve-welcome", body(welcome.clone())),
        (
            "mechanism_commands",
            "curve-initiate",
            initiate[9..].to_vec(),
        ),
        ("mechanism_commands", "curve-ready", body(ready.clone())),
        ("mechanism_commands", "curve-message", body(message(3, 1))),
        (
            "mechanism_commands",
            "plain-hello",
            b"\x05HELLO\x05admin\x06secret".to_vec(),
        ),
        (
            "mechanism_commands",
            "plain-welcome",
            b"\x07WELCOME".to_vec(),
        ),
        (
            "mechanism_commands",
            "plain-initiate",
            body(raw_command(b"INITIATE", &props)),
        ),
        ("datagram", "group-and-body", b"\x02tvnews".to_vec()),
        ("datagram", "no-group", b"\x00body".to_vec()),
        (
            "datagram",
            "longest-group",
            b"\x0ffifteen-bytes!!x".to_vec(),
        ),
        (
            "datagram",
            "group-too-long",
            b"\x10sixteen-bytes!!!".to_vec(),
        ),
        ("datagram", "truncated-group", b"\x05tv".to_vec()),
        ("datagram", "empty", Vec::new()),
        ("datagram", "largest", [&[0u8][..], &[7; 8191]].concat()),
        ("zws", "server-masked-binary", b"\x00\x05\x82\x83\x01\x02\x03\x04\x01hm".to_vec()),
        ("zws", "client-unmasked-ping-close", b"\x01\x03\x89\x01p\x88\x00".to_vec()),
        ("zws", "unmasked-from-a-client", b"\x00\x01\x82\x02\x00x".to_vec()),
        ("zws", "bad-opcode", b"\x01\x01\x81\x01\x00".to_vec()),
        (
            "zws",
            "huge-length",
            b"\x01\x02\x82\x7f\x7f\xff\xff\xff\xff\xff\xff\xff\x00".to_vec(),
        ),
        ("zws", "upgrade-then-frame", {
            let mut v = b"\x02\x07GET / HTTP/1.1\r\nUpgrade: websocket\r\n\
                Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\
                Sec-WebSocket-Protocol: ZWS2.0/NULL\r\n\r\n"
                .to_vec();
            v.extend_from_slice(b"\x82\x81\x00\x00\x00\x00\x00");
            v
        }),
        ("zws", "upgrade-wrong-protocol", b"\x02\x00GET / HTTP/1.1\r\nUpgrade: websocket\r\nSec-WebSocket-Key: a\r\nSec-WebSocket-Protocol: chat\r\n\r\n".to_vec()),
    ]
}

/// A command frame around `body` (name included).
fn command_frame(body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    ferrozmq_zmtp::frame::encode_header(ferrozmq_zmtp::frame::FLAG_COMMAND, body.len(), &mut out);
    out.extend_from_slice(body);
    out
}

#[test]
fn replays_every_corpus_file() {
    for (target, entry) in TARGETS {
        let dir = corpus_dir(target);
        let mut replayed = 0;
        let entries = fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        for entry_result in entries {
            let path = entry_result.unwrap().path();
            if !path.is_file() {
                continue;
            }
            let data = fs::read(&path).unwrap();
            let outcome = std::panic::catch_unwind(|| entry(&data));
            assert!(outcome.is_ok(), "{target}: {} panicked", path.display());
            replayed += 1;
        }
        assert!(replayed >= 3, "{target}: only {replayed} corpus files");
    }
}

#[test]
fn named_seeds_are_on_disk() {
    for (target, name, data) in seeds() {
        let path = corpus_dir(target).join(name);
        let on_disk = fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert_eq!(
            on_disk,
            data,
            "{} is stale: rerun write_seed_corpus",
            path.display()
        );
    }
}

#[test]
fn every_target_has_a_corpus_folder() {
    for (target, _) in TARGETS {
        assert!(corpus_dir(target).is_dir(), "no corpus for {target}");
    }
    assert!(seeds()
        .iter()
        .all(|(t, _, _)| TARGETS.iter().any(|(name, _)| name == t)));
}

#[test]
#[ignore = "writes the seed corpus into fuzz/corpus; run by hand after changing seeds()"]
fn write_seed_corpus() {
    for (target, name, data) in seeds() {
        let dir = corpus_dir(target);
        fs::create_dir_all(&dir).unwrap();
        fs::write(dir.join(name), data).unwrap();
    }
}
