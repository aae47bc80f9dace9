//! The draft API's constants, by libzmq 4.3's names and values. The string ones
//! (`ZMQ_MSG_PROPERTY_*`) and `ZMQ_HAVE_POLLER` are in cbindgen.toml's trailer: cbindgen
//! writes no string constants.

#![allow(missing_docs)]

use std::ffi::c_int;

// Draft socket types.
pub const ZMQ_SERVER: c_int = 12;
pub const ZMQ_CLIENT: c_int = 13;
pub const ZMQ_RADIO: c_int = 14;
pub const ZMQ_DISH: c_int = 15;
pub const ZMQ_GATHER: c_int = 16;
pub const ZMQ_SCATTER: c_int = 17;
pub const ZMQ_DGRAM: c_int = 18;
pub const ZMQ_PEER: c_int = 19;
pub const ZMQ_CHANNEL: c_int = 20;

// Draft socket options.
pub const ZMQ_ZAP_ENFORCE_DOMAIN: c_int = 93;
pub const ZMQ_LOOPBACK_FASTPATH: c_int = 94;
pub const ZMQ_METADATA: c_int = 95;
pub const ZMQ_MULTICAST_LOOP: c_int = 96;
pub const ZMQ_ROUTER_NOTIFY: c_int = 97;
pub const ZMQ_XPUB_MANUAL_LAST_VALUE: c_int = 98;
pub const ZMQ_SOCKS_USERNAME: c_int = 99;
pub const ZMQ_SOCKS_PASSWORD: c_int = 100;
pub const ZMQ_IN_BATCH_SIZE: c_int = 101;
pub const ZMQ_OUT_BATCH_SIZE: c_int = 102;
pub const ZMQ_WSS_KEY_PEM: c_int = 103;
pub const ZMQ_WSS_CERT_PEM: c_int = 104;
pub const ZMQ_WSS_TRUST_PEM: c_int = 105;
pub const ZMQ_WSS_HOSTNAME: c_int = 106;
pub const ZMQ_WSS_TRUST_SYSTEM: c_int = 107;
pub const ZMQ_ONLY_FIRST_SUBSCRIBE: c_int = 108;
pub const ZMQ_RECONNECT_STOP: c_int = 109;
pub const ZMQ_HELLO_MSG: c_int = 110;
pub const ZMQ_DISCONNECT_MSG: c_int = 111;
pub const ZMQ_PRIORITY: c_int = 112;

// ZMQ_RECONNECT_STOP's flags.
pub const ZMQ_RECONNECT_STOP_CONN_REFUSED: c_int = 0x1;
pub const ZMQ_RECONNECT_STOP_HANDSHAKE_FAILED: c_int = 0x2;
pub const ZMQ_RECONNECT_STOP_AFTER_DISCONNECT: c_int = 0x3;

// Draft context option.
pub const ZMQ_ZERO_COPY_RECV: c_int = 10;

// ZMQ_ROUTER_NOTIFY's flags.
pub const ZMQ_NOTIFY_CONNECT: c_int = 1;
pub const ZMQ_NOTIFY_DISCONNECT: c_int = 2;

// Draft monitor events and event versions.
pub const ZMQ_EVENT_PIPES_STATS: c_int = 0x10000;
pub const ZMQ_CURRENT_EVENT_VERSION: c_int = 1;
pub const ZMQ_CURRENT_EVENT_VERSION_DRAFT: c_int = 2;
// ZMQ_EVENT_ALL by value: cbindgen writes no constant defined by another module's.
pub const ZMQ_EVENT_ALL_V1: c_int = 0xFFFF;
pub const ZMQ_EVENT_ALL_V2: c_int = ZMQ_EVENT_ALL_V1 | ZMQ_EVENT_PIPES_STATS;
