//! Security between ferrozmq sockets: NULL/PLAIN/CURVE end to end with ZAP, the security
//! options, the ZAP authenticator, and certificates on disk.

#[path = "../common/mod.rs"]
mod common;
#[path = "../security_support/mod.rs"]
mod security_support;

mod authenticator;
mod certificates;
mod end_to_end;
mod options;
