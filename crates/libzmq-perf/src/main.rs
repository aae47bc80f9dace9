//! `libzmq-perf`: libzmq's four perf tools (`local_thr`, `remote_thr`,
//! `local_lat`, `remote_lat`) re-expressed in Rust on top of real libzmq
//! (through the `zmq` crate, which builds libzmq 4.3.4 from source).
//!
//! This binary is the "real libzmq" side of every ferrozmq comparison: it
//! opens the same sockets, sets the same options, times the same span and
//! prints the same lines as the C tools, so its numbers can be put next to
//! `ferrozmq local-thr …` and either end of a pair can be swapped for the
//! other.
//!
//! Usage errors print one line on stderr and exit with status 2; runtime
//! errors print libzmq's `error in zmq_…: <strerror>` line on stderr and exit
//! with status 1.

mod perf;

use std::process::ExitCode;

/// Top-level help text.
const HELP: &str = "\
libzmq-perf: libzmq's perf tools, driving real libzmq (4.3.4) through the zmq crate

usage:
  libzmq-perf local-thr <bind-to> <message-size> <message-count> [<enable_curve>]
  libzmq-perf remote-thr <connect-to> <message-size> <message-count> [<enable_curve>]
  libzmq-perf local-lat <bind-to> <message-size> <roundtrip-count>
  libzmq-perf remote-lat <connect-to> <message-size> <roundtrip-count>

Throughput: start local-thr (PULL, binds, prints the results) then remote-thr
(PUSH, connects, sends). Latency: start local-lat (REP, binds, echoes) then
remote-lat (REQ, connects, prints the one-way average latency).
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
    let Some(tool) = perf::Tool::from_name(cmd) else {
        eprintln!("libzmq-perf: unknown subcommand '{cmd}' (try --help)");
        return ExitCode::from(2);
    };
    if rest.iter().any(|a| a == "-h" || a == "--help") {
        println!("usage: libzmq-perf {}", tool.usage());
        println!("{}", tool.about());
        return ExitCode::SUCCESS;
    }
    let params = match perf::Params::parse(tool, rest) {
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
