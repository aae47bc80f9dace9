//! Replays every file of the `pgm` fuzz target's corpus (`fuzz/corpus/pgm/`) through the
//! target's own check (`fuzz/checks/pgm.rs`), so the seeds and anything the fuzzer keeps stay
//! green on stable. Regenerate the named seeds with
//! `cargo test -p ferrozmq-pgm --test fuzz_corpus -- --ignored write_seed_corpus`.

use ferrozmq_pgm::packet::{Body, Data, Fragment, Nak, NakKind, Packet, Spm};
use std::net::{IpAddr, Ipv4Addr};
use std::path::PathBuf;

include!("../../../fuzz/checks/pgm.rs");

fn corpus() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/corpus/pgm")
}

#[test]
fn the_pgm_corpus_replays_clean() {
    let mut replayed = 0;
    for entry in std::fs::read_dir(corpus()).expect("fuzz/corpus/pgm") {
        pgm_check(&std::fs::read(entry.unwrap().path()).unwrap());
        replayed += 1;
    }
    assert!(replayed >= 8, "only {replayed} seeds");
}

#[test]
#[ignore = "writes fuzz/corpus/pgm/seed-*"]
fn write_seed_corpus() {
    const GSI: [u8; 6] = [0xb7, 0xc6, 0xd1, 0xbc, 0x03, 0x8a];
    let local = IpAddr::V4(Ipv4Addr::LOCALHOST);
    let group = IpAddr::V4(Ipv4Addr::new(239, 192, 1, 1));
    let packet = |sport, dport, body| Packet {
        sport,
        dport,
        gsi: GSI,
        body,
    };
    let data = |sqn, fragment, payload: &'static [u8]| {
        Body::Data(Data {
            repair: false,
            sqn,
            trail: 0,
            fragment,
            payload,
        })
    };
    let seeds: Vec<(&str, Packet<'static>)> = vec![
        (
            "spm",
            packet(
                0xf21d,
                5555,
                Body::Spm(Spm {
                    sqn: 3,
                    trail: 0,
                    lead: u32::MAX,
                    nla: local,
                }),
            ),
        ),
        (
            "odata",
            packet(0xf21d, 5555, data(0, None, b"\0\0\x02\x01t\x06\0msg 0")),
        ),
        (
            "fragment",
            packet(
                0xf21d,
                5555,
                data(
                    5,
                    Some(Fragment {
                        first_sqn: 4,
                        offset: 3,
                        apdu_len: 10,
                    }),
                    b"abc",
                ),
            ),
        ),
        (
            "nak-list",
            packet(
                5555,
                0xf21d,
                Body::Nak(Nak {
                    kind: NakKind::Nak,
                    sqns: vec![0, 1, 7],
                    source: local,
                    group,
                }),
            ),
        ),
        (
            "ncf",
            packet(
                0xf21d,
                5555,
                Body::Nak(Nak {
                    kind: NakKind::Ncf,
                    sqns: vec![0],
                    source: local,
                    group,
                }),
            ),
        ),
        ("spmr", packet(5555, 0xf21d, Body::Spmr)),
    ];
    std::fs::create_dir_all(corpus()).unwrap();
    for (name, packet) in seeds {
        let mut bytes = Vec::new();
        packet.encode(&mut bytes);
        std::fs::write(corpus().join(format!("seed-{name}")), &bytes).unwrap();
        if name == "odata" {
            // The same with its checksum broken, and cut short.
            let mut bad = bytes.clone();
            bad[20] ^= 1;
            std::fs::write(corpus().join("seed-bad-checksum"), &bad).unwrap();
            std::fs::write(corpus().join("seed-truncated"), &bytes[..20]).unwrap();
        }
    }
}
