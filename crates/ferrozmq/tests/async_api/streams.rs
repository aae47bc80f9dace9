//! `Stream`, `Sink`, `select!`, `forward`, the async proxy and the monitor event stream,
//! under each executor.

use crate::async_support;
use crate::async_support::{bind, socket, strings};
use ferrozmq::{Context, SocketEvent, DEALER, PAIR, PULL, PUSH, REP, REQ, ROUTER};
use futures::{join, select, FutureExt, SinkExt, StreamExt};

async fn stream_forward_sink() {
    let ctx = Context::new();
    // source PUSH → relay PULL ==forward==> relay PUSH → sink PULL
    let relay_in = socket(&ctx, PULL);
    let first = bind(&relay_in, "tcp://127.0.0.1:*");
    let mut sink_pull = socket(&ctx, PULL);
    let second = bind(&sink_pull, "inproc://stream-forward");
    let relay_out = socket(&ctx, PUSH);
    relay_out.get_ref().set_sndhwm(3).unwrap();
    relay_out.get_ref().connect(&second).unwrap();
    let mut source = socket(&ctx, PUSH);
    source.get_ref().connect(&first).unwrap();
    const N: usize = 200;
    let produce = async {
        for i in 0..N {
            source.send(format!("{i}x"), 0).await.unwrap();
        }
        source.send("stop", 0).await.unwrap();
    };
    let relay = async {
        // Ends after the N messages and "stop", which is forwarded too.
        let upstream = relay_in.take(N + 1);
        let mut relay_out = relay_out;
        upstream.forward(&mut relay_out).await.unwrap();
        // The sink takes any list of frames, so flush/close name the item type.
        SinkExt::<Vec<ferrozmq::Message>>::close(&mut relay_out)
            .await
            .unwrap();
    };
    let consume = async {
        let got: Vec<_> = (&mut sink_pull)
            .take(N + 1)
            .map(|m| m.unwrap()[0].as_str().unwrap().to_string())
            .collect()
            .await;
        let want: Vec<_> = (0..N)
            .map(|i| format!("{i}x"))
            .chain(["stop".into()])
            .collect();
        assert_eq!(got, want);
    };
    join!(produce, relay, consume);

    // SinkExt::send (named in full: `AsyncSocket::send` is the frame-wise one) and
    // feed+flush: one item = one multipart message.
    let mut push = socket(&ctx, PUSH);
    push.get_ref().connect("inproc://stream-forward").unwrap();
    SinkExt::send(&mut push, vec!["a", "b"]).await.unwrap();
    push.feed(vec!["c"]).await.unwrap();
    SinkExt::<Vec<&str>>::flush(&mut push).await.unwrap();
    assert_eq!(
        strings(&sink_pull.next().await.unwrap().unwrap()),
        ["a", "b"]
    );
    assert_eq!(strings(&sink_pull.next().await.unwrap().unwrap()), ["c"]);
}
on_every_executor!(stream_forward_and_sink, super::stream_forward_sink);

async fn select_over_sockets() {
    let ctx = Context::new();
    let mut a = socket(&ctx, PULL);
    bind(&a, "inproc://select-a");
    let mut b = socket(&ctx, PULL);
    bind(&b, "inproc://select-b");
    let mut to_a = socket(&ctx, PUSH);
    to_a.get_ref().connect("inproc://select-a").unwrap();
    let mut to_b = socket(&ctx, PUSH);
    to_b.get_ref().connect("inproc://select-b").unwrap();
    let send = async {
        for i in 0..50 {
            to_a.send(format!("a{i}"), 0).await.unwrap();
            to_b.send(format!("b{i}"), 0).await.unwrap();
        }
    };
    let receive = async {
        let (mut from_a, mut from_b) = (0, 0);
        while from_a + from_b < 100 {
            select! {
                m = a.next() => {
                    assert_eq!(strings(&m.unwrap().unwrap()), [format!("a{from_a}").as_str()]);
                    from_a += 1;
                }
                m = b.recv_msg().fuse() => {
                    assert_eq!(m.unwrap().as_str(), Some(format!("b{from_b}").as_str()));
                    from_b += 1;
                }
            }
        }
    };
    join!(send, receive);
}
on_every_executor!(select_between_sockets, super::select_over_sockets);

async fn async_proxy() {
    let ctx = Context::new();
    let mut frontend = socket(&ctx, ROUTER);
    let front = bind(&frontend, "tcp://127.0.0.1:*");
    let mut backend = socket(&ctx, DEALER);
    let back = bind(&backend, "tcp://127.0.0.1:*");
    let mut capture = socket(&ctx, PAIR);
    bind(&capture, "inproc://proxy-capture");
    let mut captured = socket(&ctx, PAIR);
    captured
        .get_ref()
        .connect("inproc://proxy-capture")
        .unwrap();
    let mut worker = socket(&ctx, REP);
    worker.get_ref().connect(&back).unwrap();
    let mut client = socket(&ctx, REQ);
    client.get_ref().connect(&front).unwrap();

    let proxy = ferrozmq::async_api::proxy_with_capture(&mut frontend, &mut backend, &mut capture);
    let work = async {
        for _ in 0..20 {
            let request = worker.recv_msg().await.unwrap();
            worker
                .send(format!("done {}", request.as_str().unwrap()), 0)
                .await
                .unwrap();
        }
    };
    let ask = async {
        for i in 0..20 {
            client.send(format!("job {i}"), 0).await.unwrap();
            assert_eq!(
                client.recv_msg().await.unwrap().as_str(),
                Some(format!("done job {i}").as_str())
            );
        }
        // Every request and reply went past the capture socket, whole.
        for i in 0..20 {
            let request = captured.recv_multipart().await.unwrap();
            assert_eq!(strings(&request[1..]), ["", &format!("job {i}")]);
            let reply = captured.recv_multipart().await.unwrap();
            assert_eq!(strings(&reply[1..]), ["", &format!("done job {i}")]);
        }
    };
    select! {
        r = proxy.fuse() => panic!("the proxy ended: {r:?}"),
        _ = async { join!(work, ask) }.fuse() => {}
    }
}
on_every_executor!(proxy_with_capture, super::async_proxy);

async fn monitor_stream() {
    let ctx = Context::new();
    let mut server = socket(&ctx, REP);
    let mut events = server.monitor(SocketEvent::ALL as i32).unwrap();
    let endpoint = bind(&server, "tcp://127.0.0.1:*");
    let listening = events.next().await.unwrap().unwrap();
    assert_eq!(listening.event, SocketEvent::LISTENING);
    assert_eq!(listening.endpoint, endpoint);
    let client = socket(&ctx, REQ);
    client.get_ref().connect(&endpoint).unwrap();
    let mut seen = Vec::new();
    while !seen.contains(&SocketEvent::HANDSHAKE_SUCCEEDED) {
        seen.push(events.next().await.unwrap().unwrap().event);
    }
    assert!(seen.contains(&SocketEvent::ACCEPTED), "{seen:?}");
    drop(server);
    let mut rest = Vec::new();
    while let Some(event) = events.next().await {
        rest.push(event.unwrap().event);
    }
    assert_eq!(rest.last(), Some(&SocketEvent::MONITOR_STOPPED), "{rest:?}");
}
on_every_executor!(monitor_events_as_a_stream, super::monitor_stream);
