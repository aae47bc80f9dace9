//! `hostile-victim`: the attacked side of `bench/hostile.sh`, on ferrozmq (the same source as
//! `libzmq-hostile-victim`, which runs it on libzmq; see `src/hostile/victim.rs`).

/// The names `victim.rs` uses, from ferrozmq.
mod api {
    pub use ferrozmq::{Context, Error, DONTWAIT, PUB, PULL};
}

#[path = "../hostile/victim.rs"]
mod victim;

fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match victim::run(&args) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("hostile-victim: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
