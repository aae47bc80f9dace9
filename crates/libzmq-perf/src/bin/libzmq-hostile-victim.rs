//! `libzmq-hostile-victim`: the attacked side of `bench/hostile.sh`, on libzmq 4.3.4 through
//! the `zmq` crate (the same source as ferrozmq's `hostile-victim`; see
//! `crates/ferrozmq-cli/src/hostile/victim.rs`).

/// The names `victim.rs` uses, from the `zmq` crate.
mod api {
    pub use zmq::{Context, Error, DONTWAIT, PUB, PULL};
}

#[path = "../../../ferrozmq-cli/src/hostile/victim.rs"]
mod victim;

fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match victim::run(&args) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("libzmq-hostile-victim: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
