//! The four perf tools, step for step as libzmq's `perf/*.cpp` (4.3.x):
//! same socket types, same (absence of) options, same clock span, same
//! output lines and error texts.
//!
//! One difference that cannot be avoided through the `zmq` crate: its
//! `Message::with_size` zero-fills the buffer (`zmq_msg_init_size` +
//! memset), where `remote_thr.cpp` leaves it uninitialised. ferrozmq's
//! `Message::with_size` zero-fills too, so comparisons stay like for like.

use std::fmt;
use std::time::Instant;

use crate::report::{lat_report, thr_report};
use crate::tool::curve_keys::{CLIENT_PUBLIC, CLIENT_SECRET, SERVER_PUBLIC, SERVER_SECRET};
use crate::tool::{Params, Tool};

/// A runtime failure, displayed exactly as libzmq's tools print it.
#[derive(Debug)]
pub enum PerfError {
    /// A libzmq call failed: `error in <call>: <strerror>`.
    Call(&'static str, zmq::Error),
    /// A message of another size than `<message-size>` arrived.
    WrongSize,
}

impl fmt::Display for PerfError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PerfError::Call(call, e) => write!(f, "error in {call}: {}", e.message()),
            PerfError::WrongSize => f.write_str("message of incorrect size received"),
        }
    }
}

impl std::error::Error for PerfError {}

/// Attaches the name of the libzmq call to an error, as libzmq's tools do.
trait Ctx<T> {
    fn ctx(self, call: &'static str) -> Result<T, PerfError>;
}

impl<T> Ctx<T> for zmq::Result<T> {
    fn ctx(self, call: &'static str) -> Result<T, PerfError> {
        self.map_err(|e| PerfError::Call(call, e))
    }
}

/// Runs `tool` with `params`, printing its report on stdout.
pub fn run(tool: Tool, params: &Params) -> Result<(), PerfError> {
    // zmq_init (1): one I/O thread, which is also the zmq crate's default.
    let ctx = zmq::Context::new();
    let result = match tool {
        Tool::LocalThr => local_thr(&ctx, params),
        Tool::RemoteThr => remote_thr(&ctx, params),
        Tool::LocalLat => local_lat(&ctx, params),
        Tool::RemoteLat => remote_lat(&ctx, params),
    };
    // Sockets are closed inside each tool; zmq_ctx_term waits (LINGER -1)
    // until everything queued is delivered.
    let mut ctx = ctx;
    result?;
    ctx.destroy().ctx("zmq_ctx_term")
}

fn local_thr(ctx: &zmq::Context, p: &Params) -> Result<(), PerfError> {
    let s = ctx.socket(zmq::PULL).ctx("zmq_socket")?;
    if p.curve {
        s.set_curve_secretkey(SERVER_SECRET.as_bytes())
            .ctx("zmq_setsockopt")?;
        s.set_curve_server(true).ctx("zmq_setsockopt")?;
    }
    s.bind(&p.endpoint).ctx("zmq_bind")?;
    let mut msg = zmq::Message::new();
    s.recv(&mut msg, 0).ctx("zmq_recvmsg")?;
    if msg.len() != p.size {
        return Err(PerfError::WrongSize);
    }
    let watch = Instant::now();
    for _ in 1..p.count {
        s.recv(&mut msg, 0).ctx("zmq_recvmsg")?;
        if msg.len() != p.size {
            return Err(PerfError::WrongSize);
        }
    }
    let elapsed = watch.elapsed().as_micros() as u64;
    drop(msg);
    print!("{}", thr_report(p.size, p.count, elapsed));
    drop(s);
    Ok(())
}

fn remote_thr(ctx: &zmq::Context, p: &Params) -> Result<(), PerfError> {
    let s = ctx.socket(zmq::PUSH).ctx("zmq_socket")?;
    if p.curve {
        s.set_curve_secretkey(CLIENT_SECRET.as_bytes())
            .ctx("zmq_setsockopt")?;
        s.set_curve_publickey(CLIENT_PUBLIC.as_bytes())
            .ctx("zmq_setsockopt")?;
        s.set_curve_serverkey(SERVER_PUBLIC.as_bytes())
            .ctx("zmq_setsockopt")?;
    }
    s.connect(&p.endpoint).ctx("zmq_connect")?;
    for _ in 0..p.count {
        s.send(zmq::Message::with_size(p.size), 0)
            .ctx("zmq_sendmsg")?;
    }
    drop(s);
    Ok(())
}

fn local_lat(ctx: &zmq::Context, p: &Params) -> Result<(), PerfError> {
    let s = ctx.socket(zmq::REP).ctx("zmq_socket")?;
    s.bind(&p.endpoint).ctx("zmq_bind")?;
    for _ in 0..p.count {
        let msg = s.recv_msg(0).ctx("zmq_recvmsg")?;
        if msg.len() != p.size {
            return Err(PerfError::WrongSize);
        }
        s.send(msg, 0).ctx("zmq_sendmsg")?;
    }
    // zmq_sleep (1), as local_lat.cpp does before closing.
    std::thread::sleep(std::time::Duration::from_secs(1));
    drop(s);
    Ok(())
}

fn remote_lat(ctx: &zmq::Context, p: &Params) -> Result<(), PerfError> {
    let s = ctx.socket(zmq::REQ).ctx("zmq_socket")?;
    s.connect(&p.endpoint).ctx("zmq_connect")?;
    let mut msg = zmq::Message::with_size(p.size);
    let watch = Instant::now();
    for _ in 0..p.count {
        s.send(msg, 0).ctx("zmq_sendmsg")?;
        msg = s.recv_msg(0).ctx("zmq_recvmsg")?;
        if msg.len() != p.size {
            return Err(PerfError::WrongSize);
        }
    }
    let elapsed = watch.elapsed().as_micros() as u64;
    drop(msg);
    print!("{}", lat_report(p.size, p.count, elapsed));
    drop(s);
    Ok(())
}
