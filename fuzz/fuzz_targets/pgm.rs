//! Fuzz target `pgm`: PGM packets (ferrozmq-pgm's parser), checked against re-encoding and
//! fed to a receiver and a source. The check lives in `fuzz/checks/pgm.rs`, shared with
//! ferrozmq-pgm's stable corpus replay test.

#![no_main]

use libfuzzer_sys::fuzz_target;

include!("../checks/pgm.rs");

fuzz_target!(|data: &[u8]| pgm_check(data));
