//! Fuzz target `curve_server`: a CURVE server engine fed a client's bytes after the greeting, or traffic after a real handshake (byte 0 picks which and the ZAP answer, byte 1 seeds the chunking).
//! The logic lives in `ferrozmq_zmtp::fuzzing`, shared with the stable corpus replay test.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| ferrozmq_zmtp::fuzzing::curve_server(data));
