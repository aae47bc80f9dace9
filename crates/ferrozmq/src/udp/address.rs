//! udp endpoint addresses as libzmq's `udp_address_t` reads them: `host:port`, `*:port`
//! (bind: any address) and `interface;host:port`, where a multicast host is a group to join
//! (bind) or send to (connect) through `interface` (an IPv4 address, an interface name, or
//! `*`). IPv4 only.

use crate::error::{Error, Result};
use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4, ToSocketAddrs};

/// A resolved udp endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct UdpAddress {
    /// The interface for multicast (`None`: the system's choice).
    pub(crate) interface: Option<Ipv4Addr>,
    /// Where to send (connect), or what to bind (a multicast group is bound on its port).
    pub(crate) host: SocketAddrV4,
}

impl UdpAddress {
    /// Reads `text` (after `udp://`), for a bind if `bind` (where `*` is any address).
    pub(crate) fn resolve(text: &str, bind: bool) -> Result<UdpAddress> {
        let (interface, host) = match text.split_once(';') {
            Some((interface, host)) => (interface_address(interface)?, host),
            None => (None, text),
        };
        let (name, port) = host.rsplit_once(':').ok_or(Error::EINVAL)?;
        let port: u16 = port.parse().map_err(|_| Error::EINVAL)?;
        let ip = if name == "*" && bind {
            Ipv4Addr::UNSPECIFIED
        } else {
            resolve_v4(name, port)?
        };
        Ok(UdpAddress {
            interface,
            host: SocketAddrV4::new(ip, port),
        })
    }

    /// True if the host is a multicast group.
    pub(crate) fn is_multicast(&self) -> bool {
        self.host.ip().is_multicast()
    }
}

fn resolve_v4(name: &str, port: u16) -> Result<Ipv4Addr> {
    if let Ok(ip) = name.parse() {
        return Ok(ip);
    }
    (name, port)
        .to_socket_addrs()
        .map_err(|_| Error::EINVAL)?
        .find_map(|a| match a {
            SocketAddr::V4(v4) => Some(*v4.ip()),
            SocketAddr::V6(_) => None,
        })
        .ok_or(Error::EINVAL)
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
        let a = UdpAddress::resolve("127.0.0.1:5556", false).unwrap();
        assert_eq!(
            (a.interface, a.host.to_string()),
            (None, "127.0.0.1:5556".into())
        );
        let any = UdpAddress::resolve("*:5556", true).unwrap();
        assert_eq!(any.host.ip(), &Ipv4Addr::UNSPECIFIED);
        let group = UdpAddress::resolve("lo;239.0.0.1:5556", true).unwrap();
        assert_eq!(group.interface, Some(Ipv4Addr::LOCALHOST));
        assert!(group.is_multicast());
        let by_ip = UdpAddress::resolve("127.0.0.1;239.0.0.1:5556", false).unwrap();
        assert_eq!(by_ip.interface, Some(Ipv4Addr::LOCALHOST));
        assert_eq!(UdpAddress::resolve("*:5556", false), Err(Error::EINVAL));
        assert_eq!(UdpAddress::resolve("127.0.0.1", true), Err(Error::EINVAL));
        assert_eq!(UdpAddress::resolve("127.0.0.1:x", true), Err(Error::EINVAL));
        assert_eq!(
            UdpAddress::resolve("nosuch0;239.0.0.1:1", true),
            Err(Error::ENODEV)
        );
    }
}
