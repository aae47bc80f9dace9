//! `inproc-thr` and `inproc-lat`: libzmq's `perf/inproc_thr.cpp` and
//! `perf/inproc_lat.cpp` step for step — one context (one I/O thread), the
//! main thread's socket binds, a second thread's socket connects, same
//! endpoints, same clock span, same result lines.

use std::time::Instant;

use super::{check_size, join, micros_since, spawn, Call, Params, PerfError};
use crate::api::{self, Message};
use crate::report::{lat_report, thr_report};

/// `inproc_thr`: a worker thread's PUSH sends `count` messages to the main
/// thread's PULL; the clock starts when the first one has arrived.
pub fn thr(p: &Params) -> Result<(), PerfError> {
    let ctx = api::Context::new();
    let s = ctx.socket(api::PULL).call("zmq_socket")?;
    s.bind("inproc://thr_test").call("zmq_bind")?;

    let (size, count) = (p.size, p.count);
    let worker_ctx = ctx.clone();
    let worker = spawn("inproc-thr push", move || {
        let s = worker_ctx.socket(api::PUSH).call("zmq_socket")?;
        s.connect("inproc://thr_test").call("zmq_connect")?;
        for _ in 0..count {
            s.send(Message::with_size(size), 0).call("zmq_sendmsg")?;
        }
        Ok(())
    })?;

    let mut msg = Message::new();
    s.recv(&mut msg, 0).call("zmq_recvmsg")?;
    check_size(&msg, size)?;
    let watch = Instant::now();
    for _ in 1..count {
        s.recv(&mut msg, 0).call("zmq_recvmsg")?;
        check_size(&msg, size)?;
    }
    let elapsed = micros_since(watch);
    join(worker)?;
    drop(s);
    print!("{}", thr_report(size, count, elapsed));
    Ok(())
}

/// `inproc_lat`: the main thread's REQ sends `count` requests to a worker
/// thread's REP, which echoes them; prints the one-way latency.
pub fn lat(p: &Params) -> Result<(), PerfError> {
    let ctx = api::Context::new();
    let s = ctx.socket(api::REQ).call("zmq_socket")?;
    s.bind("inproc://lat_test").call("zmq_bind")?;

    let count = p.count;
    let worker_ctx = ctx.clone();
    let worker = spawn("inproc-lat rep", move || {
        let s = worker_ctx.socket(api::REP).call("zmq_socket")?;
        s.connect("inproc://lat_test").call("zmq_connect")?;
        for _ in 0..count {
            let msg = s.recv_msg(0).call("zmq_recvmsg")?;
            s.send(msg, 0).call("zmq_sendmsg")?;
        }
        Ok(())
    })?;

    let mut msg = Message::with_size(p.size);
    let watch = Instant::now();
    for _ in 0..count {
        s.send(msg, 0).call("zmq_sendmsg")?;
        msg = s.recv_msg(0).call("zmq_recvmsg")?;
        check_size(&msg, p.size)?;
    }
    let elapsed = micros_since(watch);
    join(worker)?;
    drop(s);
    print!("{}", lat_report(p.size, count, elapsed));
    Ok(())
}
