//! The ZeroMQ guide's reliability patterns (chapters 4 and 5) as a library on [`ferrozmq`]: a
//! working broker, worker, server pair or client in a few lines.
//!
//! * [`pirate`]: Lazy, Simple and Paranoid Pirate (RFC 6 PPP).
//! * [`mdp`]: Majordomo (RFC 7 MDP/0.1 and RFC 18 MDP/0.2) — [`mdp::broker::Broker`],
//!   [`mdp::worker::Worker`], [`mdp::client::Client`] (timeout and retries) and
//!   [`mdp::async_client::AsyncClient`].
//! * [`mmi`]: the Majordomo Management Interface (RFC 8) the broker answers itself.
//! * [`titanic`]: disk-backed requests through Majordomo (RFC 9).
//! * [`bstar`]: Binary Star, a primary/backup server pair that fails over without split brain.
//! * [`freelance`]: brokerless reliability, Freelance models 1-3 (the `flcliapi` agent).
//! * [`kvmsg`] and [`clone`]: the Clone pattern (RFC 12 CHP), a key-value store replicated
//!   over pub-sub with snapshots, sequencing, subtrees and TTLs (models 1-5).
//!
//! The guide's programs built on these are this crate's examples, under the guide's names,
//! endpoints, arguments and printed lines (`mdbroker`, `mdworker`, `mdclient`, …).

pub mod bstar;
pub mod clone;
pub mod freelance;
pub mod kvmsg;
pub mod mdp;
pub mod mmi;
pub mod pirate;
pub mod titanic;
