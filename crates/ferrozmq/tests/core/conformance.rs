//! Conformance: ferrozmq against itself over tcp and ipc, on the ground of libzmq's own tests
//! (test_spec_pushpull, test_spec_req, test_spec_rep, test_pair_*, test_reqrep_*, test_hwm,
//! test_sockopt_hwm, test_timeo, test_last_endpoint, test_term_endpoint,
//! test_bind_after_connect, test_reconnect_ivl, test_ctx_destroy) and RFC 28/30/31:
//!
//! * PUSH round-robins over PULLs in equal shares; PULL fair-queues over PUSHes; PUSH/REQ/PAIR
//!   with no peer block (DONTWAIT → EAGAIN, SNDTIMEO → EAGAIN after the timeout) while a
//!   connect-side pipe queues; multipart messages arrive whole or not at all.
//! * SNDHWM/RCVHWM bound the queue (exactly, on an unconnected pipe; approximately, through the
//!   kernel) and sending resumes once the receiver drains.
//! * REQ/REP state machines (EFSM), REQ round-robin, REP routing replies to the right REQ,
//!   PAIR in both directions with a single peer, ENOTSUP for recv on PUSH / send on PULL.
//! * Endpoints: LAST_ENDPOINT for `tcp://…:*` and `ipc://*`, EADDRINUSE, errors for bad
//!   endpoints (checked against libzmq's), unbind/disconnect and ENOENT, connect before bind,
//!   a PULL that is closed and re-bound while the PUSH keeps its queue.
//! * Timeouts and termination: RCVTIMEO, context destroy unblocking recv/send with ETERM,
//!   LINGER 0 / positive / -1 semantics at close and context termination.

use crate::common::*;
use ferrozmq::{Context, Error, Socket, DONTWAIT, PAIR, PULL, PUSH, REP, REQ, SNDMORE};
use std::collections::{BTreeSet, HashMap};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

/// Generates a `tcp` and an `ipc` test for each function `name(Transport)`.
macro_rules! over_both {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                use super::*;
                #[test]
                fn tcp() {
                    bounded(|| super::$name(Transport::Tcp));
                }
                #[test]
                fn ipc() {
                    bounded(|| super::$name(Transport::Ipc));
                }
            }
        )*
    };
}

over_both!(
    push_round_robins_in_equal_shares,
    pull_fair_queues,
    multipart_is_atomic,
    hwm_bounds_the_queue,
    req_round_robins_over_reps,
    rep_replies_to_the_right_requester,
    pair_one_peer_both_directions,
    connect_before_bind,
    pull_closed_and_rebound_gets_the_queue,
    unbind_closes_and_allows_rebind,
    linger_minus_one_delivers_after_close,
);

fn bind_ours(s: &Socket, transport: Transport) -> String {
    s.bind(&transport.bind_endpoint()).expect("bind");
    last_ep(s)
}

fn recv_str(s: &Socket) -> String {
    s.recv_string(0)
        .unwrap_or_else(|e| panic!("recv: {e:?}"))
        .expect("utf-8")
}

// ---------------------------------------------------------------------------------------------
// PUSH / PULL (RFC 30, test_spec_pushpull)

fn push_round_robins_in_equal_shares(transport: Transport) {
    const PULLS: usize = 3;
    const EACH: usize = 10;
    let ctx = Context::new();
    let pulls: Vec<Socket> = (0..PULLS).map(|_| ours(&ctx, PULL)).collect();
    let push = ours(&ctx, PUSH);
    for p in &pulls {
        let ep = bind_ours(p, transport);
        push.connect(&ep).unwrap();
    }
    for i in 0..PULLS * EACH {
        push.send(i.to_string().as_str(), 0).unwrap();
    }
    for (k, p) in pulls.iter().enumerate() {
        let got: Vec<usize> = (0..EACH)
            .map(|_| recv_str(p).parse().expect("a number"))
            .collect();
        let residue = got[0] % PULLS;
        assert!(
            got.iter().enumerate().all(|(j, &n)| n == got[0] + j * PULLS),
            "PULL {k} got {got:?}: round-robin gives each PULL every {PULLS}th message (residue {residue})"
        );
        assert_eq!(
            p.recv_msg(DONTWAIT).unwrap_err(),
            Error::EAGAIN,
            "PULL {k} got more"
        );
    }
}

fn pull_fair_queues(transport: Transport) {
    const PUSHES: usize = 4;
    const EACH: usize = 5000;
    // Small queues keep every PUSH backlogged (its sends block) while the PULL reads, so every
    // pipe has messages waiting nearly all the time and fair queueing must share them out.
    const HWM: i32 = 10;
    let ctx = Context::new();
    let pull = ours(&ctx, PULL);
    pull.set_rcvhwm(HWM).unwrap();
    let ep = bind_ours(&pull, transport);
    let pushes: Vec<Socket> = (0..PUSHES)
        .map(|_| {
            let p = ours(&ctx, PUSH);
            p.set_sndhwm(HWM).unwrap();
            p.connect(&ep).unwrap();
            p
        })
        .collect();
    // Every PUSH is attached once one message from each has arrived.
    for (k, p) in pushes.iter().enumerate() {
        p.send(format!("hello-{k}").as_str(), 0).unwrap();
    }
    let hellos: BTreeSet<String> = (0..PUSHES).map(|_| recv_str(&pull)).collect();
    assert_eq!(hellos.len(), PUSHES);

    let senders: Vec<_> = pushes
        .into_iter()
        .enumerate()
        .map(|(k, p)| {
            thread::spawn(move || {
                for i in 0..EACH {
                    p.send(format!("{k} {i}").as_str(), 0).unwrap();
                }
            })
        })
        .collect();
    let mut next = [0usize; PUSHES];
    let mut share_of_first_half = [0usize; PUSHES];
    for n in 0..PUSHES * EACH {
        let got = recv_str(&pull);
        let (k, i) = got.split_once(' ').expect("\"k i\"");
        let (k, i): (usize, usize) = (k.parse().unwrap(), i.parse().unwrap());
        assert_eq!(i, next[k], "PUSH {k}'s messages arrive in the order sent");
        next[k] += 1;
        if n < PUSHES * EACH / 2 {
            share_of_first_half[k] += 1;
        }
    }
    for s in senders {
        s.join().unwrap();
    }
    // Fair queueing gives each backlogged PUSH a quarter of the first half; a PULL that
    // drained one pipe before the next would give some PUSH none of it. A tenth of the first
    // half leaves room for a sender thread the scheduler held back for a while.
    let floor = PUSHES * EACH / 2 / 10;
    assert!(
        share_of_first_half.iter().all(|&n| n >= floor),
        "each PUSH has at least {floor} of the first {} messages: {share_of_first_half:?}",
        PUSHES * EACH / 2
    );
}

#[test]
fn send_with_no_peer_blocks() {
    bounded(|| {
        let ctx = Context::new();
        for ty in [PUSH, REQ, PAIR] {
            let s = ours(&ctx, ty);
            s.bind("tcp://127.0.0.1:*").unwrap();
            assert_eq!(
                s.send("x", DONTWAIT).unwrap_err(),
                Error::EAGAIN,
                "{ty:?} bound without peers: DONTWAIT send"
            );
            s.set_sndtimeo(200).unwrap();
            let t0 = Instant::now();
            assert_eq!(
                s.send("x", 0).unwrap_err(),
                Error::EAGAIN,
                "{ty:?}: SNDTIMEO send"
            );
            let waited = t0.elapsed();
            assert!(
                waited >= Duration::from_millis(195) && waited < Duration::from_secs(3),
                "{ty:?}: SNDTIMEO 200 ms returned after {waited:?}"
            );
            // SNDTIMEO 0 replaces a long timeout: a send that still waited would take 10 s
            // (a generous bound, not a timing of "at once").
            s.set_sndtimeo(10_000).unwrap();
            s.set_sndtimeo(0).unwrap();
            let t0 = Instant::now();
            assert_eq!(
                s.send("x", 0).unwrap_err(),
                Error::EAGAIN,
                "{ty:?}: SNDTIMEO 0"
            );
            assert!(t0.elapsed() < Duration::from_secs(5));
        }
    });
}

#[test]
fn connect_side_pipe_queues_without_a_peer_up_to_sndhwm() {
    // libzmq creates the pipe at connect time: sends queue before any connection, exactly
    // SNDHWM whole messages (multipart counts once), then EAGAIN. Then the PULL appears.
    bounded(|| {
        let ctx = Context::new();
        let ep = free_tcp_endpoint();
        let push = ours(&ctx, PUSH);
        push.set_sndhwm(10).unwrap();
        push.set_reconnect_ivl(20).unwrap();
        push.connect(&ep).unwrap();
        for i in 0..10 {
            push.send_multipart([format!("m{i}").as_str(), "x", "y"], DONTWAIT)
                .unwrap_or_else(|e| panic!("message {i} of SNDHWM 10: {e:?}"));
        }
        assert_eq!(
            push.send("over", DONTWAIT).unwrap_err(),
            Error::EAGAIN,
            "the 11th message passes SNDHWM 10"
        );
        let pull = ours(&ctx, PULL);
        pull.bind(&ep).unwrap();
        for i in 0..10 {
            assert_eq!(
                recv_frames(&pull).unwrap(),
                frames(&[&format!("m{i}"), "x", "y"])
            );
        }
        push.send("room again", 0).unwrap();
        assert_eq!(recv_str(&pull), "room again");
    });
}

fn multipart_is_atomic(transport: Transport) {
    let ctx = Context::new();
    let pull = ours(&ctx, PULL);
    let ep = bind_ours(&pull, transport);
    let push_a = ours(&ctx, PUSH);
    let push_b = ours(&ctx, PUSH);
    push_a.connect(&ep).unwrap();
    push_b.connect(&ep).unwrap();

    // Two senders interleave 3-frame messages; every message arrives whole.
    for i in 0..200 {
        push_a
            .send_multipart(["A", &i.to_string(), "end-A"], 0)
            .unwrap();
        push_b.send("B", SNDMORE).unwrap();
        push_b.send(i.to_string().as_str(), SNDMORE).unwrap();
        push_b.send("end-B", 0).unwrap();
    }
    let mut next = HashMap::from([("A".to_string(), 0usize), ("B".to_string(), 0usize)]);
    for _ in 0..400 {
        let m = recv_frames(&pull).unwrap();
        assert_eq!(m.len(), 3, "{m:?}");
        let tag = String::from_utf8(m[0].clone()).unwrap();
        let n: usize = String::from_utf8(m[1].clone()).unwrap().parse().unwrap();
        assert_eq!(m[2], format!("end-{tag}").into_bytes(), "{m:?}");
        let expected = next.get_mut(&tag).expect("tag A or B");
        assert_eq!(n, *expected, "per-sender order");
        *expected += 1;
    }

    // A message whose last frame is not sent yet is invisible.
    push_a.send("part-1", SNDMORE).unwrap();
    push_a.send("part-2", SNDMORE).unwrap();
    push_b.send("whole", 0).unwrap();
    assert_eq!(recv_frames(&pull).unwrap(), frames(&["whole"]));
    push_a.send("part-3", 0).unwrap();
    assert_eq!(
        recv_frames(&pull).unwrap(),
        frames(&["part-1", "part-2", "part-3"])
    );

    // A sender closed in the middle of a message delivers none of it.
    push_a.send("orphan-1", SNDMORE).unwrap();
    push_a.send("orphan-2", SNDMORE).unwrap();
    drop(push_a);
    push_b.send("after", 0).unwrap();
    assert_eq!(recv_frames(&pull).unwrap(), frames(&["after"]));
    pull.set_rcvtimeo(300).unwrap();
    assert_eq!(
        pull.recv_msg(0).unwrap_err(),
        Error::EAGAIN,
        "frames of an unfinished message must not be delivered"
    );
}

#[test]
fn default_hwms_are_1000() {
    let ctx = Context::new();
    let s = ctx.socket(PUSH).unwrap();
    assert_eq!(s.get_sndhwm().unwrap(), 1000);
    assert_eq!(s.get_rcvhwm().unwrap(), 1000);
    s.set_sndhwm(5).unwrap();
    s.set_rcvhwm(0).unwrap();
    assert_eq!(s.get_sndhwm().unwrap(), 5);
    assert_eq!(s.get_rcvhwm().unwrap(), 0);
    assert_eq!(s.set_sndhwm(-1).unwrap_err(), Error::EINVAL);
}

fn hwm_bounds_the_queue(transport: Transport) {
    const HWM: i32 = 10;
    const SIZE: usize = 1024;
    let ctx = Context::new();
    let pull = ours(&ctx, PULL);
    pull.set_rcvhwm(HWM).unwrap();
    pull.set_rcvbuf(4096).unwrap();
    let ep = bind_ours(&pull, transport);
    let push = ours(&ctx, PUSH);
    push.set_sndhwm(HWM).unwrap();
    push.set_sndbuf(4096).unwrap();
    push.connect(&ep).unwrap();
    let msg = |i: usize| {
        let mut m = payload(SIZE, i as u8);
        m[..8].copy_from_slice(&(i as u64).to_be_bytes());
        m
    };
    // Connected first, so the kernel path is part of what fills up.
    push.send(msg(0), 0).unwrap();
    assert_eq!(pull.recv_bytes(0).unwrap(), msg(0));

    // The PULL does not read: sends must end in EAGAIN, and stay there.
    push.set_sndtimeo(300).unwrap();
    let mut sent = 1usize;
    loop {
        match push.send(msg(sent), DONTWAIT) {
            Ok(()) => sent += 1,
            Err(Error::EAGAIN) => match push.send(msg(sent), 0) {
                Ok(()) => sent += 1,
                Err(Error::EAGAIN) => break,
                Err(e) => panic!("send: {e:?}"),
            },
            Err(e) => panic!("send: {e:?}"),
        }
        assert!(
            sent < 20_000,
            "20000 messages queued past SNDHWM/RCVHWM {HWM}"
        );
    }
    let queued = sent - 1;
    assert!(
        queued >= 2 * HWM as usize,
        "only {queued} messages queued before EAGAIN; SNDHWM + RCVHWM is {}",
        2 * HWM
    );
    assert!(
        queued < 2000,
        "{queued} messages of {SIZE} B queued with HWMs of {HWM}"
    );

    // Draining frees room: everything queued arrives in order, then sending works again.
    for i in 1..sent {
        let got = pull
            .recv_bytes(0)
            .unwrap_or_else(|e| panic!("message {i}/{queued}: {e:?}"));
        assert!(got == msg(i), "message {i} corrupted or out of order");
    }
    push.set_sndtimeo(TIMEO).unwrap();
    for i in sent..sent + 3 * HWM as usize {
        push.send(msg(i), 0).unwrap();
        assert!(pull.recv_bytes(0).unwrap() == msg(i));
    }
}

// ---------------------------------------------------------------------------------------------
// REQ / REP (RFC 28, test_spec_req, test_spec_rep, test_reqrep_*)

#[test]
fn req_rep_state_machines() {
    bounded(|| {
        let ctx = Context::new();
        let rep = ours(&ctx, REP);
        rep.bind("tcp://127.0.0.1:*").unwrap();
        let req = ours(&ctx, REQ);
        req.connect(&last_ep(&rep)).unwrap();

        assert_eq!(
            req.recv_msg(0).unwrap_err(),
            Error::EFSM,
            "REQ recv before send"
        );
        assert_eq!(
            rep.send("x", 0).unwrap_err(),
            Error::EFSM,
            "REP send before recv"
        );

        req.send("q1", 0).unwrap();
        assert_eq!(
            req.send("q2", 0).unwrap_err(),
            Error::EFSM,
            "REQ send twice"
        );
        assert_eq!(recv_str(&rep), "q1");
        assert_eq!(rep.recv_msg(0).unwrap_err(), Error::EFSM, "REP recv twice");
        rep.send("r1", 0).unwrap();
        assert_eq!(
            rep.send("r2", 0).unwrap_err(),
            Error::EFSM,
            "REP send twice"
        );
        assert_eq!(recv_str(&req), "r1");
        assert_eq!(req.recv_msg(0).unwrap_err(), Error::EFSM, "REQ recv twice");

        // Multipart both ways, and the cycle repeats.
        req.send("a", SNDMORE).unwrap();
        req.send("", SNDMORE).unwrap();
        req.send("c", 0).unwrap();
        assert_eq!(recv_frames(&rep).unwrap(), frames(&["a", "", "c"]));
        rep.send_multipart(["x", "y"], 0).unwrap();
        assert_eq!(recv_frames(&req).unwrap(), frames(&["x", "y"]));
        req.send("q3", 0).unwrap();
        assert_eq!(recv_str(&rep), "q3");
        rep.send("r3", 0).unwrap();
        assert_eq!(recv_str(&req), "r3");
    });
}

fn req_round_robins_over_reps(transport: Transport) {
    const REPS: usize = 3;
    const EACH: usize = 4;
    let ctx = Context::new();
    let req = ours(&ctx, REQ);
    let mut servers = Vec::new();
    for k in 0..REPS {
        let rep = ours(&ctx, REP);
        let ep = bind_ours(&rep, transport);
        req.connect(&ep).unwrap();
        servers.push(thread::spawn(move || {
            for _ in 0..EACH {
                let q = recv_str(&rep);
                rep.send(format!("{k}:{q}").as_str(), 0).unwrap();
            }
            rep
        }));
    }
    let mut served_by = Vec::new();
    for i in 0..REPS * EACH {
        req.send(format!("q{i}").as_str(), 0).unwrap();
        let reply = req
            .recv_string(0)
            .unwrap_or_else(|e| panic!("reply to q{i} (served so far: {served_by:?}): {e:?}"))
            .unwrap();
        let (k, q) = reply.split_once(':').unwrap();
        assert_eq!(q, format!("q{i}"));
        served_by.push(k.parse::<usize>().unwrap());
    }
    let reps: Vec<Socket> = servers
        .into_iter()
        .map(|t| t.join().expect("REP thread"))
        .collect();
    for i in REPS..served_by.len() {
        assert_eq!(
            served_by[i],
            served_by[i - REPS],
            "strict round-robin over {REPS} REPs: {served_by:?}"
        );
    }
    let distinct: BTreeSet<usize> = served_by[..REPS].iter().copied().collect();
    assert_eq!(distinct.len(), REPS, "{served_by:?}");
    drop(reps);
}

fn rep_replies_to_the_right_requester(transport: Transport) {
    const REQS: usize = 4;
    let ctx = Context::new();
    let rep = ours(&ctx, REP);
    let ep = bind_ours(&rep, transport);
    let reqs: Vec<Socket> = (0..REQS)
        .map(|_| {
            let r = ours(&ctx, REQ);
            r.connect(&ep).unwrap();
            r
        })
        .collect();
    for round in 0..10 {
        for (i, r) in reqs.iter().enumerate() {
            r.send_multipart([format!("req-{i}").as_str(), &round.to_string()], 0)
                .unwrap();
        }
        let mut seen = BTreeSet::new();
        for _ in 0..REQS {
            let q = recv_frames(&rep).unwrap();
            assert_eq!(q[1], round.to_string().into_bytes());
            assert!(seen.insert(q[0].clone()), "request served twice: {q:?}");
            let mut reply = b"re:".to_vec();
            reply.extend_from_slice(&q[0]);
            rep.send(reply, 0).unwrap();
        }
        for (i, r) in reqs.iter().enumerate() {
            assert_eq!(recv_str(r), format!("re:req-{i}"), "round {round}");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// PAIR (RFC 31, test_pair_*)

fn pair_one_peer_both_directions(transport: Transport) {
    let ctx = Context::new();
    let a = ours(&ctx, PAIR);
    let ep = bind_ours(&a, transport);
    let b = ours(&ctx, PAIR);
    b.connect(&ep).unwrap();
    for i in 0..50 {
        a.send(format!("a{i}").as_str(), 0).unwrap();
        b.send(format!("b{i}").as_str(), 0).unwrap();
    }
    for i in 0..50 {
        assert_eq!(recv_str(&b), format!("a{i}"));
        assert_eq!(recv_str(&a), format!("b{i}"));
    }
    b.send_multipart(["x", "", "z"], 0).unwrap();
    assert_eq!(recv_frames(&a).unwrap(), frames(&["x", "", "z"]));
    a.send_multipart(["1", "2"], 0).unwrap();
    assert_eq!(recv_frames(&b).unwrap(), frames(&["1", "2"]));

    // A second PAIR is not a second peer: nothing of it reaches `a`.
    let intruder = ours(&ctx, PAIR);
    intruder.connect(&ep).unwrap();
    intruder.send("intruder", DONTWAIT).ok();
    b.send("from-b", 0).unwrap();
    assert_eq!(recv_str(&a), "from-b");
    a.send("to-b", 0).unwrap();
    assert_eq!(recv_str(&b), "to-b");
    a.set_rcvtimeo(300).unwrap();
    assert_eq!(
        a.recv_msg(0).unwrap_err(),
        Error::EAGAIN,
        "a PAIR's second connection must not deliver"
    );
    intruder.set_rcvtimeo(300).unwrap();
    assert_eq!(intruder.recv_msg(0).unwrap_err(), Error::EAGAIN);
}

#[test]
fn recv_on_push_and_send_on_pull_are_enotsup() {
    let ctx = Context::new();
    let push = ours(&ctx, PUSH);
    let pull = ours(&ctx, PULL);
    assert_eq!(push.recv_msg(0).unwrap_err(), Error::ENOTSUP);
    assert_eq!(push.recv_msg(DONTWAIT).unwrap_err(), Error::ENOTSUP);
    assert_eq!(push.recv_bytes(0).unwrap_err(), Error::ENOTSUP);
    assert_eq!(pull.send("x", 0).unwrap_err(), Error::ENOTSUP);
    assert_eq!(
        pull.send("x", DONTWAIT | SNDMORE).unwrap_err(),
        Error::ENOTSUP
    );
    assert_eq!(Error::ENOTSUP.to_raw(), zmq::Error::ENOTSUP.to_raw());
}

// ---------------------------------------------------------------------------------------------
// Endpoints (test_last_endpoint, test_term_endpoint, test_unbind_wildcard,
// test_bind_after_connect, test_reconnect_ivl)

#[test]
fn last_endpoint_resolves_wildcards_to_connectable_endpoints() {
    bounded(|| {
        let ctx = Context::new();
        let zctx = zmq::Context::new();
        let fresh = ours(&ctx, PULL);
        assert_eq!(last_ep(&fresh), "", "nothing bound yet");

        for (wildcard, prefix) in [
            ("tcp://127.0.0.1:*", "tcp://127.0.0.1:"),
            ("tcp://*:*", "tcp://0.0.0.0:"),
            ("ipc://*", "ipc://"),
        ] {
            let pull = ours(&ctx, PULL);
            pull.bind(wildcard).unwrap();
            let ep = last_ep(&pull);
            assert!(ep.starts_with(prefix), "{wildcard} resolved to {ep}");
            assert!(!ep.contains('*'), "{wildcard} resolved to {ep}");
            // The same form libzmq reports.
            let z = theirs(&zctx, zmq::PULL);
            z.bind(wildcard).unwrap();
            assert!(zlast_ep(&z).starts_with(prefix), "libzmq: {}", zlast_ep(&z));

            let target = if let Some(port) = ep.strip_prefix("tcp://0.0.0.0:") {
                format!("tcp://127.0.0.1:{port}")
            } else {
                ep.clone()
            };
            if let Some(port) = target.strip_prefix("tcp://127.0.0.1:") {
                assert_ne!(port.parse::<u16>().expect("a port number"), 0);
            }
            let push = ours(&ctx, PUSH);
            push.connect(&target).unwrap();
            push.send("reachable", 0).unwrap();
            assert_eq!(recv_str(&pull), "reachable", "{wildcard} → {ep}");
            // Our PUSH reaches libzmq's resolved endpoint too.
            let zep = zlast_ep(&z).replace("tcp://0.0.0.0:", "tcp://127.0.0.1:");
            push.disconnect(&target).unwrap();
            push.connect(&zep).unwrap();
            push.send("to libzmq", 0).unwrap();
            assert_eq!(z.recv_bytes(0).unwrap(), b"to libzmq");
        }
    });
}

#[test]
fn ipc_file_is_removed_when_the_socket_closes() {
    bounded(|| {
        let ep = ipc_endpoint();
        let path = std::path::PathBuf::from(ep.strip_prefix("ipc://").unwrap());
        let ctx = Context::new();
        let pull = ours(&ctx, PULL);
        pull.bind(&ep).unwrap();
        assert!(path.exists(), "bind creates {}", path.display());
        drop(pull);
        drop(ctx);
        assert!(!path.exists(), "{} left behind after close", path.display());
    });
}

#[test]
fn binding_a_port_in_use_is_eaddrinuse() {
    bounded(|| {
        let ctx = Context::new();
        let a = ours(&ctx, PULL);
        a.bind("tcp://127.0.0.1:*").unwrap();
        let ep = last_ep(&a);
        let b = ours(&ctx, PULL);
        assert_eq!(
            b.bind(&ep).unwrap_err(),
            Error::EADDRINUSE,
            "another socket"
        );
        assert_eq!(
            a.bind(&ep).unwrap_err(),
            Error::EADDRINUSE,
            "the same socket"
        );
        // libzmq agrees.
        let zctx = zmq::Context::new();
        let z = theirs(&zctx, zmq::PULL);
        assert_eq!(z.bind(&ep).unwrap_err(), zmq::Error::EADDRINUSE);
        assert_eq!(Error::EADDRINUSE.to_raw(), zmq::Error::EADDRINUSE.to_raw());
    });
}

#[test]
fn bad_endpoints_fail_like_libzmq() {
    bounded(|| {
        let ctx = Context::new();
        let zctx = zmq::Context::new();
        let s = ours(&ctx, PUSH);
        let z = theirs(&zctx, zmq::PUSH);

        // The errors the brief of libzmq's API promises.
        assert_eq!(s.bind("tcp://127.0.0.1").unwrap_err(), Error::EINVAL);
        assert_eq!(
            s.bind("tcp://127.0.0.1:notaport").unwrap_err(),
            Error::EINVAL
        );
        assert_eq!(s.bind("127.0.0.1:5555").unwrap_err(), Error::EINVAL);
        assert_eq!(s.bind("bogus://x").unwrap_err(), Error::EPROTONOSUPPORT);
        assert_eq!(s.connect("bogus://x").unwrap_err(), Error::EPROTONOSUPPORT);
        assert_eq!(s.connect("tcp://127.0.0.1").unwrap_err(), Error::EINVAL);
        // Where libzmq is lax (it truncates ports to 16 bits and connects to a file named
        // `*`), ferrozmq refuses; these are not compared with libzmq below.
        assert_eq!(s.bind("tcp://127.0.0.1:99999").unwrap_err(), Error::EINVAL);
        assert_eq!(s.bind("tcp://127.0.0.1:-1").unwrap_err(), Error::EINVAL);
        assert_eq!(
            s.connect("tcp://127.0.0.1:99999").unwrap_err(),
            Error::EINVAL
        );
        assert_eq!(s.connect("ipc://*").unwrap_err(), Error::EINVAL);
        // udp is a datagram transport for RADIO, DISH and DGRAM only.
        assert_eq!(
            s.bind("udp://127.0.0.1:5555").unwrap_err(),
            Error::ENOCOMPATPROTO
        );
        assert_eq!(
            s.connect("udp://127.0.0.1:5555").unwrap_err(),
            Error::ENOCOMPATPROTO
        );

        // And each error number equals what libzmq says for the same string.
        let binds = [
            "tcp://127.0.0.1",
            "tcp://127.0.0.1:notaport",
            "127.0.0.1:5555",
            "tcp:/127.0.0.1:5555",
            "",
            "bogus://x",
            "ipc://",
            "udp://127.0.0.1:5555",
            "udp://*:5555",
            "udp://not an address",
            "udp://",
        ];
        let connects = [
            "tcp://127.0.0.1",
            "tcp://127.0.0.1:notaport",
            "tcp://127.0.0.1:*",
            "tcp://*:5555",
            "127.0.0.1:5555",
            "",
            "bogus://x",
            "ipc://",
            "udp://127.0.0.1:5555",
            "udp://not an address",
            "udp://",
        ];
        let mut mismatches = Vec::new();
        for ep in binds {
            let ours = s.bind(ep).map_err(Error::to_raw);
            let theirs = z.bind(ep).map_err(zmq::Error::to_raw);
            if ours != theirs {
                mismatches.push(format!("bind {ep:?}: ferrozmq {ours:?}, libzmq {theirs:?}"));
            }
        }
        for ep in connects {
            let ours = s.connect(ep).map_err(Error::to_raw);
            let theirs = z.connect(ep).map_err(zmq::Error::to_raw);
            if ours != theirs {
                mismatches.push(format!(
                    "connect {ep:?}: ferrozmq {ours:?}, libzmq {theirs:?}"
                ));
            }
        }
        assert!(mismatches.is_empty(), "{mismatches:#?}");
    });
}

#[test]
fn ipc_path_too_long_is_refused() {
    let ctx = Context::new();
    let s = ours(&ctx, PULL);
    let long = format!("ipc:///tmp/{}", "x".repeat(150));
    assert!(
        s.bind(&long).is_err(),
        "binding a 160-byte ipc path cannot succeed"
    );
    assert!(
        s.connect(&long).is_err(),
        "connecting to a 160-byte ipc path cannot succeed"
    );
}

#[test]
fn ipc_path_too_long_fails_like_libzmq() {
    bounded(|| {
        let ctx = Context::new();
        let zctx = zmq::Context::new();
        let s = ours(&ctx, PULL);
        let z = theirs(&zctx, zmq::PULL);
        let long = format!("ipc:///tmp/{}", "x".repeat(150));
        let theirs = z.bind(&long).map_err(zmq::Error::to_raw);
        assert_eq!(theirs, Err(libc_enametoolong()), "libzmq bind");
        assert_eq!(s.bind(&long).map_err(Error::to_raw), theirs, "bind");
        let theirs = z.connect(&long).map_err(zmq::Error::to_raw);
        assert_eq!(s.connect(&long).map_err(Error::to_raw), theirs, "connect");
    });
}

/// ENAMETOOLONG on Linux.
fn libc_enametoolong() -> i32 {
    36
}

#[test]
fn unbind_by_resolved_endpoint_then_enoent() {
    bounded(|| {
        let ctx = Context::new();
        for wildcard in ["tcp://127.0.0.1:*", "ipc://*"] {
            let s = ours(&ctx, PULL);
            s.bind(wildcard).unwrap();
            let ep = last_ep(&s);
            s.unbind(&ep)
                .unwrap_or_else(|e| panic!("unbind {ep}: {e:?}"));
            assert_eq!(
                s.unbind(&ep).unwrap_err(),
                Error::ENOENT,
                "second unbind of {ep}"
            );
        }
        let s = ours(&ctx, PULL);
        let ep = ipc_endpoint();
        s.bind(&ep).unwrap();
        s.unbind(&ep).unwrap();
        assert_eq!(s.unbind(&ep).unwrap_err(), Error::ENOENT);
        assert_eq!(
            s.unbind("tcp://127.0.0.1:1").unwrap_err(),
            Error::ENOENT,
            "never bound"
        );
    });
}

#[test]
fn unbind_by_wildcard_string_is_enoent_like_libzmq() {
    // libzmq test_term_endpoint::test_wildcard_unbind_fails: an endpoint bound through a
    // wildcard can only be unbound by its resolved name.
    bounded(|| {
        let ctx = Context::new();
        let zctx = zmq::Context::new();
        for wildcard in ["tcp://127.0.0.1:*", "ipc://*"] {
            let z = theirs(&zctx, zmq::PULL);
            z.bind(wildcard).unwrap();
            let zerr = z.unbind(wildcard).map_err(zmq::Error::to_raw);
            assert_eq!(zerr, Err(zmq::Error::ENOENT.to_raw()), "libzmq, {wildcard}");

            let s = ours(&ctx, PULL);
            s.bind(wildcard).unwrap();
            assert_eq!(
                s.unbind(wildcard).map_err(Error::to_raw),
                zerr,
                "ferrozmq unbind({wildcard}) after binding it"
            );
            // Still bound: the resolved name unbinds it.
            s.unbind(&last_ep(&s)).unwrap();
        }
    });
}

fn unbind_closes_and_allows_rebind(transport: Transport) {
    let ctx = Context::new();
    let pull = ours(&ctx, PULL);
    let ep = bind_ours(&pull, transport);
    let push = ours(&ctx, PUSH);
    push.set_reconnect_ivl(20).unwrap();
    push.connect(&ep).unwrap();
    push.send("before", 0).unwrap();
    assert_eq!(recv_str(&pull), "before");

    pull.unbind(&ep).unwrap();
    push.send("while unbound", 0).unwrap();
    pull.set_rcvtimeo(300).unwrap();
    assert_eq!(
        pull.recv_msg(0).unwrap_err(),
        Error::EAGAIN,
        "connections accepted through an unbound endpoint are closed"
    );

    // The listener closes in the I/O thread; allow it a moment before re-binding.
    let deadline = Instant::now() + Duration::from_secs(2);
    loop {
        match pull.bind(&ep) {
            Ok(()) => break,
            Err(Error::EADDRINUSE) if Instant::now() < deadline => {
                thread::sleep(Duration::from_millis(10))
            }
            Err(e) => panic!("re-bind {ep} after unbind: {e:?}"),
        }
    }
    pull.set_rcvtimeo(TIMEO).unwrap();
    push.send("after", 0).unwrap();
    // "while unbound" may or may not have been lost with the closed connection.
    let mut got = recv_str(&pull);
    if got == "while unbound" {
        got = recv_str(&pull);
    }
    assert_eq!(got, "after");
}

#[test]
fn disconnect_then_enoent() {
    bounded(|| {
        let ctx = Context::new();
        let push = ours(&ctx, PUSH);
        assert_eq!(
            push.disconnect("tcp://127.0.0.1:5555").unwrap_err(),
            Error::ENOENT,
            "never connected"
        );
        let pull = ours(&ctx, PULL);
        let ep = bind_ours(&pull, Transport::Tcp);
        push.connect(&ep).unwrap();
        push.send("x", 0).unwrap();
        assert_eq!(recv_str(&pull), "x");
        push.disconnect(&ep).unwrap();
        assert_eq!(
            push.disconnect(&ep).unwrap_err(),
            Error::ENOENT,
            "second disconnect"
        );
        assert_eq!(
            push.send("nowhere", DONTWAIT).unwrap_err(),
            Error::EAGAIN,
            "no peer left after the only endpoint was disconnected"
        );
        // Reconnecting works.
        push.connect(&ep).unwrap();
        push.send("again", 0).unwrap();
        assert_eq!(recv_str(&pull), "again");
    });
}

fn connect_before_bind(transport: Transport) {
    let ctx = Context::new();
    let ep = transport.fresh_endpoint();
    let push = ours(&ctx, PUSH);
    push.set_reconnect_ivl(20).unwrap();
    push.connect(&ep).unwrap();
    let req = ours(&ctx, REQ);
    req.set_reconnect_ivl(20).unwrap();
    let ep2 = transport.fresh_endpoint();
    req.connect(&ep2).unwrap();
    for i in 0..10 {
        push.send(format!("early-{i}").as_str(), 0).unwrap();
    }
    req.send("early request", 0).unwrap();

    let pull = ours(&ctx, PULL);
    pull.bind(&ep).unwrap();
    let rep = ours(&ctx, REP);
    rep.bind(&ep2).unwrap();
    for i in 0..10 {
        assert_eq!(recv_str(&pull), format!("early-{i}"));
    }
    assert_eq!(recv_str(&rep), "early request");
    rep.send("late reply", 0).unwrap();
    assert_eq!(recv_str(&req), "late reply");
}

fn pull_closed_and_rebound_gets_the_queue(transport: Transport) {
    let ctx = Context::new();
    let push = ours(&ctx, PUSH);
    push.set_reconnect_ivl(20).unwrap();

    // Each PULL incarnation has its own context; dropping it waits until it is all closed.
    let ctx1 = Context::new();
    let pull = ours(&ctx1, PULL);
    let ep = bind_ours(&pull, transport);
    push.connect(&ep).unwrap();
    push.send("first", 0).unwrap();
    assert_eq!(recv_str(&pull), "first");
    drop(pull);
    drop(ctx1);

    // Once the PUSH redials it knows the PULL is gone: what it sends now waits in its queue.
    let stand_in = await_redial(&ep);
    for i in 0..20 {
        push.send(format!("queued-{i}").as_str(), 0).unwrap();
    }
    drop(stand_in);
    let ctx2 = Context::new();
    let pull = ours(&ctx2, PULL);
    pull.bind(&ep).unwrap();
    for i in 0..20 {
        assert_eq!(
            recv_str(&pull),
            format!("queued-{i}"),
            "queued while the PULL was gone"
        );
    }
    push.send("last", 0).unwrap();
    assert_eq!(recv_str(&pull), "last");
}

// ---------------------------------------------------------------------------------------------
// Timeouts, termination and linger (test_timeo, test_ctx_destroy, test_hwm close-first)

#[test]
fn rcvtimeo_and_dontwait_give_eagain() {
    bounded(|| {
        let ctx = Context::new();
        let pull = ours(&ctx, PULL);
        pull.bind("tcp://127.0.0.1:*").unwrap();
        // Without DONTWAIT (RCVTIMEO -1) this would wait forever: returning at all is the test.
        assert_eq!(pull.recv_msg(DONTWAIT).unwrap_err(), Error::EAGAIN);

        // RCVTIMEO 0 replaces a long timeout: a receive that still waited would take 10 s.
        pull.set_rcvtimeo(10_000).unwrap();
        pull.set_rcvtimeo(0).unwrap();
        let t0 = Instant::now();
        assert_eq!(pull.recv_msg(0).unwrap_err(), Error::EAGAIN);
        assert!(t0.elapsed() < Duration::from_secs(5));

        pull.set_rcvtimeo(250).unwrap();
        assert_eq!(pull.get_rcvtimeo().unwrap(), 250);
        let t0 = Instant::now();
        assert_eq!(pull.recv_msg(0).unwrap_err(), Error::EAGAIN);
        let waited = t0.elapsed();
        assert!(
            waited >= Duration::from_millis(245) && waited < Duration::from_secs(3),
            "RCVTIMEO 250 ms returned after {waited:?}"
        );
        assert_eq!(pull.set_rcvtimeo(-2).unwrap_err(), Error::EINVAL);

        // A message arriving during the wait ends it at once.
        let ep = last_ep(&pull);
        pull.set_rcvtimeo(TIMEO).unwrap();
        let sender = thread::spawn(move || {
            let ctx = Context::new();
            let push = ours(&ctx, PUSH);
            push.connect(&ep).unwrap();
            thread::sleep(Duration::from_millis(100));
            push.send("wake", 0).unwrap();
        });
        let t0 = Instant::now();
        assert_eq!(recv_str(&pull), "wake");
        assert!(t0.elapsed() < Duration::from_secs(3));
        sender.join().unwrap();
    });
}

#[test]
fn context_destroy_unblocks_recv_and_send_with_eterm() {
    bounded(|| {
        let mut ctx = Context::new();
        let pull = ours(&ctx, PULL);
        pull.set_rcvtimeo(20_000).unwrap();
        pull.bind("tcp://127.0.0.1:*").unwrap();
        let push = ours(&ctx, PUSH);
        push.set_sndtimeo(20_000).unwrap();
        push.bind("tcp://127.0.0.1:*").unwrap(); // no peer: send blocks

        let (ready_tx, ready_rx) = mpsc::channel();
        let blocked = |s: Socket, recv: bool, ready: mpsc::Sender<()>| {
            thread::spawn(move || {
                ready.send(()).unwrap();
                let t0 = Instant::now();
                let r = if recv {
                    s.recv_msg(0).map(drop)
                } else {
                    s.send("x", 0)
                };
                let waited = t0.elapsed();
                // After ETERM the application closes its socket; then termination completes.
                drop(s);
                (r, waited)
            })
        };
        let receiver = blocked(pull, true, ready_tx.clone());
        let sender = blocked(push, false, ready_tx);
        ready_rx.recv().unwrap();
        ready_rx.recv().unwrap();
        // Not needed for correctness (ETERM is due either way); makes it likely that both
        // threads are asleep inside the call when termination starts.
        thread::sleep(Duration::from_millis(100));

        let t0 = Instant::now();
        ctx.destroy().unwrap();
        assert!(t0.elapsed() < Duration::from_secs(10));
        let (r, waited) = receiver.join().unwrap();
        assert_eq!(r.unwrap_err(), Error::ETERM, "blocked recv");
        assert!(
            waited < Duration::from_secs(10),
            "recv woke only after {waited:?}"
        );
        let (r, waited) = sender.join().unwrap();
        assert_eq!(r.unwrap_err(), Error::ETERM, "blocked send");
        assert!(
            waited < Duration::from_secs(10),
            "send woke only after {waited:?}"
        );
        assert_eq!(
            ctx.socket(PULL).err(),
            Some(Error::ETERM),
            "socket() after destroy"
        );
        assert_eq!(Error::ETERM.to_raw(), zmq::Error::ETERM.to_raw());
    });
}

#[test]
fn linger_zero_close_is_prompt_with_an_unreachable_peer() {
    bounded(|| {
        let ctx = Context::new();
        let push = ours(&ctx, PUSH);
        push.set_linger(0).unwrap();
        push.connect(&free_tcp_endpoint()).unwrap();
        for i in 0..100 {
            push.send(format!("undeliverable-{i}").as_str(), 0).unwrap();
        }
        let t0 = Instant::now();
        drop(push);
        drop(ctx);
        let took = t0.elapsed();
        assert!(
            took < Duration::from_millis(1500),
            "close + terminate took {took:?}"
        );
    });
}

#[test]
fn positive_linger_bounds_termination() {
    bounded(|| {
        let ctx = Context::new();
        let push = ours(&ctx, PUSH);
        push.set_linger(300).unwrap();
        push.connect(&free_tcp_endpoint()).unwrap();
        push.send("undeliverable", 0).unwrap();
        let t0 = Instant::now();
        drop(push);
        drop(ctx);
        let took = t0.elapsed();
        assert!(
            took >= Duration::from_millis(250) && took < Duration::from_secs(5),
            "LINGER 300 ms: close + terminate took {took:?}"
        );
    });
}

fn linger_minus_one_delivers_after_close(transport: Transport) {
    let ctx = Context::new();
    let keep = ctx.clone();
    let ep = transport.fresh_endpoint();
    let push = ours(&ctx, PUSH);
    push.set_linger(-1).unwrap();
    push.set_reconnect_ivl(20).unwrap();
    push.connect(&ep).unwrap();
    for i in 0..100 {
        push.send(format!("m{i}").as_str(), 0).unwrap();
    }
    drop(push);
    drop(ctx);
    // The PUSH is gone; its session keeps the messages and dials until the PULL is there.
    let pull = ours(&keep, PULL);
    pull.bind(&ep).unwrap();
    for i in 0..100 {
        assert_eq!(
            recv_str(&pull),
            format!("m{i}"),
            "message {i} of a closed PUSH"
        );
    }
    drop(pull);
    drop(keep);
}

#[test]
fn context_termination_waits_for_linger_minus_one() {
    bounded(|| {
        let ep = free_tcp_endpoint();
        let ctx = Context::new();
        let push = ours(&ctx, PUSH);
        push.set_linger(-1).unwrap();
        push.set_reconnect_ivl(20).unwrap();
        push.connect(&ep).unwrap();
        for i in 0..100 {
            push.send(format!("m{i}").as_str(), 0).unwrap();
        }
        drop(push);
        let (done_tx, done_rx) = mpsc::channel();
        let terminator = thread::spawn(move || {
            drop(ctx);
            done_tx.send(()).unwrap();
        });
        assert_eq!(
            done_rx.recv_timeout(Duration::from_millis(300)),
            Err(mpsc::RecvTimeoutError::Timeout),
            "with LINGER -1 and undelivered messages, termination must wait"
        );
        let other = Context::new();
        let pull = ours(&other, PULL);
        pull.bind(&ep).unwrap();
        for i in 0..100 {
            assert_eq!(recv_str(&pull), format!("m{i}"));
        }
        done_rx
            .recv_timeout(Duration::from_secs(10))
            .expect("termination completes once everything is delivered");
        terminator.join().unwrap();
    });
}
