//! Fuzz target `filemq`: FILEMQ commands (ferrozmq-filemq's codec), checked against
//! re-encoding. The check lives in `fuzz/checks/filemq.rs`, shared with ferrozmq-filemq's
//! stable corpus replay test.

#![no_main]

use libfuzzer_sys::fuzz_target;

include!("../checks/filemq.rs");

fuzz_target!(|data: &[u8]| filemq_check(data));
