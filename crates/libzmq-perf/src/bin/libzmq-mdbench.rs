//! Majordomo round trips per second on libzmq 4.3.4 (the `zmq` crate), the same topology as
//! ferrozmq-patterns' `mdbench` example, for `bench/majordomo.sh`: a broker, N echo workers
//! and one client in threads of one process over tcp loopback, speaking MDP/0.1 frame for
//! frame as ferrozmq-patterns does (client DEALER with the empty frame, worker DEALER, one
//! broker ROUTER with a request queue and a list of idle workers). Heartbeats are left out:
//! at 2.5 s intervals they cost nothing measurable in a run of seconds.
//!
//! ```text
//! cargo run --release -p libzmq-perf --bin libzmq-mdbench -- --mode sync|async --workers N --requests N
//! ```

use std::collections::VecDeque;
use std::time::Instant;

const CLIENT: &[u8] = b"MDPC01";
const WORKER: &[u8] = b"MDPW01";
const READY: &[u8] = b"\x01";
const REQUEST: &[u8] = b"\x02";
const REPLY: &[u8] = b"\x03";

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (mut sync, mut workers, mut requests) = (true, 1usize, 20_000u64);
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let value = args.next().ok_or(format!("{arg} needs a value"))?;
        match arg.as_str() {
            "--mode" => sync = value == "sync",
            "--workers" => workers = value.parse()?,
            "--requests" => requests = value.parse()?,
            _ => return Err(format!("unknown argument {arg}").into()),
        }
    }
    let ctx = zmq::Context::new();
    let router = ctx.socket(zmq::ROUTER)?;
    router.set_sndhwm(0)?;
    router.bind("tcp://127.0.0.1:*")?;
    let endpoint = router.get_last_endpoint()?.map_err(|_| "no endpoint")?;
    let (ready_tx, ready_rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || broker(router, workers, ready_tx));
    for _ in 0..workers {
        let socket = ctx.socket(zmq::DEALER)?;
        socket.connect(&endpoint)?;
        std::thread::spawn(move || worker(socket));
    }
    ready_rx.recv()?;

    let client = ctx.socket(zmq::DEALER)?;
    client.set_rcvhwm(0)?;
    client.connect(&endpoint)?;
    let request = [&b""[..], CLIENT, b"echo", b"Hello world"];
    let start = Instant::now();
    if sync {
        for _ in 0..requests {
            client.send_multipart(request, 0)?;
            client.recv_multipart(0)?;
        }
    } else {
        for _ in 0..requests {
            client.send_multipart(request, 0)?;
        }
        for _ in 0..requests {
            client.recv_multipart(0)?;
        }
    }
    let seconds = start.elapsed().as_secs_f64();
    println!(
        "majordomo {} workers={workers}: {requests} round trips in {seconds:.3} s, {:.0} round trips/s",
        if sync { "sync" } else { "async" },
        requests as f64 / seconds
    );
    std::process::exit(0); // the broker and worker threads end with the process
}

/// Echo worker: READY, then every REQUEST back as a REPLY.
fn worker(socket: zmq::Socket) -> Result<(), zmq::Error> {
    socket.send_multipart([&b""[..], WORKER, READY, b"echo"], 0)?;
    loop {
        let mut frames = socket.recv_multipart(0)?;
        if frames.len() < 6 || frames[2] != REQUEST {
            continue; // heartbeats and the like
        }
        frames[2] = REPLY.to_vec();
        socket.send_multipart(frames, 0)?;
    }
}

/// One service's broker: requests queue until a worker is idle. Tells `ready` once
/// `workers` workers have said READY.
fn broker(
    router: zmq::Socket,
    workers: usize,
    ready: std::sync::mpsc::Sender<()>,
) -> Result<(), zmq::Error> {
    let mut idle: VecDeque<Vec<u8>> = VecDeque::new();
    let mut queue: VecDeque<(Vec<u8>, Vec<Vec<u8>>)> = VecDeque::new();
    let mut registered = 0;
    loop {
        let mut frames = router.recv_multipart(0)?;
        if frames.len() < 4 || !frames[1].is_empty() {
            continue;
        }
        let sender = frames.remove(0);
        if frames[1] == CLIENT && frames.len() >= 3 {
            queue.push_back((sender, frames.split_off(3)));
        } else if frames[1] == WORKER && frames[2] == READY {
            idle.push_back(sender);
            registered += 1;
            if registered == workers {
                let _ = ready.send(());
            }
        } else if frames[1] == WORKER && frames[2] == REPLY && frames.len() >= 5 {
            let client = frames[3].clone();
            let body = frames.split_off(5);
            let mut reply = vec![client, Vec::new(), CLIENT.to_vec(), b"echo".to_vec()];
            reply.extend(body);
            router.send_multipart(reply, 0)?;
            idle.push_back(sender);
        }
        while !idle.is_empty() && !queue.is_empty() {
            let (Some(worker), Some((client, body))) = (idle.pop_front(), queue.pop_front()) else {
                break;
            };
            let mut request = vec![worker, Vec::new(), WORKER.to_vec(), REQUEST.to_vec()];
            request.extend([client, Vec::new()]);
            request.extend(body);
            router.send_multipart(request, 0)?;
        }
    }
}
