//! The async API under each executor (tokio multi-thread and current-thread, smol,
//! `futures::executor`): the patterns, streams and sinks, tasks moving between threads, and
//! cancellation.

#[macro_use]
#[path = "../async_support/mod.rs"]
mod async_support;

mod cancel;
mod patterns;
mod streams;
mod tasks;
