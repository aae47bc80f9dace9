//! Running perf tools as child processes (a pair, or one in-process tool):
//! spawn, read their output without ever blocking them, wait for all with a
//! deadline, and turn any failure into one clear message. No child outlives
//! its `Proc`.

use std::fmt::Write as _;
use std::io::Read;
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

/// A child process running one perf tool, its output read by two threads so
/// that a full pipe never blocks it. Dropping it kills the child if it still
/// runs, so no error path leaves a process behind.
pub struct Proc {
    /// The subcommand, to name the child in messages.
    tool: &'static str,
    child: Child,
    stdout: Option<JoinHandle<String>>,
    stderr: Option<JoinHandle<String>>,
}

impl Proc {
    /// Starts `exe <tool> <args…>` with piped stdout and stderr.
    pub fn spawn(exe: &Path, tool: &'static str, args: &[String]) -> Result<Proc, String> {
        let mut child = Command::new(exe)
            .arg(tool)
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot start {} {tool}: {e}", exe.display()))?;
        let stdout = child.stdout.take().map(read_all);
        let stderr = child.stderr.take().map(read_all);
        Ok(Proc {
            tool,
            child,
            stdout,
            stderr,
        })
    }

    /// Collects stdout and stderr; call once the child has exited.
    fn output(&mut self) -> (String, String) {
        let join =
            |h: Option<JoinHandle<String>>| h.and_then(|h| h.join().ok()).unwrap_or_default();
        (join(self.stdout.take()), join(self.stderr.take()))
    }

    /// Describes how the child failed, with the last lines it printed.
    fn failure(&mut self, status: ExitStatus) -> String {
        let (out, err) = self.output();
        let mut text = format!("{} {status}", self.tool);
        let tail: Vec<&str> = err
            .lines()
            .chain(out.lines())
            .filter(|l| !l.trim().is_empty())
            .collect();
        if tail.is_empty() {
            text.push_str(" and printed nothing");
        } else {
            let from = tail.len().saturating_sub(5);
            let _ = write!(text, ": {}", tail[from..].join("\n"));
        }
        text
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Reads a pipe to its end on its own thread (lossy UTF-8).
fn read_all<R: Read + Send + 'static>(mut pipe: R) -> JoinHandle<String> {
    thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = pipe.read_to_end(&mut bytes);
        String::from_utf8_lossy(&bytes).into_owned()
    })
}

/// How long one child may run on once another has finished successfully
/// (a sender drains its queue, local-lat sleeps 1 s): past that it hangs.
pub const GRACE: Duration = Duration::from_secs(15);

/// Waits for all children; the first failure, the timeout, or a child
/// outliving a finished one by more than `grace` kills the rest and becomes
/// the error. Returns the stdouts, in the order of `procs`.
pub fn wait_all<const N: usize>(
    mut procs: [Proc; N],
    timeout: Duration,
    grace: Duration,
) -> Result<[String; N], String> {
    let deadline = Instant::now() + timeout;
    let mut done: [Option<Instant>; N] = [None; N];
    loop {
        for (i, p) in procs.iter_mut().enumerate() {
            if done[i].is_some() {
                continue;
            }
            match p.child.try_wait() {
                Ok(Some(status)) if status.success() => done[i] = Some(Instant::now()),
                Ok(Some(status)) => return Err(p.failure(status)),
                Ok(None) => {}
                Err(e) => return Err(format!("cannot wait for {}: {e}", p.tool)),
            }
        }
        let running = || {
            procs
                .iter()
                .zip(done)
                .filter(|(_, d)| d.is_none())
                .map(|(p, _)| p.tool)
                .collect::<Vec<_>>()
        };
        let first_done = done.iter().flatten().min().copied();
        match first_done {
            _ if done.iter().all(Option::is_some) => {
                return Ok(procs.each_mut().map(|p| p.output().0));
            }
            Some(t) if t.elapsed() > grace => {
                let early = done
                    .iter()
                    .position(|d| *d == Some(t))
                    .map_or("", |i| procs[i].tool);
                return Err(format!(
                    "{} still running {:.0} s after {early} finished (killed)",
                    running().join(" and "),
                    grace.as_secs_f64(),
                ));
            }
            _ => {}
        }
        if Instant::now() >= deadline {
            return Err(format!(
                "timed out after {:.0} s waiting for {} (killed)",
                timeout.as_secs_f64(),
                running().join(" and ")
            ));
        }
        thread::sleep(Duration::from_millis(5));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn args(a: &[&str]) -> Vec<String> {
        a.iter().map(|s| s.to_string()).collect()
    }

    /// Writes a fake perf-tool executable: `local-*` runs `local`, the
    /// others run `remote` (shell snippets).
    fn fake_exe(name: &str, local: &str, remote: &str) -> PathBuf {
        use std::os::unix::fs::PermissionsExt;
        let path =
            std::env::temp_dir().join(format!("ferrozmq-fake-{}-{name}", std::process::id()));
        let script =
            format!("#!/bin/sh\ncase \"$1\" in\n local-*) {local};;\n *) {remote};;\nesac\n");
        std::fs::write(&path, script).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        path
    }

    /// Spawns `exe tool args`. A script just written can be "busy" for a
    /// moment while another test thread forks (it briefly holds the write
    /// descriptor): retry.
    fn spawn_retry(exe: &Path, tool: &'static str, args: &[String]) -> Proc {
        for _ in 0..50 {
            match Proc::spawn(exe, tool, args) {
                Ok(p) => return p,
                Err(e) if e.contains("busy") => thread::sleep(Duration::from_millis(20)),
                Err(e) => panic!("{e}"),
            }
        }
        panic!("{} stays busy", exe.display())
    }

    fn spawn_pair(exe: &Path) -> [Proc; 2] {
        let args = args(&["tcp://127.0.0.1:1", "1", "1"]);
        [
            spawn_retry(exe, "local-thr", &args),
            spawn_retry(exe, "remote-thr", &args),
        ]
    }

    #[test]
    fn a_failing_child_is_reported_and_its_peer_killed() {
        let exe = fake_exe(
            "fail",
            "echo 'error in zmq_bind: Address already in use' >&2; exit 1",
            "exec sleep 30",
        );
        let t0 = Instant::now();
        let err = wait_all(spawn_pair(&exe), Duration::from_secs(20), GRACE).unwrap_err();
        let _ = std::fs::remove_file(&exe);
        assert!(
            t0.elapsed() < Duration::from_secs(10),
            "waited for the peer"
        );
        assert!(err.starts_with("local-thr exit status: 1"), "{err}");
        assert!(
            err.contains("error in zmq_bind: Address already in use"),
            "{err}"
        );
    }

    #[test]
    fn a_hanging_pair_times_out() {
        let exe = fake_exe("hang", "exec sleep 30", "exec sleep 30");
        let err = wait_all(spawn_pair(&exe), Duration::from_millis(300), GRACE).unwrap_err();
        let _ = std::fs::remove_file(&exe);
        assert!(
            err.contains("timed out") && err.contains("local-thr and remote-thr"),
            "{err}"
        );
    }

    #[test]
    fn a_child_outliving_its_peer_fails() {
        let exe = fake_exe("late", "echo done", "exec sleep 30");
        let t0 = Instant::now();
        let err = wait_all(
            spawn_pair(&exe),
            Duration::from_secs(20),
            Duration::from_millis(200),
        )
        .unwrap_err();
        let _ = std::fs::remove_file(&exe);
        assert!(t0.elapsed() < Duration::from_secs(10));
        assert!(err.starts_with("remote-thr still running"), "{err}");
    }

    #[test]
    fn a_single_child_is_waited_for() {
        let exe = fake_exe("one", "echo local", "echo remote");
        let p = spawn_retry(&exe, "inproc-thr", &args(&["1", "1"]));
        let out = wait_all([p], Duration::from_secs(20), GRACE);
        let _ = std::fs::remove_file(&exe);
        assert_eq!(out.unwrap(), ["remote\n".to_string()]);
    }

    #[test]
    fn a_good_pair_returns_both_stdouts() {
        let exe = fake_exe("ok", "echo local", "echo remote");
        let out = wait_all(spawn_pair(&exe), Duration::from_secs(20), GRACE).unwrap();
        let _ = std::fs::remove_file(&exe);
        assert_eq!(out, ["local\n".to_string(), "remote\n".to_string()]);
    }
}
