//! Synchronized subscriber (zguide chapter 2, "Node Coordination").
//!
//! Connects a SUB socket to `syncpub` and subscribes to everything, waits a second for the
//! subscription to reach the publisher, then tells the publisher it is ready with a REQ-REP
//! round trip. It counts updates until "END" and prints `Received 1000000 updates`.
//!
//! ```text
//! cargo run -p ferrozmq --example syncpub &
//! for i in $(seq 10); do cargo run -p ferrozmq --example syncsub & done
//! ```
//!
//! Usage: `syncsub [PUB_ENDPOINT [SYNC_ENDPOINT]]`. The endpoints default to
//! `tcp://localhost:5561` and `tcp://localhost:5562`. The subscriber exits after "END".

use ferrozmq::{Context, REQ, SUB};
use std::process::ExitCode;
use std::thread::sleep;
use std::time::Duration;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("E: syncsub: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let endpoints: Vec<String> = std::env::args().skip(1).collect();
    if endpoints.len() > 2 || endpoints.iter().any(|e| e.starts_with('-')) {
        return Err("usage: syncsub [PUB_ENDPOINT [SYNC_ENDPOINT]]".into());
    }
    let pub_endpoint = endpoints
        .first()
        .map_or("tcp://localhost:5561", String::as_str);
    let sync_endpoint = endpoints
        .get(1)
        .map_or("tcp://localhost:5562", String::as_str);

    let context = Context::new();

    // First, connect our subscriber socket
    let subscriber = context.socket(SUB)?;
    subscriber.connect(pub_endpoint)?;
    subscriber.set_subscribe(b"")?;

    // 0MQ is so fast, we need to wait a while...
    sleep(Duration::from_secs(1));

    // Second, synchronize with publisher
    let syncclient = context.socket(REQ)?;
    syncclient.connect(sync_endpoint)?;

    // - send a synchronization request
    syncclient.send("", 0)?;

    // - wait for synchronization reply
    syncclient.recv_msg(0)?;

    // Third, get our updates and report how many we got
    let mut update_nbr: u64 = 0;
    loop {
        let update = subscriber.recv_msg(0)?;
        if &update[..] == b"END" {
            break;
        }
        update_nbr += 1;
    }
    println!("Received {update_nbr} updates");
    Ok(())
}
