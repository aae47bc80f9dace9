//! The perf tools beyond libzmq's four tcp ones, written once and compiled
//! into both binaries: into `ferrozmq` against ferrozmq, and into
//! `libzmq-perf` (which includes this directory with `#[path]`) against the
//! `zmq` crate, i.e. real libzmq. Both therefore take the same arguments, make
//! the same socket calls and print the same lines, and either end of a pair
//! can be swapped for the other library's.
//!
//! - [`args`]: the subcommands' names, help texts and arguments;
//! - [`inproc`]: `inproc-thr` and `inproc-lat`, libzmq's `perf/inproc_thr.cpp`
//!   and `perf/inproc_lat.cpp` (two threads of one process);
//! - [`routing`]: ROUTER/DEALER throughput and latency pairs;
//! - [`pubsub`]: PUB/SUB fan-out to S subscribers and topic filtering among
//!   10,000 subscriptions;
//! - [`proxy`]: throughput through a ROUTER|proxy|DEALER (one process).
//!
//! Conventions, as libzmq's tools: in a pair `local-*` binds and `remote-*`
//! connects (`pub-*` binds, `sub-*` connects); the side that prints is the
//! receiver of a throughput pair and the requester of a latency pair (except
//! `pub-topics miss`, which measures the publisher); the result lines are
//! `local_thr`'s or `remote_lat`'s. Errors read `error in zmq_…: <strerror>`.
//!
//! This code may only use `crate::api`, `crate::report` and std, which both
//! binaries provide.

mod args;
mod inproc;
mod proxy;
mod pubsub;
mod routing;

pub use args::{parse_int, Params, Tool, Topics};

use std::fmt;
use std::thread::{self, JoinHandle};
use std::time::Instant;

use crate::api;

/// Runs `tool` with `params`, printing its report (if it has one) on stdout.
pub fn run(tool: Tool, params: &Params) -> Result<(), PerfError> {
    match tool {
        Tool::InprocThr => inproc::thr(params),
        Tool::InprocLat => inproc::lat(params),
        Tool::LocalRouterThr => routing::local_router_thr(params),
        Tool::RemoteDealerThr => routing::remote_dealer_thr(params),
        Tool::LocalDealerThr => routing::local_dealer_thr(params),
        Tool::RemoteRouterThr => routing::remote_router_thr(params),
        Tool::LocalRouterLat => routing::local_router_lat(params),
        Tool::RemoteDealerLat => routing::remote_dealer_lat(params),
        Tool::PubThr => pubsub::pub_thr(params),
        Tool::SubThr => pubsub::sub_thr(params),
        Tool::PubTopics => pubsub::pub_topics(params),
        Tool::SubTopics => pubsub::sub_topics(params),
        Tool::ProxyThr => proxy::thr(params),
    }
}

/// A runtime failure, displayed as libzmq's perf tools print theirs.
#[derive(Debug)]
pub enum PerfError {
    /// A call failed: `error in <libzmq call name>: <strerror>`.
    Call(&'static str, api::Error),
    /// A message of another size than `<message-size>` arrived.
    WrongSize,
    /// A message of an unexpected shape (frames, envelope, routing id).
    Unexpected(String),
    /// A helper thread could not be started.
    Spawn(std::io::Error),
    /// A helper thread panicked.
    Panicked,
}

impl fmt::Display for PerfError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PerfError::Call(call, e) => write!(f, "error in {call}: {e}"),
            PerfError::WrongSize => f.write_str("message of incorrect size received"),
            PerfError::Unexpected(what) => write!(f, "unexpected message: {what}"),
            PerfError::Spawn(e) => write!(f, "error in pthread_create: {e}"),
            PerfError::Panicked => f.write_str("error in pthread_join: a thread panicked"),
        }
    }
}

impl std::error::Error for PerfError {}

/// Names a failed call after the libzmq function the C tools call there.
trait Call<T> {
    fn call(self, name: &'static str) -> Result<T, PerfError>;
}

impl<T> Call<T> for Result<T, api::Error> {
    fn call(self, name: &'static str) -> Result<T, PerfError> {
        self.map_err(|e| PerfError::Call(name, e))
    }
}

/// Checks a received frame's size against `<message-size>`.
fn check_size(msg: &api::Message, size: usize) -> Result<(), PerfError> {
    if msg.len() == size {
        Ok(())
    } else {
        Err(PerfError::WrongSize)
    }
}

/// Checks that a received frame is (`more`) or is not the last of its message.
fn check_more(msg: &api::Message, more: bool, what: &str) -> Result<(), PerfError> {
    if msg.get_more() == more {
        Ok(())
    } else if more {
        Err(PerfError::Unexpected(format!(
            "{what} without a frame after it"
        )))
    } else {
        Err(PerfError::Unexpected(format!(
            "{what} followed by more frames"
        )))
    }
}

/// Microseconds since `start`, as `zmq_stopwatch_stop` counts them.
fn micros_since(start: Instant) -> u64 {
    u64::try_from(start.elapsed().as_micros()).unwrap_or(u64::MAX)
}

/// Starts a helper thread. As in libzmq's perf tools, whose worker threads
/// print their error and `exit (1)`, a helper that fails ends the process
/// with status 1: the main thread may be blocked waiting for its messages.
fn spawn<T, F>(name: &str, work: F) -> Result<JoinHandle<T>, PerfError>
where
    T: Send + 'static,
    F: FnOnce() -> Result<T, PerfError> + Send + 'static,
{
    thread::Builder::new()
        .name(name.to_string())
        .spawn(move || match work() {
            Ok(value) => value,
            Err(e) => {
                eprintln!("{e}");
                std::process::exit(1)
            }
        })
        .map_err(PerfError::Spawn)
}

/// Waits for a helper thread started with [`spawn`].
fn join<T>(handle: JoinHandle<T>) -> Result<T, PerfError> {
    handle.join().map_err(|_| PerfError::Panicked)
}
