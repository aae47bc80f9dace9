//! A PGM source (RFC 3208 §5): sends APDUs as ODATA (fragmented when larger than a TSDU),
//! keeps the last `window_sqns` of them in its transmit window, answers NAKs with an NCF and
//! then RDATA from the window, sends SPMs (at start, on a heartbeat back-off after data, at
//! the ambient interval, and on SPMR), and holds its data to the configured rate.
//!
//! Sans-IO: the caller passes packets in, asks for packets to send (`poll_transmit`) and for
//! the time it must be woken (`poll_timeout`).

use crate::config::{Config, Destination, Transmit, HEARTBEAT_SPM};
use crate::packet::{sqn_before, Body, Data, Fragment, Nak, NakKind, Packet, Spm, Tsi};
use std::collections::VecDeque;
use std::time::{Duration, Instant};

/// SPMR answers are at most this frequent (RFC 3208 §13.4's IHB_MIN).
const SPMR_HOLDOFF: Duration = Duration::from_millis(10);

/// The most the rate limiter lets out at once: 10 ms worth, at least one packet (a larger
/// burst overflows receivers' socket buffers).
fn burst(config: &Config) -> f64 {
    (config.rate as f64 / 100.0).max(config.max_tpdu as f64)
}

/// One packet of the transmit window.
struct Stored {
    sqn: u32,
    fragment: Option<Fragment>,
    payload: Vec<u8>,
}

/// The sender's side of a PGM session.
pub struct Source {
    config: Config,
    tsi: Tsi,
    /// The next ODATA sequence number.
    next_sqn: u32,
    /// The transmit window, oldest first; its first entry is the trail.
    window: VecDeque<Stored>,
    /// Sequence numbers of the window not yet sent as ODATA.
    unsent: VecDeque<u32>,
    /// Sequence numbers NAKed and not yet repaired.
    repairs: VecDeque<u32>,
    /// Packets that are not rate limited (SPM, NCF), ready to go.
    control: VecDeque<Transmit>,
    spm_sqn: u32,
    next_spm: Instant,
    /// Index into `HEARTBEAT_SPM` of the next heartbeat; past its end the ambient interval.
    heartbeat: usize,
    last_spmr_answer: Option<Instant>,
    /// When a receiver last asked for something (a NAK or SPMR for this session).
    last_asked: Option<Instant>,
    /// The rate limiter: bytes that may be sent now (negative after a large packet).
    tokens: f64,
    refilled: Instant,
}

impl Source {
    /// A source with identity `tsi`; its first SPM is ready at once.
    pub fn new(config: Config, tsi: Tsi, now: Instant) -> Source {
        let mut source = Source {
            tokens: burst(&config),
            config,
            tsi,
            next_sqn: 0,
            window: VecDeque::new(),
            unsent: VecDeque::new(),
            repairs: VecDeque::new(),
            control: VecDeque::new(),
            spm_sqn: 0,
            next_spm: now,
            heartbeat: 0,
            last_spmr_answer: None,
            last_asked: None,
            refilled: now,
        };
        source.queue_spm();
        source.next_spm = now + HEARTBEAT_SPM[0];
        source.heartbeat = 1;
        source
    }

    /// The session's identity.
    pub fn tsi(&self) -> Tsi {
        self.tsi
    }

    /// The largest APDU that goes out unfragmented.
    pub fn max_tsdu(&self) -> usize {
        self.config.max_tsdu()
    }

    /// Whether every APDU given so far has gone out as ODATA: the caller gives the next one
    /// only then, so APDUs wait in the caller (where messages still batch) and not here.
    pub fn is_idle(&self) -> bool {
        self.unsent.is_empty()
    }

    /// When a receiver last sent this session a NAK or SPMR: a closing source that has sent
    /// everything stays to repair until receivers have been quiet for a while.
    pub fn last_asked(&self) -> Option<Instant> {
        self.last_asked
    }

    /// Queues one APDU as ODATA, split into fragments when it exceeds a TSDU.
    pub fn send_apdu(&mut self, apdu: &[u8]) {
        if apdu.len() <= self.config.max_tsdu() {
            self.store(None, apdu.to_vec());
            return;
        }
        let first_sqn = self.next_sqn;
        for (n, piece) in apdu.chunks(self.config.max_tsdu_fragment()).enumerate() {
            let fragment = Fragment {
                first_sqn,
                offset: (n * self.config.max_tsdu_fragment()) as u32,
                apdu_len: apdu.len() as u32,
            };
            self.store(Some(fragment), piece.to_vec());
        }
    }

    fn store(&mut self, fragment: Option<Fragment>, payload: Vec<u8>) {
        let sqn = self.next_sqn;
        self.next_sqn = sqn.wrapping_add(1);
        if self.window.len() >= self.config.window_sqns as usize {
            if let Some(old) = self.window.pop_front() {
                self.unsent.retain(|s| *s != old.sqn);
                self.repairs.retain(|s| *s != old.sqn);
            }
        }
        self.window.push_back(Stored {
            sqn,
            fragment,
            payload,
        });
        self.unsent.push_back(sqn);
    }

    /// The trailing edge: the oldest sequence number still in the window.
    fn trail(&self) -> u32 {
        self.window.front().map_or(self.next_sqn, |s| s.sqn)
    }

    fn stored(&self, sqn: u32) -> Option<&Stored> {
        let first = self.window.front()?.sqn;
        if sqn_before(sqn, first) {
            return None;
        }
        self.window.get(sqn.wrapping_sub(first) as usize)
    }

    /// Acts on a packet addressed to this source: NAKs (answered with an NCF, then RDATA)
    /// and SPMRs (answered with an SPM). Anything else, or for another session, is ignored.
    pub fn handle_packet(&mut self, packet: &Packet<'_>, now: Instant) {
        if packet.gsi != self.tsi.gsi || packet.dport != self.tsi.sport {
            return;
        }
        self.last_asked = Some(now);
        match &packet.body {
            Body::Nak(nak) if nak.kind == NakKind::Nak => {
                if nak.source != self.config.nla || nak.group != self.config.group {
                    return;
                }
                let held: Vec<u32> = nak
                    .sqns
                    .iter()
                    .copied()
                    .filter(|s| self.stored(*s).is_some())
                    .collect();
                if held.is_empty() {
                    return;
                }
                self.queue_control(Body::Nak(Nak {
                    kind: NakKind::Ncf,
                    sqns: held.clone(),
                    source: self.config.nla,
                    group: self.config.group,
                }));
                for sqn in held {
                    if !self.repairs.contains(&sqn) && !self.unsent.contains(&sqn) {
                        self.repairs.push_back(sqn);
                    }
                }
            }
            Body::Spmr => {
                let recent = self
                    .last_spmr_answer
                    .is_some_and(|at| now.duration_since(at) < SPMR_HOLDOFF);
                if !recent {
                    self.last_spmr_answer = Some(now);
                    self.queue_spm();
                }
            }
            _ => {}
        }
    }

    fn queue_spm(&mut self) {
        let spm = Spm {
            sqn: self.spm_sqn,
            trail: self.trail(),
            lead: self.next_sqn.wrapping_sub(1),
            nla: self.config.nla,
        };
        self.spm_sqn = self.spm_sqn.wrapping_add(1);
        self.queue_control(Body::Spm(spm));
    }

    fn queue_control(&mut self, body: Body<'_>) {
        let packet = Packet {
            sport: self.tsi.sport,
            dport: self.config.dport,
            gsi: self.tsi.gsi,
            body,
        };
        let mut bytes = Vec::new();
        packet.encode(&mut bytes);
        self.control.push_back(Transmit {
            to: Destination::Group,
            bytes,
        });
    }

    fn refill(&mut self, now: Instant) {
        let elapsed = now.saturating_duration_since(self.refilled).as_secs_f64();
        self.refilled = now;
        self.tokens = (self.tokens + elapsed * self.config.rate as f64).min(burst(&self.config));
    }

    /// The next packet to send now, if any: SPMs and NCFs first, then repairs, then ODATA
    /// while the rate allows.
    pub fn poll_transmit(&mut self, now: Instant) -> Option<Transmit> {
        if now >= self.next_spm {
            self.queue_spm();
            self.next_spm = now + self.heartbeat_interval();
            self.heartbeat += 1;
        }
        if let Some(control) = self.control.pop_front() {
            return Some(control);
        }
        self.refill(now);
        if self.tokens < 0.0 {
            return None;
        }
        let (sqn, repair) = if let Some(sqn) = self.repairs.pop_front() {
            (sqn, true)
        } else {
            (self.unsent.pop_front()?, false)
        };
        let trail = self.trail();
        let stored = self.stored(sqn)?;
        let packet = Packet {
            sport: self.tsi.sport,
            dport: self.config.dport,
            gsi: self.tsi.gsi,
            body: Body::Data(Data {
                repair,
                sqn,
                trail,
                fragment: stored.fragment,
                payload: &stored.payload,
            }),
        };
        let mut bytes = Vec::with_capacity(self.config.max_tpdu);
        packet.encode(&mut bytes);
        self.tokens -= (bytes.len() + self.config.ip_overhead) as f64;
        // Data restarts the SPM heartbeat.
        self.heartbeat = 1;
        self.next_spm = now + HEARTBEAT_SPM[0];
        Some(Transmit {
            to: Destination::Group,
            bytes,
        })
    }

    fn heartbeat_interval(&self) -> Duration {
        HEARTBEAT_SPM
            .get(self.heartbeat)
            .copied()
            .unwrap_or(self.config.ambient_spm)
    }

    /// When `poll_transmit` next has something: the next SPM, or the moment the rate allows
    /// the data that waits.
    pub fn poll_timeout(&self) -> Instant {
        let mut at = self.next_spm;
        if !self.control.is_empty() {
            return self.refilled;
        }
        if !self.unsent.is_empty() || !self.repairs.is_empty() {
            let deficit = (-self.tokens).max(0.0);
            let wait = Duration::from_secs_f64(deficit / self.config.rate.max(1) as f64);
            at = at.min(self.refilled + wait);
        }
        at
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::{IpAddr, Ipv4Addr};

    const TSI: Tsi = Tsi {
        gsi: [1, 2, 3, 4, 5, 6],
        sport: 4000,
    };

    fn config() -> Config {
        Config {
            rate: 10_000_000,
            window_sqns: 4,
            ..Config::default()
        }
    }

    fn drain(source: &mut Source, now: Instant) -> Vec<Vec<u8>> {
        std::iter::from_fn(|| source.poll_transmit(now).map(|t| t.bytes)).collect()
    }

    fn nak(sqns: Vec<u32>) -> Vec<u8> {
        let packet = Packet {
            sport: 7500,
            dport: TSI.sport,
            gsi: TSI.gsi,
            body: Body::Nak(Nak {
                kind: NakKind::Nak,
                sqns,
                source: IpAddr::V4(Ipv4Addr::LOCALHOST),
                group: config().group,
            }),
        };
        let mut bytes = Vec::new();
        packet.encode(&mut bytes);
        bytes
    }

    #[test]
    fn data_goes_out_as_odata_after_the_first_spm_and_a_nak_gets_an_ncf_then_rdata() {
        let now = Instant::now();
        let mut source = Source::new(config(), TSI, now);
        source.send_apdu(b"one");
        source.send_apdu(b"two");
        let sent = drain(&mut source, now);
        let kinds: Vec<_> = sent
            .iter()
            .map(|b| Packet::parse(b).unwrap().body)
            .collect();
        assert!(matches!(kinds[0], Body::Spm(Spm { lead: u32::MAX, .. })));
        assert!(matches!(
            kinds[1],
            Body::Data(Data {
                sqn: 0,
                repair: false,
                payload: b"one",
                ..
            })
        ));
        assert!(matches!(kinds[2], Body::Data(Data { sqn: 1, .. })));
        source.handle_packet(&Packet::parse(&nak(vec![0, 9])).unwrap(), now);
        let sent = drain(&mut source, now);
        let Body::Nak(ncf) = Packet::parse(&sent[0]).unwrap().body else {
            panic!("no NCF");
        };
        assert_eq!(
            (ncf.kind, ncf.sqns),
            (NakKind::Ncf, vec![0]),
            "9 was never sent"
        );
        assert!(matches!(
            Packet::parse(&sent[1]).unwrap().body,
            Body::Data(Data {
                sqn: 0,
                repair: true,
                payload: b"one",
                ..
            })
        ));
        assert_eq!(sent.len(), 2);
    }

    #[test]
    fn the_window_keeps_the_last_window_sqns_packets_only() {
        let now = Instant::now();
        let mut source = Source::new(config(), TSI, now);
        for i in 0..6u8 {
            source.send_apdu(&[i]);
        }
        drain(&mut source, now);
        source.handle_packet(&Packet::parse(&nak(vec![1, 2])).unwrap(), now);
        let sent = drain(&mut source, now);
        let Body::Nak(ncf) = Packet::parse(&sent[0]).unwrap().body else {
            panic!("no NCF");
        };
        assert_eq!(ncf.sqns, vec![2], "1 left the window of 4");
    }

    #[test]
    fn an_apdu_larger_than_a_tsdu_goes_out_in_fragments() {
        let now = Instant::now();
        let mut source = Source::new(config(), TSI, now);
        let apdu: Vec<u8> = (0..4000u32).map(|i| i as u8).collect();
        source.send_apdu(&apdu);
        let sent = drain(&mut source, now);
        let mut whole = Vec::new();
        for bytes in &sent[1..] {
            let Body::Data(d) = Packet::parse(bytes).unwrap().body else {
                panic!("not data");
            };
            let f = d.fragment.expect("a fragment");
            assert_eq!(
                (f.first_sqn, f.apdu_len, f.offset as usize),
                (0, 4000, whole.len())
            );
            whole.extend_from_slice(d.payload);
            assert!(bytes.len() + 28 <= 1500);
        }
        assert_eq!(whole, apdu);
    }

    #[test]
    fn the_rate_holds_data_back_until_tokens_return() {
        let now = Instant::now();
        let mut c = config();
        c.rate = 15_000;
        let mut source = Source::new(c, TSI, now);
        for _ in 0..3 {
            source.send_apdu(&[0; 1400]);
        }
        // The first SPM, then one burst's worth (1500 bytes) of data.
        assert_eq!(drain(&mut source, now).len(), 3);
        let later = source.poll_timeout();
        assert!(
            later > now && later <= now + Duration::from_millis(250),
            "{:?}",
            later - now
        );
        assert_eq!(drain(&mut source, later).len(), 1);
    }

    #[test]
    fn heartbeat_spms_back_off_after_data() {
        let start = Instant::now();
        let mut source = Source::new(config(), TSI, start);
        source.send_apdu(b"x");
        drain(&mut source, start);
        let mut at = start;
        let mut gaps = Vec::new();
        for _ in 0..6 {
            let next = source.poll_timeout();
            gaps.push((next - at).as_millis());
            at = next;
            assert!(matches!(
                Packet::parse(&drain(&mut source, at)[0]).unwrap().body,
                Body::Spm(_)
            ));
        }
        assert_eq!(gaps, [100, 100, 100, 100, 1300, 7000]);
    }
}
