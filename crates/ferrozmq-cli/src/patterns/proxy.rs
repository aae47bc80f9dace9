//! `proxy-thr`: throughput through a ROUTER/DEALER proxy, in one process
//! over inproc, in the shape of libzmq's `perf/proxy_thr.cpp` (which does it
//! for XSUB/XPUB):
//!
//! ```text
//! DEALER client ─┐                                         ┌─ DEALER worker
//!                ├─ ROUTER | zmq_proxy_steerable | DEALER ─┤
//! DEALER client ─┘        (REP control socket)             └─ DEALER worker
//! ```
//!
//! The clients send `<message-count>` messages in all; the workers count the
//! [client-id, body] messages the proxy hands them. Default HWMs: nothing is
//! dropped, every stage blocks when the next is full.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{mpsc, Arc, Barrier};
use std::time::Instant;

use super::{check_more, check_size, join, spawn, Call, Params, PerfError};
use crate::api::{self, Error, Message};
use crate::report::thr_report;

const FRONTEND: &str = "inproc://proxy_frontend";
const BACKEND: &str = "inproc://proxy_backend";
const CONTROL: &str = "inproc://proxy_control";
const CLIENTS: u32 = 2;
const WORKERS: usize = 2;
/// How often (ms) an idle worker checks whether the run is over.
const WORKER_POLL_MS: i32 = 100;

/// Runs the proxy, its clients and workers; prints the rate at the workers.
pub fn thr(p: &Params) -> Result<(), PerfError> {
    let ctx = api::Context::new();
    let (size, count) = (p.size, p.count);

    let (ready_tx, ready_rx) = mpsc::channel();
    let proxy_ctx = ctx.clone();
    let proxy = spawn("proxy", move || {
        let mut frontend = proxy_ctx.socket(api::ROUTER).call("zmq_socket")?;
        frontend.bind(FRONTEND).call("zmq_bind")?;
        let mut backend = proxy_ctx.socket(api::DEALER).call("zmq_socket")?;
        backend.bind(BACKEND).call("zmq_bind")?;
        let mut control = proxy_ctx.socket(api::REP).call("zmq_socket")?;
        control.bind(CONTROL).call("zmq_bind")?;
        let _ = ready_tx.send(());
        api::proxy_steerable(&mut frontend, &mut backend, &mut control).call("zmq_proxy_steerable")
    })?;
    ready_rx.recv().map_err(|_| PerfError::Panicked)?;

    // Everyone connects, then waits here; the clock starts when all are in.
    let start = Arc::new(Barrier::new(WORKERS + CLIENTS as usize + 1));
    let received = Arc::new(AtomicU64::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let (done_tx, done_rx) = mpsc::channel();

    let mut workers = Vec::new();
    for i in 0..WORKERS {
        let (ctx, start, received, stop, done_tx) = (
            ctx.clone(),
            start.clone(),
            received.clone(),
            stop.clone(),
            done_tx.clone(),
        );
        workers.push(spawn(&format!("worker {i}"), move || {
            let s = ctx.socket(api::DEALER).call("zmq_socket")?;
            s.set_rcvtimeo(WORKER_POLL_MS).call("zmq_setsockopt")?;
            s.connect(BACKEND).call("zmq_connect")?;
            start.wait();
            let (mut id, mut body) = (Message::new(), Message::new());
            loop {
                match s.recv(&mut id, 0) {
                    Ok(()) => {}
                    Err(Error::EAGAIN) if stop.load(Ordering::Relaxed) => return Ok(()),
                    Err(Error::EAGAIN) => continue,
                    Err(e) => return Err(PerfError::Call("zmq_recvmsg", e)),
                }
                check_more(&id, true, "client id")?;
                s.recv(&mut body, 0).call("zmq_recvmsg")?;
                check_more(&body, false, "body")?;
                check_size(&body, size)?;
                if received.fetch_add(1, Ordering::Relaxed) + 1 == u64::from(count) {
                    let _ = done_tx.send(Instant::now());
                }
            }
        })?);
    }

    let mut clients = Vec::new();
    for i in 0..CLIENTS {
        let share = count / CLIENTS + u32::from(i < count % CLIENTS);
        let (ctx, start) = (ctx.clone(), start.clone());
        clients.push(spawn(&format!("client {i}"), move || {
            let s = ctx.socket(api::DEALER).call("zmq_socket")?;
            s.connect(FRONTEND).call("zmq_connect")?;
            start.wait();
            for _ in 0..share {
                s.send(Message::with_size(size), 0).call("zmq_sendmsg")?;
            }
            Ok(())
        })?);
    }

    drop(done_tx);
    start.wait();
    let watch = Instant::now();
    let done = done_rx.recv().map_err(|_| PerfError::Panicked)?;
    let elapsed = u64::try_from(done.duration_since(watch).as_micros()).unwrap_or(u64::MAX);

    stop.store(true, Ordering::Relaxed);
    for t in clients.into_iter().chain(workers) {
        join(t)?;
    }
    let control = ctx.socket(api::REQ).call("zmq_socket")?;
    control.connect(CONTROL).call("zmq_connect")?;
    control.send("TERMINATE", 0).call("zmq_sendmsg")?;
    join(proxy)?;
    drop(control);
    print!("{}", thr_report(size, count, elapsed));
    Ok(())
}
