//! Load-balancing broker (zguide chapter 3, "A Load Balancing Message Broker").
//!
//! Ten REQ clients and three REQ workers run as threads and talk to the broker over ipc. The
//! broker's backend ROUTER keeps a queue of ready workers (a worker is ready when it says
//! "READY" or returns a reply); the frontend ROUTER is polled only while a worker is
//! available, so pending client requests wait in ZeroMQ's own queues. Frames, with the
//! identities the guide assumes:
//!
//! ```text
//! client -> frontend:  [CLIENT][][HELLO]
//! backend -> worker:   [WORKER][][CLIENT][][HELLO]
//! worker -> backend:   [WORKER][][CLIENT][][OK]
//! frontend -> client:  [CLIENT][][OK]
//! ```
//!
//! Prints one `Worker: HELLO` and one `Client: OK` line per client, and exits once every
//! client has its reply. Run it by itself: `cargo run -p ferrozmq --example lbbroker`
//! (it creates `frontend.ipc` and `backend.ipc` in the current directory).
//!
//! Usage: `lbbroker [--count N]`: N clients (default 10, or `FERROZMQ_EXAMPLE_ROUNDS`).

use ferrozmq::{poll, Context, Error, Socket, POLLIN, REQ, ROUTER, SNDMORE};
use std::collections::VecDeque;
use std::process::ExitCode;
use std::thread;

const NBR_CLIENTS: u64 = 10;
const NBR_WORKERS: usize = 3;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("E: lbbroker: {e}");
            ExitCode::FAILURE
        }
    }
}

/// A basic request-reply client using a REQ socket, with a printable identity. It has its own
/// context: conceptually it is a separate process.
fn client_task() -> ferrozmq::Result<()> {
    let context = Context::new();
    let client = context.socket(REQ)?;
    set_id(&client)?;
    client.connect("ipc://frontend.ipc")?;

    // Send request, get reply
    client.send("HELLO", 0)?;
    let reply = client.recv_bytes(0)?;
    println!("Client: {}", String::from_utf8_lossy(&reply));
    Ok(())
}

/// A worker using a REQ socket to do load balancing, with a printable identity. It shares the
/// broker's context and serves until that is terminated (ETERM), which may happen before it
/// even got going if the other workers served every client.
fn worker_task(context: Context) -> ferrozmq::Result<()> {
    match serve(&context) {
        Err(Error::ETERM) => Ok(()),
        other => other,
    }
}

fn serve(context: &Context) -> ferrozmq::Result<()> {
    let worker = context.socket(REQ)?;
    set_id(&worker)?;
    worker.connect("ipc://backend.ipc")?;

    // Tell broker we're ready for work
    worker.send("READY", 0)?;

    loop {
        // [client identity][empty][request]: save the envelope to reply to it
        let message = worker.recv_multipart(0)?;
        let [identity, empty, request] = &message[..] else {
            eprintln!("E: worker: malformed request ({} frames)", message.len());
            continue;
        };
        if !empty.is_empty() {
            eprintln!("E: worker: no empty delimiter in request");
            continue;
        }
        println!("Worker: {}", String::from_utf8_lossy(request));

        worker.send(&identity[..], SNDMORE)?;
        worker.send("", SNDMORE)?;
        worker.send("OK", 0)?;
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let nbr_clients = parse_count()?.unwrap_or(NBR_CLIENTS);

    // Prepare our context and sockets. The workers share this context so that terminating it
    // at the end stops them (their recv returns ETERM).
    let mut context = Context::new();
    let frontend = context.socket(ROUTER)?;
    let backend = context.socket(ROUTER)?;
    frontend.bind("ipc://frontend.ipc")?;
    backend.bind("ipc://backend.ipc")?;

    let mut threads = Vec::new();
    for _ in 0..nbr_clients {
        threads.push(thread::spawn(client_task));
    }
    for _ in 0..NBR_WORKERS {
        let context = context.clone();
        threads.push(thread::spawn(move || worker_task(context)));
    }

    // The least-recently-used queue: poll the backend always and the frontend only when a
    // worker is ready. A client request goes to the next ready worker, with the client's
    // identity; a worker's reply goes back to its client, and the worker is ready again.
    let mut worker_queue: VecDeque<Vec<u8>> = VecDeque::new();
    let mut client_nbr = nbr_clients;
    while client_nbr > 0 {
        let mut items = [backend.as_poll_item(POLLIN), frontend.as_poll_item(POLLIN)];
        let polled = if worker_queue.is_empty() { 1 } else { 2 };
        poll(&mut items[..polled], -1)?;

        // Handle worker activity on backend
        if items[0].is_readable() {
            // [worker identity][empty][READY] or [worker identity][empty][client][empty][reply]
            let message = backend.recv_multipart(0)?;
            match &message[..] {
                [worker_id, empty, ready] if empty.is_empty() && ready == b"READY" => {
                    worker_queue.push_back(worker_id.clone());
                }
                [worker_id, empty, client_id, empty2, reply]
                    if empty.is_empty() && empty2.is_empty() =>
                {
                    worker_queue.push_back(worker_id.clone());
                    frontend.send(&client_id[..], SNDMORE)?;
                    frontend.send("", SNDMORE)?;
                    frontend.send(&reply[..], 0)?;
                    client_nbr -= 1;
                }
                _ => eprintln!(
                    "E: malformed message from worker ({} frames)",
                    message.len()
                ),
            }
        }
        // Handle a client request: [client identity][empty][request]
        if polled == 2 && items[1].is_readable() {
            let message = frontend.recv_multipart(0)?;
            match (&message[..], worker_queue.pop_front()) {
                ([client_id, empty, request], Some(worker_id)) if empty.is_empty() => {
                    backend.send(worker_id, SNDMORE)?;
                    backend.send("", SNDMORE)?;
                    backend.send(&client_id[..], SNDMORE)?;
                    backend.send("", SNDMORE)?;
                    backend.send(&request[..], 0)?;
                }
                (_, worker_id) => {
                    eprintln!(
                        "E: malformed message from client ({} frames)",
                        message.len()
                    );
                    worker_queue.extend(worker_id);
                }
            }
        }
    }

    // All clients are served: close the broker's sockets (the last replies are still delivered:
    // LINGER is infinite), then terminate the context so that the workers exit.
    drop(frontend);
    drop(backend);
    context.destroy()?;

    let mut failed = 0;
    for thread in threads {
        match thread.join() {
            Ok(Ok(())) => {}
            Ok(Err(e)) => {
                eprintln!("E: lbbroker task: {e}");
                failed += 1;
            }
            Err(_) => failed += 1,
        }
    }
    if failed > 0 {
        return Err(format!("{failed} task(s) failed").into());
    }
    Ok(())
}

/// Sets a random printable identity, `XXXX-XXXX` (zhelpers' `s_set_id`).
fn set_id(socket: &Socket) -> ferrozmq::Result<()> {
    let identity = format!("{:04X}-{:04X}", randof(0x10000), randof(0x10000));
    socket.set_identity(identity.as_bytes())
}

/// A random number in `0..n` (zhelpers' `randof`), from std's randomly keyed hasher.
fn randof(n: u64) -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos()),
    );
    hasher.finish() % n
}

/// `--count N`, else `FERROZMQ_EXAMPLE_ROUNDS`.
fn parse_count() -> Result<Option<u64>, String> {
    let mut count = std::env::var("FERROZMQ_EXAMPLE_ROUNDS").ok();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--count" => count = Some(args.next().ok_or("--count needs a value")?),
            _ => {
                return Err(format!(
                    "unexpected argument {arg:?}; usage: lbbroker [--count N]"
                ))
            }
        }
    }
    match count {
        Some(n) => Ok(Some(n.parse().map_err(|_| format!("bad count {n:?}"))?)),
        None => Ok(None),
    }
}
