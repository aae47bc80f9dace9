//! [`Randomness`]: where an engine draws its random bytes (CURVE's transient keys, cookie keys
//! and long nonces). It comes in through [`EngineConfig::random`](crate::EngineConfig::random),
//! so the crate reads no generator of its own choosing: the operating system's by default,
//! a deterministic one under test, where the same inputs then give the same bytes.

use crypto_box::aead::rand_core::RngCore;
use crypto_box::aead::OsRng;

/// A source of random bytes: a function that fills a buffer.
#[derive(Clone, Copy)]
pub struct Randomness(fn(&mut [u8]));

impl Randomness {
    /// The operating system's generator (`getrandom`), the default.
    pub const OS: Randomness = Randomness(os_fill);

    /// A source that fills buffers with `fill` — e.g. a deterministic generator in tests.
    pub const fn from_fn(fill: fn(&mut [u8])) -> Randomness {
        Randomness(fill)
    }

    /// `N` bytes from the source.
    pub(crate) fn bytes<const N: usize>(&self) -> [u8; N] {
        let mut bytes = [0u8; N];
        (self.0)(&mut bytes);
        bytes
    }
}

impl Default for Randomness {
    fn default() -> Randomness {
        Randomness::OS
    }
}

impl PartialEq for Randomness {
    /// The same function (by address).
    fn eq(&self, other: &Randomness) -> bool {
        self.0 as usize == other.0 as usize
    }
}

impl Eq for Randomness {}

impl std::fmt::Debug for Randomness {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if *self == Randomness::OS {
            "Randomness::OS"
        } else {
            "Randomness::from_fn(..)"
        })
    }
}

/// Fills `buf` from the operating system (what libsodium's `randombytes` does for libzmq).
fn os_fill(buf: &mut [u8]) {
    OsRng.fill_bytes(buf);
}
