//! `proxy`: shuttles messages between a frontend and a backend socket in both directions, as
//! `zmq_proxy` does — ROUTER↔DEALER (shared queue), XSUB↔XPUB (forwarder), PULL↔PUSH
//! (streamer) — optionally copying every message part to a capture socket, and optionally
//! steered by PAUSE / RESUME / TERMINATE / STATISTICS commands on a control socket.
//!
//! ```no_run
//! let ctx = ferrozmq::Context::new();
//! let frontend = ctx.socket(ferrozmq::ROUTER)?;
//! frontend.bind("tcp://*:5559")?;
//! let backend = ctx.socket(ferrozmq::DEALER)?;
//! backend.bind("tcp://*:5560")?;
//! ferrozmq::proxy(&frontend, &backend)?; // returns only on error (ETERM when the context ends)
//! # Ok::<(), ferrozmq::Error>(())
//! ```

use crate::error::{Error, Result};
use crate::message::Message;
use crate::poll::{poll, PollEvents, POLLIN};
use crate::socket::{Socket, DONTWAIT, SNDMORE};

/// Most messages moved in one direction before the other direction gets a turn
/// (libzmq's `proxy_burst_size`).
const BURST: usize = 1000;

/// Message and byte counts of one socket, as `STATISTICS` reports them.
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub struct SocketStats {
    /// Message parts received.
    pub msg_in: u64,
    /// Bytes received.
    pub bytes_in: u64,
    /// Message parts sent.
    pub msg_out: u64,
    /// Bytes sent.
    pub bytes_out: u64,
}

/// What a proxy has moved so far.
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub struct ProxyStats {
    /// Counts on the frontend socket.
    pub frontend: SocketStats,
    /// Counts on the backend socket.
    pub backend: SocketStats,
}

impl ProxyStats {
    /// The eight counters in libzmq's order (frontend in/out, then backend in/out).
    pub fn to_array(&self) -> [u64; 8] {
        let (f, b) = (&self.frontend, &self.backend);
        [
            f.msg_in,
            f.bytes_in,
            f.msg_out,
            f.bytes_out,
            b.msg_in,
            b.bytes_in,
            b.msg_out,
            b.bytes_out,
        ]
    }
}

/// Runs a proxy between `frontend` and `backend` until an error (ETERM, EINTR).
pub fn proxy(frontend: &Socket, backend: &Socket) -> Result<()> {
    run(frontend, backend, None, None).map(|_| ())
}

/// Like [`proxy`], copying every message part to `capture` (PUB, DEALER, PUSH or PAIR).
pub fn proxy_with_capture(frontend: &Socket, backend: &Socket, capture: &Socket) -> Result<()> {
    run(frontend, backend, Some(capture), None).map(|_| ())
}

/// Like [`proxy`], steered by commands received on `control` (REP or PAIR): `PAUSE` stops
/// forwarding, `RESUME` restarts it, `TERMINATE` ends the proxy (returning its statistics),
/// `STATISTICS` answers with eight u64 frames (native byte order, as libzmq). A REP control
/// socket gets an empty reply to the other commands.
pub fn proxy_steerable(
    frontend: &Socket,
    backend: &Socket,
    control: &Socket,
) -> Result<ProxyStats> {
    run(frontend, backend, None, Some(control))
}

/// [`proxy_steerable`] with a capture socket.
pub fn proxy_steerable_with_capture(
    frontend: &Socket,
    backend: &Socket,
    capture: &Socket,
    control: &Socket,
) -> Result<ProxyStats> {
    run(frontend, backend, Some(capture), Some(control))
}

fn run(
    frontend: &Socket,
    backend: &Socket,
    capture: Option<&Socket>,
    control: Option<&Socket>,
) -> Result<ProxyStats> {
    let mut stats = ProxyStats::default();
    let mut paused = false;
    loop {
        let (front_ready, back_ready, control_ready) = {
            let mut items = vec![frontend.as_poll_item(POLLIN), backend.as_poll_item(POLLIN)];
            if let Some(control) = control {
                items.push(control.as_poll_item(POLLIN));
            }
            if paused {
                items[0].set_events(PollEvents::empty());
                items[1].set_events(PollEvents::empty());
            }
            poll(&mut items, -1)?;
            (
                items[0].is_readable(),
                items[1].is_readable(),
                items.get(2).is_some_and(|i| i.is_readable()),
            )
        };
        if control_ready {
            if let Some(control) = control {
                match steer(control, &stats)? {
                    Steer::Pause => paused = true,
                    Steer::Resume => paused = false,
                    Steer::Terminate => return Ok(stats),
                    Steer::Nothing => {}
                }
            }
        }
        if paused {
            continue;
        }
        if front_ready {
            let (from, to) = (&mut stats.frontend, &mut stats.backend);
            forward(frontend, backend, capture, from, to)?;
        }
        if back_ready {
            let (from, to) = (&mut stats.backend, &mut stats.frontend);
            forward(backend, frontend, capture, from, to)?;
        }
    }
}

/// Moves up to a burst of whole messages from `from` to `to`, copying parts to `capture`.
fn forward(
    from: &Socket,
    to: &Socket,
    capture: Option<&Socket>,
    from_stats: &mut SocketStats,
    to_stats: &mut SocketStats,
) -> Result<()> {
    for _ in 0..BURST {
        let mut part = match from.recv_msg(DONTWAIT) {
            Ok(part) => part,
            Err(Error::EAGAIN) => return Ok(()),
            Err(e) => return Err(e),
        };
        loop {
            let more = part.get_more();
            let flags = if more { SNDMORE } else { 0 };
            let size = part.len() as u64;
            from_stats.msg_in += 1;
            from_stats.bytes_in += size;
            if let Some(capture) = capture {
                capture.send(Message::from(&part), flags)?;
            }
            to.send(part, flags)?;
            to_stats.msg_out += 1;
            to_stats.bytes_out += size;
            if !more {
                break;
            }
            part = from.recv_msg(0)?;
        }
    }
    Ok(())
}

enum Steer {
    Pause,
    Resume,
    Terminate,
    Nothing,
}

fn steer(control: &Socket, stats: &ProxyStats) -> Result<Steer> {
    let command = match control.recv_msg(DONTWAIT) {
        Ok(command) => command,
        Err(Error::EAGAIN) => return Ok(Steer::Nothing),
        Err(e) => return Err(e),
    };
    while control.get_rcvmore()? {
        control.recv_msg(0)?;
    }
    let is_rep = control.get_socket_type()? == crate::REP;
    let action = match &command[..] {
        b"PAUSE" => Steer::Pause,
        b"RESUME" => Steer::Resume,
        b"TERMINATE" => Steer::Terminate,
        b"STATISTICS" => {
            let counters = stats.to_array();
            let frames = counters.iter().map(|c| Message::from(&c.to_ne_bytes()[..]));
            control.send_multipart(frames, 0)?;
            return Ok(Steer::Nothing);
        }
        // libzmq ignores unknown commands (and a REP control still owes a reply).
        _ => Steer::Nothing,
    };
    if is_rep {
        control.send(Message::new(), 0)?;
    }
    Ok(action)
}
