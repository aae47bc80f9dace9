//! Robustness: hostile raw-TCP peers (`hostile`), hand-written ZMTP 3.0/3.1 pub-sub peers
//! (`mock_pubsub`), ZMTP 2.0/1.0 peers (`old_peers`) and the fuzz seed corpus replayed on
//! stable (`fuzz_corpus`).
//!
//! Every test here runs alone ([`alone`]): the hostile-peer tests count the panics and the
//! open fds of the whole process, which a test running beside them would disturb.

#[path = "../common/mod.rs"]
mod common;

mod fuzz_corpus;
mod hostile;
mod mock_draft;
mod mock_pubsub;
mod old_peers;

use std::sync::{Mutex, MutexGuard};

/// Held by every test of this binary for its whole run, so that none runs beside another.
fn alone() -> MutexGuard<'static, ()> {
    static ALONE: Mutex<()> = Mutex::new(());
    ALONE
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// [`common::bounded`], alone (see [`alone`]).
fn bounded<F: FnOnce() + Send + 'static>(body: F) {
    let _alone = alone();
    common::bounded(body);
}
