//! Smoke tests of the request-reply examples of zguide chapters 3 and 4 (`examples/`):
//! rrclient/rrworker/rrbroker, identity, rtreq, rtdealer, lbbroker, asyncsrv and
//! lpclient/spqueue/spworker.
//!
//! Each test runs the built example binaries as child processes, with small round counts and
//! free ports, bounded in time (a child still running after [`TIMEOUT`] is killed and the test
//! fails), and checks their exit status and the lines they print. The binaries are those next
//! to this test's executable (`target/<profile>/examples/<name>`); as `cargo test --test
//! examples_reqrep` does not build examples, the tests first run `cargo build --examples`.

use std::io::Read;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex, OnceLock};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

/// The longest any example may run.
const TIMEOUT: Duration = Duration::from_secs(30);

/// The path of the built example `name`. `cargo test --test examples_reqrep` does not build
/// examples, so the first call runs `cargo build -p ferrozmq --examples` (a no-op when they are
/// up to date) into this test's own target directory and profile.
fn example_path(name: &str) -> PathBuf {
    let exe = std::env::current_exe().expect("path of the test executable");
    // target/<profile>/deps/examples_reqrep-<hash> -> target/<profile>/examples/<name>
    let profile_dir = exe
        .parent()
        .and_then(Path::parent)
        .expect("target/<profile> directory");
    static BUILT: OnceLock<Result<(), String>> = OnceLock::new();
    if let Err(e) = BUILT.get_or_init(|| build_examples(profile_dir)) {
        panic!("{e}");
    }
    let path = profile_dir
        .join("examples")
        .join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    assert!(
        path.is_file(),
        "example binary {} is missing after building the examples",
        path.display()
    );
    path
}

/// Builds this package's examples into `profile_dir` (`<target-dir>/<profile>`).
fn build_examples(profile_dir: &Path) -> Result<(), String> {
    let target_dir = profile_dir.parent().ok_or("no target directory")?;
    let mut command = Command::new(env!("CARGO"));
    command
        .arg("build")
        .arg("--quiet")
        .arg("--manifest-path")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml"))
        .args(["-p", env!("CARGO_PKG_NAME"), "--examples", "--target-dir"])
        .arg(target_dir);
    match profile_dir.file_name().and_then(|n| n.to_str()) {
        Some("debug") => {}
        Some("release") => {
            command.arg("--release");
        }
        Some(profile) => {
            command.args(["--profile", profile]);
        }
        None => return Err("no profile directory".into()),
    }
    let output = command
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run cargo to build the examples: {e}"))?;
    if output.status.success() {
        Ok(())
    } else {
        Err(format!(
            "building the examples failed ({}); build them with `cargo build -p ferrozmq \
             --examples` and the same target directory and profile:\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        ))
    }
}

/// A running example: its stdout and stderr are collected by reader threads. Dropping it
/// kills the process, so a failing test leaves nothing behind.
struct Proc {
    name: String,
    child: Child,
    started: Instant,
    stdout: Arc<Mutex<String>>,
    stderr: Arc<Mutex<String>>,
    readers: Vec<JoinHandle<()>>,
}

/// What a finished example printed.
struct Finished {
    status: ExitStatus,
    stdout: String,
    stderr: String,
}

impl Finished {
    fn lines(&self) -> Vec<&str> {
        self.stdout.lines().collect()
    }

    /// How many stdout lines equal `line`.
    fn count(&self, line: &str) -> usize {
        self.stdout.lines().filter(|l| *l == line).count()
    }
}

impl Proc {
    fn start(name: &str, args: &[&str]) -> Proc {
        Proc::start_in(name, args, None)
    }

    fn start_in(name: &str, args: &[&str], cwd: Option<&Path>) -> Proc {
        let mut command = Command::new(example_path(name));
        command
            .args(args)
            .env_remove("FERROZMQ_EXAMPLE_ROUNDS")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        if let Some(dir) = cwd {
            command.current_dir(dir);
        }
        let mut child = command
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start example {name}: {e}"));
        let stdout = Arc::new(Mutex::new(String::new()));
        let stderr = Arc::new(Mutex::new(String::new()));
        let readers = vec![
            collect(child.stdout.take().expect("piped stdout"), stdout.clone()),
            collect(child.stderr.take().expect("piped stderr"), stderr.clone()),
        ];
        Proc {
            name: format!("{name} {}", args.join(" ")),
            child,
            started: Instant::now(),
            stdout,
            stderr,
            readers,
        }
    }

    fn stdout(&self) -> String {
        self.stdout
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    fn stderr(&self) -> String {
        self.stderr
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Waits for the process to exit by itself within [`TIMEOUT`] of its start; kills it and
    /// panics if it does not.
    fn finish(mut self) -> Finished {
        let status = loop {
            match self.child.try_wait() {
                Ok(Some(status)) => break status,
                Ok(None) if self.started.elapsed() < TIMEOUT => {
                    thread::sleep(Duration::from_millis(20))
                }
                Ok(None) => {
                    let _ = self.child.kill();
                    let _ = self.child.wait();
                    panic!(
                        "{} did not exit within {TIMEOUT:?}; killed.\nstdout:\n{}\nstderr:\n{}",
                        self.name,
                        self.stdout(),
                        self.stderr()
                    );
                }
                Err(e) => panic!("waiting for {}: {e}", self.name),
            }
        };
        for reader in self.readers.drain(..) {
            let _ = reader.join();
        }
        Finished {
            status,
            stdout: self.stdout(),
            stderr: self.stderr(),
        }
    }

    /// Kills the process and returns what it printed.
    fn kill(mut self) -> Finished {
        let _ = self.child.kill();
        let status = self.child.wait().expect("wait for a killed example");
        for reader in self.readers.drain(..) {
            let _ = reader.join();
        }
        Finished {
            status,
            stdout: self.stdout(),
            stderr: self.stderr(),
        }
    }

    /// [`finish`](Proc::finish), and the process must have succeeded.
    fn finish_ok(self) -> Finished {
        let name = self.name.clone();
        let done = self.finish();
        assert!(
            done.status.success(),
            "{name} failed: {}\nstdout:\n{}\nstderr:\n{}",
            done.status,
            done.stdout,
            done.stderr
        );
        done
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
    }
}

/// Appends everything `pipe` gives to `into` until EOF.
fn collect(mut pipe: impl Read + Send + 'static, into: Arc<Mutex<String>>) -> JoinHandle<()> {
    thread::spawn(move || {
        let mut buf = [0u8; 4096];
        loop {
            match pipe.read(&mut buf) {
                Ok(0) | Err(_) => return,
                Ok(n) => into
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push_str(&String::from_utf8_lossy(&buf[..n])),
            }
        }
    })
}

/// `n` distinct TCP ports on 127.0.0.1 that were free a moment ago.
fn free_ports<const N: usize>() -> [u16; N] {
    let listeners: Vec<TcpListener> = (0..N)
        .map(|_| TcpListener::bind("127.0.0.1:0").expect("bind an ephemeral port"))
        .collect();
    std::array::from_fn(|i| listeners[i].local_addr().expect("local address").port())
}

fn tcp(port: u16) -> String {
    format!("tcp://127.0.0.1:{port}")
}

/// A fresh directory, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> TempDir {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let path =
            std::env::temp_dir().join(format!("ferrozmq-{tag}-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&path).expect("create a temporary directory");
        TempDir(path)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn rrclient_rrworker_rrbroker() {
    let [frontend, backend] = free_ports();
    let broker = Proc::start(
        "rrbroker",
        &[&tcp(frontend), &tcp(backend), "--count", "10"],
    );
    // The worker runs until the test stops it: see `rrworker_exits_after_its_last_reply` for
    // why it is not given `--count`.
    let worker = Proc::start("rrworker", &[&tcp(backend)]);
    let client = Proc::start("rrclient", &[&tcp(frontend)]);

    let client = client.finish_ok();
    let expected: Vec<String> = (0..10)
        .map(|i| format!("Received reply {i} [World]"))
        .collect();
    assert_eq!(client.lines(), expected, "rrclient output");
    broker.finish_ok();
    let worker = worker.kill();
    assert_eq!(
        worker.count("Received request: [Hello]"),
        10,
        "{}",
        worker.stdout
    );
    assert_eq!(worker.lines().len(), 10, "{}", worker.stdout);
}

/// The worker exits right after sending its last reply. That reply must still reach the
/// client (LINGER is infinite), but ferrozmq loses it now and then: a DEALER that is polled
/// (here rrbroker's backend) drops a peer's unread messages as soon as the peer disconnects,
/// because `get_events` asks the load balancer for POLLOUT, and `LoadBalancer::select` marks
/// any pipe whose other end closed as dead, unread input and all.
#[test]
fn rrworker_exits_after_its_last_reply() {
    for _ in 0..5 {
        let [frontend, backend] = free_ports();
        let broker = Proc::start("rrbroker", &[&tcp(frontend), &tcp(backend), "--count", "2"]);
        let worker = Proc::start("rrworker", &[&tcp(backend), "--count", "2"]);
        let client = Proc::start("rrclient", &[&tcp(frontend), "--count", "2"]);
        let client = client.finish_ok();
        assert_eq!(
            client.count("Received reply 1 [World]"),
            1,
            "{}",
            client.stdout
        );
        worker.finish_ok();
        broker.finish_ok();
    }
}

#[test]
fn identity_shows_generated_and_chosen_identities() {
    let done = Proc::start("identity", &[]).finish_ok();
    let lines = done.lines();
    let rule = "-".repeat(40);
    assert_eq!(lines.len(), 8, "{}", done.stdout);
    assert_eq!(lines[0], rule);
    // A generated identity: 5 bytes, a zero byte then a 32-bit number, shown in hex.
    let generated = lines[1]
        .strip_prefix("[005] 00")
        .unwrap_or_else(|| panic!("not a generated identity: {:?}", lines[1]));
    assert!(
        generated.len() == 8 && generated.bytes().all(|b| b.is_ascii_hexdigit()),
        "not a generated identity: {:?}",
        lines[1]
    );
    assert_eq!(lines[2], "[000]");
    assert_eq!(lines[3], "[039] ROUTER uses a generated 5 byte identity");
    assert_eq!(lines[4], rule);
    assert_eq!(lines[5], "[005] PEER2");
    assert_eq!(lines[6], "[000]");
    assert_eq!(lines[7], "[033] ROUTER uses REQ's socket identity");
}

/// rtreq and rtdealer: ten workers each print "Completed: N tasks"; the Ns add up to the
/// tasks the broker handed out.
fn check_router_to_workers(example: &str) {
    let done = Proc::start(example, &["tcp://127.0.0.1:*", "--count", "30"]).finish_ok();
    let lines = done.lines();
    assert_eq!(lines.len(), 10, "one line per worker:\n{}", done.stdout);
    let total: u32 = lines
        .iter()
        .map(|line| {
            line.strip_prefix("Completed: ")
                .and_then(|l| l.strip_suffix(" tasks"))
                .and_then(|n| n.parse::<u32>().ok())
                .unwrap_or_else(|| panic!("unexpected line {line:?}"))
        })
        .sum();
    assert_eq!(total, 30, "{}", done.stdout);
}

#[test]
fn rtreq_fires_ten_req_workers() {
    check_router_to_workers("rtreq");
}

#[test]
fn rtdealer_fires_ten_dealer_workers() {
    check_router_to_workers("rtdealer");
}

#[test]
fn lbbroker_serves_every_client() {
    // The example binds ipc://frontend.ipc and ipc://backend.ipc in its working directory.
    let dir = TempDir::new("lbbroker");
    let done = Proc::start_in("lbbroker", &[], Some(&dir.0)).finish_ok();
    assert_eq!(done.count("Client: OK"), 10, "{}", done.stdout);
    assert_eq!(done.count("Worker: HELLO"), 10, "{}", done.stdout);
    assert_eq!(done.lines().len(), 20, "{}", done.stdout);
    assert!(done.stderr.is_empty(), "stderr: {}", done.stderr);
}

#[test]
fn asyncsrv_clients_get_replies_and_everything_stops() {
    let started = Instant::now();
    let done = Proc::start("asyncsrv", &["tcp://127.0.0.1:*", "--count", "4"]).finish_ok();
    assert!(
        started.elapsed() >= Duration::from_secs(4),
        "ran less than its 4 seconds"
    );
    assert!(done.stderr.is_empty(), "stderr: {}", done.stderr);
    let lines = done.lines();
    // Twelve requests in four seconds, each answered 0..4 times: nothing at all would be a bug.
    assert!(!lines.is_empty(), "no reply reached any client");
    let mut clients = std::collections::HashSet::new();
    for line in lines {
        // XXXX-XXXX[0NN] request #N
        let (client, rest) = line.split_at_checked(9).unwrap_or(("", ""));
        let (id_a, id_b) = client.split_once('-').unwrap_or(("", ""));
        let hex = |s: &str| s.len() == 4 && s.bytes().all(|b| b.is_ascii_hexdigit());
        assert!(hex(id_a) && hex(id_b), "bad client identity in {line:?}");
        clients.insert(client.to_string());
        let content = rest
            .strip_prefix('[')
            .and_then(|r| r.split_once("] "))
            .filter(|(size, content)| size.parse::<usize>().ok() == Some(content.len()))
            .map(|(_, content)| content)
            .unwrap_or_else(|| panic!("bad frame in {line:?}"));
        let n = content
            .strip_prefix("request #")
            .and_then(|n| n.parse::<u32>().ok())
            .unwrap_or_else(|| panic!("not a request echo: {line:?}"));
        assert!(
            (1..=4).contains(&n),
            "request #{n} was never sent: {line:?}"
        );
    }
    assert!(clients.len() <= 3, "more than three clients: {clients:?}");
}

#[test]
fn lpclient_survives_a_worker_crash_when_restarted() {
    let [frontend, backend] = free_ports();
    let queue = Proc::start("spqueue", &[&tcp(frontend), &tcp(backend), "--count", "5"]);
    let crashing = Proc::start("spworker", &[&tcp(backend), "--simulate", "crash:3"]);
    let client = Proc::start("lpclient", &[&tcp(frontend), "--count", "5"]);

    // The worker answers requests 1 and 2, then "crashes" on request 3.
    let crashed = crashing.finish_ok();
    let crashed_lines = crashed.lines();
    assert_eq!(crashed_lines.len(), 4, "{}", crashed.stdout);
    assert!(
        crashed_lines[0].ends_with(") worker ready"),
        "{}",
        crashed.stdout
    );
    assert!(
        crashed_lines[3].ends_with(") simulating a crash"),
        "{}",
        crashed.stdout
    );
    assert_eq!(
        crashed.stdout.matches(") normal reply").count(),
        2,
        "{}",
        crashed.stdout
    );

    // A new worker takes over: the client's retried request 3, then 4 and 5.
    let restarted = Proc::start(
        "spworker",
        &[&tcp(backend), "--count", "3", "--simulate", "none"],
    );
    let client = client.finish_ok();
    assert_eq!(
        client.lines(),
        [
            "I: connecting to server...",
            "I: server replied OK (1)",
            "I: server replied OK (2)",
            "W: no response from server, retrying...",
            "I: connecting to server...",
            "I: server replied OK (3)",
            "I: server replied OK (4)",
            "I: server replied OK (5)",
        ],
        "lpclient output"
    );
    let restarted = restarted.finish_ok();
    assert_eq!(
        restarted.stdout.matches(") normal reply").count(),
        3,
        "{}",
        restarted.stdout
    );
    queue.finish_ok();
}

#[test]
fn lpclient_survives_an_overloaded_worker() {
    let [frontend, backend] = free_ports();
    // Four replies: 1, the late answer to the first try of 2 (to a closed client socket),
    // 2 again and 3.
    let queue = Proc::start("spqueue", &[&tcp(frontend), &tcp(backend), "--count", "4"]);
    let worker = Proc::start(
        "spworker",
        &[&tcp(backend), "--count", "4", "--simulate", "overload:2"],
    );
    // The overloaded worker answers after 4 s; the client gives up on it after 3 s.
    let client = Proc::start(
        "lpclient",
        &[&tcp(frontend), "--count", "3", "--timeout", "3000"],
    );
    let client = client.finish_ok();
    assert_eq!(
        client.lines(),
        [
            "I: connecting to server...",
            "I: server replied OK (1)",
            "W: no response from server, retrying...",
            "I: connecting to server...",
            "I: server replied OK (2)",
            "I: server replied OK (3)",
        ],
        "lpclient output"
    );
    let worker = worker.finish_ok();
    assert_eq!(
        worker.stdout.matches(") simulating CPU overload").count(),
        1,
        "{}",
        worker.stdout
    );
    assert_eq!(
        worker.stdout.matches(") normal reply").count(),
        4,
        "{}",
        worker.stdout
    );
    queue.finish_ok();
}

#[test]
fn lpclient_abandons_when_no_server_answers() {
    let [port] = free_ports();
    let client = Proc::start(
        "lpclient",
        &[&tcp(port), "--timeout", "300", "--retries", "3"],
    );
    let done = client.finish();
    assert_eq!(
        done.status.code(),
        Some(1),
        "exit status; stderr: {}",
        done.stderr
    );
    assert_eq!(
        done.lines(),
        [
            "I: connecting to server...",
            "W: no response from server, retrying...",
            "I: connecting to server...",
            "W: no response from server, retrying...",
            "I: connecting to server...",
            "E: server seems to be offline, abandoning",
        ]
    );
}
