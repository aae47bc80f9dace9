//! libzmq's deprecated accept filters: TCP_ACCEPT_FILTER (peer address masks) and
//! IPC_FILTER_PID/UID/GID (peer credentials). With none set a listener takes every
//! connection; otherwise a connection that matches no filter of its transport is closed as
//! soon as it is accepted (`tcp_listener.cpp` / `ipc_listener.cpp` `accept`).
//!
//! One difference: libzmq also admits an ipc peer whose user is a supplementary member of a
//! filtered group (a passwd/group database walk); ferrozmq matches the peer's own gid only.

use super::stream::Stream;
use crate::error::{Error, Result};
use std::collections::BTreeSet;
use std::net::IpAddr;
use std::os::fd::AsRawFd;

/// The filters of one socket (part of its options, snapshotted with them).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct AcceptFilters {
    tcp: Vec<AddressMask>,
    pids: BTreeSet<libc::pid_t>,
    uids: BTreeSet<libc::uid_t>,
    gids: BTreeSet<libc::gid_t>,
}

/// Which IPC_FILTER_* a value is for.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Credential {
    Pid,
    Uid,
    Gid,
}

/// An address and how many of its leading bits a peer must share (`tcp_address_mask_t`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct AddressMask {
    network: IpAddr,
    bits: u32,
}

impl AcceptFilters {
    /// TCP_ACCEPT_FILTER: an empty value clears the masks; otherwise `value` is
    /// `address[/bits]` (IPv6 addresses only when `ipv6`), added to them.
    pub(crate) fn set_tcp(&mut self, value: &[u8], ipv6: bool) -> Result<()> {
        if value.is_empty() {
            self.tcp.clear();
            return Ok(());
        }
        // libzmq: shorter than UCHAR_MAX and not starting with NUL; a C caller's
        // terminating NUL ends the text.
        if value.len() >= 255 || value[0] == 0 {
            return Err(Error::EINVAL);
        }
        let text = value.split(|&b| b == 0).next().unwrap_or_default();
        let text = std::str::from_utf8(text).map_err(|_| Error::EINVAL)?;
        self.tcp.push(AddressMask::parse(text, ipv6)?);
        Ok(())
    }

    /// IPC_FILTER_PID/UID/GID: an empty value clears that set; otherwise `value` is a
    /// native-endian `pid_t` / `uid_t` / `gid_t` (4 bytes), added to it.
    pub(crate) fn set_ipc(&mut self, which: Credential, value: &[u8]) -> Result<()> {
        let number = match value.len() {
            0 => None,
            _ => Some(<[u8; 4]>::try_from(value).map_err(|_| Error::EINVAL)?),
        };
        match (which, number) {
            (Credential::Pid, None) => self.pids.clear(),
            (Credential::Uid, None) => self.uids.clear(),
            (Credential::Gid, None) => self.gids.clear(),
            (Credential::Pid, Some(n)) => drop(self.pids.insert(i32::from_ne_bytes(n))),
            (Credential::Uid, Some(n)) => drop(self.uids.insert(u32::from_ne_bytes(n))),
            (Credential::Gid, Some(n)) => drop(self.gids.insert(u32::from_ne_bytes(n))),
        }
        Ok(())
    }

    /// Whether a listener with these filters keeps the connection `stream` it accepted.
    pub(crate) fn admits(&self, stream: &Stream) -> bool {
        match stream {
            Stream::Tcp(tcp) if !self.tcp.is_empty() => match tcp.peer_addr() {
                Ok(peer) => self.tcp.iter().any(|mask| mask.matches(peer.ip())),
                Err(_) => false,
            },
            Stream::Unix(unix)
                if !(self.pids.is_empty() && self.uids.is_empty() && self.gids.is_empty()) =>
            {
                match peer_credentials(unix.as_raw_fd()) {
                    Some(cred) => {
                        self.pids.contains(&cred.pid)
                            || self.uids.contains(&cred.uid)
                            || self.gids.contains(&cred.gid)
                    }
                    None => false,
                }
            }
            _ => true,
        }
    }
}

impl AddressMask {
    /// Parses `address[/bits]`: no `/` means the whole address; `/` must be followed by a
    /// number from 0 to the address's width.
    fn parse(text: &str, ipv6: bool) -> Result<AddressMask> {
        let (address, bits) = match text.rsplit_once('/') {
            Some((address, bits)) => (address, Some(bits)),
            None => (text, None),
        };
        let address = address
            .strip_prefix('[')
            .and_then(|a| a.strip_suffix(']'))
            .unwrap_or(address);
        let network: IpAddr = address.parse().map_err(|_| Error::EINVAL)?;
        if network.is_ipv6() && !ipv6 {
            return Err(Error::EINVAL);
        }
        let width = if network.is_ipv6() { 128 } else { 32 };
        let bits = match bits {
            None => width,
            Some(bits) => match bits.parse::<u32>() {
                Ok(bits) if bits <= width => bits,
                _ => return Err(Error::EINVAL),
            },
        };
        Ok(AddressMask { network, bits })
    }

    /// Whether `peer` is in this network (same address family, same leading bits).
    fn matches(&self, peer: IpAddr) -> bool {
        let prefix = |bits: u32, width: u32| match bits {
            0 => 0,
            bits => u128::MAX << (width - bits),
        };
        match (self.network, peer) {
            (IpAddr::V4(net), IpAddr::V4(peer)) => {
                let mask = prefix(self.bits, 32) as u32;
                u32::from(net) & mask == u32::from(peer) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(peer)) => {
                let mask = prefix(self.bits, 128);
                u128::from(net) & mask == u128::from(peer) & mask
            }
            _ => false,
        }
    }
}

/// The pid, uid and gid of the process at the other end of a unix socket (SO_PEERCRED).
fn peer_credentials(fd: std::os::fd::RawFd) -> Option<libc::ucred> {
    // SAFETY: ucred is plain data; getsockopt writes at most `len` bytes into it.
    let mut cred: libc::ucred = unsafe { std::mem::zeroed() };
    let mut len = std::mem::size_of::<libc::ucred>() as libc::socklen_t;
    let rc = unsafe {
        libc::getsockopt(
            fd,
            libc::SOL_SOCKET,
            libc::SO_PEERCRED,
            (&mut cred as *mut libc::ucred).cast(),
            &mut len,
        )
    };
    (rc == 0).then_some(cred)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mask(text: &str) -> Result<AddressMask> {
        AddressMask::parse(text, true)
    }

    #[test]
    fn masks_parse_as_libzmqs() {
        assert_eq!(mask("127.0.0.1").unwrap().bits, 32);
        assert_eq!(mask("10.0.0.0/8").unwrap().bits, 8);
        assert_eq!(mask("::1").unwrap().bits, 128);
        assert_eq!(mask("[::1]/64").unwrap().bits, 64);
        assert_eq!(mask("0.0.0.0/0").unwrap().bits, 0);
        for bad in [
            "127.0.0.1/",
            "127.0.0.1/33",
            "::1/129",
            "localhost",
            "1.2.3/8",
            "",
        ] {
            assert_eq!(mask(bad), Err(Error::EINVAL), "{bad}");
        }
        assert_eq!(AddressMask::parse("::1", false), Err(Error::EINVAL));
    }

    #[test]
    fn masks_match_leading_bits_of_the_same_family() {
        let peer: IpAddr = "192.168.7.9".parse().unwrap();
        assert!(mask("192.168.0.0/16").unwrap().matches(peer));
        assert!(mask("0.0.0.0/0").unwrap().matches(peer));
        assert!(!mask("192.168.7.8").unwrap().matches(peer));
        assert!(!mask("10.0.0.0/8").unwrap().matches(peer));
        assert!(!mask("::/0").unwrap().matches(peer));
        assert!(mask("fe80::/10")
            .unwrap()
            .matches("fe80::1".parse().unwrap()));
    }

    #[test]
    fn values_add_and_empty_values_clear() {
        let mut filters = AcceptFilters::default();
        filters.set_tcp(b"127.0.0.1\0", false).unwrap();
        filters.set_tcp(b"10.0.0.0/8", false).unwrap();
        assert_eq!(filters.tcp.len(), 2);
        assert_eq!(filters.set_tcp(b"\0abc", false), Err(Error::EINVAL));
        filters.set_tcp(b"", false).unwrap();
        assert!(filters.tcp.is_empty());
        filters
            .set_ipc(Credential::Uid, &7u32.to_ne_bytes())
            .unwrap();
        assert_eq!(
            filters.set_ipc(Credential::Gid, &[1, 2]),
            Err(Error::EINVAL)
        );
        filters.set_ipc(Credential::Uid, b"").unwrap();
        assert_eq!(filters, AcceptFilters::default());
    }
}
