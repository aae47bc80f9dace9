//! Unpredictable starting points for counters that peers see (generated routing ids, REQ
//! request ids) and reconnect jitter, as libzmq's `generate_random`: drawn from the OS with
//! `getrandom`.

/// A random 32-bit number. Should the OS refuse randomness (it does not on Linux once booted)
/// the value is 0: none of its uses needs secrecy, only variety.
pub(crate) fn u32() -> u32 {
    let mut bytes = [0u8; 4];
    match getrandom::getrandom(&mut bytes) {
        Ok(()) => u32::from_ne_bytes(bytes),
        Err(_) => 0,
    }
}
