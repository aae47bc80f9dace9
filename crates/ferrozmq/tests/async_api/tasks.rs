//! Async sockets are `Send`: they move between tasks and threads of multi-threaded
//! executors (tokio's and smol's), and wake-ups reach whichever thread the task runs on.

use crate::async_support::{bind, run, socket, strings, Executor};
use ferrozmq::{AsyncSocket, Context, DEALER, PULL, PUSH, REP, REQ, ROUTER};

fn assert_send<T: Send>(_: &T) {}

#[test]
fn futures_of_an_async_socket_are_send() {
    let ctx = Context::new();
    let mut s = socket(&ctx, PUSH);
    assert_send(&s);
    assert_send(&s.send("x", 0));
    assert_send(&s.send_multipart(["x"]));
    assert_send(&s.recv_msg());
    assert_send(&s.recv_multipart());
}

#[test]
fn tokio_tasks_share_a_socket_by_moving_it() {
    run(Executor::TokioMultiThread, || async {
        let ctx = Context::new();
        let rep = socket(&ctx, REP);
        let endpoint = bind(&rep, "tcp://127.0.0.1:*");
        // The server socket moves from task to task: each task answers one request and hands
        // the socket back.
        let server = tokio::spawn(async move {
            let mut rep = rep;
            for _ in 0..10 {
                rep = tokio::spawn(async move {
                    let request = rep.recv_msg().await.unwrap();
                    rep.send(request, 0).await.unwrap();
                    rep
                })
                .await
                .unwrap();
            }
        });
        let clients: Vec<_> = (0..10)
            .map(|i| {
                let mut req = socket(&ctx, REQ);
                req.get_ref().connect(&endpoint).unwrap();
                tokio::spawn(async move {
                    req.send(format!("ping {i}"), 0).await.unwrap();
                    let reply = req.recv_msg().await.unwrap();
                    assert_eq!(reply.as_str(), Some(format!("ping {i}").as_str()));
                })
            })
            .collect();
        for client in clients {
            client.await.unwrap();
        }
        server.await.unwrap();
    });
}

#[test]
fn back_pressure_between_tasks_on_different_threads() {
    run(Executor::TokioMultiThread, || async {
        let ctx = Context::new();
        let pull = socket(&ctx, PULL);
        pull.get_ref().set_rcvhwm(10).unwrap();
        let endpoint = bind(&pull, "inproc://tasks-back-pressure");
        let push = socket(&ctx, PUSH);
        push.get_ref().set_sndhwm(10).unwrap();
        push.get_ref().connect(&endpoint).unwrap();
        const N: usize = 20_000;
        // Producer and consumer are separate tasks: every wait at the HWM (and for input) is
        // ended by a wake-up from the other worker thread.
        let producer = tokio::spawn(async move {
            let mut push = push;
            for i in 0..N {
                push.send_multipart([i.to_string(), "x".into()])
                    .await
                    .unwrap();
            }
        });
        let consumer = tokio::spawn(async move {
            let mut pull = pull;
            for i in 0..N {
                let frames = pull.recv_multipart().await.unwrap();
                assert_eq!(strings(&frames), [i.to_string().as_str(), "x"]);
            }
        });
        producer.await.unwrap();
        consumer.await.unwrap();
    });
}

#[test]
fn smol_tasks_on_other_threads() {
    run(Executor::Smol, || async {
        let ctx = Context::new();
        let mut router = socket(&ctx, ROUTER);
        let endpoint = bind(&router, "tcp://127.0.0.1:*");
        let mut pull = socket(&ctx, PULL);
        let sink = bind(&pull, "inproc://tasks-sink");
        let workers: Vec<smol::Task<AsyncSocket>> = (0..4)
            .map(|i| {
                let mut dealer = socket(&ctx, DEALER);
                dealer
                    .get_ref()
                    .set_identity(format!("w{i}").as_bytes())
                    .unwrap();
                dealer.get_ref().connect(&endpoint).unwrap();
                let mut push = socket(&ctx, PUSH);
                push.get_ref().connect(&sink).unwrap();
                // smol::spawn runs tasks on its global executor's threads.
                smol::spawn(async move {
                    dealer.send_multipart(["ready"]).await.unwrap();
                    let job = dealer.recv_multipart().await.unwrap();
                    push.send_multipart([format!("w{i}"), job[0].as_str().unwrap().into()])
                        .await
                        .unwrap();
                    dealer
                })
            })
            .collect();
        for _ in 0..4 {
            let ready = router.recv_multipart().await.unwrap();
            assert_eq!(strings(&ready[1..]), ["ready"]);
            let job = format!("job for {}", ready[0].as_str().unwrap());
            router
                .send_multipart([ready[0].to_vec(), job.into_bytes()])
                .await
                .unwrap();
        }
        let mut done: Vec<String> = Vec::new();
        for _ in 0..4 {
            let frames = pull.recv_multipart().await.unwrap();
            assert_eq!(
                frames[1].as_str().unwrap(),
                format!("job for {}", frames[0].as_str().unwrap())
            );
            done.push(frames[0].as_str().unwrap().into());
        }
        done.sort();
        assert_eq!(done, ["w0", "w1", "w2", "w3"]);
        for worker in workers {
            drop(worker.await);
        }
    });
}
