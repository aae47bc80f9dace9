//! PUB/SUB pairs, over any transport: fan-out to S subscribers
//! (`pub-thr` → `sub-thr`) and topic filtering among 10,000 subscriptions
//! (`pub-topics` → `sub-topics`).
//!
//! No message may be lost, so that every subscriber can count to
//! `<message-count>`:
//! - slow joiners: the publisher is an XPUB with XPUB_VERBOSE (libzmq's PUB
//!   is an XPUB that hides subscriptions; the send path is the same) and
//!   starts sending only once it has read every expected subscription, at
//!   which point they are all in its filter;
//! - high-water marks: SNDHWM 0 on the publisher and RCVHWM 0 on the
//!   subscribers (no limit), as PUB drops at the HWM. The publisher can run
//!   ahead of its subscribers and queue what they have not read yet;
//! - subscriptions: SNDHWM 0 on the subscribers too, as libzmq's SUB drops
//!   the subscriptions that do not fit under it (10,000 of them would not);
//! - closing: the publisher exits only once its subscribers are gone (XPUB
//!   reports an unsubscription when the last subscriber of a topic
//!   disconnects), so nothing it still queues can be lost by closing early.
//!   (LINGER should guarantee that, but ferrozmq's close drops the queues of
//!   the connections a socket accepted, whatever its LINGER.)

use std::time::Instant;

use super::{check_size, join, micros_since, spawn, Call, Params, PerfError, Topics};
use crate::api::{self, Message};
use crate::report::{fanout_report, thr_report};

/// Number of subscriptions `sub-topics` makes.
pub const TOPIC_COUNT: usize = 10_000;
/// Length of every topic (and of the prefix of every topic message).
pub const TOPIC_LEN: usize = 10;
/// The subscribed topic that `pub-topics match` messages start with.
const MATCH_TOPIC: &[u8; TOPIC_LEN] = b"topic/9999";
/// The prefix of `pub-topics miss` messages: no subscription matches it.
const MISS_TOPIC: &[u8; TOPIC_LEN] = b"topic/miss";

/// An XPUB for `<bind-to>` with SNDHWM 0 and XPUB_VERBOSE, bound.
fn publisher(ctx: &api::Context, endpoint: &str) -> Result<api::Socket, PerfError> {
    let s = ctx.socket(api::XPUB).call("zmq_socket")?;
    s.set_sndhwm(0).call("zmq_setsockopt")?;
    s.set_xpub_verbose(true).call("zmq_setsockopt")?;
    s.bind(endpoint).call("zmq_bind")?;
    Ok(s)
}

/// Reads subscription messages until `count` subscribes have arrived.
fn await_subscriptions(s: &api::Socket, count: usize) -> Result<(), PerfError> {
    let mut seen = 0;
    while seen < count {
        let msg = s.recv_msg(0).call("zmq_recvmsg")?;
        if msg.first() == Some(&1) {
            seen += 1;
        }
    }
    Ok(())
}

/// Reads (un)subscription messages until an unsubscription arrives: the
/// last subscriber of some topic has disconnected.
fn await_unsubscription(s: &api::Socket) -> Result<(), PerfError> {
    loop {
        let msg = s.recv_msg(0).call("zmq_recvmsg")?;
        if msg.first() == Some(&0) {
            return Ok(());
        }
    }
}

/// A SUB for `<connect-to>` with RCVHWM and SNDHWM 0; subscribed to
/// `topics`, then connected.
fn subscriber<'a>(
    ctx: &api::Context,
    endpoint: &str,
    topics: impl IntoIterator<Item = &'a [u8]>,
) -> Result<api::Socket, PerfError> {
    let s = ctx.socket(api::SUB).call("zmq_socket")?;
    s.set_rcvhwm(0).call("zmq_setsockopt")?;
    s.set_sndhwm(0).call("zmq_setsockopt")?;
    for topic in topics {
        s.set_subscribe(topic).call("zmq_setsockopt")?;
    }
    s.connect(endpoint).call("zmq_connect")?;
    Ok(s)
}

/// Fan-out publisher: waits for `<subscribers>` subscriptions, sends
/// `count` messages to all of them, waits until they have all left.
pub fn pub_thr(p: &Params) -> Result<(), PerfError> {
    let ctx = api::Context::new();
    let s = publisher(&ctx, &p.endpoint)?;
    await_subscriptions(&s, p.subscribers as usize)?;
    for _ in 0..p.count {
        s.send(Message::with_size(p.size), 0).call("zmq_sendmsg")?;
    }
    await_unsubscription(&s)
}

/// Fan-out receivers: `<subscribers>` SUB sockets, one thread each, each
/// receiving `count` messages; prints the aggregate and per-subscriber rates.
pub fn sub_thr(p: &Params) -> Result<(), PerfError> {
    let ctx = api::Context::new();
    let mut threads = Vec::new();
    for i in 0..p.subscribers {
        let (ctx, endpoint, size, count) = (ctx.clone(), p.endpoint.clone(), p.size, p.count);
        threads.push(spawn(&format!("sub {i}"), move || {
            let s = subscriber(&ctx, &endpoint, [&b""[..]])?;
            let mut msg = Message::new();
            s.recv(&mut msg, 0).call("zmq_recvmsg")?;
            check_size(&msg, size)?;
            let first = Instant::now();
            for _ in 1..count {
                s.recv(&mut msg, 0).call("zmq_recvmsg")?;
                check_size(&msg, size)?;
            }
            Ok((first, Instant::now()))
        })?);
    }
    let mut spans = Vec::with_capacity(threads.len());
    for t in threads {
        spans.push(join(t)?);
    }
    let (Some(start), Some(end)) = (
        spans.iter().map(|s| s.0).min(),
        spans.iter().map(|s| s.1).max(),
    ) else {
        return Err(PerfError::Unexpected("no subscriber ran".into()));
    };
    let total_us = u64::try_from(end.duration_since(start).as_micros()).unwrap_or(u64::MAX);
    let each_us: Vec<u64> = spans
        .iter()
        .map(|(first, last)| {
            u64::try_from(last.duration_since(*first).as_micros()).unwrap_or(u64::MAX)
        })
        .collect();
    print!(
        "{}",
        fanout_report(p.size, p.count, p.subscribers, total_us, &each_us)
    );
    Ok(())
}

/// The 10,000 topics `sub-topics` subscribes to: "topic/0000" ..
/// "topic/9998", which no message matches, and [`MATCH_TOPIC`].
fn subscribed_topics() -> Vec<Vec<u8>> {
    let mut topics: Vec<Vec<u8>> = (0..TOPIC_COUNT - 1)
        .map(|i| format!("topic/{i:04}").into_bytes())
        .collect();
    topics.push(MATCH_TOPIC.to_vec());
    topics
}

/// A message of `size` bytes starting with `topic`, zeros after it.
fn topic_message(topic: &[u8; TOPIC_LEN], size: usize) -> Message {
    let mut msg = Message::with_size(size);
    msg[..TOPIC_LEN].copy_from_slice(topic);
    msg
}

/// Topic-filter publisher: waits for the 10,000 subscriptions, sends `count`
/// matching or non-matching messages, waits until the subscriber has left;
/// in miss mode prints its send rate.
pub fn pub_topics(p: &Params) -> Result<(), PerfError> {
    let ctx = api::Context::new();
    let s = publisher(&ctx, &p.endpoint)?;
    await_subscriptions(&s, TOPIC_COUNT)?;
    let topic = match p.topics {
        Topics::Match => MATCH_TOPIC,
        Topics::Miss => MISS_TOPIC,
    };
    let watch = Instant::now();
    for _ in 0..p.count {
        s.send(topic_message(topic, p.size), 0)
            .call("zmq_sendmsg")?;
    }
    let elapsed = micros_since(watch);
    if p.topics == Topics::Miss {
        // The subscriber got nothing so far; this tells it the run is over.
        s.send(topic_message(MATCH_TOPIC, p.size), 0)
            .call("zmq_sendmsg")?;
        await_unsubscription(&s)?;
        print!("{}", thr_report(p.size, p.count, elapsed));
        return Ok(());
    }
    await_unsubscription(&s)
}

/// Topic-filter subscriber: in match mode receives `count` messages and
/// prints the rate; in miss mode waits for the closing matching message.
pub fn sub_topics(p: &Params) -> Result<(), PerfError> {
    let ctx = api::Context::new();
    let topics = subscribed_topics();
    let s = subscriber(&ctx, &p.endpoint, topics.iter().map(Vec::as_slice))?;
    let mut msg = Message::new();
    s.recv(&mut msg, 0).call("zmq_recvmsg")?;
    check_size(&msg, p.size)?;
    if !msg.starts_with(MATCH_TOPIC) {
        return Err(PerfError::Unexpected(
            "a message that matches no subscription was delivered".into(),
        ));
    }
    if p.topics == Topics::Miss {
        return Ok(());
    }
    let watch = Instant::now();
    for _ in 1..p.count {
        s.recv(&mut msg, 0).call("zmq_recvmsg")?;
        check_size(&msg, p.size)?;
    }
    let elapsed = micros_since(watch);
    print!("{}", thr_report(p.size, p.count, elapsed));
    Ok(())
}
