//! C programs of ours (tests/c/) compiled against our `zmq.h` and the `libzmq.so.5` this
//! crate builds, and run: the API checks alone (the draft API's too), then REQ/REP and PUB/SUB against pyzmq (with
//! its bundled, real libzmq), a C program on ours on each side in turn. The same sources built
//! against Debian's libzmq3-dev run on ours too, through LD_LIBRARY_PATH alone, as does
//! Debian's python3-zmq.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Output, Stdio};
use std::sync::{mpsc, OnceLock};
use std::time::Duration;

/// How long any one program may run.
const DEADLINE: Duration = Duration::from_secs(60);
/// Messages per interop run.
const COUNT: &str = "200";

fn crate_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A directory holding our library as `libzmq.so` and `libzmq.so.5` and the compiled
/// programs, made once per test run.
fn build_dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        // The test binary is target/<profile>/deps/c_programs-*, next to the cdylib cargo
        // built for this run (the copy one level up is refreshed only by `cargo build`).
        let exe = std::env::current_exe().expect("test binary path");
        let library = exe.with_file_name("libferrozmq_ffi.so");
        assert!(library.exists(), "{} not built", library.display());
        let dir = std::env::temp_dir().join(format!("ferrozmq-ffi-c-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        for name in ["libzmq.so", "libzmq.so.5"] {
            let link = dir.join(name);
            let _ = std::fs::remove_file(&link);
            std::os::unix::fs::symlink(&library, &link).unwrap();
        }
        for program in ["api", "reqrep", "pubsub"] {
            compile(
                program,
                program,
                &["-I", "include", "-L", dir.to_str().unwrap()],
                &dir,
            );
            // The same source against Debian's zmq.h and libzmq.so (libzmq3-dev), to show a
            // binary built for libzmq runs on ours unchanged.
            compile(program, &format!("{program}-debian"), &[], &dir);
        }
        let draft = [
            "-DZMQ_BUILD_DRAFT_API",
            "-I",
            "include",
            "-L",
            dir.to_str().unwrap(),
        ];
        compile("draft", "draft", &draft, &dir);
        dir
    })
}

/// Compiles tests/c/`source`.c into `dir`/`binary` with `flags` (include and library paths)
/// and links it with `-lzmq`.
fn compile(source: &str, binary: &str, flags: &[&str], dir: &Path) {
    let output = Command::new("cc")
        .current_dir(crate_dir())
        .args([
            "-Wall",
            "-Wextra",
            "-Werror",
            "-std=c99",
            "-D_DEFAULT_SOURCE",
        ])
        .args(flags)
        .arg("-o")
        .arg(dir.join(binary))
        .arg(format!("tests/c/{source}.c"))
        .args(["-lzmq", "-lpthread"])
        .output()
        .expect("cc runs");
    assert!(
        output.status.success(),
        "cc {binary}: {}",
        text(&output.stderr)
    );
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// One of our C programs, loading our library.
fn c_program(name: &str) -> Command {
    let dir = build_dir();
    let mut command = Command::new(dir.join(name));
    command.env("LD_LIBRARY_PATH", dir);
    command
}

/// A pyzmq peer running one of tests/py/.
fn python_peer(script: &str) -> Command {
    let mut command = Command::new("python3");
    command.arg(crate_dir().join(format!("tests/py/{script}")));
    command
}

/// Debian's python3-zmq (built for Debian's libzmq, run by Debian's python3) on our library
/// through LD_LIBRARY_PATH, running one of tests/py/; the script checks it loaded ours.
fn debian_python_on_ours(script: &str) -> Command {
    let dir = build_dir();
    let mut command = Command::new("/usr/bin/python3");
    command
        .arg(crate_dir().join(format!("tests/py/{script}")))
        .env("LD_LIBRARY_PATH", dir)
        .env(
            "EXPECT_LIBZMQ",
            // What /proc/self/maps shows: the file behind the libzmq.so.5 link.
            dir.join("libzmq.so.5")
                .canonicalize()
                .expect("our libzmq.so.5"),
        );
    command
}

/// A running program whose output is checked; killed if dropped unfinished.
struct Running {
    child: Option<Child>,
    stdout: BufReader<ChildStdout>,
}

impl Running {
    fn start(command: &mut Command) -> Running {
        let mut child = command
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("program starts");
        let stdout = BufReader::new(child.stdout.take().unwrap());
        Running {
            child: Some(child),
            stdout,
        }
    }

    /// The first line the program prints (a server's endpoint), waited for with the deadline.
    fn first_line(&mut self) -> String {
        let mut line = String::new();
        // The program's own receive timeouts bound this read; a dead program gives EOF.
        self.stdout.read_line(&mut line).expect("read stdout");
        assert!(
            !line.is_empty(),
            "no endpoint line: {}",
            self.finish_output().1
        );
        line.trim().to_string()
    }

    /// Waits up to DEADLINE for exit; returns the rest of stdout and all of stderr.
    fn finish_output(&mut self) -> (Output, String) {
        let child = self.child.take().unwrap();
        let pid = child.id() as i32;
        let (done, finished) = mpsc::channel();
        let mut rest = String::new();
        let _ = self.stdout.read_to_string(&mut rest);
        std::thread::spawn(move || {
            let _ = done.send(child.wait_with_output());
        });
        match finished.recv_timeout(DEADLINE) {
            Ok(output) => (output.expect("wait"), rest),
            Err(_) => {
                // SAFETY: kill(2) on our own child's pid, not yet reaped (its waiter is blocked).
                unsafe { libc::kill(pid, libc::SIGKILL) };
                panic!("program {pid} ran past {DEADLINE:?}");
            }
        }
    }

    /// Waits for exit and checks it succeeded and printed `ok`.
    fn expect_ok(mut self, what: &str) {
        let (output, rest) = self.finish_output();
        assert!(
            output.status.success() && rest.lines().any(|line| line.starts_with("ok")),
            "{what}: {}\nstdout: {rest}\nstderr: {}",
            output.status,
            text(&output.stderr)
        );
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(child) = &mut self.child {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// Runs `server` (which prints its endpoint first) and then `client` against it; both must
/// finish with "ok".
fn pair(mut server: Command, mut client: Command, what: &str) {
    let mut running_server = Running::start(server.arg(COUNT));
    let endpoint = running_server.first_line();
    let running_client = Running::start(client.arg(&endpoint).arg(COUNT));
    running_client.expect_ok(&format!("{what}: client"));
    running_server.expect_ok(&format!("{what}: server"));
}

/// Checks the dynamic loader resolves `program`'s libzmq.so.5 to ours.
fn assert_loads_ours(program: &str) {
    let ldd = Command::new("ldd")
        .arg(build_dir().join(program))
        .env("LD_LIBRARY_PATH", build_dir())
        .output()
        .expect("ldd runs");
    let resolved = text(&ldd.stdout);
    let ours = format!(
        "libzmq.so.5 => {}",
        build_dir().join("libzmq.so.5").display()
    );
    assert!(
        resolved.contains(&ours),
        "{program} does not load ours: {resolved}"
    );
}

#[test]
fn c_api_checks_pass_on_our_library() {
    assert_loads_ours("api");
    Running::start(&mut c_program("api")).expect_ok("api");
}

#[test]
fn c_draft_api_checks_pass_on_our_library() {
    assert_loads_ours("draft");
    Running::start(&mut c_program("draft")).expect_ok("draft");
}

#[test]
fn c_api_checks_built_against_debians_libzmq_pass_on_ours() {
    assert_loads_ours("api-debian");
    Running::start(&mut c_program("api-debian")).expect_ok("api built for Debian's libzmq");
}

#[test]
fn c_rep_built_against_debians_libzmq_serves_pyzmq_on_ours() {
    assert_loads_ours("reqrep-debian");
    let mut server = c_program("reqrep-debian");
    server.arg("server");
    let mut client = python_peer("reqrep.py");
    client.arg("client");
    pair(
        server,
        client,
        "C REP built for Debian's libzmq, on ours / pyzmq REQ",
    );
}

#[test]
fn debians_python3_zmq_on_ours_asks_pyzmq_on_libzmq() {
    let mut server = python_peer("reqrep.py");
    server.arg("server");
    let mut client = debian_python_on_ours("reqrep.py");
    client.arg("client");
    pair(
        server,
        client,
        "pyzmq REP / Debian's python3-zmq REQ, on ours",
    );
}

#[test]
fn debians_python3_zmq_on_ours_serves_pyzmq_on_libzmq() {
    let mut server = debian_python_on_ours("reqrep.py");
    server.arg("server");
    let mut client = python_peer("reqrep.py");
    client.arg("client");
    pair(
        server,
        client,
        "Debian's python3-zmq REP, on ours / pyzmq REQ",
    );
}

#[test]
fn c_rep_on_ours_serves_pyzmq_req() {
    let mut server = c_program("reqrep");
    server.arg("server");
    let mut client = python_peer("reqrep.py");
    client.arg("client");
    pair(server, client, "C REP / pyzmq REQ");
}

#[test]
fn c_req_on_ours_asks_pyzmq_rep() {
    let mut server = python_peer("reqrep.py");
    server.arg("server");
    let mut client = c_program("reqrep");
    client.arg("client");
    pair(server, client, "pyzmq REP / C REQ");
}

#[test]
fn c_xpub_on_ours_publishes_to_pyzmq_sub() {
    let mut server = c_program("pubsub");
    server.arg("pub");
    let mut client = python_peer("pubsub.py");
    client.arg("sub");
    pair(server, client, "C XPUB / pyzmq SUB");
}

#[test]
fn c_sub_on_ours_hears_pyzmq_xpub() {
    let mut server = python_peer("pubsub.py");
    server.arg("pub");
    let mut client = c_program("pubsub");
    client.arg("sub");
    pair(server, client, "pyzmq XPUB / C SUB");
}
