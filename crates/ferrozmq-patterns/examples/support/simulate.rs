//! The problems the guide's Pirate servers and workers simulate (a crash, a CPU overload),
//! at random after a few cycles as in the guide, or at a chosen cycle for the smoke tests.
//! Included by `lpserver` and `ppworker` with `#[path]`.

/// Which problems to simulate.
#[derive(Clone, Copy)]
pub enum Simulate {
    /// After three cycles, a crash or an overload now and then (the guide's behaviour).
    Random,
    /// None.
    Nothing,
    /// A crash at this cycle.
    CrashAt(u64),
    /// An overload at this cycle.
    OverloadAt(u64),
}

impl Simulate {
    /// Reads `random`, `none`, `crash:N` or `overload:N`.
    pub fn parse(what: &str) -> Result<Simulate, String> {
        let cycle = |n: &str| n.parse().map_err(|_| format!("bad cycle {n:?}"));
        match what.split_once(':') {
            None if what == "random" => Ok(Simulate::Random),
            None if what == "none" => Ok(Simulate::Nothing),
            Some(("crash", n)) => Ok(Simulate::CrashAt(cycle(n)?)),
            Some(("overload", n)) => Ok(Simulate::OverloadAt(cycle(n)?)),
            _ => Err(format!(
                "bad --simulate {what:?}: random, none, crash:N or overload:N"
            )),
        }
    }

    /// Whether cycle `cycles` crashes, and whether it overloads; at random one in `odds`.
    pub fn at(self, cycles: u64, odds: u64) -> (bool, bool) {
        match self {
            Simulate::Random => (
                cycles > 3 && randof(odds) == 0,
                cycles > 3 && randof(odds) == 0,
            ),
            Simulate::Nothing => (false, false),
            Simulate::CrashAt(n) => (cycles == n, false),
            Simulate::OverloadAt(n) => (false, cycles == n),
        }
    }
}

/// A random number in `0..n` (zhelpers' `randof`), from std's randomly keyed hasher.
pub fn randof(n: u64) -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos()),
    );
    hasher.finish() % n.max(1)
}
