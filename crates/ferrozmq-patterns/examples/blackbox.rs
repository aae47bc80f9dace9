//! The Black Box pattern's high-speed subscriber (zguide chapter 5, a sketch in the guide):
//! one thread reads a SUB socket and does nothing else, handing each message over an
//! inproc PUSH/PULL pipeline to worker threads that do the work (here: count it).
//!
//! ```text
//! cargo run -p ferrozmq-patterns --example blackbox [ENDPOINT] [--workers N] [--count N]
//! ```
//!
//! Subscribes to everything at `tcp://localhost:5556` (`pathopub`'s port) unless told
//! another endpoint, with 2 workers unless told otherwise. On Ctrl-C, or after `--count N`
//! messages, prints "worker K: M messages" for each worker and "N messages in"; what the
//! workers had not taken yet when the context ended is not counted.

#[path = "support/interrupted_recv.rs"]
mod interrupted_recv;

use ferrozmq::{Context, Error, Multipart, PULL, PUSH, SUB};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut endpoint = "tcp://localhost:5556".to_string();
    let mut workers = 2;
    let mut count = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--workers" => workers = args.next().ok_or("--workers needs a number")?.parse()?,
            "--count" => count = Some(args.next().ok_or("--count needs a number")?.parse()?),
            _ => endpoint = arg,
        }
    }
    let ctx = Context::new();
    let pipeline = ctx.socket(PUSH)?;
    pipeline.bind("inproc://blackbox-workers")?;
    let threads: Vec<_> = (0..workers)
        .map(|_| {
            let ctx = ctx.clone();
            std::thread::spawn(move || -> ferrozmq::Result<u64> {
                let work = ctx.socket(PULL)?;
                work.connect("inproc://blackbox-workers")?;
                let mut done = 0;
                loop {
                    match Multipart::recv(&work) {
                        Ok(_) => done += 1,
                        Err(Error::EINTR) => {}
                        Err(Error::ETERM) => return Ok(done),
                        Err(e) => return Err(e),
                    }
                }
            })
        })
        .collect();

    let subscriber = ctx.socket(SUB)?;
    subscriber.set_subscribe(b"")?;
    subscriber.connect(&endpoint)?;
    let mut received = 0u64;
    while count.is_none_or(|count| received < count)
        && interrupted_recv::wait_readable(&subscriber)?
    {
        match Multipart::recv(&subscriber)?.send(&pipeline) {
            Ok(()) => received += 1,
            Err(Error::EINTR) => {}
            Err(e) => return Err(e.into()),
        }
    }
    drop(subscriber);
    drop(pipeline);
    ctx.shutdown()?;
    for (k, thread) in threads.into_iter().enumerate() {
        let done = thread.join().map_err(|_| "a worker panicked")??;
        println!("worker {k}: {done} messages");
    }
    println!("{received} messages in");
    Ok(())
}
