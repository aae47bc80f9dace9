//! `ferrozmq filemq` as processes: a server killed (SIGKILL) mid-transfer and restarted on
//! the same endpoint (with our library client, whose byte count proves the resume, and
//! with `ferrozmq filemq sync`), and a server's memory while clients withhold credit or
//! never read.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant, SystemTime};

use ferrozmq::{Context, DEALER};
use ferrozmq_filemq::msg::Command as Fmq;
use ferrozmq_filemq::{Client, ClientOptions, Event};

const BIN: &str = env!("CARGO_BIN_EXE_ferrozmq");

/// Writes `size` pseudo-random bytes, dated 10 s back (stable at once).
fn write_file(path: &Path, size: usize, seed: u64) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let mut file = std::fs::File::create(path).unwrap();
    let mut state = seed | 1;
    let mut buf = vec![0u8; 1 << 20];
    let mut left = size;
    while left > 0 {
        let n = left.min(buf.len());
        for byte in buf[..n].iter_mut() {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            *byte = (state >> 56) as u8;
        }
        file.write_all(&buf[..n]).unwrap();
        left -= n;
    }
    file.set_modified(SystemTime::now() - Duration::from_secs(10))
        .unwrap();
}

fn digests(root: &Path) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            if entry.file_type().unwrap().is_dir() {
                stack.push(entry.path());
            } else {
                let rel = entry
                    .path()
                    .strip_prefix(root)
                    .unwrap()
                    .display()
                    .to_string();
                out.insert(
                    rel,
                    ferrozmq_filemq::file_sha1(&entry.path(), None).unwrap(),
                );
            }
        }
    }
    out
}

/// Starts `ferrozmq filemq serve DIR -b ENDPOINT` and returns it with the endpoint bound.
fn serve(dir: &Path, endpoint: &str) -> (Child, String) {
    let mut child = Command::new(BIN)
        .args(["filemq", "serve", dir.to_str().unwrap(), "-b", endpoint])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let bound = line.trim().rsplit(" on ").next().unwrap().to_string();
    assert!(bound.starts_with("tcp://"), "{line:?}");
    (child, bound)
}

/// Kills the child on drop, so that a failing test leaves no server behind.
struct Reaper(Child);

impl Drop for Reaper {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn a_server_killed_mid_transfer_and_restarted_resumes_the_client_to_an_identical_tree() {
    let src = tempfile::tempdir().unwrap();
    let dst = tempfile::tempdir().unwrap();
    let big = 100 * 1024 * 1024;
    let mut small_total = 0;
    for i in 0..30 {
        let size = 100 + i * 211;
        small_total += size as u64;
        write_file(&src.path().join(format!("small/s{i}.txt")), size, i as u64);
    }
    write_file(&src.path().join("video/big.bin"), big, 77);
    let (server, endpoint) = serve(src.path(), "tcp://127.0.0.1:*");
    let mut server = Reaper(server);
    let ctx = Context::new();
    let client = Client::connect(&ctx, &endpoint, dst.path(), ClientOptions::default()).unwrap();
    client.subscribe("/").unwrap();
    // Kill the server once the big file is well under way. Nothing signals "8 MiB
    // written", so the partial file is looked at every few milliseconds, to a deadline.
    let partial = dst.path().join("video/big.bin.fmqpart");
    let deadline = Instant::now() + Duration::from_secs(120);
    let size_of = |p: &Path| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0);
    while size_of(&partial) < 8 * 1024 * 1024 {
        assert!(Instant::now() < deadline, "the big file never got going");
        std::thread::sleep(Duration::from_millis(2));
    }
    server.0.kill().unwrap();
    server.0.wait().unwrap();
    let written_at_kill = size_of(&partial);
    assert!(written_at_kill < big as u64, "finished before the kill");
    let (restarted, again) = serve(src.path(), &endpoint);
    let _restarted = Reaper(restarted);
    assert_eq!(again, endpoint);
    let mut missing: std::collections::BTreeSet<String> = digests(src.path())
        .into_keys()
        .map(|k| format!("/{k}"))
        .collect();
    let deadline = Instant::now() + Duration::from_secs(300);
    while !missing.is_empty() {
        let left = deadline.saturating_duration_since(Instant::now());
        assert!(!left.is_zero(), "missing {missing:?}");
        if let Some(Event::Deliver { filename, .. }) = client.recv_timeout(left) {
            missing.remove(&filename);
        }
    }
    assert_eq!(digests(src.path()), digests(dst.path()));
    let stats = client.stats();
    assert!(
        stats.peerings.load(Ordering::Relaxed) >= 2,
        "no second peering"
    );
    // Sent again from zero, the big file would cost written_at_kill bytes more.
    let received = stats.bytes_received.load(Ordering::Relaxed);
    assert!(
        received < big as u64 + small_total + written_at_kill / 2,
        "received {received}: the big file was not resumed (written {written_at_kill} at kill)"
    );
    assert_eq!(stats.credit_exceeded.load(Ordering::Relaxed), 0);
}

fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status.lines().find(|l| l.starts_with("VmRSS:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

/// A raw FILEMQ client on a DEALER: opened, subscribed to / with RESYNC.
fn raw_subscriber(ctx: &Context, endpoint: &str, rcvhwm: i32) -> ferrozmq::Socket {
    let socket = ctx.socket(DEALER).unwrap();
    socket.set_linger(0).unwrap();
    socket.set_rcvtimeo(10_000).unwrap();
    socket.set_rcvhwm(rcvhwm).unwrap();
    socket.connect(endpoint).unwrap();
    let recv = |s: &ferrozmq::Socket| Fmq::decode(&s.recv_multipart(0).unwrap()).unwrap();
    socket.send_multipart(Fmq::Ohai.encode(), 0).unwrap();
    assert!(matches!(recv(&socket), Fmq::Orly { .. }));
    let yarly = Fmq::Yarly {
        mechanism: "ANONYMOUS".into(),
        response: Vec::new(),
    };
    socket.send_multipart(yarly.encode(), 0).unwrap();
    assert_eq!(recv(&socket), Fmq::OhaiOk);
    let icanhaz = Fmq::Icanhaz {
        path: "/".into(),
        options: vec![("RESYNC".into(), "1".into())],
        cache: Vec::new(),
    };
    socket.send_multipart(icanhaz.encode(), 0).unwrap();
    assert_eq!(recv(&socket), Fmq::IcanhazOk);
    socket
}

#[test]
fn clients_that_withhold_credit_or_never_read_cost_the_server_bounded_memory() {
    let src = tempfile::tempdir().unwrap();
    write_file(&src.path().join("huge.bin"), 200 * 1024 * 1024, 5);
    let (server, endpoint) = serve(src.path(), "tcp://127.0.0.1:*");
    let server = Reaper(server);
    let pid = server.0.id();
    let before = rss_kib(pid);
    let ctx = Context::new();
    let stingy = raw_subscriber(&ctx, &endpoint, 1000);
    let greedy = raw_subscriber(&ctx, &endpoint, 1);
    let nom = Fmq::Nom {
        credit: u64::MAX / 2,
        sequence: 0,
    };
    greedy.send_multipart(nom.encode(), 0).unwrap();
    // The stingy client answers heartbeats; two of them give the server two seconds to
    // push the greedy one as far as it will go.
    for _ in 0..2 {
        let frames = stingy.recv_multipart(0).unwrap();
        assert_eq!(
            Fmq::decode(&frames).unwrap(),
            Fmq::Hugz,
            "data without credit"
        );
        stingy.send_multipart(Fmq::HugzOk.encode(), 0).unwrap();
    }
    let grown = rss_kib(pid).saturating_sub(before);
    assert!(
        grown < 48 * 1024,
        "server grew by {grown} KiB for a 200 MiB file"
    );
}

/// `ferrozmq filemq sync` as a process, its stdout lines on a channel; killed on drop.
struct Sync {
    child: Child,
    lines: std::sync::mpsc::Receiver<String>,
}

impl Sync {
    fn start(endpoint: &str, dest: &Path) -> Sync {
        let mut child = Command::new(BIN)
            .args(["filemq", "sync", endpoint, "/", dest.to_str().unwrap()])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let (tx, lines) = std::sync::mpsc::channel();
        let stdout = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Sync { child, lines }
    }
}

impl Drop for Sync {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn ferrozmq_filemq_sync_mirrors_a_directory_across_a_server_restart() {
    let src = tempfile::tempdir().unwrap();
    let dst = tempfile::tempdir().unwrap();
    for i in 0..10 {
        write_file(
            &src.path().join(format!("docs/d{i}.txt")),
            50 + i * 999,
            i as u64,
        );
    }
    let big = 64 * 1024 * 1024;
    write_file(&src.path().join("big.bin"), big, 3);
    let (server, endpoint) = serve(src.path(), "tcp://127.0.0.1:*");
    let mut server = Reaper(server);
    let sync = Sync::start(&endpoint, dst.path());
    // As above: the partial file is looked at every few milliseconds, to a deadline.
    let partial = dst.path().join("big.bin.fmqpart");
    let size_of = |p: &Path| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0);
    let deadline = Instant::now() + Duration::from_secs(120);
    while size_of(&partial) < 4 * 1024 * 1024 {
        assert!(Instant::now() < deadline, "the big file never got going");
        std::thread::sleep(Duration::from_millis(2));
    }
    server.0.kill().unwrap();
    server.0.wait().unwrap();
    assert!(size_of(&partial) < big as u64, "finished before the kill");
    let (restarted, _) = serve(src.path(), &endpoint);
    let _restarted = Reaper(restarted);
    let mut missing: std::collections::BTreeSet<String> = digests(src.path())
        .into_keys()
        .map(|k| format!("/{k}"))
        .collect();
    let deadline = Instant::now() + Duration::from_secs(300);
    while !missing.is_empty() {
        let left = deadline.saturating_duration_since(Instant::now());
        let line = sync
            .lines
            .recv_timeout(left)
            .unwrap_or_else(|_| panic!("missing {missing:?}"));
        let name = line
            .strip_prefix("I: received ")
            .and_then(|rest| rest.split(' ').next())
            .unwrap_or_else(|| panic!("unexpected line {line:?}"));
        missing.remove(name);
    }
    assert_eq!(digests(src.path()), digests(dst.path()));
}
