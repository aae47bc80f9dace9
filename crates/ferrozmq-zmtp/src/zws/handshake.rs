//! The HTTP/1.1 upgrade that opens a ZWS 2.0 connection (RFC 6455 §4), sans-IO: the client
//! sends `GET path` with a random `Sec-WebSocket-Key` and offers the subprotocol
//! `ZWS2.0/<MECHANISM>`; the server answers `101 Switching Protocols` with the key's accept
//! hash and the one subprotocol it chose (a NULL server also takes a client that offers only
//! the bare `ZWS2.0`, as jszmq does, and libzmq takes). Both sides take bytes in with `received` and give
//! bytes out with `output`/`wrote`; whatever follows the header block is handed back as the
//! first bytes of the WebSocket stream. A header block longer than [`MAX_HEADER_BYTES`] is
//! refused, so a peer's upgrade costs bounded memory (its slowness is HANDSHAKE_IVL's
//! business, the caller's clock).

use base64::Engine as _;
use sha1::{Digest, Sha1};
use std::fmt;

/// Longest header block accepted from a peer (request or response), in bytes.
pub const MAX_HEADER_BYTES: usize = 8192;

/// Most header lines accepted from a peer.
const MAX_HEADERS: usize = 32;

/// RFC 6455's GUID appended to the client's key before hashing.
const ACCEPT_GUID: &str = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

/// Why an upgrade failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HandshakeError {
    /// The header block is not HTTP/1.1 (or is longer than [`MAX_HEADER_BYTES`]).
    Malformed(&'static str),
    /// The peer's request or response is HTTP, but not the upgrade ZWS 2.0 needs.
    Refused(String),
}

impl fmt::Display for HandshakeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HandshakeError::Malformed(why) => write!(f, "malformed WebSocket upgrade: {why}"),
            HandshakeError::Refused(why) => write!(f, "WebSocket upgrade refused: {why}"),
        }
    }
}

impl std::error::Error for HandshakeError {}

/// The `Sec-WebSocket-Accept` value for a client's `key`.
pub fn accept_key(key: &str) -> String {
    let mut sha = Sha1::new();
    sha.update(key.trim().as_bytes());
    sha.update(ACCEPT_GUID.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(sha.finalize())
}

/// The bare subprotocol (jszmq's): ZWS framing, no ZMTP handshake, routing ids exchanged.
pub const BARE: &str = "ZWS2.0";

/// The subprotocol that carries ZMTP with `mechanism` (`NULL`, `PLAIN`, `CURVE`).
pub fn subprotocol(mechanism: &str) -> String {
    format!("ZWS2.0/{mechanism}")
}

/// Bytes queued for the peer, taken as the transport writes them.
#[derive(Debug, Default)]
struct Outbox {
    bytes: Vec<u8>,
    sent: usize,
}

impl Outbox {
    fn pending(&self) -> &[u8] {
        &self.bytes[self.sent..]
    }
    fn wrote(&mut self, n: usize) {
        self.sent = (self.sent + n).min(self.bytes.len());
    }
}

/// The header block read so far; complete once it holds `\r\n\r\n`.
#[derive(Debug, Default)]
struct Inbox {
    bytes: Vec<u8>,
}

impl Inbox {
    /// Appends `input`; the length of the header block once it is complete.
    fn take(&mut self, input: &[u8]) -> Result<Option<usize>, HandshakeError> {
        let searched = self.bytes.len().saturating_sub(3);
        self.bytes.extend_from_slice(input);
        let end = self.bytes[searched..]
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .map(|at| searched + at + 4);
        match end {
            Some(end) if end <= MAX_HEADER_BYTES => Ok(Some(end)),
            Some(_) => Err(HandshakeError::Malformed("header block too long")),
            None if self.bytes.len() > MAX_HEADER_BYTES => {
                Err(HandshakeError::Malformed("header block too long"))
            }
            None => Ok(None),
        }
    }

    /// The bytes after the header block ending at `end`.
    fn after(&self, end: usize) -> Vec<u8> {
        self.bytes[end..].to_vec()
    }
}

/// The client side: request written at once, response awaited.
#[derive(Debug)]
pub struct ClientHandshake {
    out: Outbox,
    inbox: Inbox,
    expected_accept: String,
    protocol: String,
    done: bool,
}

impl ClientHandshake {
    /// Starts the upgrade of `GET path` on `host` (the `Host` header, `host:port`), offering
    /// `mechanism`'s subprotocol; `key` is 16 random bytes (RFC 6455's nonce).
    pub fn new(host: &str, path: &str, mechanism: &str, key: [u8; 16]) -> ClientHandshake {
        let key = base64::engine::general_purpose::STANDARD.encode(key);
        let protocol = subprotocol(mechanism);
        let request = format!(
            "GET {path} HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\n\
             Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n\
             Sec-WebSocket-Protocol: {protocol}\r\nSec-WebSocket-Version: 13\r\n\r\n"
        );
        ClientHandshake {
            out: Outbox {
                bytes: request.into_bytes(),
                sent: 0,
            },
            inbox: Inbox::default(),
            expected_accept: accept_key(&key),
            protocol,
            done: false,
        }
    }

    /// What is still to be written to the server.
    pub fn output(&self) -> &[u8] {
        self.out.pending()
    }

    /// `n` bytes of [`output`](Self::output) were written.
    pub fn wrote(&mut self, n: usize) {
        self.out.wrote(n);
    }

    /// True once the server's 101 response was read and checked.
    pub fn is_done(&self) -> bool {
        self.done
    }

    /// Takes bytes from the server: `Some(rest)` once the response is complete and accepts
    /// the upgrade (`rest` are the first WebSocket bytes), `None` while more are needed.
    pub fn received(&mut self, input: &[u8]) -> Result<Option<Vec<u8>>, HandshakeError> {
        let Some(end) = self.inbox.take(input)? else {
            return Ok(None);
        };
        let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
        let mut response = httparse::Response::new(&mut headers);
        match response.parse(&self.inbox.bytes[..end]) {
            Ok(httparse::Status::Complete(_)) => {}
            _ => return Err(HandshakeError::Malformed("not an HTTP/1.1 response")),
        }
        if response.code != Some(101) {
            let code = response.code.unwrap_or(0);
            return Err(HandshakeError::Refused(format!("HTTP status {code}")));
        }
        let accept = header(response.headers, "Sec-WebSocket-Accept");
        if accept.as_deref().map(str::trim) != Some(self.expected_accept.as_str()) {
            return Err(HandshakeError::Refused("wrong Sec-WebSocket-Accept".into()));
        }
        let protocol = header(response.headers, "Sec-WebSocket-Protocol");
        if protocol.as_deref().map(str::trim) != Some(self.protocol.as_str()) {
            return Err(HandshakeError::Refused(format!(
                "server chose subprotocol {protocol:?}, we offered {}",
                self.protocol
            )));
        }
        self.done = true;
        Ok(Some(self.inbox.after(end)))
    }
}

/// The server side: request awaited, response written.
#[derive(Debug)]
pub struct ServerHandshake {
    protocol: String,
    /// The client offered only the bare `ZWS2.0` and we took it (NULL security only).
    bare: bool,
    inbox: Inbox,
    out: Outbox,
    rest: Option<Vec<u8>>,
}

impl ServerHandshake {
    /// Awaits a client's upgrade offering `mechanism`'s subprotocol (the socket's own).
    pub fn new(mechanism: &str) -> ServerHandshake {
        ServerHandshake {
            protocol: subprotocol(mechanism),
            bare: false,
            inbox: Inbox::default(),
            out: Outbox::default(),
            rest: None,
        }
    }

    /// What is still to be written to the client (the 101 response, once the request is in).
    pub fn output(&self) -> &[u8] {
        self.out.pending()
    }

    /// `n` bytes of [`output`](Self::output) were written.
    pub fn wrote(&mut self, n: usize) {
        self.out.wrote(n);
    }

    /// True once the request was accepted and the whole response written.
    pub fn is_done(&self) -> bool {
        self.rest.is_some() && self.out.pending().is_empty()
    }

    /// Whether the client chose the bare `ZWS2.0` subprotocol (no ZMTP handshake on the
    /// wire; see [`Bridge::go_bare`](super::bridge::Bridge::go_bare)).
    pub fn is_bare(&self) -> bool {
        self.bare
    }

    /// The bytes that followed the client's request (its first WebSocket bytes), once taken.
    pub fn take_rest(&mut self) -> Vec<u8> {
        self.rest.take().unwrap_or_default()
    }

    /// Takes bytes from the client; true once its request is complete and accepted (the
    /// response is then in [`output`](Self::output)).
    pub fn received(&mut self, input: &[u8]) -> Result<bool, HandshakeError> {
        if self.rest.is_some() {
            // The client speaks before our response is out: keep it for the stream.
            if let Some(rest) = self.rest.as_mut() {
                rest.extend_from_slice(input);
            }
            return Ok(true);
        }
        let Some(end) = self.inbox.take(input)? else {
            return Ok(false);
        };
        let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
        let mut request = httparse::Request::new(&mut headers);
        match request.parse(&self.inbox.bytes[..end]) {
            Ok(httparse::Status::Complete(_)) => {}
            _ => return Err(HandshakeError::Malformed("not an HTTP/1.1 request")),
        }
        if request.method != Some("GET") {
            return Err(HandshakeError::Refused("not a GET".into()));
        }
        let upgrade = header(request.headers, "Upgrade");
        if !upgrade.is_some_and(|u| u.trim().eq_ignore_ascii_case("websocket")) {
            return Err(HandshakeError::Refused("no Upgrade: websocket".into()));
        }
        let Some(key) = header(request.headers, "Sec-WebSocket-Key") else {
            return Err(HandshakeError::Refused("no Sec-WebSocket-Key".into()));
        };
        let offers = |wanted: &str| {
            request
                .headers
                .iter()
                .filter(|h| h.name.eq_ignore_ascii_case("Sec-WebSocket-Protocol"))
                .filter_map(|h| std::str::from_utf8(h.value).ok())
                .flat_map(|v| v.split(','))
                .any(|p| p.trim() == wanted)
        };
        // As libzmq: the bare protocol is NULL security without a ZMTP handshake.
        if !offers(&self.protocol) {
            if self.protocol == subprotocol("NULL") && offers(BARE) {
                self.bare = true;
            } else {
                return Err(HandshakeError::Refused(format!(
                    "client does not offer {}",
                    self.protocol
                )));
            }
        }
        let chosen = if self.bare { BARE } else { &self.protocol };
        let response = format!(
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
             Sec-WebSocket-Accept: {}\r\nSec-WebSocket-Protocol: {chosen}\r\n\r\n",
            accept_key(&key),
        );
        self.out = Outbox {
            bytes: response.into_bytes(),
            sent: 0,
        };
        self.rest = Some(self.inbox.after(end));
        Ok(true)
    }
}

/// The first header named `name` (case-insensitive), if it is UTF-8.
fn header(headers: &[httparse::Header<'_>], name: &str) -> Option<String> {
    headers
        .iter()
        .find(|h| h.name.eq_ignore_ascii_case(name))
        .and_then(|h| std::str::from_utf8(h.value).ok())
        .map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_key_is_rfc6455s_example() {
        assert_eq!(
            accept_key("dGhlIHNhbXBsZSBub25jZQ=="),
            "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
        );
    }

    #[test]
    fn client_and_server_agree_and_keep_what_follows() {
        let mut client = ClientHandshake::new("127.0.0.1:1", "/x", "NULL", [7; 16]);
        let mut server = ServerHandshake::new("NULL");
        let mut request = client.output().to_vec();
        request.extend_from_slice(b"\x82\x81");
        let (head, tail) = request.split_at(10);
        assert!(!server.received(head).unwrap());
        assert!(server.received(tail).unwrap());
        let mut response = server.output().to_vec();
        server.wrote(response.len());
        assert!(server.is_done());
        assert_eq!(server.take_rest(), b"\x82\x81");
        client.wrote(client.output().len());
        response.extend_from_slice(b"more");
        assert_eq!(client.received(&response).unwrap().unwrap(), b"more");
        assert!(client.is_done());
    }

    /// A client request offering `protocols`.
    fn request(protocols: &str) -> String {
        format!(
            "GET /x HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
             Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\
             Sec-WebSocket-Protocol: {protocols}\r\n\r\n"
        )
    }

    #[test]
    fn a_null_server_takes_a_bare_offer_and_prefers_the_mechanism() {
        let mut server = ServerHandshake::new("NULL");
        assert_eq!(server.received(request("ZWS2.0").as_bytes()), Ok(true));
        assert!(server.is_bare());
        let response = String::from_utf8(server.output().to_vec()).unwrap();
        assert!(
            response.contains("Sec-WebSocket-Protocol: ZWS2.0\r\n"),
            "{response}"
        );

        let mut server = ServerHandshake::new("NULL");
        let offer = request("ZWS2.0, ZWS2.0/NULL");
        assert_eq!(server.received(offer.as_bytes()), Ok(true));
        assert!(!server.is_bare());
    }

    #[test]
    fn a_secure_server_refuses_a_bare_offer() {
        let mut server = ServerHandshake::new("CURVE");
        assert!(matches!(
            server.received(request("ZWS2.0").as_bytes()),
            Err(HandshakeError::Refused(_))
        ));
    }

    #[test]
    fn a_mechanism_mismatch_is_refused() {
        let client = ClientHandshake::new("h:1", "/", "PLAIN", [0; 16]);
        let mut server = ServerHandshake::new("NULL");
        assert!(matches!(
            server.received(client.output()),
            Err(HandshakeError::Refused(_))
        ));
    }

    #[test]
    fn endless_headers_are_refused_at_the_cap() {
        let mut server = ServerHandshake::new("NULL");
        let line = b"X-Filler: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n";
        let mut result = Ok(false);
        for _ in 0..(2 * MAX_HEADER_BYTES / line.len()) {
            result = server.received(line);
            if result.is_err() {
                break;
            }
        }
        assert_eq!(
            result,
            Err(HandshakeError::Malformed("header block too long"))
        );
    }

    #[test]
    fn a_wrong_accept_key_is_refused() {
        let mut client = ClientHandshake::new("h:1", "/", "NULL", [1; 16]);
        let response = b"HTTP/1.1 101 Switching Protocols\r\nSec-WebSocket-Accept: x\r\n\
                         Sec-WebSocket-Protocol: ZWS2.0/NULL\r\n\r\n";
        assert!(matches!(
            client.received(response),
            Err(HandshakeError::Refused(_))
        ));
    }
}
