//! inproc:// (the ground of libzmq's test_inproc_connect and the inproc cases of test_hwm):
//! bind/connect in either order, every pattern over it, effective HWM = SNDHWM + RCVHWM,
//! isolation between contexts, unbind/disconnect, and peer metadata without a handshake.

use ferrozmq::*;

const TIMEOUT: i32 = 5000;

fn socket(ctx: &Context, kind: SocketType) -> Socket {
    let s = ctx.socket(kind).unwrap();
    s.set_rcvtimeo(TIMEOUT).unwrap();
    s.set_sndtimeo(TIMEOUT).unwrap();
    s
}

#[test]
fn bind_then_connect_and_connect_then_bind() {
    let ctx = Context::new();
    let pull = socket(&ctx, PULL);
    pull.bind("inproc://bind-first").unwrap();
    let push = socket(&ctx, PUSH);
    push.connect("inproc://bind-first").unwrap();
    push.send_multipart(["a", "b"], 0).unwrap();
    assert_eq!(
        pull.recv_multipart(0).unwrap(),
        vec![b"a".to_vec(), b"b".to_vec()]
    );

    let push = socket(&ctx, PUSH);
    push.connect("inproc://connect-first").unwrap();
    for i in 0..10 {
        push.send(format!("early {i}").as_str(), 0).unwrap();
    }
    let pull = socket(&ctx, PULL);
    pull.bind("inproc://connect-first").unwrap();
    for i in 0..10 {
        assert_eq!(pull.recv_string(0).unwrap().unwrap(), format!("early {i}"));
    }
}

#[test]
fn req_rep_and_router_dealer_over_inproc() {
    let ctx = Context::new();
    let rep = socket(&ctx, REP);
    rep.bind("inproc://rr").unwrap();
    let req = socket(&ctx, REQ);
    req.connect("inproc://rr").unwrap();
    req.send("ping", 0).unwrap();
    let request = rep.recv_msg(0).unwrap();
    assert_eq!(request.as_str(), Some("ping"));
    assert_eq!(request.gets("Socket-Type"), Some("REQ"));
    rep.send("pong", 0).unwrap();
    assert_eq!(req.recv_string(0).unwrap().unwrap(), "pong");

    let router = socket(&ctx, ROUTER);
    router.bind("inproc://router").unwrap();
    let dealer = socket(&ctx, DEALER);
    dealer.set_identity(b"worker-1").unwrap();
    dealer.connect("inproc://router").unwrap();
    dealer.send("ready", 0).unwrap();
    assert_eq!(
        router.recv_multipart(0).unwrap(),
        vec![b"worker-1".to_vec(), b"ready".to_vec()]
    );
    router
        .send_multipart([&b"worker-1"[..], b"job"], 0)
        .unwrap();
    assert_eq!(dealer.recv_string(0).unwrap().unwrap(), "job");
}

#[test]
fn effective_hwm_is_the_sum_of_both_sides() {
    let ctx = Context::new();
    let pull = ctx.socket(PULL).unwrap();
    pull.set_rcvhwm(3).unwrap();
    pull.bind("inproc://hwm").unwrap();
    let push = ctx.socket(PUSH).unwrap();
    push.set_sndhwm(2).unwrap();
    push.connect("inproc://hwm").unwrap();
    let mut sent = 0;
    while push.send("x", DONTWAIT).is_ok() {
        sent += 1;
        assert!(sent <= 100, "no HWM");
    }
    assert_eq!(sent, 5);
    pull.set_rcvtimeo(TIMEOUT).unwrap();
    for _ in 0..sent {
        pull.recv_bytes(0).unwrap();
    }
    push.set_sndtimeo(TIMEOUT).unwrap();
    push.send("after draining", 0).unwrap();
    assert_eq!(pull.recv_string(0).unwrap().unwrap(), "after draining");
}

#[test]
fn connect_before_bind_gets_the_summed_hwm_at_bind() {
    let ctx = Context::new();
    let push = ctx.socket(PUSH).unwrap();
    push.set_sndhwm(2).unwrap();
    push.connect("inproc://late-hwm").unwrap();
    let pull = ctx.socket(PULL).unwrap();
    pull.set_rcvhwm(3).unwrap();
    pull.bind("inproc://late-hwm").unwrap();
    let mut sent = 0;
    while push.send("x", DONTWAIT).is_ok() {
        sent += 1;
        assert!(sent <= 100, "no HWM");
    }
    assert_eq!(sent, 5);
}

#[test]
fn other_contexts_cannot_see_the_endpoint() {
    let a = Context::new();
    let b = Context::new();
    let pull = socket(&a, PULL);
    pull.bind("inproc://private").unwrap();
    let push = socket(&b, PUSH);
    push.connect("inproc://private").unwrap();
    push.send("lost", DONTWAIT).unwrap();
    pull.set_rcvtimeo(50).unwrap();
    assert_eq!(pull.recv_bytes(0), Err(Error::EAGAIN));
}

#[test]
fn binding_a_name_twice_is_eaddrinuse_until_unbound() {
    let ctx = Context::new();
    let a = socket(&ctx, PULL);
    a.bind("inproc://once").unwrap();
    let b = socket(&ctx, PULL);
    assert_eq!(b.bind("inproc://once"), Err(Error::EADDRINUSE));
    a.unbind("inproc://once").unwrap();
    b.bind("inproc://once").unwrap();
    drop(b);
    let c = socket(&ctx, PULL);
    c.bind("inproc://once").unwrap();
}

#[test]
fn a_closed_writer_still_delivers_what_it_queued() {
    let ctx = Context::new();
    let pull = socket(&ctx, PULL);
    pull.bind("inproc://drain").unwrap();
    let push = socket(&ctx, PUSH);
    push.connect("inproc://drain").unwrap();
    for i in 0..100 {
        push.send(format!("{i}").as_str(), 0).unwrap();
    }
    drop(push);
    for i in 0..100 {
        assert_eq!(pull.recv_string(0).unwrap().unwrap(), format!("{i}"));
    }
    pull.set_rcvtimeo(20).unwrap();
    assert_eq!(pull.recv_bytes(0), Err(Error::EAGAIN));
}

#[test]
fn pair_over_inproc_across_threads() {
    let ctx = Context::new();
    let a = socket(&ctx, PAIR);
    a.bind("inproc://pair").unwrap();
    let ctx2 = ctx.clone();
    let t = std::thread::spawn(move || {
        let b = socket(&ctx2, PAIR);
        b.connect("inproc://pair").unwrap();
        for i in 0..10_000u32 {
            b.send(&i.to_le_bytes(), 0).unwrap();
        }
        b.recv_string(0).unwrap().unwrap()
    });
    for i in 0..10_000u32 {
        assert_eq!(a.recv_bytes(0).unwrap(), i.to_le_bytes());
    }
    a.send("done", 0).unwrap();
    assert_eq!(t.join().unwrap(), "done");
}

#[test]
fn conflate_keeps_only_the_newest_message() {
    let ctx = Context::new();
    let pull = socket(&ctx, PULL);
    pull.set_conflate(true).unwrap();
    pull.bind("inproc://conflate").unwrap();
    let push = socket(&ctx, PUSH);
    push.set_conflate(true).unwrap();
    push.connect("inproc://conflate").unwrap();
    for i in 0..20 {
        push.send(format!("{i}").as_str(), DONTWAIT).unwrap();
    }
    assert_eq!(pull.recv_string(0).unwrap().unwrap(), "19");
    pull.set_rcvtimeo(20).unwrap();
    assert_eq!(pull.recv_bytes(0), Err(Error::EAGAIN));
    // libzmq 4.3.5 takes CONFLATE on every socket type (REQ conflates nothing).
    let req = ctx.socket(REQ).unwrap();
    req.set_conflate(true).unwrap();
    assert!(req.is_conflate().unwrap());
}
