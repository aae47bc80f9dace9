//! Replays every file of the `filemq` fuzz target's corpus (`fuzz/corpus/filemq/`) through
//! the target's own check (`fuzz/checks/filemq.rs`), so the seeds and anything the fuzzer
//! keeps stay green on stable. Regenerate the named seeds with
//! `cargo test -p ferrozmq-filemq --test fuzz_corpus -- --ignored write_seed_corpus`.

use ferrozmq_filemq::msg::Command;
use std::path::PathBuf;

include!("../../../fuzz/checks/filemq.rs");

fn corpus() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/corpus/filemq")
}

#[test]
fn the_filemq_corpus_replays_clean() {
    let mut replayed = 0;
    for entry in std::fs::read_dir(corpus()).expect("fuzz/corpus/filemq") {
        filemq_check(&std::fs::read(entry.unwrap().path()).unwrap());
        replayed += 1;
    }
    assert!(replayed >= 10, "only {replayed} seeds");
    // The named seeds of valid commands are valid (so the fuzzer starts from real ones).
    for name in ["orly", "yarly", "cheezburger", "icanhaz", "nom"] {
        let data = std::fs::read(corpus().join(format!("seed-{name}"))).unwrap();
        let frames: Vec<&[u8]> = match data[0] {
            0 => vec![&data[1..]],
            _ => {
                let (head, tail) = data[2..].split_at(usize::from(data[1]));
                vec![head, tail]
            }
        };
        assert!(
            Command::decode(&frames).is_ok(),
            "seed-{name} does not decode"
        );
    }
}

/// A seed for a command: one frame (selector 0), or two (selector 1, then the first
/// frame's length, under 256 in every seed).
fn seed(command: Command) -> Vec<u8> {
    let frames = command.encode();
    match &frames[..] {
        [one] => [&[0u8][..], one].concat(),
        [head, tail] => [&[1u8, head.len() as u8][..], head, tail].concat(),
        _ => unreachable!("commands have one or two frames"),
    }
}

#[test]
#[ignore = "writes fuzz/corpus/filemq/seed-*"]
fn write_seed_corpus() {
    let seeds: Vec<(&str, Vec<u8>)> = vec![
        ("ohai", seed(Command::Ohai)),
        (
            "orly",
            seed(Command::Orly {
                mechanisms: vec!["ANONYMOUS".into(), "PLAIN".into()],
                challenge: vec![],
            }),
        ),
        (
            "yarly",
            seed(Command::Yarly {
                mechanism: "PLAIN".into(),
                response: b"\0guest\0guest".to_vec(),
            }),
        ),
        ("ohai-ok", seed(Command::OhaiOk)),
        (
            "icanhaz",
            seed(Command::Icanhaz {
                path: "/photos".into(),
                options: vec![("RESYNC".into(), "1".into())],
                cache: vec![(
                    "DSCF0001.jpg".into(),
                    "1FABCD4259140ACA99E991E7ADD2034AC57D341D".into(),
                )],
            }),
        ),
        ("icanhaz-ok", seed(Command::IcanhazOk)),
        (
            "nom",
            seed(Command::Nom {
                credit: 250_000,
                sequence: 1,
            }),
        ),
        (
            "cheezburger",
            seed(Command::Cheezburger {
                sequence: 3,
                operation: 1,
                filename: "/photos/DSCF0001.jpg".into(),
                offset: 0,
                headers: vec![],
                chunk: b"data".to_vec(),
            }),
        ),
        ("hugz", seed(Command::Hugz)),
        ("hugz-ok", seed(Command::HugzOk)),
        ("kthxbai", seed(Command::Kthxbai)),
        (
            "srsly",
            seed(Command::Srsly {
                reason: "invalid path".into(),
            }),
        ),
        (
            "rtfm",
            seed(Command::Rtfm {
                reason: "bad".into(),
            }),
        ),
        ("wrong-signature", vec![0, 0xAA, 0xA4, 0x09]),
        (
            "huge-dictionary-count",
            vec![0, 0xAA, 0xA3, 0x05, 1, b'/', 0xFF],
        ),
        ("truncated-number", vec![0, 0xAA, 0xA3, 0x07, 0, 0, 1]),
    ];
    std::fs::create_dir_all(corpus()).unwrap();
    for (name, seed) in seeds {
        std::fs::write(corpus().join(format!("seed-{name}")), seed).unwrap();
    }
}
