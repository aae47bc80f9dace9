//! Version 2 monitors (the ground of libzmq's test_monitor versioned cases; libzmq's draft
//! `zmq_socket_monitor_versioned` is in neither libzmq here, so ferrozmq's monitors are
//! read by ferrozmq): 64-bit events with their values and both endpoints, on PAIR, PUB and
//! PUSH monitor sockets, the refusals, and PIPES_STATS.

use crate::common::*;
use ferrozmq::monitor::{EVENT_ALL_V2, EVENT_PIPES_STATS};
use ferrozmq::{Context, Error, MonitorEventV2, Socket, SocketEvent, SocketType};
use ferrozmq::{DEALER, PAIR, PUB, PULL, PUSH, SUB};

/// Monitors `socket` with a version 2 monitor of `ty` at `endpoint` and returns the socket
/// that reads it.
fn monitor_v2(
    ctx: &Context,
    socket: &Socket,
    events: u64,
    ty: SocketType,
    endpoint: &str,
) -> Socket {
    socket.monitor_versioned(endpoint, events, 2, ty).unwrap();
    let reader_type = match ty {
        PUB => SUB,
        PUSH => PULL,
        _ => PAIR,
    };
    let reader = ours(ctx, reader_type);
    if reader_type == SUB {
        reader.set_subscribe(b"").unwrap();
    }
    reader.connect(endpoint).unwrap();
    reader
}

fn next(reader: &Socket) -> MonitorEventV2 {
    MonitorEventV2::recv(reader).expect("a version 2 event")
}

fn raw(event: SocketEvent) -> u64 {
    u64::from(event.to_raw())
}

#[test]
fn versioned_events_carry_both_endpoints() {
    bounded(|| {
        let ctx = Context::new();
        for (n, ty) in [PAIR, PUB, PUSH].into_iter().enumerate() {
            for transport in [Transport::Tcp, Transport::Ipc] {
                let client = ours(&ctx, DEALER);
                let server = ours(&ctx, DEALER);
                let tag = format!("{n}-{transport:?}");
                let client_mon = monitor_v2(
                    &ctx,
                    &client,
                    EVENT_ALL_V2,
                    ty,
                    &format!("inproc://c-{tag}"),
                );
                let server_mon = monitor_v2(
                    &ctx,
                    &server,
                    EVENT_ALL_V2,
                    ty,
                    &format!("inproc://s-{tag}"),
                );
                server.bind(&transport.bind_endpoint()).unwrap();
                let endpoint = last_ep(&server);
                client.connect(&endpoint).unwrap();
                client.send("ping", 0).unwrap();
                assert_eq!(server.recv_string(0).unwrap().unwrap(), "ping");

                let mut event = next(&client_mon);
                if event.event == raw(SocketEvent::CONNECT_DELAYED) {
                    event = next(&client_mon);
                }
                assert_eq!(event.event, raw(SocketEvent::CONNECTED));
                assert_eq!(event.values.len(), 1);
                assert_eq!(event.remote, endpoint);
                let client_local = event.local.clone();
                // As libzmq writes them: the client's own tcp address, or a bare `ipc://`
                // for its unnamed Unix socket.
                match transport {
                    Transport::Tcp => {
                        assert!(
                            client_local.starts_with("tcp://127.0.0.1:"),
                            "{client_local}"
                        );
                        assert_ne!(client_local, event.remote);
                    }
                    _ => assert_eq!(client_local, "ipc://"),
                }
                let handshake = next(&client_mon);
                assert_eq!(handshake.event, raw(SocketEvent::HANDSHAKE_SUCCEEDED));
                assert_eq!(
                    (handshake.local, handshake.remote),
                    (client_local.clone(), endpoint.clone())
                );

                let listening = next(&server_mon);
                assert_eq!(listening.event, raw(SocketEvent::LISTENING));
                assert_eq!(
                    (listening.local.as_str(), listening.remote.as_str()),
                    (endpoint.as_str(), "")
                );
                for wanted in [SocketEvent::ACCEPTED, SocketEvent::HANDSHAKE_SUCCEEDED] {
                    let event = next(&server_mon);
                    assert_eq!(event.event, raw(wanted));
                    assert_eq!(event.local, endpoint, "{wanted:?}");
                    assert_eq!(event.remote, client_local, "{wanted:?}");
                }
                drop(client);
                let stopped = next(&client_mon);
                assert_eq!(stopped.event, raw(SocketEvent::MONITOR_STOPPED));
                assert_eq!(
                    (stopped.values, stopped.local, stopped.remote),
                    (vec![0], String::new(), String::new())
                );
            }
        }
    });
}

#[test]
fn versioned_monitor_refusals_as_libzmq() {
    let ctx = Context::new();
    let s = ctx.socket(DEALER).unwrap();
    for ty in [DEALER, ferrozmq::ROUTER, SUB] {
        assert_eq!(
            s.monitor_versioned("inproc://bad-type", 0, 2, ty),
            Err(Error::EINVAL)
        );
    }
    assert_eq!(
        s.monitor_versioned("inproc://v1", EVENT_PIPES_STATS, 1, PAIR),
        Err(Error::EINVAL),
        "version 1 has 16-bit events only"
    );
    assert_eq!(
        s.monitor_versioned("inproc://v3", 1, 3, PAIR),
        Err(Error::EINVAL)
    );
    assert_eq!(
        s.monitor_versioned("tcp://127.0.0.1:9", 1, 2, PAIR),
        Err(Error::EPROTONOSUPPORT)
    );
    assert_eq!(s.monitor_pipes_stats(), Err(Error::EINVAL), "no monitor");
    s.monitor_versioned("inproc://no-stats", raw(SocketEvent::CONNECTED), 2, PAIR)
        .unwrap();
    assert_eq!(
        s.monitor_pipes_stats(),
        Err(Error::EINVAL),
        "PIPES_STATS not asked for"
    );
}

#[test]
fn pipes_stats_count_what_is_queued_each_way() {
    bounded(|| {
        let ctx = Context::new();
        // A connect-side pipe with nobody at the other end holds what was sent.
        let push = ours(&ctx, PUSH);
        let push_mon = monitor_v2(&ctx, &push, EVENT_PIPES_STATS, PAIR, "inproc://stats-push");
        assert_eq!(
            push.monitor_pipes_stats(),
            Err(Error::EAGAIN),
            "no pipes yet"
        );
        push.set_sndhwm(5).unwrap();
        let endpoint = free_tcp_endpoint();
        push.connect(&endpoint).unwrap();
        for _ in 0..5 {
            push.send("x", 0).unwrap();
        }
        push.monitor_pipes_stats().unwrap();
        let stats = next(&push_mon);
        assert_eq!(stats.event, EVENT_PIPES_STATS);
        assert_eq!(stats.values, [5, 0], "five queued out, nothing in");
        assert_eq!(
            (stats.local.as_str(), stats.remote.as_str()),
            ("", endpoint.as_str())
        );

        // A bound inproc pipe with three messages waiting to be read.
        let pull = ours(&ctx, PULL);
        let pull_mon = monitor_v2(&ctx, &pull, EVENT_PIPES_STATS, PUB, "inproc://stats-pull");
        pull.bind("inproc://stats-data").unwrap();
        let sender = ours(&ctx, PUSH);
        sender.connect("inproc://stats-data").unwrap();
        for _ in 0..3 {
            sender.send("y", 0).unwrap();
        }
        pull.get_events().unwrap();
        pull.monitor_pipes_stats().unwrap();
        let stats = next(&pull_mon);
        assert_eq!(stats.values, [0, 3]);
        assert_eq!(
            (stats.local.as_str(), stats.remote.as_str()),
            ("inproc://stats-data", "")
        );
        pull.recv_msg(0).unwrap();
        pull.monitor_pipes_stats().unwrap();
        assert_eq!(next(&pull_mon).values, [0, 2]);

        // A bound tcp pipe names the peer's end of the connection as remote, as libzmq's.
        let tcp_pull = ours(&ctx, PULL);
        let tcp_mon = monitor_v2(
            &ctx,
            &tcp_pull,
            EVENT_PIPES_STATS,
            PAIR,
            "inproc://stats-tcp",
        );
        tcp_pull.bind("tcp://127.0.0.1:*").unwrap();
        let bound = last_ep(&tcp_pull);
        let tcp_push = ours(&ctx, PUSH);
        tcp_push.connect(&bound).unwrap();
        tcp_push.send("z", 0).unwrap();
        assert_eq!(tcp_pull.recv_string(0).unwrap().unwrap(), "z");
        tcp_pull.monitor_pipes_stats().unwrap();
        let stats = next(&tcp_mon);
        assert_eq!(stats.local, bound);
        assert!(
            stats.remote.starts_with("tcp://127.0.0.1:") && stats.remote != bound,
            "{}",
            stats.remote
        );
    });
}
