//! A source and a receiver driven against each other without sockets, through a simulated
//! network that drops, duplicates and reorders packets: loss repair, late joiners, window
//! wrap-around, losses that cannot be repaired, and the receiver's memory bounds.

use ferrozmq_pgm::packet::{Body, Data, Fragment, Packet, Spm};
use ferrozmq_pgm::{Config, Event, Receiver, Source, Tsi};
use proptest::prelude::*;
use std::collections::VecDeque;
use std::net::{IpAddr, Ipv4Addr};
use std::time::{Duration, Instant};

const TSI: Tsi = Tsi {
    gsi: [9, 8, 7, 6, 5, 4],
    sport: 41000,
};
const FROM: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);

fn config() -> Config {
    Config {
        rate: 100_000_000,
        window_sqns: 1000,
        ..Config::default()
    }
}

/// What the network does to a downstream packet: deliver it how many times (0 = drop).
type Fate = Box<dyn FnMut(&Packet<'_>) -> usize>;

/// A source, a receiver, a clock and the fate of each downstream packet.
struct Net {
    source: Source,
    receiver: Receiver,
    now: Instant,
    fate: Fate,
    /// Reverse the order of each batch of downstream packets.
    reorder: bool,
    delivered: Vec<Vec<u8>>,
    losses: u32,
}

impl Net {
    fn new(config: Config, fate: Fate) -> Net {
        let now = Instant::now();
        Net {
            source: Source::new(config.clone(), TSI, now),
            receiver: Receiver::new(config),
            now,
            fate,
            reorder: false,
            delivered: Vec::new(),
            losses: 0,
        }
    }

    /// Moves every packet both ways until neither side has one, then collects events.
    fn exchange(&mut self) {
        loop {
            let mut batch: VecDeque<Vec<u8>> = VecDeque::new();
            while let Some(t) = self.source.poll_transmit(self.now) {
                let packet = Packet::parse(&t.bytes).unwrap();
                for _ in 0..(self.fate)(&packet) {
                    batch.push_back(t.bytes.clone());
                }
            }
            if self.reorder {
                batch = batch.into_iter().rev().collect();
            }
            let mut upstream = 0;
            for bytes in &batch {
                let packet = Packet::parse(bytes).unwrap();
                self.receiver.handle_packet(&packet, FROM, self.now);
            }
            self.receiver.handle_timeout(self.now);
            while let Some(t) = self.receiver.poll_transmit() {
                let packet = Packet::parse(&t.bytes).unwrap();
                self.source.handle_packet(&packet, self.now);
                upstream += 1;
            }
            while let Some(event) = self.receiver.poll_event() {
                match event {
                    Event::Data { tsi, apdu } => {
                        assert_eq!(tsi, TSI);
                        self.delivered.push(apdu);
                    }
                    Event::Loss { packets, .. } => self.losses += packets,
                    Event::Gone { .. } => {}
                }
            }
            if batch.is_empty() && upstream == 0 {
                return;
            }
        }
    }

    /// Runs the clock forward, timer by timer, for `span`.
    fn run_for(&mut self, span: Duration) {
        let end = self.now + span;
        self.exchange();
        while self.now < end {
            let next = [
                Some(self.source.poll_timeout()),
                self.receiver.poll_timeout(),
            ]
            .into_iter()
            .flatten()
            .min()
            .unwrap_or(end);
            self.now = next.clamp(self.now + Duration::from_micros(100), end);
            self.exchange();
        }
    }
}

fn odata_sqn(packet: &Packet<'_>) -> Option<u32> {
    match packet.body {
        Body::Data(Data {
            repair: false, sqn, ..
        }) => Some(sqn),
        _ => None,
    }
}

fn apdus(n: u32) -> Vec<Vec<u8>> {
    (0..n).map(|i| format!("apdu {i}").into_bytes()).collect()
}

#[test]
fn lost_odata_is_naked_and_repaired_in_order() {
    let mut net = Net::new(
        config(),
        Box::new(|p| match odata_sqn(p) {
            Some(2 | 3 | 7) => 0,
            _ => 1,
        }),
    );
    for apdu in apdus(10) {
        net.source.send_apdu(&apdu);
    }
    net.run_for(Duration::from_secs(2));
    assert_eq!(net.delivered, apdus(10));
    assert_eq!(net.losses, 0);
}

#[test]
fn a_lost_tail_is_found_by_the_spm_heartbeat_and_repaired() {
    let mut net = Net::new(config(), Box::new(|p| usize::from(odata_sqn(p) != Some(4))));
    for apdu in apdus(5) {
        net.source.send_apdu(&apdu);
    }
    net.run_for(Duration::from_secs(2));
    assert_eq!(net.delivered, apdus(5), "the last ODATA came back as RDATA");
}

#[test]
fn duplicates_and_reordering_deliver_each_apdu_once_in_order() {
    let mut net = Net::new(config(), Box::new(|_| 2));
    // The first SPM arrives first: the receiver's window starts at sequence number 0.
    net.exchange();
    net.reorder = true;
    for apdu in apdus(20) {
        net.source.send_apdu(&apdu);
    }
    net.run_for(Duration::from_secs(1));
    assert_eq!(net.delivered, apdus(20));
    assert_eq!(net.losses, 0);
}

#[test]
fn fragmented_apdus_are_reassembled_even_when_a_fragment_is_repaired() {
    let mut net = Net::new(config(), Box::new(|p| usize::from(odata_sqn(p) != Some(1))));
    let big: Vec<u8> = (0..10_000u32).map(|i| (i % 251) as u8).collect();
    net.source.send_apdu(&big);
    net.source.send_apdu(b"after");
    net.run_for(Duration::from_secs(2));
    assert_eq!(net.delivered, vec![big, b"after".to_vec()]);
}

#[test]
fn a_late_joiner_starts_at_the_next_whole_apdu_without_a_loss() {
    // The receiver hears nothing of the first 3 packets: 1 whole APDU and the first 2 of
    // a 4-fragment one; it starts with the fragments and delivers from the APDU after.
    let heard = std::rc::Rc::new(std::cell::Cell::new(false));
    let seen = heard.clone();
    let mut net = Net::new(
        config(),
        Box::new(move |p| {
            if matches!(p.body, Body::Spm(_)) && !seen.get() {
                return 0;
            }
            match odata_sqn(p) {
                Some(sqn) if sqn < 3 => 0,
                Some(_) => {
                    seen.set(true);
                    1
                }
                None => 1,
            }
        }),
    );
    net.source.send_apdu(b"before");
    net.source.send_apdu(&vec![7; 5000]);
    net.source.send_apdu(b"first whole");
    net.run_for(Duration::from_secs(1));
    assert!(heard.get());
    assert_eq!(net.delivered, vec![b"first whole".to_vec()]);
    assert_eq!(net.losses, 0);
}

#[test]
fn a_packet_that_leaves_the_source_window_is_reported_lost_and_delivery_goes_on() {
    let mut c = config();
    c.window_sqns = 4;
    // ODATA 1 and every repair of it are dropped; the window of 4 moves past it.
    let mut net = Net::new(
        c,
        Box::new(|p| match p.body {
            Body::Data(Data { sqn: 1, .. }) => 0,
            _ => 1,
        }),
    );
    // One APDU at a time, as the transport gives them (when the source is idle).
    for apdu in apdus(8) {
        net.source.send_apdu(&apdu);
        net.run_for(Duration::from_millis(100));
    }
    net.run_for(Duration::from_secs(2));
    let mut expected = apdus(8);
    expected.remove(1);
    assert_eq!(net.delivered, expected);
    assert_eq!(net.losses, 1);
}

#[test]
fn naks_without_ncf_give_up_after_the_retries() {
    let mut c = config();
    c.nak_ncf_retries = 3;
    // The source never hears a NAK: drop everything upstream by giving the receiver a
    // source address that is not the source's.
    let mut net = Net::new(c, Box::new(|p| usize::from(odata_sqn(p) != Some(0))));
    net.source.send_apdu(b"lost");
    net.source.send_apdu(b"kept");
    let mut receiver_config = config();
    receiver_config.nak_ncf_retries = 3;
    net.receiver = Receiver::new(receiver_config);
    // Feed the receiver an SPM with a wrong NLA first, so its NAKs go nowhere useful.
    let spm = Packet {
        sport: TSI.sport,
        dport: 7500,
        gsi: TSI.gsi,
        body: Body::Spm(Spm {
            sqn: 100,
            trail: 0,
            lead: u32::MAX,
            nla: IpAddr::V4(Ipv4Addr::new(10, 9, 9, 9)),
        }),
    };
    let mut bytes = Vec::new();
    spm.encode(&mut bytes);
    net.receiver
        .handle_packet(&Packet::parse(&bytes).unwrap(), FROM, net.now);
    net.run_for(Duration::from_secs(3));
    assert_eq!(net.delivered, vec![b"kept".to_vec()]);
    assert_eq!(net.losses, 1);
}

/// ODATA of `sqn` with `trail`, as a source would send it.
fn odata(sqn: u32, trail: u32, fragment: Option<Fragment>, payload: &[u8]) -> Vec<u8> {
    let packet = Packet {
        sport: TSI.sport,
        dport: 7500,
        gsi: TSI.gsi,
        body: Body::Data(Data {
            repair: false,
            sqn,
            trail,
            fragment,
            payload,
        }),
    };
    let mut bytes = Vec::new();
    packet.encode(&mut bytes);
    bytes
}

fn events(receiver: &mut Receiver) -> Vec<Event> {
    std::iter::from_fn(|| receiver.poll_event()).collect()
}

#[test]
fn sequence_numbers_wrap_around_u32() {
    let mut receiver = Receiver::new(config());
    let now = Instant::now();
    let start = u32::MAX - 2;
    let order = [0u32, 1, 3, 4, 2, 5];
    for i in order {
        let sqn = start.wrapping_add(i);
        let bytes = odata(sqn, start, None, &[i as u8]);
        receiver.handle_packet(&Packet::parse(&bytes).unwrap(), FROM, now);
    }
    let got: Vec<u8> = events(&mut receiver)
        .into_iter()
        .map(|e| match e {
            Event::Data { apdu, .. } => apdu[0],
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(got, vec![0, 1, 2, 3, 4, 5]);
}

#[test]
fn a_source_jumping_far_ahead_costs_at_most_one_window() {
    let mut c = config();
    c.window_sqns = 64;
    let mut receiver = Receiver::new(c);
    let now = Instant::now();
    for sqn in [0u32, 1_000_000, 2_000_000_000] {
        let bytes = odata(sqn, 0, None, b"x");
        receiver.handle_packet(&Packet::parse(&bytes).unwrap(), FROM, now);
    }
    let evs = events(&mut receiver);
    let losses: u32 = evs
        .iter()
        .map(|e| match e {
            Event::Loss { packets, .. } => *packets,
            _ => 0,
        })
        .sum();
    let data = evs
        .iter()
        .filter(|e| matches!(e, Event::Data { .. }))
        .count();
    assert_eq!(
        data, 2,
        "0, and 1 000 000 once the window moved past its gaps"
    );
    assert!(losses > 0);
    assert!(receiver.held_packets() <= 64, "{}", receiver.held_packets());
}

#[test]
fn a_new_source_past_the_limit_pushes_out_the_least_recently_heard() {
    let mut c = config();
    c.max_sources = 8;
    let mut receiver = Receiver::new(c);
    let start = Instant::now();
    let packet_of = |n: u16| {
        let packet = Packet {
            sport: n,
            dport: 7500,
            gsi: [n as u8; 6],
            body: Body::Data(Data {
                repair: false,
                sqn: 0,
                trail: 0,
                fragment: None,
                payload: b"spoofed",
            }),
        };
        let mut bytes = Vec::new();
        packet.encode(&mut bytes);
        bytes
    };
    for n in 0..100u16 {
        let now = start + Duration::from_millis(u64::from(n));
        receiver.handle_packet(&Packet::parse(&packet_of(n)).unwrap(), FROM, now);
        // Source 0 keeps talking, so it is never the least recently heard.
        receiver.handle_packet(&Packet::parse(&packet_of(0)).unwrap(), FROM, now);
    }
    assert_eq!(receiver.sources(), 8);
    let gone: Vec<u16> = events(&mut receiver)
        .into_iter()
        .filter_map(|e| match e {
            Event::Gone { tsi } => Some(tsi.sport),
            _ => None,
        })
        .collect();
    // Sources 1..=92 were pushed out, oldest first; 0 and 93..=99 are followed.
    assert_eq!(gone, (1..=92).collect::<Vec<u16>>());
}

#[test]
fn a_gap_of_a_source_without_an_spm_is_given_up_after_the_back_off() {
    let mut receiver = Receiver::new(config());
    let now = Instant::now();
    for sqn in [0u32, 2, 3] {
        let bytes = odata(sqn, 0, None, &[sqn as u8]);
        receiver.handle_packet(&Packet::parse(&bytes).unwrap(), FROM, now);
    }
    assert_eq!(
        receiver.held_packets(),
        3,
        "the gap and what waits behind it"
    );
    let due = receiver.poll_timeout().expect("the back-off's end");
    receiver.handle_timeout(due);
    assert_eq!(receiver.held_packets(), 0);
    let got = events(&mut receiver);
    let lost = got
        .iter()
        .any(|e| matches!(e, Event::Loss { packets: 1, .. }));
    let data: Vec<Vec<u8>> = got
        .into_iter()
        .filter_map(|e| match e {
            Event::Data { apdu, .. } => Some(apdu),
            _ => None,
        })
        .collect();
    assert!(lost, "the loss is reported");
    assert_eq!(data, [vec![0], vec![2], vec![3]]);
    assert!(
        std::iter::from_fn(|| receiver.poll_transmit()).all(|t| t.bytes.get(4) != Some(&0x08)),
        "no NAK goes out without an NLA"
    );
}

#[test]
fn a_silent_source_is_forgotten_after_peer_expiry() {
    let mut receiver = Receiver::new(config());
    let now = Instant::now();
    let bytes = odata(0, 0, None, b"x");
    receiver.handle_packet(&Packet::parse(&bytes).unwrap(), FROM, now);
    // Its SPMRs go unanswered; then it expires.
    for _ in 0..10_000 {
        let Some(due) = receiver.poll_timeout() else {
            break;
        };
        receiver.handle_timeout(due);
    }
    assert_eq!(receiver.sources(), 0);
    assert!(matches!(
        events(&mut receiver).last(),
        Some(Event::Gone { .. })
    ));
}

#[test]
fn oversize_and_inconsistent_fragments_are_dropped() {
    let mut receiver = Receiver::new(config());
    let now = Instant::now();
    let huge = Fragment {
        first_sqn: 0,
        offset: 0,
        apdu_len: 1 << 30,
    };
    for (sqn, fragment) in [
        (0, huge),
        (
            1,
            Fragment {
                first_sqn: 1,
                offset: 0,
                apdu_len: 6,
            },
        ),
        (
            2,
            Fragment {
                first_sqn: 1,
                offset: 1,
                apdu_len: 6,
            },
        ),
    ] {
        let bytes = odata(sqn, 0, Some(fragment), b"abc");
        receiver.handle_packet(&Packet::parse(&bytes).unwrap(), FROM, now);
    }
    assert!(
        events(&mut receiver)
            .iter()
            .all(|e| !matches!(e, Event::Data { .. })),
        "neither the oversize APDU nor the one with a wrong offset is delivered"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Whatever the network drops (each packet at most twice), duplicates or reorders,
    /// every APDU arrives once and in order, with no loss, while the window holds them.
    #[test]
    fn transient_loss_duplication_and_reordering_are_repaired(
        fates in proptest::collection::vec(0usize..4, 1..200),
        reorder in any::<bool>(),
        count in 1u32..40,
        big in any::<bool>(),
    ) {
        let mut index = 0;
        let mut dropped = std::collections::HashMap::<(u8, u32), u32>::new();
        let fate: Fate = Box::new(move |p| {
            let key = match p.body {
                Body::Data(Data { sqn, repair, .. }) => (u8::from(repair), sqn),
                _ => return 1,
            };
            let f = fates[index % fates.len()];
            index += 1;
            let times = dropped.entry(key).or_default();
            if f == 0 && *times < 2 {
                *times += 1;
                0
            } else {
                f.clamp(1, 2)
            }
        });
        let mut net = Net::new(config(), fate);
        net.exchange();
        net.reorder = reorder;
        let sent: Vec<Vec<u8>> = (0..count)
            .map(|i| if big && i % 5 == 0 { vec![i as u8; 3000] } else { format!("m{i}").into_bytes() })
            .collect();
        for apdu in &sent {
            net.source.send_apdu(apdu);
        }
        net.run_for(Duration::from_secs(5));
        prop_assert_eq!(net.losses, 0);
        prop_assert_eq!(net.delivered, sent);
    }
}
