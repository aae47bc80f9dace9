//! Fuzz target `greeting`: a fresh engine fed arbitrary bytes in arbitrary chunks (byte 0
//! configures it, byte 1 seeds the chunking); whole and chunked runs must agree.
//! The logic lives in `ferrozmq_zmtp::fuzzing`, shared with the stable corpus replay test.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| ferrozmq_zmtp::fuzzing::greeting(data));
