//! Transports behind one interface: every listener the I/O layer binds and every connection
//! a dialer starts goes through [`listen`] and [`dial`], which pick the kernel socket for the
//! endpoint's transport. Transports are of a [`TransportKind`]: byte streams (tcp, ipc:
//! [`Stream`], framed by the ZMTP engine) or datagrams (udp, for RADIO/DISH). Endpoints of
//! both kinds parse, and bind/connect check the kind against the socket type as libzmq does;
//! a datagram transport is not built yet. It joins here as a further arm of both functions,
//! with a socket of its own (one datagram per message) and an engine without stream framing;
//! the session would then be given that socket instead of a [`Stream`].

use super::dialer::ConnectTarget;
use super::socks::Handshake;
use super::stream::{self, Listener, Stream};
use super::tls;
use super::ws_stream::{WsAccept, WsLink};
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
    /// Reliable multicast (pgm, epgm), for the publish-subscribe types.
    Multicast,
}

impl TransportKind {
    /// The kind of `endpoint`'s transport.
    pub(crate) fn of(endpoint: &Endpoint) -> TransportKind {
        match endpoint {
            Endpoint::Udp(_) => TransportKind::Datagram,
            Endpoint::Pgm { .. } => TransportKind::Multicast,
            Endpoint::Tcp { .. } | Endpoint::Ipc(_) | Endpoint::Inproc(_) | Endpoint::Ws { .. } => {
                TransportKind::Stream
            }
        }
    }

    /// Whether a socket of `socket_type` may bind or connect over this kind, checked before
    /// the address is read (libzmq's `socket_base_t::check_protocol`): datagrams are for
    /// RADIO, DISH and DGRAM only, ENOCOMPATPROTO for the others. Which of bind and connect
    /// each may use is the socket's check (`udp/`).
    pub(crate) fn check(self, socket_type: SocketType) -> Result<()> {
        match self {
            TransportKind::Stream => Ok(()),
            TransportKind::Datagram => match socket_type {
                SocketType::RADIO | SocketType::DISH | SocketType::DGRAM => Ok(()),
                _ => Err(Error::ENOCOMPATPROTO),
            },
            TransportKind::Multicast => match socket_type {
                SocketType::PUB | SocketType::XPUB | SocketType::SUB | SocketType::XSUB => Ok(()),
                _ => Err(Error::ENOCOMPATPROTO),
            },
        }
    }
}

/// Binds a listener for `endpoint` (tcp, ipc or ws) with `options` for a socket of
/// `socket_type` (which a ws listener needs for bare-ZWS peers): the listener, its resolved
/// endpoint (`tcp://*:*` becomes the bound address), and the ipc file to remove when it
/// closes. Under ZMQ_USE_FD the application's listening socket is taken over instead. Other
/// transports are EINVAL here (inproc is bound by the socket itself, udp is refused by
/// [`TransportKind::check`] first).
pub(crate) fn listen(
    endpoint: Endpoint,
    options: &Options,
    socket_type: SocketType,
) -> Result<(Listener, String, Option<PathBuf>)> {
    let adopted = (options.use_fd >= 0).then_some(options.use_fd);
    Ok(match endpoint {
        Endpoint::Tcp {
            source: Some(_), ..
        } => return Err(Error::EINVAL),
        Endpoint::Tcp { host, port, .. } => {
            let (listener, bound) = match adopted {
                // libzmq ignores the address then: the socket is bound already.
                Some(fd) => stream::adopt_tcp(fd)?,
                None => {
                    let addr = endpoint::resolve_bind(&host, port, options.ipv6)?;
                    stream::bind_tcp(addr, options)?
                }
            };
            let resolved = match bound {
                std::net::SocketAddr::V4(a) => format!("tcp://{}:{}", a.ip(), a.port()),
                std::net::SocketAddr::V6(a) => format!("tcp://[{}]:{}", a.ip(), a.port()),
            };
            (listener, resolved, None)
        }
        Endpoint::Ipc(address) => {
            let (listener, public, path) = match adopted {
                // Named by the address given; its file is the application's to remove.
                Some(fd) => (stream::adopt_ipc(fd)?, address, None),
                None => stream::bind_ipc(&address)?,
            };
            let resolved = match public {
                IpcAddress::Path(p) => format!("ipc://{}", p.display()),
                IpcAddress::Abstract(name) => {
                    format!("ipc://@{}", String::from_utf8_lossy(&name))
                }
                IpcAddress::Wildcard => return Err(Error::EINVAL),
            };
            (listener, resolved, path)
        }
        Endpoint::Ws {
            host,
            port,
            path,
            tls,
        } => {
            // Before the port is taken: a wss bind without a usable certificate is EINVAL.
            let tls = tls.then(|| tls::server_config(options)).transpose()?;
            let (listener, bound) = match adopted {
                Some(fd) => stream::adopt_tcp(fd)?,
                None => {
                    let addr = endpoint::resolve_bind(&host, port, options.ipv6)?;
                    stream::bind_tcp(addr, options)?
                }
            };
            let Listener::Tcp(listener) = listener else {
                return Err(Error::EINVAL);
            };
            let scheme = if tls.is_some() { "wss" } else { "ws" };
            let resolved = match bound {
                std::net::SocketAddr::V4(a) => format!("{scheme}://{}:{}{path}", a.ip(), a.port()),
                std::net::SocketAddr::V6(a) => {
                    format!("{scheme}://[{}]:{}{path}", a.ip(), a.port())
                }
            };
            let accept = WsAccept::new(options, socket_type, tls);
            (Listener::Ws(listener, accept), resolved, None)
        }
        Endpoint::Inproc(_) | Endpoint::Udp(_) | Endpoint::Pgm { .. } => return Err(Error::EINVAL),
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
        } if options.socks_proxy.is_empty() => {
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
        ConnectTarget::Tcp {
            host, port, ipv6, ..
        } => {
            // Through the proxy, which is resolved on each attempt; the target is named to it
            // as given, a name unresolved (libzmq's socks_connecter).
            // The proxy's address may name a source address too (`src:port;host:port`), as
            // libzmq's socks_connecter binds to it before connecting.
            let proxy = std::str::from_utf8(&options.socks_proxy).map_err(|_| invalid_proxy())?;
            let Ok(Endpoint::Tcp {
                host: proxy_host,
                port: Some(proxy_port),
                source,
            }) = Endpoint::parse(&format!("tcp://{proxy}"))
            else {
                return Err(invalid_proxy());
            };
            let unresolved = |_| io::Error::from(io::ErrorKind::NotFound);
            let addr = endpoint::resolve_connect(&proxy_host, Some(proxy_port), *ipv6)
                .map_err(unresolved)?;
            let source = match source {
                Some((host, port)) => {
                    Some(endpoint::resolve_bind(&host, port, *ipv6).map_err(unresolved)?)
                }
                None => None,
            };
            let credentials = (!options.socks_username.is_empty()).then(|| {
                (
                    options.socks_username.clone(),
                    options.socks_password.clone(),
                )
            });
            let handshake = Box::new(Handshake::new(host, *port, credentials));
            let stream = stream::connect_socks(addr, source, handshake, options)?;
            Ok((stream, addr.ip().to_string()))
        }
        ConnectTarget::Ws {
            host,
            port,
            path,
            ipv6,
            tls,
        } => {
            let unresolved = |_| io::Error::from(io::ErrorKind::NotFound);
            let addr = endpoint::resolve_connect(host, Some(*port), *ipv6).map_err(unresolved)?;
            let tls = match tls {
                true => Some(tls::TlsLayer::client(
                    tls::client_config(options)?,
                    tls::server_name(options, host)?,
                )?),
                false => None,
            };
            let link = Box::new(WsLink::client(
                &format!("{host}:{port}"),
                path,
                options,
                tls,
            ));
            let stream = stream::connect_ws(addr, link, options)?;
            Ok((stream, addr.ip().to_string()))
        }
        ConnectTarget::Ipc(address) => Ok((
            stream::connect_ipc(address)?,
            stream::IPC_PEER_ADDRESS.to_string(),
        )),
    }
}

/// A SOCKS_PROXY that is not `host:port`: the attempt fails (and is retried), as in libzmq.
fn invalid_proxy() -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, "SOCKS_PROXY is not host:port")
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
            assert_eq!(TransportKind::Datagram.check(t), Ok(()));
        }
    }
}
