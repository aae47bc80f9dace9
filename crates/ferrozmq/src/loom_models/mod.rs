//! Loom models of the lock-free code: the SPSC queue under every pipe direction
//! (`spsc_queue.rs`) and the pipe's sleep/wake protocol (`pipe_wakeups.rs`), run on the real
//! `spsc.rs` and `pipe.rs` through the `sync` shim. loom runs each model body under every
//! interleaving of its threads (up to a bound on preemptions) and lets loads return older
//! stores where the memory model allows it (SeqCst fences included; SeqCst loads and stores
//! it treats as AcqRel, which can only add false alarms): a slot read that no
//! release/acquire pair orders after its write is reported as a causality violation, and a
//! lost wake-up as a deadlock.
//!
//! Compiled only with `--cfg ferrozmq_loom` (not the usual bare `loom`: under that, smol's
//! `concurrent-queue`, a dev-dependency, switches to loom too and fails to build without its
//! optional `loom` dependency). `scripts/test.sh` runs them:
//! `RUSTFLAGS="--cfg ferrozmq_loom --cfg poly1305_force_soft" LOOM_MAX_PREEMPTIONS=3
//! cargo test -p ferrozmq --release --lib loom_models` in `target/loom`.

mod pipe_wakeups;
mod spsc_queue;

/// Runs `body` under loom, bounded to 3 preemptions unless `LOOM_MAX_PREEMPTIONS` says
/// otherwise (3 takes about half a minute for all models in release mode; unbounded, the
/// number of interleavings explodes).
fn model<F: Fn() + Sync + Send + 'static>(body: F) {
    let mut builder = loom::model::Builder::new();
    if builder.preemption_bound.is_none() {
        builder.preemption_bound = Some(3);
    }
    builder.check(body);
}
