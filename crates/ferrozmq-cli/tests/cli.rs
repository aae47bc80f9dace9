//! End-to-end tests of the `ferrozmq` binary, run as processes: argument
//! errors, help, the perf tools talking to each other over tcp and ipc, the
//! in-process tools, and every pattern benchmark pair. Every child is killed
//! if a test runs over its time bound.

use std::io::Read;
use std::net::TcpListener;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_ferrozmq");

/// A running `ferrozmq` process; killed on drop if still running.
struct Running {
    child: Child,
    stdout: Option<JoinHandle<String>>,
    stderr: Option<JoinHandle<String>>,
}

/// What a finished process left.
struct Finished {
    status: ExitStatus,
    stdout: String,
    stderr: String,
}

fn reader<R: Read + Send + 'static>(mut r: R) -> JoinHandle<String> {
    thread::spawn(move || {
        let mut s = String::new();
        let _ = r.read_to_string(&mut s);
        s
    })
}

impl Running {
    fn start(args: &[&str]) -> Running {
        Running::start_with(args, &[])
    }

    /// As [`Running::start`], with the environment variables `env` set.
    fn start_with(args: &[&str], env: &[(&str, &str)]) -> Running {
        let mut child = Command::new(BIN)
            .args(args)
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start ferrozmq");
        let stdout = child.stdout.take().map(reader);
        let stderr = child.stderr.take().map(reader);
        Running {
            child,
            stdout,
            stderr,
        }
    }

    /// Waits until `deadline`; panics (and so kills every child) past it.
    fn finish(mut self, deadline: Instant, what: &str) -> Finished {
        let status = loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                break status;
            }
            assert!(Instant::now() < deadline, "{what}: timed out");
            thread::sleep(Duration::from_millis(5));
        };
        let join = |h: Option<JoinHandle<String>>| {
            h.map(|h| h.join().expect("reader")).unwrap_or_default()
        };
        Finished {
            status,
            stdout: join(self.stdout.take()),
            stderr: join(self.stderr.take()),
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

fn run(args: &[&str], timeout: Duration) -> Finished {
    Running::start(args).finish(Instant::now() + timeout, &args.join(" "))
}

/// Runs a local (binding) and a remote (connecting) tool together.
fn run_pair(local: &[&str], remote: &[&str], timeout: Duration) -> (Finished, Finished) {
    let deadline = Instant::now() + timeout;
    let l = Running::start(local);
    let r = Running::start(remote);
    let r = r.finish(deadline, &remote.join(" "));
    let l = l.finish(deadline, &local.join(" "));
    (l, r)
}

fn tcp_endpoint() -> String {
    let l = TcpListener::bind("127.0.0.1:0").expect("bind a free port");
    format!(
        "tcp://127.0.0.1:{}",
        l.local_addr().expect("local addr").port()
    )
}

fn assert_ok(f: &Finished, what: &str) {
    assert!(
        f.status.success(),
        "{what} failed: {}\nstdout: {}\nstderr: {}",
        f.status,
        f.stdout,
        f.stderr
    );
}

/// Checks `local-thr`'s four lines, libzmq's formats.
fn assert_thr_report(out: &str, size: u32, count: u32) {
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 4, "{out}");
    assert_thr_lines(&lines, size, count);
}

/// Checks the four lines of `local-thr`'s report at the start of `lines`.
fn assert_thr_lines(lines: &[&str], size: u32, count: u32) {
    assert_eq!(lines[0], format!("message size: {size} [B]"));
    assert_eq!(lines[1], format!("message count: {count}"));
    let rate = lines[2]
        .strip_prefix("mean throughput: ")
        .and_then(|l| l.strip_suffix(" [msg/s]"))
        .unwrap_or_else(|| panic!("bad line {:?}", lines[2]));
    assert!(rate.parse::<u64>().is_ok(), "{rate}");
    let mbps = lines[3]
        .strip_prefix("mean throughput: ")
        .and_then(|l| l.strip_suffix(" [Mb/s]"))
        .unwrap_or_else(|| panic!("bad line {:?}", lines[3]));
    let decimals = mbps.split_once('.').map(|(_, d)| d.len());
    assert!(mbps.parse::<f64>().is_ok() && decimals == Some(3), "{mbps}");
}

/// Checks `remote-lat`'s three lines, libzmq's formats.
fn assert_lat_report(out: &str, size: u32, roundtrips: u32) {
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 3, "{out}");
    assert_eq!(lines[0], format!("message size: {size} [B]"));
    assert_eq!(lines[1], format!("roundtrip count: {roundtrips}"));
    let lat = lines[2]
        .strip_prefix("average latency: ")
        .and_then(|l| l.strip_suffix(" [us]"))
        .unwrap_or_else(|| panic!("bad line {:?}", lines[2]));
    let value: f64 = lat.parse().expect("latency number");
    assert!(
        value > 0.0 && lat.split_once('.').map(|(_, d)| d.len()) == Some(3),
        "{lat}"
    );
}

/// Checks `sub-thr`'s lines: local-thr's four, then the subscriber count
/// and the per-subscriber spread.
fn assert_fanout_report(out: &str, size: u32, count: u32, subscribers: u32) {
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 6, "{out}");
    assert_thr_lines(&lines, size, count);
    assert_eq!(lines[4], format!("subscribers: {subscribers}"));
    let spread: Vec<u64> = lines[5]
        .strip_prefix("per-subscriber throughput: min ")
        .and_then(|l| l.strip_suffix(" [msg/s]"))
        .unwrap_or_else(|| panic!("bad line {:?}", lines[5]))
        .split(", median ")
        .flat_map(|part| part.split(", max "))
        .map(|n| n.parse().expect("a rate"))
        .collect();
    assert!(
        spread.len() == 3 && spread[0] <= spread[1] && spread[1] <= spread[2],
        "{}",
        lines[5]
    );
}

#[test]
fn bad_arguments_exit_2_with_a_one_line_error() {
    let cases: &[&[&str]] = &[
        &[],
        &["frobnicate"],
        &["local-thr"],
        &["local-thr", "tcp://127.0.0.1:5555", "16"],
        &["local-thr", "tcp://127.0.0.1:5555", "x", "10"],
        &["remote-thr", "tcp://127.0.0.1:5555", "16", "-3"],
        &["remote-thr", "tcp://127.0.0.1:5555", "16", "10", "1", "x"],
        &["remote-thr", "tcp://127.0.0.1:5555", "16", "10", "yes"],
        &["local-lat", "tcp://127.0.0.1:5555", "16", "10", "0"],
        &["remote-lat", "tcp://127.0.0.1:5555", "16", "0"],
        &["inproc-thr", "16"],
        &["inproc-thr", "16", "0"],
        &["inproc-lat", "x", "10"],
        &["inproc-lat", "16", "10", "tcp://127.0.0.1:5555"],
        &["local-router-thr", "tcp://127.0.0.1:5555", "16"],
        &["remote-dealer-thr", "", "16", "10"],
        &["local-dealer-thr", "tcp://127.0.0.1:5555", "16", "-1"],
        &["remote-router-thr", "tcp://127.0.0.1:5555", "16", "10", "0"],
        &["local-router-lat", "tcp://127.0.0.1:5555", "16", "0"],
        &["remote-dealer-lat", "tcp://127.0.0.1:5555", "1e3", "10"],
        &["pub-thr", "tcp://127.0.0.1:5555", "16", "10"],
        &["pub-thr", "tcp://127.0.0.1:5555", "16", "10", "0"],
        &["sub-thr", "tcp://127.0.0.1:5555", "16", "10", "100000"],
        &["pub-topics", "tcp://127.0.0.1:5555", "16", "10", "all"],
        &["sub-topics", "tcp://127.0.0.1:5555", "9", "10", "match"],
        &["sub-topics", "tcp://127.0.0.1:5555", "16", "10"],
        &["proxy-thr", "16", "3000000000"],
        &["proxy-thr"],
        &["bench", "--count-scale", "0"],
        &["bench", "--count-scale"],
        &["bench", "--bogus"],
    ];
    for args in cases {
        let f = run(args, Duration::from_secs(10));
        assert_eq!(f.status.code(), Some(2), "{args:?}: {}", f.stderr);
        assert!(
            f.stdout.is_empty(),
            "{args:?} printed on stdout: {}",
            f.stdout
        );
        assert_eq!(f.stderr.lines().count(), 1, "{args:?}: {:?}", f.stderr);
        assert!(f.stderr.starts_with("ferrozmq"), "{args:?}: {}", f.stderr);
    }
}

#[test]
fn help_exits_0_everywhere() {
    let cases: &[&[&str]] = &[
        &["--help"],
        &["-h"],
        &["local-thr", "--help"],
        &["remote-thr", "-h"],
        &["local-lat", "--help"],
        &["remote-lat", "--help"],
        &["bench", "--help"],
    ];
    for args in cases {
        let f = run(args, Duration::from_secs(10));
        assert_ok(&f, &args.join(" "));
        assert!(f.stdout.contains("usage"), "{args:?}: {}", f.stdout);
    }
}

/// Every subcommand is listed in the top-level help and has its own.
#[test]
fn every_new_subcommand_has_help() {
    let top = run(&["--help"], Duration::from_secs(10));
    for name in NEW_SUBCOMMANDS {
        assert!(top.stdout.contains(name), "--help lacks {name}");
        let f = run(&[name, "--help"], Duration::from_secs(10));
        assert_ok(&f, name);
        let usage = format!("usage: ferrozmq {name} <");
        assert!(f.stdout.starts_with(&usage), "{name}: {}", f.stdout);
    }
}

const NEW_SUBCOMMANDS: [&str; 13] = [
    "inproc-thr",
    "inproc-lat",
    "local-router-thr",
    "remote-dealer-thr",
    "local-dealer-thr",
    "remote-router-thr",
    "local-router-lat",
    "remote-dealer-lat",
    "pub-thr",
    "sub-thr",
    "pub-topics",
    "sub-topics",
    "proxy-thr",
];

#[test]
fn runtime_errors_use_libzmq_wording_and_exit_1() {
    let f = run(
        &["local-thr", "tcp://127.0.0.1:notaport", "1", "1"],
        Duration::from_secs(10),
    );
    assert_eq!(f.status.code(), Some(1), "{}", f.stderr);
    assert!(f.stderr.starts_with("error in zmq_bind: "), "{}", f.stderr);
    assert_eq!(f.stderr.lines().count(), 1, "{}", f.stderr);
    assert!(
        !f.stderr.contains("os error"),
        "not zmq_strerror text: {}",
        f.stderr
    );
}

#[test]
fn throughput_over_tcp() {
    let ep = tcp_endpoint();
    let (l, r) = run_pair(
        &["local-thr", &ep, "64", "5000"],
        &["remote-thr", &ep, "64", "5000"],
        Duration::from_secs(30),
    );
    assert_ok(&l, "local-thr");
    assert_ok(&r, "remote-thr");
    assert_thr_report(&l.stdout, 64, 5000);
    assert!(r.stdout.is_empty(), "{}", r.stdout);
}

#[test]
fn throughput_over_ipc() {
    let path = std::env::temp_dir().join(format!("ferrozmq-cli-test-{}.ipc", std::process::id()));
    let _ = std::fs::remove_file(&path);
    let ep = format!("ipc://{}", path.display());
    let (l, r) = run_pair(
        &["local-thr", &ep, "1000", "500"],
        &["remote-thr", &ep, "1000", "500"],
        Duration::from_secs(30),
    );
    let _ = std::fs::remove_file(&path);
    assert_ok(&l, "local-thr");
    assert_ok(&r, "remote-thr");
    assert_thr_report(&l.stdout, 1000, 500);
}

#[test]
fn latency_over_tcp() {
    let ep = tcp_endpoint();
    let (l, r) = run_pair(
        &["local-lat", &ep, "32", "300"],
        &["remote-lat", &ep, "32", "300"],
        Duration::from_secs(30),
    );
    assert_ok(&l, "local-lat");
    assert_ok(&r, "remote-lat");
    assert!(l.stdout.is_empty(), "{}", l.stdout);
    assert_lat_report(&r.stdout, 32, 300);
}

#[test]
fn bench_runs_every_case() {
    let f = run(
        &["bench", "--count-scale", "0.0002", "--timeout", "30"],
        Duration::from_secs(120),
    );
    assert_ok(&f, "bench");
    let lines: Vec<&str> = f.stdout.lines().collect();
    assert_eq!(lines.len(), 2 + 9, "{}", f.stdout);
    assert!(
        lines.iter().all(|l| l.starts_with('|') && l.ends_with('|')),
        "{}",
        f.stdout
    );
    assert!(!f.stdout.contains("FAILED"), "{}", f.stdout);
    assert!(f.stdout.contains("PUSH/PULL ipc 64 KiB") && f.stdout.contains("REQ/REP tcp 64 B"));
    assert!(
        f.stdout.contains("PUSH/PULL inproc 16 B") && f.stdout.contains("REQ/REP inproc 64 B"),
        "{}",
        f.stdout
    );
    assert!(f.stderr.contains("[9/9]"), "{}", f.stderr);
}

#[test]
fn inproc_throughput() {
    let f = run(&["inproc-thr", "64", "20000"], Duration::from_secs(30));
    assert_ok(&f, "inproc-thr");
    assert_thr_report(&f.stdout, 64, 20000);
}

#[test]
fn inproc_latency() {
    let f = run(&["inproc-lat", "32", "500"], Duration::from_secs(30));
    assert_ok(&f, "inproc-lat");
    assert_lat_report(&f.stdout, 32, 500);
}

#[test]
fn proxy_throughput() {
    // An odd count: the two clients send different shares.
    let f = run(&["proxy-thr", "100", "3001"], Duration::from_secs(30));
    assert_ok(&f, "proxy-thr");
    assert_thr_report(&f.stdout, 100, 3001);
}

/// Runs a throughput pair (`local` binds and prints, `remote` connects and
/// sends) with `args` after each tool name; returns the local side's stdout.
fn thr_pair(local: &str, remote: &str, args: &[&str]) -> String {
    let (l, r) = run_pair(
        &[&[local][..], args].concat(),
        &[&[remote][..], args].concat(),
        Duration::from_secs(30),
    );
    assert_ok(&l, local);
    assert_ok(&r, remote);
    assert!(r.stdout.is_empty(), "{remote}: {}", r.stdout);
    l.stdout
}

/// Runs a latency pair (`local` binds and echoes, `remote` connects and
/// prints); returns the remote side's stdout.
fn lat_pair(local: &str, remote: &str, args: &[&str]) -> String {
    let (l, r) = run_pair(
        &[&[local][..], args].concat(),
        &[&[remote][..], args].concat(),
        Duration::from_secs(30),
    );
    assert_ok(&l, local);
    assert_ok(&r, remote);
    assert!(l.stdout.is_empty(), "{local}: {}", l.stdout);
    r.stdout
}

#[test]
fn dealer_to_router_throughput() {
    let ep = tcp_endpoint();
    let out = thr_pair(
        "local-router-thr",
        "remote-dealer-thr",
        &[&ep, "64", "5000"],
    );
    assert_thr_report(&out, 64, 5000);
}

#[test]
fn dealer_to_router_throughput_over_ipc() {
    let path = std::env::temp_dir().join(format!("ferrozmq-cli-dr-{}.ipc", std::process::id()));
    let _ = std::fs::remove_file(&path);
    let ep = format!("ipc://{}", path.display());
    let out = thr_pair("local-router-thr", "remote-dealer-thr", &[&ep, "0", "2000"]);
    let _ = std::fs::remove_file(&path);
    assert_thr_report(&out, 0, 2000);
}

#[test]
fn router_to_dealer_throughput() {
    let ep = tcp_endpoint();
    let out = thr_pair(
        "local-dealer-thr",
        "remote-router-thr",
        &[&ep, "200", "5000"],
    );
    assert_thr_report(&out, 200, 5000);
}

#[test]
fn req_to_router_latency() {
    let ep = tcp_endpoint();
    let out = lat_pair("local-router-lat", "remote-lat", &[&ep, "32", "300"]);
    assert_lat_report(&out, 32, 300);
}

#[test]
fn dealer_to_rep_latency() {
    let ep = tcp_endpoint();
    let out = lat_pair("local-lat", "remote-dealer-lat", &[&ep, "32", "300"]);
    assert_lat_report(&out, 32, 300);
}

/// Runs `pub-<kind>` (binds) and `sub-<kind>` (connects) with `args`;
/// returns their stdouts.
fn pubsub_pair(kind: &str, args: &[&str]) -> (String, String) {
    let (publisher, subscriber) = (format!("pub-{kind}"), format!("sub-{kind}"));
    let (p, s) = run_pair(
        &[&[publisher.as_str()][..], args].concat(),
        &[&[subscriber.as_str()][..], args].concat(),
        Duration::from_secs(30),
    );
    assert_ok(&p, &publisher);
    assert_ok(&s, &subscriber);
    (p.stdout, s.stdout)
}

#[test]
fn pub_sub_fan_out_to_one_subscriber() {
    let ep = tcp_endpoint();
    let (p, s) = pubsub_pair("thr", &[&ep, "16", "20000", "1"]);
    assert!(p.is_empty(), "{p}");
    assert_fanout_report(&s, 16, 20000, 1);
}

#[test]
fn pub_sub_fan_out_to_ten_subscribers() {
    let ep = tcp_endpoint();
    let (p, s) = pubsub_pair("thr", &[&ep, "100", "2000", "10"]);
    assert!(p.is_empty(), "{p}");
    assert_fanout_report(&s, 100, 2000, 10);
}

#[test]
fn pub_sub_topics_matching() {
    let ep = tcp_endpoint();
    let (p, s) = pubsub_pair("topics", &[&ep, "16", "5000", "match"]);
    assert!(p.is_empty(), "{p}");
    assert_thr_report(&s, 16, 5000);
}

#[test]
fn pub_sub_topics_missing() {
    let ep = tcp_endpoint();
    let (p, s) = pubsub_pair("topics", &[&ep, "32", "5000", "miss"]);
    assert_thr_report(&p, 32, 5000);
    assert!(s.is_empty(), "{s}");
}

#[test]
fn throughput_and_latency_over_ws() {
    let ep = tcp_endpoint().replace("tcp://", "ws://") + "/perf";
    let (l, r) = run_pair(
        &["local-thr", &ep, "64", "5000"],
        &["remote-thr", &ep, "64", "5000"],
        Duration::from_secs(30),
    );
    assert_ok(&l, "local-thr");
    assert_ok(&r, "remote-thr");
    assert_thr_report(&l.stdout, 64, 5000);
    let ep = tcp_endpoint().replace("tcp://", "ws://");
    let (l, r) = run_pair(
        &["local-lat", &ep, "32", "300"],
        &["remote-lat", &ep, "32", "300"],
        Duration::from_secs(30),
    );
    assert_ok(&l, "local-lat");
    assert_ok(&r, "remote-lat");
    assert_lat_report(&r.stdout, 32, 300);
}

/// Over wss the tools take their certificates from FERROZMQ_WSS_* (their arguments are
/// libzmq's); without a certificate the binding side fails as zmq_bind.
#[test]
fn throughput_and_latency_over_wss() {
    let dir = std::env::temp_dir().join(format!("ferrozmq-cli-wss-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let certified = rcgen::generate_simple_self_signed(vec!["localhost".into()]).unwrap();
    let (cert, key) = (dir.join("cert.pem"), dir.join("key.pem"));
    std::fs::write(&cert, certified.cert.pem()).unwrap();
    std::fs::write(&key, certified.signing_key.serialize_pem()).unwrap();
    let (cert, key) = (cert.to_str().unwrap(), key.to_str().unwrap());
    let server = [("FERROZMQ_WSS_CERT", cert), ("FERROZMQ_WSS_KEY", key)];
    let client = [
        ("FERROZMQ_WSS_TRUST", cert),
        ("FERROZMQ_WSS_HOSTNAME", "localhost"),
    ];
    let pair = |local: &[&str], remote: &[&str]| {
        let deadline = Instant::now() + Duration::from_secs(30);
        let l = Running::start_with(local, &server);
        let r = Running::start_with(remote, &client);
        let r = r.finish(deadline, &remote.join(" "));
        (l.finish(deadline, &local.join(" ")), r)
    };
    let ep = tcp_endpoint().replace("tcp://", "wss://") + "/perf";
    let (l, r) = pair(
        &["local-thr", &ep, "64", "5000"],
        &["remote-thr", &ep, "64", "5000"],
    );
    assert_ok(&l, "local-thr");
    assert_ok(&r, "remote-thr");
    assert_thr_report(&l.stdout, 64, 5000);
    let ep = tcp_endpoint().replace("tcp://", "wss://");
    let (l, r) = pair(
        &["local-lat", &ep, "32", "300"],
        &["remote-lat", &ep, "32", "300"],
    );
    assert_ok(&l, "local-lat");
    assert_ok(&r, "remote-lat");
    assert_lat_report(&r.stdout, 32, 300);
    let f = run(&["local-thr", &ep, "64", "10"], Duration::from_secs(10));
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(f.status.code(), Some(1), "{}", f.stderr);
    assert!(f.stderr.starts_with("error in zmq_bind: "), "{}", f.stderr);
}
