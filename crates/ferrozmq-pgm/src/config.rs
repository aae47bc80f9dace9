//! What a source and a receiver are told: sizes, rates, addresses and timers, with the values
//! libzmq 4.3 gives OpenPGM (`pgm_socket.cpp`) as the defaults.

use std::net::{IpAddr, Ipv4Addr};
use std::time::Duration;

/// Length of a PGM header plus an ODATA header.
const DATA_HEADERS: usize = 24;
/// OPT_LENGTH plus OPT_FRAGMENT, carried by every fragment of a fragmented APDU.
const FRAGMENT_OPTIONS: usize = 20;

/// The SPM heartbeat after data, as libzmq sets it (`PGM_HEARTBEAT_SPM`).
pub const HEARTBEAT_SPM: [Duration; 9] = [
    Duration::from_millis(100),
    Duration::from_millis(100),
    Duration::from_millis(100),
    Duration::from_millis(100),
    Duration::from_millis(1300),
    Duration::from_secs(7),
    Duration::from_secs(16),
    Duration::from_secs(25),
    Duration::from_secs(30),
];

/// One end of a PGM session: what both a source and a receiver need.
#[derive(Clone, Debug)]
pub struct Config {
    /// The largest packet, IP header included (MULTICAST_MAXTPDU; 1500).
    pub max_tpdu: usize,
    /// Bytes below PGM in each packet: 20 (IPv4) for pgm, 28 (IPv4 + UDP) for epgm.
    pub ip_overhead: usize,
    /// The data rate limit of a source in bytes per second (RATE × 1000 / 8).
    pub rate: u64,
    /// Sequence numbers a window holds (libzmq's `compute_sqns`: RATE × RECOVERY_IVL over
    /// the TPDU size, at least 1).
    pub window_sqns: u32,
    /// The data destination port (the endpoint's port).
    pub dport: u16,
    /// The multicast group.
    pub group: IpAddr,
    /// The unicast address a source advertises in its SPMs (its interface's), where NAKs go.
    pub nla: IpAddr,
    /// A receiver's NAK back-off is random in `[0, nak_bo_ivl)` (50 ms).
    pub nak_bo_ivl: Duration,
    /// How long a receiver waits for an NCF before repeating a NAK (200 ms).
    pub nak_rpt_ivl: Duration,
    /// How long a receiver waits for RDATA after an NCF (200 ms).
    pub nak_rdata_ivl: Duration,
    /// NAKs a receiver repeats without an NCF before it gives a packet up (50).
    pub nak_ncf_retries: u32,
    /// NCF-confirmed requests a receiver repeats before it gives a packet up (50).
    pub nak_data_retries: u32,
    /// How long a receiver waits for an SPM before asking for one (25 ms).
    pub spmr_expiry: Duration,
    /// A source silent this long is forgotten (300 s).
    pub peer_expiry: Duration,
    /// The ambient SPM interval when no data flows (30 s).
    pub ambient_spm: Duration,
    /// Most sources one receiver follows at once; a further one takes the place of the one
    /// heard from longest ago, so spoofed sources cost bounded memory and cannot lock out a
    /// real source that starts after them.
    pub max_sources: usize,
    /// Largest APDU a receiver reassembles (OpenPGM's `max_apdu`: 16 fragments, at most
    /// 65535 bytes); fragments of larger ones are dropped.
    pub max_apdu: usize,
    /// Seeds the NAK back-off's randomness.
    pub seed: u64,
}

impl Config {
    /// libzmq's settings for an endpoint: `rate_kbit` (RATE), `recovery_ivl_ms`
    /// (RECOVERY_IVL), `max_tpdu` (MULTICAST_MAXTPDU), and whether PGM runs over UDP (epgm).
    pub fn libzmq(
        rate_kbit: u32,
        recovery_ivl_ms: u32,
        max_tpdu: usize,
        udp: bool,
        dport: u16,
        group: IpAddr,
        nla: IpAddr,
    ) -> Config {
        let ip_overhead = if udp { 28 } else { 20 };
        // compute_sqns: bytes per ms × ms, over the TPDU size.
        let bytes = u64::from(rate_kbit / 8) * u64::from(recovery_ivl_ms);
        let window_sqns = (bytes / max_tpdu.max(1) as u64).clamp(1, u64::from(u32::MAX / 4)) as u32;
        let mut config = Config {
            max_tpdu,
            ip_overhead,
            rate: u64::from(rate_kbit) * 1000 / 8,
            window_sqns,
            dport,
            group,
            nla,
            nak_bo_ivl: Duration::from_millis(50),
            nak_rpt_ivl: Duration::from_millis(200),
            nak_rdata_ivl: Duration::from_millis(200),
            nak_ncf_retries: 50,
            nak_data_retries: 50,
            spmr_expiry: Duration::from_millis(25),
            peer_expiry: Duration::from_secs(300),
            ambient_spm: Duration::from_secs(30),
            max_sources: 256,
            max_apdu: 0,
            seed: 0x5eed,
        };
        config.max_apdu = (16 * config.max_tsdu_fragment()).min(usize::from(u16::MAX));
        config
    }

    /// The largest TSDU of an unfragmented packet (OpenPGM's `max_tsdu`; libzmq fills each
    /// APDU to this, so its APDUs are never fragmented).
    pub fn max_tsdu(&self) -> usize {
        self.max_tpdu
            .saturating_sub(self.ip_overhead + DATA_HEADERS)
            .max(1)
    }

    /// The largest TSDU of one fragment of a fragmented APDU.
    pub fn max_tsdu_fragment(&self) -> usize {
        self.max_tpdu
            .saturating_sub(self.ip_overhead + DATA_HEADERS + FRAGMENT_OPTIONS)
            .max(1)
    }
}

impl Default for Config {
    /// libzmq's defaults (RATE 100, RECOVERY_IVL 10 s, MAXTPDU 1500) over epgm on port 7500
    /// of group 239.192.0.1, advertising the loopback address.
    fn default() -> Config {
        Config::libzmq(
            100,
            10_000,
            1500,
            true,
            7500,
            IpAddr::V4(Ipv4Addr::new(239, 192, 0, 1)),
            IpAddr::V4(Ipv4Addr::LOCALHOST),
        )
    }
}

/// Where a packet goes; the port is the transport's (the endpoint's port for epgm).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Destination {
    /// The session's multicast group.
    Group,
    /// One host: a source's NLA (NAKs), or the address a source's packets came from (SPMR).
    Unicast(IpAddr),
}

/// A packet to send.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Transmit {
    /// Where to.
    pub to: Destination,
    /// The encoded packet.
    pub bytes: Vec<u8>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn libzmqs_defaults_give_openpgms_sizes() {
        let config = Config::default();
        // 1500 - 20 (IP) - 8 (UDP) - 16 (PGM) - 8 (ODATA): 1448, as libzmq's PGM_MSSS.
        assert_eq!(config.max_tsdu(), 1448);
        assert_eq!(config.max_tsdu_fragment(), 1428);
        // 12 bytes/ms × 10000 ms / 1500: 80 packets.
        assert_eq!(config.window_sqns, 80);
        assert_eq!(config.rate, 12_500);
        assert_eq!(config.max_apdu, 16 * 1428);
    }
}
