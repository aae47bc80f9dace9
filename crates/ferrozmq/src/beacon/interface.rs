//! Where a beacon binds and sends, chosen as zbeacon's `s_self_prepare_udp` chooses:
//!
//! * interface `*`: bind the wildcard address, send to the limited broadcast address
//!   255.255.255.255 (or the IPv4 multicast group, or the IPv6 group), hostname `*`;
//! * a single digit: that entry of the interface list;
//! * a name or an address: that interface; empty: the first interface of the list.
//!
//! The list holds, like CZMQ's `ziflist`, interfaces that are up, not point-to-point, and
//! can broadcast (IPv4) or multicast (IPv6), loopback excluded. Unlike CZMQ, a loopback
//! interface named explicitly (`lo`, `127.0.0.1`) is accepted, broadcasting to its subnet's
//! broadcast address, so beacons can be tested on loopback alone.

use super::BeaconOptions;
use crate::error::{Error, Result};
use std::ffi::CStr;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

/// How to set up the sockets for one configuration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Plan {
    /// Address the receiving socket binds (the wildcard, or the IPv4 group).
    pub recv_bind: SocketAddr,
    /// Address the sending socket binds (the interface's address, or the wildcard).
    pub send_bind: SocketAddr,
    /// Where beacons go.
    pub send_to: SocketAddr,
    /// A multicast group to join, with the interface (IPv4 address or IPv6 index).
    pub join: Option<(IpAddr, Interface)>,
    /// What CONFIGURE answers: the interface's address, or `*`.
    pub hostname: String,
}

/// The interface a multicast group is joined on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Interface {
    V4(Ipv4Addr),
    V6(u32),
}

/// One usable address of one interface.
#[derive(Clone, Debug)]
struct Entry {
    name: String,
    address: IpAddr,
    broadcast: Option<Ipv4Addr>,
    index: u32,
    loopback: bool,
}

/// Chooses the addresses for `port` under `options`; ENODEV if no interface matches.
pub(crate) fn plan(options: &BeaconOptions, port: u16) -> Result<Plan> {
    let interface = options.interface.as_deref().unwrap_or("");
    let group: Option<IpAddr> = if options.ipv6 {
        Some(IpAddr::V6(options.ipv6_mcast_address))
    } else {
        options.ipv4_mcast_address.map(IpAddr::V4)
    };
    let any = if options.ipv6 {
        IpAddr::V6(Ipv6Addr::UNSPECIFIED)
    } else {
        IpAddr::V4(Ipv4Addr::UNSPECIFIED)
    };
    let recv_bind = |group: Option<IpAddr>| match group {
        Some(IpAddr::V4(g)) => SocketAddr::new(IpAddr::V4(g), port),
        _ => SocketAddr::new(any, port),
    };
    if interface == "*" {
        let send_to = group.unwrap_or(IpAddr::V4(Ipv4Addr::BROADCAST));
        return Ok(Plan {
            recv_bind: recv_bind(group),
            send_bind: SocketAddr::new(any, port),
            send_to: SocketAddr::new(send_to, port),
            join: group.map(|g| {
                let on = match g {
                    IpAddr::V4(_) => Interface::V4(Ipv4Addr::UNSPECIFIED),
                    IpAddr::V6(_) => Interface::V6(0),
                };
                (g, on)
            }),
            hostname: "*".into(),
        });
    }
    let entries = interfaces()?;
    let family_ok = |e: &&Entry| e.address.is_ipv6() == options.ipv6;
    let chosen = if interface.len() == 1 && interface.as_bytes()[0].is_ascii_digit() {
        let n = usize::from(interface.as_bytes()[0] - b'0');
        entries.iter().filter(|e| listed(e, options.ipv6)).nth(n)
    } else if interface.is_empty() {
        entries
            .iter()
            .filter(family_ok)
            .find(|e| listed(e, options.ipv6))
    } else {
        entries
            .iter()
            .filter(family_ok)
            .find(|e| e.name == interface || e.address.to_string() == interface)
    };
    let entry = chosen.filter(family_ok).ok_or(Error::ENODEV)?;
    let send_to = match (group, entry.broadcast) {
        (Some(g), _) => g,
        (None, Some(b)) => IpAddr::V4(b),
        (None, None) => return Err(Error::ENODEV),
    };
    let on = match entry.address {
        IpAddr::V4(a) => Interface::V4(a),
        IpAddr::V6(_) => Interface::V6(entry.index),
    };
    Ok(Plan {
        recv_bind: recv_bind(group),
        send_bind: SocketAddr::new(entry.address, port),
        send_to: SocketAddr::new(send_to, port),
        join: group.map(|g| (g, on)),
        hostname: entry.address.to_string(),
    })
}

/// Whether `entry` is on `ziflist`'s list (loopback excluded).
fn listed(entry: &Entry, ipv6: bool) -> bool {
    !entry.loopback && entry.address.is_ipv6() == ipv6
}

/// The machine's interface addresses that are up and can broadcast (IPv4; loopback too,
/// with its subnet broadcast) or multicast (IPv6), in `getifaddrs` order.
fn interfaces() -> Result<Vec<Entry>> {
    let mut list: *mut libc::ifaddrs = std::ptr::null_mut();
    // SAFETY: getifaddrs fills `list`, freed below with freeifaddrs.
    if unsafe { libc::getifaddrs(&mut list) } != 0 {
        return Err(Error::from_raw(
            std::io::Error::last_os_error().raw_os_error().unwrap_or(0),
        ));
    }
    let mut entries = Vec::new();
    let mut at = list;
    while !at.is_null() {
        // SAFETY: `at` walks the list getifaddrs returned, which stays valid until freed.
        let ifa = unsafe { &*at };
        at = ifa.ifa_next;
        let flags = ifa.ifa_flags as libc::c_int;
        if ifa.ifa_addr.is_null() || flags & libc::IFF_UP == 0 || flags & libc::IFF_POINTOPOINT != 0
        {
            continue;
        }
        // SAFETY: a non-null name from getifaddrs is a NUL-terminated string.
        let name = unsafe { CStr::from_ptr(ifa.ifa_name) }
            .to_string_lossy()
            .into_owned();
        // SAFETY: if_nametoindex reads the NUL-terminated name.
        let index = unsafe { libc::if_nametoindex(ifa.ifa_name) };
        let loopback = flags & libc::IFF_LOOPBACK != 0;
        // SAFETY: ifa_addr is non-null and its family says which sockaddr it is.
        let family = i32::from(unsafe { (*ifa.ifa_addr).sa_family });
        if family == libc::AF_INET {
            let address = ipv4_of(ifa.ifa_addr);
            let netmask = if ifa.ifa_netmask.is_null() {
                Ipv4Addr::BROADCAST
            } else {
                ipv4_of(ifa.ifa_netmask)
            };
            let broadcast = if flags & libc::IFF_BROADCAST != 0 || loopback {
                Some(Ipv4Addr::from(u32::from(address) | !u32::from(netmask)))
            } else {
                None
            };
            entries.push(Entry {
                name,
                address: IpAddr::V4(address),
                broadcast,
                index,
                loopback,
            });
        } else if family == libc::AF_INET6 && (flags & libc::IFF_MULTICAST != 0 || loopback) {
            // SAFETY: an AF_INET6 address is a sockaddr_in6.
            let sin6 = unsafe { &*(ifa.ifa_addr as *const libc::sockaddr_in6) };
            entries.push(Entry {
                name,
                address: IpAddr::V6(Ipv6Addr::from(sin6.sin6_addr.s6_addr)),
                broadcast: None,
                index,
                loopback,
            });
        }
    }
    // SAFETY: `list` came from getifaddrs and is freed once.
    unsafe { libc::freeifaddrs(list) };
    Ok(entries)
}

fn ipv4_of(address: *const libc::sockaddr) -> Ipv4Addr {
    // SAFETY: callers pass a non-null AF_INET address, which is a sockaddr_in.
    let sin = unsafe { &*(address as *const libc::sockaddr_in) };
    Ipv4Addr::from(u32::from_be(sin.sin_addr.s_addr))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options(interface: &str) -> BeaconOptions {
        BeaconOptions {
            interface: Some(interface.into()),
            ..BeaconOptions::default()
        }
    }

    #[test]
    fn star_is_the_limited_broadcast_on_any_interface() {
        let plan = plan(&options("*"), 9999).unwrap();
        assert_eq!(plan.send_to, "255.255.255.255:9999".parse().unwrap());
        assert_eq!(plan.recv_bind, "0.0.0.0:9999".parse().unwrap());
        assert_eq!(plan.send_bind, "0.0.0.0:9999".parse().unwrap());
        assert_eq!(plan.hostname, "*");
        assert_eq!(plan.join, None);
    }

    #[test]
    fn star_with_a_multicast_group_joins_it_on_any_interface() {
        let mut opts = options("*");
        opts.ipv4_mcast_address = Some(Ipv4Addr::new(239, 0, 0, 1));
        let plan = plan(&opts, 5670).unwrap();
        assert_eq!(plan.send_to, "239.0.0.1:5670".parse().unwrap());
        assert_eq!(plan.recv_bind, "239.0.0.1:5670".parse().unwrap());
        assert_eq!(
            plan.join,
            Some((
                IpAddr::V4(Ipv4Addr::new(239, 0, 0, 1)),
                Interface::V4(Ipv4Addr::UNSPECIFIED)
            ))
        );
    }

    #[test]
    fn loopback_named_explicitly_broadcasts_on_its_subnet() {
        let plan = plan(&options("lo"), 9999).unwrap();
        assert_eq!(plan.send_to, "127.255.255.255:9999".parse().unwrap());
        assert_eq!(plan.send_bind, "127.0.0.1:9999".parse().unwrap());
        assert_eq!(plan.hostname, "127.0.0.1");
    }

    #[test]
    fn an_unknown_interface_is_enodev() {
        assert_eq!(plan(&options("no-such-if0"), 9999), Err(Error::ENODEV));
    }
}
