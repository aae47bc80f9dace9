//! ZeroMQ socket types: libzmq's numbers, the names sent in the `Socket-Type` property, and the
//! compatibility table that decides which peers may talk (RFC 37, libzmq `check_socket_type`).

/// A ZeroMQ socket type, numbered exactly as in libzmq's `zmq.h` so that values can cross the
/// C ABI and match what users of other bindings know.
///
/// The upper-case names mirror libzmq and the `zmq` crate (`zmq::REQ`), which makes porting an
/// import change.
#[allow(clippy::upper_case_acronyms)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(i32)]
pub enum SocketType {
    /// Exclusive pair: one peer, both directions (RFC 31).
    PAIR = 0,
    /// Publisher: fans messages out to subscribers, filtered by their subscriptions (RFC 29).
    PUB = 1,
    /// Subscriber: receives what matches its subscriptions (RFC 29).
    SUB = 2,
    /// Requester: strict send/receive alternation, round-robin over peers (RFC 28).
    REQ = 3,
    /// Replier: receives a request, answers the peer it came from (RFC 28).
    REP = 4,
    /// Asynchronous requester: round-robin out, fair-queue in (RFC 28).
    DEALER = 5,
    /// Asynchronous replier: addresses peers by routing id (RFC 28).
    ROUTER = 6,
    /// Pipeline sink: fair-queues from pushers (RFC 30).
    PULL = 7,
    /// Pipeline source: round-robins to pullers (RFC 30).
    PUSH = 8,
    /// Publisher that also receives subscriptions as messages.
    XPUB = 9,
    /// Subscriber that sends subscriptions as messages.
    XSUB = 10,
    /// Raw TCP peers, no ZMTP.
    STREAM = 11,
    /// Draft: thread-safe server addressed by routing id (RFC 41).
    SERVER = 12,
    /// Draft: thread-safe client (RFC 41).
    CLIENT = 13,
    /// Draft: group fan-out (RFC 48).
    RADIO = 14,
    /// Draft: group receiver (RFC 48).
    DISH = 15,
    /// Draft: fair-queued receiver of scattered messages (RFC 49).
    GATHER = 16,
    /// Draft: round-robin sender (RFC 49).
    SCATTER = 17,
    /// Draft: UDP datagrams.
    DGRAM = 18,
    /// Draft: peer-to-peer (RFC 51).
    PEER = 19,
    /// Draft: thread-safe pair (RFC 52).
    CHANNEL = 20,
}

const ALL: [SocketType; 21] = [
    SocketType::PAIR,
    SocketType::PUB,
    SocketType::SUB,
    SocketType::REQ,
    SocketType::REP,
    SocketType::DEALER,
    SocketType::ROUTER,
    SocketType::PULL,
    SocketType::PUSH,
    SocketType::XPUB,
    SocketType::XSUB,
    SocketType::STREAM,
    SocketType::SERVER,
    SocketType::CLIENT,
    SocketType::RADIO,
    SocketType::DISH,
    SocketType::GATHER,
    SocketType::SCATTER,
    SocketType::DGRAM,
    SocketType::PEER,
    SocketType::CHANNEL,
];

impl SocketType {
    /// The type with libzmq's number `raw`, if there is one.
    pub fn from_raw(raw: i32) -> Option<SocketType> {
        usize::try_from(raw).ok().and_then(|i| ALL.get(i).copied())
    }

    /// libzmq's number for this type (`ZMQ_PAIR` = 0 …).
    pub fn to_raw(self) -> i32 {
        self as i32
    }

    /// The name sent in the ZMTP `Socket-Type` property, exactly as libzmq spells it.
    pub fn name(self) -> &'static str {
        use SocketType::*;
        match self {
            PAIR => "PAIR",
            PUB => "PUB",
            SUB => "SUB",
            REQ => "REQ",
            REP => "REP",
            DEALER => "DEALER",
            ROUTER => "ROUTER",
            PULL => "PULL",
            PUSH => "PUSH",
            XPUB => "XPUB",
            XSUB => "XSUB",
            STREAM => "STREAM",
            SERVER => "SERVER",
            CLIENT => "CLIENT",
            RADIO => "RADIO",
            DISH => "DISH",
            GATHER => "GATHER",
            SCATTER => "SCATTER",
            DGRAM => "DGRAM",
            PEER => "PEER",
            CHANNEL => "CHANNEL",
        }
    }

    /// The type whose `Socket-Type` name is `name` (case-sensitive, as libzmq compares it).
    pub fn from_name(name: &[u8]) -> Option<SocketType> {
        ALL.iter().copied().find(|t| t.name().as_bytes() == name)
    }

    /// Whether a peer of type `peer` may connect to this type (RFC 37's table, as libzmq's
    /// `check_socket_type` enforces it). Incompatible peers are refused at the handshake.
    pub fn is_compatible_with(self, peer: SocketType) -> bool {
        use SocketType::*;
        match self {
            PAIR => peer == PAIR,
            PUB | XPUB => matches!(peer, SUB | XSUB),
            SUB | XSUB => matches!(peer, PUB | XPUB),
            REQ => matches!(peer, REP | ROUTER),
            REP => matches!(peer, REQ | DEALER),
            DEALER => matches!(peer, REP | DEALER | ROUTER),
            ROUTER => matches!(peer, REQ | DEALER | ROUTER),
            PULL => peer == PUSH,
            PUSH => peer == PULL,
            SERVER => peer == CLIENT,
            CLIENT => peer == SERVER,
            RADIO => peer == DISH,
            DISH => peer == RADIO,
            GATHER => peer == SCATTER,
            SCATTER => peer == GATHER,
            DGRAM => peer == DGRAM,
            PEER => peer == PEER,
            CHANNEL => peer == CHANNEL,
            STREAM => false,
        }
    }

    /// A type this one accepts as its peer, for a peer that names none (bare ZWS); None for
    /// STREAM.
    pub fn a_compatible_peer(self) -> Option<SocketType> {
        ALL.iter()
            .copied()
            .find(|&peer| self.is_compatible_with(peer))
    }

    /// Whether this is one of libzmq's thread-safe draft types (ZMQ_THREAD_SAFE): CLIENT,
    /// SERVER, RADIO, DISH, GATHER, SCATTER, PEER, CHANNEL. They carry single-frame messages
    /// only. (DGRAM, a draft type too, is neither: libzmq's `dgram_t` is an ordinary socket.)
    pub fn is_thread_safe(self) -> bool {
        use SocketType::*;
        matches!(
            self,
            SERVER | CLIENT | RADIO | DISH | GATHER | SCATTER | PEER | CHANNEL
        )
    }

    /// Whether this type sends the `Identity` property in READY (libzmq: REQ, DEALER, ROUTER).
    pub fn sends_identity(self) -> bool {
        matches!(
            self,
            SocketType::REQ | SocketType::DEALER | SocketType::ROUTER
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_names_round_trip() {
        for (i, t) in ALL.iter().enumerate() {
            assert_eq!(t.to_raw(), i as i32);
            assert_eq!(SocketType::from_raw(i as i32), Some(*t));
            assert_eq!(SocketType::from_name(t.name().as_bytes()), Some(*t));
        }
        assert_eq!(SocketType::from_raw(21), None);
        assert_eq!(SocketType::from_raw(-1), None);
        assert_eq!(SocketType::from_name(b"dealer"), None);
    }

    #[test]
    fn compatibility_is_symmetric() {
        for a in ALL {
            for b in ALL {
                assert_eq!(
                    a.is_compatible_with(b),
                    b.is_compatible_with(a),
                    "{a:?} {b:?}"
                );
            }
        }
        assert!(SocketType::REQ.is_compatible_with(SocketType::ROUTER));
        assert!(!SocketType::REQ.is_compatible_with(SocketType::REQ));
        assert!(!SocketType::PUSH.is_compatible_with(SocketType::PUSH));
    }
}
