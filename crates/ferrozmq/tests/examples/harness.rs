//! Running the guide's examples as child processes, for the example smoke tests: locating
//! (and on first use building) the example binaries, starting them with collected output,
//! and waiting for them within a time bound, killing whatever outlives it.

#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex, OnceLock};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

/// The longest any example may run.
pub const TIMEOUT: Duration = Duration::from_secs(30);

/// The path of the built example `name`. `cargo test --test <name>` does not build examples,
/// so the first call runs `cargo build -p ferrozmq --examples` (a no-op when they are up to
/// date) into this test's own target directory and profile.
pub fn example_path(name: &str) -> PathBuf {
    let exe = std::env::current_exe().expect("path of the test executable");
    // target/<profile>/deps/<test>-<hash> -> target/<profile>/examples/<name>
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

/// Builds this package's examples into `profile_dir` (`<target-dir>/<profile>`); a no-op
/// when they are up to date.
pub fn build_examples(profile_dir: &Path) -> Result<(), String> {
    let target_dir = profile_dir.parent().ok_or("no target directory")?;
    let mut command = Command::new(env!("CARGO"));
    command
        .args(["build", "--quiet", "--manifest-path"])
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
             --examples` with the same target directory and profile:\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        ))
    }
}

/// A running example whose stdout and stderr are collected by reader threads. Dropping it
/// kills the process, so a failing test leaves nothing behind.
pub struct Proc {
    name: String,
    /// The example's binary.
    program: PathBuf,
    child: Child,
    stdin: Option<ChildStdin>,
    started: Instant,
    stdout: Arc<Mutex<String>>,
    stderr: Arc<Mutex<String>>,
    readers: Vec<JoinHandle<()>>,
}

/// What a finished example printed.
pub struct Finished {
    pub name: String,
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
}

impl Finished {
    /// The stdout lines.
    pub fn lines(&self) -> Vec<&str> {
        self.stdout.lines().collect()
    }

    /// How many stdout lines equal `line`.
    pub fn count(&self, line: &str) -> usize {
        self.stdout.lines().filter(|l| *l == line).count()
    }

    /// The stdout lines that start with `prefix`.
    pub fn starting_with(&self, prefix: &str) -> Vec<&str> {
        self.stdout
            .lines()
            .filter(|l| l.starts_with(prefix))
            .collect()
    }

    /// Panics with everything the example printed.
    pub fn fail(&self, why: &str) -> ! {
        panic!(
            "{}: {why}\nstatus: {}\nstdout:\n{}\nstderr:\n{}",
            self.name, self.status, self.stdout, self.stderr
        )
    }

    /// The integer in the one stdout line that looks like `prefix<number>suffix`.
    pub fn number_in(&self, prefix: &str, suffix: &str) -> i64 {
        let lines = self.starting_with(prefix);
        let [line] = lines[..] else {
            self.fail(&format!("expected one line starting with {prefix:?}"))
        };
        line[prefix.len()..]
            .strip_suffix(suffix)
            .and_then(|n| n.trim().parse().ok())
            .unwrap_or_else(|| self.fail(&format!("bad line {line:?}")))
    }
}

impl Proc {
    /// Starts example `name` with `args` (no round or duration limit from the environment).
    pub fn start(name: &str, args: &[&str]) -> Proc {
        Proc::start_in(name, args, None)
    }

    /// Like [`start`](Proc::start), in working directory `cwd` (for examples that bind ipc
    /// paths relative to it).
    pub fn start_in(name: &str, args: &[&str], cwd: Option<&Path>) -> Proc {
        let mut command = Command::new(example_path(name));
        command.args(args);
        if let Some(dir) = cwd {
            command.current_dir(dir);
        }
        Proc::spawn(name, args, command)
    }

    /// Like [`start`](Proc::start), inside a network namespace of its own holding loopback
    /// alone (`unshare -n`, `ip link set lo up`, and a default route to `lo` so that the
    /// limited broadcast address 255.255.255.255 goes to loopback): for examples that
    /// broadcast, which must never do so on the machine's own interfaces.
    pub fn start_in_namespace(name: &str, args: &[&str]) -> Proc {
        let mut command = Command::new("unshare");
        command
            .args(["-n", "sh", "-c"])
            .arg(
                "ip link set lo up && ip route add default dev lo src 127.0.0.1 \
                 && exec \"$0\" \"$@\"",
            )
            .arg(example_path(name))
            .args(args);
        Proc::spawn(name, args, command)
    }

    /// Like [`start_in_namespace`](Proc::start_in_namespace), in the network namespace of
    /// `host` (a process started that way), so examples that discover each other by
    /// broadcast can meet: waits until `host` runs its example (its namespace is set up),
    /// checks that namespace is not the machine's, and enters it with `nsenter`.
    pub fn start_in_namespace_of(host: &Proc, name: &str, args: &[&str]) -> Proc {
        let pid = host.pid();
        let host_exe = PathBuf::from(format!("/proc/{pid}/exe"));
        while std::fs::read_link(&host_exe).ok().as_ref() != Some(&host.program) {
            assert!(!host.timed_out(), "{} never started", host.name);
            thread::sleep(Duration::from_millis(10));
        }
        let host_net = format!("/proc/{pid}/ns/net");
        assert_ne!(
            std::fs::read_link(&host_net).expect("host's network namespace"),
            std::fs::read_link("/proc/self/ns/net").expect("our network namespace"),
            "{} is not in a network namespace of its own",
            host.name
        );
        let mut command = Command::new("nsenter");
        command
            .arg(format!("--net={host_net}"))
            .arg(example_path(name))
            .args(args);
        Proc::spawn(name, args, command)
    }

    /// Starts `command` (example `name` run with `args`) with piped stdio, collecting its
    /// output.
    fn spawn(name: &str, args: &[&str], mut command: Command) -> Proc {
        command
            .env_remove("FERROZMQ_EXAMPLE_ROUNDS")
            .env_remove("FERROZMQ_EXAMPLE_SECONDS")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
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
            program: example_path(name),
            stdin: child.stdin.take(),
            child,
            started: Instant::now(),
            stdout,
            stderr,
            readers,
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn stdout(&self) -> String {
        lock(&self.stdout).clone()
    }

    /// Types `line` and Enter on the example's standard input.
    pub fn type_line(&mut self, line: &str) {
        let stdin = self.stdin.as_mut().expect("stdin still open");
        writeln!(stdin, "{line}").expect("write to the example's stdin");
        stdin.flush().expect("flush the example's stdin");
    }

    /// Waits until the example has printed `text` (bounded by [`TIMEOUT`]), panicking with
    /// its output if it does not.
    pub fn wait_for_output(&self, text: &str) {
        self.wait_for_in(&self.stdout, text, 1);
    }

    /// Waits until the example has written `text` to stderr `times` times (its log lines),
    /// bounded by [`TIMEOUT`].
    pub fn wait_for_log(&self, text: &str, times: usize) {
        self.wait_for_in(&self.stderr, text, times);
    }

    fn wait_for_in(&self, pipe: &Mutex<String>, text: &str, times: usize) {
        while lock(pipe).matches(text).count() < times {
            assert!(
                !self.timed_out(),
                "{}: {text:?} not {times} times in:\n{}",
                self.name,
                lock(pipe)
            );
            thread::sleep(Duration::from_millis(20));
        }
    }

    /// Waits until the process catches `signal` (its bit in /proc's `SigCgt` mask), bounded
    /// by [`TIMEOUT`]: a Ctrl-C sent before the example installed its handler would kill it
    /// instead of ending it the way the test expects.
    pub fn wait_for_signal_handler(&self, signal: i32) {
        let status = format!("/proc/{}/status", self.pid());
        let catches = || {
            let text = std::fs::read_to_string(&status).unwrap_or_default();
            text.lines()
                .find_map(|l| l.strip_prefix("SigCgt:"))
                .and_then(|mask| u64::from_str_radix(mask.trim(), 16).ok())
                .is_some_and(|mask| mask & (1 << (signal - 1)) != 0)
        };
        while !catches() {
            assert!(
                !self.timed_out(),
                "{} never caught signal {signal}",
                self.name
            );
            thread::sleep(Duration::from_millis(10));
        }
    }

    /// True once the process has exited.
    pub fn has_exited(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(Some(_)))
    }

    /// True if the process is still running [`TIMEOUT`] after its start.
    pub fn timed_out(&self) -> bool {
        self.started.elapsed() >= TIMEOUT
    }

    /// Waits for the process to exit by itself within [`TIMEOUT`] of its start; kills it and
    /// panics if it does not.
    pub fn finish(mut self) -> Finished {
        self.stdin = None; // End of input, as for a closed terminal.
        let status = loop {
            match self.child.try_wait() {
                Ok(Some(status)) => break status,
                Ok(None) if !self.timed_out() => thread::sleep(Duration::from_millis(10)),
                Ok(None) => {
                    let _ = self.child.kill();
                    let _ = self.child.wait();
                    for reader in self.readers.drain(..) {
                        let _ = reader.join();
                    }
                    panic!(
                        "{} did not exit within {TIMEOUT:?}; killed.\nstdout:\n{}\nstderr:\n{}",
                        self.name,
                        self.stdout(),
                        lock(&self.stderr)
                    );
                }
                Err(e) => panic!("waiting for {}: {e}", self.name),
            }
        };
        self.finished(status)
    }

    /// Kills the process and returns what it printed.
    pub fn kill(mut self) -> Finished {
        let _ = self.child.kill();
        let status = self.child.wait().expect("wait for a killed example");
        self.finished(status)
    }

    /// What the exited process printed, once its output readers are done.
    fn finished(&mut self, status: ExitStatus) -> Finished {
        for reader in self.readers.drain(..) {
            let _ = reader.join();
        }
        Finished {
            name: self.name.clone(),
            status,
            stdout: self.stdout(),
            stderr: lock(&self.stderr).clone(),
        }
    }

    /// [`finish`](Proc::finish), and the process must have exited with success.
    pub fn finish_ok(self) -> Finished {
        let done = self.finish();
        if !done.status.success() {
            done.fail("failed");
        }
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

pub fn lock(text: &Mutex<String>) -> std::sync::MutexGuard<'_, String> {
    text.lock().unwrap_or_else(|e| e.into_inner())
}

/// Appends everything `pipe` gives to `into` until EOF.
pub fn collect(mut pipe: impl Read + Send + 'static, into: Arc<Mutex<String>>) -> JoinHandle<()> {
    thread::spawn(move || {
        let mut buf = [0u8; 4096];
        loop {
            match pipe.read(&mut buf) {
                Ok(0) | Err(_) => return,
                Ok(n) => lock(&into).push_str(&String::from_utf8_lossy(&buf[..n])),
            }
        }
    })
}

/// `N` distinct TCP ports on 127.0.0.1 that were free a moment ago.
pub fn free_ports<const N: usize>() -> [u16; N] {
    let listeners: Vec<TcpListener> = (0..N)
        .map(|_| TcpListener::bind("127.0.0.1:0").expect("bind an ephemeral port"))
        .collect();
    std::array::from_fn(|i| listeners[i].local_addr().expect("local address").port())
}

pub fn tcp(port: u16) -> String {
    format!("tcp://127.0.0.1:{port}")
}

/// Waits, at most [`TIMEOUT`], until something listens on `port` of 127.0.0.1 (a started
/// example has bound): a probe connection is accepted. The probe closes at once, which a
/// ZeroMQ listener takes as a peer that left during its handshake.
pub fn wait_until_listening(port: u16) {
    let started = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            started.elapsed() < TIMEOUT,
            "nothing listens on port {port}"
        );
        thread::sleep(Duration::from_millis(10));
    }
}

/// A fresh directory, removed when dropped.
pub struct TempDir(pub PathBuf);

impl TempDir {
    /// Creates `ferrozmq-<tag>-<pid>-<nanos>` under the system's temporary directory.
    pub fn new(tag: &str) -> TempDir {
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
