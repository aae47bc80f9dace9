//! Pathological subscriber (zguide chapter 5): subscribes to one random topic of
//! `pathopub`'s thousand and prints the data of every message on it.
//!
//! ```text
//! cargo run -p ferrozmq-patterns --example pathosub [ENDPOINT] [--topic NNN]
//! ```
//!
//! Connects to `tcp://localhost:5556` unless told another endpoint. `--topic` picks the
//! topic instead of chance (for tests). Runs until Ctrl-C.

#[path = "support/interrupted_recv.rs"]
mod interrupted_recv;
#[path = "support/randof.rs"]
mod randof;

use ferrozmq::{Context, Multipart, SUB};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut endpoint = "tcp://localhost:5556".to_string();
    let mut subscription = format!("{:03}", randof::randof(1000));
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--topic" => subscription = args.next().ok_or("--topic needs a topic")?,
            _ => endpoint = arg,
        }
    }
    let ctx = Context::new();
    let subscriber = ctx.socket(SUB)?;
    subscriber.connect(&endpoint)?;
    subscriber.set_subscribe(subscription.as_bytes())?;

    while interrupted_recv::wait_readable(&subscriber)? {
        let mut message = Multipart::recv(&subscriber)?;
        let topic = message.pop_str().unwrap_or_default();
        let data = message.pop_str().unwrap_or_default();
        if topic != subscription {
            eprintln!("E: message on topic {topic:?}, not {subscription:?}");
        }
        println!("{data}");
    }
    Ok(())
}
