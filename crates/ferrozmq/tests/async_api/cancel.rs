//! Cancellation, back-pressure and termination in the async API, under each executor: a
//! dropped `recv` future loses no message, a dropped `send` future sent the whole message or
//! none of it, a `send` at the high-water mark waits and resumes when room is made, and
//! context termination wakes pending futures with ETERM.

use crate::async_support;
use crate::async_support::{bind, socket, strings, yield_now};
use ferrozmq::{Context, Error, PULL, PUSH, SNDMORE};
use futures::future::{select, Either};
use futures::{join, poll, StreamExt};
use std::future::ready;
use std::pin::pin;

/// A PUSH→PULL pair over inproc, each side with HWM `hwm`.
fn inproc_pair(ctx: &Context, hwm: i32) -> (ferrozmq::AsyncSocket, ferrozmq::AsyncSocket) {
    let pull = socket(ctx, PULL);
    pull.get_ref().set_rcvhwm(hwm).unwrap();
    let endpoint = format!("inproc://cancel-{:p}", &pull);
    bind(&pull, &endpoint);
    let push = socket(ctx, PUSH);
    push.get_ref().set_sndhwm(hwm).unwrap();
    push.get_ref().connect(&endpoint).unwrap();
    (push, pull)
}

async fn dropped_recv_loses_nothing() {
    let ctx = Context::new();
    let (mut push, mut pull) = inproc_pair(&ctx, 10);
    {
        let mut recv = pin!(pull.recv_msg());
        assert!(poll!(recv.as_mut()).is_pending(), "nothing sent yet");
    }
    push.send("kept", 0).await.unwrap();
    assert_eq!(pull.recv_msg().await.unwrap().as_str(), Some("kept"));

    // A receiver that gives up on every recv that does not finish at once, racing a sender
    // over tcp: every message still arrives once, in order.
    let tcp_pull = socket(&ctx, PULL);
    let endpoint = bind(&tcp_pull, "tcp://127.0.0.1:*");
    let mut tcp_pull = tcp_pull;
    let tcp_push = socket(&ctx, PUSH);
    tcp_push.get_ref().connect(&endpoint).unwrap();
    let mut tcp_push = tcp_push;
    const N: usize = 300;
    let sender = async {
        for i in 0..N {
            tcp_push
                .send_multipart([i.to_string(), "end".into()])
                .await
                .unwrap();
            if i % 7 == 0 {
                yield_now().await;
            }
        }
    };
    let receiver = async {
        let (mut next, mut cancelled) = (0, 0);
        while next < N {
            match select(pin!(tcp_pull.recv_multipart()), pin!(yield_now())).await {
                Either::Left((frames, _)) => {
                    assert_eq!(
                        strings(&frames.unwrap()),
                        [next.to_string().as_str(), "end"]
                    );
                    next += 1;
                }
                Either::Right(_) => cancelled += 1,
            }
        }
        assert!(
            cancelled > 0,
            "some recv futures were dropped while pending"
        );
    };
    join!(sender, receiver);
}
on_every_executor!(dropped_recv, super::dropped_recv_loses_nothing);

async fn dropped_send_sends_all_or_nothing() {
    let ctx = Context::new();
    let (mut push, mut pull) = inproc_pair(&ctx, 2);
    let mut queued = 0;
    while push.try_send([format!("fill{queued}")]).is_ok() {
        queued += 1;
    }
    assert!(
        queued > 0 && queued <= 4,
        "inproc HWM is the sum of both sides: {queued}"
    );
    assert_eq!(push.try_send(["no room"]), Err(Error::EAGAIN));
    {
        let mut send = pin!(push.send_multipart(["dropped", "while", "pending"]));
        assert!(poll!(send.as_mut()).is_pending(), "at the HWM a send waits");
    }
    {
        // The first frame of a message sent frame-wise waits for room too (never blocks).
        let mut send = pin!(push.send("first of two", SNDMORE));
        assert!(
            poll!(send.as_mut()).is_pending(),
            "SNDMORE waits at the HWM"
        );
    }
    for i in 0..queued {
        assert_eq!(
            strings(&pull.try_recv().unwrap()),
            [format!("fill{i}").as_str()]
        );
    }
    assert_eq!(
        pull.try_recv(),
        Err(Error::EAGAIN),
        "the dropped send sent nothing"
    );

    // A send waiting at the HWM resumes when the receiver makes room.
    for i in 0..queued {
        push.send(format!("refill{i}"), 0).await.unwrap();
    }
    let sender = async {
        push.send("late", SNDMORE).await.unwrap();
        push.send_multipart(["but", "whole"]).await.unwrap();
    };
    let receiver = async {
        yield_now().await;
        for i in 0..queued {
            assert_eq!(
                strings(&pull.recv_multipart().await.unwrap()),
                [format!("refill{i}").as_str()]
            );
        }
        assert_eq!(
            strings(&pull.recv_multipart().await.unwrap()),
            ["late", "but", "whole"]
        );
    };
    join!(sender, receiver);

    // A sender that gives up on every send that does not finish at once and retries the same
    // message later: each message arrives once and whole, in order.
    const N: usize = 500;
    let sender = async {
        let (mut i, mut cancelled) = (0, 0);
        while i < N {
            let frames = [i.to_string(), "b".into(), "c".into()];
            // `select` polls the send first: it is dropped whenever it cannot finish at once.
            match select(pin!(push.send_multipart(frames)), ready(())).await {
                Either::Left((sent, _)) => {
                    sent.unwrap();
                    i += 1;
                }
                Either::Right(_) => {
                    cancelled += 1;
                    yield_now().await;
                }
            }
        }
        assert!(
            cancelled > 0,
            "some send futures were dropped while pending"
        );
    };
    let receiver = async {
        for i in 0..N {
            let frames = pull.recv_multipart().await.unwrap();
            assert_eq!(strings(&frames), [i.to_string().as_str(), "b", "c"]);
            if i % 3 == 0 {
                yield_now().await;
            }
        }
    };
    join!(sender, receiver);
    assert_eq!(pull.try_recv(), Err(Error::EAGAIN), "no duplicates");
}
on_every_executor!(dropped_send, super::dropped_send_sends_all_or_nothing);

async fn termination_wakes_pending_futures() {
    let ctx = Context::new();
    let (mut push, mut pull) = inproc_pair(&ctx, 1);
    while push.try_send(["fill"]).is_ok() {}
    let other = Context::new();
    let (_, mut idle) = inproc_pair(&other, 1);
    let waiting = async {
        assert_eq!(idle.recv_msg().await, Err(Error::ETERM));
    };
    let blocked_send = async {
        assert_eq!(push.send("more", 0).await, Err(Error::ETERM));
    };
    let terminate = async {
        yield_now().await;
        other.shutdown().unwrap();
        ctx.shutdown().unwrap();
    };
    join!(waiting, blocked_send, terminate);
    assert_eq!(pull.try_recv(), Err(Error::ETERM));
    // As a stream, the socket reports ETERM once, then ends.
    assert_eq!(pull.next().await, Some(Err(Error::ETERM)));
    assert_eq!(pull.next().await, None);
}
on_every_executor!(termination, super::termination_wakes_pending_futures);
