//! Replays every file of the `zre` fuzz target's corpus (`fuzz/corpus/zre/`) through the
//! target's own check (`fuzz/checks/zre.rs`: ZRE, ZGOSSIP, ZRE log), so the seeds and anything
//! the fuzzer keeps stay green on stable. Regenerate the named seeds with
//! `cargo test -p ferrozmq-zyre --test zyre -- --ignored write_seed_corpus`.

use ferrozmq::{Message, Uuid};
use ferrozmq_zyre::beacon::ZreBeacon;
use ferrozmq_zyre::gossip::GossipMessage;
use ferrozmq_zyre::log::LogMessage;
use ferrozmq_zyre::message::{Body, Hello, ZreMessage};
use std::path::PathBuf;

include!("../../../../fuzz/checks/zre.rs");

fn corpus() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/corpus/zre")
}

#[test]
fn the_zre_corpus_replays_clean() {
    let mut replayed = 0;
    for entry in std::fs::read_dir(corpus()).expect("fuzz/corpus/zre") {
        zre_check(&std::fs::read(entry.unwrap().path()).unwrap());
        replayed += 1;
    }
    assert!(replayed >= 10, "only {replayed} seeds");
}

/// A seed for a ZGOSSIP message: selector 0 and its frame.
fn gossip_seed(message: GossipMessage) -> Vec<u8> {
    let mut seed = vec![0];
    seed.extend(message.encode().unwrap());
    seed
}

/// A seed for a message: selector 1 (one frame) and its header frame.
fn message_seed(body: Body) -> Vec<u8> {
    let frames = ZreMessage { sequence: 1, body }.encode().unwrap();
    let mut seed = vec![1];
    seed.extend_from_slice(&frames[0]);
    seed
}

#[test]
#[ignore = "writes fuzz/corpus/zre/seed-*"]
fn write_seed_corpus() {
    let beacon = ZreBeacon {
        uuid: Uuid::from_bytes([0x5A; 16]),
        port: 49152,
    };
    let mut beacon_seed = vec![0];
    beacon_seed.extend(beacon.encode());
    let hello = Body::Hello(Hello {
        endpoint: "tcp://127.0.0.1:49152".into(),
        groups: vec!["CHAT".into(), "GLOBAL".into()],
        status: 2,
        name: "seed".into(),
        headers: [("X-HELLO".to_string(), "World".to_string())].into(),
    });
    let shout = Body::Shout {
        group: "CHAT".into(),
        content: vec![Message::from("hi")],
    };
    let seeds: Vec<(&str, Vec<u8>)> = vec![
        ("beacon", beacon_seed.clone()),
        ("beacon-leaving", {
            let mut s = beacon_seed.clone();
            s[21..].copy_from_slice(&[0, 0]);
            s
        }),
        ("beacon-version-2", {
            let mut s = beacon_seed;
            s[4] = 2;
            s
        }),
        ("hello", message_seed(hello)),
        ("whisper", message_seed(Body::Whisper { content: vec![] })),
        ("shout", message_seed(shout)),
        (
            "join",
            message_seed(Body::Join {
                group: "CHAT".into(),
                status: 1,
            }),
        ),
        (
            "leave",
            message_seed(Body::Leave {
                group: "CHAT".into(),
                status: 2,
            }),
        ),
        ("ping", message_seed(Body::Ping)),
        ("ping-ok", message_seed(Body::PingOk)),
        ("wrong-signature", vec![1, 0xAA, 0xA0, 6, 2, 0, 1]),
        (
            "huge-hash-count",
            vec![
                1, 0xAA, 0xA1, 1, 2, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF,
            ],
        ),
        (
            "truncated-string",
            vec![1, 0xAA, 0xA1, 4, 2, 0, 1, 200, b'C'],
        ),
        ("gossip-hello", gossip_seed(GossipMessage::Hello)),
        (
            "gossip-publish",
            gossip_seed(GossipMessage::Publish {
                key: Uuid::from_bytes([0x5A; 16]).to_czmq_string(),
                value: "tcp://127.0.0.1:49152".into(),
                ttl: 30_000,
            }),
        ),
        ("gossip-ping", gossip_seed(GossipMessage::Ping)),
        ("gossip-pong", gossip_seed(GossipMessage::Pong)),
        ("gossip-invalid", gossip_seed(GossipMessage::Invalid)),
        ("log", {
            let record = LogMessage {
                level: 3,
                event: 1,
                node: 0x1234,
                peer: 0,
                time: 1_700_000_000,
                data: "CHAT".into(),
            };
            let mut seed = vec![0];
            seed.extend(record.encode().unwrap());
            seed
        }),
        (
            "gossip-huge-value",
            vec![0, 0xAA, 0xA0, 2, 1, 1, b'k', 0x7F, 0xFF, 0xFF, 0xFF],
        ),
    ];
    std::fs::create_dir_all(corpus()).unwrap();
    for (name, seed) in seeds {
        std::fs::write(corpus().join(format!("seed-{name}")), seed).unwrap();
    }
}
