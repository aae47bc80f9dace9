//! The four perf tools, step for step as libzmq's `perf/*.cpp` (4.3.x):
//! same socket types, same (absence of) options, same clock span, same
//! output lines and error texts.
//!
//! One difference that cannot be avoided through the `zmq` crate: its
//! `Message::with_size` zero-fills the buffer (`zmq_msg_init_size` +
//! memset), where `remote_thr.cpp` leaves it uninitialised. ferrozmq's
//! `Message::with_size` zero-fills too, so comparisons stay like for like.

use std::fmt;
use std::time::Instant;

use crate::patterns::parse_int;
use crate::report::{lat_report, thr_report};

/// CURVE server secret key of libzmq's `local_thr.cpp` (Z85). The keys are
/// arbitrary but must be these so that either end can be libzmq's own tool.
const SERVER_SECRET_KEY: &[u8] = b"{X}#>t#jRGaQ}gMhv=30r(Mw+87YGs+5%kh=i@f8";
/// CURVE server public key of libzmq's `remote_thr.cpp` (Z85).
const SERVER_PUBLIC_KEY: &[u8] = b"DX4nh=yUn{-9ugra0X3Src4SU-4xTgqxcYY.+<SH";
/// CURVE client public key of libzmq's `remote_thr.cpp` (Z85).
const CLIENT_PUBLIC_KEY: &[u8] = b"<n^oA}I:66W+*ds3tAmi1+KJzv-}k&fC2aA5Bj0K";
/// CURVE client secret key of libzmq's `remote_thr.cpp` (Z85).
const CLIENT_SECRET_KEY: &[u8] = b"9R9bV}[6z6DC-%$!jTVTKvWc=LEL{4i4gzUe$@Zx";

/// Which of the four tools to run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tool {
    /// PULL, binds, measures receiver-side throughput.
    LocalThr,
    /// PUSH, connects, sends `message-count` messages.
    RemoteThr,
    /// REP, binds, echoes `roundtrip-count` messages.
    LocalLat,
    /// REQ, connects, measures the average one-way latency.
    RemoteLat,
}

impl Tool {
    /// Looks a subcommand name up (`local-thr`, also libzmq's `local_thr`).
    pub fn from_name(name: &str) -> Option<Tool> {
        match name {
            "local-thr" | "local_thr" => Some(Tool::LocalThr),
            "remote-thr" | "remote_thr" => Some(Tool::RemoteThr),
            "local-lat" | "local_lat" => Some(Tool::LocalLat),
            "remote-lat" | "remote_lat" => Some(Tool::RemoteLat),
            _ => None,
        }
    }

    /// The subcommand name.
    pub fn name(self) -> &'static str {
        match self {
            Tool::LocalThr => "local-thr",
            Tool::RemoteThr => "remote-thr",
            Tool::LocalLat => "local-lat",
            Tool::RemoteLat => "remote-lat",
        }
    }

    /// The usage line, libzmq's with our subcommand name.
    pub fn usage(self) -> &'static str {
        match self {
            Tool::LocalThr => "local-thr <bind-to> <message-size> <message-count> [<enable_curve>]",
            Tool::RemoteThr => {
                "remote-thr <connect-to> <message-size> <message-count> [<enable_curve>]"
            }
            Tool::LocalLat => "local-lat <bind-to> <message-size> <roundtrip-count>",
            Tool::RemoteLat => "remote-lat <connect-to> <message-size> <roundtrip-count>",
        }
    }

    /// One paragraph on what the tool does, for `--help`.
    pub fn about(self) -> &'static str {
        match self {
            Tool::LocalThr => {
                "PULL socket, binds, receives <message-count> messages of <message-size> bytes; \
                 the clock starts after the first one. Prints size, count and mean throughput."
            }
            Tool::RemoteThr => {
                "PUSH socket, connects, sends <message-count> messages of <message-size> bytes, \
                 then closes and waits until they are delivered."
            }
            Tool::LocalLat => {
                "REP socket, binds, echoes <roundtrip-count> messages of <message-size> bytes."
            }
            Tool::RemoteLat => {
                "REQ socket, connects, sends <roundtrip-count> requests of <message-size> bytes \
                 and prints the average one-way latency (round-trip time / 2)."
            }
        }
    }

    fn is_thr(self) -> bool {
        matches!(self, Tool::LocalThr | Tool::RemoteThr)
    }
}

/// Validated command-line arguments of a tool.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Params {
    /// Endpoint to bind (local tools) or connect (remote tools) to.
    pub endpoint: String,
    /// Size of every message in bytes.
    pub size: usize,
    /// Number of messages (thr) or round trips (lat); at least 1.
    pub count: u32,
    /// Whether CURVE is on (thr tools' optional fourth argument).
    pub curve: bool,
}

impl Params {
    /// Parses the positional arguments after the subcommand name. Unlike
    /// libzmq's `atoi`, numbers must be well-formed and in range: a typo is
    /// reported instead of measuring nothing.
    pub fn parse(tool: Tool, args: &[String]) -> Result<Params, String> {
        let max = if tool.is_thr() { 4 } else { 3 };
        if args.len() < 3 || args.len() > max {
            return Err(format!(
                "expected {} arguments, got {}",
                if tool.is_thr() { "3 or 4" } else { "3" },
                args.len()
            ));
        }
        let size = parse_int(&args[1], "message-size", 0)?;
        let count_name = if tool.is_thr() {
            "message-count"
        } else {
            "roundtrip-count"
        };
        let count = parse_int(&args[2], count_name, 1)?;
        let curve = match args.get(3) {
            Some(a) => parse_int(a, "enable_curve", 0)? != 0,
            None => false,
        };
        Ok(Params {
            endpoint: args[0].clone(),
            size: size as usize,
            count,
            curve,
        })
    }
}

/// A runtime failure, displayed exactly as libzmq's tools print it.
#[derive(Debug)]
pub enum PerfError {
    /// A libzmq call failed: `error in <call>: <strerror>`.
    Call(&'static str, zmq::Error),
    /// A message of another size than `<message-size>` arrived.
    WrongSize,
}

impl fmt::Display for PerfError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PerfError::Call(call, e) => write!(f, "error in {call}: {}", e.message()),
            PerfError::WrongSize => f.write_str("message of incorrect size received"),
        }
    }
}

impl std::error::Error for PerfError {}

/// Attaches the name of the libzmq call to an error, as libzmq's tools do.
trait Ctx<T> {
    fn ctx(self, call: &'static str) -> Result<T, PerfError>;
}

impl<T> Ctx<T> for zmq::Result<T> {
    fn ctx(self, call: &'static str) -> Result<T, PerfError> {
        self.map_err(|e| PerfError::Call(call, e))
    }
}

/// Runs `tool` with `params`, printing its report on stdout.
pub fn run(tool: Tool, params: &Params) -> Result<(), PerfError> {
    // zmq_init (1): one I/O thread, which is also the zmq crate's default.
    let ctx = zmq::Context::new();
    let result = match tool {
        Tool::LocalThr => local_thr(&ctx, params),
        Tool::RemoteThr => remote_thr(&ctx, params),
        Tool::LocalLat => local_lat(&ctx, params),
        Tool::RemoteLat => remote_lat(&ctx, params),
    };
    // Sockets are closed inside each tool; zmq_ctx_term waits (LINGER -1)
    // until everything queued is delivered.
    let mut ctx = ctx;
    result?;
    ctx.destroy().ctx("zmq_ctx_term")
}

fn local_thr(ctx: &zmq::Context, p: &Params) -> Result<(), PerfError> {
    let s = ctx.socket(zmq::PULL).ctx("zmq_socket")?;
    if p.curve {
        s.set_curve_secretkey(SERVER_SECRET_KEY)
            .ctx("zmq_setsockoopt")?;
        s.set_curve_server(true).ctx("zmq_setsockoopt")?;
    }
    s.bind(&p.endpoint).ctx("zmq_bind")?;
    let mut msg = zmq::Message::new();
    s.recv(&mut msg, 0).ctx("zmq_recvmsg")?;
    if msg.len() != p.size {
        return Err(PerfError::WrongSize);
    }
    let watch = Instant::now();
    for _ in 1..p.count {
        s.recv(&mut msg, 0).ctx("zmq_recvmsg")?;
        if msg.len() != p.size {
            return Err(PerfError::WrongSize);
        }
    }
    let elapsed = watch.elapsed().as_micros() as u64;
    drop(msg);
    print!("{}", thr_report(p.size, p.count, elapsed));
    drop(s);
    Ok(())
}

fn remote_thr(ctx: &zmq::Context, p: &Params) -> Result<(), PerfError> {
    let s = ctx.socket(zmq::PUSH).ctx("zmq_socket")?;
    if p.curve {
        s.set_curve_secretkey(CLIENT_SECRET_KEY)
            .ctx("zmq_setsockoopt")?;
        s.set_curve_publickey(CLIENT_PUBLIC_KEY)
            .ctx("zmq_setsockoopt")?;
        s.set_curve_serverkey(SERVER_PUBLIC_KEY)
            .ctx("zmq_setsockoopt")?;
    }
    s.connect(&p.endpoint).ctx("zmq_connect")?;
    for _ in 0..p.count {
        s.send(zmq::Message::with_size(p.size), 0)
            .ctx("zmq_sendmsg")?;
    }
    drop(s);
    Ok(())
}

fn local_lat(ctx: &zmq::Context, p: &Params) -> Result<(), PerfError> {
    let s = ctx.socket(zmq::REP).ctx("zmq_socket")?;
    s.bind(&p.endpoint).ctx("zmq_bind")?;
    for _ in 0..p.count {
        let msg = s.recv_msg(0).ctx("zmq_recvmsg")?;
        if msg.len() != p.size {
            return Err(PerfError::WrongSize);
        }
        s.send(msg, 0).ctx("zmq_sendmsg")?;
    }
    // zmq_sleep (1), as local_lat.cpp does before closing.
    std::thread::sleep(std::time::Duration::from_secs(1));
    drop(s);
    Ok(())
}

fn remote_lat(ctx: &zmq::Context, p: &Params) -> Result<(), PerfError> {
    let s = ctx.socket(zmq::REQ).ctx("zmq_socket")?;
    s.connect(&p.endpoint).ctx("zmq_connect")?;
    let mut msg = zmq::Message::with_size(p.size);
    let watch = Instant::now();
    for _ in 0..p.count {
        s.send(msg, 0).ctx("zmq_sendmsg")?;
        msg = s.recv_msg(0).ctx("zmq_recvmsg")?;
        if msg.len() != p.size {
            return Err(PerfError::WrongSize);
        }
    }
    let elapsed = watch.elapsed().as_micros() as u64;
    drop(msg);
    print!("{}", lat_report(p.size, p.count, elapsed));
    drop(s);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(a: &[&str]) -> Vec<String> {
        a.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn reports_match_libzmq_formats() {
        assert_eq!(
            thr_report(16, 1000, 250),
            "message size: 16 [B]\nmessage count: 1000\nmean throughput: 4000000 [msg/s]\nmean throughput: 512.000 [Mb/s]\n"
        );
        assert_eq!(
            lat_report(64, 1000, 30_004),
            "message size: 64 [B]\nroundtrip count: 1000\naverage latency: 15.002 [us]\n"
        );
    }

    #[test]
    fn parses_and_rejects_arguments() {
        let p = Params::parse(Tool::LocalThr, &args(&["tcp://*:5555", "16", "100"])).unwrap();
        assert_eq!((p.size, p.count, p.curve), (16, 100, false));
        assert!(
            Params::parse(Tool::LocalThr, &args(&["e", "16", "100", "1"]))
                .unwrap()
                .curve
        );
        assert!(Params::parse(Tool::LocalLat, &args(&["e", "16", "100", "1"])).is_err());
        assert!(Params::parse(Tool::RemoteThr, &args(&["e", "x", "100"])).is_err());
        assert!(Params::parse(Tool::RemoteThr, &args(&["e", "1", "0"])).is_err());
        assert!(Params::parse(Tool::RemoteThr, &args(&["e", "1"])).is_err());
    }
}
