//! What the shell subcommands share about their sockets: socket type names,
//! the socket options every one of them accepts (`--sndhwm`, `--identity`, …)
//! and binding/connecting a list of endpoints.
//!
//! The security flags (`--plain-*`, `--curve-*`, `--zap-domain`) live in
//! [`crate::security`]: they are checked as a whole, may start a ZAP handler,
//! and `proxy` gives them to its frontend only.

use ferrozmq::{Socket, SocketType};

use crate::cli_args::{usage, Arg, ArgParser, Failure};
use crate::frames::parse_frame;

/// Help text for the options [`SocketOptions`] understands.
pub const HELP: &str = "\
socket options:
  --identity ID        routing id of this socket (0x… for binary)
  --sndhwm N           send high-water mark, messages per peer (default 1000)
  --rcvhwm N           receive high-water mark, messages per peer (default 1000)
  --linger MS          how long unsent messages are kept at exit (-1: until sent)
  --heartbeat-ivl MS   send ZMTP PINGs every MS (0: none)
";

/// Socket options given on the command line; `None` keeps the default.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SocketOptions {
    /// `--identity`: ZMQ_ROUTING_ID.
    pub identity: Option<Vec<u8>>,
    /// `--sndhwm`: ZMQ_SNDHWM.
    pub sndhwm: Option<i32>,
    /// `--rcvhwm`: ZMQ_RCVHWM.
    pub rcvhwm: Option<i32>,
    /// `--linger`: ZMQ_LINGER.
    pub linger: Option<i32>,
    /// `--heartbeat-ivl`: ZMQ_HEARTBEAT_IVL.
    pub heartbeat_ivl: Option<i32>,
}

impl SocketOptions {
    /// Takes `arg` (and its value) if it is one of the socket options;
    /// `Ok(false)` leaves it to the caller.
    pub fn parse(&mut self, arg: &Arg, p: &mut ArgParser) -> Result<bool, Failure> {
        let Arg::Long(name) = arg else {
            return Ok(false);
        };
        match name.as_str() {
            "identity" => {
                let id = parse_frame(p.value()?.as_bytes());
                if id.is_empty() || id.len() > 255 || id[0] == 0 {
                    return usage("--identity must be 1 to 255 bytes, not starting with 0x00");
                }
                self.identity = Some(id);
            }
            "sndhwm" => self.sndhwm = Some(p.number(0)?),
            "rcvhwm" => self.rcvhwm = Some(p.number(0)?),
            "linger" => self.linger = Some(p.number(-1)?),
            "heartbeat-ivl" => self.heartbeat_ivl = Some(p.number(0)?),
            _ => return Ok(false),
        }
        Ok(true)
    }

    /// Sets the options on `socket` (before it binds or connects).
    pub fn apply(&self, socket: &Socket) -> Result<(), Failure> {
        let set = |what: &str, r: ferrozmq::Result<()>| {
            r.map_err(|e| Failure::Run(format!("cannot set {what}: {e}")))
        };
        if let Some(id) = &self.identity {
            set("--identity", socket.set_identity(id))?;
        }
        if let Some(n) = self.sndhwm {
            set("--sndhwm", socket.set_sndhwm(n))?;
        }
        if let Some(n) = self.rcvhwm {
            set("--rcvhwm", socket.set_rcvhwm(n))?;
        }
        if let Some(ms) = self.linger {
            set("--linger", socket.set_linger(ms))?;
        }
        if let Some(ms) = self.heartbeat_ivl {
            set("--heartbeat-ivl", socket.set_heartbeat_ivl(ms))?;
        }
        Ok(())
    }
}

/// A socket type by name, case-insensitive (`pub`, `XPUB`, `Dealer`…).
pub fn socket_type(name: &str) -> Result<SocketType, Failure> {
    SocketType::from_name(name.to_ascii_uppercase().as_bytes())
        .ok_or_else(|| Failure::Usage(format!("unknown socket type '{name}'")))
}

/// Makes a socket of `kind` in `ctx`, explaining a type the library lacks.
pub fn make_socket(ctx: &ferrozmq::Context, kind: SocketType) -> Result<Socket, Failure> {
    ctx.socket(kind).map_err(|e| {
        Failure::Run(format!(
            "cannot make a {} socket: {e} (not available in this build)",
            kind.name()
        ))
    })
}

/// Binds `socket` to an endpoint; when the endpoint had a wildcard port
/// (`tcp://127.0.0.1:*`), tells on stderr which one it got, as
/// `ferrozmq <label>bound to <endpoint>` (`label`: `"cat: "`,
/// `"proxy: frontend "`…).
pub fn bind(socket: &Socket, endpoint: &str, label: &str) -> Result<(), Failure> {
    socket
        .bind(endpoint)
        .map_err(|e| Failure::Run(format!("cannot bind {endpoint}: {e}")))?;
    if endpoint.contains('*') {
        if let Ok(Ok(bound)) = socket.get_last_endpoint() {
            eprintln!("ferrozmq {label}bound to {bound}");
        }
    }
    Ok(())
}

/// Connects `socket` to an endpoint.
pub fn connect(socket: &Socket, endpoint: &str) -> Result<(), Failure> {
    socket
        .connect(endpoint)
        .map_err(|e| Failure::Run(format!("cannot connect to {endpoint}: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_names_are_case_insensitive() {
        assert_eq!(socket_type("xPub"), Ok(SocketType::XPUB));
        assert_eq!(socket_type("scatter"), Ok(SocketType::SCATTER));
        assert!(matches!(socket_type("pubsub"), Err(Failure::Usage(_))));
    }

    #[test]
    fn parses_its_own_options_and_leaves_the_rest() {
        let args: Vec<String> = ["--identity", "0x0102", "--linger", "-1", "--count", "1"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let mut p = ArgParser::new(&args);
        let mut o = SocketOptions::default();
        let mut left = Vec::new();
        while let Some(arg) = p.next_arg().unwrap() {
            if !o.parse(&arg, &mut p).unwrap() {
                left.push(arg);
                p.value().unwrap();
            }
        }
        assert_eq!(o.identity, Some(vec![1, 2]));
        assert_eq!(o.linger, Some(-1));
        assert_eq!(left, vec![Arg::Long("count".into())]);
    }
}
