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
use crate::poll::{poll, PollEvents, POLLIN, POLLOUT};
use crate::socket::{Socket, DONTWAIT, SNDMORE};

/// Most messages moved in one direction before the other direction gets a turn
/// (libzmq's `proxy_burst_size`).
const BURST: usize = 1000;

/// Message and byte counts of one socket, as `STATISTICS` reports them.
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub struct SocketStats {
    /// Messages received (a multipart message counts once).
    pub msg_in: u64,
    /// Bytes received.
    pub bytes_in: u64,
    /// Messages sent.
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

/// What the last look at the two sockets found.
#[derive(Clone, Copy, Default)]
struct Readiness {
    front_in: bool,
    front_out: bool,
    back_in: bool,
    back_out: bool,
    control_in: bool,
}

impl Readiness {
    /// A request can move: frontend has one and backend takes it (one socket serving as
    /// both ends takes what it gives).
    fn request(&self, single: bool) -> bool {
        self.front_in && (self.back_out || single)
    }

    /// A reply can move: backend has one and frontend takes it.
    fn reply(&self, single: bool) -> bool {
        !single && self.back_in && self.front_out
    }
}

/// As libzmq's proxy, a message is read only when the socket it goes to can take it, so a
/// blocked destination (a PUSH with no peer, a full HWM) leaves it queued at its source and
/// the control socket is still served.
fn run(
    frontend: &Socket,
    backend: &Socket,
    capture: Option<&Socket>,
    control: Option<&Socket>,
) -> Result<ProxyStats> {
    let single = std::ptr::eq(frontend, backend);
    let mut stats = ProxyStats::default();
    let mut paused = false;
    loop {
        let mut ready = look(frontend, backend, control, &Readiness::default(), paused, 0)?;
        let actionable =
            ready.control_in || (!paused && (ready.request(single) || ready.reply(single)));
        if !actionable {
            // Wait for whatever would make a move possible, then look at everything.
            look(frontend, backend, control, &ready, paused, -1)?;
            ready = look(frontend, backend, control, &Readiness::default(), paused, 0)?;
        }
        if ready.control_in {
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
        if ready.request(single) {
            let (from, to) = (&mut stats.frontend, &mut stats.backend);
            forward(frontend, backend, capture, from, to)?;
        }
        if ready.reply(single) {
            let (from, to) = (&mut stats.backend, &mut stats.frontend);
            forward(backend, frontend, capture, from, to)?;
        }
    }
}

/// Polls for `timeout_ms`: with `known` all false, for every condition at once (timeout 0);
/// otherwise, for those that would complete a move `known` lacks a half of.
fn look(
    frontend: &Socket,
    backend: &Socket,
    control: Option<&Socket>,
    known: &Readiness,
    paused: bool,
    timeout_ms: i64,
) -> Result<Readiness> {
    let probe = timeout_ms == 0;
    let single = std::ptr::eq(frontend, backend);
    let mut front = PollEvents::empty();
    let mut back = PollEvents::empty();
    if probe {
        front = POLLIN | POLLOUT;
        back = POLLIN | POLLOUT;
    } else if !paused {
        if !known.front_in {
            front |= POLLIN;
        } else if !known.back_out && !single {
            back |= POLLOUT;
        }
        if !single {
            if !known.back_in {
                back |= POLLIN;
            } else if !known.front_out {
                front |= POLLOUT;
            }
        }
    }
    let mut items = vec![frontend.as_poll_item(front)];
    if !single {
        items.push(backend.as_poll_item(back));
    }
    if let Some(control) = control {
        items.push(control.as_poll_item(POLLIN));
    }
    poll(&mut items, timeout_ms)?;
    let front = items[0].get_revents();
    let back = if single {
        front
    } else {
        items[1].get_revents()
    };
    Ok(Readiness {
        front_in: front.contains(POLLIN),
        front_out: front.contains(POLLOUT),
        back_in: back.contains(POLLIN),
        back_out: back.contains(POLLOUT),
        control_in: control.is_some() && items.last().is_some_and(|i| i.is_readable()),
    })
}

/// Moves up to a burst of whole messages from `from` to `to`, copying parts to `capture`.
/// A multipart message counts as one, as in libzmq's statistics.
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
        let mut size = 0;
        loop {
            let more = part.get_more();
            let flags = if more { SNDMORE } else { 0 };
            size += part.len() as u64;
            if let Some(capture) = capture {
                capture.send(Message::from(&part), flags)?;
            }
            to.send(part, flags)?;
            if !more {
                break;
            }
            part = from.recv_msg(0)?;
        }
        from_stats.msg_in += 1;
        from_stats.bytes_in += size;
        to_stats.msg_out += 1;
        to_stats.bytes_out += size;
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
