//! `ferrozmq bench`: the standard throughput and latency cases in one go,
//! with no setup.
//!
//! Every tcp or ipc case runs as two child processes of the current
//! executable — the binding tool (`local-thr` / `local-lat`) and the
//! connecting one (`remote-thr` / `remote-lat`) — on a free loopback port or
//! a temporary ipc path, exactly as one would run libzmq's perf tools by
//! hand; an inproc case runs `inproc-thr` / `inproc-lat` as one child. Progress
//! goes to stderr; the result table goes to stdout. A child that fails or
//! hangs fails its case (the other child is killed) and the bench goes on;
//! the exit status is 1 if any case failed.

use std::fmt::Write as _;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::child::{wait_all, Proc, GRACE};
use crate::report::{parse_lat, parse_thr};
use crate::tool::Tool;

/// Usage line of the subcommand.
pub const USAGE: &str = "bench [--quick] [--count-scale <factor>] [--timeout <seconds>]";

/// Help text of the subcommand.
pub const ABOUT: &str = "\
Runs PUSH/PULL throughput over tcp and ipc at 16 B, 256 B and 64 KiB, REQ/REP
latency over tcp at 64 B, each case as a local + remote pair of child
processes of this executable, and inproc PUSH/PULL throughput at 16 B and
REQ/REP latency at 64 B (inproc-thr, inproc-lat: one child each). Progress on
stderr, a Markdown table on stdout.

  --quick                 10x fewer messages (a smoke run of a few seconds)
  --count-scale <factor>  multiply every message/roundtrip count by <factor>
  --timeout <seconds>     give up on a case after this long (default 60)";

/// Options of a bench run.
#[derive(Clone, Debug, PartialEq)]
pub struct Options {
    /// Factor applied to every case's default count.
    pub scale: f64,
    /// Longest time one case may take before its children are killed.
    pub timeout: Duration,
}

impl Options {
    /// Parses the arguments that follow `bench`.
    pub fn parse(args: &[String]) -> Result<Options, String> {
        let mut opts = Options {
            scale: 1.0,
            timeout: Duration::from_secs(60),
        };
        let mut it = args.iter();
        while let Some(arg) = it.next() {
            let (name, inline) = match arg.split_once('=') {
                Some((n, v)) if n.starts_with("--") => (n, Some(v.to_string())),
                _ => (arg.as_str(), None),
            };
            let mut value = |what: &str| {
                inline
                    .clone()
                    .or_else(|| it.next().cloned())
                    .ok_or_else(|| format!("{name} needs a value ({what})"))
            };
            match name {
                "--quick" if inline.is_none() => opts.scale *= 0.1,
                "--count-scale" => {
                    let v = value("a positive number")?;
                    match v.parse::<f64>() {
                        Ok(f) if f.is_finite() && f > 0.0 => opts.scale *= f,
                        _ => {
                            return Err(format!(
                                "invalid --count-scale '{v}': expected a positive number"
                            ))
                        }
                    }
                }
                "--timeout" => {
                    let v = value("seconds")?;
                    match v.parse::<f64>() {
                        Ok(f) if f.is_finite() && f > 0.0 && f < 1e9 => {
                            opts.timeout = Duration::from_secs_f64(f)
                        }
                        _ => {
                            return Err(format!(
                                "invalid --timeout '{v}': expected a positive number of seconds"
                            ))
                        }
                    }
                }
                _ => return Err(format!("unexpected argument '{arg}'")),
            }
        }
        Ok(opts)
    }
}

/// Transport of a case.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Transport {
    Tcp,
    Ipc,
    /// Two threads of one process (`inproc-thr`, `inproc-lat`).
    Inproc,
}

/// What a case measures.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// PUSH/PULL, `local-thr` + `remote-thr`.
    Thr,
    /// REQ/REP, `local-lat` + `remote-lat`.
    Lat,
}

/// One benchmark case with its default count.
#[derive(Clone, Copy, Debug)]
struct Case {
    kind: Kind,
    transport: Transport,
    size: usize,
    count: u32,
}

/// The cases, with counts that make the whole run take roughly 10-30 s on a
/// 2-core machine at libzmq-like speeds.
const CASES: [Case; 9] = [
    Case {
        kind: Kind::Thr,
        transport: Transport::Tcp,
        size: 16,
        count: 10_000_000,
    },
    Case {
        kind: Kind::Thr,
        transport: Transport::Tcp,
        size: 256,
        count: 5_000_000,
    },
    Case {
        kind: Kind::Thr,
        transport: Transport::Tcp,
        size: 65536,
        count: 50_000,
    },
    Case {
        kind: Kind::Thr,
        transport: Transport::Ipc,
        size: 16,
        count: 10_000_000,
    },
    Case {
        kind: Kind::Thr,
        transport: Transport::Ipc,
        size: 256,
        count: 5_000_000,
    },
    Case {
        kind: Kind::Thr,
        transport: Transport::Ipc,
        size: 65536,
        count: 50_000,
    },
    Case {
        kind: Kind::Lat,
        transport: Transport::Tcp,
        size: 64,
        count: 50_000,
    },
    Case {
        kind: Kind::Thr,
        transport: Transport::Inproc,
        size: 16,
        count: 10_000_000,
    },
    Case {
        kind: Kind::Lat,
        transport: Transport::Inproc,
        size: 64,
        count: 50_000,
    },
];

impl Case {
    fn label(&self) -> String {
        let pattern = match self.kind {
            Kind::Thr => "PUSH/PULL",
            Kind::Lat => "REQ/REP",
        };
        let transport = match self.transport {
            Transport::Tcp => "tcp",
            Transport::Ipc => "ipc",
            Transport::Inproc => "inproc",
        };
        let size = if self.size >= 1024 && self.size % 1024 == 0 {
            format!("{} KiB", self.size / 1024)
        } else {
            format!("{} B", self.size)
        };
        format!("{pattern} {transport} {size}")
    }

    fn scaled_count(&self, scale: f64) -> u32 {
        (f64::from(self.count) * scale)
            .round()
            .clamp(1.0, f64::from(i32::MAX)) as u32
    }

    fn tools(&self) -> (Tool, Tool) {
        match self.kind {
            Kind::Thr => (Tool::LocalThr, Tool::RemoteThr),
            Kind::Lat => (Tool::LocalLat, Tool::RemoteLat),
        }
    }
}

/// A measured result.
#[derive(Clone, Debug)]
enum Measured {
    Thr { msgs_per_sec: u64, megabits: f64 },
    Lat { latency_us: f64 },
}

/// Runs every case and prints the table; returns whether all cases passed.
pub fn run(opts: &Options) -> bool {
    let exe = match std::env::current_exe() {
        Ok(exe) => exe,
        Err(e) => {
            eprintln!("ferrozmq bench: cannot find the current executable: {e}");
            return false;
        }
    };
    eprintln!(
        "ferrozmq bench: {} cases, each as child processes of {}",
        CASES.len(),
        exe.display()
    );
    let started = Instant::now();
    let mut rows = Vec::new();
    let mut failures = 0;
    for (i, case) in CASES.iter().enumerate() {
        let count = case.scaled_count(opts.scale);
        let unit = if case.kind == Kind::Thr {
            "messages"
        } else {
            "roundtrips"
        };
        eprint!(
            "[{}/{}] {}, {} {unit} ... ",
            i + 1,
            CASES.len(),
            case.label(),
            group(count.into())
        );
        let t0 = Instant::now();
        let result = run_case(&exe, case, count, i, opts.timeout);
        let secs = t0.elapsed().as_secs_f64();
        match &result {
            Ok(Measured::Thr {
                msgs_per_sec,
                megabits,
            }) => {
                eprintln!(
                    "{} msg/s, {megabits:.3} Mb/s ({secs:.1} s)",
                    group(*msgs_per_sec)
                )
            }
            Ok(Measured::Lat { latency_us }) => eprintln!("{latency_us:.3} us ({secs:.1} s)"),
            Err(e) => {
                failures += 1;
                eprintln!("FAILED ({secs:.1} s)\n    {}", e.replace('\n', "\n    "));
            }
        }
        rows.push((case.label(), count, result.ok()));
    }
    print!("{}", table(&rows));
    eprintln!(
        "ferrozmq bench: done in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    if failures > 0 {
        eprintln!("ferrozmq bench: {failures} of {} cases failed", CASES.len());
    }
    failures == 0
}

/// Runs one case as two child processes and reads the measurement.
fn run_case(
    exe: &Path,
    case: &Case,
    count: u32,
    index: usize,
    timeout: Duration,
) -> Result<Measured, String> {
    let _ipc_file;
    let endpoint = match case.transport {
        Transport::Tcp => free_tcp_endpoint()?,
        Transport::Ipc => {
            let path = std::env::temp_dir()
                .join(format!("ferrozmq-bench-{}-{index}.ipc", std::process::id()));
            let endpoint = format!("ipc://{}", path.display());
            _ipc_file = RemoveOnDrop::new(path);
            endpoint
        }
        Transport::Inproc => String::new(),
    };
    // The tool that prints the result (local-thr, remote-lat, inproc-*) and
    // its stdout.
    let (reporter, out) = if case.transport == Transport::Inproc {
        let tool = match case.kind {
            Kind::Thr => "inproc-thr",
            Kind::Lat => "inproc-lat",
        };
        let args = [case.size.to_string(), count.to_string()];
        let [out] = wait_all([Proc::spawn(exe, tool, &args)?], timeout, GRACE)?;
        (tool, out)
    } else {
        let (local_tool, remote_tool) = case.tools();
        let args = [endpoint, case.size.to_string(), count.to_string()];
        let local = Proc::spawn(exe, local_tool.name(), &args)?;
        let remote = Proc::spawn(exe, remote_tool.name(), &args)?;
        let [local_out, remote_out] = wait_all([local, remote], timeout, GRACE)?;
        match case.kind {
            Kind::Thr => (local_tool.name(), local_out),
            Kind::Lat => (remote_tool.name(), remote_out),
        }
    };
    let check = |what: &str, got: u64, want: u64| {
        if got == want {
            Ok(())
        } else {
            Err(format!(
                "{reporter}'s {what} printed {got}, expected {want}"
            ))
        }
    };
    match case.kind {
        Kind::Thr => {
            let r = parse_thr(&out).map_err(|e| format!("{reporter}: {e}; its stdout:\n{out}"))?;
            check("message size", r.size, case.size as u64)?;
            check("message count", r.count, count.into())?;
            Ok(Measured::Thr {
                msgs_per_sec: r.msgs_per_sec,
                megabits: r.megabits,
            })
        }
        Kind::Lat => {
            let r = parse_lat(&out).map_err(|e| format!("{reporter}: {e}; its stdout:\n{out}"))?;
            check("message size", r.size, case.size as u64)?;
            check("roundtrip count", r.roundtrips, count.into())?;
            Ok(Measured::Lat {
                latency_us: r.latency_us,
            })
        }
    }
}

/// A loopback tcp endpoint on a port that was free a moment ago.
fn free_tcp_endpoint() -> Result<String, String> {
    let listener = TcpListener::bind(("127.0.0.1", 0))
        .map_err(|e| format!("cannot find a free loopback port: {e}"))?;
    let port = listener
        .local_addr()
        .map_err(|e| format!("cannot find a free loopback port: {e}"))?
        .port();
    Ok(format!("tcp://127.0.0.1:{port}"))
}

/// Removes an ipc socket file before use and when the case is over.
struct RemoveOnDrop(PathBuf);

impl RemoveOnDrop {
    fn new(path: PathBuf) -> RemoveOnDrop {
        let _ = std::fs::remove_file(&path);
        RemoveOnDrop(path)
    }
}

impl Drop for RemoveOnDrop {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// The result table, Markdown with aligned columns.
fn table(rows: &[(String, u32, Option<Measured>)]) -> String {
    let mut cells = vec![[
        "case".to_string(),
        "count".to_string(),
        "msg/s".to_string(),
        "Mb/s".to_string(),
        "latency [us]".to_string(),
    ]];
    for (label, count, m) in rows {
        let (a, b, c) = match m {
            Some(Measured::Thr {
                msgs_per_sec,
                megabits,
            }) => (
                group(*msgs_per_sec),
                format!("{megabits:.3}"),
                String::new(),
            ),
            Some(Measured::Lat { latency_us }) => {
                (String::new(), String::new(), format!("{latency_us:.3}"))
            }
            None => ("FAILED".to_string(), String::new(), String::new()),
        };
        cells.push([label.clone(), group((*count).into()), a, b, c]);
    }
    let widths: Vec<usize> = (0..5)
        .map(|c| cells.iter().map(|r| r[c].len()).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for (i, row) in cells.iter().enumerate() {
        out.push('|');
        for (c, cell) in row.iter().enumerate() {
            if c == 0 {
                let _ = write!(out, " {cell:<w$} |", w = widths[c]);
            } else {
                let _ = write!(out, " {cell:>w$} |", w = widths[c]);
            }
        }
        out.push('\n');
        if i == 0 {
            out.push('|');
            for (c, w) in widths.iter().enumerate() {
                let dashes = "-".repeat(w.saturating_sub(1));
                if c == 0 {
                    let _ = write!(out, " {dashes}- |");
                } else {
                    let _ = write!(out, " {dashes}: |");
                }
            }
            out.push('\n');
        }
    }
    out
}

/// `1234567` → `1,234,567`.
fn group(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(a: &[&str]) -> Vec<String> {
        a.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn parses_options() {
        assert_eq!(Options::parse(&[]).unwrap().scale, 1.0);
        let o = Options::parse(&args(&["--quick", "--count-scale", "0.5", "--timeout=7"])).unwrap();
        assert!((o.scale - 0.05).abs() < 1e-12);
        assert_eq!(o.timeout, Duration::from_secs(7));
        for bad in [
            &["--count-scale"][..],
            &["--count-scale", "0"],
            &["--count-scale=x"],
            &["--timeout", "-1"],
            &["extra"],
            &["--quick=1"],
        ] {
            assert!(Options::parse(&args(bad)).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn scales_counts_and_labels_cases() {
        assert_eq!(CASES[0].scaled_count(0.1), 1_000_000);
        assert_eq!(CASES[2].scaled_count(1e-9), 1);
        assert_eq!(CASES[2].label(), "PUSH/PULL tcp 64 KiB");
        assert_eq!(CASES[6].label(), "REQ/REP tcp 64 B");
        assert_eq!(CASES[7].label(), "PUSH/PULL inproc 16 B");
        assert_eq!(CASES[8].label(), "REQ/REP inproc 64 B");
    }

    #[test]
    fn groups_digits() {
        assert_eq!(group(0), "0");
        assert_eq!(group(999), "999");
        assert_eq!(group(1000), "1,000");
        assert_eq!(group(1_234_567), "1,234,567");
    }

    #[test]
    fn table_is_markdown() {
        let rows = vec![
            (
                "PUSH/PULL tcp 16 B".to_string(),
                10,
                Some(Measured::Thr {
                    msgs_per_sec: 1_000_000,
                    megabits: 128.0,
                }),
            ),
            (
                "REQ/REP tcp 64 B".to_string(),
                10,
                Some(Measured::Lat { latency_us: 30.5 }),
            ),
            ("PUSH/PULL ipc 16 B".to_string(), 10, None),
        ];
        let t = table(&rows);
        let lines: Vec<&str> = t.lines().collect();
        assert_eq!(lines.len(), 5);
        assert!(lines[1].starts_with("| ---"));
        assert!(lines[2].contains("1,000,000") && lines[2].contains("128.000"));
        assert!(lines[3].contains("30.500"));
        assert!(lines[4].contains("FAILED"));
        assert!(lines.iter().all(|l| l.len() == lines[0].len()));
    }
}
