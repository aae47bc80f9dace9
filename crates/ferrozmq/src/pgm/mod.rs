//! The pgm and epgm transports of PUB/XPUB and SUB/XSUB (libzmq's `pgm_sender` and
//! `pgm_receiver` over OpenPGM): reliable multicast with the sans-IO PGM of `ferrozmq-pgm`,
//! over raw IP (`pgm://`, protocol 113, needing CAP_NET_RAW) or UDP (`epgm://`, on the
//! endpoint's port, as OpenPGM's UDP encapsulation with libzmq's settings).
//!
//! As in libzmq, bind and connect do the same, a publisher's endpoint is a PGM source and
//! sends it every message (no subscriptions travel over multicast), and a subscriber's
//! endpoint receives from every source on its group and port and filters alone. Each
//! endpoint is served by a thread of its own (a "pump", as udp's) between its kernel
//! socket(s) and its pipe, waking for packets, for the pipe and for the PGM timers.
//!
//! Sockets: a source sends from, and hears NAKs on, `interface:port` (a specific address,
//! so that the kernel hands unicast NAKs to it rather than to a receiver of the same port on
//! this host); a receiver binds `group:port` (so it gets the group's packets and no unicast)
//! and sends its NAKs and SPMRs from a second socket. SO_REUSEADDR and SO_REUSEPORT let
//! libzmq's sockets share the port on one host.

mod address;
mod framing;

use crate::error::{Error, Result};
use crate::message::Message;
use crate::options::Options;
use crate::pipe::{Notify, Parcel, PipeEnd};
use crate::sys::{self, PollFd};
use crate::udp::{pump_pipe, PumpWaker};
use address::PgmAddress;
use ferrozmq_pgm::{Config, Destination, Event, Packet, Receiver, Source, Transmit, Tsi};
use framing::{ApduReader, ApduWriter};
use socket2::{Domain, Protocol, SockAddr, Socket as RawSocket, Type};
use std::collections::{HashMap, VecDeque};
use std::io::{ErrorKind, Read};
use std::net::{IpAddr, Ipv4Addr, SocketAddrV4, UdpSocket};
use std::os::fd::{AsRawFd, RawFd};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// IANA's protocol number for PGM.
const IPPROTO_PGM: i32 = 113;
/// Bytes a source reads from its pipe ahead of the rate limit; beyond them the pipe fills
/// and PUB drops at SNDHWM, as over any transport.
const WRITE_AHEAD: usize = 64 * 1024;

/// A closed source that has sent everything still answers NAKs until none came for this
/// long (and it has been this long since the close): a tail loss is noticed on the SPM
/// heartbeat (100 ms) and asked for after the NAK back-off, so this covers a few rounds.
const REPAIR_QUIET: Duration = Duration::from_secs(1);

/// The kernel side of one endpoint.
enum Wire {
    /// epgm: `socket` receives; `upstream`, when there is one, sends (a receiver's NAKs).
    Udp {
        socket: UdpSocket,
        upstream: Option<UdpSocket>,
        port: u16,
        group: Ipv4Addr,
    },
    /// pgm: one raw IP socket both ways (every PGM packet to this host reaches it).
    Raw { socket: RawSocket, group: Ipv4Addr },
}

impl Wire {
    fn fd(&self) -> RawFd {
        match self {
            Wire::Udp { socket, .. } => socket.as_raw_fd(),
            Wire::Raw { socket, .. } => socket.as_raw_fd(),
        }
    }

    /// Sends one packet. A send the kernel refuses (a full buffer, no route) loses it, as
    /// the network may: PGM repairs it.
    fn send(&self, t: &Transmit) {
        let (group, port) = match self {
            Wire::Udp { group, port, .. } => (*group, *port),
            Wire::Raw { group, .. } => (*group, 0),
        };
        let ip = match t.to {
            Destination::Group => group,
            Destination::Unicast(IpAddr::V4(ip)) => ip,
            Destination::Unicast(IpAddr::V6(_)) => return,
        };
        let to = SocketAddrV4::new(ip, port);
        for _attempt in 0..2 {
            let sent = match self {
                Wire::Udp {
                    socket, upstream, ..
                } => upstream.as_ref().unwrap_or(socket).send_to(&t.bytes, to),
                Wire::Raw { socket, .. } => socket.send_to(&t.bytes, &SockAddr::from(to)),
            };
            match sent {
                Err(e) if e.kind() == ErrorKind::WouldBlock => {
                    let mut fds = [PollFd::new(self.send_fd(), sys::WRITABLE)];
                    let _ = sys::poll(&mut fds, 10);
                }
                _ => return,
            }
        }
    }

    fn send_fd(&self) -> RawFd {
        match self {
            Wire::Udp {
                upstream: Some(u), ..
            } => u.as_raw_fd(),
            _ => self.fd(),
        }
    }

    /// The next packet waiting, as the bounds of its PGM part in `buf` and the address it
    /// came from; None when there is none.
    fn recv(&self, buf: &mut [u8]) -> Option<(usize, usize, IpAddr)> {
        loop {
            let got = match self {
                Wire::Udp { socket, .. } => {
                    socket.recv_from(buf).map(|(n, from)| (0, n, from.ip()))
                }
                Wire::Raw { socket, .. } => {
                    let mut reader: &RawSocket = socket;
                    reader.read(buf).and_then(|n| {
                        ip_payload(&buf[..n])
                            .map(|(at, from)| (at, n, from))
                            .ok_or_else(|| ErrorKind::InvalidData.into())
                    })
                }
            };
            match got {
                Ok(found) => return Some(found),
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) if e.kind() == ErrorKind::InvalidData => {}
                Err(_) => return None,
            }
        }
    }
}

/// Where the PGM packet starts in a raw IPv4 datagram, and its source address.
fn ip_payload(datagram: &[u8]) -> Option<(usize, IpAddr)> {
    let first = *datagram.first()?;
    let header_len = usize::from(first & 0x0F) * 4;
    if first >> 4 != 4 || header_len < 20 || datagram.len() < header_len {
        return None;
    }
    let from: [u8; 4] = datagram.get(12..16)?.try_into().ok()?;
    Some((header_len, IpAddr::V4(Ipv4Addr::from(from))))
}

/// A socket for `address` with the endpoint's options: UDP (epgm) or raw IP (pgm).
fn kernel_socket(udp: bool, options: &Options) -> Result<RawSocket> {
    let socket = if udp {
        RawSocket::new(Domain::IPV4, Type::DGRAM, Some(Protocol::UDP))?
    } else {
        RawSocket::new(Domain::IPV4, Type::RAW, Some(Protocol::from(IPPROTO_PGM)))?
    };
    if options.sndbuf >= 0 {
        socket.set_send_buffer_size(options.sndbuf as usize)?;
    }
    if options.rcvbuf >= 0 {
        socket.set_recv_buffer_size(options.rcvbuf as usize)?;
    }
    socket.set_nonblocking(true)?;
    Ok(socket)
}

fn shared_port(socket: &RawSocket, at: SocketAddrV4) -> Result<()> {
    socket.set_reuse_address(true)?;
    socket.set_reuse_port(true)?;
    socket.bind(&SockAddr::from(at))?;
    Ok(())
}

fn config(address: &PgmAddress, udp: bool, options: &Options) -> Config {
    let mut config = Config::libzmq(
        options.rate.max(1) as u32,
        options.recovery_ivl.max(1) as u32,
        options.multicast_maxtpdu.max(64) as usize,
        udp,
        address.port,
        IpAddr::V4(address.group),
        IpAddr::V4(address.interface),
    );
    config.seed = u64::from(crate::random::u32()) << 32 | u64::from(crate::random::u32());
    config
}

/// A PUB or XPUB's pgm/epgm endpoint: the socket's end of a pipe whose messages a new PGM
/// source sends to the group. After the socket closes the pipe, the source sends what is
/// queued for at most LINGER (as it was at connect; -1: until it is all sent).
pub(crate) fn connect_source(
    text: &str,
    udp: bool,
    id: u64,
    options: &Options,
    notify_socket: Arc<dyn Notify>,
) -> Result<Served> {
    let address = PgmAddress::resolve(text)?;
    let socket = kernel_socket(udp, options)?;
    socket.set_multicast_if_v4(&address.interface)?;
    socket.set_multicast_ttl_v4(options.multicast_hops.max(1) as u32)?;
    socket.set_multicast_loop_v4(options.multicast_loop)?;
    let wire = if udp {
        shared_port(&socket, SocketAddrV4::new(address.interface, address.port))?;
        Wire::Udp {
            socket: socket.into(),
            upstream: None,
            port: address.port,
            group: address.group,
        }
    } else {
        Wire::Raw {
            socket,
            group: address.group,
        }
    };
    let tsi = Tsi {
        gsi: gsi(),
        sport: loop {
            let port = crate::random::u32() as u16;
            if port != address.port && port != 0 {
                break port;
            }
        },
    };
    let source = Source::new(config(&address, udp, options), tsi, Instant::now());
    let linger = u64::try_from(options.linger)
        .ok()
        .map(Duration::from_millis);
    let (socket_end, pump_end, waker) = pump_pipe(id, options, notify_socket)?;
    let pump = spawn(move || run_source(wire, source, linger, pump_end, &waker))?;
    Ok((socket_end, pump))
}

/// A SUB or XSUB's pgm/epgm endpoint: the socket's end of a pipe that receives the messages
/// of every source on the group and port.
pub(crate) fn connect_receiver(
    text: &str,
    udp: bool,
    id: u64,
    options: &Options,
    notify_socket: Arc<dyn Notify>,
) -> Result<Served> {
    let address = PgmAddress::resolve(text)?;
    let socket = kernel_socket(udp, options)?;
    let wire = if udp {
        shared_port(&socket, SocketAddrV4::new(address.group, address.port))?;
        socket.join_multicast_v4(&address.group, &address.interface)?;
        let upstream = kernel_socket(true, options)?;
        upstream.bind(&SockAddr::from(SocketAddrV4::new(address.interface, 0)))?;
        Wire::Udp {
            socket: socket.into(),
            upstream: Some(upstream.into()),
            port: address.port,
            group: address.group,
        }
    } else {
        socket.join_multicast_v4(&address.group, &address.interface)?;
        socket.set_multicast_if_v4(&address.interface)?;
        Wire::Raw {
            socket,
            group: address.group,
        }
    };
    let receiver = Receiver::new(config(&address, udp, options));
    let limits = (options.maxmsgsize, options.maxmultipartsize);
    let (socket_end, pump_end, waker) = pump_pipe(id, options, notify_socket)?;
    let pump = spawn(move || run_receiver(wire, receiver, limits, pump_end, &waker))?;
    Ok((socket_end, pump))
}

/// A random GSI (libzmq too makes it from random data rather than the host name).
fn gsi() -> [u8; 6] {
    let (a, b) = (crate::random::u32(), crate::random::u32());
    let mut gsi = [0; 6];
    gsi[..4].copy_from_slice(&a.to_be_bytes());
    gsi[4..].copy_from_slice(&b.to_be_bytes()[..2]);
    gsi
}

/// An endpoint's pipe end for its socket, and the thread serving it (which the context
/// waits for when it terminates).
pub(crate) type Served = (PipeEnd, std::thread::JoinHandle<()>);

fn spawn(body: impl FnOnce() + Send + 'static) -> Result<std::thread::JoinHandle<()>> {
    std::thread::Builder::new()
        .name("ferrozmq-pgm".into())
        .spawn(body)
        .map_err(Error::from)
}

/// Sleeps until the wire (if given) or the pipe has something, or `deadline`.
fn wait(wire: Option<&Wire>, waker: &PumpWaker, deadline: Option<Instant>) {
    let Some(timeout) = sys::poll_timeout(deadline) else {
        return;
    };
    let mut fds = [
        PollFd::new(waker.0.fd(), sys::READABLE),
        PollFd::new(wire.map_or(-1, Wire::fd), sys::READABLE),
    ];
    let _ = sys::poll(&mut fds, timeout);
    waker.0.take();
}

/// The source's pump: the pipe's messages framed into APDUs and sent at the rate allowed,
/// NAKs and SPMRs answered, until the socket closes the pipe, everything is sent and no
/// receiver asked for a repair for `REPAIR_QUIET` (or `linger` has passed since the close).
fn run_source(
    wire: Wire,
    mut source: Source,
    linger: Option<Duration>,
    mut pipe: PipeEnd,
    waker: &PumpWaker,
) {
    let mut writer = ApduWriter::default();
    let mut closed_at: Option<Instant> = None;
    let mut buf = vec![0u8; 65536];
    loop {
        let now = Instant::now();
        while let Some((start, end, _)) = wire.recv(&mut buf) {
            if let Ok(packet) = Packet::parse(&buf[start..end]) {
                source.handle_packet(&packet, now);
            }
        }
        // Until the rate holds the source back or nothing is left.
        loop {
            while writer.pending() < WRITE_AHEAD {
                match pipe.read() {
                    Some(Parcel::One(message)) => writer.push(std::slice::from_ref(&message)),
                    Some(Parcel::Multi(frames)) => writer.push(&frames),
                    Some(_) => {}
                    None => break,
                }
            }
            while source.is_idle() {
                let Some(apdu) = writer.next_apdu(source.max_tsdu()) else {
                    break;
                };
                source.send_apdu(&apdu);
            }
            while let Some(t) = source.poll_transmit(now) {
                wire.send(&t);
            }
            if !source.is_idle() || writer.pending() == 0 {
                break;
            }
        }
        if pipe.is_other_closed() {
            let closed = *closed_at.get_or_insert(now);
            let lingered = linger.is_some_and(|l| now.duration_since(closed) >= l);
            let sent = pipe.is_finished() && writer.pending() == 0 && source.is_idle();
            let quiet = source
                .last_asked()
                .is_none_or(|at| now.duration_since(at) >= REPAIR_QUIET);
            if lingered || (sent && quiet && now.duration_since(closed) >= REPAIR_QUIET) {
                return;
            }
        }
        wait(Some(&wire), waker, Some(source.poll_timeout()));
    }
}

/// The receiver's pump: packets into the PGM receiver, NAKs and SPMRs out, each source's
/// APDUs read back into whole messages for the pipe, until the socket closes the pipe. While
/// the pipe is full (RCVHWM) it stops reading the wire, as libzmq's receiver does: the
/// kernel's buffer then fills and drops, and PGM repairs what it dropped. A loss makes that
/// source's reader wait for the next whole message.
fn run_receiver(
    wire: Wire,
    mut receiver: Receiver,
    (max_frame, max_message): (i64, i64),
    mut pipe: PipeEnd,
    waker: &PumpWaker,
) {
    let mut readers: HashMap<Tsi, ApduReader> = HashMap::new();
    let mut buf = vec![0u8; 65536];
    let mut messages: Vec<Vec<Message>> = Vec::new();
    // Messages read but not yet taken by the pipe, oldest first: at most what one drain of
    // the kernel's buffer held.
    let mut backlog: VecDeque<Parcel> = VecDeque::new();
    loop {
        // The SUB's subscriptions: over multicast it filters alone.
        while pipe.read().is_some() {}
        if pipe.is_other_closed() {
            return;
        }
        while !backlog.is_empty() && pipe.check_write() {
            if let Some(parcel) = backlog.pop_front() {
                pipe.write_unflushed(parcel);
            }
        }
        let now = Instant::now();
        if backlog.is_empty() {
            while let Some((start, end, from)) = wire.recv(&mut buf) {
                if let Ok(packet) = Packet::parse(&buf[start..end]) {
                    receiver.handle_packet(&packet, from, now);
                }
            }
        }
        if receiver.poll_timeout().is_some_and(|due| due <= now) {
            receiver.handle_timeout(now);
        }
        while let Some(t) = receiver.poll_transmit() {
            wire.send(&t);
        }
        while let Some(event) = receiver.poll_event() {
            match event {
                Event::Data { tsi, apdu } => readers
                    .entry(tsi)
                    .or_insert_with(|| ApduReader::new(max_frame, max_message))
                    .feed(&apdu, &mut messages),
                Event::Loss { tsi, .. } => {
                    if let Some(reader) = readers.get_mut(&tsi) {
                        reader.reset();
                    }
                }
                Event::Gone { tsi } => {
                    readers.remove(&tsi);
                }
            }
            for mut frames in messages.drain(..) {
                let parcel = if frames.len() == 1 {
                    Parcel::One(frames.remove(0))
                } else {
                    Parcel::Multi(frames)
                };
                if backlog.is_empty() && pipe.check_write() {
                    pipe.write_unflushed(parcel);
                } else {
                    backlog.push_back(parcel);
                }
            }
        }
        pipe.flush();
        if backlog.is_empty() {
            wait(Some(&wire), waker, receiver.poll_timeout());
        } else {
            // Only the pipe (its reader making room) or a timer can unblock us.
            wait(None, waker, receiver.poll_timeout());
        }
    }
}
