//! Transports behind one interface: every listener the I/O layer binds and every connection
//! a dialer starts goes through [`listen`] and [`dial`], which pick the kernel socket for the
//! endpoint's transport. Transports are of a [`TransportKind`]: byte streams (tcp, ipc:
//! [`Stream`], framed by the ZMTP engine) or datagrams (udp, for RADIO/DISH). Endpoints of
//! both kinds parse, and bind/connect check the kind against the socket type as libzmq does;
//! a datagram transport is not built yet. It joins here as a further arm of both functions,
//! with a socket of its own (one datagram per message) and an engine without stream framing;
//! the session would then be given that socket instead of a [`Stream`].

use super::dialer::ConnectTarget;
use super::stream::{self, Listener, Stream};
use crate::endpoint::{self, Endpoint, IpcAddress};
use crate::error::{Error, Result};
use crate::options::Options;
use ferrozmq_zmtp::SocketType;
use std::io;
use std::path::PathBuf;

/// How a transport carries messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TransportKind {
    /// A byte stream the engine frames (tcp, ipc; inproc pipes carry whole messages alike).
    Stream,
    /// One datagram per message (udp).
    Datagram,
}

impl TransportKind {
    /// The kind of `endpoint`'s transport.
    pub(crate) fn of(endpoint: &Endpoint) -> TransportKind {
        match endpoint {
            Endpoint::Udp(_) => TransportKind::Datagram,
            Endpoint::Tcp { .. } | Endpoint::Ipc(_) | Endpoint::Inproc(_) => TransportKind::Stream,
        }
    }

    /// Whether a socket of `socket_type` may bind or connect over this kind, checked before
    /// the address is read (libzmq's `socket_base_t::check_protocol`): datagrams are for
    /// RADIO, DISH and DGRAM only, ENOCOMPATPROTO for the others; those three get
    /// EPROTONOSUPPORT while no datagram transport is built.
    pub(crate) fn check(self, socket_type: SocketType) -> Result<()> {
        match self {
            TransportKind::Stream => Ok(()),
            TransportKind::Datagram => match socket_type {
                SocketType::RADIO | SocketType::DISH | SocketType::DGRAM => {
                    Err(Error::EPROTONOSUPPORT)
                }
                _ => Err(Error::ENOCOMPATPROTO),
            },
        }
    }
}

/// Binds a listener for `endpoint` (tcp or ipc) with `options`: the listener, its resolved
/// endpoint (`tcp://*:*` becomes the bound address), and the ipc file to remove when it
/// closes. Other transports are EINVAL here (inproc is bound by the socket itself, udp is
/// refused by [`TransportKind::check`] first).
pub(crate) fn listen(
    endpoint: Endpoint,
    options: &Options,
) -> Result<(Listener, String, Option<PathBuf>)> {
    Ok(match endpoint {
        Endpoint::Tcp {
            source: Some(_), ..
        } => return Err(Error::EINVAL),
        Endpoint::Tcp { host, port, .. } => {
            let addr = endpoint::resolve_bind(&host, port, options.ipv6)?;
            let (listener, bound) = stream::bind_tcp(addr, options)?;
            let resolved = match bound {
                std::net::SocketAddr::V4(a) => format!("tcp://{}:{}", a.ip(), a.port()),
                std::net::SocketAddr::V6(a) => format!("tcp://[{}]:{}", a.ip(), a.port()),
            };
            (listener, resolved, None)
        }
        Endpoint::Ipc(address) => {
            let (listener, public, path) = stream::bind_ipc(&address)?;
            let resolved = match public {
                IpcAddress::Path(p) => format!("ipc://{}", p.display()),
                IpcAddress::Abstract(name) => {
                    format!("ipc://@{}", String::from_utf8_lossy(&name))
                }
                IpcAddress::Wildcard => return Err(Error::EINVAL),
            };
            (listener, resolved, path)
        }
        Endpoint::Inproc(_) | Endpoint::Udp(_) => return Err(Error::EINVAL),
    })
}

/// Starts one connection attempt to `target`: resolves a tcp name (on each attempt, as
/// libzmq does) and starts a non-blocking connect. Returns the stream and the peer's address
/// for `Peer-Address`.
pub(crate) fn dial(target: &ConnectTarget, options: &Options) -> io::Result<(Stream, String)> {
    match target {
        ConnectTarget::Tcp {
            host,
            port,
            source,
            ipv6,
        } => {
            let unresolved = |_| io::Error::from(io::ErrorKind::NotFound);
            let addr = endpoint::resolve_connect(host, Some(*port), *ipv6).map_err(unresolved)?;
            let source = match source {
                Some((host, port)) => {
                    Some(endpoint::resolve_bind(host, *port, *ipv6).map_err(unresolved)?)
                }
                None => None,
            };
            let stream = stream::connect_tcp(addr, source, options)?;
            Ok((stream, addr.ip().to_string()))
        }
        ConnectTarget::Ipc(address) => Ok((
            stream::connect_ipc(address)?,
            stream::IPC_PEER_ADDRESS.to_string(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn udp_is_a_datagram_kind_for_radio_dish_and_dgram_only() {
        let kind = |text| TransportKind::of(&Endpoint::parse(text).unwrap());
        assert_eq!(kind("udp://127.0.0.1:5555"), TransportKind::Datagram);
        assert_eq!(kind("tcp://127.0.0.1:5555"), TransportKind::Stream);
        assert_eq!(kind("ipc://@x"), TransportKind::Stream);
        assert_eq!(kind("inproc://x"), TransportKind::Stream);
        for t in [SocketType::PUSH, SocketType::PUB, SocketType::STREAM] {
            assert_eq!(TransportKind::Datagram.check(t), Err(Error::ENOCOMPATPROTO));
            assert_eq!(TransportKind::Stream.check(t), Ok(()));
        }
        for t in [SocketType::RADIO, SocketType::DISH, SocketType::DGRAM] {
            assert_eq!(
                TransportKind::Datagram.check(t),
                Err(Error::EPROTONOSUPPORT)
            );
        }
    }
}
