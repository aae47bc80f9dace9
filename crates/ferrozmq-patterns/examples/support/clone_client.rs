//! The body of `clonecli3`, `clonecli4` and `clonecli5`: get a snapshot from the server on
//! the guide's ports (5556), apply its updates (5557), and send a random update each second
//! (5558), until Ctrl-C. Included with `#[path]`.

#[path = "random_update.rs"]
mod random_update;

use ferrozmq::{Context, Error, Socket, DEALER, POLLIN, PUSH, SUB};
use ferrozmq_patterns::clone::protocol::{icanhaz, Form, ICANHAZ};
use ferrozmq_patterns::clone::replica::Replica;
use ferrozmq_patterns::kvmsg::{KvMsg, RecvError};
use random_update::randof::randof;
use std::time::{Duration, Instant};

/// What differs between the three models.
pub struct Model {
    /// The kvmsg form (models 3 and 4: simple; model 5: full).
    pub form: Form,
    /// The subtree to ask for (models 4 and 5: `/client/`; model 3 sends none).
    pub subtree: Option<&'static str>,
    /// Whether updates get a random `ttl` property (model 5).
    pub ttl: bool,
}

/// Waits up to `wait` for `socket` to be readable; false also when a signal interrupted.
fn readable(socket: &Socket, wait: Duration) -> ferrozmq::Result<bool> {
    let millis = i64::try_from(wait.as_millis()).unwrap_or(i64::MAX);
    match socket.poll(POLLIN, millis) {
        Ok(ready) => Ok(ready > 0),
        Err(Error::EINTR) => Ok(false),
        Err(e) => Err(e),
    }
}

/// Receives one message in `form`; `None` (with a log line) for a malformed one.
fn receive(form: Form, socket: &Socket) -> ferrozmq::Result<Option<KvMsg>> {
    match form.recv(socket) {
        Ok(message) => Ok(Some(message)),
        Err(RecvError::Malformed(why)) => {
            eprintln!("E: dropped {why}");
            Ok(None)
        }
        Err(RecvError::Socket(e)) => Err(e),
    }
}

/// Runs the client of `model` until Ctrl-C.
pub fn run(model: Model) -> Result<(), Box<dyn std::error::Error>> {
    ferrozmq::interrupt::catch_interrupts()?;
    let interrupted = ferrozmq::interrupt::interrupted;
    let ctx = Context::new();
    let snapshot = ctx.socket(DEALER)?;
    snapshot.connect("tcp://localhost:5556")?;
    let subscriber = ctx.socket(SUB)?;
    subscriber.set_subscribe(model.subtree.unwrap_or("").as_bytes())?;
    subscriber.connect("tcp://localhost:5557")?;
    let publisher = ctx.socket(PUSH)?;
    publisher.connect("tcp://localhost:5558")?;

    let mut replica = Replica::new();
    replica.begin_snapshot();
    match model.subtree {
        Some(subtree) => icanhaz(subtree).send(&snapshot)?,
        None => snapshot.send(ICANHAZ, 0)?,
    }
    let tick = Duration::from_millis(100);
    while !interrupted() {
        if !readable(&snapshot, tick)? {
            continue;
        }
        let done = receive(model.form, &snapshot)?.is_some_and(|m| replica.snapshot_message(m));
        if done {
            println!("I: received snapshot={}", replica.sequence());
            break;
        }
    }
    let mut alarm = Instant::now() + Duration::from_secs(1);
    while !interrupted() {
        let wait = alarm.saturating_duration_since(Instant::now()).min(tick);
        if readable(&subscriber, wait)? {
            let update = receive(model.form, &subscriber)?;
            if update.is_some_and(|m| replica.update(m)) {
                println!("I: received update={}", replica.sequence());
            }
        }
        if Instant::now() >= alarm {
            let mut update = random_update::random_update(0, model.subtree.unwrap_or(""));
            if model.ttl {
                update.set_prop("ttl", &randof(30).to_string());
            }
            model.form.send(&update, &publisher)?;
            alarm = Instant::now() + Duration::from_secs(1);
        }
    }
    println!(" Interrupted\n{} messages in", replica.sequence());
    Ok(())
}
