//! `ferrozmq monitor`: connect (or bind) a socket of some type to a live
//! service and print each of its monitor events as one line — time, event
//! name, value, endpoint — to watch connections come and go.
//!
//! Messages that reach the socket are read and dropped, so watching never
//! holds a service back (a SUB subscribes to nothing).

use std::io::Write;
use std::process::ExitCode;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use ferrozmq::{
    poll, Context, Error, MonitorEvent, SocketEvent, SocketType, DONTWAIT, PAIR, POLLIN,
};

use crate::cli_args::{unknown, usage, Arg, ArgParser, Failure};
use crate::sock_opts::{self, bind, connect, make_socket, SocketOptions};

/// `ferrozmq monitor --help`.
pub const HELP: &str = "\
usage: ferrozmq monitor <TYPE> <EP> [options]

Connects a TYPE socket to EP (or binds it with -b) and prints each of its
monitor events as a line: UTC time, event name, value (fd, errno or
interval), endpoint, e.g.
  2026-01-02T03:04:05.678Z CONNECTED 9 tcp://127.0.0.1:5555
Messages that arrive are dropped; a sub socket subscribes to nothing.
Runs until interrupted, -n events or --timeout.

options:
  -b, --bind           bind to EP instead of connecting
  -n, --count N        stop after N events
  --timeout MS         stop after MS without an event (exit 1 if -n was not reached)
";

/// The internal endpoint the monitored socket reports to.
const EVENTS: &str = "inproc://ferrozmq-monitor";

/// Everything `monitor` was told.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MonitorOptions {
    /// The socket type.
    pub kind: SocketType,
    /// The endpoint.
    pub endpoint: String,
    /// `-b`.
    pub bind: bool,
    /// `-n`.
    pub count: Option<u64>,
    /// `--timeout` in ms.
    pub timeout: Option<u64>,
    /// Options set on the socket.
    pub socket: SocketOptions,
}

impl MonitorOptions {
    /// Parses the arguments after `monitor`; `Ok(None)` means `--help`.
    pub fn parse(args: &[String]) -> Result<Option<MonitorOptions>, Failure> {
        let mut p = ArgParser::new(args);
        let mut positionals = Vec::new();
        let (mut bind, mut count, mut timeout) = (false, None, None);
        let mut socket = SocketOptions::default();
        while let Some(arg) = p.next_arg()? {
            if arg.is_help() {
                return Ok(None);
            }
            if socket.parse(&arg, &mut p)? {
                continue;
            }
            match &arg {
                Arg::Positional(text) if positionals.len() < 2 => positionals.push(text.clone()),
                Arg::Short('b') => bind = true,
                Arg::Short('n') => count = Some(p.number(1)?),
                Arg::Long(name) => match name.as_str() {
                    "bind" => bind = true,
                    "count" => count = Some(p.number(1)?),
                    "timeout" => timeout = Some(p.number(0)?),
                    _ => return Err(unknown(&arg)),
                },
                _ => return Err(unknown(&arg)),
            }
        }
        let [kind, endpoint] = positionals.as_slice() else {
            return usage(format!(
                "expected <TYPE> <EP>, got {} arguments",
                positionals.len()
            ));
        };
        Ok(Some(MonitorOptions {
            kind: sock_opts::socket_type(kind)?,
            endpoint: endpoint.clone(),
            bind,
            count,
            timeout,
            socket,
        }))
    }
}

/// Runs `ferrozmq monitor` with the arguments after `monitor`.
pub fn main(args: &[String]) -> ExitCode {
    let result = match MonitorOptions::parse(args) {
        Ok(None) => {
            print!("{HELP}\n{}", sock_opts::HELP);
            return ExitCode::SUCCESS;
        }
        Ok(Some(opts)) => run(&opts),
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => e.report("monitor"),
    }
}

/// Watches until `-n` events, `--timeout` or a signal.
fn run(o: &MonitorOptions) -> Result<(), Failure> {
    let failed = |e: Error| Failure::Run(format!("cannot monitor: {e}"));
    let ctx = Context::new();
    let socket = make_socket(&ctx, o.kind)?;
    o.socket.apply(&socket)?;
    socket.set_linger(0).map_err(failed)?;
    socket
        .monitor(EVENTS, SocketEvent::ALL as i32)
        .map_err(failed)?;
    let events = ctx.socket(PAIR).map_err(failed)?;
    events.connect(EVENTS).map_err(failed)?;
    if o.bind {
        bind(&socket, &o.endpoint, "monitor: ")?;
    } else {
        connect(&socket, &o.endpoint)?;
    }
    let mut seen = 0u64;
    let mut idle_since = Instant::now();
    while o.count.is_none_or(|n| seen < n) {
        let wait_ms = match o.timeout {
            Some(ms) => {
                let left = Duration::from_millis(ms).saturating_sub(idle_since.elapsed());
                if left.is_zero() {
                    return match o.count {
                        Some(n) => Err(Failure::Run(format!(
                            "timed out after {ms} ms with {seen} of {n} events"
                        ))),
                        None => Ok(()),
                    };
                }
                left.as_millis() as i64
            }
            None => -1,
        };
        let (event_ready, message_ready) = {
            let mut items = [events.as_poll_item(POLLIN), socket.as_poll_item(POLLIN)];
            poll(&mut items, wait_ms).map_err(failed)?;
            (items[0].is_readable(), items[1].is_readable())
        };
        if message_ready {
            // Read and drop: a watcher must not hold the service back.
            while socket.recv_multipart(DONTWAIT).is_ok() {}
        }
        if event_ready {
            let event = MonitorEvent::recv(&events).map_err(failed)?;
            let mut out = std::io::stdout().lock();
            let written = writeln!(out, "{}", event_line(SystemTime::now(), &event))
                .and_then(|()| out.flush());
            if written.is_err() {
                break; // stdout closed: nobody is watching any more
            }
            seen += 1;
            idle_since = Instant::now();
        }
    }
    Ok(())
}

/// One event as a line: `<UTC time> <EVENT> <value> <endpoint>`.
fn event_line(at: SystemTime, event: &MonitorEvent) -> String {
    format!(
        "{} {:?} {} {}",
        utc(at),
        event.event,
        event.value,
        event.endpoint
    )
}

/// `at` as ISO 8601 UTC with milliseconds (`2026-01-02T03:04:05.678Z`).
fn utc(at: SystemTime) -> String {
    let since = at.duration_since(UNIX_EPOCH).unwrap_or_default();
    let secs = since.as_secs();
    let (days, rest) = (secs / 86_400, secs % 86_400);
    let (year, month, day) = civil_from_days(days as i64);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60,
        since.subsec_millis()
    )
}

/// The proleptic Gregorian date of a day count since 1970-01-01 (Howard
/// Hinnant's `civil_from_days` algorithm).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_utc_times_and_event_lines() {
        assert_eq!(utc(UNIX_EPOCH), "1970-01-01T00:00:00.000Z");
        // 2024-02-29 12:34:56.789 UTC (a leap day)
        let at = UNIX_EPOCH + Duration::from_millis(1_709_210_096_789);
        assert_eq!(utc(at), "2024-02-29T12:34:56.789Z");
        let event = MonitorEvent {
            event: SocketEvent::HANDSHAKE_SUCCEEDED,
            value: 0,
            endpoint: "tcp://127.0.0.1:5555".into(),
        };
        assert_eq!(
            event_line(UNIX_EPOCH, &event),
            "1970-01-01T00:00:00.000Z HANDSHAKE_SUCCEEDED 0 tcp://127.0.0.1:5555"
        );
    }

    #[test]
    fn parses_its_arguments() {
        let args = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let o = MonitorOptions::parse(&args(&["Dealer", "tcp://h:1", "-b", "-n", "2"]))
            .unwrap()
            .unwrap();
        assert_eq!(
            (o.kind, o.bind, o.count),
            (SocketType::DEALER, true, Some(2))
        );
        for bad in [
            &["dealer"][..],
            &["dealer", "e", "x"],
            &["x", "e"],
            &["dealer", "e", "-c"],
        ] {
            assert!(
                matches!(MonitorOptions::parse(&args(bad)), Err(Failure::Usage(_))),
                "{bad:?}"
            );
        }
    }
}
