//! Certificates on disk (CZMQ's zcert file pair and format) and the certificate store that
//! loads a directory of them.

use crate::common::TempDir;

use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;

use ferrozmq::auth::{CertStore, Certificate};
use ferrozmq::{curve_public, z85_decode, Error};

/// libzmq's test server key pair (RFC 26 example keys).
const SERVER_PUBLIC: &str = "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7";
const SERVER_SECRET: &str = "JTKVSB%%)wK0E.X)V>+}o?pNmC{O&4W4b!Ni{Lh6";

#[test]
fn save_and_load_round_trip() {
    let dir = TempDir::new("roundtrip");
    let mut cert = Certificate::new().unwrap();
    assert_eq!(curve_public(cert.secret_key()), *cert.public_key());
    cert.set_meta("name", "Alice \"the\" tester").unwrap();
    cert.set_meta("email", "alice@example.org").unwrap();
    let path = dir.path("alice.cert");
    cert.save(&path).unwrap();

    let public_text = std::fs::read_to_string(&path).unwrap();
    let secret_text = std::fs::read_to_string(dir.path("alice.cert_secret")).unwrap();
    assert!(public_text.contains(&cert.public_txt()));
    assert!(!public_text.contains(&cert.secret_txt()));
    assert!(secret_text.contains(&cert.secret_txt()));
    assert!(public_text.contains("#   ZeroMQ CURVE Public Certificate\n"));
    assert!(secret_text.contains("#   ZeroMQ CURVE **Secret** Certificate\n"));
    let mode = |p: PathBuf| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(dir.path("alice.cert_secret")), 0o600);

    // load() prefers the secret file, as zcert_load.
    let loaded = Certificate::load(&path).unwrap();
    assert_eq!(loaded, cert);
    assert_eq!(loaded.meta("name"), Some("Alice \"the\" tester"));

    // Without its secret twin, the public file gives the public key and a zero secret key.
    std::fs::remove_file(dir.path("alice.cert_secret")).unwrap();
    let public_only = Certificate::load(&path).unwrap();
    assert_eq!(public_only.public_key(), cert.public_key());
    assert_eq!(public_only.secret_key(), &[0; 32]);
    assert_eq!(public_only.meta("email"), Some("alice@example.org"));

    // save_secret on its own, over an existing file with looser permissions.
    let secret_path = dir.path("again_secret");
    std::fs::write(&secret_path, "old").unwrap();
    std::fs::set_permissions(&secret_path, std::fs::Permissions::from_mode(0o644)).unwrap();
    cert.save_secret(&secret_path).unwrap();
    assert_eq!(mode(secret_path.clone()), 0o600);
    assert_eq!(Certificate::load(dir.path("again")).unwrap(), cert);
}

#[test]
fn the_czmq_file_layout() {
    let dir = TempDir::new("layout");
    let mut cert = Certificate::from_txt(SERVER_PUBLIC, SERVER_SECRET).unwrap();
    cert.set_meta("name", "server").unwrap();
    cert.save_public(dir.path("server")).unwrap();
    let text = std::fs::read_to_string(dir.path("server")).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("#   ****  Generated on "));
    assert_eq!(
        &lines[1..],
        [
            "#   ZeroMQ CURVE Public Certificate",
            "#   Exchange securely, or use a secure mechanism to verify the contents",
            "#   of this file after exchange. Store public certificates in your home",
            "#   directory, in the .curve subdirectory.",
            "",
            "metadata",
            "    name = \"server\"",
            "curve",
            "    public-key = \"rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7\"",
        ]
    );
}

#[test]
fn keys_from_text() {
    let cert = Certificate::from_txt(SERVER_PUBLIC, SERVER_SECRET).unwrap();
    assert_eq!(cert.public_txt(), SERVER_PUBLIC);
    assert_eq!(cert.secret_txt(), SERVER_SECRET);
    assert_eq!(
        cert.public_key().as_slice(),
        z85_decode(SERVER_PUBLIC).unwrap()
    );
    assert_eq!(curve_public(cert.secret_key()), *cert.public_key());
    assert_eq!(
        Certificate::from_txt("short", SERVER_SECRET).err(),
        Some(Error::EINVAL)
    );
}

#[test]
fn bad_files_are_errors_not_panics() {
    let dir = TempDir::new("bad");
    let missing = Certificate::load(dir.path("missing"));
    assert_eq!(missing.err(), Some(Error::ENOENT));
    for (name, content) in [
        ("garbage", &b"\xff\xfe\x00binary"[..]),
        ("no-key", b"metadata\n    name = \"x\"\n"),
        ("bad-indent", b"curve\n   public-key = \"x\"\n"),
    ] {
        std::fs::write(dir.path(name), content).unwrap();
        assert_eq!(
            Certificate::load(dir.path(name)).err(),
            Some(Error::EINVAL),
            "{name}"
        );
    }
    // A broken secret file falls back to the public one, as zcert_load.
    Certificate::from_txt(SERVER_PUBLIC, SERVER_SECRET)
        .unwrap()
        .save_public(dir.path("fallback"))
        .unwrap();
    std::fs::write(dir.path("fallback_secret"), "curve\n  broken\n").unwrap();
    let cert = Certificate::load(dir.path("fallback")).unwrap();
    assert_eq!(cert.public_txt(), SERVER_PUBLIC);
    assert_eq!(cert.secret_key(), &[0; 32]);
}

#[test]
fn store_loads_a_directory_and_follows_changes() {
    let dir = TempDir::new("store");
    let alice = Certificate::new().unwrap();
    let bob = Certificate::new().unwrap();
    alice.save(dir.path("alice")).unwrap();
    std::fs::create_dir(dir.path("sub")).unwrap();
    bob.save_public(dir.path("sub/bob")).unwrap();
    std::fs::write(dir.path("junk"), "not a certificate = \n\"").unwrap();

    let mut store = CertStore::new(&dir.0);
    assert_eq!(
        store.len(),
        2,
        "alice and bob; junk and the _secret file ignored"
    );
    let found = store.lookup(&alice.public_txt()).unwrap();
    assert_eq!(found.public_key(), alice.public_key());
    assert_eq!(
        found.secret_key(),
        &[0; 32],
        "a store never reads secret files"
    );
    assert!(store.lookup(&bob.public_txt()).is_some());

    let carol = Certificate::new().unwrap();
    assert!(store.lookup(&carol.public_txt()).is_none());
    carol.save_public(dir.path("carol")).unwrap();
    assert!(
        store.lookup(&carol.public_txt()).is_some(),
        "new files are found"
    );
    std::fs::remove_file(dir.path("sub/bob")).unwrap();
    assert!(
        store.lookup(&bob.public_txt()).is_none(),
        "removed files are gone"
    );

    // Inserted certificates survive reloads.
    let dave = Certificate::new().unwrap();
    store.insert(dave.clone());
    std::fs::remove_file(dir.path("carol")).unwrap();
    assert!(store.lookup(&dave.public_txt()).is_some());
    assert_eq!(store.len(), 2);
}

#[test]
fn store_of_a_missing_directory_and_in_memory() {
    let dir = TempDir::new("later");
    let location = dir.path("not-yet");
    let mut store = CertStore::new(&location);
    assert!(store.is_empty());
    std::fs::create_dir(&location).unwrap();
    let cert = Certificate::new().unwrap();
    cert.save(location.join("c")).unwrap();
    assert!(store.lookup(&cert.public_txt()).is_some());

    let mut memory = CertStore::in_memory();
    assert!(memory.lookup(&cert.public_txt()).is_none());
    memory.insert(cert.clone());
    assert_eq!(memory.lookup(&cert.public_txt()), Some(&cert));
}
