//! `ferrozmq zyre`: a Zyre node from the shell, on `ferrozmq-zyre` (ZRE v2, interoperable
//! with Zyre 2 and pyre), discovering by beacons or gossip. Joins groups, prints each event as one tab-separated line, and
//! shouts each stdin line to the first joined group (or whispers it to one peer).

use std::collections::{HashMap, VecDeque};
use std::io::{BufRead, Write};
use std::process::ExitCode;
use std::sync::mpsc::{channel, Receiver};
use std::time::{Duration, Instant};

use ferrozmq::Uuid;
use ferrozmq_zyre::{Event, Node};

use crate::cli_args::{unknown, usage, Arg, ArgParser, Failure};
use crate::frames::format_frame;

/// `ferrozmq zyre --help`.
pub const HELP: &str = "\
usage: ferrozmq zyre [--name NAME] [--join GROUP]... [--header KEY=VALUE]...
                     [--interface IF] [--port P] [--interval MS]
                     [--endpoint EP] [--gossip-bind EP] [--gossip-connect EP]...
                     [--whisper-to NAME] [-n N] [--timeout MS]

A ZRE node (RFC 36 v2, as Zyre 2 and pyre): finds peers by UDP beacons (or a
gossip hub), joins the groups given, and prints each event as one line, fields
separated by tabs:
  ENTER uuid name endpoint [KEY=VALUE...]   EXIT uuid name
  JOIN uuid name group                      LEAVE uuid name group
  SHOUT uuid name group frames...           WHISPER uuid name frames...
  EVASIVE uuid name                         SILENT uuid name
(frames as text, or 0x... hex if not printable). Each stdin line is shouted to
the first joined group, or whispered to the peer called NAME (lines wait until
it has entered).

options:
  --name NAME         our name (default: the first six hex digits of our UUID)
  --join GROUP        join GROUP (repeatable)
  --header KEY=VALUE  a header sent to peers (repeatable)
  --interface IF      beacon interface (name, address, index or *); default
                      ZSYS_INTERFACE, else the first broadcast interface
  --port P            UDP beacon port (default 5670)
  --interval MS       beacon interval (default 1000)
  --endpoint EP       bind our ZRE ROUTER to EP and tell peers EP (a * port is
                      resolved); turns beacons off
  --gossip-bind EP    run a gossip hub (ZGOSSIP, as Zyre's) on EP; turns
                      beacons off
  --gossip-connect EP find peers through the gossip hub at EP (repeatable);
                      turns beacons off
  --whisper-to NAME   whisper stdin lines to NAME instead of shouting
  -n N                exit after printing N events
  --timeout MS        exit after MS milliseconds (status 1 if -n was given and
                      fewer events were printed)
Without -n or --timeout it runs until interrupted.
";

/// Everything `zyre` was told.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ZyreArgs {
    pub name: Option<String>,
    pub groups: Vec<String>,
    pub headers: Vec<(String, String)>,
    pub interface: Option<String>,
    pub port: Option<u16>,
    pub interval: Option<Duration>,
    pub whisper_to: Option<String>,
    pub endpoint: Option<String>,
    pub gossip_bind: Option<String>,
    pub gossip_connect: Vec<String>,
    pub count: Option<u64>,
    pub timeout: Option<Duration>,
}

impl ZyreArgs {
    /// Parses the arguments after `zyre`; `Ok(None)` means `--help`.
    pub fn parse(args: &[String]) -> Result<Option<ZyreArgs>, Failure> {
        let mut p = ArgParser::new(args);
        let mut o = ZyreArgs::default();
        while let Some(arg) = p.next_arg()? {
            if arg.is_help() {
                return Ok(None);
            }
            match &arg {
                Arg::Long(name) if name == "name" => o.name = Some(p.value()?),
                Arg::Long(name) if name == "join" => o.groups.push(p.value()?),
                Arg::Long(name) if name == "header" => {
                    let value = p.value()?;
                    let Some((key, value)) = value.split_once('=') else {
                        return usage(format!("--header wants KEY=VALUE, not '{value}'"));
                    };
                    o.headers.push((key.into(), value.into()));
                }
                Arg::Long(name) if name == "interface" => o.interface = Some(p.value()?),
                Arg::Long(name) if name == "port" => o.port = Some(p.number::<u16>(0)?),
                Arg::Long(name) if name == "interval" => {
                    o.interval = Some(Duration::from_millis(p.number(1)?))
                }
                Arg::Long(name) if name == "whisper-to" => o.whisper_to = Some(p.value()?),
                Arg::Long(name) if name == "endpoint" => o.endpoint = Some(p.value()?),
                Arg::Long(name) if name == "gossip-bind" => o.gossip_bind = Some(p.value()?),
                Arg::Long(name) if name == "gossip-connect" => o.gossip_connect.push(p.value()?),
                Arg::Short('n') => o.count = Some(p.number(1)?),
                Arg::Long(name) if name == "timeout" => {
                    o.timeout = Some(Duration::from_millis(p.number(0)?))
                }
                _ => return Err(unknown(&arg)),
            }
        }
        let too_long = (o.groups.iter().chain(o.name.iter()))
            .chain(o.headers.iter().map(|(k, _)| k))
            .find(|s| s.len() > 255);
        if let Some(s) = too_long {
            return usage(format!(
                "names, groups and header keys hold at most 255 bytes: '{s}'"
            ));
        }
        Ok(Some(o))
    }
}

/// Runs `ferrozmq zyre` with the arguments after `zyre`.
pub fn main(args: &[String]) -> ExitCode {
    let result = match ZyreArgs::parse(args) {
        Ok(None) => {
            print!("{HELP}");
            return ExitCode::SUCCESS;
        }
        Ok(Some(opts)) => run(&opts),
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => e.report("zyre"),
    }
}

fn fail(what: &str, e: ferrozmq::Error) -> Failure {
    Failure::Run(format!("{what}: {e}"))
}

fn start(ctx: &ferrozmq::Context, o: &ZyreArgs) -> Result<Node, ferrozmq::Error> {
    let mut node = Node::new(ctx, o.name.as_deref())?;
    for (key, value) in &o.headers {
        node.set_header(key, value)?;
    }
    if let Some(interface) = &o.interface {
        node.set_interface(interface)?;
    }
    if let Some(port) = o.port {
        node.set_port(port)?;
    }
    if let Some(interval) = o.interval {
        node.set_interval(interval)?;
    }
    if let Some(endpoint) = &o.endpoint {
        node.set_endpoint(endpoint)?;
    }
    if let Some(hub) = &o.gossip_bind {
        node.gossip_bind(hub)?;
    }
    for hub in &o.gossip_connect {
        node.gossip_connect(hub)?;
    }
    for group in &o.groups {
        node.join(group)?;
    }
    node.start()?;
    Ok(node)
}

/// Stdin lines, read on a thread of their own.
fn stdin_lines() -> Receiver<String> {
    let (tx, rx) = channel();
    std::thread::spawn(move || {
        for line in std::io::stdin().lock().lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    rx
}

/// One event as its printed line.
fn format_event(event: &Event) -> Vec<u8> {
    let mut fields: Vec<Vec<u8>> = vec![
        event.kind().into(),
        event.peer().to_string().into(),
        event.name().into(),
    ];
    if let Event::Enter {
        headers, address, ..
    } = event
    {
        fields.push(address.clone().into());
        fields.extend(headers.iter().map(|(k, v)| format!("{k}={v}").into_bytes()));
    }
    if let Some(group) = event.group() {
        fields.push(group.into());
    }
    let mut line = fields.join(&b'\t');
    for frame in event.content().unwrap_or_default() {
        line.push(b'\t');
        format_frame(frame, b"\t", &mut line);
    }
    line.push(b'\n');
    line
}

fn run(o: &ZyreArgs) -> Result<(), Failure> {
    let ctx = ferrozmq::Context::new();
    let node = start(&ctx, o).map_err(|e| fail("cannot start the node", e))?;
    ferrozmq::interrupt::catch_interrupts().map_err(|e| fail("signals", e))?;
    let lines = stdin_lines();
    let mut pending: VecDeque<String> = VecDeque::new();
    let mut names: HashMap<String, Uuid> = HashMap::new();
    let deadline = o.timeout.map(|t| Instant::now() + t);
    let mut printed = 0;
    let mut stdout = std::io::stdout().lock();
    while o.count.is_none_or(|n| printed < n) && !ferrozmq::interrupt::interrupted() {
        let wait = match deadline {
            Some(at) if Instant::now() >= at => break,
            Some(at) => at - Instant::now(),
            None => Duration::from_millis(50),
        }
        .min(Duration::from_millis(50));
        pending.extend(lines.try_iter());
        send_pending(&node, o, &names, &mut pending)?;
        match node.recv_timeout(wait) {
            Ok(Some(event)) => {
                match &event {
                    Event::Enter { peer, name, .. } => {
                        names.insert(name.clone(), *peer);
                    }
                    Event::Exit { name, .. } => {
                        names.remove(name);
                    }
                    _ => {}
                }
                stdout
                    .write_all(&format_event(&event))
                    .and_then(|()| stdout.flush())
                    .map_err(|e| Failure::Run(format!("stdout: {e}")))?;
                printed += 1;
            }
            Ok(None) | Err(ferrozmq::Error::EINTR) => {}
            Err(e) => return Err(fail("receive", e)),
        }
    }
    match o.count {
        Some(n) if printed < n && !ferrozmq::interrupt::interrupted() => Err(Failure::Run(
            format!("printed {printed} of {n} events before the timeout"),
        )),
        _ => Ok(()),
    }
}

/// Shouts or whispers the stdin lines that can go now (whispers wait for their peer).
fn send_pending(
    node: &Node,
    o: &ZyreArgs,
    names: &HashMap<String, Uuid>,
    pending: &mut VecDeque<String>,
) -> Result<(), Failure> {
    match &o.whisper_to {
        Some(name) => {
            if let Some(peer) = names.get(name) {
                for line in pending.drain(..) {
                    node.whispers(peer, &line).map_err(|e| fail("whisper", e))?;
                }
            }
        }
        None => match o.groups.first() {
            Some(group) => {
                for line in pending.drain(..) {
                    node.shouts(group, &line).map_err(|e| fail("shout", e))?;
                }
            }
            None => pending.clear(),
        },
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(a: &[&str]) -> Result<Option<ZyreArgs>, Failure> {
        ZyreArgs::parse(&a.iter().map(|s| s.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn parses_every_option() {
        let o = parse(&[
            "--name",
            "n",
            "--join",
            "A",
            "--join",
            "B",
            "--header",
            "K=V=W",
            "--interface",
            "lo",
            "--port",
            "5671",
            "--interval",
            "100",
            "--whisper-to",
            "bob",
            "--endpoint",
            "tcp://127.0.0.1:*",
            "--gossip-bind",
            "tcp://127.0.0.1:5999",
            "--gossip-connect",
            "tcp://10.0.0.1:5999",
            "--gossip-connect",
            "tcp://10.0.0.2:5999",
            "-n",
            "3",
            "--timeout",
            "500",
        ])
        .unwrap()
        .unwrap();
        assert_eq!(o.name.as_deref(), Some("n"));
        assert_eq!(o.groups, ["A", "B"]);
        assert_eq!(o.headers, [("K".to_string(), "V=W".to_string())]);
        assert_eq!(o.interface.as_deref(), Some("lo"));
        assert_eq!(
            (o.port, o.interval),
            (Some(5671), Some(Duration::from_millis(100)))
        );
        assert_eq!(o.whisper_to.as_deref(), Some("bob"));
        assert_eq!(o.endpoint.as_deref(), Some("tcp://127.0.0.1:*"));
        assert_eq!(o.gossip_bind.as_deref(), Some("tcp://127.0.0.1:5999"));
        assert_eq!(
            o.gossip_connect,
            ["tcp://10.0.0.1:5999", "tcp://10.0.0.2:5999"]
        );
        assert_eq!(
            (o.count, o.timeout),
            (Some(3), Some(Duration::from_millis(500)))
        );
    }

    #[test]
    fn refuses_bad_options() {
        assert!(matches!(
            parse(&["--header", "novalue"]),
            Err(Failure::Usage(_))
        ));
        assert!(matches!(
            parse(&["--join", &"g".repeat(256)]),
            Err(Failure::Usage(_))
        ));
        assert!(matches!(parse(&["--bogus"]), Err(Failure::Usage(_))));
        assert_eq!(parse(&["--help"]).unwrap(), None);
    }

    #[test]
    fn events_print_as_tab_separated_lines() {
        let peer = Uuid::from_bytes([0xAB; 16]);
        let uuid = "AB".repeat(16);
        let enter = Event::Enter {
            peer,
            name: "bob".into(),
            headers: [("K".to_string(), "V".to_string())].into(),
            address: "tcp://127.0.0.1:5".into(),
        };
        assert_eq!(
            format_event(&enter),
            format!("ENTER\t{uuid}\tbob\ttcp://127.0.0.1:5\tK=V\n").into_bytes()
        );
        let shout = Event::Shout {
            peer,
            name: "bob".into(),
            group: "G".into(),
            content: vec!["hi".into(), (&[0u8, 1][..]).into()],
        };
        assert_eq!(
            format_event(&shout),
            format!("SHOUT\t{uuid}\tbob\tG\thi\t0x0001\n").into_bytes()
        );
    }
}
