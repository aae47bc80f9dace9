//! Throughput of the draft pairs, for `bench/draft.sh`: the receiving side binds, the
//! sending side connects and sends COUNT messages of SIZE bytes; the receiver prints
//! libzmq's local_thr lines (plus how many arrived: udp may drop). `bench/draft_thr.js` takes
//! the same arguments and prints the same lines on npm zeromq's libzmq.
//!
//!   draft_thr recv server|dish|pull ENDPOINT SIZE COUNT
//!   draft_thr send client|radio|push ENDPOINT SIZE COUNT
//!
//! The receiver prints `ready` once bound (and joined), then waits at most 2 s for each
//! message after the first (the rate runs to the last arrival); the sender waits 500 ms after connecting (JOINs and handshakes
//! travel first), then sends.

use ferrozmq::{Context, Message, SocketType};
use std::time::{Duration, Instant};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [role, kind, endpoint, size, count] = &args[..] else {
        eprintln!("usage: draft_thr recv|send TYPE ENDPOINT SIZE COUNT");
        std::process::exit(2);
    };
    let size: usize = size.parse().expect("SIZE");
    let count: u64 = count.parse().expect("COUNT");
    let socket_type = match kind.as_str() {
        "server" => SocketType::SERVER,
        "client" => SocketType::CLIENT,
        "radio" => SocketType::RADIO,
        "dish" => SocketType::DISH,
        "push" => SocketType::PUSH,
        "pull" => SocketType::PULL,
        other => panic!("unknown type {other}"),
    };
    let ctx = Context::new();
    let socket = ctx.socket(socket_type).expect("socket");
    if role == "recv" {
        socket.set_rcvhwm(0).unwrap();
        socket.bind(endpoint).expect("bind");
        if socket_type == SocketType::DISH {
            socket.join("bench").expect("join");
        }
        println!("ready");
        let _ = socket.recv_msg(0).expect("first message");
        socket.set_rcvtimeo(2000).unwrap();
        let start = Instant::now();
        let mut received = 1u64;
        let mut last = start;
        while received < count && socket.recv_msg(0).is_ok() {
            received += 1;
            last = Instant::now();
        }
        // Up to the last arrival: a timed-out wait for dropped datagrams is not counted.
        let elapsed = (last - start).as_micros().max(1) as f64;
        let throughput = (received - 1) as f64 * 1_000_000.0 / elapsed;
        println!("message size: {size} [B]");
        println!("message count: {count}");
        println!("received: {received}");
        println!("mean throughput: {} [msg/s]", throughput as u64);
        println!(
            "mean throughput: {:.3} [Mb/s]",
            throughput * size as f64 * 8.0 / 1_000_000.0
        );
    } else {
        socket.set_sndhwm(0).unwrap();
        socket.connect(endpoint).expect("connect");
        std::thread::sleep(Duration::from_millis(500));
        let body = vec![0u8; size];
        for _ in 0..count {
            let mut msg = Message::from(&body[..]);
            if socket_type == SocketType::RADIO {
                msg.set_group("bench").unwrap();
            }
            socket.send(msg, 0).expect("send");
        }
        // Linger (the default, infinite) lets every queued message out before the exit.
    }
}
