//! The shell subcommands (`cat`, `proxy`, `monitor`) driven as processes
//! against ferrozmq sockets in this process, real libzmq sockets (the `zmq`
//! crate) and each other: binary frames, multipart lines, every role, signals,
//! and bad arguments. No fixed ports: either the test binds
//! `tcp://127.0.0.1:*` and passes the endpoint, or the tool binds a wildcard
//! port and the test reads the `bound to` line from its stderr. Every wait has
//! a deadline, and every child is killed if a test fails.

mod support;

use std::io::{Read, Write};
use std::thread;

use support::{ours_bound, theirs, Tool, STEP};

#[test]
fn cat_push_sends_text_binary_and_multipart_lines_to_a_ferrozmq_pull() {
    let ctx = ferrozmq::Context::new();
    let (pull, ep) = ours_bound(&ctx, ferrozmq::PULL);
    let input = b"hello\tworld\n0x00ff01\n\nlast\t0x\t0xZZ";
    Tool::with_input(&["cat", "PUSH", "-c", &ep], input)
        .finish()
        .assert_ok();
    let expected: Vec<Vec<Vec<u8>>> = vec![
        vec![b"hello".to_vec(), b"world".to_vec()],
        vec![vec![0x00, 0xff, 0x01]],
        vec![vec![]],
        vec![b"last".to_vec(), vec![], b"0xZZ".to_vec()],
    ];
    for want in expected {
        assert_eq!(pull.recv_multipart(0).unwrap(), want);
    }
}

#[test]
fn cat_pull_prints_what_a_libzmq_push_sends() {
    let mut tool = Tool::start(&["cat", "pull", "-b", "tcp://127.0.0.1:*", "-n", "3"]);
    let ep = tool.bound("cat: ");
    let zctx = zmq::Context::new();
    let push = theirs(&zctx, zmq::PUSH);
    push.connect(&ep).unwrap();
    push.send_multipart([&b"a"[..], b"b\tc"], 0).unwrap();
    push.send(&[0xff, 0x00][..], 0).unwrap();
    push.send("0x41 caf\u{e9}", 0).unwrap();
    let done = tool.finish();
    done.assert_ok();
    assert_eq!(done.stdout, ["a\t0x620963", "0xff00", "0x41 caf\u{e9}"]);
}

#[test]
fn hex_looking_text_is_printed_as_hex_so_lines_read_back() {
    let mut tool = Tool::start(&["cat", "pull", "-b", "tcp://127.0.0.1:*", "-n", "1"]);
    let ep = tool.bound("cat: ");
    let ctx = ferrozmq::Context::new();
    let push = ctx.socket(ferrozmq::PUSH).unwrap();
    push.connect(&ep).unwrap();
    push.send_multipart(["0x41", "x\ny"], 0).unwrap();
    let done = tool.finish();
    done.assert_ok();
    assert_eq!(done.stdout, ["0x30783431\t0x780a79"]);
}

#[test]
fn cat_req_prints_the_replies_of_a_libzmq_rep() {
    let zctx = zmq::Context::new();
    let rep = theirs(&zctx, zmq::REP);
    rep.bind("tcp://127.0.0.1:*").unwrap();
    let ep = rep.get_last_endpoint().unwrap().unwrap();
    let server = thread::spawn(move || {
        for _ in 0..2 {
            let request = rep.recv_multipart(0).unwrap();
            let upper: Vec<Vec<u8>> = request.iter().map(|f| f.to_ascii_uppercase()).collect();
            rep.send_multipart(upper, 0).unwrap();
        }
    });
    let done = Tool::with_input(&["cat", "req", "-c", &ep], b"one\ntwo\t0x0a\n").finish();
    done.assert_ok();
    assert_eq!(done.stdout, ["ONE", "TWO\t0x0a"]);
    server.join().unwrap();
}

#[test]
fn cat_rep_prints_requests_and_answers_with_reply() {
    let mut tool = Tool::start(&[
        "cat",
        "rep",
        "--bind",
        "tcp://127.0.0.1:*",
        "-n",
        "2",
        "--reply",
        "ok\t0x00",
    ]);
    let ep = tool.bound("cat: ");
    let ctx = ferrozmq::Context::new();
    let req = ctx.socket(ferrozmq::REQ).unwrap();
    req.set_rcvtimeo(STEP.as_millis() as i32).unwrap();
    req.connect(&ep).unwrap();
    for request in ["first", "second"] {
        req.send(request, 0).unwrap();
        assert_eq!(req.recv_multipart(0).unwrap(), [b"ok".to_vec(), vec![0]]);
    }
    let done = tool.finish();
    done.assert_ok();
    assert_eq!(done.stdout, ["first", "second"]);
}

#[test]
fn cat_rep_echoes_a_libzmq_req_by_default() {
    let mut tool = Tool::start(&["cat", "rep", "-b", "tcp://127.0.0.1:*", "-n", "1"]);
    let ep = tool.bound("cat: ");
    let zctx = zmq::Context::new();
    let req = theirs(&zctx, zmq::REQ);
    req.connect(&ep).unwrap();
    req.send_multipart([&b"ping"[..], &[1, 2]], 0).unwrap();
    assert_eq!(
        req.recv_multipart(0).unwrap(),
        [b"ping".to_vec(), vec![1, 2]]
    );
    let done = tool.finish();
    done.assert_ok();
    assert_eq!(done.stdout, ["ping\t0x0102"]);
}

#[test]
fn cat_sub_gets_only_its_binary_subscribed_topic_from_a_libzmq_xpub() {
    // -s in hex: "top"
    let mut tool = Tool::start(&[
        "cat",
        "sub",
        "-b",
        "tcp://127.0.0.1:*",
        "-s",
        "0x746f70",
        "-n",
        "1",
    ]);
    let ep = tool.bound("cat: ");
    let zctx = zmq::Context::new();
    let xpub = theirs(&zctx, zmq::XPUB);
    xpub.connect(&ep).unwrap();
    // The subscription's arrival is the event to wait for (no slow-joiner guess).
    assert_eq!(xpub.recv_bytes(0).unwrap(), b"\x01top");
    xpub.send("miss", 0).unwrap();
    xpub.send_multipart(["topic", "hit"], 0).unwrap();
    let done = tool.finish();
    done.assert_ok();
    assert_eq!(done.stdout, ["topic\thit"]);
}

#[test]
fn cat_xpub_prints_the_subscriptions_it_receives() {
    let mut tool = Tool::start(&["cat", "xpub", "-b", "tcp://127.0.0.1:*", "-n", "1"]);
    tool.close_stdin();
    let ep = tool.bound("cat: ");
    let ctx = ferrozmq::Context::new();
    let sub = ctx.socket(ferrozmq::SUB).unwrap();
    sub.connect(&ep).unwrap();
    sub.set_subscribe(b"topic").unwrap();
    let done = tool.finish();
    done.assert_ok();
    assert_eq!(done.stdout, ["0x01746f706963"]);
}

#[test]
fn cat_dealer_talks_both_ways_with_a_ferrozmq_router() {
    let ctx = ferrozmq::Context::new();
    let (router, ep) = ours_bound(&ctx, ferrozmq::ROUTER);
    let mut tool = Tool::start(&["cat", "dealer", "-c", &ep, "--identity", "d1", "-n", "2"]);
    tool.write(b"ping\t0x00\n");
    assert_eq!(
        router.recv_multipart(0).unwrap(),
        [b"d1".to_vec(), b"ping".to_vec(), vec![0]]
    );
    router.send_multipart(["d1", "pong"], 0).unwrap();
    assert_eq!(tool.line(), "pong", "printed while stdin is still open");
    tool.close_stdin();
    router.send_multipart(["d1", "after", "end"], 0).unwrap();
    let done = tool.finish();
    done.assert_ok();
    assert_eq!(done.stdout, ["after\tend"]);
}

#[test]
fn cat_router_addresses_a_libzmq_dealer_by_hex_identity() {
    let mut tool = Tool::start(&[
        "cat",
        "router",
        "-b",
        "tcp://127.0.0.1:*",
        "--timeout",
        "200",
    ]);
    let ep = tool.bound("cat: ");
    let zctx = zmq::Context::new();
    let dealer = theirs(&zctx, zmq::DEALER);
    dealer.set_identity(&[0xff, 0x01]).unwrap();
    dealer.connect(&ep).unwrap();
    dealer.send("hi", 0).unwrap();
    assert_eq!(tool.line(), "0xff01\thi");
    tool.write(b"0xff01\tho\n");
    assert_eq!(dealer.recv_bytes(0).unwrap(), b"ho");
    tool.close_stdin();
    tool.finish().assert_ok();
}

#[test]
fn cat_to_cat_carries_many_lines_in_order() {
    // Text and a 2-byte binary frame per line, printed back as they were written.
    let lines: Vec<String> = (0..5000).map(|i| format!("line {i}\t0x{i:04x}")).collect();
    let bytes: usize = lines
        .iter()
        .map(|l| l.split('\t').next().unwrap().len() + 2)
        .sum();
    let mut pull = Tool::start(&[
        "cat",
        "pull",
        "-b",
        "tcp://127.0.0.1:*",
        "-n",
        "5000",
        "--progress",
    ]);
    let ep = pull.bound("cat: ");
    let input = lines.join("\n") + "\n";
    let push = Tool::with_input(
        &["cat", "push", "-c", &ep, "--sndhwm", "100"],
        input.as_bytes(),
    );
    push.finish().assert_ok();
    let done = pull.finish();
    done.assert_ok();
    assert_eq!(done.stdout, lines);
    let last = done.stderr.last().expect("a final progress line");
    assert_eq!(
        *last,
        format!("ferrozmq cat: sent 0 messages (0 B), received 5000 messages ({bytes} B)")
    );
}

#[test]
fn receive_timeouts_end_the_run_and_fail_only_short_of_count() {
    let quiet = Tool::start(&["cat", "pull", "-b", "tcp://127.0.0.1:*", "--timeout", "100"]);
    let done = quiet.finish();
    done.assert_ok();
    assert!(done.stdout.is_empty());
    let short = Tool::start(&[
        "cat",
        "sub",
        "-b",
        "tcp://127.0.0.1:*",
        "-n",
        "2",
        "--timeout",
        "100",
    ]);
    let done = short.finish();
    assert_eq!(done.status.code(), Some(1));
    let last = done.stderr.last().unwrap();
    assert_eq!(
        last,
        "ferrozmq cat: timed out after 100 ms with 0 of 2 messages"
    );
}

#[test]
fn proxy_forwards_between_libzmq_and_ferrozmq_and_reports_statistics() {
    let mut proxy = Tool::start(&[
        "proxy",
        "xsub",
        "tcp://127.0.0.1:*",
        "XPUB",
        "tcp://127.0.0.1:*",
    ]);
    let front = proxy.bound("proxy: frontend ");
    let back = proxy.bound("proxy: backend ");
    let zctx = zmq::Context::new();
    let publisher = theirs(&zctx, zmq::XPUB);
    publisher.connect(&front).unwrap();
    let ctx = ferrozmq::Context::new();
    let sub = ctx.socket(ferrozmq::SUB).unwrap();
    sub.set_rcvtimeo(STEP.as_millis() as i32).unwrap();
    sub.connect(&back).unwrap();
    sub.set_subscribe(b"news").unwrap();
    // The subscription travelled through the proxy: now publishing reaches the SUB.
    assert_eq!(publisher.recv_bytes(0).unwrap(), b"\x01news");
    publisher.send_multipart(["news", "flash"], 0).unwrap();
    assert_eq!(
        sub.recv_multipart(0).unwrap(),
        [b"news".to_vec(), b"flash".to_vec()]
    );
    let stats = "frontend: in 1 msgs 9 B, out 1 msgs 5 B; backend: in 1 msgs 5 B, out 1 msgs 9 B";
    proxy.signal(libc::SIGUSR1);
    assert_eq!(proxy.line(), stats);
    proxy.signal(libc::SIGINT);
    let done = proxy.finish();
    done.assert_ok();
    assert_eq!(done.stdout, [stats]);
}

#[test]
fn proxy_connects_when_told_and_copies_to_capture() {
    let ctx = ferrozmq::Context::new();
    let (push, front) = ours_bound(&ctx, ferrozmq::PUSH);
    let (pull, back) = ours_bound(&ctx, ferrozmq::PULL);
    let mut proxy = Tool::start(&[
        "proxy",
        "pull",
        &front,
        "push",
        &back,
        "--connect-front",
        "--connect-back",
        "--capture",
        "tcp://127.0.0.1:*",
    ]);
    let capture_ep = proxy.bound("proxy: capture ");
    let capture = ctx.socket(ferrozmq::SUB).unwrap();
    capture.set_rcvtimeo(STEP.as_millis() as i32).unwrap();
    capture.set_subscribe(b"").unwrap();
    capture.connect(&capture_ep).unwrap();
    // Send until the capture SUB has joined; every message reaches the PULL.
    let mut sent = 0;
    let joined = loop {
        push.send(format!("m{sent}").as_str(), 0).unwrap();
        assert_eq!(pull.recv_string(0).unwrap().unwrap(), format!("m{sent}"));
        sent += 1;
        match capture.recv_string(ferrozmq::DONTWAIT) {
            Ok(m) => break m.unwrap(),
            Err(ferrozmq::Error::EAGAIN) => assert!(sent < 10_000, "capture never joined"),
            Err(e) => panic!("{e}"),
        }
    };
    assert!(joined.starts_with('m'));
    proxy.signal(libc::SIGTERM);
    let done = proxy.finish();
    done.assert_ok();
    assert_eq!(done.stdout.len(), 1, "{:?}", done.stdout);
    assert!(done.stdout[0].starts_with(&format!("frontend: in {sent} msgs")));
}

/// Checks a monitor line's shape and returns its event name.
fn event_of(line: &str, endpoint: &str) -> String {
    let fields: Vec<&str> = line.split(' ').collect();
    assert_eq!(fields.len(), 4, "{line}");
    let time = fields[0].as_bytes();
    assert!(
        time.len() == 24 && time[10] == b'T' && time[23] == b'Z',
        "{line}"
    );
    assert!(fields[2].parse::<u32>().is_ok(), "{line}");
    assert_eq!(fields[3], endpoint, "{line}");
    fields[1].to_string()
}

#[test]
fn monitor_prints_a_connection_to_a_ferrozmq_router() {
    let ctx = ferrozmq::Context::new();
    let (_router, ep) = ours_bound(&ctx, ferrozmq::ROUTER);
    let mut monitor = Tool::start(&["monitor", "dealer", &ep]);
    let mut events = Vec::new();
    while events.last().map(String::as_str) != Some("HANDSHAKE_SUCCEEDED") {
        events.push(event_of(&monitor.line(), &ep));
    }
    assert!(events.contains(&"CONNECTED".to_string()), "{events:?}");
}

#[test]
fn monitor_bound_sees_a_libzmq_peer_come_and_go() {
    let mut monitor = Tool::start(&["monitor", "ROUTER", "tcp://127.0.0.1:*", "-b", "-n", "4"]);
    let ep = monitor.bound("monitor: ");
    assert_eq!(event_of(&monitor.line(), &ep), "LISTENING");
    let zctx = zmq::Context::new();
    let dealer = theirs(&zctx, zmq::DEALER);
    dealer.connect(&ep).unwrap();
    dealer.send("dropped by the monitor", 0).unwrap();
    let mut seen = Vec::new();
    while seen.last().map(String::as_str) != Some("HANDSHAKE_SUCCEEDED") {
        seen.push(monitor.line().split(' ').nth(1).unwrap().to_string());
    }
    assert_eq!(seen, ["ACCEPTED", "HANDSHAKE_SUCCEEDED"]);
    drop(dealer);
    let done = monitor.finish();
    done.assert_ok();
    assert_eq!(done.stdout.len(), 1, "{:?}", done.stdout);
    assert_eq!(done.stdout[0].split(' ').nth(1), Some("DISCONNECTED"));
}

#[test]
fn bad_arguments_exit_2_with_one_line() {
    let cases: &[&[&str]] = &[
        &["cat"],
        &["cat", "pull"],
        &["cat", "nosuch", "-b", "tcp://127.0.0.1:1"],
        &["cat", "pull", "-b"],
        &["cat", "pull", "-b", "tcp://127.0.0.1:1", "--count", "x"],
        &["cat", "pull", "-b", "tcp://127.0.0.1:1", "--frobnicate"],
        &["cat", "push", "-c", "tcp://127.0.0.1:1", "--reply", "x"],
        &["proxy", "xsub", "tcp://127.0.0.1:1"],
        &["proxy", "xsub", "e", "xpub", "e", "--control"],
        &["monitor", "dealer"],
        &["monitor", "dealer", "tcp://127.0.0.1:1", "--count", "0"],
    ];
    for args in cases {
        let done = Tool::start(args).finish();
        let cmd = args[0];
        assert_eq!(done.status.code(), Some(2), "{args:?}: {:?}", done.stderr);
        assert_eq!(done.stderr.len(), 1, "{args:?}: {:?}", done.stderr);
        assert!(
            done.stderr[0].starts_with(&format!("ferrozmq {cmd}: ")),
            "{args:?}: {:?}",
            done.stderr
        );
        assert!(done.stdout.is_empty(), "{args:?}");
    }
}

#[test]
fn runtime_failures_exit_1_with_one_line() {
    let done = Tool::start(&["cat", "pull", "-b", "nosuch://x"]).finish();
    assert_eq!(done.status.code(), Some(1));
    assert_eq!(done.stderr.len(), 1, "{:?}", done.stderr);
    assert!(done.stderr[0].starts_with("ferrozmq cat: cannot bind nosuch://x: "));
}

#[test]
fn every_subcommand_has_help() {
    for cmd in ["cat", "proxy", "monitor"] {
        let done = Tool::start(&[cmd, "--help"]).finish();
        done.assert_ok();
        assert!(
            done.stdout[0].starts_with(&format!("usage: ferrozmq {cmd} ")),
            "{:?}",
            done.stdout
        );
        assert!(done.stdout.iter().any(|l| l.contains("--sndhwm")));
    }
}

#[test]
fn cat_stream_speaks_raw_tcp() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let ep = format!("tcp://{}", listener.local_addr().unwrap());
    let mut tool = Tool::start(&["cat", "stream", "-c", &ep, "--timeout", "200"]);
    let (mut peer, _) = listener.accept().unwrap();
    peer.set_read_timeout(Some(STEP)).unwrap();
    // The connection is announced as an empty frame after the peer's id.
    let hello = tool.line();
    let id = hello
        .strip_suffix('\t')
        .expect("id and empty frame")
        .to_string();
    assert!(id.starts_with("0x"), "{hello}");
    peer.write_all(b"raw bytes").unwrap();
    assert_eq!(tool.line(), format!("{id}\traw bytes"));
    tool.write(format!("{id}\tback\n").as_bytes());
    let mut got = [0u8; 4];
    peer.read_exact(&mut got).unwrap();
    assert_eq!(&got, b"back");
    tool.close_stdin();
    tool.finish().assert_ok();
}

#[test]
fn proxy_takes_libzmq_control_commands() {
    let mut proxy = Tool::start(&[
        "proxy",
        "router",
        "tcp://127.0.0.1:*",
        "dealer",
        "tcp://127.0.0.1:*",
        "--control",
        "tcp://127.0.0.1:*",
    ]);
    proxy.bound("proxy: frontend ");
    proxy.bound("proxy: backend ");
    let control_ep = proxy.bound("proxy: control ");
    let zctx = zmq::Context::new();
    let control = theirs(&zctx, zmq::REQ);
    control.connect(&control_ep).unwrap();
    control.send("STATISTICS", 0).unwrap();
    let counters = control.recv_multipart(0).unwrap();
    assert_eq!(counters, vec![vec![0u8; 8]; 8]);
    control.send("TERMINATE", 0).unwrap();
    assert_eq!(control.recv_bytes(0).unwrap(), b"");
    let done = proxy.finish();
    done.assert_ok();
    assert_eq!(
        done.stdout,
        ["frontend: in 0 msgs 0 B, out 0 msgs 0 B; backend: in 0 msgs 0 B, out 0 msgs 0 B"]
    );
}

#[test]
fn cat_dish_joins_and_prints_group_and_body_from_a_ferrozmq_radio() {
    let mut tool = Tool::start(&[
        "cat",
        "dish",
        "-b",
        "tcp://127.0.0.1:*",
        "-j",
        "tv",
        "-n",
        "1",
    ]);
    let ep = tool.bound("cat: ");
    let ctx = ferrozmq::Context::new();
    let radio = ctx.socket(ferrozmq::RADIO).unwrap();
    radio.connect(&ep).unwrap();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    // The dish's JOIN travels on its own: publish (paced) until the tool has printed.
    let publisher = {
        let stop = stop.clone();
        thread::spawn(move || {
            while !stop.load(std::sync::atomic::Ordering::SeqCst) {
                for (group, body) in [("movies", "not joined"), ("tv", "news")] {
                    let mut msg = ferrozmq::Message::from(body);
                    msg.set_group(group).unwrap();
                    radio.send(msg, 0).unwrap();
                }
                thread::sleep(std::time::Duration::from_millis(20));
            }
        })
    };
    assert_eq!(tool.line(), "tv\tnews");
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    publisher.join().unwrap();
    tool.finish().assert_ok();
}

#[test]
fn cat_client_and_server_carry_routing_ids_as_the_first_field() {
    let ctx = ferrozmq::Context::new();
    let (server, ep) = ours_bound(&ctx, ferrozmq::SERVER);
    let client = Tool::with_input(&["cat", "client", "-c", &ep, "-n", "1"], b"hello\n");
    let request = server.recv_msg(0).unwrap();
    assert_eq!(&request[..], b"hello");
    let mut reply = ferrozmq::Message::from("world");
    reply.set_routing_id(request.routing_id()).unwrap();
    server.send(reply, 0).unwrap();
    let done = client.finish();
    done.assert_ok();
    assert_eq!(done.stdout, ["world"]);

    let mut tool = Tool::start(&["cat", "server", "-b", "tcp://127.0.0.1:*", "-n", "2"]);
    let ep = tool.bound("cat: ");
    let client = ctx.socket(ferrozmq::CLIENT).unwrap();
    client.set_rcvtimeo(5000).unwrap();
    client.connect(&ep).unwrap();
    client.send("hi", 0).unwrap();
    let line = tool.line();
    let (id, body) = line.split_once('\t').expect("ROUTING-ID<TAB>BODY");
    assert_eq!(body, "hi");
    assert!(id.parse::<u32>().unwrap() > 0);
    // A line naming that id goes back to the client.
    tool.write(format!("{id}\tback\n").as_bytes());
    assert_eq!(&client.recv_msg(0).unwrap()[..], b"back");
    client.send("again", 0).unwrap();
    assert_eq!(tool.line(), format!("{id}\tagain"));
    tool.finish().assert_ok();
}

#[test]
fn cat_to_cat_over_ws_carries_lines_in_order() {
    let lines: Vec<String> = (0..500).map(|i| format!("ws line {i}")).collect();
    let mut pull = Tool::start(&["cat", "pull", "-b", "ws://127.0.0.1:*/cat", "-n", "500"]);
    let ep = pull.bound("cat: ");
    assert!(
        ep.starts_with("ws://127.0.0.1:") && ep.ends_with("/cat"),
        "{ep}"
    );
    let input = lines.join("\n") + "\n";
    let push = Tool::with_input(&["cat", "push", "-c", &ep], input.as_bytes());
    push.finish().assert_ok();
    let done = pull.finish();
    done.assert_ok();
    assert_eq!(done.stdout, lines);
}

#[test]
fn cat_radio_reaches_cat_dish_over_udp() {
    // A free udp port: the kernel picks one, which the dish then binds.
    let port = std::net::UdpSocket::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let ep = format!("udp://127.0.0.1:{port}");
    let mut dish = Tool::start(&["cat", "dish", "-b", &ep, "-j", "tv", "-n", "1"]);
    // The dish is bound once it has a socket that reads: wait until a radio's datagram is
    // printed, re-sending (udp has no connection to wait for).
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let sender = {
        let (stop, ep) = (stop.clone(), ep.clone());
        thread::spawn(move || {
            while !stop.load(std::sync::atomic::Ordering::SeqCst) {
                let radio = Tool::with_input(
                    &["cat", "radio", "-c", &ep],
                    b"movies\tnot joined\ntv\tnews\n",
                );
                radio.finish().assert_ok();
            }
        })
    };
    assert_eq!(dish.line(), "tv\tnews");
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    sender.join().unwrap();
    dish.finish().assert_ok();
}
