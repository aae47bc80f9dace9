//! Replays the cargo-fuzz seed corpus of ferrozmq's own fuzz target (`fuzz/corpus/z85_decode/`)
//! through the same check the target runs (`fuzz/checks/z85.rs`, included here), so the corpus
//! — and anything a fuzzing run adds to it — is checked on stable in every test run.
//!
//! The named seeds are generated here; after changing them, rewrite the files with
//! `cargo test -p ferrozmq --test robustness -- --ignored write_seed_corpus`.

use std::fs;
use std::path::PathBuf;

include!("../../../../fuzz/checks/z85.rs");

/// The fuzz target whose corpus this replays.
const TARGET: &str = "z85_decode";

fn corpus_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../fuzz/corpus")
        .join(TARGET)
}

/// The named seeds: valid text, and each way decoding can fail.
fn seeds() -> Vec<(&'static str, Vec<u8>)> {
    vec![
        ("rfc32-hello-world", b"HelloWorld".to_vec()),
        (
            "curve-key",
            b"rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7".to_vec(),
        ),
        ("max-value", b"%nSc0".to_vec()),
        ("overflow", b"%nSc1".to_vec()),
        ("bad-length", b"Hello!".to_vec()),
        ("bad-char", b"Hel\"o".to_vec()),
        ("empty", Vec::new()),
        ("non-utf8", vec![0xff, 0xfe, b'a', b'b', b'c']),
        ("multibyte", "abcd\u{e9}".as_bytes().to_vec()),
    ]
}

#[test]
fn replays_every_corpus_file() {
    let _alone = crate::alone();
    let mut replayed = 0;
    let entries = fs::read_dir(corpus_dir()).expect("corpus folder");
    for entry in entries {
        let path = entry.unwrap().path();
        if !path.is_file() {
            continue;
        }
        let data = fs::read(&path).unwrap();
        let outcome = std::panic::catch_unwind(|| z85_decode_check(&data));
        assert!(outcome.is_ok(), "{} panicked", path.display());
        replayed += 1;
    }
    assert!(replayed >= 3, "only {replayed} corpus files");
}

#[test]
fn named_seeds_are_on_disk() {
    let _alone = crate::alone();
    for (name, data) in seeds() {
        let path = corpus_dir().join(name);
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
#[ignore = "writes the seed corpus into fuzz/corpus; run by hand after changing seeds()"]
fn write_seed_corpus() {
    let dir = corpus_dir();
    fs::create_dir_all(&dir).unwrap();
    for (name, data) in seeds() {
        fs::write(dir.join(name), data).unwrap();
    }
}
