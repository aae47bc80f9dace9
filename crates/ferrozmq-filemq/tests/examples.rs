//! The guide's examples as processes: fileio1-3 and nom_server on the guide's fixed ports
//! (6000, 5670), and track (5670), each in a loopback-only network namespace of its own
//! (`unshare -n`), so they share no port with anything else on the machine; the Zyre
//! sender and listener together in one such namespace (they broadcast beacons).

#[path = "../../ferrozmq/tests/examples/harness.rs"]
mod harness;
#[path = "../../ferrozmq/tests/common/netns.rs"]
mod netns;

mod common;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::time::{Duration, Instant};

/// An example running in its own network namespace, its stdout lines arriving on a channel;
/// killed on drop.
struct Example {
    child: Child,
    lines: Receiver<String>,
}

impl Example {
    /// Starts example `name` in `cwd`, in a loopback-only namespace of its own.
    fn start(name: &str, args: &[&str], cwd: &Path) -> Example {
        let mut command = Command::new("unshare");
        command
            .args([
                "-n",
                "sh",
                "-c",
                "ip link set lo up && cd \"$1\" && shift && exec \"$0\" \"$@\"",
            ])
            .arg(harness::example_path(name))
            .arg(cwd)
            .args(args);
        Example::spawn(command)
    }

    /// Starts example `name` in `cwd`, in this process's namespace, beaconing on `lo`.
    fn start_here(name: &str, args: &[&str], cwd: &Path) -> Example {
        let mut command = Command::new(harness::example_path(name));
        command
            .args(args)
            .current_dir(cwd)
            .env("ZSYS_INTERFACE", "lo");
        Example::spawn(command)
    }

    fn spawn(mut command: Command) -> Example {
        let mut child = command
            .stdout(Stdio::piped())
            .stdin(Stdio::null())
            .spawn()
            .expect("start the example");
        let (tx, lines) = channel();
        let stdout = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Example { child, lines }
    }

    /// Waits for a line equal to `want` (or, with a trailing `*`, starting with it).
    fn expect_line(&self, want: &str, limit: Duration) -> String {
        let deadline = Instant::now() + limit;
        let mut seen = Vec::new();
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    let hit = match want.strip_suffix('*') {
                        Some(prefix) => line.starts_with(prefix),
                        None => line == want,
                    };
                    if hit {
                        return line;
                    }
                    seen.push(line);
                }
                Err(_) => panic!("no line {want:?} within {limit:?}; saw {seen:?}"),
            }
        }
    }
}

impl Drop for Example {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn fileio(name: &str, size: usize, chunks: usize) {
    let dir = tempfile::tempdir().unwrap();
    common::write_file(&dir.path().join("testdata"), size, 11);
    let example = Example::start(name, &[], dir.path());
    example.expect_line(
        &format!("{chunks} chunks received, {size} bytes"),
        Duration::from_secs(120),
    );
}

#[test]
fn fileio1_blasts_the_whole_file_and_an_empty_chunk() {
    // 40 full chunks of 250,000 bytes, the 123-byte rest, and the empty end.
    fileio("fileio1", 10_000_123, 42);
}

#[test]
fn fileio2_fetches_chunk_by_chunk() {
    fileio("fileio2", 10_000_123, 41);
}

#[test]
fn fileio3_pipelines_ten_requests() {
    fileio("fileio3", 10_000_123, 41);
}

#[test]
fn nom_server_passes_its_selftest() {
    let dir = tempfile::tempdir().unwrap();
    let example = Example::start("nom_server", &["--selftest"], dir.path());
    example.expect_line(" * nom_server: OK", Duration::from_secs(30));
}

#[test]
fn track_mirrors_a_directory() {
    let dir = tempfile::tempdir().unwrap();
    common::make_tree(&dir.path().join("send"), 5, 0);
    common::write_file(&dir.path().join("send/top.txt"), 10, 1);
    let example = Example::start("track", &["send", "recv"], dir.path());
    let mut names = Vec::new();
    for _ in 0..6 {
        names.push(example.expect_line("I: received *", Duration::from_secs(30)));
    }
    assert!(
        names
            .iter()
            .any(|l| l.starts_with("I: received /top.txt (")),
        "{names:?}"
    );
    assert_eq!(
        common::digests(&dir.path().join("send")),
        common::digests(&dir.path().join("recv"))
    );
}

#[test]
fn the_zyre_listener_receives_the_file_the_sender_publishes() {
    netns::in_namespace_at(
        "the_zyre_listener_receives_the_file_the_sender_publishes",
        || {
            let dir = tempfile::tempdir().unwrap();
            common::write_file(&dir.path().join("doc.bin"), 300_000, 4);
            let sender = Example::start_here("sender", &["doc.bin", "/docs/doc.bin"], dir.path());
            sender.expect_line(
                "Publishing doc.bin as /docs/doc.bin",
                Duration::from_secs(10),
            );
            let listener = Example::start_here("listener", &[], dir.path());
            listener.expect_line("ENTER *", Duration::from_secs(20));
            let line = listener.expect_line("DELIVER /docs/doc.bin *", Duration::from_secs(30));
            let fullname = line.rsplit(' ').next().unwrap();
            let got = ferrozmq_filemq::file_sha1(&dir.path().join(fullname), None).unwrap();
            let sent = ferrozmq_filemq::file_sha1(&dir.path().join("doc.bin"), None).unwrap();
            assert_eq!(got, sent);
        },
    );
}
