//! The udp transport of RADIO and DISH (libzmq's `udp_engine`): a RADIO connects to
//! `udp://host:port` (a multicast group too) and sends every message as one datagram; a
//! DISH binds `udp://*:port`, `udp://host:port` or `udp://interface;group:port` (joining
//! the multicast group) and hands each datagram to its socket, which keeps those of the
//! groups it joined. The datagram layout is `ferrozmq_zmtp::datagram`'s.
//!
//! Each udp endpoint is served by a thread of its own (a "pump") between its kernel socket
//! and its pipe, rather than by an I/O thread: a datagram socket has no connection, session
//! or handshake, so the session machinery has nothing to do for it. The pump ends when the
//! socket closes its end of the pipe. Datagrams are lossy as libzmq's: a message that does
//! not fit in one (8192 bytes) is dropped by the RADIO's pump, a datagram that is not a RADIO
//! message, or that arrives while the DISH's pipe is full, by the DISH's.

pub(crate) mod address;
mod raw;

use crate::error::{Error, Result};
use crate::message::Message;
use crate::options::Options;
use crate::pipe::{self, Notify, Parcel, PipeEnd};
use crate::signal::Signaler;
use crate::sys::{self, PollFd};
use address::{Interface, UdpAddress};
use ferrozmq_zmtp::datagram::{self, MAX_DATAGRAM};
use ferrozmq_zmtp::SocketType;
use socket2::{Domain, Protocol, Socket as RawSocket, Type};
use std::io::ErrorKind;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, UdpSocket};
use std::os::fd::AsRawFd;
use std::sync::Arc;

/// Wakes a pump when its socket wrote to (or closed) the pipe.
pub(crate) struct PumpWaker(pub(crate) Signaler);

impl Notify for PumpWaker {
    fn notify(&self, _pipe_id: u64) {
        self.0.signal();
    }
}

/// A pipe between a socket (`notify_socket` wakes it) and a new pump, with the socket's
/// HWMs; the socket's end and the pump's. (Shared with the pgm pumps.)
pub(crate) fn pump_pipe(
    id: u64,
    options: &Options,
    notify_socket: Arc<dyn Notify>,
) -> Result<(PipeEnd, PipeEnd, Arc<PumpWaker>)> {
    let waker = Arc::new(PumpWaker(Signaler::new()?));
    let notify_pump: Arc<dyn Notify> = waker.clone();
    let (socket_end, pump_end) = pipe::pipe(
        id,
        options.sndhwm.max(0) as u64,
        options.rcvhwm.max(0) as u64,
        notify_socket,
        notify_pump,
    );
    Ok((socket_end, pump_end, waker))
}

fn spawn(body: impl FnOnce() + Send + 'static) -> Result<()> {
    std::thread::Builder::new()
        .name("ferrozmq-udp".into())
        .spawn(body)?;
    Ok(())
}

/// RADIO `connect("udp://…")`: the socket's end of a pipe whose messages go out as datagrams
/// to `endpoint` (the text after `udp://`).
pub(crate) fn connect_radio(
    endpoint: &str,
    id: u64,
    options: &Options,
    notify_socket: Arc<dyn Notify>,
) -> Result<PipeEnd> {
    let address = UdpAddress::resolve(endpoint, false, options.ipv6)?;
    let socket = UdpSocket::bind(SocketAddr::new(any_of_family(address.host.ip()), 0))?;
    if address.is_multicast() {
        let hops = options.multicast_hops.max(1) as u32;
        let raw = RawSocket::from(socket.try_clone()?);
        match address.interface {
            Interface::Any => {}
            Interface::V4(interface) => raw.set_multicast_if_v4(&interface)?,
            Interface::Index(index) => raw.set_multicast_if_v6(index)?,
        }
        if address.host.is_ipv4() {
            socket.set_multicast_ttl_v4(hops)?;
            socket.set_multicast_loop_v4(options.multicast_loop)?;
        } else {
            raw.set_multicast_hops_v6(hops)?;
            socket.set_multicast_loop_v6(options.multicast_loop)?;
        }
    }
    let (socket_end, pump_end, waker) = pump_pipe(id, options, notify_socket)?;
    spawn(move || send_datagrams(&socket, address.host, pump_end, &waker))?;
    Ok(socket_end)
}

/// The RADIO's pump: every message in the pipe (a group frame and a body frame) out as one
/// datagram, until the socket closes the pipe and it is drained.
fn send_datagrams(socket: &UdpSocket, to: SocketAddr, mut pipe: PipeEnd, waker: &PumpWaker) {
    let mut datagram = Vec::with_capacity(MAX_DATAGRAM);
    loop {
        while let Some(parcel) = pipe.read() {
            let Parcel::Multi(frames) = parcel else {
                continue;
            };
            let [group, body] = &frames[..] else {
                continue;
            };
            if datagram::encode(group, body, &mut datagram).is_ok() {
                // A refused send (no route, a full buffer) loses the datagram, as udp does.
                let _ = socket.send_to(&datagram, to);
            }
        }
        if pipe.is_finished() {
            return;
        }
        if waker.0.wait(None).is_err() {
            // EINTR: look again.
            continue;
        }
    }
}

/// The any address of `ip`'s family, for a RADIO's sending socket.
fn any_of_family(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => IpAddr::V4(Ipv4Addr::UNSPECIFIED),
        IpAddr::V6(_) => IpAddr::V6(Ipv6Addr::UNSPECIFIED),
    }
}

/// DISH or DGRAM `bind("udp://…")` (ENOCOMPATPROTO for another type, as libzmq): the
/// socket's end of a pipe served by the bound socket's pump, and the endpoint as bound
/// (`udp://ip:port`). A DISH's pipe receives the datagrams that are RADIO messages; what the
/// DISH writes (its joins) is dropped, since over udp the DISH filters alone. A DGRAM's
/// `[address, body]` messages go out as datagrams, and each datagram arriving comes in as one.
pub(crate) fn bind(
    socket_type: SocketType,
    endpoint: &str,
    id: u64,
    options: &Options,
    notify_socket: Arc<dyn Notify>,
) -> Result<(PipeEnd, String)> {
    let (outgoing, incoming): (Outgoing, Incoming) = match socket_type {
        SocketType::DISH => (|_, _| {}, radio_message),
        SocketType::DGRAM => (raw::send, raw::message),
        _ => return Err(Error::ENOCOMPATPROTO),
    };
    let (socket, bound) = bound_socket(endpoint, options)?;
    let (socket_end, pump_end, waker) = pump_pipe(id, options, notify_socket)?;
    spawn(move || serve_bound(&socket, pump_end, &waker, outgoing, incoming))?;
    Ok((socket_end, bound))
}

/// What a bound pump does with each parcel its socket wrote.
type Outgoing = fn(&UdpSocket, Parcel);
/// The message a datagram (its payload, its sender) makes, if any.
type Incoming = fn(&[u8], SocketAddr) -> Option<Parcel>;

/// A non-blocking udp socket bound to `endpoint` (joined to its multicast group, if it
/// names one), and the endpoint as bound (`udp://ip:port`).
fn bound_socket(endpoint: &str, options: &Options) -> Result<(UdpSocket, String)> {
    let address = UdpAddress::resolve(endpoint, true, options.ipv6)?;
    let raw = RawSocket::new(
        Domain::for_address(address.host),
        Type::DGRAM,
        Some(Protocol::UDP),
    )?;
    // Several DISHes (and processes) may listen to one multicast port, as with libzmq.
    raw.set_reuse_address(true)?;
    let mut bind_to = address.host;
    match address.host.ip() {
        // IPv6's any address takes IPv4 datagrams too, as libzmq's dual-stack socket.
        IpAddr::V6(ip) if ip.is_unspecified() => raw.set_only_v6(false)?,
        // An IPv6 group is joined on the any address (a link-local group has no address
        // of its own to bind without a scope).
        IpAddr::V6(ip) if ip.is_multicast() => {
            bind_to.set_ip(IpAddr::V6(Ipv6Addr::UNSPECIFIED));
        }
        _ => {}
    }
    raw.bind(&bind_to.into())?;
    match (address.host.ip(), address.interface) {
        (IpAddr::V4(group), interface) if group.is_multicast() => {
            let interface = match interface {
                Interface::V4(ip) => ip,
                _ => Ipv4Addr::UNSPECIFIED,
            };
            raw.join_multicast_v4(&group, &interface)?;
        }
        (IpAddr::V6(group), interface) if group.is_multicast() => {
            let index = match interface {
                Interface::Index(index) => index,
                _ => 0,
            };
            raw.join_multicast_v6(&group, index)?;
        }
        _ => {}
    }
    raw.set_nonblocking(true)?;
    let socket = UdpSocket::from(raw);
    let bound = format!("udp://{}", socket.local_addr()?);
    Ok((socket, bound))
}

/// A bound socket's pump (DISH, DGRAM), until the socket closes the pipe: each parcel the
/// socket wrote goes to `outgoing`, each datagram that `incoming` makes a message of goes
/// into the pipe if it has room. A datagram over [`MAX_DATAGRAM`] is dropped.
fn serve_bound(
    socket: &UdpSocket,
    mut pipe: PipeEnd,
    waker: &PumpWaker,
    outgoing: Outgoing,
    incoming: Incoming,
) {
    // One byte more than the largest datagram, so an oversize one is seen as such.
    let mut buffer = vec![0u8; MAX_DATAGRAM + 1];
    loop {
        while let Some(parcel) = pipe.read() {
            outgoing(socket, parcel);
        }
        if pipe.is_other_closed() {
            return;
        }
        let mut fds = [
            PollFd::new(socket.as_raw_fd(), sys::READABLE),
            PollFd::new(waker.0.fd(), sys::READABLE),
        ];
        if sys::poll(&mut fds, -1).is_err() {
            continue;
        }
        waker.0.take();
        loop {
            match socket.recv_from(&mut buffer) {
                Ok((n, from)) if n <= MAX_DATAGRAM => {
                    if let Some(parcel) = incoming(&buffer[..n], from) {
                        if pipe.check_write() {
                            pipe.write_unflushed(parcel);
                        }
                    }
                }
                Ok(_) => {}
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(_) => break,
            }
        }
        pipe.flush();
    }
}

/// A DISH's message from a datagram that is a RADIO message: a group frame and a body frame.
fn radio_message(payload: &[u8], _: SocketAddr) -> Option<Parcel> {
    let (group, body) = datagram::decode(payload).ok()?;
    Some(Parcel::Multi(vec![
        Message::from(group),
        Message::from(body),
    ]))
}
