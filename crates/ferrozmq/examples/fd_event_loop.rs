//! Waiting on a ferrozmq socket from someone else's event loop, through `get_fd` (ZMQ_FD) and
//! `get_events` (ZMQ_EVENTS) — here mio's, alongside a plain timer.
//!
//! The contract is libzmq's: the fd is edge-triggered and "readable" only means "look again".
//! When it fires, ask `get_events()` and receive with `DONTWAIT` until `EAGAIN`; check
//! `get_events()` again after every send and receive, because they may change readiness
//! without a new edge.
//!
//! Run: `cargo run -p ferrozmq --example fd_event_loop [message-count]`

use ferrozmq::{Context, Error, DONTWAIT, POLLIN, PULL, PUSH};
use mio::unix::SourceFd;
use mio::{Events, Interest, Poll, Token};
use std::time::Duration;

const SOCKET: Token = Token(0);

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let count: usize = std::env::args()
        .nth(1)
        .map(|n| n.parse())
        .transpose()?
        .unwrap_or(10);

    let ctx = Context::new();
    let pull = ctx.socket(PULL)?;
    pull.bind("tcp://127.0.0.1:*")?;
    let endpoint = pull.get_last_endpoint()?.unwrap_or_default();

    // A producer in another thread, sending at its own pace.
    let producer = {
        let ctx = ctx.clone();
        std::thread::spawn(move || -> Result<(), Error> {
            let push = ctx.socket(PUSH)?;
            push.connect(&endpoint)?;
            for i in 0..count {
                push.send(format!("message {i}").as_str(), 0)?;
                std::thread::sleep(Duration::from_millis(10));
            }
            Ok(())
        })
    };

    let mut poll = Poll::new()?;
    let fd = pull.get_fd()?;
    poll.registry()
        .register(&mut SourceFd(&fd), SOCKET, Interest::READABLE)?;
    let mut events = Events::with_capacity(8);
    let mut received = 0;
    while received < count {
        // The timeout stands for the loop's other work (timers, other sources).
        poll.poll(&mut events, Some(Duration::from_millis(500)))?;
        if events.is_empty() {
            println!("(tick: nothing for half a second)");
        }
        // Whatever woke us, drain the socket while it says it has input.
        while pull.get_events()?.contains(POLLIN) {
            match pull.recv_string(DONTWAIT) {
                Ok(Ok(text)) => {
                    println!("received {text}");
                    received += 1;
                }
                Ok(Err(bytes)) => println!("received {} binary bytes", bytes.len()),
                Err(Error::EAGAIN) => break,
                Err(e) => return Err(e.into()),
            }
        }
    }
    producer.join().map_err(|_| "producer panicked")??;
    println!("done: {received} messages through mio");
    Ok(())
}
