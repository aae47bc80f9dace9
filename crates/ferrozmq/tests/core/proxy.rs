//! `proxy`, `proxy_with_capture` and `proxy_steerable` (the ground of libzmq's test_proxy,
//! test_proxy_single_socket and test_proxy_steerable): a ROUTER/DEALER shared queue between
//! REQ clients and REP workers, a PULL/PUSH streamer with capture, and steering commands.

use ferrozmq::*;

const TIMEOUT: i32 = 5000;

fn socket(ctx: &Context, kind: SocketType) -> Socket {
    let s = ctx.socket(kind).unwrap();
    s.set_rcvtimeo(TIMEOUT).unwrap();
    s.set_sndtimeo(TIMEOUT).unwrap();
    s
}

#[test]
fn router_dealer_queue_between_clients_and_workers() {
    let mut ctx = Context::new();
    let proxy_ctx = ctx.clone();
    let proxy_thread = std::thread::spawn(move || {
        let frontend = proxy_ctx.socket(ROUTER).unwrap();
        frontend.bind("inproc://queue-front").unwrap();
        let backend = proxy_ctx.socket(DEALER).unwrap();
        backend.bind("tcp://127.0.0.1:*").unwrap();
        let ep = backend.get_last_endpoint().unwrap().unwrap();
        let workers: Vec<_> = (0..2)
            .map(|n| {
                // Connected here, not in the worker thread: a worker that started late would
                // meet the context already terminated once the clients are done.
                let rep = proxy_ctx.socket(REP).unwrap();
                rep.connect(&ep).unwrap();
                std::thread::spawn(move || {
                    while let Ok(request) = rep.recv_string(0) {
                        let reply = format!("{} by {n}", request.unwrap());
                        if rep.send(reply.as_str(), 0).is_err() {
                            break;
                        }
                    }
                })
            })
            .collect();
        let result = proxy(&frontend, &backend);
        drop((frontend, backend));
        for w in workers {
            w.join().unwrap();
        }
        result
    });
    let mut clients = Vec::new();
    for c in 0..3 {
        let req = socket(&ctx, REQ);
        req.connect("inproc://queue-front").unwrap();
        clients.push((c, req));
    }
    for round in 0..20 {
        for (c, req) in &clients {
            req.send(format!("{c}/{round}").as_str(), 0).unwrap();
        }
        for (c, req) in &clients {
            let reply = req.recv_string(0).unwrap().unwrap();
            assert!(reply.starts_with(&format!("{c}/{round} by ")), "{reply}");
        }
    }
    drop(clients);
    ctx.destroy().unwrap();
    assert_eq!(proxy_thread.join().unwrap(), Err(Error::ETERM));
}

#[test]
fn streamer_copies_every_part_to_the_capture_socket() {
    let mut ctx = Context::new();
    let proxy_ctx = ctx.clone();
    let input = socket(&ctx, PUSH);
    input.bind("inproc://stream-in").unwrap();
    let output = socket(&ctx, PULL);
    output.bind("inproc://stream-out").unwrap();
    let tap = socket(&ctx, PULL);
    tap.bind("inproc://stream-tap").unwrap();
    let proxy_thread = std::thread::spawn(move || {
        let frontend = proxy_ctx.socket(PULL).unwrap();
        frontend.connect("inproc://stream-in").unwrap();
        let backend = proxy_ctx.socket(PUSH).unwrap();
        backend.connect("inproc://stream-out").unwrap();
        let capture = proxy_ctx.socket(PUSH).unwrap();
        capture.connect("inproc://stream-tap").unwrap();
        proxy_with_capture(&frontend, &backend, &capture)
    });
    input.send_multipart(["job", "", "payload"], 0).unwrap();
    let expected = vec![b"job".to_vec(), b"".to_vec(), b"payload".to_vec()];
    assert_eq!(output.recv_multipart(0).unwrap(), expected);
    assert_eq!(tap.recv_multipart(0).unwrap(), expected);
    drop((input, output, tap));
    ctx.destroy().unwrap();
    assert_eq!(proxy_thread.join().unwrap(), Err(Error::ETERM));
}

#[test]
fn steerable_proxy_pauses_resumes_reports_and_terminates() {
    let ctx = Context::new();
    let proxy_ctx = ctx.clone();
    let input = socket(&ctx, PUSH);
    input.bind("inproc://steer-in").unwrap();
    let output = socket(&ctx, PULL);
    output.bind("inproc://steer-out").unwrap();
    let control = socket(&ctx, REQ);
    control.bind("inproc://steer-control").unwrap();
    let proxy_thread = std::thread::spawn(move || {
        let frontend = proxy_ctx.socket(PULL).unwrap();
        frontend.connect("inproc://steer-in").unwrap();
        let backend = proxy_ctx.socket(PUSH).unwrap();
        backend.connect("inproc://steer-out").unwrap();
        let control = proxy_ctx.socket(REP).unwrap();
        control.connect("inproc://steer-control").unwrap();
        proxy_steerable(&frontend, &backend, &control)
    });
    let command = |c: &str| {
        control.send(c, 0).unwrap();
        control.recv_multipart(0).unwrap()
    };
    input.send("before ", SNDMORE).unwrap();
    input.send("pause", 0).unwrap();
    assert_eq!(
        output.recv_multipart(0).unwrap(),
        vec![b"before ".to_vec(), b"pause".to_vec()]
    );
    assert_eq!(command("PAUSE"), vec![Vec::<u8>::new()]);
    input.send("while paused", 0).unwrap();
    output.set_rcvtimeo(100).unwrap();
    assert_eq!(output.recv_bytes(0), Err(Error::EAGAIN));
    assert_eq!(command("RESUME"), vec![Vec::<u8>::new()]);
    output.set_rcvtimeo(TIMEOUT).unwrap();
    assert_eq!(output.recv_string(0).unwrap().unwrap(), "while paused");
    let stats = command("STATISTICS");
    assert_eq!(stats.len(), 8);
    let counters: Vec<u64> = stats
        .iter()
        .map(|f| u64::from_ne_bytes(f[..].try_into().unwrap()))
        .collect();
    // Two messages in on the frontend, two out on the backend, with their bytes (a
    // multipart message counts once, as in libzmq).
    let bytes = ("before pause".len() + "while paused".len()) as u64;
    assert_eq!(counters, vec![2, bytes, 0, 0, 0, 0, 2, bytes]);
    assert_eq!(command("TERMINATE"), vec![Vec::<u8>::new()]);
    let final_stats = proxy_thread.join().unwrap().unwrap();
    assert_eq!(final_stats.frontend.msg_in, 2);
    assert_eq!(final_stats.backend.msg_out, 2);
}

#[test]
fn a_blocked_backend_leaves_messages_queued_and_the_proxy_still_steerable() {
    // libzmq's test_proxy_terminate: a PUSH backend with no peer cannot take what the
    // frontend has; the proxy must not block in that send, so TERMINATE still ends it.
    let ctx = Context::new();
    let proxy_ctx = ctx.clone();
    let input = socket(&ctx, PUSH);
    input.bind("inproc://blocked-in").unwrap();
    let control = socket(&ctx, REQ);
    control.bind("inproc://blocked-control").unwrap();
    let (connected_tx, connected) = std::sync::mpsc::channel();
    let proxy_thread = std::thread::spawn(move || {
        let frontend = proxy_ctx.socket(PULL).unwrap();
        frontend.connect("inproc://blocked-in").unwrap();
        let backend = proxy_ctx.socket(PUSH).unwrap();
        backend.bind("inproc://blocked-out").unwrap();
        let control = proxy_ctx.socket(REP).unwrap();
        control.connect("inproc://blocked-control").unwrap();
        connected_tx.send(()).unwrap();
        proxy_steerable(&frontend, &backend, &control)
    });
    connected.recv().unwrap();
    for _ in 0..3 {
        input.send("queued", 0).unwrap();
    }
    // The frontend holds the messages: none has been read, none counted.
    let stats = {
        control.send("STATISTICS", 0).unwrap();
        control.recv_multipart(0).unwrap()
    };
    assert_eq!(stats.len(), 8);
    assert!(stats.iter().all(|f| f[..] == 0u64.to_ne_bytes()));
    control.send("TERMINATE", 0).unwrap();
    assert_eq!(control.recv_multipart(0).unwrap(), vec![Vec::<u8>::new()]);
    let final_stats = proxy_thread.join().unwrap().unwrap();
    assert_eq!(final_stats, ProxyStats::default());
}
