//! The async API against real libzmq (4.3.4, via the `zmq` crate) over tcp: each libzmq
//! peer runs on a thread of its own with bounded timeouts; the ferrozmq side is async, under
//! a different executor per test.

use crate::async_support::{bind, run, socket, strings, Executor};
use crate::common;
use crate::common::theirs;
use ferrozmq::{Context, DEALER, PUSH, REQ, ROUTER, SUB};

#[test]
fn async_req_to_libzmq_rep() {
    let zctx = zmq::Context::new();
    let rep = theirs(&zctx, zmq::REP);
    rep.bind("tcp://127.0.0.1:*").unwrap();
    let endpoint = common::zlast_ep(&rep);
    let server = std::thread::spawn(move || {
        for _ in 0..20 {
            let request = rep.recv_multipart(0).unwrap();
            rep.send_multipart(request.iter().rev(), 0).unwrap();
        }
    });
    run(Executor::TokioMultiThread, move || async move {
        let ctx = Context::new();
        let mut req = socket(&ctx, REQ);
        req.get_ref().connect(&endpoint).unwrap();
        for i in 0..20 {
            req.send_multipart([format!("{i}"), "b".into()])
                .await
                .unwrap();
            let reply = req.recv_multipart().await.unwrap();
            assert_eq!(strings(&reply), ["b", &format!("{i}")]);
        }
    });
    server.join().unwrap();
}

#[test]
fn async_router_serves_libzmq_dealers() {
    let zctx = zmq::Context::new();
    let (endpoint_tx, endpoint_rx) = std::sync::mpsc::channel();
    let clients = std::thread::spawn(move || {
        let endpoint: String = endpoint_rx.recv().unwrap();
        let dealers: Vec<_> = (0..3)
            .map(|i| {
                let d = theirs(&zctx, zmq::DEALER);
                d.set_identity(format!("z{i}").as_bytes()).unwrap();
                d.connect(&endpoint).unwrap();
                d
            })
            .collect();
        for round in 0..10 {
            for d in &dealers {
                d.send_multipart(["", &format!("{round}")], 0).unwrap();
            }
            for (i, d) in dealers.iter().enumerate() {
                let reply = d.recv_multipart(0).unwrap();
                assert_eq!(reply, [b"".to_vec(), format!("z{i}/{round}").into_bytes()]);
            }
        }
    });
    run(Executor::TokioCurrentThread, move || async move {
        let ctx = Context::new();
        let mut router = socket(&ctx, ROUTER);
        endpoint_tx
            .send(bind(&router, "tcp://127.0.0.1:*"))
            .unwrap();
        for _ in 0..30 {
            let frames = router.recv_multipart().await.unwrap();
            let reply = format!("{}/{}", strings(&frames)[0], strings(&frames)[2]);
            router
                .send_multipart([frames[0].to_vec(), vec![], reply.into_bytes()])
                .await
                .unwrap();
        }
    });
    clients.join().unwrap();
}

#[test]
fn async_sub_from_libzmq_xpub() {
    let zctx = zmq::Context::new();
    let xpub = theirs(&zctx, zmq::XPUB);
    xpub.bind("tcp://127.0.0.1:*").unwrap();
    let endpoint = common::zlast_ep(&xpub);
    let publisher = std::thread::spawn(move || {
        // Publishing starts once the subscription has arrived: no slow-joiner loss.
        assert_eq!(xpub.recv_bytes(0).unwrap(), b"\x01t");
        for i in 0..50 {
            xpub.send("other", 0).unwrap();
            xpub.send_multipart(["t", &format!("{i}")], 0).unwrap();
        }
    });
    run(Executor::Smol, move || async move {
        let ctx = Context::new();
        let mut sub = socket(&ctx, SUB);
        sub.get_ref().set_subscribe(b"t").unwrap();
        sub.get_ref().connect(&endpoint).unwrap();
        for i in 0..50 {
            let frames = sub.recv_multipart().await.unwrap();
            assert_eq!(strings(&frames), ["t", &format!("{i}")]);
        }
    });
    publisher.join().unwrap();
}

#[test]
fn async_push_waits_for_a_slow_libzmq_pull() {
    let zctx = zmq::Context::new();
    let pull = theirs(&zctx, zmq::PULL);
    pull.set_rcvhwm(2).unwrap();
    pull.bind("tcp://127.0.0.1:*").unwrap();
    let endpoint = common::zlast_ep(&pull);
    const N: usize = 5000;
    let consumer = std::thread::spawn(move || {
        for i in 0..N {
            let frames = pull.recv_multipart(0).unwrap();
            assert_eq!(frames, [format!("{i}").into_bytes(), vec![0u8; 1000]]);
        }
    });
    run(Executor::Futures, move || async move {
        let ctx = Context::new();
        let mut push = socket(&ctx, PUSH);
        push.get_ref().set_sndhwm(2).unwrap();
        push.get_ref().connect(&endpoint).unwrap();
        let mut waited = 0;
        for i in 0..N {
            let frames = [format!("{i}").into_bytes(), vec![0u8; 1000]];
            if push.try_send(frames.clone()).is_err() {
                waited += 1;
                push.send_multipart(frames).await.unwrap();
            }
        }
        assert!(waited > 0, "the HWM made the sender wait");
    });
    consumer.join().unwrap();
}

#[test]
fn async_dealer_to_libzmq_router() {
    let zctx = zmq::Context::new();
    let router = theirs(&zctx, zmq::ROUTER);
    router.bind("tcp://127.0.0.1:*").unwrap();
    let endpoint = common::zlast_ep(&router);
    let server = std::thread::spawn(move || {
        for _ in 0..10 {
            let mut frames = router.recv_multipart(0).unwrap();
            frames.push(b"ok".to_vec());
            router.send_multipart(frames, 0).unwrap();
        }
    });
    run(Executor::TokioMultiThread, move || async move {
        let ctx = Context::new();
        let mut dealer = socket(&ctx, DEALER);
        dealer.get_ref().connect(&endpoint).unwrap();
        for i in 0..10 {
            dealer.send(format!("{i}"), 0).await.unwrap();
            let reply = dealer.recv_multipart().await.unwrap();
            assert_eq!(strings(&reply), [format!("{i}").as_str(), "ok"]);
        }
    });
    server.join().unwrap();
}
