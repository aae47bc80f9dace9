//! `ferrozmq proxy`: a frontend and a backend socket joined by
//! `ferrozmq::proxy_steerable`, run until SIGINT/SIGTERM (or TERMINATE on
//! `--control`), printing its statistics on SIGUSR1 and at exit.
//!
//! The proxy's control socket is a REP bound to an inproc endpoint (and to
//! `--control EP` if given); a signal thread drives it with a REQ, asking for
//! STATISTICS on SIGUSR1 and sending TERMINATE on SIGINT/SIGTERM, so the
//! statistics survive the interruption.

use std::io::Write;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread;

use ferrozmq::{Context, Socket, SocketType, PUB, REP, REQ};

use crate::cli_args::{unknown, usage, Arg, ArgParser, Failure};
use crate::security::{self, SecurityOptions};
use crate::signals::Signals;
use crate::sock_opts::{self, bind, connect, make_socket, SocketOptions};

/// `ferrozmq proxy --help`.
pub const HELP: &str = "\
usage: ferrozmq proxy <FRONT_TYPE> <FRONT_EP> <BACK_TYPE> <BACK_EP> [options]

Binds a frontend and a backend socket and passes messages between them both
ways until interrupted (SIGINT, SIGTERM), e.g.
  ferrozmq proxy xsub tcp://*:5556 xpub tcp://*:5557     (pub-sub forwarder)
  ferrozmq proxy router tcp://*:5559 dealer tcp://*:5560 (request broker)
  ferrozmq proxy pull tcp://*:5557 push tcp://*:5558     (pipeline streamer)
Prints its statistics (messages, a multipart one counting once, and bytes in and out of each socket) on
stdout on SIGUSR1 and at exit. A sub frontend subscribes to everything.
Messages not yet delivered at exit are dropped, unless --linger MS is given.

options:
  --connect-front      connect the frontend to FRONT_EP instead of binding
  --connect-back       connect the backend to BACK_EP instead of binding
  --capture EP         copy every message part to a PUB socket bound at EP
  --control EP         take PAUSE, RESUME, TERMINATE and STATISTICS commands on
                       a REP socket bound at EP
The security options below apply to the frontend only.
";

/// The internal endpoint of the proxy's control socket.
const CONTROL: &str = "inproc://ferrozmq-proxy-control";

/// One side of the proxy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Side {
    /// Its socket type.
    pub kind: SocketType,
    /// Its endpoint.
    pub endpoint: String,
    /// Connect instead of bind.
    pub connect: bool,
}

/// Everything `proxy` was told.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProxyOptions {
    /// The frontend.
    pub front: Side,
    /// The backend.
    pub back: Side,
    /// `--capture`.
    pub capture: Option<String>,
    /// `--control`.
    pub control: Option<String>,
    /// Options set on the frontend and the backend.
    pub socket: SocketOptions,
    /// Security flags of the frontend.
    pub security: SecurityOptions,
}

impl ProxyOptions {
    /// Parses the arguments after `proxy`; `Ok(None)` means `--help`.
    pub fn parse(args: &[String]) -> Result<Option<ProxyOptions>, Failure> {
        let mut p = ArgParser::new(args);
        let mut positionals = Vec::new();
        let (mut connect_front, mut connect_back) = (false, false);
        let (mut capture, mut control) = (None, None);
        let mut socket = SocketOptions::default();
        let mut security = SecurityOptions::default();
        while let Some(arg) = p.next_arg()? {
            if arg.is_help() {
                return Ok(None);
            }
            if socket.parse(&arg, &mut p)? || security.parse(&arg, &mut p)? {
                continue;
            }
            match &arg {
                Arg::Positional(text) if positionals.len() < 4 => positionals.push(text.clone()),
                Arg::Long(name) => match name.as_str() {
                    "connect-front" => connect_front = true,
                    "connect-back" => connect_back = true,
                    "capture" => capture = Some(p.value()?),
                    "control" => control = Some(p.value()?),
                    _ => return Err(unknown(&arg)),
                },
                _ => return Err(unknown(&arg)),
            }
        }
        let [front_type, front_ep, back_type, back_ep] = positionals.as_slice() else {
            return usage(format!(
                "expected <FRONT_TYPE> <FRONT_EP> <BACK_TYPE> <BACK_EP>, got {} arguments",
                positionals.len()
            ));
        };
        security.check()?;
        let side = |kind: &str, endpoint: &str, connect| -> Result<Side, Failure> {
            Ok(Side {
                kind: sock_opts::socket_type(kind)?,
                endpoint: endpoint.to_string(),
                connect,
            })
        };
        Ok(Some(ProxyOptions {
            front: side(front_type, front_ep, connect_front)?,
            back: side(back_type, back_ep, connect_back)?,
            capture,
            control,
            socket,
            security,
        }))
    }
}

/// Runs `ferrozmq proxy` with the arguments after `proxy`.
pub fn main(args: &[String]) -> ExitCode {
    let result = match ProxyOptions::parse(args) {
        Ok(None) => {
            print!("{HELP}\n{}\n{}", sock_opts::HELP, security::HELP);
            return ExitCode::SUCCESS;
        }
        Ok(Some(opts)) => run(&opts),
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => e.report("proxy"),
    }
}

/// Makes, configures (with `security`'s flags) and binds or connects one side.
fn open(
    ctx: &Context,
    side: &Side,
    o: &ProxyOptions,
    security: &SecurityOptions,
    name: &str,
) -> Result<Socket, Failure> {
    let socket = make_socket(ctx, side.kind)?;
    o.socket.apply(&socket)?;
    security.apply(&socket)?;
    if side.kind == SocketType::SUB {
        socket
            .set_subscribe(b"")
            .map_err(|e| Failure::Run(format!("cannot subscribe the {name}: {e}")))?;
    }
    set_linger(&socket, o.socket.linger.unwrap_or(0))?;
    if side.connect {
        connect(&socket, &side.endpoint)?;
    } else {
        bind(&socket, &side.endpoint, &format!("proxy: {name} "))?;
    }
    Ok(socket)
}

/// Runs the proxy until it is terminated, then ends the context, so that
/// the control socket's last reply is delivered before the process exits.
fn run(o: &ProxyOptions) -> Result<(), Failure> {
    let signals = Signals::block(&[libc::SIGINT, libc::SIGTERM, libc::SIGUSR1])
        .map_err(|e| Failure::Run(format!("cannot block signals: {e}")))?;
    let ctx = Context::new();
    let auth = o.security.authenticator(&ctx)?;
    let front = open(&ctx, &o.front, o, &o.security, "frontend")?;
    let back = open(&ctx, &o.back, o, &SecurityOptions::default(), "backend")?;
    let capture = match &o.capture {
        Some(endpoint) => {
            let capture = make_socket(&ctx, PUB)?;
            set_linger(&capture, o.socket.linger.unwrap_or(0))?;
            bind(&capture, endpoint, "proxy: capture ")?;
            Some(capture)
        }
        None => None,
    };
    let control = make_socket(&ctx, REP)?;
    set_linger(&control, CONTROL_LINGER_MS)?;
    bind(&control, CONTROL, "proxy: ")?;
    if let Some(endpoint) = &o.control {
        bind(&control, endpoint, "proxy: control ")?;
    }
    let steer = make_socket(&ctx, REQ)?;
    connect(&steer, CONTROL)?;
    let finished = Arc::new(AtomicBool::new(false));
    let signal_thread = {
        let finished = Arc::clone(&finished);
        thread::Builder::new()
            .name("signals".into())
            .spawn(move || steer_by_signals(signals, steer, &finished))
            .map_err(|e| Failure::Run(format!("cannot start the signal thread: {e}")))?
    };
    let result = match &capture {
        Some(capture) => ferrozmq::proxy_steerable_with_capture(&front, &back, capture, &control),
        None => ferrozmq::proxy_steerable(&front, &back, &control),
    };
    // Stop the signal thread (it may already have) so that its socket, the
    // last one, closes and the context can terminate.
    finished.store(true, Ordering::SeqCst);
    let _ = Signals::send_to(&signal_thread, libc::SIGTERM);
    let _ = signal_thread.join();
    let stats = result.map_err(|e| Failure::Run(format!("proxy failed: {e}")))?;
    print_stats(&stats.to_array());
    drop((front, back, capture, control));
    drop(auth);
    drop(ctx);
    Ok(())
}

/// How long at exit the control socket may take to deliver its last reply.
const CONTROL_LINGER_MS: i32 = 1000;

fn set_linger(socket: &Socket, ms: i32) -> Result<(), Failure> {
    socket
        .set_linger(ms)
        .map_err(|e| Failure::Run(format!("cannot set linger: {e}")))
}

/// The signal thread: STATISTICS on SIGUSR1; TERMINATE on SIGINT/SIGTERM.
/// Once `finished` is set (the proxy has returned), any signal ends it.
fn steer_by_signals(signals: Signals, steer: Socket, finished: &AtomicBool) {
    let ask = |command: &str| -> Result<Vec<Vec<u8>>, ferrozmq::Error> {
        steer.send(command, 0)?;
        steer.recv_multipart(0)
    };
    loop {
        let Ok(signal) = signals.wait() else {
            return;
        };
        if finished.load(Ordering::SeqCst) {
            return;
        }
        if signal == libc::SIGUSR1 {
            match ask("STATISTICS") {
                Ok(frames) => print_stats(&counters(&frames)),
                Err(e) => eprintln!("ferrozmq proxy: cannot get statistics: {e}"),
            }
        } else {
            let _ = ask("TERMINATE");
            return;
        }
    }
}

/// The eight counters of a STATISTICS reply (missing or short frames: 0).
fn counters(frames: &[Vec<u8>]) -> [u64; 8] {
    let mut out = [0; 8];
    for (slot, frame) in out.iter_mut().zip(frames) {
        if let Ok(bytes) = <[u8; 8]>::try_from(frame.as_slice()) {
            *slot = u64::from_ne_bytes(bytes);
        }
    }
    out
}

/// The statistics line, from libzmq's eight counters (frontend in/out,
/// backend in/out; messages parts and bytes each).
fn stats_line(c: &[u64; 8]) -> String {
    format!(
        "frontend: in {} msgs {} B, out {} msgs {} B; backend: in {} msgs {} B, out {} msgs {} B",
        c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]
    )
}

fn print_stats(c: &[u64; 8]) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{}", stats_line(c));
    let _ = out.flush();
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(a: &[&str]) -> Result<Option<ProxyOptions>, Failure> {
        ProxyOptions::parse(&a.iter().map(|s| s.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn parses_sides_and_options() {
        let o = parse(&[
            "XSUB",
            "tcp://*:1",
            "xpub",
            "ipc://b",
            "--connect-back",
            "--capture",
            "inproc://c",
        ])
        .unwrap()
        .unwrap();
        assert_eq!(o.front.kind, SocketType::XSUB);
        assert!(!o.front.connect && o.back.connect);
        assert_eq!(o.back.endpoint, "ipc://b");
        assert_eq!(o.capture.as_deref(), Some("inproc://c"));
        assert_eq!(parse(&["-h"]), Ok(None));
        for bad in [
            &["xsub", "tcp://*:1", "xpub"][..],
            &["xsub", "e", "xpub", "e", "extra"],
            &["xsub", "e", "nope", "e"],
            &["xsub", "e", "xpub", "e", "--capture"],
            &["xsub", "e", "xpub", "e", "--frob"],
        ] {
            assert!(matches!(parse(bad), Err(Failure::Usage(_))), "{bad:?}");
        }
    }

    #[test]
    fn statistics_read_and_print() {
        let frames: Vec<Vec<u8>> = (1..=8u64).map(|n| n.to_ne_bytes().to_vec()).collect();
        let c = counters(&frames);
        assert_eq!(c, [1, 2, 3, 4, 5, 6, 7, 8]);
        assert_eq!(
            stats_line(&c),
            "frontend: in 1 msgs 2 B, out 3 msgs 4 B; backend: in 5 msgs 6 B, out 7 msgs 8 B"
        );
    }
}
