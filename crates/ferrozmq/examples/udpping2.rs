//! UDP discovery, model 2 (zguide chapter 8, "Cooperative Discovery Using UDP Broadcasts":
//! udpping2): udpping1 with its UDP code moved behind a small `udp` class (the guide's
//! `udplib`). The socket is bound with `SO_REUSEADDR`, so several udpping2 processes share
//! port 9999 and each hears every ping; transient network errors ("network is unreachable"
//! while the WiFi is off) are ignored and retried instead of ending the program. Prints
//! `Pinging peers...` once a second and reads, without printing, the pings it hears. Runs until
//! Ctrl-C.
//!
//! It broadcasts on the machine's networks: its smoke test runs it only inside a network
//! namespace holding loopback alone.

use ferrozmq::{interrupt, poll, PollItem, POLLIN};
use std::process::ExitCode;
use std::time::{Duration, Instant};

const PING_PORT_NUMBER: u16 = 9999;
const PING_MSG_SIZE: usize = 1;
const PING_INTERVAL: Duration = Duration::from_millis(1000);

/// The guide's `udplib`: one UDP socket that broadcasts to, and hears, one port.
mod udp {
    use socket2::{Domain, Protocol, Socket, Type};
    use std::io;
    use std::net::{Ipv4Addr, SocketAddrV4, UdpSocket};
    use std::os::fd::{AsRawFd, RawFd};

    /// A broadcasting UDP socket bound to a port that other processes may bind as well.
    pub struct Udp {
        socket: UdpSocket,
        broadcast: SocketAddrV4,
    }

    impl Udp {
        /// Binds `port` on every interface, allowing broadcasts and other processes on the
        /// same port (`udp_new`).
        pub fn new(port: u16) -> io::Result<Udp> {
            let socket = Socket::new(Domain::IPV4, Type::DGRAM, Some(Protocol::UDP))?;
            socket.set_broadcast(true)?;
            socket.set_reuse_address(true)?;
            socket.bind(&SocketAddrV4::new(Ipv4Addr::UNSPECIFIED, port).into())?;
            Ok(Udp {
                socket: socket.into(),
                broadcast: SocketAddrV4::new(Ipv4Addr::BROADCAST, port),
            })
        }

        /// The descriptor to poll for incoming datagrams (`udp_handle`).
        pub fn handle(&self) -> RawFd {
            self.socket.as_raw_fd()
        }

        /// Broadcasts `buffer` to the port (`udp_send`); a soft error (no network just now)
        /// is ignored so the next send can try again.
        pub fn send(&self, buffer: &[u8]) -> io::Result<()> {
            match self.socket.send_to(buffer, self.broadcast) {
                Err(e) if is_soft(&e) => Ok(()),
                result => result.map(|_| ()),
            }
        }

        /// Reads one datagram into `buffer` (cut to its length) and returns its size
        /// (`udp_recv`); 0 after a soft error.
        pub fn recv(&self, buffer: &mut [u8]) -> io::Result<usize> {
            match self.socket.recv_from(buffer) {
                Ok((size, _)) => Ok(size),
                Err(e) if is_soft(&e) => Ok(0),
                Err(e) => Err(e),
            }
        }
    }

    /// The errors udplib retries rather than dies of: the network is down or unreachable
    /// for now, or the call was interrupted.
    fn is_soft(e: &io::Error) -> bool {
        matches!(
            e.raw_os_error(),
            Some(
                libc::EAGAIN
                    | libc::EINTR
                    | libc::ENETDOWN
                    | libc::ENETUNREACH
                    | libc::EHOSTDOWN
                    | libc::EHOSTUNREACH
                    | libc::ENONET
                    | libc::EPROTO
                    | libc::ENOPROTOOPT
                    | libc::EOPNOTSUPP
                    | libc::EADDRNOTAVAIL
                    | libc::ECONNREFUSED
                    | libc::ECONNRESET
                    | libc::EPIPE
            )
        )
    }
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("E: udpping2: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> std::io::Result<()> {
    let interrupts = interrupt::catch_interrupts()?;
    let udp = udp::Udp::new(PING_PORT_NUMBER)?;
    let mut buffer = [0u8; PING_MSG_SIZE];
    // The first ping goes right away.
    let mut ping_at = Instant::now();
    while !interrupt::interrupted() {
        let timeout = ping_at.saturating_duration_since(Instant::now());
        let mut items = [
            PollItem::from_fd(udp.handle(), POLLIN),
            PollItem::from_fd(interrupts, POLLIN),
        ];
        match poll(&mut items, timeout.as_millis() as i64) {
            Err(ferrozmq::Error::EINTR) => break,
            result => result?,
        };
        if items[1].is_readable() {
            break; // Ctrl-C
        }
        // Someone answered our ping.
        if items[0].is_readable() {
            udp.recv(&mut buffer)?;
        }
        if Instant::now() >= ping_at {
            println!("Pinging peers...");
            buffer[0] = b'!';
            udp.send(&buffer)?;
            ping_at = Instant::now() + PING_INTERVAL;
        }
    }
    Ok(())
}
