//! Weather update client (zguide chapter 1, "Getting the Message Out").
//!
//! Connects a SUB socket to `wuserver`, subscribes to one zip code (a prefix of the update
//! string; New York City, "10001 ", by default), collects 100 updates and prints the average
//! temperature:
//!
//! ```text
//! cargo run -p ferrozmq --example wuserver &
//! cargo run -p ferrozmq --example wuclient
//! Collecting updates from weather server...
//! Average temperature for zipcode '10001 ' was 28F
//! ```
//!
//! Usage: `wuclient [ZIPCODE [ENDPOINT]] [--count N]`. ENDPOINT defaults to
//! `tcp://localhost:5556`; N, the number of updates averaged, to 100 (or
//! `FERROZMQ_EXAMPLE_ROUNDS`). The filter is a plain prefix: `wuclient 1` averages every zip
//! code starting with 1, which takes 10 000 times fewer updates than one exact zip code.

use ferrozmq::{Context, SUB};
use std::process::ExitCode;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("E: wuclient: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse()?;
    let filter = args.positional.first().map_or("10001 ", String::as_str);
    let endpoint = args
        .positional
        .get(1)
        .map_or("tcp://localhost:5556", String::as_str);
    let updates = args.count.unwrap_or(100);

    // Socket to talk to server
    println!("Collecting updates from weather server...");
    let context = Context::new();
    let subscriber = context.socket(SUB)?;
    subscriber.connect(endpoint)?;

    // Subscribe to zipcode, default is NYC, 10001
    subscriber.set_subscribe(filter.as_bytes())?;

    // Process the updates
    let mut total_temp: i64 = 0;
    let mut update_nbr: u64 = 0;
    while update_nbr < updates {
        let update = subscriber.recv_msg(0)?;
        let text = String::from_utf8_lossy(&update);
        let fields: Vec<i64> = text
            .split_whitespace()
            .filter_map(|field| field.parse().ok())
            .collect();
        let [_zipcode, temperature, _relhumidity] = fields[..] else {
            eprintln!("W: wuclient: ignoring malformed update {text:?}");
            continue;
        };
        total_temp += temperature;
        update_nbr += 1;
    }
    if update_nbr > 0 {
        println!(
            "Average temperature for zipcode '{filter}' was {}F",
            total_temp / update_nbr as i64
        );
    }
    Ok(())
}

/// Command line: up to two positional arguments and `--count N` (default:
/// `FERROZMQ_EXAMPLE_ROUNDS`).
struct Args {
    positional: Vec<String>,
    count: Option<u64>,
}

impl Args {
    fn parse() -> Result<Args, String> {
        const USAGE: &str = "usage: wuclient [ZIPCODE [ENDPOINT]] [--count N]";
        let mut positional = Vec::new();
        let mut count = std::env::var("FERROZMQ_EXAMPLE_ROUNDS").ok();
        let mut args = std::env::args().skip(1);
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--count" => count = Some(args.next().ok_or("--count needs a value")?),
                _ if arg.starts_with("--") || positional.len() == 2 => {
                    return Err(format!("unexpected argument {arg:?}; {USAGE}"))
                }
                _ => positional.push(arg),
            }
        }
        let count = match count {
            Some(n) => Some(n.parse().map_err(|_| format!("bad count {n:?}"))?),
            None => None,
        };
        Ok(Args { positional, count })
    }
}
