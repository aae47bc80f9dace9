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
const TARGETS: [(&str, Entry); 4] = [
    ("greeting", fuzzing::greeting),
    ("frame_decoder", fuzzing::frame_decoder),
    ("command", fuzzing::command),
    ("metadata", fuzzing::metadata),
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
    ]
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
