//! Fuzz target `zre`: ZRE beacons and messages, ZGOSSIP messages and ZRE log records
//! (ferrozmq-zyre's codecs), checked against re-encoding. The check lives in
//! `fuzz/checks/zre.rs`, shared with ferrozmq-zyre's stable corpus replay test.

#![no_main]

use libfuzzer_sys::fuzz_target;

include!("../checks/zre.rs");

fuzz_target!(|data: &[u8]| zre_check(data));
