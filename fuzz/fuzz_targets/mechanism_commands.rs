//! Fuzz target `mechanism_commands`: every PLAIN and CURVE command parser on the same bytes.
//! The logic lives in `ferrozmq_zmtp::fuzzing`, shared with the stable corpus replay test.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| ferrozmq_zmtp::fuzzing::mechanism_commands(data));
