//! UDP discovery, model 1 (zguide chapter 8, "Cooperative Discovery Using UDP Broadcasts":
//! udpping1): broadcasts a one-byte ping to 255.255.255.255 on port 9999 once a second from a
//! socket bound to that port, and prints `Found peer ADDRESS:PORT` for every ping heard —
//! its own included. Runs until Ctrl-C.
//!
//! It broadcasts on the machine's networks: its smoke test runs it only inside a network
//! namespace holding loopback alone.

use ferrozmq::{interrupt, poll, PollItem, POLLIN};
use std::net::{Ipv4Addr, SocketAddrV4, UdpSocket};
use std::os::fd::AsRawFd;
use std::process::ExitCode;
use std::time::{Duration, Instant};

const PING_PORT_NUMBER: u16 = 9999;
const PING_MSG_SIZE: usize = 1;
const PING_INTERVAL: Duration = Duration::from_millis(1000);

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("E: udpping1: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> std::io::Result<()> {
    let interrupts = interrupt::catch_interrupts()?;
    // A UDP socket that may broadcast, bound to the ping port to hear the pings.
    let socket = UdpSocket::bind(SocketAddrV4::new(Ipv4Addr::UNSPECIFIED, PING_PORT_NUMBER))?;
    socket.set_broadcast(true)?;
    let broadcast = SocketAddrV4::new(Ipv4Addr::BROADCAST, PING_PORT_NUMBER);
    let mut buffer = [0u8; PING_MSG_SIZE];
    // The first ping goes right away.
    let mut ping_at = Instant::now();
    while !interrupt::interrupted() {
        let timeout = ping_at.saturating_duration_since(Instant::now());
        let mut items = [
            PollItem::from_fd(socket.as_raw_fd(), POLLIN),
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
            let (_, from) = socket.recv_from(&mut buffer)?;
            println!("Found peer {}:{}", from.ip(), from.port());
        }
        if Instant::now() >= ping_at {
            // Broadcast our beacon.
            println!("Pinging peers...");
            buffer[0] = b'!';
            socket.send_to(&buffer, broadcast)?;
            ping_at = Instant::now() + PING_INTERVAL;
        }
    }
    Ok(())
}
