//! Fuzz target `zws`: a WebSocket peer's bytes (ZWS 2.0), optionally after its HTTP upgrade
//! request, through `ferrozmq_zmtp::zws`; whole and chunked decoding must agree.
//! The logic lives in `ferrozmq_zmtp::fuzzing`, shared with the stable corpus replay test.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| ferrozmq_zmtp::fuzzing::zws(data));
