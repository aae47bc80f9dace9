//! The Clone examples' random update: a key below 10,000 set to a value below 1,000,000, as
//! the guide's servers and clients make them. Included with `#[path]`.

#[path = "randof.rs"]
pub mod randof;

use ferrozmq_patterns::kvmsg::KvMsg;

/// A random update of a key under `subtree`, with `sequence`.
pub fn random_update(sequence: u64, subtree: &str) -> KvMsg {
    let key = format!("{subtree}{}", randof::randof(10_000));
    KvMsg::new(sequence, key, randof::randof(1_000_000).to_string())
}
