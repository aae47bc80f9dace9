//! The engine's randomness comes in through its config: with a deterministic source a CURVE
//! handshake (transient keys, cookie, nonces) is the same bytes every run; the default draws
//! fresh keys from the OS each time.

use ferrozmq_zmtp::{fuzzing, Engine, EngineConfig, Event, Randomness, SocketType};
use std::sync::atomic::{AtomicU8, Ordering};

/// Counts up from wherever it stands: deterministic for a test that resets it.
static NEXT: AtomicU8 = AtomicU8::new(0);

fn counting(buf: &mut [u8]) {
    for b in buf {
        *b = NEXT.fetch_add(1, Ordering::Relaxed);
    }
}

/// Every byte both sides of a CURVE handshake wrote, with `random` on both sides.
fn handshake_wire(random: Randomness) -> Vec<u8> {
    let (mut client, mut server) = fuzzing::curve_configs();
    client.random = random;
    server.random = random;
    let mut sides = [Engine::new(client), Engine::new(server)];
    let mut wire = Vec::new();
    for _ in 0..16 {
        for i in 0..2 {
            let mut out = Vec::new();
            sides[i].take_output(&mut out);
            wire.extend_from_slice(&out);
            sides[1 - i].handle_input(&out);
        }
        for side in &mut sides {
            let mut asked = false;
            fuzzing::pull_events(side, &mut |e| {
                asked |= matches!(e, Event::ZapRequest(_));
                true
            })
            .unwrap();
            if asked {
                // The server's ZAP handler lets the client in.
                side.zap_reply(200).unwrap();
            }
        }
    }
    assert!(sides.iter().all(Engine::is_ready), "handshake completes");
    wire
}

#[test]
fn a_deterministic_source_repeats_the_curve_handshake() {
    let source = Randomness::from_fn(counting);
    NEXT.store(0, Ordering::Relaxed);
    let first = handshake_wire(source);
    NEXT.store(0, Ordering::Relaxed);
    assert_eq!(first, handshake_wire(source));
    // The OS source gives other keys each time.
    assert_ne!(
        handshake_wire(Randomness::OS),
        handshake_wire(Randomness::OS)
    );
    assert_eq!(EngineConfig::new(SocketType::PAIR).random, Randomness::OS);
}
