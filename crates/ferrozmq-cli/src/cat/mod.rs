//! `ferrozmq cat`: speak ZeroMQ from the shell. Lines of stdin become
//! messages, received messages become lines of stdout (see [`crate::frames`]
//! for the line format); what else happens depends on the socket type's role
//! ([`Role`]).

mod draft;
mod input;
mod output;
mod run;

use std::process::ExitCode;

use ferrozmq::SocketType;

use crate::cli_args::{unknown, usage, Arg, ArgParser, Failure};
use crate::frames::{parse_frame, parse_line};
use crate::security::{self, SecurityOptions};
use crate::sock_opts::{self, SocketOptions};

/// `ferrozmq cat --help`.
pub const HELP: &str = "\
usage: ferrozmq cat <TYPE> [-b|--bind EP]... [-c|--connect EP]... [options]

Sends each line of stdin as one message and prints each message received as
one line of stdout. TYPE (any case): pair pub sub xpub xsub req rep dealer
router push pull stream, and the draft types client server radio dish scatter
gather peer channel.

Lines: frames are separated by TAB (or --separator S); a frame written 0x
followed by hex digits is those bytes (0x alone: an empty frame). A received
frame that is not printable UTF-8, or holds TAB or a newline, is printed as 0x
and lowercase hex. Output is flushed after every message.

What each type does:
  push pub           send stdin, then exit once it is delivered (see --linger)
  pull sub           print messages until -n or --timeout (sub: all topics
                     unless -s is given)
  req                send each line and print its reply
  rep                print each request and answer it with itself (or --reply)
  others             send stdin and print what arrives; after stdin ends keep
                     printing until -n or --timeout (xpub prints the
                     subscriptions it gets, e.g. 0x01746f706963 for 'topic')
  radio dish         like push and pull, with lines GROUP<TAB>BODY (dish: -j)
  server peer        lines ROUTING-ID<TAB>BODY (the id a received message
                     printed); client scatter gather channel: one-field lines

options:
  -b, --bind EP        bind to EP (repeatable); a wildcard port is reported on stderr
  -c, --connect EP     connect to EP (repeatable)
  -s, --subscribe P    subscribe to prefix P (sub/xsub; repeatable; 0x… for binary)
  -j, --join GROUP     join GROUP (dish; repeatable; at most 255 bytes)
  -n, --count N        stop after receiving N messages
  --timeout MS         stop after MS without a message (exit 1 if -n was not
                       reached); also bounds each send and each REQ reply
  --delay MS           wait MS after connecting before the first send (slow joiners)
  --separator S        frame separator for input and output (default TAB)
  --reply TEXT         rep: answer every request with TEXT (a line, frames as above)
  --progress           report messages and bytes on stderr every second
";

/// What a socket type does with stdin and the socket.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// PUSH, PUB, SCATTER, RADIO: send stdin, then exit.
    Send,
    /// PULL, SUB, GATHER, DISH: print what arrives.
    Receive,
    /// REQ: send a line, print its reply.
    Request,
    /// REP: print a request, answer it.
    Reply,
    /// Everything else: send stdin and print what arrives.
    Both,
}

impl Role {
    /// The role of a socket type.
    pub fn of(kind: SocketType) -> Role {
        use SocketType::*;
        match kind {
            PUSH | PUB | SCATTER | RADIO => Role::Send,
            PULL | SUB | GATHER | DISH => Role::Receive,
            REQ => Role::Request,
            REP => Role::Reply,
            _ => Role::Both,
        }
    }
}

/// Everything `cat` was told.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CatOptions {
    /// The socket type.
    pub kind: SocketType,
    /// `-b` endpoints, in order.
    pub binds: Vec<String>,
    /// `-c` endpoints, in order.
    pub connects: Vec<String>,
    /// `-s` prefixes.
    pub subscribe: Vec<Vec<u8>>,
    /// `-j` groups (DISH).
    pub join: Vec<String>,
    /// Options set on the socket.
    pub socket: SocketOptions,
    /// Its security flags.
    pub security: SecurityOptions,
    /// `-n`: stop after this many received messages.
    pub count: Option<u64>,
    /// `--timeout` in ms.
    pub timeout: Option<i32>,
    /// `--delay` in ms.
    pub delay: u64,
    /// The frame separator.
    pub separator: Vec<u8>,
    /// `--reply`, already split into frames.
    pub reply: Option<Vec<Vec<u8>>>,
    /// `--progress`.
    pub progress: bool,
}

impl CatOptions {
    /// Parses the arguments after `cat`; `Ok(None)` means `--help`.
    pub fn parse(args: &[String]) -> Result<Option<CatOptions>, Failure> {
        let mut p = ArgParser::new(args);
        let mut kind = None;
        let mut o = CatOptions {
            kind: SocketType::PAIR,
            binds: Vec::new(),
            connects: Vec::new(),
            subscribe: Vec::new(),
            join: Vec::new(),
            socket: SocketOptions::default(),
            security: SecurityOptions::default(),
            count: None,
            timeout: None,
            delay: 0,
            separator: b"\t".to_vec(),
            reply: None,
            progress: false,
        };
        let mut reply_text = None;
        while let Some(arg) = p.next_arg()? {
            if arg.is_help() {
                return Ok(None);
            }
            if o.socket.parse(&arg, &mut p)? || o.security.parse(&arg, &mut p)? {
                continue;
            }
            match &arg {
                Arg::Positional(name) if kind.is_none() => {
                    kind = Some(sock_opts::socket_type(name)?)
                }
                Arg::Short('b') => o.binds.push(p.value()?),
                Arg::Short('c') => o.connects.push(p.value()?),
                Arg::Short('s') => o.subscribe.push(parse_frame(p.value()?.as_bytes())),
                Arg::Short('n') => o.count = Some(p.number(1)?),
                Arg::Short('j') => o.join.push(p.value()?),
                Arg::Long(name) => match name.as_str() {
                    "bind" => o.binds.push(p.value()?),
                    "connect" => o.connects.push(p.value()?),
                    "subscribe" => o.subscribe.push(parse_frame(p.value()?.as_bytes())),
                    "count" => o.count = Some(p.number(1)?),
                    "join" => o.join.push(p.value()?),
                    "timeout" => o.timeout = Some(p.number(0)?),
                    "delay" => o.delay = p.number(0)?,
                    "separator" => o.separator = p.value()?.into_bytes(),
                    "reply" => reply_text = Some(p.value()?),
                    "progress" => o.progress = true,
                    _ => return Err(unknown(&arg)),
                },
                _ => return Err(unknown(&arg)),
            }
        }
        let Some(kind) = kind else {
            return usage("missing socket type");
        };
        o.kind = kind;
        if o.binds.is_empty() && o.connects.is_empty() {
            return usage("no endpoint: give -b/--bind or -c/--connect");
        }
        o.security.check()?;
        if o.separator.is_empty() || o.separator.contains(&b'\n') {
            return usage("--separator must be non-empty and hold no newline");
        }
        if !o.subscribe.is_empty() && !matches!(kind, SocketType::SUB | SocketType::XSUB) {
            return usage("-s/--subscribe is for sub and xsub sockets");
        }
        if !o.join.is_empty() && kind != SocketType::DISH {
            return usage("-j/--join is for dish sockets");
        }
        if let Some(text) = reply_text {
            if kind != SocketType::REP {
                return usage("--reply is for rep sockets");
            }
            o.reply = Some(parse_line(text.as_bytes(), &o.separator));
        }
        Ok(Some(o))
    }
}

/// Runs `ferrozmq cat` with the arguments after `cat`.
pub fn main(args: &[String]) -> ExitCode {
    let result = match CatOptions::parse(args) {
        Ok(None) => {
            print!("{HELP}\n{}\n{}", sock_opts::HELP, security::HELP);
            return ExitCode::SUCCESS;
        }
        Ok(Some(opts)) => run::run(&opts),
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => e.report("cat"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(a: &[&str]) -> Result<Option<CatOptions>, Failure> {
        CatOptions::parse(&a.iter().map(|s| s.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn parses_a_full_command_line() {
        let o = parse(&[
            "SUB",
            "-c",
            "tcp://a:1",
            "--bind=ipc://x",
            "-s",
            "0x01",
            "--subscribe",
            "-t",
            "-n",
            "5",
            "--timeout",
            "100",
            "--separator",
            "|",
            "--linger",
            "0",
        ])
        .unwrap()
        .unwrap();
        assert_eq!(o.kind, SocketType::SUB);
        assert_eq!(
            (o.connects.as_slice(), o.binds.as_slice()),
            (&["tcp://a:1".to_string()][..], &["ipc://x".to_string()][..])
        );
        assert_eq!(o.subscribe, vec![vec![1], b"-t".to_vec()]);
        assert_eq!(
            (o.count, o.timeout, o.socket.linger),
            (Some(5), Some(100), Some(0))
        );
        assert_eq!(o.separator, b"|");
        assert_eq!(parse(&["pull", "--help"]), Ok(None));
    }

    #[test]
    fn rejects_bad_command_lines() {
        for bad in [
            &["pull"][..],
            &["-b", "tcp://a:1"],
            &["nosuch", "-b", "x"],
            &["pull", "-b", "x", "extra"],
            &["pull", "-b", "x", "--frob"],
            &["pull", "-b", "x", "-n", "0"],
            &["pull", "-b", "x", "--timeout", "soon"],
            &["pull", "-b", "x", "-s", "a"],
            &["req", "-b", "x", "--reply", "a"],
            &["pair", "-b", "x", "--separator", ""],
            &["pair", "-b"],
            &["sub", "-b", "x", "-j", "g"],
        ] {
            assert!(matches!(parse(bad), Err(Failure::Usage(_))), "{bad:?}");
        }
    }

    #[test]
    fn roles_follow_the_socket_type() {
        assert_eq!(Role::of(SocketType::PUB), Role::Send);
        assert_eq!(Role::of(SocketType::SUB), Role::Receive);
        assert_eq!(Role::of(SocketType::XSUB), Role::Both);
        assert_eq!(Role::of(SocketType::STREAM), Role::Both);
        assert_eq!(Role::of(SocketType::RADIO), Role::Send);
        assert_eq!(Role::of(SocketType::DISH), Role::Receive);
        assert_eq!(Role::of(SocketType::SERVER), Role::Both);
        let o = parse(&[
            "dish",
            "-b",
            "tcp://127.0.0.1:5555",
            "-j",
            "a",
            "--join",
            "b",
        ]);
        assert_eq!(o.unwrap().unwrap().join, ["a", "b"]);
    }
}
