//! End-to-end tests of the `ferrozmq` binary, run as processes: argument
//! errors, help, and the perf tools talking to each other over tcp and ipc.
//! Every child is killed if a test runs over its time bound.

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
        let mut child = Command::new(BIN)
            .args(args)
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

#[test]
fn bad_arguments_exit_2_with_a_one_line_error() {
    let cases: &[&[&str]] = &[
        &[],
        &["frobnicate"],
        &["local-thr"],
        &["local-thr", "tcp://127.0.0.1:5555", "16"],
        &["local-thr", "tcp://127.0.0.1:5555", "x", "10"],
        &["remote-thr", "tcp://127.0.0.1:5555", "16", "-3"],
        &["remote-thr", "tcp://127.0.0.1:5555", "16", "10", "1"],
        &["local-lat", "tcp://127.0.0.1:5555", "16", "10", "0"],
        &["remote-lat", "tcp://127.0.0.1:5555", "16", "0"],
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
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{}", r.stdout);
    assert_eq!(lines[0], "message size: 32 [B]");
    assert_eq!(lines[1], "roundtrip count: 300");
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

#[test]
fn bench_runs_every_case() {
    let f = run(
        &["bench", "--count-scale", "0.0002", "--timeout", "30"],
        Duration::from_secs(120),
    );
    assert_ok(&f, "bench");
    let lines: Vec<&str> = f.stdout.lines().collect();
    assert_eq!(lines.len(), 2 + 7, "{}", f.stdout);
    assert!(
        lines.iter().all(|l| l.starts_with('|') && l.ends_with('|')),
        "{}",
        f.stdout
    );
    assert!(!f.stdout.contains("FAILED"), "{}", f.stdout);
    assert!(f.stdout.contains("PUSH/PULL ipc 64 KiB") && f.stdout.contains("REQ/REP tcp 64 B"));
    assert!(f.stderr.contains("[7/7]"), "{}", f.stderr);
}
