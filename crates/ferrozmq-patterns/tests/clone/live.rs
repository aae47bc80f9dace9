//! Clone servers and clone clients (the multithreaded API) over tcp: late joiners, several
//! writers, TTLs, subtrees and failover between two servers.

use crate::support::{chp_server, client, client_with, fast_failover, map_of, pump, server_with};
use ferrozmq::{Context, SUB};
use ferrozmq_patterns::clone::client::{ClientConfig, Updates};
use ferrozmq_patterns::clone::protocol::{Endpoints, Form, HUGZ};
use ferrozmq_patterns::clone::server::ServerConfig;
use ferrozmq_patterns::kvmsg::KvMsg;
use std::collections::HashMap;
use std::time::Duration;

/// A SUB on `server`'s publisher that has seen a HUGZ, so it misses no later update.
fn observer(
    ctx: &Context,
    server: &mut ferrozmq_patterns::clone::server::Server,
    endpoints: &Endpoints,
) -> ferrozmq::Socket {
    let sub = ctx.socket(SUB).unwrap();
    sub.set_subscribe(b"").unwrap();
    sub.set_rcvtimeo(0).unwrap();
    sub.connect(&endpoints.publisher).unwrap();
    pump(
        &mut [server],
        "the observer to get a HUGZ",
        |_| matches!(Form::Full.recv(&sub), Ok(m) if m.key == HUGZ),
    );
    sub
}

/// Every KVPUB `sub` has queued, HUGZ left out.
fn published(sub: &ferrozmq::Socket) -> Vec<KvMsg> {
    std::iter::from_fn(|| Form::Full.recv(sub).ok())
        .filter(|m| m.key != HUGZ)
        .collect()
}

#[test]
fn a_late_joiner_gets_the_full_state_by_snapshot() {
    let (ctx, mut server, endpoints) = chp_server();
    let writer = client(&ctx, "", &[&endpoints]);
    for i in 0..50 {
        writer
            .set(&format!("key{i}"), format!("value{i}"), 0)
            .unwrap();
    }
    pump(&mut [&mut server], "50 updates", |s| {
        s[0].state().sequence() == 50
    });
    let expected = server.state().map().values();
    assert_eq!(expected.len(), 50);

    // Nothing is published after this point: all the late client can have is the snapshot.
    let late = client(&ctx, "", &[&endpoints]);
    pump(&mut [&mut server], "the late joiner's snapshot", |_| {
        late.values().unwrap() == expected
    });
    assert_eq!(late.get("key7").unwrap().as_deref(), Some(&b"value7"[..]));
    assert_eq!(late.get("nokey").unwrap(), None);
}

#[test]
fn updates_from_several_clients_reach_everyone_in_sequence_order() {
    let (ctx, mut server, endpoints) = chp_server();
    let sub = observer(&ctx, &mut server, &endpoints);
    let clients: Vec<_> = (0..3).map(|_| client(&ctx, "", &[&endpoints])).collect();
    for round in 0..20 {
        for (c, clone) in clients.iter().enumerate() {
            // Keys shared between clients as well as each one's own.
            clone
                .set(&format!("shared{}", round % 5), format!("{c}-{round}"), 0)
                .unwrap();
            clone.set(&format!("own{c}-{round}"), "x", 0).unwrap();
        }
    }
    pump(&mut [&mut server], "120 updates", |s| {
        s[0].state().sequence() == 120
    });
    let expected = server.state().map().values();
    pump(&mut [&mut server], "every client to converge", |_| {
        clients.iter().all(|c| c.values().unwrap() == expected)
    });
    let sequences: Vec<u64> = published(&sub).iter().map(|m| m.sequence).collect();
    assert_eq!(sequences, (1..=120).collect::<Vec<_>>());
}

#[test]
fn a_key_with_a_ttl_is_deleted_everywhere_when_it_expires() {
    let (ctx, mut server, endpoints) = chp_server();
    let sub = observer(&ctx, &mut server, &endpoints);
    let writer = client(&ctx, "", &[&endpoints]);
    let reader = client(&ctx, "", &[&endpoints]);
    let stays = map_of(&[("/stays", "here")]);
    writer.set("/stays", "here", 0).unwrap();
    // Once the reader has this update it is synchronised, and it gets every later one.
    pump(&mut [&mut server], "the reader to sync", |_| {
        reader.values().unwrap() == stays
    });
    writer.set("/ttl", "soon gone", 1).unwrap();
    pump(&mut [&mut server], "the TTL to expire everywhere", |s| {
        s[0].state().sequence() == 3
            && reader.values().unwrap() == stays
            && writer.values().unwrap() == stays
    });
    let updates: Vec<(String, u64, bool)> = published(&sub)
        .into_iter()
        .map(|m| (m.key.clone(), m.sequence, m.body.is_empty()))
        .collect();
    let expected = [("/stays", 1, false), ("/ttl", 2, false), ("/ttl", 3, true)];
    let expected: Vec<(String, u64, bool)> = expected
        .iter()
        .map(|&(k, n, d)| (k.to_string(), n, d))
        .collect();
    assert_eq!(updates, expected);
}

#[test]
fn a_subtree_client_sees_only_its_subtree() {
    let (ctx, mut server, endpoints) = chp_server();
    let writer = client(&ctx, "", &[&endpoints]);
    writer.set("/other/early", "no", 0).unwrap();
    writer.set("/client/early", "yes", 0).unwrap();
    pump(&mut [&mut server], "two updates", |s| {
        s[0].state().sequence() == 2
    });

    let subtree = client(&ctx, "/client/", &[&endpoints]);
    pump(&mut [&mut server], "the subtree snapshot", |_| {
        subtree.values().unwrap() == map_of(&[("/client/early", "yes")])
    });
    // Updates: the one outside the subtree is published first, so had it not been filtered
    // out it would have arrived before the one inside.
    writer.set("/other/late", "no", 0).unwrap();
    writer.set("/client/late", "yes", 0).unwrap();
    pump(&mut [&mut server], "the subtree update", |_| {
        subtree.values().unwrap().len() == 2
    });
    assert_eq!(
        subtree.values().unwrap(),
        map_of(&[("/client/early", "yes"), ("/client/late", "yes")])
    );
    assert_eq!(writer.values().unwrap().len(), 4);
}

#[test]
fn a_client_fails_over_to_the_second_server_when_the_first_dies() {
    let (ctx_a, mut a, endpoints_a) = chp_server();
    let (_ctx_b, mut b, endpoints_b) = chp_server();
    let ctx = Context::new();
    let both = client(&ctx, "", &[&endpoints_a, &endpoints_b]);
    both.set("before", "1", 0).unwrap();
    // Its updates go to both servers.
    pump(
        &mut [&mut a, &mut b],
        "both servers to get the update",
        |s| s.iter().all(|s| s.state().sequence() == 1),
    );
    pump(
        &mut [&mut a, &mut b],
        "the client to hold its update",
        |_| both.get("before").unwrap().as_deref() == Some(&b"1"[..]),
    );

    // The first server dies; a client of the second alone writes.
    drop(a);
    ctx_a.shutdown().unwrap();
    let only_b = client(&ctx, "", &[&endpoints_b]);
    only_b.set("after", "2", 0).unwrap();
    let expected: HashMap<String, Vec<u8>> = map_of(&[("before", "1"), ("after", "2")]);
    pump(
        &mut [&mut b],
        "the client to fail over and see the second server's update",
        |_| both.values().unwrap() == expected,
    );
}

#[test]
fn a_snapshot_larger_than_the_socket_hwm_arrives_whole() {
    let (ctx, mut server, endpoints) = server_with(ServerConfig {
        ttl_check: Duration::from_millis(20),
        ..ServerConfig::default()
    });
    // PUSH to a PULL collector: back-pressure rather than drops, so all 3000 arrive.
    let push = ClientConfig {
        updates: Updates::Push,
        ..fast_failover()
    };
    let writer = client_with(&ctx, &endpoints, push.clone());
    for i in 0..3000 {
        writer.set(&format!("key{i}"), "v", 0).unwrap();
    }
    pump(&mut [&mut server], "3000 updates", |s| {
        s[0].state().sequence() == 3000
    });
    let late = client_with(&ctx, &endpoints, push);
    pump(&mut [&mut server], "a 3000-key snapshot", |_| {
        late.values().unwrap().len() == 3000
    });
}
