//! The raw engine of STREAM sockets: no greeting, ready at once, input handed over as it came,
//! messages written as their bytes alone, and nothing else (no subscriptions, no heartbeats).

use ferrozmq_zmtp::fuzzing::pull_events;
use ferrozmq_zmtp::{Engine, Event, Outgoing, SocketType};
use std::time::{Duration, Instant};

#[test]
fn raw_bytes_pass_through_unframed() {
    let mut engine = Engine::raw(SocketType::STREAM);
    assert!(engine.is_raw() && engine.is_ready() && !engine.has_output());
    engine.handle_input(b"GET / HTTP/1.0\r\n\r\n");
    let mut events = Vec::new();
    pull_events(&mut engine, &mut |e| {
        events.push(e);
        true
    })
    .unwrap();
    assert!(engine.input_buffer().is_empty());
    assert!(
        matches!(&events[..], [Event::Frame { more: false, body }] if &body[..] == b"GET / HTTP/1.0\r\n\r\n")
    );
    let mut out = Vec::new();
    engine.encode(
        Outgoing::Frame {
            more: false,
            body: b"HTTP/1.0 200 OK\r\n",
        },
        &mut out,
    );
    engine.encode(
        Outgoing::FrameHeader {
            more: false,
            len: 1 << 20,
        },
        &mut out,
    );
    engine.encode(Outgoing::Subscribe(b"topic"), &mut out);
    assert_eq!(out, b"HTTP/1.0 200 OK\r\n");
    let t0 = Instant::now();
    engine.note_traffic(t0);
    assert_eq!(engine.poll_timeout(), None);
    engine.handle_timeout(t0 + Duration::from_secs(60)).unwrap();
    assert!(!engine.has_output());
}
