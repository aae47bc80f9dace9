//! The four perf tools on ferrozmq, step for step as libzmq's `perf/*.cpp`
//! (4.3.x): same socket types, same (absence of) options, same clock span,
//! same output lines and the same error texts (`error in zmq_bind: …`), so
//! scripts written around libzmq's tools read ours unchanged.
//!
//! Where we differ on purpose: errors go to stderr (libzmq prints them on
//! stdout) and exit with status 1 (libzmq: 255); and the throughput tools
//! also run over pgm:// and epgm:// (as SUB and PUB, see `thr_socket`),
//! where libzmq's fail with ENOCOMPATPROTO, and over wss:// with the
//! certificates named in the environment (see `wss_from_env`), where libzmq's
//! have no way to be given them.

use std::fmt;
use std::time::{Duration, Instant};

use ferrozmq::{Context, Message, Socket};

use crate::report::{lat_report, thr_report};
use crate::tool::curve_keys::{CLIENT_PUBLIC, CLIENT_SECRET, SERVER_PUBLIC, SERVER_SECRET};
use crate::tool::{Params, Tool};

/// A runtime failure of a perf tool, displayed as libzmq's tools print it.
#[derive(Debug)]
pub enum PerfError {
    /// A call failed: `error in <libzmq call name>: <error>`.
    Call(&'static str, ferrozmq::Error),
    /// A message of another size than `<message-size>` arrived.
    WrongSize,
    /// A PEM file named by a `FERROZMQ_WSS_*` variable could not be read.
    WssFile(&'static str, std::io::Error),
}

impl fmt::Display for PerfError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PerfError::Call(call, e) => write!(f, "error in {call}: {e}"),
            PerfError::WrongSize => f.write_str("message of incorrect size received"),
            PerfError::WssFile(var, e) => write!(f, "error reading the file in {var}: {e}"),
        }
    }
}

impl std::error::Error for PerfError {}

/// Names a failed call after the libzmq function the C tool calls there.
trait Call<T> {
    fn call(self, name: &'static str) -> Result<T, PerfError>;
}

impl<T> Call<T> for ferrozmq::Result<T> {
    fn call(self, name: &'static str) -> Result<T, PerfError> {
        self.map_err(|e| PerfError::Call(name, e))
    }
}

/// Runs `tool` with `params`, printing its report (if it has one) on stdout.
///
/// The context is dropped last, after the tool has closed its socket: with
/// the default LINGER -1 that waits until queued messages are delivered,
/// which is what makes `remote-thr`'s last messages arrive.
pub fn run(tool: Tool, params: &Params) -> Result<(), PerfError> {
    let ctx = Context::new();
    match tool {
        Tool::LocalThr => local_thr(&ctx, params),
        Tool::RemoteThr => remote_thr(&ctx, params),
        Tool::LocalLat => local_lat(&ctx, params),
        Tool::RemoteLat => remote_lat(&ctx, params),
    }
}

/// Whether `endpoint` is multicast (pgm, epgm), where the throughput tools use SUB and PUB
/// (libzmq's PULL and PUSH cannot use it) at the RATE in `FERROZMQ_PERF_RATE` (kbit/s;
/// libzmq's default of 100 otherwise).
fn multicast_rate(endpoint: &str) -> Option<Option<i32>> {
    let multicast = endpoint.starts_with("pgm://") || endpoint.starts_with("epgm://");
    multicast.then(|| {
        std::env::var("FERROZMQ_PERF_RATE")
            .ok()
            .and_then(|r| r.parse().ok())
    })
}

/// The throughput tools' socket: `pipeline` (PULL, PUSH), or for a multicast endpoint
/// `multicast` at its rate: a SUB subscribed to everything, or an XPUB with XPUB_NODROP
/// (a PUB would drop what its pipe cannot hold, where PUSH waits).
fn thr_socket(
    ctx: &Context,
    p: &Params,
    pipeline: ferrozmq::SocketType,
    multicast: ferrozmq::SocketType,
) -> Result<Socket, PerfError> {
    let Some(rate) = multicast_rate(&p.endpoint) else {
        return ctx.socket(pipeline).call("zmq_socket");
    };
    let s = ctx.socket(multicast).call("zmq_socket")?;
    if multicast == ferrozmq::SUB {
        s.set_subscribe(b"").call("zmq_setsockopt")?;
    } else {
        s.set_xpub_nodrop(true).call("zmq_setsockopt")?;
    }
    if let Some(rate) = rate {
        s.set_rate(rate).call("zmq_setsockopt")?;
    }
    Ok(s)
}

/// For a wss:// endpoint, the TLS settings the environment names, since the tools' arguments
/// are libzmq's: `FERROZMQ_WSS_CERT` and `FERROZMQ_WSS_KEY` (PEM files, the binding side),
/// `FERROZMQ_WSS_TRUST` (a PEM file) and `FERROZMQ_WSS_HOSTNAME` (the connecting side).
fn wss_from_env(s: &Socket, p: &Params) -> Result<(), PerfError> {
    if !p.endpoint.starts_with("wss://") {
        return Ok(());
    }
    let file = |var: &'static str| match std::env::var_os(var) {
        Some(path) => std::fs::read(path)
            .map(Some)
            .map_err(|e| PerfError::WssFile(var, e)),
        None => Ok(None),
    };
    if let Some(cert) = file("FERROZMQ_WSS_CERT")? {
        s.set_wss_cert_pem(&cert).call("zmq_setsockopt")?;
    }
    if let Some(key) = file("FERROZMQ_WSS_KEY")? {
        s.set_wss_key_pem(&key).call("zmq_setsockopt")?;
    }
    if let Some(trust) = file("FERROZMQ_WSS_TRUST")? {
        s.set_wss_trust_pem(&trust).call("zmq_setsockopt")?;
    }
    if let Ok(name) = std::env::var("FERROZMQ_WSS_HOSTNAME") {
        s.set_wss_hostname(&name).call("zmq_setsockopt")?;
    }
    Ok(())
}

/// Checks a received message's size against `<message-size>`.
fn check_size(msg: &Message, size: usize) -> Result<(), PerfError> {
    if msg.len() == size {
        Ok(())
    } else {
        Err(PerfError::WrongSize)
    }
}

fn local_thr(ctx: &Context, p: &Params) -> Result<(), PerfError> {
    let s = thr_socket(ctx, p, ferrozmq::PULL, ferrozmq::SUB)?;
    if p.curve {
        s.set_curve_secretkey(SERVER_SECRET.as_bytes())
            .call("zmq_setsockopt")?;
        s.set_curve_server(true).call("zmq_setsockopt")?;
    }
    wss_from_env(&s, p)?;
    s.bind(&p.endpoint).call("zmq_bind")?;
    let mut msg = Message::new();
    s.recv(&mut msg, 0).call("zmq_recvmsg")?;
    check_size(&msg, p.size)?;
    let watch = Instant::now();
    for _ in 1..p.count {
        s.recv(&mut msg, 0).call("zmq_recvmsg")?;
        check_size(&msg, p.size)?;
    }
    let elapsed = watch.elapsed().as_micros() as u64;
    print!("{}", thr_report(p.size, p.count, elapsed));
    Ok(())
}

fn remote_thr(ctx: &Context, p: &Params) -> Result<(), PerfError> {
    let s = thr_socket(ctx, p, ferrozmq::PUSH, ferrozmq::XPUB)?;
    if p.curve {
        s.set_curve_serverkey(SERVER_PUBLIC.as_bytes())
            .call("zmq_setsockopt")?;
        s.set_curve_publickey(CLIENT_PUBLIC.as_bytes())
            .call("zmq_setsockopt")?;
        s.set_curve_secretkey(CLIENT_SECRET.as_bytes())
            .call("zmq_setsockopt")?;
    }
    wss_from_env(&s, p)?;
    s.connect(&p.endpoint).call("zmq_connect")?;
    for _ in 0..p.count {
        // zmq_msg_init_size + zmq_sendmsg per message, as remote_thr.cpp.
        s.send(Message::with_size(p.size), 0).call("zmq_sendmsg")?;
    }
    Ok(())
}

fn local_lat(ctx: &Context, p: &Params) -> Result<(), PerfError> {
    let s: Socket = ctx.socket(ferrozmq::REP).call("zmq_socket")?;
    wss_from_env(&s, p)?;
    s.bind(&p.endpoint).call("zmq_bind")?;
    for _ in 0..p.count {
        let msg = s.recv_msg(0).call("zmq_recvmsg")?;
        check_size(&msg, p.size)?;
        s.send(msg, 0).call("zmq_sendmsg")?;
    }
    // zmq_sleep (1) before closing, as local_lat.cpp.
    std::thread::sleep(Duration::from_secs(1));
    Ok(())
}

fn remote_lat(ctx: &Context, p: &Params) -> Result<(), PerfError> {
    let s: Socket = ctx.socket(ferrozmq::REQ).call("zmq_socket")?;
    wss_from_env(&s, p)?;
    s.connect(&p.endpoint).call("zmq_connect")?;
    let mut msg = Message::with_size(p.size);
    let watch = Instant::now();
    for _ in 0..p.count {
        s.send(msg, 0).call("zmq_sendmsg")?;
        msg = s.recv_msg(0).call("zmq_recvmsg")?;
        check_size(&msg, p.size)?;
    }
    let elapsed = watch.elapsed().as_micros() as u64;
    print!("{}", lat_report(p.size, p.count, elapsed));
    Ok(())
}
