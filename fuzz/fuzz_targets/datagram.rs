//! Fuzz target `datagram`: RADIO/DISH udp datagrams (group length, group, body), checked
//! against re-encoding.
//! The logic lives in `ferrozmq_zmtp::fuzzing`, shared with the stable corpus replay test.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| ferrozmq_zmtp::fuzzing::datagram(data));
