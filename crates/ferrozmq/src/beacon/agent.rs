//! The beacon actor's thread (zbeacon's `zbeacon()` loop): it waits on its pipe and its UDP
//! socket, answers the pipe commands, passes subscribed beacons up the pipe as
//! `[address][payload]`, and sends the published beacon every interval.

use super::filter::{accept, MAX_PAYLOAD};
use super::interface::{plan, Interface, Plan};
use super::BeaconOptions;
use crate::actor;
use crate::error::Result;
use crate::poll::{poll, PollItem, POLLIN};
use crate::socket::Socket;
use crate::timers::duration_to_poll_ms;
use crate::{Multipart, DONTWAIT};
use socket2::{Domain, Protocol, Type};
use std::net::{IpAddr, SocketAddr, UdpSocket};
use std::os::fd::AsRawFd;
use std::time::{Duration, Instant};

/// zbeacon's default interval when PUBLISH gives 0.
const DEFAULT_INTERVAL: Duration = Duration::from_secs(1);

struct Agent {
    options: BeaconOptions,
    port: u16,
    /// Receiving and sending sockets, once configured (and while they work).
    udp: Option<(UdpSocket, UdpSocket, SocketAddr)>,
    transmit: Option<Vec<u8>>,
    filter: Option<Vec<u8>>,
    interval: Duration,
    ping_at: Instant,
    verbose: bool,
}

/// Runs the actor until `$TERM` (or the context ends).
pub(crate) fn run(pipe: &Socket, options: BeaconOptions) -> Result<()> {
    let mut agent = Agent {
        options,
        port: 0,
        udp: None,
        transmit: None,
        filter: None,
        interval: DEFAULT_INTERVAL,
        ping_at: Instant::now(),
        verbose: false,
    };
    actor::signal(pipe, 0)?;
    loop {
        let timeout = match agent.transmit {
            Some(_) => duration_to_poll_ms(agent.ping_at.saturating_duration_since(Instant::now())),
            None => -1,
        };
        let mut items = vec![pipe.as_poll_item(POLLIN)];
        if let Some((recv, _, _)) = &agent.udp {
            items.push(PollItem::from_fd(recv.as_raw_fd(), POLLIN));
        }
        match poll(&mut items, timeout) {
            Ok(_) => {}
            Err(crate::Error::EINTR) => continue,
            Err(e) => return Err(e),
        }
        let (pipe_ready, udp_ready) = (
            items[0].is_readable(),
            items.get(1).is_some_and(|i| !i.get_revents().is_empty()),
        );
        drop(items);
        if pipe_ready {
            let command = Multipart::recv_with(pipe, DONTWAIT)?;
            if !agent.command(pipe, command)? {
                return Ok(());
            }
        }
        if udp_ready {
            agent.receive(pipe);
        }
        if agent.transmit.is_some() && Instant::now() >= agent.ping_at {
            agent.emit();
            agent.ping_at = Instant::now() + agent.interval;
        }
    }
}

impl Agent {
    /// Handles one pipe command; false for `$TERM`.
    fn command(&mut self, pipe: &Socket, mut command: Multipart) -> Result<bool> {
        let name = command.pop_str().unwrap_or_default();
        if self.verbose {
            eprintln!("I: zbeacon: API command={name}");
        }
        match name.as_str() {
            "$TERM" => return Ok(false),
            "VERBOSE" => self.verbose = true,
            "CONFIGURE" => {
                self.port = command
                    .pop_str()
                    .and_then(|p| p.trim().parse().ok())
                    .unwrap_or(0);
                let hostname = self.prepare();
                pipe.send(hostname.as_str(), 0)?;
            }
            "PUBLISH" => {
                let data = command.pop().map(|f| f.to_vec()).unwrap_or_default();
                let interval: u64 = command
                    .pop_str()
                    .and_then(|i| i.trim().parse().ok())
                    .unwrap_or(0);
                if data.len() > MAX_PAYLOAD {
                    eprintln!("E: zbeacon: beacon of {} bytes refused", data.len());
                } else {
                    self.transmit = Some(data);
                    self.interval = match interval {
                        0 => DEFAULT_INTERVAL,
                        ms => Duration::from_millis(ms),
                    };
                    self.ping_at = Instant::now();
                }
            }
            "SILENCE" => self.transmit = None,
            "SUBSCRIBE" => {
                let filter = command.pop().map(|f| f.to_vec()).unwrap_or_default();
                self.filter = (filter.len() <= MAX_PAYLOAD).then_some(filter);
            }
            "UNSUBSCRIBE" => self.filter = None,
            other => eprintln!("E: zbeacon: invalid command: {other}"),
        }
        Ok(true)
    }

    /// (Re)opens the sockets for the configured port; returns the hostname, or "" if no
    /// interface could be used.
    fn prepare(&mut self) -> String {
        self.udp = None;
        let prepared = plan(&self.options, self.port).map_err(std::io::Error::other);
        match prepared.and_then(|plan| open(&plan, &self.options).map(|udp| (plan, udp))) {
            Ok((plan, (recv, send))) => {
                if self.verbose {
                    eprintln!(
                        "I: zbeacon: configured, hostname={} sending to {}",
                        plan.hostname, plan.send_to
                    );
                }
                self.udp = Some((recv, send, plan.send_to));
                plan.hostname
            }
            Err(e) => {
                eprintln!(
                    "E: zbeacon: no broadcast interface found (interface={:?}): {e}",
                    self.options.interface.as_deref().unwrap_or("")
                );
                String::new()
            }
        }
    }

    /// Reads every waiting datagram into a fixed buffer and passes on the accepted ones;
    /// nothing is kept between datagrams.
    fn receive(&mut self, pipe: &Socket) {
        let Some((recv, _, _)) = &self.udp else {
            return;
        };
        let mut buffer = [0u8; MAX_PAYLOAD];
        loop {
            let (size, from) = match recv.recv_from(&mut buffer) {
                Ok(got) => got,
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => return,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                // A pending socket error (e.g. ICMP) is consumed by the failed read.
                Err(_) => return,
            };
            let datagram = &buffer[..size];
            if accept(datagram, self.filter.as_deref(), self.transmit.as_deref()) {
                let beacon = Multipart::from([peer_name(from).as_bytes(), datagram]);
                // A full pipe (the owner is not reading) drops the beacon.
                let _ = { beacon }.send_with(pipe, DONTWAIT);
            }
        }
    }

    /// Sends the beacon; on failure reopens the sockets, as zbeacon does.
    fn emit(&mut self) {
        let (Some(data), Some((_, send, to))) = (&self.transmit, &self.udp) else {
            if self.udp.is_none() && self.port != 0 {
                self.prepare();
            }
            return;
        };
        if let Err(e) = send.send_to(data, *to) {
            if self.verbose {
                eprintln!("D: zbeacon: failed to transmit, attempting reconnection: {e}");
            }
            self.prepare();
        }
    }
}

/// The receiving and the sending socket for `plan`, set up as `zsys_udp_new` does.
fn open(plan: &Plan, options: &BeaconOptions) -> std::io::Result<(UdpSocket, UdpSocket)> {
    let new_socket = || -> std::io::Result<socket2::Socket> {
        let domain = if options.ipv6 {
            Domain::IPV6
        } else {
            Domain::IPV4
        };
        let socket = socket2::Socket::new(domain, Type::DGRAM, Some(Protocol::UDP))?;
        socket.set_broadcast(true)?;
        socket.set_reuse_address(true)?;
        socket.set_reuse_port(true)?;
        if !options.ipv6 && options.ipv4_mcast_address.is_some() && options.mcast_ttl > 1 {
            socket.set_multicast_ttl_v4(options.mcast_ttl)?;
        }
        if let Some((group, on)) = plan.join {
            match (group, on) {
                (IpAddr::V4(group), Interface::V4(on)) => {
                    socket.join_multicast_v4(&group, &on)?;
                    socket.set_multicast_if_v4(&on)?;
                }
                (IpAddr::V6(group), Interface::V6(index)) => {
                    socket.join_multicast_v6(&group, index)?;
                    socket.set_multicast_if_v6(index)?;
                }
                _ => return Err(std::io::ErrorKind::InvalidInput.into()),
            }
        }
        Ok(socket)
    };
    let recv = new_socket()?;
    let send = new_socket()?;
    send.bind(&plan.send_bind.into())?;
    recv.bind(&plan.recv_bind.into())?;
    recv.set_nonblocking(true)?;
    Ok((recv.into(), send.into()))
}

/// A sender's address as zbeacon prints it (`getnameinfo` NI_NUMERICHOST): the IP address,
/// with `%interface` after a link-local IPv6 address.
fn peer_name(from: SocketAddr) -> String {
    match from {
        SocketAddr::V4(v4) => v4.ip().to_string(),
        SocketAddr::V6(v6) => {
            if let Some(v4) = v6.ip().to_ipv4_mapped() {
                return v4.to_string();
            }
            let mut name = v6.ip().to_string();
            if v6.ip().segments()[0] & 0xffc0 == 0xfe80 && v6.scope_id() != 0 {
                let mut ifname = [0 as libc::c_char; libc::IF_NAMESIZE];
                // SAFETY: if_indextoname writes at most IF_NAMESIZE bytes into `ifname`.
                let got = unsafe { libc::if_indextoname(v6.scope_id(), ifname.as_mut_ptr()) };
                if !got.is_null() {
                    // SAFETY: on success `ifname` holds a NUL-terminated name.
                    let ifname = unsafe { std::ffi::CStr::from_ptr(ifname.as_ptr()) };
                    name.push('%');
                    name.push_str(&ifname.to_string_lossy());
                }
            }
            name
        }
    }
}
