//! Fuzz target `frame_decoder`: ZMTP 3.x/2.0 and ZMTP/1.0 frame header decoding,
//! checked against re-encoding.
//! The logic lives in `ferrozmq_zmtp::fuzzing`, shared with the stable corpus replay test.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| ferrozmq_zmtp::fuzzing::frame_decoder(data));
