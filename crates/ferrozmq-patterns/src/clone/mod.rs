//! The Clone pattern (the guide's chapter 5, CHP: ZeroMQ RFC 12): a key-value store
//! replicated from a server to many clients over pub-sub, with snapshots for late joiners,
//! sequenced updates, client updates, subtrees, heartbeats and TTLs.
//!
//! * [`protocol`]: the CHP commands (ICANHAZ?, KVSYNC, KTHXBAI, KVPUB, KVSET, HUGZ) and the
//!   ports (snapshot ROUTER at P, publisher PUB at P+1, collector at P+2).
//! * [`state`]: the server's store without sockets or clocks: it sequences client updates,
//!   answers snapshots and expires TTLs, so a highly available pair (model 6, Binary Star)
//!   can drive two of them and keep its pending list beside them.
//! * [`replica`]: a client's copy without sockets: snapshot, then updates newer than it.
//! * [`server`]: a Clone server (models 3-5) on those parts: `clonesrv3/4/5`.
//! * [`pending`]: the passive server's list of client updates its active peer has not
//!   published yet, matched by UUID (model 6).
//! * [`pair`]: a highly available pair of servers on Binary Star (model 6: `clonesrv6`).
//! * [`client`]: the guide's multithreaded `clone` API, an actor that syncs with one of up
//!   to two servers and fails over to the other when the first goes silent.

pub mod client;
pub mod pair;
pub mod pending;
pub mod protocol;
pub mod replica;
pub mod server;
pub mod state;
