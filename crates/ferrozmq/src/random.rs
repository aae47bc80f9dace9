//! Unpredictable starting points for counters that peers see (generated routing ids, REQ
//! request ids), as libzmq's `generate_random`. std's hasher keys are seeded from the OS, which
//! is all the randomness these need.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};

/// A random 32-bit number.
pub(crate) fn u32() -> u32 {
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default(),
    );
    hasher.finish() as u32
}
