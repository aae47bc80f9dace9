//! pgm and epgm endpoint addresses as libzmq (through OpenPGM) reads them:
//! `interface;group:port` or `group:port`, where the interface is an IPv4 address or an
//! interface's name and the group an IPv4 multicast address. Without an interface the first
//! non-loopback IPv4 interface is used (the loopback address when there is none). IPv4 only.

use crate::error::{Error, Result};
use std::net::Ipv4Addr;

/// A resolved pgm/epgm endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PgmAddress {
    /// The interface's address: multicast goes out and is joined there, and a source
    /// advertises it in its SPMs as where NAKs go.
    pub(crate) interface: Ipv4Addr,
    pub(crate) group: Ipv4Addr,
    pub(crate) port: u16,
}

impl PgmAddress {
    /// Reads `text` (after `pgm://` or `epgm://`): EINVAL for a malformed address or a group
    /// that is not multicast, ENODEV for an unknown interface.
    pub(crate) fn resolve(text: &str) -> Result<PgmAddress> {
        let (network, port) = text.rsplit_once(':').ok_or(Error::EINVAL)?;
        let port: u16 = port.parse().map_err(|_| Error::EINVAL)?;
        let (interface, group) = match network.split_once(';') {
            Some((interface, group)) => (crate::udp::address::interface_address(interface)?, group),
            None => (None, network),
        };
        let group: Ipv4Addr = group.parse().map_err(|_| Error::EINVAL)?;
        if !group.is_multicast() || port == 0 {
            return Err(Error::EINVAL);
        }
        Ok(PgmAddress {
            interface: interface.unwrap_or_else(default_interface),
            group,
            port,
        })
    }
}

fn default_interface() -> Ipv4Addr {
    if_addrs::get_if_addrs()
        .ok()
        .and_then(|all| {
            all.iter().find_map(|i| match i.ip() {
                std::net::IpAddr::V4(v4) if !v4.is_loopback() => Some(v4),
                _ => None,
            })
        })
        .unwrap_or(Ipv4Addr::LOCALHOST)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_libzmqs_forms_and_refuses_the_rest() {
        let a = PgmAddress::resolve("127.0.0.1;239.192.1.1:5555").unwrap();
        assert_eq!(
            a,
            PgmAddress {
                interface: Ipv4Addr::LOCALHOST,
                group: Ipv4Addr::new(239, 192, 1, 1),
                port: 5555
            }
        );
        assert_eq!(
            PgmAddress::resolve("lo;239.192.1.1:5555")
                .unwrap()
                .interface,
            Ipv4Addr::LOCALHOST
        );
        assert!(PgmAddress::resolve("239.192.1.1:5555").is_ok());
        for bad in [
            "127.0.0.1;10.0.0.1:5555",
            "127.0.0.1;239.192.1.1",
            "127.0.0.1;239.192.1.1:0",
            "127.0.0.1;239.192.1.1:x",
            "127.0.0.1;nonsense:5555",
        ] {
            assert_eq!(PgmAddress::resolve(bad), Err(Error::EINVAL), "{bad}");
        }
        assert_eq!(
            PgmAddress::resolve("nosuch0;239.192.1.1:5555"),
            Err(Error::ENODEV)
        );
    }
}
