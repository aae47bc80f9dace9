//! Load-balancing broker, reactor style (zguide chapter 3, "lbbroker3": CZMQ's zloop and
//! zactor). Ten REQ clients and three REQ workers run as actors; the broker is two handlers
//! on a [`Reactor`]: the backend handler queues ready workers and forwards replies, and the
//! frontend reader exists only while a worker is ready — it is added when the queue goes
//! from 0 to 1 worker and removed when it goes back to 0, so pending requests wait in
//! ZeroMQ's queues.
//!
//! Prints `Worker: [005] HELLO` per request and `Client: OK` per reply (each client sends
//! one request a second), until Ctrl-C — or, with `--count N`, until N replies went back to
//! clients. Then the actors are sent `$TERM` as the reactor returns. It creates
//! `frontend.ipc` and `backend.ipc` in the current directory.
//!
//! Usage: `lbbroker3 [--count N]`.

use ferrozmq::actor::{self, Actor};
use ferrozmq::reactor::Reactor;
use ferrozmq::{Context, Message, Multipart, Socket, POLLIN, REQ, ROUTER};
use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::process::ExitCode;
use std::rc::Rc;

const NBR_CLIENTS: usize = 10;
const NBR_WORKERS: usize = 3;
/// Signals that a worker is ready.
const WORKER_READY: &[u8] = b"\x01";

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("E: lbbroker3: {e}");
            ExitCode::FAILURE
        }
    }
}

/// True if a `$TERM` (or anything) is waiting on the actor's pipe.
fn terminated(pipe: &Socket, timeout_ms: i64) -> ferrozmq::Result<bool> {
    Ok(pipe.poll(POLLIN, timeout_ms)? > 0)
}

/// A REQ client: one HELLO a second, printing each reply, until `$TERM`.
fn client_task(ctx: Context, pipe: &Socket) -> ferrozmq::Result<()> {
    actor::signal(pipe, 0)?;
    let client = ctx.socket(REQ)?;
    client.set_linger(0)?;
    client.connect("ipc://frontend.ipc")?;
    loop {
        client.send("HELLO", 0)?;
        // Wait for the reply or for $TERM.
        loop {
            if terminated(pipe, 0)? {
                return Ok(());
            }
            if client.poll(POLLIN, 100)? > 0 {
                break;
            }
        }
        let reply = client.recv_string(0)?.unwrap_or_default();
        println!("Client: {reply}");
        if terminated(pipe, 1000)? {
            return Ok(());
        }
    }
}

/// A REQ worker: says it is ready, then answers every request with OK, until `$TERM`.
fn worker_task(ctx: Context, pipe: &Socket) -> ferrozmq::Result<()> {
    actor::signal(pipe, 0)?;
    let worker = ctx.socket(REQ)?;
    worker.set_linger(0)?;
    worker.connect("ipc://backend.ipc")?;
    worker.send(WORKER_READY, 0)?;
    loop {
        if terminated(pipe, 0)? {
            return Ok(());
        }
        if worker.poll(POLLIN, 100)? == 0 {
            continue;
        }
        // [client][][HELLO]: print the request, reply OK in the same envelope.
        let mut msg = Multipart::recv(&worker)?;
        let Some(request) = msg.pop_back() else {
            continue;
        };
        print!("Worker: {}", Multipart::from([request]));
        msg.append("OK");
        msg.send(&worker)?;
    }
}

/// What the two handlers share.
struct Broker<'a> {
    frontend: &'a Socket,
    backend: &'a Socket,
    /// Identities of ready workers.
    workers: RefCell<VecDeque<Message>>,
    /// Replies still to forward before stopping, if counted.
    replies_left: Cell<Option<u64>>,
}

/// The frontend reader: a client request goes to the next ready worker.
fn handle_frontend<'a>(
    broker: Rc<Broker<'a>>,
) -> impl FnMut(&mut Reactor<'a>, &'a Socket) -> ferrozmq::Result<()> + 'a {
    move |reactor, frontend| {
        let mut msg = Multipart::recv(frontend)?;
        let Some(worker) = broker.workers.borrow_mut().pop_front() else {
            return Ok(());
        };
        msg.wrap(worker);
        msg.send(broker.backend)?;
        // Cancel the reader on the frontend if we went from 1 to 0 workers.
        if broker.workers.borrow().is_empty() {
            reactor.remove_reader(frontend);
        }
        Ok(())
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let count = parse_count()?;
    let ctx = Context::new();
    let frontend = ctx.socket(ROUTER)?;
    frontend.bind("ipc://frontend.ipc")?;
    let backend = ctx.socket(ROUTER)?;
    backend.bind("ipc://backend.ipc")?;

    let mut actors = Vec::new();
    for _ in 0..NBR_CLIENTS {
        let ctx = ctx.clone();
        actors.push(Actor::new(&ctx.clone(), move |pipe| {
            client_task(ctx, pipe)
        })?);
    }
    for _ in 0..NBR_WORKERS {
        let ctx = ctx.clone();
        actors.push(Actor::new(&ctx.clone(), move |pipe| {
            worker_task(ctx, pipe)
        })?);
    }

    let broker = Rc::new(Broker {
        frontend: &frontend,
        backend: &backend,
        workers: RefCell::new(VecDeque::new()),
        replies_left: Cell::new(count),
    });
    let mut reactor = Reactor::new();
    let backend_broker = Rc::clone(&broker);
    reactor.add_reader(&backend, move |reactor, backend| {
        let broker = &backend_broker;
        let mut msg = Multipart::recv(backend)?;
        let Some(worker) = msg.unwrap() else {
            return Ok(());
        };
        broker.workers.borrow_mut().push_back(worker);
        // Enable the frontend reader if we went from 0 to 1 workers.
        if broker.workers.borrow().len() == 1 {
            reactor.add_reader(broker.frontend, handle_frontend(Rc::clone(broker)));
        }
        // Forward the message to its client if it is not a READY.
        if msg.first().is_some_and(|f| &f[..] != WORKER_READY) {
            msg.send(broker.frontend)?;
            if let Some(left) = broker.replies_left.get() {
                broker.replies_left.set(Some(left - 1));
                if left == 1 {
                    reactor.stop();
                }
            }
        }
        Ok(())
    });
    reactor.start()?;
    drop(reactor);
    // Stop the actors (each gets $TERM and is waited for).
    drop(actors);
    Ok(())
}

/// `--count N`, or none.
fn parse_count() -> Result<Option<u64>, String> {
    let mut args = std::env::args().skip(1);
    let mut count = None;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--count" => {
                let n = args.next().ok_or("--count needs a value")?;
                count = Some(
                    n.parse()
                        .ok()
                        .filter(|&n| n > 0)
                        .ok_or(format!("bad count {n:?}"))?,
                );
            }
            _ => {
                return Err(format!(
                    "unexpected argument {arg:?}; usage: lbbroker3 [--count N]"
                ))
            }
        }
    }
    Ok(count)
}
