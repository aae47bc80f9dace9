//! `PeerMetadata`: what a peer said about itself in its handshake, plus where it connected
//! from. Every message received from that peer carries it, for `Message::gets`.

use bytes::Bytes;
use ferrozmq_zmtp::{PeerInfo, SocketType};

/// A peer's handshake properties and address.
#[derive(Debug)]
pub(crate) struct PeerMetadata {
    properties: Vec<(String, Bytes)>,
    peer_address: Option<String>,
    /// The connection's file descriptor (libzmq's deprecated ZMQ_SRCFD), if it has one.
    source_fd: Option<i32>,
    /// The peer's end of the connection as an endpoint (`tcp://ip:port`, `ipc://…`), for
    /// the remote address of PIPES_STATS monitor events; empty if unknown.
    remote_endpoint: String,
}

impl PeerMetadata {
    /// Metadata from a completed handshake; `peer_address` is the peer's IP for tcp (and
    /// `localhost` for ipc, as libzmq reports it).
    pub(crate) fn new(info: &PeerInfo, peer_address: Option<String>) -> PeerMetadata {
        let mut properties = info.properties.clone();
        // A ZMTP/1.0 or 2.0 peer sends no properties: its routing id came as its identity
        // message, which a ROUTER uses as libzmq's does.
        if info.legacy.is_some() {
            if let Some(id) = info.routing_id.clone() {
                properties.push(("Identity".to_string(), id));
            }
        }
        PeerMetadata {
            properties,
            peer_address,
            source_fd: None,
            remote_endpoint: String::new(),
        }
    }

    /// What an inproc peer would have said in a handshake: its type and routing id.
    pub(crate) fn local(socket_type: SocketType, routing_id: &[u8]) -> PeerMetadata {
        let mut properties = vec![(
            "Socket-Type".to_string(),
            Bytes::from_static(socket_type.name().as_bytes()),
        )];
        if socket_type.sends_identity() {
            properties.push(("Identity".to_string(), Bytes::copy_from_slice(routing_id)));
        }
        PeerMetadata {
            properties,
            peer_address: None,
            source_fd: None,
            remote_endpoint: String::new(),
        }
    }

    /// Metadata of a peer that had no handshake (a raw STREAM peer): just its address.
    pub(crate) fn without_handshake(peer_address: Option<String>) -> PeerMetadata {
        PeerMetadata {
            properties: Vec::new(),
            peer_address,
            source_fd: None,
            remote_endpoint: String::new(),
        }
    }

    /// Records the connection's file descriptor, which `zmq_msg_get (ZMQ_SRCFD)` reports.
    pub(crate) fn with_source_fd(mut self, fd: Option<i32>) -> PeerMetadata {
        self.source_fd = fd;
        self
    }

    /// Records the peer's end of the connection as an endpoint.
    pub(crate) fn with_remote_endpoint(mut self, endpoint: String) -> PeerMetadata {
        self.remote_endpoint = endpoint;
        self
    }

    /// The peer's end of the connection as an endpoint; empty if unknown.
    pub(crate) fn remote_endpoint(&self) -> &str {
        &self.remote_endpoint
    }

    /// The connection's file descriptor, if recorded ([`with_source_fd`](Self::with_source_fd)).
    pub(crate) fn source_fd(&self) -> Option<i32> {
        self.source_fd
    }

    /// Adds what the ZAP handler said of the peer: its `User-Id` and the reply's properties,
    /// which take precedence over same-named handshake properties (libzmq merges them so).
    pub(crate) fn with_zap(
        mut self,
        user_id: Bytes,
        properties: Vec<(String, Bytes)>,
    ) -> PeerMetadata {
        let mut zap = properties;
        zap.push(("User-Id".to_string(), user_id));
        zap.append(&mut self.properties);
        self.properties = zap;
        self
    }

    /// A property as `zmq_msg_gets` returns it: a READY property (or one the ZAP handler
    /// added, `User-Id` among them) by its exact name, `Routing-Id` (alias `Identity`) and
    /// `Peer-Address`. None if absent or not UTF-8.
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        match name {
            "Peer-Address" => self.peer_address.as_deref(),
            "Routing-Id" | "Identity" => self.property("Identity"),
            other => self.property(other),
        }
    }

    fn property(&self, name: &str) -> Option<&str> {
        self.raw(name).and_then(|v| std::str::from_utf8(v).ok())
    }

    fn raw(&self, name: &str) -> Option<&[u8]> {
        self.properties
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| &v[..])
    }

    /// The routing id the peer asked for (its `Identity` property), if not empty.
    pub(crate) fn routing_id(&self) -> Option<&[u8]> {
        self.raw("Identity").filter(|id| !id.is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gets_knows_libzmqs_names_and_aliases() {
        let info = PeerInfo {
            socket_type: SocketType::DEALER,
            routing_id: Some(Bytes::from_static(b"bob")),
            properties: vec![
                ("Socket-Type".into(), Bytes::from_static(b"DEALER")),
                ("Identity".into(), Bytes::from_static(b"bob")),
                ("X-Bin".into(), Bytes::from_static(&[0xff, 0xfe])),
            ],
            minor_version: 1,
            legacy: None,
        };
        let m = PeerMetadata::new(&info, Some("127.0.0.1".into()));
        assert_eq!(m.get("Socket-Type"), Some("DEALER"));
        assert_eq!(m.get("Routing-Id"), Some("bob"));
        assert_eq!(m.get("Identity"), Some("bob"));
        assert_eq!(m.get("Peer-Address"), Some("127.0.0.1"));
        assert_eq!(m.get("socket-type"), None);
        assert_eq!(m.get("X-Bin"), None);
        assert_eq!(m.routing_id(), Some(&b"bob"[..]));
    }

    #[test]
    fn zap_properties_and_user_id_come_first() {
        let info = PeerInfo {
            socket_type: SocketType::DEALER,
            routing_id: None,
            properties: vec![("Hello".into(), Bytes::from_static(b"handshake"))],
            minor_version: 1,
            legacy: None,
        };
        let zap = vec![("Hello".to_string(), Bytes::from_static(b"World"))];
        let m = PeerMetadata::new(&info, None).with_zap(Bytes::from_static(b"anonymous"), zap);
        assert_eq!(m.get("Hello"), Some("World"));
        assert_eq!(m.get("User-Id"), Some("anonymous"));
    }
}
