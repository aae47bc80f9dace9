//! Task worker with a kill signal (zguide chapter 2, "Handling Errors and ETERM").
//!
//! Like `taskwork`, and also connects a SUB socket to the sink's control publisher. It polls
//! both sockets: tasks are processed as before, and any message on the control socket (the
//! sink sends "KILL" when the batch is done) makes the worker exit. Run it with `tasksink2`:
//!
//! ```text
//! cargo run -p ferrozmq --example tasksink2 &
//! cargo run -p ferrozmq --example taskwork2 &
//! cargo run -p ferrozmq --example taskwork2 &
//! cargo run -p ferrozmq --example taskvent
//! ```
//!
//! Usage: `taskwork2 [VENTILATOR [SINK [CONTROLLER]]]`. The endpoints default to
//! `tcp://localhost:5557`, `tcp://localhost:5558` and `tcp://localhost:5559`. The worker
//! exits when the sink says so.

use ferrozmq::{poll, Context, POLLIN, PULL, PUSH, SUB};
use std::io::Write;
use std::process::ExitCode;
use std::thread::sleep;
use std::time::Duration;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("E: taskwork2: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let endpoints: Vec<String> = std::env::args().skip(1).collect();
    if endpoints.len() > 3 || endpoints.iter().any(|e| e.starts_with('-')) {
        return Err("usage: taskwork2 [VENTILATOR [SINK [CONTROLLER]]]".into());
    }
    let endpoint = |i: usize, default: &'static str| -> String {
        endpoints.get(i).cloned().unwrap_or_else(|| default.into())
    };

    let context = Context::new();

    // Socket to receive messages on
    let receiver = context.socket(PULL)?;
    receiver.connect(&endpoint(0, "tcp://localhost:5557"))?;

    // Socket to send messages to
    let sender = context.socket(PUSH)?;
    sender.connect(&endpoint(1, "tcp://localhost:5558"))?;

    // Socket for control input
    let controller = context.socket(SUB)?;
    controller.connect(&endpoint(2, "tcp://localhost:5559"))?;
    controller.set_subscribe(b"")?;

    // Process messages from either socket
    let mut tasks = 0;
    loop {
        let mut items = [
            receiver.as_poll_item(POLLIN),
            controller.as_poll_item(POLLIN),
        ];
        poll(&mut items, -1)?;
        if items[0].is_readable() {
            let task = receiver.recv_msg(0)?;
            let workload = String::from_utf8_lossy(&task);
            print!("{workload}."); // Show progress
            std::io::stdout().flush()?;
            let msec = workload.trim().parse().unwrap_or(0);
            sleep(Duration::from_millis(msec)); // Do the work
            sender.send("", 0)?; // Send results to sink
            tasks += 1;
        }
        // Any waiting controller command acts as 'KILL'
        if items[1].is_readable() {
            break; // Exit loop
        }
    }
    println!("\nW: killed after {tasks} tasks");
    Ok(())
}
