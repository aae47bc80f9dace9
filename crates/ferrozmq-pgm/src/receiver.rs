//! A PGM receiver (RFC 3208 §6): follows every source it hears on its port, each through a
//! receive window that delivers APDUs in sequence order (reassembling fragments), detects
//! gaps, asks for repairs (a NAK after a random back-off, repeated until an NCF, then waiting
//! for RDATA; a source with no SPM heard has no address for NAKs, so its gaps are given up
//! after the back-off, as OpenPGM does), and gives a packet up — reporting the loss — when
//! its source's window has moved past it or the retries run out.
//!
//! A late joiner starts at the first data packet (or, before any data, after the lead of the
//! first SPM) it hears; fragments of an APDU that began before that are dropped unreported.
//! Memory is bounded: at most `max_sources` sources (a new one past that pushes out the
//! source heard from longest ago), each window at most `window_sqns` packets, reassembly at
//! most `max_apdu` bytes.
//!
//! Sans-IO: the caller passes packets in with the address they came from, and takes
//! [`Event`]s, packets to send and the next timeout out.

use crate::config::{Config, Destination, Transmit};
use crate::packet::{sqn_before, Body, Data, Fragment, Nak, NakKind, Packet, Tsi, MAX_NAK_LIST};
use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::time::Instant;

/// What the receiver tells its user.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    /// The next APDU of a source, in order.
    Data {
        /// The source.
        tsi: Tsi,
        /// The whole APDU.
        apdu: Vec<u8>,
    },
    /// Packets of a source were lost for good; what follows does not continue what came
    /// before. `packets` counts the sequence numbers given up.
    Loss {
        /// The source.
        tsi: Tsi,
        /// How many sequence numbers were lost.
        packets: u32,
    },
    /// A source was silent past `peer_expiry` and is forgotten.
    Gone {
        /// The source.
        tsi: Tsi,
    },
}

/// Where a missing packet's repair stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Repair {
    /// Waiting out the random back-off before the NAK.
    BackOff,
    /// NAK sent; waiting for the NCF.
    WaitNcf,
    /// NCF seen; waiting for RDATA.
    WaitData,
}

enum Slot {
    Missing {
        state: Repair,
        due: Instant,
        ncf_retries: u32,
        data_retries: u32,
    },
    Have {
        fragment: Option<Fragment>,
        payload: Vec<u8>,
    },
    Lost,
}

/// An APDU being put back together.
struct Partial {
    first_sqn: u32,
    apdu_len: usize,
    bytes: Vec<u8>,
}

/// One source's receive window: `slots[i]` is sequence number `next + i`.
struct Window {
    next: u32,
    slots: VecDeque<Slot>,
    partial: Option<Partial>,
    missing: usize,
}

struct Peer {
    /// The source's NLA from its SPMs: where NAKs go. None until an SPM arrives.
    nla: Option<IpAddr>,
    /// Where its packets come from: where SPMRs go.
    address: IpAddr,
    spm_sqn: Option<u32>,
    window: Option<Window>,
    last_heard: Instant,
    spmr_due: Option<Instant>,
}

/// The receiving side of PGM sessions on one port and group.
pub struct Receiver {
    config: Config,
    peers: HashMap<Tsi, Peer>,
    events: VecDeque<Event>,
    outgoing: VecDeque<Transmit>,
    rng: u64,
}

impl Receiver {
    /// A receiver with no sources yet.
    pub fn new(config: Config) -> Receiver {
        Receiver {
            rng: config.seed | 1,
            config,
            peers: HashMap::new(),
            events: VecDeque::new(),
            outgoing: VecDeque::new(),
        }
    }

    /// How many sources the receiver follows.
    pub fn sources(&self) -> usize {
        self.peers.len()
    }

    /// How many packets (received or awaited) the windows of all sources hold: bounded by
    /// `max_sources` × `window_sqns`.
    pub fn held_packets(&self) -> usize {
        self.peers
            .values()
            .filter_map(|p| p.window.as_ref())
            .map(|w| w.slots.len())
            .sum()
    }

    /// Acts on a packet that arrived from `from`. Upstream packets and other ports are
    /// ignored; a new source past `max_sources` takes the place of the least recently heard.
    pub fn handle_packet(&mut self, packet: &Packet<'_>, from: IpAddr, now: Instant) {
        if packet.dport != self.config.dport {
            return;
        }
        let tsi = Tsi {
            gsi: packet.gsi,
            sport: packet.sport,
        };
        let downstream = matches!(
            &packet.body,
            Body::Spm(_)
                | Body::Data(_)
                | Body::Nak(Nak {
                    kind: NakKind::Ncf,
                    ..
                })
        );
        if !downstream {
            return;
        }
        if !self.peers.contains_key(&tsi) {
            if matches!(packet.body, Body::Nak(_)) {
                return;
            }
            if self.peers.len() >= self.config.max_sources {
                self.forget_least_recently_heard();
            }
            self.peers.insert(
                tsi,
                Peer {
                    nla: None,
                    address: from,
                    spm_sqn: None,
                    window: None,
                    last_heard: now,
                    spmr_due: Some(now + self.config.spmr_expiry),
                },
            );
        }
        let backoff = self.backoff();
        let config = &self.config;
        let Some(peer) = self.peers.get_mut(&tsi) else {
            return;
        };
        peer.last_heard = now;
        peer.address = from;
        match &packet.body {
            Body::Spm(spm) => {
                if peer.spm_sqn.is_some_and(|last| sqn_before(spm.sqn, last)) {
                    return;
                }
                peer.spm_sqn = Some(spm.sqn);
                peer.nla = Some(spm.nla);
                peer.spmr_due = None;
                let window = peer
                    .window
                    .get_or_insert_with(|| Window::new(spm.lead.wrapping_add(1)));
                let ev = &mut self.events;
                window.extend_to(spm.lead, now, backoff, config, tsi, ev);
                window.give_up_before(spm.trail, tsi, ev);
            }
            Body::Data(data) => {
                let window = peer.window.get_or_insert_with(|| Window::new(data.sqn));
                let ev = &mut self.events;
                window.insert(data, now, backoff, config, tsi, ev);
                window.give_up_before(data.trail, tsi, ev);
            }
            Body::Nak(ncf) => {
                if let Some(window) = peer.window.as_mut() {
                    window.confirm(&ncf.sqns, now, config);
                }
            }
            _ => {}
        }
    }

    /// Makes room for a new source by forgetting the one heard from longest ago, so a flood
    /// of spoofed sources cannot lock out a real one that starts later (it pushes out only
    /// sources quieter than itself).
    fn forget_least_recently_heard(&mut self) {
        let oldest = self
            .peers
            .iter()
            .min_by_key(|(_, peer)| peer.last_heard)
            .map(|(tsi, _)| *tsi);
        if let Some(tsi) = oldest {
            self.peers.remove(&tsi);
            self.events.push_back(Event::Gone { tsi });
        }
    }

    /// A random NAK back-off in `[0, nak_bo_ivl)` (xorshift64*).
    fn backoff(&mut self) -> std::time::Duration {
        self.rng ^= self.rng >> 12;
        self.rng ^= self.rng << 25;
        self.rng ^= self.rng >> 27;
        let r = self.rng.wrapping_mul(0x2545_F491_4F6C_DD1D);
        let span = self.config.nak_bo_ivl.as_nanos().max(1) as u64;
        std::time::Duration::from_nanos(r % span)
    }

    /// Runs the timers due at `now`: NAKs after back-off (or, for a source that sent no SPM
    /// yet, the loss of what it cannot be asked for), NAK repeats, RDATA waits, SPMRs, and the
    /// expiry of silent sources.
    pub fn handle_timeout(&mut self, now: Instant) {
        let expired: Vec<Tsi> = self
            .peers
            .iter()
            .filter(|(_, p)| now.saturating_duration_since(p.last_heard) >= self.config.peer_expiry)
            .map(|(t, _)| *t)
            .collect();
        for tsi in expired {
            self.peers.remove(&tsi);
            self.events.push_back(Event::Gone { tsi });
        }
        let tsis: Vec<Tsi> = self.peers.keys().copied().collect();
        for tsi in tsis {
            let backoff = self.backoff();
            let config = &self.config;
            let Some(peer) = self.peers.get_mut(&tsi) else {
                continue;
            };
            if peer.spmr_due.is_some_and(|due| due <= now) {
                let packet = Packet {
                    sport: config.dport,
                    dport: tsi.sport,
                    gsi: tsi.gsi,
                    body: Body::Spmr,
                };
                let mut bytes = Vec::new();
                packet.encode(&mut bytes);
                self.outgoing.push_back(Transmit {
                    to: Destination::Unicast(peer.address),
                    bytes,
                });
                peer.spmr_due = Some(now + config.nak_rpt_ivl);
            }
            let Some(window) = peer.window.as_mut() else {
                continue;
            };
            let nla = peer.nla;
            let naks =
                window.run_timers(now, backoff, config, nla.is_some(), tsi, &mut self.events);
            let Some(nla) = nla else {
                continue;
            };
            for chunk in naks.chunks(MAX_NAK_LIST + 1) {
                let packet = Packet {
                    sport: config.dport,
                    dport: tsi.sport,
                    gsi: tsi.gsi,
                    body: Body::Nak(Nak {
                        kind: NakKind::Nak,
                        sqns: chunk.to_vec(),
                        source: nla,
                        group: config.group,
                    }),
                };
                let mut bytes = Vec::new();
                packet.encode(&mut bytes);
                self.outgoing.push_back(Transmit {
                    to: Destination::Unicast(nla),
                    bytes,
                });
            }
        }
    }

    /// When `handle_timeout` next has work.
    pub fn poll_timeout(&self) -> Option<Instant> {
        let mut at: Option<Instant> = None;
        let mut earliest = |t: Instant| at = Some(at.map_or(t, |a| a.min(t)));
        for peer in self.peers.values() {
            earliest(peer.last_heard + self.config.peer_expiry);
            if let Some(due) = peer.spmr_due {
                earliest(due);
            }
            if let Some(window) = &peer.window {
                if let Some(due) = window.next_due() {
                    earliest(due);
                }
            }
        }
        at
    }

    /// The next event for the user.
    pub fn poll_event(&mut self) -> Option<Event> {
        self.events.pop_front()
    }

    /// The next packet to send (NAKs to a source's NLA, SPMRs to where it sends from).
    pub fn poll_transmit(&mut self) -> Option<Transmit> {
        self.outgoing.pop_front()
    }
}

impl Window {
    fn new(next: u32) -> Window {
        Window {
            next,
            slots: VecDeque::new(),
            partial: None,
            missing: 0,
        }
    }

    fn missing_slot(now: Instant, backoff: std::time::Duration) -> Slot {
        Slot::Missing {
            state: Repair::BackOff,
            due: now + backoff,
            ncf_retries: 0,
            data_retries: 0,
        }
    }

    /// The sequence number after the last slot.
    fn end(&self) -> u32 {
        self.next.wrapping_add(self.slots.len() as u32)
    }

    /// Makes room for `sqn` within `window_sqns`, giving up what must leave.
    fn make_room(&mut self, sqn: u32, config: &Config, tsi: Tsi, events: &mut VecDeque<Event>) {
        let max = config.window_sqns.max(1);
        if sqn.wrapping_sub(self.next) >= max {
            self.give_up_before(sqn.wrapping_sub(max - 1), tsi, events);
        }
    }

    /// Known up to `lead` (from an SPM): what lies between our end and it is missing.
    fn extend_to(
        &mut self,
        lead: u32,
        now: Instant,
        backoff: std::time::Duration,
        config: &Config,
        tsi: Tsi,
        events: &mut VecDeque<Event>,
    ) {
        if sqn_before(lead, self.end()) {
            return;
        }
        self.make_room(lead, config, tsi, events);
        while !sqn_before(lead, self.end()) {
            self.slots.push_back(Self::missing_slot(now, backoff));
            self.missing += 1;
        }
    }

    fn insert(
        &mut self,
        data: &Data<'_>,
        now: Instant,
        backoff: std::time::Duration,
        config: &Config,
        tsi: Tsi,
        events: &mut VecDeque<Event>,
    ) {
        if sqn_before(data.sqn, self.next) {
            return;
        }
        if data
            .fragment
            .is_some_and(|f| f.apdu_len as usize > config.max_apdu)
        {
            return;
        }
        if !sqn_before(data.sqn, self.end()) {
            self.extend_to(data.sqn, now, backoff, config, tsi, events);
        }
        let at = data.sqn.wrapping_sub(self.next) as usize;
        let Some(slot) = self.slots.get_mut(at) else {
            return;
        };
        if matches!(slot, Slot::Missing { .. }) {
            self.missing -= 1;
            *slot = Slot::Have {
                fragment: data.fragment,
                payload: data.payload.to_vec(),
            };
        }
        self.deliver(tsi, events);
    }

    /// The source's trail is `trail`: what we miss before it cannot be repaired.
    fn give_up_before(&mut self, trail: u32, tsi: Tsi, events: &mut VecDeque<Event>) {
        while sqn_before(self.next, trail) {
            match self.slots.front_mut() {
                Some(slot) => {
                    if matches!(slot, Slot::Missing { .. }) {
                        self.missing -= 1;
                        *slot = Slot::Lost;
                    }
                    // Pops what is now complete or lost, up to the next gap (if any).
                    self.deliver(tsi, events);
                }
                None => {
                    let skipped = trail.wrapping_sub(self.next);
                    self.next = trail;
                    self.partial = None;
                    push_loss(events, tsi, skipped);
                }
            }
        }
    }

    /// Pops and hands on everything at the front that is complete, in order.
    fn deliver(&mut self, tsi: Tsi, events: &mut VecDeque<Event>) {
        loop {
            match self.slots.front() {
                None | Some(Slot::Missing { .. }) => return,
                Some(Slot::Lost) => {
                    self.partial = None;
                    push_loss(events, tsi, 1);
                }
                Some(Slot::Have { .. }) => {
                    let sqn = self.next;
                    let Some(Slot::Have { fragment, payload }) = self.slots.pop_front() else {
                        return;
                    };
                    self.next = self.next.wrapping_add(1);
                    self.take(sqn, fragment, payload, tsi, events);
                    continue;
                }
            }
            self.slots.pop_front();
            self.next = self.next.wrapping_add(1);
        }
    }

    /// One in-order TSDU: an APDU of its own, or a fragment of one.
    fn take(
        &mut self,
        sqn: u32,
        fragment: Option<Fragment>,
        payload: Vec<u8>,
        tsi: Tsi,
        events: &mut VecDeque<Event>,
    ) {
        let Some(f) = fragment else {
            self.partial = None;
            events.push_back(Event::Data { tsi, apdu: payload });
            return;
        };
        if f.first_sqn == sqn && f.offset == 0 {
            self.partial = Some(Partial {
                first_sqn: sqn,
                apdu_len: f.apdu_len as usize,
                bytes: Vec::with_capacity(f.apdu_len as usize),
            });
        }
        let Some(partial) = self.partial.as_mut() else {
            // A fragment of an APDU whose start we never had (we joined after it).
            return;
        };
        if partial.first_sqn != f.first_sqn
            || partial.bytes.len() != f.offset as usize
            || partial.apdu_len != f.apdu_len as usize
        {
            self.partial = None;
            return;
        }
        partial.bytes.extend_from_slice(&payload);
        if partial.bytes.len() >= partial.apdu_len {
            if let Some(done) = self.partial.take() {
                events.push_back(Event::Data {
                    tsi,
                    apdu: done.bytes,
                });
            }
        }
    }

    /// An NCF for `sqns`: their NAKs were heard; wait for the RDATA.
    fn confirm(&mut self, sqns: &[u32], now: Instant, config: &Config) {
        for sqn in sqns {
            if sqn_before(*sqn, self.next) {
                continue;
            }
            let at = sqn.wrapping_sub(self.next) as usize;
            if let Some(Slot::Missing { state, due, .. }) = self.slots.get_mut(at) {
                if *state != Repair::WaitData {
                    *state = Repair::WaitData;
                    *due = now + config.nak_rdata_ivl;
                }
            }
        }
    }

    /// Advances every repair that is due; returns the sequence numbers to NAK now (none
    /// while the source's NLA is unknown: its due back-offs become losses).
    fn run_timers(
        &mut self,
        now: Instant,
        backoff: std::time::Duration,
        config: &Config,
        nla_known: bool,
        tsi: Tsi,
        events: &mut VecDeque<Event>,
    ) -> Vec<u32> {
        let mut naks = Vec::new();
        if self.missing == 0 {
            return naks;
        }
        let mut lost = 0;
        for (i, slot) in self.slots.iter_mut().enumerate() {
            let Slot::Missing {
                state,
                due,
                ncf_retries,
                data_retries,
            } = slot
            else {
                continue;
            };
            if *due > now {
                continue;
            }
            let sqn = self.next.wrapping_add(i as u32);
            match *state {
                // As OpenPGM: with no SPM heard there is nowhere to send the NAK, so the
                // packet is lost (and what waits behind it delivered) rather than held.
                Repair::BackOff if !nla_known => {
                    *slot = Slot::Lost;
                    lost += 1;
                }
                Repair::BackOff => {
                    *state = Repair::WaitNcf;
                    *due = now + config.nak_rpt_ivl;
                    naks.push(sqn);
                }
                Repair::WaitNcf => {
                    *ncf_retries += 1;
                    if *ncf_retries > config.nak_ncf_retries {
                        *slot = Slot::Lost;
                        lost += 1;
                    } else {
                        *due = now + config.nak_rpt_ivl;
                        naks.push(sqn);
                    }
                }
                Repair::WaitData => {
                    *data_retries += 1;
                    if *data_retries > config.nak_data_retries {
                        *slot = Slot::Lost;
                        lost += 1;
                    } else {
                        *state = Repair::BackOff;
                        *due = now + backoff;
                    }
                }
            }
        }
        self.missing -= lost;
        if lost > 0 {
            self.deliver(tsi, events);
        }
        naks
    }

    fn next_due(&self) -> Option<Instant> {
        if self.missing == 0 {
            return None;
        }
        self.slots
            .iter()
            .filter_map(|s| match s {
                Slot::Missing { due, .. } => Some(*due),
                _ => None,
            })
            .min()
    }
}

/// Reports `packets` lost, merged into a loss just reported for the same source.
fn push_loss(events: &mut VecDeque<Event>, tsi: Tsi, packets: u32) {
    if let Some(Event::Loss { tsi: t, packets: p }) = events.back_mut() {
        if *t == tsi {
            *p = p.saturating_add(packets);
            return;
        }
    }
    events.push_back(Event::Loss { tsi, packets });
}
