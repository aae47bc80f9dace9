//! Simple message queuing broker (zguide chapter 2): rrbroker done with `proxy` — a ROUTER
//! for clients on `tcp://*:5559` and a DEALER for services on `tcp://*:5560`, joined until
//! the context ends.
//!
//! Usage: `msgqueue [FRONTEND BACKEND]`.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (front, back) = match &args[..] {
        [] => ("tcp://*:5559", "tcp://*:5560"),
        [front, back] => (front.as_str(), back.as_str()),
        _ => return Err("usage: msgqueue [FRONTEND BACKEND]".into()),
    };
    let context = ferrozmq::Context::new();
    // Socket facing clients
    let frontend = context.socket(ferrozmq::ROUTER)?;
    frontend.bind(front)?;
    // Socket facing services
    let backend = context.socket(ferrozmq::DEALER)?;
    backend.bind(back)?;
    // Start the proxy
    ferrozmq::proxy(&frontend, &backend)?;
    Ok(())
}
