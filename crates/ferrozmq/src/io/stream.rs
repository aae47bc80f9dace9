//! Kernel sockets for the tcp and ipc transports: listeners, connects, and one `Stream` type
//! over both so sessions need not care which they carry.

use super::socks::Handshake;
use super::ws_stream::{WsAccept, WsLink};
use crate::endpoint::IpcAddress;
use crate::error::{Error, Result};
use crate::options::Options;
use mio::event::Source;
use mio::net::{TcpListener, TcpStream, UnixListener, UnixStream};
use mio::{Interest, Registry, Token};
use socket2::{Domain, Protocol, SockAddr, Socket, Type};
use std::io::{self, IoSlice, Write};
use std::net::SocketAddr;
use std::os::fd::{AsRawFd, RawFd};
use std::os::unix::net::SocketAddr as UnixAddr;
use std::path::PathBuf;
use std::time::Duration;

/// The `Peer-Address` of an ipc peer, as libzmq reports it on Linux.
pub(crate) const IPC_PEER_ADDRESS: &str = "localhost";

/// A bound, listening kernel socket.
pub(crate) enum Listener {
    Tcp(TcpListener),
    Unix(UnixListener),
    /// A ws or wss listener: tcp, each accepted connection upgraded as `WsAccept` says.
    Ws(TcpListener, WsAccept),
}

/// A connected byte stream (tcp or ipc).
pub(crate) enum Stream {
    Tcp(TcpStream),
    Unix(UnixStream),
    /// A tcp connection through a SOCKS5 proxy: `finish_connect` runs the handshake, and
    /// once the tunnel is up it carries bytes as `Tcp` does.
    Socks(TcpStream, Box<Handshake>),
    /// A ws connection: `finish_connect` runs the HTTP upgrade (on the accepting side too),
    /// then every byte passes through the ZWS bridge.
    Ws(TcpStream, Box<WsLink>),
}

/// Binds a tcp listener as libzmq does (SO_REUSEADDR, the socket's BACKLOG and buffer sizes).
/// Returns the listener and the address actually bound (for `tcp://*:*`).
pub(crate) fn bind_tcp(addr: SocketAddr, options: &Options) -> Result<(Listener, SocketAddr)> {
    let socket = Socket::new(Domain::for_address(addr), Type::STREAM, Some(Protocol::TCP))?;
    if addr.is_ipv6() {
        // libzmq serves IPv4 clients on an IPv6 wildcard too.
        let _ = socket.set_only_v6(false);
    }
    socket.set_reuse_address(true)?;
    apply_buffer_sizes(&socket, options)?;
    configure_tcp(&socket, addr, options)?;
    socket.bind(&addr.into())?;
    socket.listen(options.backlog)?;
    socket.set_nonblocking(true)?;
    let std_listener: std::net::TcpListener = socket.into();
    let bound = std_listener.local_addr()?;
    Ok((Listener::Tcp(TcpListener::from_std(std_listener)), bound))
}

/// ZMQ_USE_FD for tcp: a listener on a copy of the application's listening socket `fd`,
/// and the address it is bound to. EINVAL unless `fd` is an open, listening tcp socket.
///
/// libzmq takes the descriptor itself and closes it when it unbinds; a copy (`dup`) keeps
/// ferrozmq from closing what it does not own (a descriptor given to two binds would be
/// closed twice otherwise), so the application closes its own.
pub(crate) fn adopt_tcp(fd: RawFd) -> Result<(Listener, SocketAddr)> {
    let socket = adopt(fd, |d| matches!(d, Domain::IPV4 | Domain::IPV6))?;
    let std_listener: std::net::TcpListener = socket.into();
    let bound = std_listener.local_addr().map_err(|_| Error::EINVAL)?;
    Ok((Listener::Tcp(TcpListener::from_std(std_listener)), bound))
}

/// ZMQ_USE_FD for ipc: as [`adopt_tcp`], for a listening unix socket.
pub(crate) fn adopt_ipc(fd: RawFd) -> Result<Listener> {
    let socket = adopt(fd, |d| d == Domain::UNIX)?;
    let std_listener: std::os::unix::net::UnixListener = socket.into();
    Ok(Listener::Unix(UnixListener::from_std(std_listener)))
}

/// A non-blocking copy of `fd` if it is an open, listening stream socket of a `domain`.
fn adopt(fd: RawFd, domain: impl Fn(Domain) -> bool) -> Result<Socket> {
    use std::os::fd::FromRawFd;
    // SAFETY: fcntl on any number is sound; it fails with EBADF for one that is not open.
    let copy = unsafe { libc::fcntl(fd, libc::F_DUPFD_CLOEXEC, 0) };
    if copy < 0 {
        return Err(Error::EINVAL);
    }
    // SAFETY: `copy` is a descriptor just made for us alone.
    let socket = unsafe { Socket::from_raw_fd(copy) };
    let fits = socket.domain().is_ok_and(domain)
        && socket.r#type().is_ok_and(|t| t == Type::STREAM)
        && socket.is_listener().unwrap_or(false);
    if !fits {
        return Err(Error::EINVAL);
    }
    socket.set_nonblocking(true).map_err(|_| Error::EINVAL)?;
    Ok(socket)
}

/// Binds an ipc listener. A stale socket file at the path is removed first, as libzmq does.
/// Returns the listener and the path to remove when it closes (None for abstract names).
pub(crate) fn bind_ipc(address: &IpcAddress) -> Result<(Listener, IpcAddress, Option<PathBuf>)> {
    let (addr, public, path) = match address {
        IpcAddress::Path(path) => {
            let _ = std::fs::remove_file(path);
            (
                UnixAddr::from_pathname(path).map_err(|_| Error::EINVAL)?,
                address.clone(),
                Some(path.clone()),
            )
        }
        IpcAddress::Abstract(name) => (abstract_addr(name)?, address.clone(), None),
        IpcAddress::Wildcard => {
            let path = wildcard_ipc_path();
            (
                UnixAddr::from_pathname(&path).map_err(|_| Error::EINVAL)?,
                IpcAddress::Path(path.clone()),
                Some(path),
            )
        }
    };
    let listener = std::os::unix::net::UnixListener::bind_addr(&addr)?;
    listener.set_nonblocking(true)?;
    Ok((
        Listener::Unix(UnixListener::from_std(listener)),
        public,
        path,
    ))
}

fn abstract_addr(name: &[u8]) -> Result<UnixAddr> {
    use std::os::linux::net::SocketAddrExt;
    UnixAddr::from_abstract_name(name).map_err(|_| Error::EINVAL)
}

fn wildcard_ipc_path() -> PathBuf {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    std::env::temp_dir().join(format!("ferrozmq-{}-{n}.ipc", std::process::id()))
}

/// Applies the tcp options libzmq applies to every tcp socket: TOS, BINDTODEVICE, keepalives
/// and TCP_MAXRT (the kernel's TCP_USER_TIMEOUT).
fn configure_tcp(socket: &Socket, addr: SocketAddr, options: &Options) -> io::Result<()> {
    if options.tos > 0 {
        if addr.is_ipv4() {
            socket.set_tos(options.tos as u32)?;
        } else {
            socket.set_tclass_v6(options.tos as u32)?;
        }
    }
    if let Some(device) = &options.bindtodevice {
        socket.bind_device(Some(device.as_bytes()))?;
    }
    configure_queueing(socket, options)?;
    configure_liveness(socket, options)
}

/// PRIORITY (SO_PRIORITY, the queueing class of outgoing packets) and BUSY_POLL
/// (SO_BUSY_POLL, µs to busy-wait for input), for connected and accepted sockets alike, as
/// libzmq's `tune_tcp_socket` / `tune_tcp_busy_poll`; 0 leaves the kernel's default.
fn configure_queueing(socket: &Socket, options: &Options) -> io::Result<()> {
    for (name, value) in [
        (libc::SO_PRIORITY, options.priority),
        (libc::SO_BUSY_POLL, options.busy_poll),
    ] {
        if value == 0 {
            continue;
        }
        // SAFETY: an int option on a live socket; the kernel reads `size_of::<c_int>()` bytes.
        let rc = unsafe {
            libc::setsockopt(
                socket.as_raw_fd(),
                libc::SOL_SOCKET,
                name,
                (&value as *const i32).cast(),
                std::mem::size_of::<libc::c_int>() as libc::socklen_t,
            )
        };
        if rc != 0 {
            return Err(io::Error::last_os_error());
        }
    }
    Ok(())
}

/// Keepalives and TCP_MAXRT (the kernel's TCP_USER_TIMEOUT), for connected and accepted
/// sockets alike.
fn configure_liveness(socket: &Socket, options: &Options) -> io::Result<()> {
    if options.tcp_keepalive == 1 {
        let mut keepalive = socket2::TcpKeepalive::new();
        if options.tcp_keepalive_idle > 0 {
            keepalive = keepalive.with_time(Duration::from_secs(options.tcp_keepalive_idle as u64));
        }
        if options.tcp_keepalive_intvl > 0 {
            keepalive =
                keepalive.with_interval(Duration::from_secs(options.tcp_keepalive_intvl as u64));
        }
        if options.tcp_keepalive_cnt > 0 {
            keepalive = keepalive.with_retries(options.tcp_keepalive_cnt as u32);
        }
        socket.set_tcp_keepalive(&keepalive)?;
    } else if options.tcp_keepalive == 0 {
        socket.set_keepalive(false)?;
    }
    if options.tcp_maxrt > 0 {
        socket.set_tcp_user_timeout(Some(Duration::from_millis(options.tcp_maxrt as u64)))?;
    }
    Ok(())
}

fn apply_buffer_sizes(socket: &Socket, options: &Options) -> Result<()> {
    if options.sndbuf >= 0 {
        socket.set_send_buffer_size(options.sndbuf as usize)?;
    }
    if options.rcvbuf >= 0 {
        socket.set_recv_buffer_size(options.rcvbuf as usize)?;
    }
    Ok(())
}

/// Starts a non-blocking tcp connect to `addr` (from `source`, if given); it completes later
/// (the stream becomes writable).
pub(crate) fn connect_tcp(
    addr: SocketAddr,
    source: Option<SocketAddr>,
    options: &Options,
) -> io::Result<Stream> {
    tcp_connect(addr, source, options).map(Stream::Tcp)
}

fn tcp_connect(
    addr: SocketAddr,
    source: Option<SocketAddr>,
    options: &Options,
) -> io::Result<TcpStream> {
    let socket = Socket::new(Domain::for_address(addr), Type::STREAM, Some(Protocol::TCP))?;
    socket.set_nonblocking(true)?;
    socket.set_nodelay(true)?;
    apply_buffer_sizes(&socket, options).map_err(io::Error::from)?;
    configure_tcp(&socket, addr, options)?;
    if let Some(source) = source {
        socket.set_reuse_address(true)?;
        socket.bind(&SockAddr::from(source))?;
    }
    match socket.connect(&SockAddr::from(addr)) {
        Ok(()) => {}
        Err(e) if e.raw_os_error() == Some(libc::EINPROGRESS) => {}
        Err(e) => return Err(e),
    }
    let std_stream: std::net::TcpStream = socket.into();
    Ok(TcpStream::from_std(std_stream))
}

/// Starts a tcp connect (from `source` if given) to the SOCKS5 proxy at `proxy`, which
/// `handshake` then asks for the tunnel to the target.
pub(crate) fn connect_socks(
    proxy: SocketAddr,
    source: Option<SocketAddr>,
    handshake: Box<Handshake>,
    options: &Options,
) -> io::Result<Stream> {
    Ok(Stream::Socks(
        tcp_connect(proxy, source, options)?,
        handshake,
    ))
}

/// Starts a tcp connect to a ws peer at `addr`, which `link` then upgrades.
pub(crate) fn connect_ws(
    addr: SocketAddr,
    link: Box<WsLink>,
    options: &Options,
) -> io::Result<Stream> {
    Ok(Stream::Ws(tcp_connect(addr, None, options)?, link))
}

/// Connects to an ipc endpoint; completes or fails at once.
pub(crate) fn connect_ipc(address: &IpcAddress) -> io::Result<Stream> {
    let addr = match address {
        IpcAddress::Path(path) => UnixAddr::from_pathname(path)?,
        IpcAddress::Abstract(name) => abstract_addr(name).map_err(io::Error::from)?,
        IpcAddress::Wildcard => return Err(io::Error::from_raw_os_error(libc::EINVAL)),
    };
    let stream = std::os::unix::net::UnixStream::connect_addr(&addr)?;
    stream.set_nonblocking(true)?;
    Ok(Stream::Unix(UnixStream::from_std(stream)))
}

impl Listener {
    /// Accepts one pending connection, with the peer's IP address for tcp. It is not
    /// configured yet: see [`Listener::configure`].
    pub(crate) fn accept(&self) -> io::Result<(Stream, Option<String>)> {
        match self {
            Listener::Tcp(l) => {
                let (stream, peer) = l.accept()?;
                Ok((Stream::Tcp(stream), Some(peer.ip().to_string())))
            }
            Listener::Unix(l) => {
                let (stream, _) = l.accept()?;
                // What libzmq reports for ipc peers on Linux (glibc's getnameinfo for AF_UNIX).
                Ok((Stream::Unix(stream), Some(IPC_PEER_ADDRESS.to_string())))
            }
            Listener::Ws(l, accept) => {
                let (stream, peer) = l.accept()?;
                let link = Box::new(accept.link()?);
                Ok((Stream::Ws(stream, link), Some(peer.ip().to_string())))
            }
        }
    }

    /// Configures an accepted connection as libzmq configures accepted sockets (NODELAY,
    /// keepalives, TCP_MAXRT, buffer sizes); a failure concerns that connection only.
    pub(crate) fn configure(stream: &Stream, options: &Options) -> io::Result<()> {
        let (Stream::Tcp(stream) | Stream::Ws(stream, _)) = stream else {
            return Ok(());
        };
        stream.set_nodelay(true)?;
        let socket = socket2::SockRef::from(stream);
        configure_queueing(&socket, options)?;
        configure_liveness(&socket, options)?;
        if options.sndbuf >= 0 {
            socket.set_send_buffer_size(options.sndbuf as usize)?;
        }
        if options.rcvbuf >= 0 {
            socket.set_recv_buffer_size(options.rcvbuf as usize)?;
        }
        Ok(())
    }
}

impl Stream {
    /// For ipc, the bytes written that the peer has not read yet (`SIOCOUTQ` on a Unix
    /// socket: what sits in the peer's receive queue), which closing now would put at risk
    /// (see `Session::closing_outcome`). 0 for tcp, whose close keeps them (a FIN, not a
    /// hang-up), and when the kernel cannot tell.
    pub(crate) fn unread_by_peer(&self) -> usize {
        if !matches!(self, Stream::Unix(_)) {
            return 0;
        }
        let mut queued: libc::c_int = 0;
        // SAFETY: TIOCOUTQ (= SIOCOUTQ) writes one int through the pointer, which points at a
        // live c_int; the descriptor is ours.
        let rc = unsafe { libc::ioctl(self.as_raw_fd(), libc::TIOCOUTQ, &mut queued) };
        if rc < 0 {
            0
        } else {
            usize::try_from(queued).unwrap_or(0)
        }
    }

    /// The connection's local and remote endpoints as libzmq's version 2 monitor events
    /// name them (`tcp://127.0.0.1:5555`); ipc connections have none of their own (empty).
    pub(crate) fn endpoints(&self) -> (String, String) {
        match self {
            Stream::Tcp(s) | Stream::Socks(s, _) | Stream::Ws(s, _) => {
                let uri =
                    |a: io::Result<SocketAddr>| a.map_or(String::new(), |a| format!("tcp://{a}"));
                (uri(s.local_addr()), uri(s.peer_addr()))
            }
            Stream::Unix(s) => {
                let uri = |a: io::Result<std::os::unix::net::SocketAddr>| {
                    a.map_or(String::new(), |a| ipc_uri(&a))
                };
                (uri(s.local_addr()), uri(s.peer_addr()))
            }
        }
    }

    /// For a tcp connect in progress: Ok(true) once connected (through a SOCKS proxy: once
    /// its tunnel is up), Ok(false) while pending, Err if it failed.
    pub(crate) fn finish_connect(&mut self) -> io::Result<bool> {
        match self {
            Stream::Tcp(s) => tcp_connected(s),
            Stream::Unix(_) => Ok(true),
            Stream::Socks(s, handshake) => Ok(tcp_connected(s)? && socks_handshake(s, handshake)?),
            Stream::Ws(s, link) => Ok(tcp_connected(s)? && link.handshake(s)?),
        }
    }

    /// Reads into the spare capacity of `buf` (at most `max` bytes) without zero-filling it.
    pub(crate) fn read_into(&mut self, buf: &mut bytes::BytesMut, max: usize) -> io::Result<usize> {
        if let Stream::Ws(s, link) = self {
            return link.read_into(s, buf, max);
        }
        buf.reserve(max);
        let spare = buf.spare_capacity_mut();
        let len = spare.len().min(max);
        // SAFETY: read(2) writes at most `len` bytes into the spare capacity, which is valid
        // writable memory owned by `buf`; exactly the bytes it reports written become
        // initialized, and only those are exposed through set_len.
        let n = unsafe { libc::read(self.as_raw_fd(), spare.as_mut_ptr().cast(), len) };
        if n < 0 {
            return Err(io::Error::last_os_error());
        }
        let n = n as usize;
        // SAFETY: see above; `n <= len <= spare capacity`.
        unsafe { buf.set_len(buf.len() + n) };
        Ok(n)
    }

    /// Writes as much of `slices` as the kernel takes now.
    pub(crate) fn write_vectored(&mut self, slices: &[IoSlice<'_>]) -> io::Result<usize> {
        match self {
            Stream::Tcp(s) => s.write_vectored(slices),
            Stream::Unix(s) => s.write_vectored(slices),
            Stream::Socks(s, handshake) if handshake.is_done() => s.write_vectored(slices),
            Stream::Ws(s, link) => link.write_vectored(s, slices),
            // Nothing but the handshake goes to the proxy before its tunnel is up.
            Stream::Socks(..) => Err(io::ErrorKind::WouldBlock.into()),
        }
    }
}

/// Whether a non-blocking tcp connect has completed (Err if it failed).
fn tcp_connected(s: &TcpStream) -> io::Result<bool> {
    if let Some(e) = s.take_error()? {
        return Err(e);
    }
    match s.peer_addr() {
        Ok(_) => Ok(true),
        Err(e) if e.kind() == io::ErrorKind::NotConnected => Ok(false),
        Err(e) => Err(e),
    }
}

/// Moves a SOCKS5 handshake on as far as the proxy lets it without blocking; true once the
/// tunnel is up. Reads stop at the proxy's last reply byte, so what the peer sends through
/// the tunnel stays in the kernel for the engine.
fn socks_handshake(s: &mut TcpStream, handshake: &mut Handshake) -> io::Result<bool> {
    use std::io::Read;
    let mut buf = [0u8; 262];
    loop {
        if handshake.is_done() {
            return Ok(true);
        }
        if !handshake.output().is_empty() {
            match s.write(handshake.output()) {
                Ok(n) => handshake.wrote(n),
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(false),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
            continue;
        }
        let wanted = handshake.wanted().min(buf.len());
        match s.read(&mut buf[..wanted]) {
            Ok(0) => return Err(io::ErrorKind::UnexpectedEof.into()),
            Ok(n) => handshake.received(&buf[..n])?,
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(false),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
}

impl AsRawFd for Stream {
    fn as_raw_fd(&self) -> RawFd {
        match self {
            Stream::Tcp(s) | Stream::Socks(s, _) | Stream::Ws(s, _) => s.as_raw_fd(),
            Stream::Unix(s) => s.as_raw_fd(),
        }
    }
}

impl AsRawFd for Listener {
    fn as_raw_fd(&self) -> RawFd {
        match self {
            Listener::Tcp(l) | Listener::Ws(l, ..) => l.as_raw_fd(),
            Listener::Unix(l) => l.as_raw_fd(),
        }
    }
}

impl Source for Stream {
    fn register(&mut self, r: &Registry, t: Token, i: Interest) -> io::Result<()> {
        match self {
            Stream::Tcp(s) | Stream::Socks(s, _) | Stream::Ws(s, _) => s.register(r, t, i),
            Stream::Unix(s) => s.register(r, t, i),
        }
    }
    fn reregister(&mut self, r: &Registry, t: Token, i: Interest) -> io::Result<()> {
        match self {
            Stream::Tcp(s) | Stream::Socks(s, _) | Stream::Ws(s, _) => s.reregister(r, t, i),
            Stream::Unix(s) => s.reregister(r, t, i),
        }
    }
    fn deregister(&mut self, r: &Registry) -> io::Result<()> {
        match self {
            Stream::Tcp(s) | Stream::Socks(s, _) | Stream::Ws(s, _) => s.deregister(r),
            Stream::Unix(s) => s.deregister(r),
        }
    }
}

impl Source for Listener {
    fn register(&mut self, r: &Registry, t: Token, i: Interest) -> io::Result<()> {
        match self {
            Listener::Tcp(s) | Listener::Ws(s, ..) => s.register(r, t, i),
            Listener::Unix(s) => s.register(r, t, i),
        }
    }
    fn reregister(&mut self, r: &Registry, t: Token, i: Interest) -> io::Result<()> {
        match self {
            Listener::Tcp(s) | Listener::Ws(s, ..) => s.reregister(r, t, i),
            Listener::Unix(s) => s.reregister(r, t, i),
        }
    }
    fn deregister(&mut self, r: &Registry) -> io::Result<()> {
        match self {
            Listener::Tcp(s) | Listener::Ws(s, ..) => s.deregister(r),
            Listener::Unix(s) => s.deregister(r),
        }
    }
}

/// A Unix socket address as libzmq writes ipc endpoints: `ipc://path`, `ipc://@name` for
/// an abstract one, and a bare `ipc://` for an unnamed (connecting) socket.
fn ipc_uri(address: &std::os::unix::net::SocketAddr) -> String {
    use std::os::linux::net::SocketAddrExt;
    if let Some(path) = address.as_pathname() {
        format!("ipc://{}", path.display())
    } else if let Some(name) = address.as_abstract_name() {
        format!("ipc://@{}", String::from_utf8_lossy(name))
    } else {
        "ipc://".to_string()
    }
}
