//! libzmq 4.3's draft API (`ZMQ_BUILD_DRAFT_API` in zmq.h): the draft socket types and
//! options, routing ids and groups on messages, `zmq_join`/`zmq_leave`, `zmq_connect_peer`,
//! the versioned monitor, the `zmq_poller_*` set and the `zmq_timers_*` set. Built with the default `draft` feature;
//! zmq.h declares it only for C code that defines `ZMQ_BUILD_DRAFT_API`, as libzmq's does.

pub mod constants;
mod context;
mod message;
mod poller;
mod socket;
mod timers;
