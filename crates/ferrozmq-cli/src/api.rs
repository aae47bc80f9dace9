//! The socket API that the shared perf tools in [`crate::patterns`] are
//! written against, mapped onto ferrozmq. `libzmq-perf` has an `api.rs` with
//! the same names mapped onto the `zmq` crate (real libzmq), so the same
//! source drives either library. The two APIs are alike by design; only
//! what differs between them is wrapped here.

pub use ferrozmq::{
    Context, Error, Message, Socket, DEALER, PULL, PUSH, REP, REQ, ROUTER, SNDMORE, SUB, XPUB,
};

/// `zmq_proxy_steerable` without capture socket; returns once the proxy got
/// `TERMINATE` on `control`. Takes `&mut` because the `zmq` crate does.
pub fn proxy_steerable(
    frontend: &mut Socket,
    backend: &mut Socket,
    control: &mut Socket,
) -> Result<(), Error> {
    ferrozmq::proxy_steerable(frontend, backend, control).map(|_stats| ())
}
