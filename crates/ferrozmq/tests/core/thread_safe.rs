//! `ThreadSafeSocket`: the ground of libzmq's test_thread_safe — options, sends and receives
//! from several threads on one socket at once — plus many threads serving one SERVER socket
//! without loss, and a blocked receive that does not hold up a send.

use crate::common::{bounded, LINGER, TIMEO};
use ferrozmq::{Context, Error, Message, SocketType, ThreadSafeSocket, CLIENT, POLLIN, SERVER};
use std::sync::Arc;

fn thread_safe(ctx: &Context, ty: SocketType) -> ThreadSafeSocket {
    let s = ctx.thread_safe_socket(ty).unwrap();
    s.with_socket(|s| {
        s.set_rcvtimeo(TIMEO).unwrap();
        s.set_sndtimeo(TIMEO).unwrap();
        s.set_linger(LINGER).unwrap();
    });
    s
}

fn endpoint(s: &ThreadSafeSocket) -> String {
    s.get_last_endpoint().unwrap().unwrap()
}

#[test]
fn only_the_draft_types_are_thread_safe() {
    let ctx = Context::new();
    for ty in [
        ferrozmq::PAIR,
        ferrozmq::DEALER,
        ferrozmq::PUB,
        ferrozmq::DGRAM,
    ] {
        assert_eq!(
            ctx.thread_safe_socket(ty).err(),
            Some(Error::EINVAL),
            "{ty:?}"
        );
    }
    for ty in [
        SERVER,
        CLIENT,
        ferrozmq::RADIO,
        ferrozmq::DISH,
        ferrozmq::SCATTER,
        ferrozmq::GATHER,
        ferrozmq::PEER,
        ferrozmq::CHANNEL,
    ] {
        let s = ctx.thread_safe_socket(ty).unwrap();
        assert_eq!(s.with_socket(|s| s.get_socket_type()).unwrap(), ty);
    }
}

#[test]
fn a_blocked_receive_does_not_hold_up_a_send_from_another_thread() {
    bounded(|| {
        let ctx = Context::new();
        let server = Arc::new(thread_safe(&ctx, SERVER));
        server.bind("tcp://127.0.0.1:*").unwrap();
        let client = thread_safe(&ctx, CLIENT);
        client.connect(&endpoint(&server)).unwrap();
        client.send("hi", 0).unwrap();
        let routing_id = server.recv_msg(0).unwrap().routing_id();
        let receiver = {
            let server = server.clone();
            std::thread::spawn(move || server.recv_string(0).unwrap().unwrap())
        };
        // The receiver blocks in recv (nothing is coming yet) while this thread sends.
        let mut reply = Message::from("while you wait");
        reply.set_routing_id(routing_id).unwrap();
        server.send(reply, 0).unwrap();
        assert_eq!(&client.recv_msg(0).unwrap()[..], b"while you wait");
        client.send("bye", 0).unwrap();
        assert_eq!(receiver.join().unwrap(), "bye");
    });
}

#[test]
fn many_threads_serve_one_server_socket_without_loss() {
    const CLIENTS: usize = 4;
    const WORKERS: usize = 4;
    const REQUESTS: usize = 500;
    bounded(|| {
        let ctx = Context::new();
        let server = Arc::new(thread_safe(&ctx, SERVER));
        server.bind("tcp://127.0.0.1:*").unwrap();
        let workers: Vec<_> = (0..WORKERS)
            .map(|_| {
                let server = server.clone();
                std::thread::spawn(move || {
                    let mut served = 0;
                    loop {
                        let request = server.recv_msg(0).unwrap();
                        if &request[..] == b"stop" {
                            return served;
                        }
                        // Options from several threads at once, as test_thread_safe.
                        assert_eq!(server.with_socket(|s| s.get_socket_type()).unwrap(), SERVER);
                        let mut reply = Message::from(&request[..]);
                        reply.set_routing_id(request.routing_id()).unwrap();
                        server.send(reply, 0).unwrap();
                        served += 1;
                    }
                })
            })
            .collect();
        let address = endpoint(&server);
        let clients: Vec<_> = (0..CLIENTS)
            .map(|c| {
                let ctx = ctx.clone();
                let address = address.clone();
                std::thread::spawn(move || {
                    let client = thread_safe(&ctx, CLIENT);
                    client.connect(&address).unwrap();
                    let mut replies = Vec::new();
                    for i in 0..REQUESTS {
                        client.send(format!("{c}-{i}").as_str(), 0).unwrap();
                        replies.push(client.recv_string(0).unwrap().unwrap());
                    }
                    let want: Vec<String> = (0..REQUESTS).map(|i| format!("{c}-{i}")).collect();
                    assert_eq!(replies, want, "client {c}: every reply, in order");
                })
            })
            .collect();
        for c in clients {
            c.join().unwrap();
        }
        let stopper = thread_safe(&ctx, CLIENT);
        stopper.connect(&address).unwrap();
        for _ in 0..WORKERS {
            stopper.send("stop", 0).unwrap();
        }
        let served: usize = workers.into_iter().map(|w| w.join().unwrap()).sum();
        assert_eq!(served, CLIENTS * REQUESTS);
    });
}

#[test]
fn thread_safe_sockets_poll_with_the_others() {
    bounded(|| {
        let ctx = Context::new();
        let server = thread_safe(&ctx, SERVER);
        server.bind("inproc://thread-safe-poll").unwrap();
        let client = thread_safe(&ctx, CLIENT);
        client.connect("inproc://thread-safe-poll").unwrap();
        assert_eq!(server.poll(POLLIN, 0).unwrap(), 0);
        let mut poller = ferrozmq::Poller::new();
        let index = poller.add_thread_safe(&server, POLLIN).unwrap();
        client.send("ready?", 0).unwrap();
        assert_eq!(poller.wait(i64::from(TIMEO)).unwrap(), 1);
        assert!(poller
            .ready()
            .any(|(i, events)| i == index && events.contains(POLLIN)));
        assert_eq!(&server.recv_msg(0).unwrap()[..], b"ready?");
    });
}

#[test]
fn zmq_thread_safe_reads_one_for_the_draft_types_only() {
    let ctx = Context::new();
    let server = ctx.socket(SERVER).unwrap();
    assert!(server.is_thread_safe().unwrap());
    assert_eq!(server.get_option(81).unwrap(), 1i32.to_ne_bytes());
    assert!(!ctx
        .socket(ferrozmq::DEALER)
        .unwrap()
        .is_thread_safe()
        .unwrap());
    assert_eq!(
        server.set_option(81, &1i32.to_ne_bytes()),
        Err(Error::EINVAL)
    );
}
