//! The async API under each executor (tokio multi-thread and current-thread, smol,
//! `futures::executor`): REQ/REP, DEALER/ROUTER, PUB/SUB and PUSH/PULL, each side a future of
//! the same task (`join!`), so every wake-up goes through the sockets' wakers.

use crate::async_support;
use crate::async_support::{bind, socket, strings, yield_now};
use ferrozmq::{Context, DEALER, PUB, PULL, PUSH, REP, REQ, ROUTER, SUB};
use futures::future::join_all;
use futures::join;

async fn req_rep() {
    let ctx = Context::new();
    let mut rep = socket(&ctx, REP);
    let endpoint = bind(&rep, "tcp://127.0.0.1:*");
    let mut req = socket(&ctx, REQ);
    req.get_ref().connect(&endpoint).unwrap();
    let server = async {
        for _ in 0..50 {
            let request = rep.recv_multipart().await.unwrap();
            let reply = format!("re: {}", request[0].as_str().unwrap());
            rep.send(reply, 0).await.unwrap();
        }
    };
    let client = async {
        for i in 0..50 {
            req.send(format!("hello {i}"), 0).await.unwrap();
            let reply = req.recv_msg().await.unwrap();
            assert_eq!(reply.as_str(), Some(format!("re: hello {i}").as_str()));
            assert!(!reply.get_more());
        }
    };
    join!(server, client);
}
on_every_executor!(req_rep_round_trips, super::req_rep);

async fn dealer_router() {
    let ctx = Context::new();
    let mut router = socket(&ctx, ROUTER);
    let endpoint = bind(&router, "tcp://127.0.0.1:*");
    let mut dealers: Vec<_> = (0..3)
        .map(|i| {
            let d = socket(&ctx, DEALER);
            d.get_ref()
                .set_identity(format!("d{i}").as_bytes())
                .unwrap();
            d.get_ref().connect(&endpoint).unwrap();
            d
        })
        .collect();
    const ROUNDS: usize = 20;
    let server = async {
        for _ in 0..ROUNDS * 3 {
            let frames = router.recv_multipart().await.unwrap();
            assert_eq!(frames.len(), 3, "[identity, empty, body]");
            assert!(frames[0].get_more() && frames[1].get_more() && !frames[2].get_more());
            let reply = format!("{}:{}", strings(&frames)[0], strings(&frames)[2]);
            router
                .send_multipart([frames[0].to_vec(), vec![], reply.into_bytes()])
                .await
                .unwrap();
        }
    };
    let clients = join_all(dealers.iter_mut().enumerate().map(|(i, d)| async move {
        for n in 0..ROUNDS {
            d.send_multipart(["", &n.to_string()]).await.unwrap();
            let reply = d.recv_multipart().await.unwrap();
            assert_eq!(strings(&reply), ["", &format!("d{i}:{n}")]);
        }
    }));
    join!(server, clients);
}
on_every_executor!(dealer_router_multipart, super::dealer_router);

async fn pub_sub() {
    let ctx = Context::new();
    let mut publisher = socket(&ctx, PUB);
    let endpoint = bind(&publisher, "tcp://127.0.0.1:*");
    let mut sub = socket(&ctx, SUB);
    sub.get_ref().set_subscribe(b"a").unwrap();
    sub.get_ref().connect(&endpoint).unwrap();
    let joined = std::cell::Cell::new(false);
    let publish = async {
        // Until the subscription arrives (the slow joiner), announce; then the real stream.
        while !joined.get() {
            publisher.send("a-hello", 0).await.unwrap();
            publisher.send("b-never", 0).await.unwrap();
            yield_now().await;
        }
        for i in 0..100 {
            publisher.send("b-never", 0).await.unwrap();
            publisher
                .send_multipart([format!("a{i}"), "x".into()])
                .await
                .unwrap();
        }
        publisher.send("a-end", 0).await.unwrap();
    };
    let subscribe = async {
        assert_eq!(sub.recv_msg().await.unwrap().as_str(), Some("a-hello"));
        joined.set(true);
        let mut next = 0;
        loop {
            let frames = sub.recv_multipart().await.unwrap();
            match strings(&frames)[..] {
                ["a-hello"] => assert_eq!(next, 0, "hellos come first"),
                ["a-end"] => break,
                [topic, "x"] => {
                    assert_eq!(topic, format!("a{next}"));
                    next += 1;
                }
                ref other => panic!("unexpected {other:?}"),
            }
        }
        assert_eq!(next, 100, "every message after the join arrived, in order");
    };
    join!(publish, subscribe);
}
on_every_executor!(pub_sub_filters_and_orders, super::pub_sub);

async fn push_pull() {
    let ctx = Context::new();
    let mut pull = socket(&ctx, PULL);
    pull.get_ref().set_rcvhwm(5).unwrap();
    let endpoint = bind(&pull, "tcp://127.0.0.1:*");
    let mut push = socket(&ctx, PUSH);
    push.get_ref().set_sndhwm(5).unwrap();
    push.get_ref().connect(&endpoint).unwrap();
    const N: usize = 2000;
    let producer = async {
        for i in 0..N {
            push.send_multipart([i.to_string(), "tail".into()])
                .await
                .unwrap();
        }
    };
    let consumer = async {
        for i in 0..N {
            let frames = pull.recv_multipart().await.unwrap();
            assert_eq!(strings(&frames), [i.to_string().as_str(), "tail"]);
        }
    };
    join!(producer, consumer);
}
on_every_executor!(push_pull_with_back_pressure, super::push_pull);

async fn back_to_blocking() {
    let ctx = Context::new();
    let mut pull = socket(&ctx, PULL);
    bind(&pull, "inproc://back-to-blocking");
    let mut push = socket(&ctx, PUSH);
    push.get_ref().connect("inproc://back-to-blocking").unwrap();
    {
        // Leaves a waker registered, then is dropped.
        let mut pending = std::pin::pin!(pull.recv_msg());
        assert!(futures::poll!(pending.as_mut()).is_pending());
    }
    push.send("async", 0).await.unwrap();
    let (pull, push) = (pull.into_inner(), push.into_inner());
    assert_eq!(pull.recv_msg(0).unwrap().as_str(), Some("async"));
    push.send("blocking", 0).unwrap();
    assert_eq!(pull.recv_msg(0).unwrap().as_str(), Some("blocking"));
}
on_every_executor!(
    into_inner_gives_a_working_blocking_socket,
    super::back_to_blocking
);
