//! `ferrozmq`: the ferrozmq command-line tool.
//!
//! - `local-thr`, `remote-thr`, `local-lat`, `remote-lat`: libzmq's perf
//!   tools with libzmq's arguments and output lines, on ferrozmq, so either
//!   end of a measurement can be swapped for libzmq's own tool;
//! - `inproc-thr`, `inproc-lat` (libzmq's too) and the pattern benchmarks
//!   (ROUTER/DEALER, PUB/SUB, proxy): [`patterns`], shared source with
//!   `libzmq-perf`, which has the same subcommands on real libzmq;
//! - `bench`: the standard throughput and latency cases in one command;
//! - `cat`, `proxy`, `monitor`: ZeroMQ from the shell (send stdin, print what
//!   arrives; run a proxy; watch a socket's connection events), with PLAIN
//!   and CURVE security ([`security`]);
//! - `keygen`: a CURVE key pair in Z85, or as certificate files;
//! - `beacon`: UDP discovery beacons (CZMQ's zbeacon) sent and printed;
//! - `zyre`: a ZRE node (Zyre 2, pyre) printing its events, shouting stdin lines;
//! - `filemq`: a FileMQ server (`serve`) or mirroring client (`sync`);
//! - `curve-handshakes`: CURVE connections per second ([`handshake_bench`]);
//! - `async-thr`, `async-lat`: one socket pair blocking vs async ([`async_bench`]).
//!
//! Exit status: 0 on success, 1 when a run fails, 2 on bad arguments (with
//! a one-line error on stderr).

mod api;
mod async_bench;
mod beacon_cmd;
mod bench;
mod cat;
mod child;
mod cli_args;
mod filemq_cmd;
mod frames;
mod handshake_bench;
mod keygen;
mod monitor_cmd;
mod patterns;
mod perf;
mod proxy_cmd;
mod report;
mod security;
mod signals;
mod sock_opts;
mod tool;
mod zyre_cmd;

use std::process::ExitCode;

use tool::{Params, Tool};

/// Top-level help text.
const HELP: &str = "\
ferrozmq: ZeroMQ in pure Rust (ZMTP 3.1, interoperable with libzmq)

usage:
  ferrozmq cat <TYPE> [-b|--bind EP]... [-c|--connect EP]... [options]
  ferrozmq proxy <FRONT_TYPE> <FRONT_EP> <BACK_TYPE> <BACK_EP> [options]
  ferrozmq monitor <TYPE> <EP> [-b] [options]
  ferrozmq keygen [--out DIR/NAME [--force]]
  ferrozmq beacon --port P [--publish TEXT] [--interval MS] [--subscribe PREFIX]
                  [--interface IF] [-n N] [--timeout MS]
  ferrozmq zyre [--name NAME] [--join GROUP]... [--header K=V]... [--interface IF]
                [--port P] [--whisper-to NAME] [-n N] [--timeout MS]
  ferrozmq filemq serve DIR [--mount /PATH] [-b ENDPOINT] [--config FILE]
  ferrozmq filemq sync ENDPOINT /PATH DESTDIR [--no-resync]
  ferrozmq local-thr <bind-to> <message-size> <message-count> [<enable_curve>]
  ferrozmq remote-thr <connect-to> <message-size> <message-count> [<enable_curve>]
  ferrozmq local-lat <bind-to> <message-size> <roundtrip-count>
  ferrozmq remote-lat <connect-to> <message-size> <roundtrip-count>
  ferrozmq inproc-thr <message-size> <message-count>
  ferrozmq inproc-lat <message-size> <roundtrip-count>
  ferrozmq local-router-thr <bind-to> <message-size> <message-count>
  ferrozmq remote-dealer-thr <connect-to> <message-size> <message-count>
  ferrozmq local-dealer-thr <bind-to> <message-size> <message-count>
  ferrozmq remote-router-thr <connect-to> <message-size> <message-count>
  ferrozmq local-router-lat <bind-to> <message-size> <roundtrip-count>
  ferrozmq remote-dealer-lat <connect-to> <message-size> <roundtrip-count>
  ferrozmq pub-thr <bind-to> <message-size> <message-count> <subscribers>
  ferrozmq sub-thr <connect-to> <message-size> <message-count> <subscribers>
  ferrozmq pub-topics <bind-to> <message-size> <message-count> <match|miss>
  ferrozmq sub-topics <connect-to> <message-size> <message-count> <match|miss>
  ferrozmq proxy-thr <message-size> <message-count>
  ferrozmq bench [--quick] [--count-scale <factor>] [--timeout <seconds>]
  ferrozmq --help | <subcommand> --help

cat sends each line of stdin as a message and prints each message received
as a line (frames separated by TAB, binary frames as 0x… hex), e.g.
  ferrozmq cat pull -b tcp://127.0.0.1:5555 &
  echo hello | ferrozmq cat push -c tcp://127.0.0.1:5555
proxy joins two sockets (e.g. xsub and xpub) until interrupted; monitor
prints a socket's connection events; keygen makes a CURVE key pair for
cat's and proxy's --curve-* options; beacon sends and prints UDP discovery
beacons (CZMQ's zbeacon). `<subcommand> --help` tells more.

The perf tools take the arguments of libzmq's local_thr, remote_thr,
local_lat, remote_lat, inproc_thr and inproc_lat and print the same lines,
so either end can be libzmq's. Start the local (binding) tool first, then
the remote one, e.g.
  ferrozmq local-thr tcp://127.0.0.1:5555 64 1000000 &
  ferrozmq remote-thr tcp://127.0.0.1:5555 64 1000000
Over wss:// they read PEM files from FERROZMQ_WSS_CERT and FERROZMQ_WSS_KEY
(binding side) and FERROZMQ_WSS_TRUST, with FERROZMQ_WSS_HOSTNAME (connecting).

Pattern benchmarks (libzmq has no tools for these; libzmq-perf has the same
subcommands, so either end can be real libzmq). Pairs, sender -> receiver:
  DEALER->ROUTER throughput  remote-dealer-thr -> local-router-thr (prints)
  ROUTER->DEALER throughput  remote-router-thr -> local-dealer-thr (prints)
  REQ->ROUTER latency        remote-lat (prints) -> local-router-lat
  DEALER->REP latency        remote-dealer-lat (prints) -> local-lat
  PUB->SUB fan-out           pub-thr -> sub-thr (S subscribers; prints)
  topic filtering            pub-topics -> sub-topics (10,000 subscriptions;
                             match: sub-topics prints, miss: pub-topics prints)
In one process: inproc-thr, inproc-lat, proxy-thr (DEALER clients -> ROUTER |
proxy | DEALER -> DEALER workers). Throughput lines are local_thr's, latency
lines remote_lat's; `<subcommand> --help` tells the details.

bench runs the standard cases (tcp and ipc throughput, tcp latency, inproc
throughput and latency) as child processes and prints a table.

CURVE connections a second (a client dialling a server again and again):
  ferrozmq curve-handshakes <server|client> <endpoint> <count>

Blocking vs async on one socket pair (one line per mode):
  ferrozmq async-thr <inproc|tcp> <message-size> <message-count> [<runs>]
  ferrozmq async-lat <inproc|tcp> <message-size> <roundtrip-count> [<runs>]
";

/// Exit status for bad arguments.
const USAGE_ERROR: u8 = 2;

fn is_help(arg: &str) -> bool {
    arg == "-h" || arg == "--help"
}

fn usage_error(context: &str, message: &str, usage: &str) -> ExitCode {
    eprintln!("ferrozmq{context}: {message} (usage: ferrozmq {usage})");
    ExitCode::from(USAGE_ERROR)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((cmd, rest)) = args.split_first() else {
        return usage_error("", "missing subcommand; try --help", "<subcommand> ...");
    };
    if is_help(cmd) || cmd == "help" {
        print!("{HELP}");
        return ExitCode::SUCCESS;
    }
    match cmd.as_str() {
        "cat" => return cat::main(rest),
        "proxy" => return proxy_cmd::main(rest),
        "monitor" => return monitor_cmd::main(rest),
        "curve-handshakes" => return handshake_bench::main(rest),
        "keygen" => return keygen::main(rest),
        "beacon" => return beacon_cmd::main(rest),
        "zyre" => return zyre_cmd::main(rest),
        "filemq" => return filemq_cmd::main(rest),
        _ => {}
    }
    if cmd == "bench" {
        if rest.iter().any(|a| is_help(a)) {
            println!("usage: ferrozmq {}\n\n{}", bench::USAGE, bench::ABOUT);
            return ExitCode::SUCCESS;
        }
        return match bench::Options::parse(rest) {
            Ok(opts) if bench::run(&opts) => ExitCode::SUCCESS,
            Ok(_) => ExitCode::FAILURE,
            Err(e) => usage_error(" bench", &e, bench::USAGE),
        };
    }
    if cmd == "async-thr" || cmd == "async-lat" {
        return run_async_bench(cmd, rest);
    }
    if let Some(tool) = patterns::Tool::from_name(cmd) {
        return run_pattern(tool, rest);
    }
    let Some(tool) = Tool::from_name(cmd) else {
        return usage_error(
            "",
            &format!("unknown subcommand '{cmd}'; try --help"),
            "<subcommand> ...",
        );
    };
    if rest.iter().any(|a| is_help(a)) {
        println!("usage: ferrozmq {}\n\n{}", tool.usage(), tool.about());
        return ExitCode::SUCCESS;
    }
    let params = match Params::parse(tool, rest) {
        Ok(p) => p,
        Err(e) => return usage_error(&format!(" {}", tool.name()), &e, tool.usage()),
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
    if args.iter().any(|a| is_help(a)) {
        println!("usage: ferrozmq {}\n\n{}", tool.usage(), tool.about());
        return ExitCode::SUCCESS;
    }
    let params = match patterns::Params::parse(tool, args) {
        Ok(p) => p,
        Err(e) => return usage_error(&format!(" {}", tool.name()), &e, &tool.usage()),
    };
    match patterns::run(tool, &params) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}

/// Runs `async-thr` or `async-lat` ([`async_bench`]).
fn run_async_bench(cmd: &str, args: &[String]) -> ExitCode {
    let (usage, run): (_, fn(&async_bench::Params) -> ferrozmq::Result<()>) = match cmd {
        "async-thr" => (async_bench::THR_USAGE, async_bench::run_thr),
        _ => (async_bench::LAT_USAGE, async_bench::run_lat),
    };
    if args.iter().any(|a| is_help(a)) {
        println!("usage: ferrozmq {usage}\n\n{}", async_bench::ABOUT);
        return ExitCode::SUCCESS;
    }
    let params = match async_bench::Params::parse(args) {
        Ok(p) => p,
        Err(e) => return usage_error(&format!(" {cmd}"), &e, usage),
    };
    match run(&params) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("ferrozmq {cmd}: {e}");
            ExitCode::FAILURE
        }
    }
}
