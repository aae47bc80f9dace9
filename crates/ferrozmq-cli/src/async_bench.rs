//! `async-thr` and `async-lat`: the same socket pair driven by the blocking API and by the
//! async API under two executors, to measure what the async path costs over the blocking
//! one (docs/PERFORMANCE.md).
//!
//! Each side of the pair runs on a thread of its own in every mode, so the modes differ only
//! in how a side waits: `blocking` sleeps in the socket's `poll(2)`; `tokio` runs the side as
//! a future on a current-thread tokio runtime of that thread; `futures` on
//! `futures::executor::block_on`. Throughput is PUSH→PULL, measured at the receiver from its
//! first message (as libzmq's local_thr); latency is REQ→REP, round-trip time / 2 (as
//! remote_lat).

use crate::patterns::parse_int;
use ferrozmq::{AsyncSocket, Context, Message, Socket, SocketType, PULL, PUSH, REP, REQ};
use std::future::Future;
use std::time::{Duration, Instant};

/// Usage of `async-thr`.
pub const THR_USAGE: &str = "async-thr <inproc|tcp> <message-size> <message-count> [<runs>]";
/// Usage of `async-lat`.
pub const LAT_USAGE: &str = "async-lat <inproc|tcp> <message-size> <roundtrip-count> [<runs>]";
/// What the two tools do, for `--help`.
pub const ABOUT: &str = "\
Runs one socket pair (inproc, or tcp on loopback) blocking, then async on a tokio
current-thread runtime per side, then async on futures::executor::block_on per side,
and prints one line per mode: async-thr PUSH->PULL throughput (msg/s, Mb/s), async-lat
REQ->REP latency (one-way, rtt/2, in us). With <runs> (default 5) the three modes take
turns that many times and each line gives the median run, so that load from other
processes hits every mode alike.";

/// How a side of the pair waits.
#[derive(Clone, Copy, Debug)]
enum Mode {
    Blocking,
    Tokio,
    Futures,
}

const MODES: [Mode; 3] = [Mode::Blocking, Mode::Tokio, Mode::Futures];

impl Mode {
    fn name(self) -> &'static str {
        match self {
            Mode::Blocking => "blocking",
            Mode::Tokio => "async/tokio",
            Mode::Futures => "async/futures",
        }
    }

    /// Runs `side` on this thread: the blocking body, or the async one on this mode's
    /// executor.
    fn run<T, B, A, F>(self, socket: Socket, blocking: B, async_side: A) -> ferrozmq::Result<T>
    where
        B: FnOnce(Socket) -> ferrozmq::Result<T>,
        A: FnOnce(AsyncSocket) -> F,
        F: Future<Output = ferrozmq::Result<T>>,
    {
        match self {
            Mode::Blocking => blocking(socket),
            Mode::Tokio => tokio::runtime::Builder::new_current_thread()
                .build()?
                .block_on(async_side(socket.into_async())),
            Mode::Futures => futures::executor::block_on(async_side(socket.into_async())),
        }
    }
}

/// The parsed arguments of either tool.
pub struct Params {
    inproc: bool,
    size: usize,
    count: u32,
    runs: u32,
}

impl Params {
    /// Parses `<inproc|tcp> <message-size> <count> [<runs>]`.
    pub fn parse(args: &[String]) -> Result<Params, String> {
        let (transport, size, count, runs) = match args {
            [t, s, c] => (t, s, c, None),
            [t, s, c, r] => (t, s, c, Some(r)),
            _ => return Err(format!("expected 3 or 4 arguments, got {}", args.len())),
        };
        let inproc = match transport.as_str() {
            "inproc" => true,
            "tcp" => false,
            other => {
                return Err(format!(
                    "invalid transport '{other}': expected inproc or tcp"
                ))
            }
        };
        Ok(Params {
            inproc,
            size: parse_int(size, "message-size", 0)? as usize,
            count: parse_int(count, "count", 1)?,
            runs: runs.map_or(Ok(5), |r| parse_int(r, "runs", 1))?,
        })
    }

    fn transport(&self) -> &'static str {
        if self.inproc {
            "inproc"
        } else {
            "tcp"
        }
    }
}

/// A bound socket of `bound_type` and a connected one of `connected_type`.
fn pair(
    ctx: &Context,
    inproc: bool,
    bound_type: SocketType,
    connected_type: SocketType,
) -> ferrozmq::Result<(Socket, Socket)> {
    let bound = ctx.socket(bound_type)?;
    bound.bind(if inproc {
        "inproc://async-bench"
    } else {
        "tcp://127.0.0.1:*"
    })?;
    let endpoint = bound.get_last_endpoint()?.unwrap_or_default();
    let connected = ctx.socket(connected_type)?;
    connected.connect(&endpoint)?;
    Ok((bound, connected))
}

/// The median time of each mode over `p.runs` turns, the modes taking turns.
fn medians(
    p: &Params,
    measure: fn(Mode, &Params) -> ferrozmq::Result<Duration>,
) -> ferrozmq::Result<[Duration; 3]> {
    let mut times: [Vec<Duration>; 3] = Default::default();
    for _ in 0..p.runs {
        for (i, mode) in MODES.into_iter().enumerate() {
            times[i].push(measure(mode, p)?);
        }
    }
    Ok(times.map(|mut t| {
        t.sort();
        t[t.len() / 2]
    }))
}

/// Runs `async-thr`: one line per mode.
pub fn run_thr(p: &Params) -> ferrozmq::Result<()> {
    println!("mode           transport  size  messages    msg/s        Mb/s");
    for (mode, elapsed) in MODES.into_iter().zip(medians(p, thr)?) {
        let rate = f64::from(p.count) / elapsed.as_secs_f64();
        let mbps = rate * p.size as f64 * 8.0 / 1e6;
        println!(
            "{:<14} {:<10} {:<5} {:<11} {:<12.0} {:.1}",
            mode.name(),
            p.transport(),
            p.size,
            p.count,
            rate,
            mbps
        );
    }
    Ok(())
}

fn thr(mode: Mode, p: &Params) -> ferrozmq::Result<Duration> {
    let ctx = Context::new();
    let (pull, push) = pair(&ctx, p.inproc, PULL, PUSH)?;
    let (size, count) = (p.size, p.count);
    let payload = vec![0u8; size];
    let sender = std::thread::spawn(move || {
        let payload = &payload[..];
        let blocking = |push: Socket| {
            for _ in 0..count {
                push.send(Message::from(payload), 0)?;
            }
            Ok(())
        };
        let async_side = |mut push: AsyncSocket| async move {
            for _ in 0..count {
                push.send(Message::from(payload), 0).await?;
            }
            Ok(())
        };
        mode.run(push, blocking, async_side)
    });
    let blocking = |pull: Socket| {
        pull.recv_msg(0)?;
        let start = Instant::now();
        for _ in 1..count {
            pull.recv_msg(0)?;
        }
        Ok(start.elapsed())
    };
    let async_side = |mut pull: AsyncSocket| async move {
        pull.recv_msg().await?;
        let start = Instant::now();
        for _ in 1..count {
            pull.recv_msg().await?;
        }
        Ok(start.elapsed())
    };
    let elapsed = mode.run(pull, blocking, async_side)?;
    sender.join().map_err(|_| ferrozmq::Error::EFAULT)??;
    Ok(elapsed)
}

/// Runs `async-lat`: one line per mode.
pub fn run_lat(p: &Params) -> ferrozmq::Result<()> {
    println!("mode           transport  size  roundtrips  latency (us)");
    for (mode, elapsed) in MODES.into_iter().zip(medians(p, lat)?) {
        let latency = elapsed.as_secs_f64() * 1e6 / f64::from(p.count) / 2.0;
        println!(
            "{:<14} {:<10} {:<5} {:<11} {:.2}",
            mode.name(),
            p.transport(),
            p.size,
            p.count,
            latency
        );
    }
    Ok(())
}

fn lat(mode: Mode, p: &Params) -> ferrozmq::Result<Duration> {
    let ctx = Context::new();
    let (rep, req) = pair(&ctx, p.inproc, REP, REQ)?;
    let count = p.count;
    let echo = std::thread::spawn(move || {
        let blocking = |rep: Socket| {
            for _ in 0..count {
                rep.send(rep.recv_msg(0)?, 0)?;
            }
            Ok(())
        };
        let async_side = |mut rep: AsyncSocket| async move {
            for _ in 0..count {
                let request = rep.recv_msg().await?;
                rep.send(request, 0).await?;
            }
            Ok(())
        };
        mode.run(rep, blocking, async_side)
    });
    let payload = &vec![0u8; p.size][..];
    let blocking = |req: Socket| {
        let start = Instant::now();
        for _ in 0..count {
            req.send(Message::from(payload), 0)?;
            req.recv_msg(0)?;
        }
        Ok(start.elapsed())
    };
    let async_side = |mut req: AsyncSocket| async move {
        let start = Instant::now();
        for _ in 0..count {
            req.send(Message::from(payload), 0).await?;
            req.recv_msg().await?;
        }
        Ok(start.elapsed())
    };
    let elapsed = mode.run(req, blocking, async_side)?;
    echo.join().map_err(|_| ferrozmq::Error::EFAULT)??;
    Ok(elapsed)
}
