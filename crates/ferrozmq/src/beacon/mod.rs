//! `Beacon` (CZMQ's `zbeacon`): LAN discovery by UDP broadcast. A beacon publishes a short
//! payload (at most [`MAX_PAYLOAD`] bytes) to a UDP port every interval, and hears the
//! beacons of others on that port that start with its subscription prefix, each as the
//! sender's IP address and the payload. Wire format and behaviour are zbeacon's: the
//! datagram is the payload alone, broadcast to the port (or sent to an IPv4 multicast
//! group, or to the IPv6 group `ff02::1`), our own beacon is not echoed back to us, nothing
//! is heard before a subscription.
//!
//! The beacon is an [`Actor`]; its pipe speaks zbeacon's commands (`CONFIGURE port`,
//! `PUBLISH data interval`, `SILENCE`, `SUBSCRIBE prefix`, `UNSUBSCRIBE`, `VERBOSE`), and the
//! methods here send them. Put [`Beacon::pipe`] in a reactor or `poll` to wait for beacons
//! along with other sockets.
//!
//! The interface is chosen as zbeacon chooses it ([`BeaconOptions`], read from CZMQ's
//! environment variables by default): `ZSYS_INTERFACE` (a name, an address, a digit for the
//! n-th interface, or `*` for the limited broadcast address 255.255.255.255 on any
//! interface), `ZSYS_IPV6=1`, `ZSYS_IPV4_MCAST_ADDRESS` (IPv4 multicast instead of
//! broadcast), `ZSYS_IPV6_MCAST_ADDRESS` and `ZSYS_MCAST_TTL`.
//!
//! ```no_run
//! use ferrozmq::beacon::Beacon;
//! use std::time::Duration;
//! let ctx = ferrozmq::Context::new();
//! let speaker = Beacon::new(&ctx)?;
//! speaker.configure(9999)?;
//! speaker.publish(b"HELLO", Duration::from_millis(100))?;
//! let listener = Beacon::new(&ctx)?;
//! listener.configure(9999)?;
//! listener.subscribe(b"HE")?;
//! if let Some((address, payload)) = listener.recv_timeout(Duration::from_secs(1))? {
//!     println!("{address}\t{}", String::from_utf8_lossy(&payload));
//! }
//! # Ok::<(), ferrozmq::Error>(())
//! ```

mod agent;
mod filter;
mod interface;

pub use filter::MAX_PAYLOAD;

use crate::actor::Actor;
use crate::context::Context;
use crate::error::{Error, Result};
use crate::multipart::Multipart;
use crate::socket::Socket;
use crate::POLLIN;
use std::net::{Ipv4Addr, Ipv6Addr};
use std::time::Duration;

/// How a beacon picks its interface and addresses: CZMQ's `zsys_set_interface`,
/// `zsys_set_ipv6`, `zsys_set_ipv4_mcast_address`, `zsys_set_ipv6_mcast_address` and
/// `zsys_set_mcast_ttl`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BeaconOptions {
    /// Interface name, address, list index (one digit), `*` (any interface, limited
    /// broadcast), or `None`/empty for the first broadcast interface (`ZSYS_INTERFACE`).
    pub interface: Option<String>,
    /// Use IPv6 multicast instead of IPv4 (`ZSYS_IPV6`).
    pub ipv6: bool,
    /// Send IPv4 beacons to this multicast group instead of broadcasting
    /// (`ZSYS_IPV4_MCAST_ADDRESS`).
    pub ipv4_mcast_address: Option<Ipv4Addr>,
    /// The IPv6 group (`ZSYS_IPV6_MCAST_ADDRESS`, default `ff02::1`).
    pub ipv6_mcast_address: Ipv6Addr,
    /// IPv4 multicast TTL (`ZSYS_MCAST_TTL`, default 1).
    pub mcast_ttl: u32,
}

impl Default for BeaconOptions {
    fn default() -> BeaconOptions {
        BeaconOptions {
            interface: None,
            ipv6: false,
            ipv4_mcast_address: None,
            ipv6_mcast_address: Ipv6Addr::new(0xff02, 0, 0, 0, 0, 0, 0, 1),
            mcast_ttl: 1,
        }
    }
}

impl BeaconOptions {
    /// The options CZMQ reads from its environment variables (unset or unparsable ones keep
    /// their defaults).
    pub fn from_env() -> BeaconOptions {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        let defaults = BeaconOptions::default();
        BeaconOptions {
            interface: var("ZSYS_INTERFACE"),
            ipv6: var("ZSYS_IPV6").is_some_and(|v| v.trim() == "1"),
            ipv4_mcast_address: var("ZSYS_IPV4_MCAST_ADDRESS").and_then(|v| v.parse().ok()),
            ipv6_mcast_address: var("ZSYS_IPV6_MCAST_ADDRESS")
                .and_then(|v| v.parse().ok())
                .unwrap_or(defaults.ipv6_mcast_address),
            mcast_ttl: var("ZSYS_MCAST_TTL")
                .and_then(|v| v.parse().ok())
                .unwrap_or(defaults.mcast_ttl),
        }
    }
}

/// A running beacon (`zactor_new (zbeacon, NULL)`); dropping it stops it.
pub struct Beacon {
    actor: Actor,
}

impl Beacon {
    /// Starts a beacon with options from the environment ([`BeaconOptions::from_env`]).
    pub fn new(ctx: &Context) -> Result<Beacon> {
        Beacon::with_options(ctx, BeaconOptions::from_env())
    }

    /// Starts a beacon with explicit options.
    pub fn with_options(ctx: &Context, options: BeaconOptions) -> Result<Beacon> {
        Ok(Beacon {
            actor: Actor::new(ctx, move |pipe| agent::run(pipe, options))?,
        })
    }

    /// Opens the UDP sockets on `port` (`CONFIGURE`) and returns our hostname: the chosen
    /// interface's address, or `*`. ENODEV if no interface could be used (zbeacon answers
    /// an empty hostname).
    pub fn configure(&self, port: u16) -> Result<String> {
        self.actor.send(["CONFIGURE", &port.to_string()])?;
        let hostname = self.actor.recv()?.pop_str().unwrap_or_default();
        if hostname.is_empty() {
            return Err(Error::ENODEV);
        }
        Ok(hostname)
    }

    /// Starts sending `payload` at once and then every `interval` (0: one second)
    /// (`PUBLISH`), replacing any earlier beacon. EINVAL if it is over [`MAX_PAYLOAD`]
    /// bytes.
    pub fn publish(&self, payload: &[u8], interval: Duration) -> Result<()> {
        if payload.len() > MAX_PAYLOAD {
            return Err(Error::EINVAL);
        }
        let interval = interval.as_millis().to_string();
        self.actor.send(Multipart::from([
            &b"PUBLISH"[..],
            payload,
            interval.as_bytes(),
        ]))
    }

    /// Stops sending (`SILENCE`).
    pub fn silence(&self) -> Result<()> {
        self.actor.send(["SILENCE"])
    }

    /// Hears beacons that start with `prefix` (`SUBSCRIBE`; empty: all), replacing any
    /// earlier subscription. EINVAL if it is over [`MAX_PAYLOAD`] bytes.
    pub fn subscribe(&self, prefix: &[u8]) -> Result<()> {
        if prefix.len() > MAX_PAYLOAD {
            return Err(Error::EINVAL);
        }
        self.actor
            .send(Multipart::from([&b"SUBSCRIBE"[..], prefix]))
    }

    /// Stops hearing beacons (`UNSUBSCRIBE`).
    pub fn unsubscribe(&self) -> Result<()> {
        self.actor.send(["UNSUBSCRIBE"])
    }

    /// Logs commands and setup to stderr (`VERBOSE`).
    pub fn verbose(&self) -> Result<()> {
        self.actor.send(["VERBOSE"])
    }

    /// Waits for the next beacon heard: the sender's address and the payload.
    pub fn recv(&self) -> Result<(String, Vec<u8>)> {
        loop {
            let mut beacon = self.actor.recv()?;
            if let (Some(address), Some(payload), None) =
                (beacon.pop_str(), beacon.pop(), beacon.pop())
            {
                return Ok((address, payload.to_vec()));
            }
        }
    }

    /// [`recv`](Beacon::recv), giving up after `timeout` with `None`.
    pub fn recv_timeout(&self, timeout: Duration) -> Result<Option<(String, Vec<u8>)>> {
        let ms = crate::timers::duration_to_poll_ms(timeout);
        if self.actor.pipe().poll(POLLIN, ms)? == 0 {
            return Ok(None);
        }
        self.recv().map(Some)
    }

    /// The beacon's pipe (beacons arrive on it as `[address][payload]`), for a reactor or
    /// `poll`.
    pub fn pipe(&self) -> &Socket {
        self.actor.pipe()
    }
}
