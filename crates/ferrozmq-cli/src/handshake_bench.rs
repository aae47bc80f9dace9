//! `ferrozmq curve-handshakes`: how many CURVE connections a second a server can take.
//!
//! The client side opens `count` connections one after another — each a new REQ socket that
//! completes the CURVE handshake, sends one byte and waits for the echo — and prints the rate.
//! The server side is a CURVE REP that echoes `count` requests. Both use the keys of libzmq's
//! perf tools, so either side can be another ZeroMQ (e.g. a pyzmq REP with those keys) and the
//! two servers compared with the same client.

use std::process::ExitCode;
use std::time::Instant;

use ferrozmq::{Context, Result};

use crate::tool::curve_keys::{CLIENT_PUBLIC, CLIENT_SECRET, SERVER_PUBLIC, SERVER_SECRET};

/// Usage line.
pub const USAGE: &str = "curve-handshakes <server|client> <endpoint> <count>";

/// Runs the subcommand with the arguments after its name.
pub fn main(args: &[String]) -> ExitCode {
    if args.iter().any(|a| a == "-h" || a == "--help") {
        println!("usage: ferrozmq {USAGE}");
        return ExitCode::SUCCESS;
    }
    let (role, endpoint, count) = match args {
        [role, endpoint, count] => match count.parse::<u32>() {
            Ok(n) if n > 0 && (role == "server" || role == "client") => (role, endpoint, n),
            _ => return usage("expected server|client and a count of at least 1"),
        },
        _ => return usage("expected 3 arguments"),
    };
    let result = if role == "server" {
        serve(endpoint, count)
    } else {
        connect_many(endpoint, count)
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("ferrozmq curve-handshakes: {e}");
            ExitCode::FAILURE
        }
    }
}

fn usage(message: &str) -> ExitCode {
    eprintln!("ferrozmq curve-handshakes: {message} (usage: ferrozmq {USAGE})");
    ExitCode::from(2)
}

fn serve(endpoint: &str, count: u32) -> Result<()> {
    let ctx = Context::new();
    let rep = ctx.socket(ferrozmq::REP)?;
    rep.set_curve_secretkey(SERVER_SECRET.as_bytes())?;
    rep.set_curve_server(true)?;
    rep.bind(endpoint)?;
    for _ in 0..count {
        let request = rep.recv_msg(0)?;
        rep.send(request, 0)?;
    }
    Ok(())
}

fn connect_many(endpoint: &str, count: u32) -> Result<()> {
    let ctx = Context::new();
    let watch = Instant::now();
    for _ in 0..count {
        let req = ctx.socket(ferrozmq::REQ)?;
        req.set_linger(0)?;
        req.set_curve_serverkey(SERVER_PUBLIC.as_bytes())?;
        req.set_curve_publickey(CLIENT_PUBLIC.as_bytes())?;
        req.set_curve_secretkey(CLIENT_SECRET.as_bytes())?;
        req.connect(endpoint)?;
        req.send("x", 0)?;
        req.recv_msg(0)?;
    }
    let seconds = watch.elapsed().as_secs_f64();
    println!("handshakes: {count}");
    println!(
        "mean rate: {:.0} [handshakes/s]",
        f64::from(count) / seconds
    );
    Ok(())
}
