//! `randof(n)` of the guide's `zhelpers.h`: a random number below `n`, for the Clone
//! examples' random keys, values and TTLs. Included with `#[path]`.

/// A random number in `0..n` (0 when `n` is 0), drawn from a fresh UUID.
pub fn randof(n: u64) -> u64 {
    let uuid = ferrozmq::Uuid::new();
    let mut bytes = [0u8; 8];
    bytes.copy_from_slice(&uuid.as_bytes()[..8]);
    u64::from_le_bytes(bytes) % n.max(1)
}
