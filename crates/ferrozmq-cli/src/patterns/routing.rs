//! ROUTER/DEALER pairs, over any transport (`<bind-to>` / `<connect-to>`):
//!
//! | case | sender / requester (connects) | receiver / echo (binds) |
//! |---|---|---|
//! | DEALER→ROUTER throughput | `remote-dealer-thr` | `local-router-thr` |
//! | ROUTER→DEALER throughput | `remote-router-thr` | `local-dealer-thr` |
//! | REQ→ROUTER latency | `remote-lat` (REQ) | `local-router-lat` |
//! | DEALER→REP latency | `remote-dealer-lat` | `local-lat` (REP) |
//!
//! Throughput is printed by the receiver (local_thr's lines, the clock
//! starting at the first message), latency by the requester (remote_lat's).

use std::time::Instant;

use super::{check_more, check_size, micros_since, Call, Params, PerfError};
use crate::api::{self, Message, SNDMORE};
use crate::report::{lat_report, thr_report};

/// Routing id of `local-dealer-thr`'s DEALER, which `remote-router-thr`
/// addresses its messages to.
pub const DEALER_ID: &[u8] = b"dealer";

/// Receives one [routing-id, body] message on a ROUTER.
fn recv_routed(
    s: &api::Socket,
    id: &mut Message,
    body: &mut Message,
    size: usize,
) -> Result<(), PerfError> {
    s.recv(id, 0).call("zmq_recvmsg")?;
    check_more(id, true, "routing id")?;
    s.recv(body, 0).call("zmq_recvmsg")?;
    check_more(body, false, "body")?;
    check_size(body, size)
}

/// DEALER→ROUTER receiver: ROUTER binds and receives `count` messages.
pub fn local_router_thr(p: &Params) -> Result<(), PerfError> {
    let ctx = api::Context::new();
    let s = ctx.socket(api::ROUTER).call("zmq_socket")?;
    s.bind(&p.endpoint).call("zmq_bind")?;
    let (mut id, mut body) = (Message::new(), Message::new());
    recv_routed(&s, &mut id, &mut body, p.size)?;
    let watch = Instant::now();
    for _ in 1..p.count {
        recv_routed(&s, &mut id, &mut body, p.size)?;
    }
    let elapsed = micros_since(watch);
    print!("{}", thr_report(p.size, p.count, elapsed));
    Ok(())
}

/// DEALER→ROUTER sender: DEALER connects and sends `count` messages.
pub fn remote_dealer_thr(p: &Params) -> Result<(), PerfError> {
    let ctx = api::Context::new();
    let s = ctx.socket(api::DEALER).call("zmq_socket")?;
    s.connect(&p.endpoint).call("zmq_connect")?;
    for _ in 0..p.count {
        s.send(Message::with_size(p.size), 0).call("zmq_sendmsg")?;
    }
    Ok(())
}

/// ROUTER→DEALER receiver: DEALER (routing id [`DEALER_ID`]) binds, says
/// hello once a ROUTER is connected (a DEALER's send waits for a peer), then
/// receives `count` messages.
pub fn local_dealer_thr(p: &Params) -> Result<(), PerfError> {
    let ctx = api::Context::new();
    let s = ctx.socket(api::DEALER).call("zmq_socket")?;
    s.set_identity(DEALER_ID).call("zmq_setsockopt")?;
    s.bind(&p.endpoint).call("zmq_bind")?;
    s.send("hello", 0).call("zmq_sendmsg")?;
    let mut msg = Message::new();
    s.recv(&mut msg, 0).call("zmq_recvmsg")?;
    check_size(&msg, p.size)?;
    let watch = Instant::now();
    for _ in 1..p.count {
        s.recv(&mut msg, 0).call("zmq_recvmsg")?;
        check_size(&msg, p.size)?;
    }
    let elapsed = micros_since(watch);
    print!("{}", thr_report(p.size, p.count, elapsed));
    Ok(())
}

/// ROUTER→DEALER sender: ROUTER (ROUTER_MANDATORY, so a full peer blocks
/// the send instead of dropping it) connects, waits for the DEALER's hello
/// and sends `count` messages to [`DEALER_ID`].
pub fn remote_router_thr(p: &Params) -> Result<(), PerfError> {
    let ctx = api::Context::new();
    let s = ctx.socket(api::ROUTER).call("zmq_socket")?;
    s.set_router_mandatory(true).call("zmq_setsockopt")?;
    s.connect(&p.endpoint).call("zmq_connect")?;
    let id = s.recv_msg(0).call("zmq_recvmsg")?;
    check_more(&id, true, "routing id")?;
    let hello = s.recv_msg(0).call("zmq_recvmsg")?;
    check_more(&hello, false, "hello")?;
    if &id[..] != DEALER_ID {
        return Err(PerfError::Unexpected(format!(
            "hello from routing id {:?}, expected {:?}",
            String::from_utf8_lossy(&id),
            String::from_utf8_lossy(DEALER_ID)
        )));
    }
    for _ in 0..p.count {
        s.send(DEALER_ID, SNDMORE).call("zmq_sendmsg")?;
        s.send(Message::with_size(p.size), 0).call("zmq_sendmsg")?;
    }
    Ok(())
}

/// Echo side of REQ→ROUTER latency: ROUTER binds and sends every request
/// back with its whole envelope ([routing-id, "", body] from a REQ), then
/// waits 1 s before closing, as `local_lat` does, so the last reply leaves.
pub fn local_router_lat(p: &Params) -> Result<(), PerfError> {
    let ctx = api::Context::new();
    let s = ctx.socket(api::ROUTER).call("zmq_socket")?;
    s.bind(&p.endpoint).call("zmq_bind")?;
    let mut frames: Vec<Message> = Vec::with_capacity(4);
    for _ in 0..p.count {
        loop {
            let frame = s.recv_msg(0).call("zmq_recvmsg")?;
            let more = frame.get_more();
            frames.push(frame);
            if !more {
                break;
            }
        }
        if frames.len() < 2 {
            return Err(PerfError::Unexpected("request without routing id".into()));
        }
        if let Some(body) = frames.last() {
            check_size(body, p.size)?;
        }
        let last = frames.len() - 1;
        for (i, frame) in frames.drain(..).enumerate() {
            let flags = if i < last { SNDMORE } else { 0 };
            s.send(frame, flags).call("zmq_sendmsg")?;
        }
    }
    // zmq_sleep (1), as local_lat.cpp before closing.
    std::thread::sleep(std::time::Duration::from_secs(1));
    Ok(())
}

/// Requester of DEALER→REP latency: DEALER connects and sends `count`
/// requests ["", body], each after the previous reply.
pub fn remote_dealer_lat(p: &Params) -> Result<(), PerfError> {
    let ctx = api::Context::new();
    let s = ctx.socket(api::DEALER).call("zmq_socket")?;
    s.connect(&p.endpoint).call("zmq_connect")?;
    let mut msg = Message::with_size(p.size);
    let watch = Instant::now();
    for _ in 0..p.count {
        s.send(Message::new(), SNDMORE).call("zmq_sendmsg")?;
        s.send(msg, 0).call("zmq_sendmsg")?;
        let delimiter = s.recv_msg(0).call("zmq_recvmsg")?;
        check_more(&delimiter, true, "empty delimiter")?;
        if !delimiter.is_empty() {
            return Err(PerfError::Unexpected(
                "reply without empty delimiter".into(),
            ));
        }
        msg = s.recv_msg(0).call("zmq_recvmsg")?;
        check_more(&msg, false, "reply body")?;
        check_size(&msg, p.size)?;
    }
    let elapsed = micros_since(watch);
    print!("{}", lat_report(p.size, p.count, elapsed));
    Ok(())
}
