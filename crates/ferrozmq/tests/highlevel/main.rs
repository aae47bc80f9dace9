//! The high-level layer (CZMQ's pieces): the reactor (zloop), actors (zactor), beacons
//! (zbeacon) and ZPL configuration (zconfig), with interop against CZMQ's own. Ctrl-C handling has a binary of its own (`reactor_interrupt.rs`): the interrupt
//! flag is process-wide. Every beacon test runs in a loopback-only network namespace of its
//! own (`beacon_support`).

mod beacon_support;
mod czmq_support;
#[path = "../common/netns.rs"]
mod netns;

mod actor;
mod beacon;
mod reactor;
mod zconfig;
