//! udp endpoint addresses as libzmq's `udp_address_t` reads them: `host:port`, `*:port`
//! (bind: any address) and `interface;host:port`, where a multicast host is a group to join
//! (bind) or send to (connect) through `interface` (an IPv4 address, an interface name, or
//! `*`). IPv6 hosts (`[::1]:port`, `[ff02::1]:port`) are read under ZMQ_IPV6 only, their
//! multicast interface named (`lo;[ff02::1]:port`), as libzmq's.

use crate::error::{Error, Result};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, ToSocketAddrs};

/// Which interface multicast goes through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Interface {
    /// The system's choice.
    Any,
    /// An IPv4 group's interface, by its address.
    V4(Ipv4Addr),
    /// An IPv6 group's interface, by its index.
    Index(u32),
}

/// A resolved udp endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct UdpAddress {
    /// The interface for multicast.
    pub(crate) interface: Interface,
    /// Where to send (connect), or what to bind (a multicast group is bound on its port).
    pub(crate) host: SocketAddr,
}

impl UdpAddress {
    /// Reads `text` (after `udp://`), for a bind if `bind` (where `*` is any address);
    /// `ipv6`: ZMQ_IPV6 is set, so IPv6 hosts are allowed and `*` is IPv6's any address.
    pub(crate) fn resolve(text: &str, bind: bool, ipv6: bool) -> Result<UdpAddress> {
        let (interface, host) = match text.split_once(';') {
            Some((interface, host)) => (Some(interface), host),
            None => (None, text),
        };
        let (name, port) = host.rsplit_once(':').ok_or(Error::EINVAL)?;
        // `*` picks a port when binding (libzmq's ip_resolver); it names none to send to.
        let port: u16 = match port {
            "*" if bind => 0,
            _ => port.parse().map_err(|_| Error::EINVAL)?,
        };
        let name = name
            .strip_prefix('[')
            .and_then(|n| n.strip_suffix(']'))
            .unwrap_or(name);
        let ip = match name {
            "*" if bind && ipv6 => IpAddr::V6(Ipv6Addr::UNSPECIFIED),
            "*" if bind => IpAddr::V4(Ipv4Addr::UNSPECIFIED),
            _ => resolve_ip(name, port, ipv6)?,
        };
        let interface = match (interface, ip) {
            (None | Some("*"), _) => Interface::Any,
            (Some(name), IpAddr::V4(_)) => {
                interface_address(name)?.map_or(Interface::Any, Interface::V4)
            }
            (Some(name), IpAddr::V6(_)) => Interface::Index(interface_index(name)?),
        };
        Ok(UdpAddress {
            interface,
            host: SocketAddr::new(ip, port),
        })
    }

    /// True if the host is a multicast group.
    pub(crate) fn is_multicast(&self) -> bool {
        self.host.ip().is_multicast()
    }
}

/// A literal address or a name; IPv6 only under ZMQ_IPV6 (EINVAL otherwise, as libzmq).
fn resolve_ip(name: &str, port: u16, ipv6: bool) -> Result<IpAddr> {
    let allowed = |ip: &IpAddr| ipv6 || ip.is_ipv4();
    if let Ok(ip) = name.parse::<IpAddr>() {
        return Some(ip).filter(allowed).ok_or(Error::EINVAL);
    }
    let mut found: Vec<IpAddr> = (name, port)
        .to_socket_addrs()
        .map_err(|_| Error::EINVAL)?
        .map(|a| a.ip())
        .filter(allowed)
        .collect();
    // An IPv4 answer first, as libzmq's resolver prefers it for a dual-stack name.
    found.sort_by_key(|ip| ip.is_ipv6());
    found.first().copied().ok_or(Error::EINVAL)
}

/// An interface's index by its name, for an IPv6 group; ENODEV if there is none.
fn interface_index(name: &str) -> Result<u32> {
    let name = std::ffi::CString::new(name).map_err(|_| Error::ENODEV)?;
    // SAFETY: if_nametoindex reads the NUL-terminated name and nothing else.
    match unsafe { libc::if_nametoindex(name.as_ptr()) } {
        0 => Err(Error::ENODEV),
        index => Ok(index),
    }
}

/// `*`, an IPv4 address, or an interface's name (its first IPv4 address); ENODEV if none.
pub(crate) fn interface_address(name: &str) -> Result<Option<Ipv4Addr>> {
    if name == "*" {
        return Ok(None);
    }
    if let Ok(ip) = name.parse() {
        return Ok(Some(ip));
    }
    let interfaces = if_addrs::get_if_addrs().map_err(|_| Error::ENODEV)?;
    interfaces
        .iter()
        .filter(|i| i.name == name)
        .find_map(|i| match i.ip() {
            std::net::IpAddr::V4(v4) => Some(Some(v4)),
            std::net::IpAddr::V6(_) => None,
        })
        .ok_or(Error::ENODEV)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_libzmqs_forms() {
        let a = UdpAddress::resolve("127.0.0.1:5556", false, false).unwrap();
        assert_eq!(
            (a.interface, a.host.to_string()),
            (Interface::Any, "127.0.0.1:5556".into())
        );
        let any = UdpAddress::resolve("*:5556", true, false).unwrap();
        assert_eq!(any.host.ip(), IpAddr::V4(Ipv4Addr::UNSPECIFIED));
        let group = UdpAddress::resolve("lo;239.0.0.1:5556", true, false).unwrap();
        assert_eq!(group.interface, Interface::V4(Ipv4Addr::LOCALHOST));
        assert!(group.is_multicast());
        let by_ip = UdpAddress::resolve("127.0.0.1;239.0.0.1:5556", false, false).unwrap();
        assert_eq!(by_ip.interface, Interface::V4(Ipv4Addr::LOCALHOST));
        assert_eq!(
            UdpAddress::resolve("*:5556", false, false),
            Err(Error::EINVAL)
        );
        assert_eq!(
            UdpAddress::resolve("*:*", true, false).unwrap().host.port(),
            0
        );
        assert_eq!(
            UdpAddress::resolve("127.0.0.1:*", false, false),
            Err(Error::EINVAL)
        );
        assert_eq!(
            UdpAddress::resolve("127.0.0.1", true, false),
            Err(Error::EINVAL)
        );
        assert_eq!(
            UdpAddress::resolve("127.0.0.1:x", true, false),
            Err(Error::EINVAL)
        );
        assert_eq!(
            UdpAddress::resolve("nosuch0;239.0.0.1:1", true, false),
            Err(Error::ENODEV)
        );
    }

    #[test]
    fn reads_ipv6_hosts_only_under_zmq_ipv6() {
        assert_eq!(
            UdpAddress::resolve("[::1]:5556", false, false),
            Err(Error::EINVAL)
        );
        let local = UdpAddress::resolve("[::1]:5556", false, true).unwrap();
        assert_eq!(local.host.to_string(), "[::1]:5556");
        let any = UdpAddress::resolve("*:5556", true, true).unwrap();
        assert_eq!(any.host.ip(), IpAddr::V6(Ipv6Addr::UNSPECIFIED));
        // An IPv4 host still reads under ZMQ_IPV6.
        let v4 = UdpAddress::resolve("127.0.0.1:5556", false, true).unwrap();
        assert!(v4.host.is_ipv4());
        let group = UdpAddress::resolve("lo;[ff02::1]:5555", true, true).unwrap();
        assert!(group.is_multicast());
        assert!(matches!(group.interface, Interface::Index(i) if i > 0));
        assert_eq!(
            UdpAddress::resolve("nosuch0;[ff02::1]:5555", true, true),
            Err(Error::ENODEV)
        );
    }
}
