//! The socket API that the shared perf tools (`patterns`, whose source lives
//! in `crates/ferrozmq-cli/src/patterns/`) are written against, mapped onto
//! the `zmq` crate, i.e. real libzmq 4.3.4. `ferrozmq-cli` has an `api.rs`
//! with the same names mapped onto ferrozmq.

pub use zmq::{
    Context, Error, Message, Socket, DEALER, PULL, PUSH, REP, REQ, ROUTER, SNDMORE, SUB, XPUB,
};

/// `zmq_proxy_steerable` without capture socket; returns once the proxy got
/// `TERMINATE` on `control`.
pub fn proxy_steerable(
    frontend: &mut Socket,
    backend: &mut Socket,
    control: &mut Socket,
) -> Result<(), Error> {
    zmq::proxy_steerable(frontend, backend, control)
}
