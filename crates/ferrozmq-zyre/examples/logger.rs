//! logger: the guide's ZRE log collector (chapter 8, "Binary Logging Protocol"; Zyre 1's
//! `zlogger`). Binds a SUB socket on an ephemeral port of the beacon interface's
//! address, announces it to every peer in the HELLO header `X-ZRELOG`, and prints each
//! log record the nodes send, as the guide does:
//! `YY-MM-DD HH:MM:SS  I: [NODE] [PEER] - EVENT DATA` (node and peer as 4 hex digits;
//! the time in UTC, where the guide prints local time) until interrupted.
//!
//! ```text
//! logger [INTERFACE]
//! ```

use ferrozmq::beacon::{Beacon, BeaconOptions};
use ferrozmq::{Context, DONTWAIT, POLLIN, SUB};
use ferrozmq_zyre::log::{event_name, LogMessage, HEADER};
use ferrozmq_zyre::Node;

fn main() -> Result<(), ferrozmq::Error> {
    let interface = std::env::args().nth(1);
    let ctx = Context::new();
    // Use a beacon to find the address our peers see, as the guide's logger does.
    let mut options = BeaconOptions::from_env();
    if let Some(interface) = &interface {
        options.interface = Some(interface.clone());
    }
    let host =
        Beacon::with_options(&ctx, options)?.configure(ferrozmq_zyre::beacon::DEFAULT_PORT)?;
    let host = if host == "*" {
        "127.0.0.1".into()
    } else {
        host
    };
    let collector = ctx.socket(SUB)?;
    collector.set_subscribe(b"")?;
    collector.bind(&format!("tcp://{host}:*"))?;
    let endpoint = collector
        .get_last_endpoint()?
        .map_err(|_| ferrozmq::Error::EINVAL)?;
    let mut node = Node::new(&ctx, None)?;
    if let Some(interface) = &interface {
        node.set_interface(interface)?;
    }
    node.set_header(HEADER, &endpoint)?;
    node.start()?;
    ferrozmq::interrupt::catch_interrupts()?;
    while !ferrozmq::interrupt::interrupted() {
        let mut items = [
            collector.as_poll_item(POLLIN),
            node.socket()?.as_poll_item(POLLIN),
        ];
        match ferrozmq::poll(&mut items, 100) {
            Ok(_) | Err(ferrozmq::Error::EINTR) => {}
            Err(e) => return Err(e),
        }
        let (records, events) = (items[0].is_readable(), items[1].is_readable());
        if records {
            while let Ok(frame) = collector.recv_bytes(DONTWAIT) {
                if let Ok(record) = LogMessage::decode(&frame) {
                    print_record(&record);
                }
            }
        }
        if events {
            // The node's own events are not what a logger prints.
            while node.recv_timeout(std::time::Duration::ZERO)?.is_some() {}
        }
    }
    Ok(())
}

fn print_record(record: &LogMessage) {
    println!(
        "{} I: [{:04X}] [{:04X}] - {} {}",
        timestamp(record.time),
        record.node,
        record.peer,
        event_name(record.event),
        record.data
    );
}

/// `YY-MM-DD HH:MM:SS ` (the guide's `strftime` format, trailing space included) in UTC.
fn timestamp(seconds: u64) -> String {
    let (days, rest) = (seconds / 86_400, seconds % 86_400);
    let (year, month, day) = civil_from_days(days);
    let (h, m, s) = (rest / 3600, rest / 60 % 60, rest % 60);
    format!(
        "{:02}-{month:02}-{day:02} {h:02}:{m:02}:{s:02} ",
        year % 100
    )
}

/// The proleptic Gregorian date `days` after 1970-01-01 (Howard Hinnant's algorithm).
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z % 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    (year, month, day)
}
