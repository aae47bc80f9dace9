//! Titanic (zguide chapter 4, "Disconnected Reliability (Titanic Pattern)"): the
//! `titanic.request`, `titanic.reply` and `titanic.close` services of RFC 9 on a Majordomo
//! broker, with every request stored on disk before it is acknowledged
//! ([`ferrozmq_patterns::titanic`]).
//!
//! ```text
//! cargo run -p ferrozmq-patterns --example titanic [-v] [BROKER] [--dir DIR] [--no-fsync] [--retry MS]
//! ```
//!
//! Connects to `tcp://localhost:5555` and keeps its files in `.titanic` unless told
//! otherwise; retries pending requests every second (`--retry MS`).

use ferrozmq::Context;
use ferrozmq_patterns::titanic::store::Fsync;
use ferrozmq_patterns::titanic::{Titanic, TitanicConfig};
use std::time::Duration;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut config = TitanicConfig::default();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "-v" => config.verbose = true,
            "--dir" => config.directory = args.next().ok_or("--dir needs a directory")?.into(),
            "--no-fsync" => config.fsync = Fsync::Never,
            "--retry" => {
                let ms = args.next().ok_or("--retry needs milliseconds")?.parse()?;
                config.retry_interval = Duration::from_millis(ms);
            }
            _ => config.broker = arg,
        }
    }
    let ctx = Context::new();
    Titanic::new(&ctx, config)?.run()?;
    Ok(())
}
