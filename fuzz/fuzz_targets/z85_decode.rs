//! Fuzz target `z85_decode`: Z85 text decoding (ferrozmq's `z85_decode`), checked against
//! re-encoding. The check lives in `fuzz/checks/z85.rs`, shared with ferrozmq's stable corpus
//! replay test.

#![no_main]

use libfuzzer_sys::fuzz_target;

include!("../checks/z85.rs");

fuzz_target!(|data: &[u8]| z85_decode_check(data));
