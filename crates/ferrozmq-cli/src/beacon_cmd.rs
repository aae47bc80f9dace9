//! `ferrozmq beacon`: UDP discovery beacons from the shell, on `ferrozmq::beacon` (CZMQ's
//! zbeacon, same wire format): publish a payload every interval, and/or print each beacon
//! heard as `ADDRESS<TAB>PAYLOAD`.

use std::io::Write;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use ferrozmq::beacon::{Beacon, BeaconOptions, MAX_PAYLOAD};

use crate::cli_args::{unknown, usage, Arg, ArgParser, Failure};
use crate::frames::format_frame;

/// `ferrozmq beacon --help`.
pub const HELP: &str = "\
usage: ferrozmq beacon --port P [--publish TEXT] [--interval MS] [--subscribe PREFIX]
                       [--interface IF] [-n N] [--timeout MS]

Sends and hears UDP beacons as CZMQ's zbeacon does (the datagram is the payload,
at most 255 bytes, broadcast to port P). Each beacon heard is printed as
  ADDRESS<TAB>PAYLOAD
(the payload as text, or 0x… hex if it is not printable).

options:
  --port P            UDP port (required)
  --publish TEXT      send TEXT (0x… for bytes) every interval
  --interval MS       publishing interval (default 1000)
  --subscribe PREFIX  print beacons starting with PREFIX ('' for all); our own
                      beacon is never printed
  --interface IF      interface name, address, list index, or * (limited
                      broadcast 255.255.255.255 on any interface); default
                      ZSYS_INTERFACE, else the first broadcast interface.
                      ZSYS_IPV6 and ZSYS_IPV4_MCAST_ADDRESS apply as in CZMQ
  -n N                exit after printing N beacons
  --timeout MS        exit after MS milliseconds (status 1 if -n was given and
                      fewer beacons were heard)
Without -n or --timeout it runs until interrupted.
";

/// Everything `beacon` was told.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BeaconArgs {
    pub port: u16,
    pub publish: Option<Vec<u8>>,
    pub interval: Duration,
    pub subscribe: Option<Vec<u8>>,
    pub interface: Option<String>,
    pub count: Option<u64>,
    pub timeout: Option<Duration>,
}

impl BeaconArgs {
    /// Parses the arguments after `beacon`; `Ok(None)` means `--help`.
    pub fn parse(args: &[String]) -> Result<Option<BeaconArgs>, Failure> {
        let mut p = ArgParser::new(args);
        let mut o = BeaconArgs {
            interval: Duration::from_secs(1),
            ..BeaconArgs::default()
        };
        let mut port = None;
        while let Some(arg) = p.next_arg()? {
            if arg.is_help() {
                return Ok(None);
            }
            match &arg {
                Arg::Long(name) if name == "port" => port = Some(p.number::<u16>(1)?),
                Arg::Long(name) if name == "publish" => {
                    o.publish = Some(crate::frames::parse_frame(p.value()?.as_bytes()))
                }
                Arg::Long(name) if name == "interval" => {
                    o.interval = Duration::from_millis(p.number(1)?)
                }
                Arg::Long(name) if name == "subscribe" => {
                    o.subscribe = Some(crate::frames::parse_frame(p.value()?.as_bytes()))
                }
                Arg::Long(name) if name == "interface" => o.interface = Some(p.value()?),
                Arg::Short('n') => o.count = Some(p.number(1)?),
                Arg::Long(name) if name == "timeout" => {
                    o.timeout = Some(Duration::from_millis(p.number(0)?))
                }
                _ => return Err(unknown(&arg)),
            }
        }
        let Some(port) = port else {
            return usage("--port is required");
        };
        o.port = port;
        if o.publish.is_none() && o.subscribe.is_none() {
            return usage("nothing to do: give --publish and/or --subscribe");
        }
        if o.count.is_some() && o.subscribe.is_none() {
            return usage("-n counts beacons heard: it needs --subscribe");
        }
        for value in [&o.publish, &o.subscribe].into_iter().flatten() {
            if value.len() > MAX_PAYLOAD {
                return usage(format!(
                    "a beacon holds at most {MAX_PAYLOAD} bytes, not {}",
                    value.len()
                ));
            }
        }
        Ok(Some(o))
    }
}

/// Runs `ferrozmq beacon` with the arguments after `beacon`.
pub fn main(args: &[String]) -> ExitCode {
    let result = match BeaconArgs::parse(args) {
        Ok(None) => {
            print!("{HELP}");
            return ExitCode::SUCCESS;
        }
        Ok(Some(opts)) => run(&opts),
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => e.report("beacon"),
    }
}

fn run(o: &BeaconArgs) -> Result<(), Failure> {
    let fail = |what: &str, e: ferrozmq::Error| Failure::Run(format!("{what}: {e}"));
    let ctx = ferrozmq::Context::new();
    let mut options = BeaconOptions::from_env();
    if o.interface.is_some() {
        options.interface.clone_from(&o.interface);
    }
    let beacon = Beacon::with_options(&ctx, options).map_err(|e| fail("cannot start", e))?;
    beacon.configure(o.port).map_err(|e| {
        Failure::Run(format!(
            "no usable interface for port {} ({e}); try --interface",
            o.port
        ))
    })?;
    if let Some(payload) = &o.publish {
        beacon
            .publish(payload, o.interval)
            .map_err(|e| fail("publish", e))?;
    }
    if let Some(prefix) = &o.subscribe {
        beacon.subscribe(prefix).map_err(|e| fail("subscribe", e))?;
    }
    ferrozmq::interrupt::catch_interrupts().map_err(|e| fail("signals", e))?;
    let deadline = o.timeout.map(|t| Instant::now() + t);
    let mut heard = 0;
    let mut stdout = std::io::stdout().lock();
    while o.count.is_none_or(|n| heard < n) && !ferrozmq::interrupt::interrupted() {
        let wait = match deadline {
            Some(at) if Instant::now() >= at => break,
            Some(at) => at - Instant::now(),
            None => Duration::from_millis(100),
        }
        .min(Duration::from_millis(100));
        match beacon.recv_timeout(wait) {
            Ok(Some((address, payload))) => {
                let mut line = address.into_bytes();
                line.push(b'\t');
                format_frame(&payload, b"\t", &mut line);
                line.push(b'\n');
                stdout
                    .write_all(&line)
                    .and_then(|()| stdout.flush())
                    .map_err(|e| Failure::Run(format!("stdout: {e}")))?;
                heard += 1;
            }
            Ok(None) | Err(ferrozmq::Error::EINTR) => {}
            Err(e) => return Err(fail("receive", e)),
        }
    }
    match o.count {
        Some(n) if heard < n && !ferrozmq::interrupt::interrupted() => Err(Failure::Run(format!(
            "heard {heard} of {n} beacons before the timeout"
        ))),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(a: &[&str]) -> Result<Option<BeaconArgs>, Failure> {
        BeaconArgs::parse(&a.iter().map(|s| s.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn parses_every_option() {
        let o = parse(&[
            "--port",
            "9999",
            "--publish",
            "hi",
            "--interval",
            "50",
            "--subscribe",
            "",
            "-n",
            "2",
            "--timeout",
            "500",
            "--interface",
            "*",
        ])
        .unwrap()
        .unwrap();
        assert_eq!(o.port, 9999);
        assert_eq!(o.publish.as_deref(), Some(&b"hi"[..]));
        assert_eq!(o.interval, Duration::from_millis(50));
        assert_eq!(o.subscribe.as_deref(), Some(&b""[..]));
        assert_eq!(o.count, Some(2));
        assert_eq!(o.timeout, Some(Duration::from_millis(500)));
        assert_eq!(o.interface.as_deref(), Some("*"));
        assert_eq!(parse(&["--help"]), Ok(None));
    }

    #[test]
    fn refuses_what_cannot_work() {
        for bad in [
            &["--publish", "x"][..],
            &["--port", "0", "--publish", "x"],
            &["--port", "9999"],
            &["--port", "9999", "--publish", "x", "-n", "1"],
            &["--port", "9999", "--frobnicate"],
        ] {
            assert!(matches!(parse(bad), Err(Failure::Usage(_))), "{bad:?}");
        }
        let long = "x".repeat(256);
        assert!(matches!(
            parse(&["--port", "1", "--publish", &long]),
            Err(Failure::Usage(_))
        ));
    }
}
