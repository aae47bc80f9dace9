//! PGM (Pragmatic General Multicast, RFC 3208) as OpenPGM 5.3 speaks it, sans-IO, for
//! ferrozmq's `pgm://` (PGM over IP) and `epgm://` (PGM over UDP) transports.
//!
//! * [`packet`] — the packets (SPM, ODATA, RDATA, NAK, NNAK, NCF, SPMR) and their options
//!   (OPT_LENGTH, OPT_FRAGMENT, OPT_NAK_LIST), parsed with every length checked and
//!   encoded with the checksum ([`checksum`]);
//! * [`source`] — a sender: transmit window, SPM heartbeat, NAK → NCF → RDATA, the rate limit;
//! * [`receiver`] — the receiving side: one receive window per source, in-order delivery with
//!   fragment reassembly, NAK back-off and retries, loss reports;
//! * [`config`] — sizes, rates and timers, with libzmq's values as defaults.
//!
//! No sockets, threads or clocks: the transport owns the sockets and passes packets and the
//! time in. ZeroMQ's own framing inside the APDUs (libzmq's offset header and ZMTP/1.0
//! frames) is the transport's too. Nothing here panics on network input.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod checksum;
pub mod config;
pub mod packet;
pub mod receiver;
pub mod source;

pub use config::{Config, Destination, Transmit};
pub use packet::{Packet, PacketError, Tsi};
pub use receiver::{Event, Receiver};
pub use source::Source;
