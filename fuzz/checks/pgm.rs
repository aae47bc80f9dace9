// The check behind the `pgm` fuzz target, included by the target and by ferrozmq-pgm's
// stable replay test (`crates/ferrozmq-pgm/tests/fuzz_corpus.rs`).
//
// Input: one PGM packet (an epgm UDP payload). Nothing may panic; an accepted packet must
// encode to bytes that parse back to the same packet; and a receiver (on the packet's
// port) and a source (of the packet's session) take it, twice, and run their timers.

/// Runs the `pgm` check on one input.
pub fn pgm_check(data: &[u8]) {
    use ferrozmq_pgm::{Config, Packet, Receiver, Source, Tsi};
    use std::time::{Duration, Instant};

    let Ok(packet) = Packet::parse(data) else {
        return;
    };
    let mut again = Vec::new();
    packet.encode(&mut again);
    assert_eq!(
        Packet::parse(&again).as_ref(),
        Ok(&packet),
        "an accepted packet encodes to bytes that parse back to it"
    );
    let config = Config {
        dport: packet.dport,
        window_sqns: 64,
        max_sources: 4,
        ..Config::default()
    };
    let from = std::net::IpAddr::V4(std::net::Ipv4Addr::LOCALHOST);
    let start = Instant::now();
    let mut receiver = Receiver::new(config.clone());
    let tsi = Tsi {
        gsi: packet.gsi,
        sport: packet.dport,
    };
    let mut source = Source::new(config, tsi, start);
    source.send_apdu(b"held for repairs");
    for step in 0..2u32 {
        let now = start + Duration::from_millis(300) * step;
        receiver.handle_packet(&packet, from, now);
        receiver.handle_timeout(now);
        source.handle_packet(&packet, now);
        while receiver.poll_transmit().is_some() {}
        while receiver.poll_event().is_some() {}
        while source.poll_transmit(now).is_some() {}
    }
    assert!(receiver.held_packets() <= 64, "a window holds at most window_sqns");
}
