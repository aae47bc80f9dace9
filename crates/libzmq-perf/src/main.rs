//! `libzmq-perf`: libzmq's perf tools (`local_thr`, `remote_thr`,
//! `local_lat`, `remote_lat`, `inproc_thr`, `inproc_lat`) and ferrozmq's
//! pattern benchmarks (ROUTER/DEALER, PUB/SUB, proxy), re-expressed in Rust
//! on top of real libzmq (through the `zmq` crate, which builds libzmq 4.3.4
//! from source).
//!
//! This binary is the "real libzmq" side of every ferrozmq comparison: it
//! opens the same sockets, sets the same options, times the same span and
//! prints the same lines as the C tools and as `ferrozmq`, so its numbers can
//! be put next to `ferrozmq local-thr …` and either end of a pair can be
//! swapped for the other.
//!
//! All tools but the first four are the very source of `ferrozmq`'s
//! (`crates/ferrozmq-cli/src/patterns/`, included below with `#[path]`),
//! compiled here against [`api`], i.e. the `zmq` crate; the result lines come
//! from `crates/ferrozmq-cli/src/report.rs` in both binaries.
//!
//! Usage errors print one line on stderr and exit with status 2; runtime
//! errors print libzmq's `error in zmq_…: <strerror>` line on stderr and exit
//! with status 1.

mod api;
#[path = "../../ferrozmq-cli/src/patterns/mod.rs"]
mod patterns;
mod perf;
// Only the report writers are used here; the readers serve `ferrozmq bench`.
#[allow(dead_code)]
#[path = "../../ferrozmq-cli/src/report.rs"]
mod report;
#[path = "../../ferrozmq-cli/src/tool.rs"]
mod tool;

use std::process::ExitCode;

/// Top-level help text.
const HELP: &str = "\
libzmq-perf: libzmq's perf tools, driving real libzmq (4.3.4) through the zmq crate

usage:
  libzmq-perf local-thr <bind-to> <message-size> <message-count> [<enable_curve>]
  libzmq-perf remote-thr <connect-to> <message-size> <message-count> [<enable_curve>]
  libzmq-perf local-lat <bind-to> <message-size> <roundtrip-count>
  libzmq-perf remote-lat <connect-to> <message-size> <roundtrip-count>
  libzmq-perf inproc-thr <message-size> <message-count>
  libzmq-perf inproc-lat <message-size> <roundtrip-count>
  libzmq-perf local-router-thr <bind-to> <message-size> <message-count>
  libzmq-perf remote-dealer-thr <connect-to> <message-size> <message-count>
  libzmq-perf local-dealer-thr <bind-to> <message-size> <message-count>
  libzmq-perf remote-router-thr <connect-to> <message-size> <message-count>
  libzmq-perf local-router-lat <bind-to> <message-size> <roundtrip-count>
  libzmq-perf remote-dealer-lat <connect-to> <message-size> <roundtrip-count>
  libzmq-perf pub-thr <bind-to> <message-size> <message-count> <subscribers>
  libzmq-perf sub-thr <connect-to> <message-size> <message-count> <subscribers>
  libzmq-perf pub-topics <bind-to> <message-size> <message-count> <match|miss>
  libzmq-perf sub-topics <connect-to> <message-size> <message-count> <match|miss>
  libzmq-perf proxy-thr <message-size> <message-count>

Throughput: start local-thr (PULL, binds, prints the results) then remote-thr
(PUSH, connects, sends). Latency: start local-lat (REP, binds, echoes) then
remote-lat (REQ, connects, prints the one-way average latency).
The other subcommands are ferrozmq's (same arguments, same lines; see
`ferrozmq --help`): inproc-thr and inproc-lat are libzmq's inproc_thr and
inproc_lat; sender -> receiver pairs remote-dealer-thr -> local-router-thr,
remote-router-thr -> local-dealer-thr, remote-lat -> local-router-lat,
remote-dealer-lat -> local-lat, pub-thr -> sub-thr, pub-topics -> sub-topics;
proxy-thr runs in one process.
Each subcommand accepts -h/--help.
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((cmd, rest)) = args.split_first() else {
        eprintln!("libzmq-perf: missing subcommand (try --help)");
        return ExitCode::from(2);
    };
    if cmd == "-h" || cmd == "--help" {
        print!("{HELP}");
        return ExitCode::SUCCESS;
    }
    if let Some(tool) = patterns::Tool::from_name(cmd) {
        return run_pattern(tool, rest);
    }
    let Some(tool) = tool::Tool::from_name(cmd) else {
        eprintln!("libzmq-perf: unknown subcommand '{cmd}' (try --help)");
        return ExitCode::from(2);
    };
    if rest.iter().any(|a| a == "-h" || a == "--help") {
        println!("usage: libzmq-perf {}", tool.usage());
        println!("{}", tool.about());
        return ExitCode::SUCCESS;
    }
    let params = match tool::Params::parse(tool, rest) {
        Ok(p) => p,
        Err(e) => {
            eprintln!(
                "libzmq-perf {}: {e}; usage: libzmq-perf {}",
                tool.name(),
                tool.usage()
            );
            return ExitCode::from(2);
        }
    };
    match perf::run(tool, &params) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}

/// Runs one of the shared tools of [`patterns`].
fn run_pattern(tool: patterns::Tool, args: &[String]) -> ExitCode {
    if args.iter().any(|a| a == "-h" || a == "--help") {
        println!("usage: libzmq-perf {}", tool.usage());
        println!("{}", tool.about());
        return ExitCode::SUCCESS;
    }
    let params = match patterns::Params::parse(tool, args) {
        Ok(p) => p,
        Err(e) => {
            eprintln!(
                "libzmq-perf {}: {e}; usage: libzmq-perf {}",
                tool.name(),
                tool.usage()
            );
            return ExitCode::from(2);
        }
    };
    match patterns::run(tool, &params) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}
