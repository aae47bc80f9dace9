//! `ferrozmq keygen` and the security flags of `cat` and `proxy`, driven as processes: keys
//! that parse and match, certificate files the library loads, CURVE between two `cat`
//! processes (with and without a `--curve-allow` directory) and PLAIN both ways against real
//! libzmq (whose in-process build has no CURVE), with a ZAP handler of our own in the libzmq
//! context. Refused peers are shown by a receiver that gets nothing and stops at `--timeout`.

mod support;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread::{self, JoinHandle};

use ferrozmq::auth::Certificate;
use ferrozmq::{curve_public, z85_decode, CurveKeyPair};
use support::{ours_bound, theirs, Tool, STEP};

/// A scratch directory under the system temp dir, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> TempDir {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let dir =
            std::env::temp_dir().join(format!("ferrozmq-cli-{tag}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        TempDir(dir)
    }

    fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The key after `label: ` in a keygen output line, decoded.
fn key_of(line: &str, label: &str) -> [u8; 32] {
    let text = line
        .strip_prefix(&format!("{label}: "))
        .unwrap_or_else(|| panic!("not a '{label}:' line: {line:?}"));
    assert_eq!(text.len(), 40, "{line:?}");
    z85_decode(text).unwrap().try_into().unwrap()
}

fn path_str(path: &Path) -> &str {
    path.to_str().expect("utf-8 temp path")
}

#[test]
fn keygen_prints_a_z85_pair_whose_public_key_belongs_to_the_secret() {
    let first = Tool::start(&["keygen"]).finish();
    first.assert_ok();
    assert_eq!(first.stdout.len(), 2, "{:?}", first.stdout);
    assert!(first.stderr.is_empty(), "{:?}", first.stderr);
    let public = key_of(&first.stdout[0], "public");
    let secret = key_of(&first.stdout[1], "secret");
    assert_eq!(curve_public(&secret), public);
    let second = Tool::start(&["keygen"]).finish();
    second.assert_ok();
    assert_ne!(second.stdout, first.stdout, "every run makes a new pair");
}

#[test]
fn keygen_out_writes_loadable_certificates_and_overwrites_only_with_force() {
    let dir = TempDir::new("keygen");
    let path = dir.path("made/by/keygen/server");
    let secret_path = dir.path("made/by/keygen/server_secret");
    let done = Tool::start(&["keygen", "--out", path_str(&path)]).finish();
    done.assert_ok();
    assert_eq!(
        done.stdout.len(),
        1,
        "no secret on stdout: {:?}",
        done.stdout
    );
    let public = key_of(&done.stdout[0], "public");
    assert_eq!(
        done.stderr,
        [
            format!("ferrozmq keygen: public certificate {}", path.display()),
            format!(
                "ferrozmq keygen: secret certificate {}",
                secret_path.display()
            ),
        ]
    );
    let cert = Certificate::load(&path).unwrap();
    assert_eq!(cert.public_key(), &public);
    assert_eq!(curve_public(cert.secret_key()), public);
    let public_file = std::fs::read_to_string(&path).unwrap();
    assert!(public_file.contains(&cert.public_txt()));
    assert!(!public_file.contains(&cert.secret_txt()));

    let again = Tool::start(&["keygen", "--out", path_str(&path)]).finish();
    assert_eq!(again.status.code(), Some(1));
    assert_eq!(
        again.stderr,
        [format!(
            "ferrozmq keygen: {} exists (--force replaces it)",
            path.display()
        )]
    );
    assert_eq!(Certificate::load(&path).unwrap(), cert, "left as it was");

    let forced = Tool::start(&["keygen", "--out", path_str(&path), "--force"]).finish();
    forced.assert_ok();
    let replaced = Certificate::load(&path).unwrap();
    assert_eq!(replaced.public_key(), &key_of(&forced.stdout[0], "public"));
    assert_ne!(replaced, cert);
}

#[test]
fn cat_push_reaches_cat_pull_over_curve() {
    let server = CurveKeyPair::new().unwrap();
    let mut pull = Tool::start(&[
        "cat",
        "pull",
        "-b",
        "tcp://127.0.0.1:*",
        "--curve-server",
        "--curve-secretkey",
        &server.secret_txt(),
        "-n",
        "2",
    ]);
    let ep = pull.bound("cat: ");
    Tool::with_input(
        &[
            "cat",
            "push",
            "-c",
            &ep,
            "--curve-serverkey",
            &server.public_txt(),
        ],
        b"sealed\tframes\n0x00ff\n",
    )
    .finish()
    .assert_ok();
    let done = pull.finish();
    done.assert_ok();
    assert_eq!(done.stdout, ["sealed\tframes", "0x00ff"]);
}

/// `--wss-cert`/`--wss-key` on the bind side and `--wss-trust`/`--wss-hostname` on the
/// connect side carry lines over TLS.
#[test]
fn cat_push_reaches_cat_pull_over_wss() {
    let dir = TempDir::new("wss");
    std::fs::create_dir_all(&dir.0).unwrap();
    let certified = rcgen::generate_simple_self_signed(vec!["wss.test".into()]).unwrap();
    let (cert, key) = (dir.path("cert.pem"), dir.path("key.pem"));
    std::fs::write(&cert, certified.cert.pem()).unwrap();
    std::fs::write(&key, certified.signing_key.serialize_pem()).unwrap();
    let mut pull = Tool::start(&[
        "cat",
        "pull",
        "-b",
        "wss://127.0.0.1:*/cat",
        "--wss-cert",
        path_str(&cert),
        "--wss-key",
        path_str(&key),
        "-n",
        "2",
    ]);
    let ep = pull.bound("cat: ");
    assert!(ep.starts_with("wss://127.0.0.1:"), "{ep}");
    Tool::with_input(
        &[
            "cat",
            "push",
            "-c",
            &ep,
            "--wss-trust",
            path_str(&cert),
            "--wss-hostname",
            "wss.test",
        ],
        b"over\ttls\nsecond\n",
    )
    .finish()
    .assert_ok();
    let done = pull.finish();
    done.assert_ok();
    assert_eq!(done.stdout, ["over\ttls", "second"]);
}

#[test]
fn curve_allow_lets_in_only_clients_with_a_certificate_in_the_directory() {
    let dir = TempDir::new("allow");
    let client_path = dir.path("clients/friend");
    Tool::start(&["keygen", "--out", path_str(&client_path)])
        .finish()
        .assert_ok();
    let client = Certificate::load(&client_path).unwrap();
    // Only public certificates in the directory: the secret twin goes elsewhere.
    std::fs::rename(dir.path("clients/friend_secret"), dir.path("friend_secret")).unwrap();
    let server = CurveKeyPair::new().unwrap();
    let mut pull = Tool::start(&[
        "cat",
        "pull",
        "-b",
        "tcp://127.0.0.1:*",
        "--curve-server",
        "--curve-secretkey",
        &server.secret_txt(),
        "--curve-allow",
        path_str(&dir.path("clients")),
        "-n",
        "1",
    ]);
    let ep = pull.bound("cat: ");
    // A client with a key pair of its own making is refused: its message is never
    // delivered, so it gives up when its linger time is over.
    Tool::with_input(
        &[
            "cat",
            "push",
            "-c",
            &ep,
            "--curve-serverkey",
            &server.public_txt(),
            "--linger",
            "500",
        ],
        b"intruder\n",
    )
    .finish()
    .assert_ok();
    Tool::with_input(
        &[
            "cat",
            "push",
            "-c",
            &ep,
            "--curve-serverkey",
            &server.public_txt(),
            "--curve-secretkey",
            &client.secret_txt(),
        ],
        b"friend\n",
    )
    .finish()
    .assert_ok();
    let done = pull.finish();
    done.assert_ok();
    assert_eq!(done.stdout, ["friend"]);
}

/// A ZAP handler in a libzmq context, as libzmq's PLAIN server needs one: PLAIN `admin` with
/// password `secret` gets 200, anyone else 400. It stops when `stop` is dropped.
struct LibzmqZap {
    stop: zmq::Socket,
    thread: Option<JoinHandle<()>>,
}

impl LibzmqZap {
    fn start(ctx: &zmq::Context) -> LibzmqZap {
        let handler = ctx.socket(zmq::REP).unwrap();
        handler.bind("inproc://zeromq.zap.01").unwrap();
        let control = ctx.socket(zmq::PAIR).unwrap();
        control.bind("inproc://test-zap-stop").unwrap();
        let stop = ctx.socket(zmq::PAIR).unwrap();
        stop.connect("inproc://test-zap-stop").unwrap();
        let thread = thread::spawn(move || loop {
            let mut items = [
                handler.as_poll_item(zmq::POLLIN),
                control.as_poll_item(zmq::POLLIN),
            ];
            zmq::poll(&mut items, STEP.as_millis() as i64).unwrap();
            if !items[0].is_readable() {
                return;
            }
            let request = handler.recv_multipart(0).unwrap();
            let ok = request.len() == 8
                && request[5] == b"PLAIN"
                && request[6] == b"admin"
                && request[7] == b"secret";
            let (status, user): (&[u8], &[u8]) = if ok {
                (b"200", b"admin")
            } else {
                (b"400", b"")
            };
            handler
                .send_multipart([&b"1.0"[..], &request[1], status, b"", user, b""], 0)
                .unwrap();
        });
        LibzmqZap {
            stop,
            thread: Some(thread),
        }
    }
}

impl Drop for LibzmqZap {
    fn drop(&mut self) {
        let _ = self.stop.send("stop", 0);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

#[test]
fn cat_logs_in_to_a_libzmq_plain_server_and_a_wrong_password_gets_nothing() {
    let zctx = zmq::Context::new();
    let zap = LibzmqZap::start(&zctx);
    let pull = theirs(&zctx, zmq::PULL);
    pull.set_plain_server(true).unwrap();
    pull.bind("tcp://127.0.0.1:*").unwrap();
    let ep = pull.get_last_endpoint().unwrap().unwrap();
    Tool::with_input(
        &[
            "cat",
            "push",
            "-c",
            &ep,
            "--plain-username",
            "admin",
            "--plain-password",
            "secret",
        ],
        b"let me in\n",
    )
    .finish()
    .assert_ok();
    assert_eq!(pull.recv_bytes(0).unwrap(), b"let me in");

    let push = theirs(&zctx, zmq::PUSH);
    push.set_plain_server(true).unwrap();
    push.bind("tcp://127.0.0.1:*").unwrap();
    let ep = push.get_last_endpoint().unwrap().unwrap();
    // A libzmq PUSH server sends only to peers that passed the handshake: had the wrong
    // password been let in, this send would reach it within the send timeout.
    push.set_sndtimeo(1500).unwrap();
    let wrong = Tool::start(&[
        "cat",
        "pull",
        "-c",
        &ep,
        "--plain-username",
        "admin",
        "--plain-password",
        "guess",
        "-n",
        "1",
        "--timeout",
        "500",
    ]);
    assert_eq!(push.send("secret data", 0), Err(zmq::Error::EAGAIN));
    let done = wrong.finish();
    assert_eq!(done.status.code(), Some(1));
    assert!(done.stdout.is_empty(), "{:?}", done.stdout);
    assert_eq!(
        done.stderr,
        ["ferrozmq cat: timed out after 500 ms with 0 of 1 messages"]
    );
    drop((pull, push));
    drop(zap);
}

#[test]
fn cat_plain_server_checks_a_libzmq_client_against_its_password_file() {
    let dir = TempDir::new("plain");
    std::fs::create_dir_all(&dir.0).unwrap();
    let passwords = dir.path("passwords");
    std::fs::write(&passwords, "admin=secret\n").unwrap();
    let zctx = zmq::Context::new();
    // A wrong password: nothing arrives before the timeout; the right one: the message.
    let cases = [
        ("guess", &["--timeout", "500"][..], &[][..]),
        ("secret", &["-n", "1"][..], &["welcome"][..]),
    ];
    for (password, until, expected) in cases {
        let mut args = vec![
            "cat",
            "pull",
            "-b",
            "tcp://127.0.0.1:*",
            "--plain-server",
            "--plain-passwords",
            path_str(&passwords),
        ];
        args.extend_from_slice(until);
        let mut pull = Tool::start(&args);
        let ep = pull.bound("cat: ");
        let push = theirs(&zctx, zmq::PUSH);
        push.set_plain_username(Some("admin")).unwrap();
        push.set_plain_password(Some(password)).unwrap();
        push.connect(&ep).unwrap();
        push.send("welcome", 0).unwrap();
        let done = pull.finish();
        done.assert_ok();
        assert_eq!(done.stdout, expected, "password {password}");
    }
}

#[test]
fn proxy_frontend_is_a_curve_server() {
    let server = CurveKeyPair::new().unwrap();
    let ctx = ferrozmq::Context::new();
    let (pull, back) = ours_bound(&ctx, ferrozmq::PULL);
    let mut proxy = Tool::start(&[
        "proxy",
        "pull",
        "tcp://127.0.0.1:*",
        "push",
        &back,
        "--connect-back",
        "--curve-server",
        "--curve-secretkey",
        &server.secret_txt(),
    ]);
    let front = proxy.bound("proxy: frontend ");
    Tool::with_input(
        &[
            "cat",
            "push",
            "-c",
            &front,
            "--curve-serverkey",
            &server.public_txt(),
        ],
        b"through\n",
    )
    .finish()
    .assert_ok();
    assert_eq!(pull.recv_bytes(0).unwrap(), b"through");
    proxy.signal(libc::SIGTERM);
    proxy.finish().assert_ok();
}

#[test]
fn bad_security_arguments_exit_2_with_one_line() {
    let key = CurveKeyPair::new().unwrap().public_txt();
    let cases: &[(&[&str], &str)] = &[
        (
            &[
                "cat",
                "push",
                "-c",
                "tcp://127.0.0.1:1",
                "--curve-serverkey",
                "tooshort",
            ],
            "ferrozmq cat: --curve-serverkey: a key is 40 characters of Z85, not 8",
        ),
        (
            &[
                "cat",
                "push",
                "-c",
                "tcp://127.0.0.1:1",
                "--curve-serverkey",
                &"~".repeat(40),
            ],
            "ferrozmq cat: --curve-serverkey: not a Z85 key",
        ),
        (
            &["cat", "pull", "-b", "tcp://127.0.0.1:1", "--curve-server"],
            "ferrozmq cat: --curve-server needs --curve-secretkey",
        ),
        (
            &["cat", "pull", "-b", "tcp://127.0.0.1:1", "--plain-server"],
            "ferrozmq cat: --plain-server needs --plain-passwords FILE",
        ),
        (
            &[
                "cat",
                "push",
                "-c",
                "e",
                "--plain-username",
                "u",
                "--curve-serverkey",
                &key,
            ],
            "ferrozmq cat: PLAIN and CURVE options cannot be mixed",
        ),
        (
            &["proxy", "pull", "e", "push", "e", "--curve-secretkey", "x"],
            "ferrozmq proxy: --curve-secretkey: a key is 40 characters",
        ),
        (
            &["keygen", "--force"],
            "ferrozmq keygen: --force is for --out",
        ),
        (&["keygen", "--out"], "ferrozmq keygen: --out needs a value"),
        (
            &["keygen", "extra"],
            "ferrozmq keygen: unexpected argument 'extra'",
        ),
    ];
    for (args, start) in cases {
        let done = Tool::start(args).finish();
        assert_eq!(done.status.code(), Some(2), "{args:?}: {:?}", done.stderr);
        assert_eq!(done.stderr.len(), 1, "{args:?}: {:?}", done.stderr);
        assert!(
            done.stderr[0].starts_with(start),
            "{args:?}: {:?}",
            done.stderr
        );
        assert!(done.stdout.is_empty(), "{args:?}");
    }
}

#[test]
fn keygen_and_the_security_flags_have_help() {
    let done = Tool::start(&["keygen", "--help"]).finish();
    done.assert_ok();
    assert!(done.stdout[0].starts_with("usage: ferrozmq keygen"));
    for cmd in ["cat", "proxy"] {
        let done = Tool::start(&[cmd, "--help"]).finish();
        done.assert_ok();
        for flag in ["--curve-serverkey", "--plain-passwords", "--curve-allow"] {
            assert!(done.stdout.iter().any(|l| l.contains(flag)), "{cmd} {flag}");
        }
    }
}
