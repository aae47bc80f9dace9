//! Titanic client (zguide chapter 4): sends "Hello world" for the "echo" service through
//! `titanic.request`, asks `titanic.reply` until the reply is there, prints it and closes the
//! request with `titanic.close`.
//!
//! ```text
//! cargo run -p ferrozmq-patterns --example ticlient [-v] [BROKER] [--interval MS]
//! ```
//!
//! Connects to `tcp://localhost:5555` unless told another endpoint; waits 5 s between tries
//! (`--interval MS`). Prints "I: request UUID: …", "I: no reply yet, trying again..." while
//! the reply is pending, then "Reply: Hello world".

use ferrozmq::{Context, Multipart};
use ferrozmq_patterns::mdp::client::Client;
use std::process::ExitCode;
use std::time::Duration;

/// Calls a Titanic service: the reply after its "200", or `None` on "300" (pending). Exits
/// on "400"/"500" and when the broker does not answer, as the guide's client does.
fn service_call(session: &mut Client, service: &str, request: Multipart) -> Option<Multipart> {
    let mut reply = match session.send(service, request) {
        Ok(Some(reply)) => reply,
        _ => std::process::exit(0), // Interrupted or failed
    };
    match reply.pop_str().as_deref() {
        Some("200") => Some(reply),
        Some("400") => {
            println!("E: client fatal error, aborting");
            std::process::exit(1)
        }
        Some("500") => {
            println!("E: server fatal error, aborting");
            std::process::exit(1)
        }
        _ => None,
    }
}

fn main() -> ExitCode {
    let mut verbose = false;
    let mut endpoint = "tcp://localhost:5555".to_string();
    let mut interval = Duration::from_secs(5);
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "-v" => verbose = true,
            "--interval" => match args.next().and_then(|ms| ms.parse().ok()) {
                Some(ms) => interval = Duration::from_millis(ms),
                None => {
                    eprintln!("E: --interval needs milliseconds");
                    return ExitCode::FAILURE;
                }
            },
            _ => endpoint = arg,
        }
    }
    let ctx = Context::new();
    let Ok(mut session) = Client::new(&ctx, &endpoint) else {
        eprintln!("E: cannot connect to {endpoint}");
        return ExitCode::FAILURE;
    };
    session.set_verbose(verbose);

    // 1. Send 'echo' request to Titanic
    let request = Multipart::from(["echo", "Hello world"]);
    let Some(mut reply) = service_call(&mut session, "titanic.request", request) else {
        return ExitCode::FAILURE;
    };
    let uuid = reply.pop_str().unwrap_or_default();
    println!("I: request UUID: {uuid}");

    // 2. Wait until we get a reply
    loop {
        std::thread::sleep(Duration::from_millis(100));
        let request = Multipart::from([uuid.as_str()]);
        match service_call(&mut session, "titanic.reply", request) {
            Some(mut reply) => {
                println!("Reply: {}", reply.pop_str().unwrap_or_default());
                // 3. Close request
                service_call(
                    &mut session,
                    "titanic.close",
                    Multipart::from([uuid.as_str()]),
                );
                return ExitCode::SUCCESS;
            }
            None => {
                println!("I: no reply yet, trying again...");
                std::thread::sleep(interval); // Try again later
            }
        }
    }
}
