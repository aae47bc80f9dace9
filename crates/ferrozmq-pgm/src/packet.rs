//! PGM packets (RFC 3208 §8-9) as OpenPGM 5.3 writes them: parsing with every length
//! checked, and encoding with the checksum filled in.
//!
//! ```text
//! header (16):  source port | destination port | type | options | checksum | GSI (6) | TSDU length
//! SPM:          sqn | trail | lead | NLA AFI | reserved | NLA (4 or 16)
//! ODATA, RDATA: sqn | trail | options | TSDU
//! NAK, NNAK, NCF: sqn | source NLA AFI | reserved | source NLA | group NLA AFI | reserved | group NLA
//! SPMR:         (header only)
//! options:      OPT_LENGTH (type 0, length 4, total length of all options), then options
//!               of type | length | 2 reserved octets | data, the last with the END bit (0x80)
//! ```
//!
//! Upstream packets (NAK, SPMR) carry the source's GSI and swap the ports: their source port
//! is the data destination port and their destination port the source's TSI port.

use crate::checksum;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Length of the common PGM header.
pub const HEADER_LEN: usize = 16;
/// Most options one packet may carry (RFC 3208 §9).
pub const MAX_OPTIONS: usize = 16;
/// Most sequence numbers an OPT_NAK_LIST holds (RFC 3208 §9.3.5), besides the NAK's own.
pub const MAX_NAK_LIST: usize = 62;
/// Offset of the checksum field in the header.
const CHECKSUM_AT: usize = 6;

/// Packet types (RFC 3208 §8, §13.6).
pub mod types {
    /// Source path message.
    pub const SPM: u8 = 0x00;
    /// Original data.
    pub const ODATA: u8 = 0x04;
    /// Repair data.
    pub const RDATA: u8 = 0x05;
    /// Negative acknowledgement.
    pub const NAK: u8 = 0x08;
    /// Null NAK (from a network element).
    pub const NNAK: u8 = 0x09;
    /// NAK confirmation.
    pub const NCF: u8 = 0x0A;
    /// SPM request.
    pub const SPMR: u8 = 0x0C;
}

/// Bits of the header's options octet.
mod flags {
    pub const OPT_PRESENT: u8 = 0x01;
    pub const OPT_NETWORK: u8 = 0x02;
}

/// Option types (RFC 3208 §9).
mod options {
    pub const LENGTH: u8 = 0x00;
    pub const FRAGMENT: u8 = 0x01;
    pub const NAK_LIST: u8 = 0x02;
    pub const END: u8 = 0x80;
    pub const TYPE_MASK: u8 = 0x7F;
    /// Length of OPT_FRAGMENT: type, length, 2 reserved, first sqn, offset, APDU length.
    pub const FRAGMENT_LEN: usize = 16;
}

/// A transport session identifier: the source's GSI and its source port.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Tsi {
    /// Global source identifier.
    pub gsi: [u8; 6],
    /// The source's data source port.
    pub sport: u16,
}

/// A parsed packet, borrowing its payload from the datagram.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Packet<'a> {
    /// Source port of the header.
    pub sport: u16,
    /// Destination port of the header.
    pub dport: u16,
    /// GSI of the header (the source's, in both directions).
    pub gsi: [u8; 6],
    /// What the packet says.
    pub body: Body<'a>,
}

/// The type-specific part of a packet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Body<'a> {
    /// A source path message: the source's window and unicast address.
    Spm(Spm),
    /// ODATA or RDATA.
    Data(Data<'a>),
    /// NAK, NNAK or NCF.
    Nak(Nak),
    /// An SPM request from a receiver.
    Spmr,
    /// A packet type this implementation does not act on (POLL, POLR, ACK…), checksum
    /// verified.
    Other(u8),
}

/// A source path message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Spm {
    /// The SPM's own sequence number.
    pub sqn: u32,
    /// Trailing edge of the source's transmit window.
    pub trail: u32,
    /// Leading edge of the source's transmit window (trail - 1 when empty).
    pub lead: u32,
    /// Where NAKs go: the source's unicast address.
    pub nla: IpAddr,
}

/// An ODATA or RDATA packet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Data<'a> {
    /// RDATA (a repair) rather than ODATA.
    pub repair: bool,
    /// The data sequence number.
    pub sqn: u32,
    /// Trailing edge of the source's transmit window.
    pub trail: u32,
    /// Where this TSDU sits in a fragmented APDU, if it is one.
    pub fragment: Option<Fragment>,
    /// The TSDU.
    pub payload: &'a [u8],
}

/// OPT_FRAGMENT: one TSDU of an APDU sent over several sequence numbers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fragment {
    /// Sequence number of the APDU's first fragment.
    pub first_sqn: u32,
    /// Offset of this fragment's bytes in the APDU.
    pub offset: u32,
    /// Length of the whole APDU.
    pub apdu_len: u32,
}

/// Which of the NAK-shaped packets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NakKind {
    /// A receiver asks for repairs.
    Nak,
    /// A network element's null NAK.
    Nnak,
    /// The source confirms a NAK.
    Ncf,
}

/// A NAK, NNAK or NCF.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Nak {
    /// Which packet this is.
    pub kind: NakKind,
    /// The sequence numbers asked for (or confirmed): the packet's own, then its
    /// OPT_NAK_LIST; at most 63.
    pub sqns: Vec<u32>,
    /// The source's unicast address as the receiver learnt it from SPMs.
    pub source: IpAddr,
    /// The multicast group.
    pub group: IpAddr,
}

/// Why a datagram is not a PGM packet this implementation accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PacketError {
    /// Shorter than its header or its type's fixed part.
    Truncated,
    /// The checksum does not match.
    Checksum,
    /// ODATA or RDATA without a checksum (OpenPGM refuses these too).
    MissingChecksum,
    /// Options that overrun the packet, lack OPT_LENGTH or END, or are malformed.
    Options,
    /// The header's TSDU length differs from the data present, or a fragment overruns its APDU.
    Length,
    /// An NLA whose address family is neither IPv4 nor IPv6.
    AddressFamily,
}

/// Reads a big-endian u16 at `at` (the caller has checked the length).
fn u16_at(b: &[u8], at: usize) -> u16 {
    u16::from_be_bytes([b[at], b[at + 1]])
}

/// Reads a big-endian u32 at `at` (the caller has checked the length).
fn u32_at(b: &[u8], at: usize) -> u32 {
    u32::from_be_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

/// An NLA (AFI, reserved, address) at `at`: the address and the offset after it.
fn nla_at(b: &[u8], at: usize) -> Result<(IpAddr, usize), PacketError> {
    let afi = b.get(at..at + 2).ok_or(PacketError::Truncated)?;
    let start = at + 4;
    match u16::from_be_bytes([afi[0], afi[1]]) {
        1 => {
            let a: [u8; 4] = b
                .get(start..start + 4)
                .ok_or(PacketError::Truncated)?
                .try_into()
                .map_err(|_| PacketError::Truncated)?;
            Ok((IpAddr::V4(Ipv4Addr::from(a)), start + 4))
        }
        2 => {
            let a: [u8; 16] = b
                .get(start..start + 16)
                .ok_or(PacketError::Truncated)?
                .try_into()
                .map_err(|_| PacketError::Truncated)?;
            Ok((IpAddr::V6(Ipv6Addr::from(a)), start + 16))
        }
        _ => Err(PacketError::AddressFamily),
    }
}

/// What the options of a packet said that this implementation uses.
#[derive(Default)]
struct ParsedOptions {
    fragment: Option<Fragment>,
    nak_list: Vec<u32>,
}

/// Parses the options starting at `at` (when the header says they are present): what they
/// hold and where the data after them starts.
fn parse_options(
    b: &[u8],
    at: usize,
    present: bool,
) -> Result<(ParsedOptions, usize), PacketError> {
    let mut parsed = ParsedOptions::default();
    if !present {
        return Ok((parsed, at));
    }
    let head = b.get(at..at + 4).ok_or(PacketError::Options)?;
    if head[0] & options::TYPE_MASK != options::LENGTH || head[1] != 4 {
        return Err(PacketError::Options);
    }
    let total = usize::from(u16::from_be_bytes([head[2], head[3]]));
    let end = at + total;
    if total < 8 || end > b.len() {
        return Err(PacketError::Options);
    }
    let mut i = at + 4;
    for _ in 0..MAX_OPTIONS {
        if i + 4 > end {
            return Err(PacketError::Options);
        }
        let kind = b[i];
        let len = usize::from(b[i + 1]);
        if len < 4 || i + len > end {
            return Err(PacketError::Options);
        }
        match kind & options::TYPE_MASK {
            options::FRAGMENT => {
                if len != options::FRAGMENT_LEN {
                    return Err(PacketError::Options);
                }
                parsed.fragment = Some(Fragment {
                    first_sqn: u32_at(b, i + 4),
                    offset: u32_at(b, i + 8),
                    apdu_len: u32_at(b, i + 12),
                });
            }
            options::NAK_LIST => {
                let entries = len - 4;
                if entries % 4 != 0 || entries / 4 > MAX_NAK_LIST {
                    return Err(PacketError::Options);
                }
                parsed.nak_list = (0..entries / 4).map(|n| u32_at(b, i + 4 + 4 * n)).collect();
            }
            _ => {}
        }
        i += len;
        if kind & options::END != 0 {
            return Ok((parsed, end));
        }
    }
    Err(PacketError::Options)
}

impl<'a> Packet<'a> {
    /// Parses one PGM packet (the UDP payload for epgm, the IP payload for pgm).
    pub fn parse(b: &'a [u8]) -> Result<Packet<'a>, PacketError> {
        if b.len() < HEADER_LEN {
            return Err(PacketError::Truncated);
        }
        let kind = b[4];
        let present = b[5] & flags::OPT_PRESENT != 0;
        if u16_at(b, CHECKSUM_AT) != 0 {
            if !checksum::verify(b, CHECKSUM_AT) {
                return Err(PacketError::Checksum);
            }
        } else if kind == types::ODATA || kind == types::RDATA {
            return Err(PacketError::MissingChecksum);
        }
        let tsdu_len = usize::from(u16_at(b, 14));
        let body = match kind {
            types::SPM => {
                if b.len() < HEADER_LEN + 12 {
                    return Err(PacketError::Truncated);
                }
                let (nla, after) = nla_at(b, HEADER_LEN + 12)?;
                parse_options(b, after, present)?;
                Body::Spm(Spm {
                    sqn: u32_at(b, HEADER_LEN),
                    trail: u32_at(b, HEADER_LEN + 4),
                    lead: u32_at(b, HEADER_LEN + 8),
                    nla,
                })
            }
            types::ODATA | types::RDATA => {
                if b.len() < HEADER_LEN + 8 {
                    return Err(PacketError::Truncated);
                }
                let (parsed, data_at) = parse_options(b, HEADER_LEN + 8, present)?;
                let payload = &b[data_at..];
                if payload.len() != tsdu_len {
                    return Err(PacketError::Length);
                }
                if let Some(f) = parsed.fragment {
                    let end = u64::from(f.offset) + payload.len() as u64;
                    if end > u64::from(f.apdu_len) || payload.is_empty() {
                        return Err(PacketError::Length);
                    }
                }
                Body::Data(Data {
                    repair: kind == types::RDATA,
                    sqn: u32_at(b, HEADER_LEN),
                    trail: u32_at(b, HEADER_LEN + 4),
                    fragment: parsed.fragment,
                    payload,
                })
            }
            types::NAK | types::NNAK | types::NCF => {
                if b.len() < HEADER_LEN + 4 {
                    return Err(PacketError::Truncated);
                }
                let (source, after) = nla_at(b, HEADER_LEN + 4)?;
                let (group, after) = nla_at(b, after)?;
                let (parsed, _) = parse_options(b, after, present)?;
                let mut sqns = vec![u32_at(b, HEADER_LEN)];
                sqns.extend(parsed.nak_list);
                Body::Nak(Nak {
                    kind: match kind {
                        types::NAK => NakKind::Nak,
                        types::NNAK => NakKind::Nnak,
                        _ => NakKind::Ncf,
                    },
                    sqns,
                    source,
                    group,
                })
            }
            types::SPMR => Body::Spmr,
            other => Body::Other(other),
        };
        let mut gsi = [0; 6];
        gsi.copy_from_slice(&b[8..14]);
        Ok(Packet {
            sport: u16_at(b, 0),
            dport: u16_at(b, 2),
            gsi,
            body,
        })
    }

    /// Appends this packet's bytes, checksum included, to `out` (cleared first). A NAK's
    /// sequence numbers past the 63rd are not sent; an SPM or NAK over IPv6 carries IPv6 NLAs.
    pub fn encode(&self, out: &mut Vec<u8>) {
        out.clear();
        out.extend_from_slice(&self.sport.to_be_bytes());
        out.extend_from_slice(&self.dport.to_be_bytes());
        let (kind, mut opt_flags, tsdu_len) = match &self.body {
            Body::Spm(_) => (types::SPM, 0, 0),
            Body::Data(d) => (
                if d.repair { types::RDATA } else { types::ODATA },
                if d.fragment.is_some() {
                    flags::OPT_PRESENT
                } else {
                    0
                },
                d.payload.len(),
            ),
            Body::Nak(n) => (
                match n.kind {
                    NakKind::Nak => types::NAK,
                    NakKind::Nnak => types::NNAK,
                    NakKind::Ncf => types::NCF,
                },
                0,
                0,
            ),
            Body::Spmr => (types::SPMR, 0, 0),
            Body::Other(kind) => (*kind, 0, 0),
        };
        if let Body::Nak(n) = &self.body {
            if n.sqns.len() > 1 {
                opt_flags = flags::OPT_PRESENT | flags::OPT_NETWORK;
            }
        }
        out.push(kind);
        out.push(opt_flags);
        out.extend_from_slice(&[0, 0]);
        out.extend_from_slice(&self.gsi);
        out.extend_from_slice(&(tsdu_len as u16).to_be_bytes());
        match &self.body {
            Body::Spm(s) => {
                for v in [s.sqn, s.trail, s.lead] {
                    out.extend_from_slice(&v.to_be_bytes());
                }
                put_nla(out, s.nla);
            }
            Body::Data(d) => {
                out.extend_from_slice(&d.sqn.to_be_bytes());
                out.extend_from_slice(&d.trail.to_be_bytes());
                if let Some(f) = d.fragment {
                    put_option_length(out, options::FRAGMENT_LEN);
                    out.extend_from_slice(&[
                        options::FRAGMENT | options::END,
                        options::FRAGMENT_LEN as u8,
                        0,
                        0,
                    ]);
                    for v in [f.first_sqn, f.offset, f.apdu_len] {
                        out.extend_from_slice(&v.to_be_bytes());
                    }
                }
                out.extend_from_slice(d.payload);
            }
            Body::Nak(n) => {
                out.extend_from_slice(&n.sqns.first().copied().unwrap_or(0).to_be_bytes());
                put_nla(out, n.source);
                put_nla(out, n.group);
                let list = n.sqns.get(1..).unwrap_or(&[]);
                let list = &list[..list.len().min(MAX_NAK_LIST)];
                if !list.is_empty() {
                    let len = 4 + 4 * list.len();
                    put_option_length(out, len);
                    out.extend_from_slice(&[options::NAK_LIST | options::END, len as u8, 0, 0]);
                    for sqn in list {
                        out.extend_from_slice(&sqn.to_be_bytes());
                    }
                }
            }
            Body::Spmr | Body::Other(_) => {}
        }
        let sum = checksum::compute(out);
        out[CHECKSUM_AT..CHECKSUM_AT + 2].copy_from_slice(&sum.to_be_bytes());
    }
}

/// OPT_LENGTH for one option of `len` octets after it.
fn put_option_length(out: &mut Vec<u8>, len: usize) {
    out.extend_from_slice(&[options::LENGTH, 4]);
    out.extend_from_slice(&((4 + len) as u16).to_be_bytes());
}

fn put_nla(out: &mut Vec<u8>, address: IpAddr) {
    match address {
        IpAddr::V4(a) => {
            out.extend_from_slice(&[0, 1, 0, 0]);
            out.extend_from_slice(&a.octets());
        }
        IpAddr::V6(a) => {
            out.extend_from_slice(&[0, 2, 0, 0]);
            out.extend_from_slice(&a.octets());
        }
    }
}

/// Sequence-number order with wrap-around (RFC 1982 serial arithmetic on 32 bits): whether
/// `a` comes before `b`.
pub fn sqn_before(a: u32, b: u32) -> bool {
    (a.wrapping_sub(b) as i32) < 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const GSI: [u8; 6] = [0xb7, 0xc6, 0xd1, 0xbc, 0x03, 0x8a];

    #[test]
    fn libzmqs_odata_parses_as_captured() {
        // ODATA from Debian's libzmq over epgm: 5 two-frame messages ("t", "msg N") after
        // libzmq's 2-byte offset header.
        let mut odata = vec![
            0xf2, 0x1d, 0x15, 0xb3, 0x04, 0x00, 0x34, 0xa7, 0xb7, 0xc6, 0xd1, 0xbc, 0x03, 0x8a,
            0x00, 0x34, 0, 0, 0, 0, 0, 0, 0, 0,
        ];
        let mut tsdu = vec![0, 0];
        for i in 0..5u8 {
            tsdu.extend_from_slice(&[2, 1, b't', 6, 0, b'm', b's', b'g', b' ', b'0' + i]);
        }
        odata.extend_from_slice(&tsdu);
        let packet = Packet::parse(&odata).expect("libzmq's ODATA");
        assert_eq!(packet.sport, 0xf21d);
        assert_eq!(packet.dport, 5555);
        assert_eq!(packet.gsi, GSI);
        let Body::Data(data) = packet.body else {
            panic!("not data: {packet:?}");
        };
        assert!(!data.repair);
        assert_eq!((data.sqn, data.trail, data.fragment), (0, 0, None));
        assert_eq!(data.payload, &tsdu[..]);
        let mut again = Vec::new();
        packet.encode(&mut again);
        assert_eq!(again, odata, "our encoding is libzmq's, checksum included");
    }

    #[test]
    fn a_bad_checksum_or_a_missing_data_checksum_is_refused() {
        let packet = Packet {
            sport: 1,
            dport: 2,
            gsi: GSI,
            body: Body::Data(Data {
                repair: true,
                sqn: 7,
                trail: 3,
                fragment: None,
                payload: b"abc",
            }),
        };
        let mut bytes = Vec::new();
        packet.encode(&mut bytes);
        let mut flipped = bytes.clone();
        flipped[20] ^= 0x40;
        assert_eq!(Packet::parse(&flipped), Err(PacketError::Checksum));
        bytes[6] = 0;
        bytes[7] = 0;
        assert_eq!(Packet::parse(&bytes), Err(PacketError::MissingChecksum));
    }

    #[test]
    fn options_that_overrun_or_never_end_are_refused() {
        let packet = Packet {
            sport: 1,
            dport: 2,
            gsi: GSI,
            body: Body::Nak(Nak {
                kind: NakKind::Nak,
                sqns: vec![1, 2, 3],
                source: IpAddr::V4(Ipv4Addr::LOCALHOST),
                group: IpAddr::V4(Ipv4Addr::new(239, 192, 1, 1)),
            }),
        };
        let mut bytes = Vec::new();
        packet.encode(&mut bytes);
        assert_eq!(Packet::parse(&bytes).unwrap(), packet);
        let options_at = HEADER_LEN + 4 + 8 + 8;
        for (offset, value) in [(3, 0xFF), (5, 0xF0), (4, 0x02), (0, 0x05)] {
            let mut bad = bytes.clone();
            bad[options_at + offset] = value;
            bad[6] = 0;
            bad[7] = 0;
            assert_eq!(
                Packet::parse(&bad),
                Err(PacketError::Options),
                "byte {offset}"
            );
        }
    }

    fn any_address() -> impl Strategy<Value = IpAddr> {
        prop_oneof![
            any::<[u8; 4]>().prop_map(|a| IpAddr::V4(a.into())),
            any::<[u8; 16]>().prop_map(|a| IpAddr::V6(a.into())),
        ]
    }

    /// Which body, three numbers, a NAK list and a fragment's (offset, extra APDU length).
    type BodySeed = (u8, u32, u32, u32, Vec<u32>, Option<(u32, u32)>);

    fn any_body() -> impl Strategy<Value = BodySeed> {
        (
            0u8..5,
            any::<u32>(),
            any::<u32>(),
            any::<u32>(),
            proptest::collection::vec(any::<u32>(), 0..=MAX_NAK_LIST),
            proptest::option::of((0u32..1000, 0u32..1000)),
        )
    }

    proptest! {
        /// Every packet we encode parses back to itself, and every corruption of one byte is
        /// either refused or (for the checksum-covered bytes) never accepted unchanged.
        #[test]
        fn encoded_packets_parse_back_and_corruption_is_caught(
            (which, a, b, c, list, frag) in any_body(),
            nla in any_address(),
            group in any_address(),
            payload in proptest::collection::vec(any::<u8>(), 1..200),
            ports in any::<(u16, u16)>(),
            corrupt in any::<(usize, u8)>(),
        ) {
            let body = match which {
                0 => Body::Spm(Spm { sqn: a, trail: b, lead: c, nla }),
                1 => Body::Data(Data {
                    repair: a % 2 == 0,
                    sqn: b,
                    trail: c,
                    fragment: frag.map(|(offset, extra)| Fragment {
                        first_sqn: b.wrapping_sub(offset % 7),
                        offset,
                        apdu_len: offset + payload.len() as u32 + extra,
                    }),
                    payload: &payload,
                }),
                2 => Body::Nak(Nak {
                    kind: [NakKind::Nak, NakKind::Nnak, NakKind::Ncf][(a % 3) as usize],
                    sqns: std::iter::once(b).chain(list).collect(),
                    source: nla,
                    group,
                }),
                3 => Body::Spmr,
                _ => Body::Other(0x0D),
            };
            let packet = Packet { sport: ports.0, dport: ports.1, gsi: GSI, body };
            let mut bytes = Vec::new();
            packet.encode(&mut bytes);
            prop_assert_eq!(Packet::parse(&bytes), Ok(packet.clone()));
            let (at, flip) = corrupt;
            let at = at % bytes.len();
            let flip = flip.max(1);
            if at != 6 && at != 7 {
                bytes[at] ^= flip;
                prop_assert_ne!(Packet::parse(&bytes), Ok(packet));
            }
        }

        /// Arbitrary bytes never panic the parser.
        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
            let _ = Packet::parse(&bytes);
        }

        #[test]
        fn serial_order_is_antisymmetric_across_the_wrap(a in any::<u32>(), d in 1u32..0x7FFF_FFFF) {
            prop_assert!(sqn_before(a, a.wrapping_add(d)));
            prop_assert!(!sqn_before(a.wrapping_add(d), a));
        }
    }
}
