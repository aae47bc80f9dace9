//! Endpoint strings (`tcp://host:port`, `ipc:///path`, `ipc://@name`, `inproc://name`,
//! `udp://…`): parsing, validation and address resolution, with libzmq's errors for bad input.

use crate::error::{Error, Result};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, ToSocketAddrs};
use std::path::PathBuf;

/// Transports libzmq knows of that ferrozmq does not offer (yet): EPROTONOSUPPORT, as a libzmq
/// built without them answers.
const KNOWN_UNSUPPORTED: [&str; 4] = ["norm", "tipc", "vmci", "vsock"];

/// A parsed endpoint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Endpoint {
    /// `tcp://host:port`; `port` None means `*` (an ephemeral port, bind only). A connect may
    /// name a local address to connect from: `tcp://src-host:src-port;host:port`.
    Tcp {
        host: String,
        port: Option<u16>,
        source: Option<(String, Option<u16>)>,
    },
    /// `ipc://…`.
    Ipc(IpcAddress),
    /// `inproc://name`.
    Inproc(String),
    /// `udp://…`, a datagram transport (RADIO/DISH, DGRAM). The address is kept as written:
    /// libzmq refuses the transport for other socket types before it reads the address
    /// (ENOCOMPATPROTO, see [`TransportKind`](crate::io::TransportKind)).
    Udp(String),
    /// `pgm://…` (`udp` false) or `epgm://…` (`udp` true), PGM multicast for PUB/SUB. As
    /// with udp, the address is kept as written and read once the socket type is checked.
    Pgm { udp: bool, address: String },
    /// `ws://host:port/path`, ZMTP over WebSocket (ZWS 2.0); the path defaults to `/`.
    /// `wss://` (`tls`) is the same over TLS.
    Ws {
        host: String,
        port: Option<u16>,
        path: String,
        tls: bool,
    },
}

/// Where an ipc endpoint lives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum IpcAddress {
    /// A filesystem path.
    Path(PathBuf),
    /// A Linux abstract-namespace name (`ipc://@name`).
    Abstract(Vec<u8>),
    /// `ipc://*`: bind to a fresh temporary path.
    Wildcard,
}

impl Endpoint {
    /// Parses `text`, rejecting malformed endpoints with EINVAL and unknown or unavailable
    /// transports with EPROTONOSUPPORT.
    pub(crate) fn parse(text: &str) -> Result<Endpoint> {
        let (scheme, rest) = text.split_once("://").ok_or(Error::EINVAL)?;
        match scheme {
            "tcp" => parse_tcp(rest),
            "ipc" => parse_ipc(rest),
            "inproc" if !rest.is_empty() => Ok(Endpoint::Inproc(rest.to_string())),
            "inproc" => Err(Error::EINVAL),
            "udp" if !rest.is_empty() => Ok(Endpoint::Udp(rest.to_string())),
            "udp" => Err(Error::EINVAL),
            "ws" => parse_ws(rest, false),
            "wss" => parse_ws(rest, true),
            "pgm" | "epgm" if !rest.is_empty() => Ok(Endpoint::Pgm {
                udp: scheme == "epgm",
                address: rest.to_string(),
            }),
            "pgm" | "epgm" => Err(Error::EINVAL),
            s if KNOWN_UNSUPPORTED.contains(&s) => Err(Error::EPROTONOSUPPORT),
            _ => Err(Error::EPROTONOSUPPORT),
        }
    }
}

/// `host:port/path` (`[v6]` hosts too); the path is everything from the first `/` after
/// the host, `/` when none is given.
fn parse_ws(rest: &str, tls: bool) -> Result<Endpoint> {
    let host_end = if rest.starts_with('[') {
        rest.find(']').ok_or(Error::EINVAL)?
    } else {
        0
    };
    let (address, path) = match rest[host_end..].find('/') {
        Some(at) => rest.split_at(host_end + at),
        None => (rest, "/"),
    };
    let (host, port) = host_port(address)?;
    Ok(Endpoint::Ws {
        host,
        port,
        path: path.to_string(),
        tls,
    })
}

fn parse_tcp(rest: &str) -> Result<Endpoint> {
    let (source, rest) = match rest.split_once(';') {
        Some((source, destination)) => (Some(host_port(source)?), destination),
        None => (None, rest),
    };
    let (host, port) = host_port(rest)?;
    Ok(Endpoint::Tcp { host, port, source })
}

/// `host:port` with `*` allowed for either, and `[v6]` hosts.
fn host_port(rest: &str) -> Result<(String, Option<u16>)> {
    let (host, port) = rest.rsplit_once(':').ok_or(Error::EINVAL)?;
    let host = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    if host.is_empty() {
        return Err(Error::EINVAL);
    }
    let port = match port {
        "*" | "0" => None,
        p => Some(p.parse::<u16>().map_err(|_| Error::EINVAL)?),
    };
    Ok((host.to_string(), port))
}

fn parse_ipc(rest: &str) -> Result<Endpoint> {
    if rest.is_empty() {
        return Err(Error::EINVAL);
    }
    if rest == "*" {
        return Ok(Endpoint::Ipc(IpcAddress::Wildcard));
    }
    // sockaddr_un.sun_path holds 108 bytes including the terminating NUL.
    if rest.len() > 107 {
        return Err(Error::ENAMETOOLONG);
    }
    match rest.strip_prefix('@') {
        // libzmq's ipc_address_t: an abstract name cannot be empty.
        Some("") => Err(Error::EINVAL),
        Some(name) => Ok(Endpoint::Ipc(IpcAddress::Abstract(
            name.as_bytes().to_vec(),
        ))),
        None => Ok(Endpoint::Ipc(IpcAddress::Path(PathBuf::from(rest)))),
    }
}

/// Resolves a tcp host for binding: `*` is every interface; otherwise an IP literal, a
/// network interface's name (`tcp://lo:5555`, as libzmq), or a host name.
pub(crate) fn resolve_bind(host: &str, port: Option<u16>, ipv6: bool) -> Result<SocketAddr> {
    let port = port.unwrap_or(0);
    if host == "*" {
        let ip = if ipv6 {
            IpAddr::V6(Ipv6Addr::UNSPECIFIED)
        } else {
            IpAddr::V4(Ipv4Addr::UNSPECIFIED)
        };
        return Ok(SocketAddr::new(ip, port));
    }
    if host.parse::<IpAddr>().is_err() {
        if let Some(ip) = interface_address(host, ipv6) {
            return Ok(SocketAddr::new(ip, port));
        }
    }
    match host.parse::<IpAddr>() {
        Ok(_) => resolve(host, port, ipv6),
        // Neither an interface nor a name that resolves: libzmq's ENODEV.
        Err(_) => resolve(host, port, ipv6).map_err(|_| Error::ENODEV),
    }
}

/// The first address of the network interface named `name` (IPv4, or IPv6 too when
/// `ipv6`), in the system's order, as libzmq's `resolve_nic_name` picks it.
fn interface_address(name: &str, ipv6: bool) -> Option<IpAddr> {
    if_addrs::get_if_addrs()
        .ok()?
        .into_iter()
        .find(|interface| interface.name == name && (ipv6 || interface.ip().is_ipv4()))
        .map(|interface| interface.ip())
}

/// Resolves a tcp host for connecting. `*` is not a host to connect to.
pub(crate) fn resolve_connect(host: &str, port: Option<u16>, ipv6: bool) -> Result<SocketAddr> {
    let port = port.ok_or(Error::EINVAL)?;
    if host == "*" {
        return Err(Error::EINVAL);
    }
    resolve(host, port, ipv6)
}

fn resolve(host: &str, port: u16, ipv6: bool) -> Result<SocketAddr> {
    if let Ok(ip) = host.parse::<IpAddr>() {
        if ip.is_ipv6() && !ipv6 {
            return Err(Error::EINVAL);
        }
        return Ok(SocketAddr::new(ip, port));
    }
    let candidates = (host, port).to_socket_addrs().map_err(|_| Error::EINVAL)?;
    let mut fallback = None;
    for addr in candidates {
        match addr {
            SocketAddr::V4(_) => return Ok(addr),
            SocketAddr::V6(_) if ipv6 => fallback = fallback.or(Some(addr)),
            SocketAddr::V6(_) => {}
        }
    }
    fallback.ok_or(Error::EINVAL)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn ws_endpoints_keep_their_path() {
        let ws = |text| Endpoint::parse(text);
        let expect = |host: &str, port, path: &str| Endpoint::Ws {
            host: host.into(),
            port,
            path: path.into(),
            tls: false,
        };
        assert_eq!(ws("ws://127.0.0.1:*"), Ok(expect("127.0.0.1", None, "/")));
        assert_eq!(ws("ws://h:80/a/b"), Ok(expect("h", Some(80), "/a/b")));
        assert_eq!(ws("ws://[::1]:5/x"), Ok(expect("::1", Some(5), "/x")));
        assert_eq!(ws("ws://nohost/x"), Err(Error::EINVAL));
        let wss = Endpoint::Ws {
            host: "h".into(),
            port: Some(1),
            path: "/x".into(),
            tls: true,
        };
        assert_eq!(ws("wss://h:1/x"), Ok(wss));
        assert_eq!(ws("wss://nohost/x"), Err(Error::EINVAL));
    }

    #[test]
    fn binds_take_interface_names() {
        let lo = resolve_bind("lo", Some(5555), false).unwrap();
        assert_eq!(lo, "127.0.0.1:5555".parse().unwrap());
        assert_eq!(
            resolve_bind("nosuchif0", Some(5555), false),
            Err(Error::ENODEV)
        );
    }

    #[test]
    fn parses_the_forms_libzmq_accepts() {
        assert_eq!(
            Endpoint::parse("tcp://127.0.0.1:5555").unwrap(),
            Endpoint::Tcp {
                host: "127.0.0.1".into(),
                port: Some(5555),
                source: None
            }
        );
        assert_eq!(
            Endpoint::parse("tcp://*:*").unwrap(),
            Endpoint::Tcp {
                host: "*".into(),
                port: None,
                source: None
            }
        );
        assert_eq!(
            Endpoint::parse("tcp://[::1]:80").unwrap(),
            Endpoint::Tcp {
                host: "::1".into(),
                port: Some(80),
                source: None
            }
        );
        assert_eq!(
            Endpoint::parse("tcp://127.0.0.2:*;localhost:9").unwrap(),
            Endpoint::Tcp {
                host: "localhost".into(),
                port: Some(9),
                source: Some(("127.0.0.2".into(), None))
            }
        );
        assert_eq!(
            Endpoint::parse("ipc:///tmp/x.sock").unwrap(),
            Endpoint::Ipc(IpcAddress::Path("/tmp/x.sock".into()))
        );
        assert_eq!(
            Endpoint::parse("ipc://@abstract").unwrap(),
            Endpoint::Ipc(IpcAddress::Abstract(b"abstract".to_vec()))
        );
        assert_eq!(
            Endpoint::parse("ipc://*").unwrap(),
            Endpoint::Ipc(IpcAddress::Wildcard)
        );
        assert_eq!(
            Endpoint::parse("inproc://a").unwrap(),
            Endpoint::Inproc("a".into())
        );
        assert_eq!(
            Endpoint::parse("udp://239.0.0.1:5555").unwrap(),
            Endpoint::Udp("239.0.0.1:5555".into())
        );
    }

    #[test]
    fn rejects_bad_endpoints_with_libzmqs_errors() {
        assert_eq!(Endpoint::parse("tcp//x:1"), Err(Error::EINVAL));
        assert_eq!(Endpoint::parse("tcp://x"), Err(Error::EINVAL));
        assert_eq!(Endpoint::parse("tcp://:5"), Err(Error::EINVAL));
        assert_eq!(Endpoint::parse("tcp://x:99999"), Err(Error::EINVAL));
        assert_eq!(Endpoint::parse("foo://x"), Err(Error::EPROTONOSUPPORT));
        assert_eq!(Endpoint::parse("norm://x;y:1"), Err(Error::EPROTONOSUPPORT));
        assert_eq!(Endpoint::parse("pgm://"), Err(Error::EINVAL));
        assert_eq!(
            Endpoint::parse("epgm://lo;239.1.1.1:5555"),
            Ok(Endpoint::Pgm {
                udp: true,
                address: "lo;239.1.1.1:5555".into()
            })
        );
        assert_eq!(Endpoint::parse("inproc://"), Err(Error::EINVAL));
        assert_eq!(Endpoint::parse("udp://"), Err(Error::EINVAL));
        assert_eq!(Endpoint::parse("ipc://@"), Err(Error::EINVAL));
        let long = format!("ipc:///{}", "x".repeat(200));
        assert_eq!(Endpoint::parse(&long), Err(Error::ENAMETOOLONG));
    }

    #[test]
    fn resolves_hosts() {
        assert_eq!(
            resolve_connect("127.0.0.1", Some(1), false).unwrap(),
            "127.0.0.1:1".parse().unwrap()
        );
        assert_eq!(
            resolve_connect("localhost", Some(1), false).unwrap(),
            "127.0.0.1:1".parse().unwrap()
        );
        assert_eq!(resolve_connect("::1", Some(1), false), Err(Error::EINVAL));
        assert!(resolve_connect("::1", Some(1), true).is_ok());
        assert_eq!(
            resolve_connect("127.0.0.1", None, false),
            Err(Error::EINVAL)
        );
        assert_eq!(
            resolve_bind("*", None, false).unwrap(),
            "0.0.0.0:0".parse().unwrap()
        );
    }

    proptest! {
        #[test]
        fn parsing_never_panics(s in ".{0,300}") {
            let _ = Endpoint::parse(&s);
        }

        #[test]
        fn tcp_forms_never_panic(host in "[a-z0-9:.*\\[\\]]{0,40}", port in "[0-9*]{0,7}") {
            let _ = Endpoint::parse(&format!("tcp://{host}:{port}"));
        }

        /// Every valid form (tcp with and without a source, IPv6, wildcards; ipc paths,
        /// abstract names and `*`; inproc) parses back to what it was written from.
        #[test]
        fn valid_endpoints_parse_to_what_they_say((text, want) in valid_endpoint()) {
            prop_assert_eq!(Endpoint::parse(&text), Ok(want), "{}", text);
        }

        /// A valid endpoint with one byte changed parses or is refused, never panics.
        #[test]
        fn mutated_valid_endpoints_never_panic(
            (text, _) in valid_endpoint(),
            at in any::<prop::sample::Index>(),
            byte in any::<u8>(),
        ) {
            let mut bytes = text.into_bytes();
            let i = at.index(bytes.len());
            bytes[i] = byte;
            if let Ok(text) = String::from_utf8(bytes) {
                let _ = Endpoint::parse(&text);
            }
        }
    }

    /// A host as written in an endpoint and as parsed: a name, an IPv4 address, a bracketed
    /// IPv6 address, or `*`.
    fn host() -> impl Strategy<Value = (String, String)> {
        prop_oneof![
            "[a-z][a-z0-9-]{0,20}(\\.[a-z][a-z0-9-]{0,10}){0,2}".prop_map(|h| (h.clone(), h)),
            any::<std::net::Ipv4Addr>().prop_map(|a| (a.to_string(), a.to_string())),
            any::<std::net::Ipv6Addr>().prop_map(|a| (format!("[{a}]"), a.to_string())),
            Just(("*".to_string(), "*".to_string())),
        ]
    }

    /// A port as written and as parsed (`*` is None).
    fn port() -> impl Strategy<Value = (String, Option<u16>)> {
        prop_oneof![
            (1u16..).prop_map(|p| (p.to_string(), Some(p))),
            Just(("*".to_string(), None)),
        ]
    }

    /// An endpoint's text and the value it must parse to.
    fn valid_endpoint() -> impl Strategy<Value = (String, Endpoint)> {
        let tcp = (host(), port(), proptest::option::of((host(), port()))).prop_map(
            |((host, parsed_host), (port, parsed_port), source)| match source {
                None => (
                    format!("tcp://{host}:{port}"),
                    Endpoint::Tcp {
                        host: parsed_host,
                        port: parsed_port,
                        source: None,
                    },
                ),
                Some(((src, parsed_src), (src_port, parsed_src_port))) => (
                    format!("tcp://{src}:{src_port};{host}:{port}"),
                    Endpoint::Tcp {
                        host: parsed_host,
                        port: parsed_port,
                        source: Some((parsed_src, parsed_src_port)),
                    },
                ),
            },
        );
        let ipc_path = "(/[a-zA-Z0-9._-]{1,20}){1,4}".prop_map(|p| {
            (
                format!("ipc://{p}"),
                Endpoint::Ipc(IpcAddress::Path(p.into())),
            )
        });
        let ipc_abstract = "[a-zA-Z0-9._-]{1,40}".prop_map(|n| {
            (
                format!("ipc://@{n}"),
                Endpoint::Ipc(IpcAddress::Abstract(n.into_bytes())),
            )
        });
        let inproc =
            "[a-zA-Z0-9._/-]{1,60}".prop_map(|n| (format!("inproc://{n}"), Endpoint::Inproc(n)));
        prop_oneof![
            4 => tcp,
            2 => ipc_path,
            1 => ipc_abstract,
            1 => Just(("ipc://*".to_string(), Endpoint::Ipc(IpcAddress::Wildcard))),
            2 => inproc,
        ]
    }
}
