//! Heartbeats inside the engine, driven by the time the test passes in: PINGs at the
//! interval carrying our TTL, answered by the peer's engine with PONG, and a silent peer given
//! up after the timeout — no clock is read.

mod common;

use common::{connect, pump};
use ferrozmq_zmtp::{EngineConfig, EngineError, HeartbeatConfig, SocketType};
use std::time::{Duration, Instant};

fn config(t: SocketType, ivl_ms: u64, timeout_ms: u64) -> EngineConfig {
    let mut config = EngineConfig::new(t);
    config.heartbeat = HeartbeatConfig {
        interval: Some(Duration::from_millis(ivl_ms)),
        timeout: Some(Duration::from_millis(timeout_ms)),
        ttl: Duration::from_millis(2500),
    };
    config
}

#[test]
fn pings_at_the_interval_and_a_silent_peer_expires() {
    let ms = Duration::from_millis;
    let (mut a, mut b) = connect(
        config(SocketType::DEALER, 100, 250),
        EngineConfig::new(SocketType::ROUTER),
    );
    assert!(a.engine.is_ready() && b.engine.is_ready());
    let t0 = Instant::now();
    // Nothing is due before the handshake is reported done.
    assert_eq!(a.engine.poll_timeout(), None);
    a.engine.note_traffic(t0);
    assert_eq!(a.engine.poll_timeout(), Some(t0 + ms(100)));
    a.engine.handle_timeout(t0 + ms(50)).unwrap();
    assert!(!a.engine.has_output(), "called early, nothing is sent");

    a.engine.handle_timeout(t0 + ms(100)).unwrap();
    let mut ping = Vec::new();
    a.engine.take_output(&mut ping);
    // PING with TTL 25 (deciseconds) and no context.
    assert_eq!(ping, b"\x04\x07\x04PING\x00\x19");
    b.input.extend_from_slice(&ping);
    b.pull();
    assert_eq!(b.engine.peer_ping_ttl(), Some(25));
    pump(&mut a, &mut b);
    assert!(a.error.is_none() && b.error.is_none());

    // The PONG arrived at 120 ms: the timeout is reset; the next PING is due at 200 ms.
    a.engine.note_traffic(t0 + ms(120));
    assert_eq!(a.engine.poll_timeout(), Some(t0 + ms(200)));
    a.engine.handle_timeout(t0 + ms(200)).unwrap();
    // Silence after the PING at 200 ms: given up 250 ms later.
    assert_eq!(a.engine.poll_timeout(), Some(t0 + ms(300)));
    a.engine.handle_timeout(t0 + ms(300)).unwrap();
    assert_eq!(a.engine.poll_timeout(), Some(t0 + ms(400)));
    a.engine.handle_timeout(t0 + ms(400)).unwrap();
    assert_eq!(a.engine.poll_timeout(), Some(t0 + ms(450)));
    assert_eq!(
        a.engine.handle_timeout(t0 + ms(450)),
        Err(EngineError::HeartbeatExpired)
    );
}

#[test]
fn heartbeats_off_never_ask_for_the_time() {
    let (mut a, _b) = connect(
        EngineConfig::new(SocketType::PUSH),
        EngineConfig::new(SocketType::PULL),
    );
    let t0 = Instant::now();
    a.engine.note_traffic(t0);
    assert_eq!(a.engine.poll_timeout(), None);
    a.engine
        .handle_timeout(t0 + Duration::from_secs(3600))
        .unwrap();
    assert!(!a.engine.has_output());
}
