//! The SOCKS5 client of a tcp connect through ZMQ_SOCKS_PROXY (RFC 1928, with RFC 1929's
//! username/password), as libzmq's `socks_connecter_t` speaks it, without I/O: it says what
//! to write and how many bytes to read next, and reads never go past the proxy's replies, so
//! the ZMTP bytes that follow are left to the engine.
//!
//! libzmq's exchange: a greeting offering one method — no authentication, or
//! username/password when SOCKS_USERNAME is set — then that method's request, then CONNECT
//! to the target as given to `connect` (an IP literal as such, a name unresolved, for the
//! proxy to resolve), whose reply must be success.

use std::io;
use std::net::IpAddr;

/// Where a SOCKS5 handshake stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    /// Waiting for the method choice (2 bytes).
    Choice,
    /// Waiting for the username/password verdict (2 bytes).
    Auth,
    /// Waiting for the CONNECT reply's first 4 bytes.
    ReplyHead,
    /// Waiting for the length of the name the CONNECT reply holds (1 byte).
    NameLength,
    /// Waiting for the rest of the CONNECT reply (bound address and port).
    ReplyTail,
    /// The tunnel is up.
    Done,
}

/// One SOCKS5 client handshake.
#[derive(Debug)]
pub(crate) struct Handshake {
    stage: Stage,
    /// Bytes to write, from `written` on.
    output: Vec<u8>,
    written: usize,
    /// Bytes of the reply part being read.
    input: Vec<u8>,
    wanted: usize,
    credentials: Option<(Vec<u8>, Vec<u8>)>,
    request: Vec<u8>,
}

const VERSION: u8 = 0x05;
const NO_AUTH: u8 = 0x00;
const USERNAME_PASSWORD: u8 = 0x02;

impl Handshake {
    /// A handshake asking the proxy to CONNECT to `host:port`, authenticating with
    /// `credentials` (username, password; each at most 255 bytes) if given.
    pub(crate) fn new(host: &str, port: u16, credentials: Option<(Vec<u8>, Vec<u8>)>) -> Handshake {
        let method = if credentials.is_some() {
            USERNAME_PASSWORD
        } else {
            NO_AUTH
        };
        Handshake {
            stage: Stage::Choice,
            output: vec![VERSION, 1, method],
            written: 0,
            input: Vec::new(),
            wanted: 2,
            credentials,
            request: connect_request(host, port),
        }
    }

    /// What is still to be written.
    pub(crate) fn output(&self) -> &[u8] {
        &self.output[self.written..]
    }

    /// `n` bytes of `output` were written.
    pub(crate) fn wrote(&mut self, n: usize) {
        self.written = (self.written + n).min(self.output.len());
    }

    /// How many bytes to read next (0 once done): never more than the proxy's reply holds.
    pub(crate) fn wanted(&self) -> usize {
        self.wanted - self.input.len()
    }

    /// True once the tunnel is up.
    pub(crate) fn is_done(&self) -> bool {
        self.stage == Stage::Done
    }

    /// Takes bytes read from the proxy (at most `wanted()`); an error for a refusal or a
    /// reply that is not SOCKS5.
    pub(crate) fn received(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.input.extend_from_slice(bytes);
        if self.input.len() < self.wanted {
            return Ok(());
        }
        let reply = std::mem::take(&mut self.input);
        match self.stage {
            Stage::Choice => match (reply[0], reply[1]) {
                (VERSION, USERNAME_PASSWORD) if self.credentials.is_some() => {
                    let (user, password) = self.credentials.take().unwrap_or_default();
                    let mut auth = vec![0x01, user.len() as u8];
                    auth.extend_from_slice(&user);
                    auth.push(password.len() as u8);
                    auth.extend_from_slice(&password);
                    self.send(auth, Stage::Auth, 2);
                }
                (VERSION, NO_AUTH) if self.credentials.is_none() => self.send_request(),
                _ => return Err(refused("the proxy accepts none of our methods")),
            },
            Stage::Auth => match reply[..] {
                [0x01, 0x00] => self.send_request(),
                _ => return Err(refused("the proxy refused our username and password")),
            },
            Stage::ReplyHead => {
                if reply[0] != VERSION || reply[2] != 0 {
                    return Err(invalid("not a SOCKS5 reply"));
                }
                if reply[1] != 0 {
                    return Err(match reply[1] {
                        0x05 => io::Error::from(io::ErrorKind::ConnectionRefused),
                        _ => refused("the proxy could not connect"),
                    });
                }
                // The address the proxy bound, then its port: skipped.
                (self.stage, self.wanted) = match reply[3] {
                    0x01 => (Stage::ReplyTail, 4 + 2),
                    0x04 => (Stage::ReplyTail, 16 + 2),
                    0x03 => (Stage::NameLength, 1),
                    _ => return Err(invalid("unknown address type in the SOCKS5 reply")),
                };
            }
            Stage::NameLength => {
                self.stage = Stage::ReplyTail;
                self.wanted = usize::from(reply[0]) + 2;
            }
            Stage::ReplyTail => {
                self.stage = Stage::Done;
                self.wanted = 0;
            }
            Stage::Done => {}
        }
        Ok(())
    }

    fn send(&mut self, bytes: Vec<u8>, stage: Stage, wanted: usize) {
        self.output = bytes;
        self.written = 0;
        self.stage = stage;
        self.wanted = wanted;
    }

    fn send_request(&mut self) {
        let request = std::mem::take(&mut self.request);
        self.send(request, Stage::ReplyHead, 4);
    }
}

/// CONNECT to `host:port`: an IPv4 or IPv6 literal as an address, anything else as a name
/// (libzmq's `socks_request_encoder_t`, with names up to 255 bytes).
fn connect_request(host: &str, port: u16) -> Vec<u8> {
    let mut request = vec![VERSION, 0x01, 0x00];
    let literal = host.trim_start_matches('[').trim_end_matches(']');
    match literal.parse::<IpAddr>() {
        Ok(IpAddr::V4(ip)) => {
            request.push(0x01);
            request.extend_from_slice(&ip.octets());
        }
        Ok(IpAddr::V6(ip)) => {
            request.push(0x04);
            request.extend_from_slice(&ip.octets());
        }
        Err(_) => {
            let name = &host.as_bytes()[..host.len().min(255)];
            request.push(0x03);
            request.push(name.len() as u8);
            request.extend_from_slice(name);
        }
    }
    request.extend_from_slice(&port.to_be_bytes());
    request
}

fn refused(why: &'static str) -> io::Error {
    io::Error::new(io::ErrorKind::PermissionDenied, why)
}

fn invalid(why: &'static str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, why)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Per step: what the client must write, and what the proxy answers.
    type Exchange<'a> = &'a [(&'a [u8], &'a [u8])];

    /// Feeds a proxy's replies byte by byte, as a slow proxy would, checking what the client
    /// writes at each step.
    fn run(mut h: Handshake, exchange: Exchange<'_>) -> io::Result<Handshake> {
        for (client, proxy) in exchange {
            assert_eq!(h.output(), *client);
            let n = h.output().len();
            h.wrote(n);
            for b in *proxy {
                assert!(h.wanted() > 0, "reads stop at the reply's end");
                h.received(&[*b])?;
            }
        }
        Ok(h)
    }

    #[test]
    fn no_auth_with_an_ip_target_and_every_reply_address_form() {
        for tail in [
            &[1, 9, 9, 9, 9, 0, 1][..],
            &[3, 3, b'a', b'b', b'c', 0, 1],
            &[4; 19],
        ] {
            let mut reply = vec![5, 0, 0];
            reply.extend_from_slice(tail);
            let h = Handshake::new("127.0.0.1", 5555, None);
            let h = run(
                h,
                &[
                    (&[5, 1, 0], &[5, 0]),
                    (&[5, 1, 0, 1, 127, 0, 0, 1, 0x15, 0xb3], &reply),
                ],
            )
            .unwrap();
            assert!(h.is_done());
            assert_eq!(h.wanted(), 0);
        }
    }

    #[test]
    fn username_password_and_names_and_ipv6() {
        let creds = Some((b"me".to_vec(), b"pw".to_vec()));
        let h = Handshake::new("localhost", 1, creds);
        let h = run(
            h,
            &[
                (&[5, 1, 2], &[5, 2]),
                (&[1, 2, b'm', b'e', 2, b'p', b'w'], &[1, 0]),
                (
                    &[
                        5, 1, 0, 3, 9, b'l', b'o', b'c', b'a', b'l', b'h', b'o', b's', b't', 0, 1,
                    ],
                    &[5, 0, 0, 1, 0, 0, 0, 0, 0, 0],
                ),
            ],
        )
        .unwrap();
        assert!(h.is_done());
        let mut want = vec![5, 1, 0, 4];
        want.extend_from_slice(&"::1".parse::<std::net::Ipv6Addr>().unwrap().octets());
        want.extend_from_slice(&[0, 2]);
        assert_eq!(Handshake::new("[::1]", 2, None).request, want);
    }

    #[test]
    fn refusals_and_garbage_are_errors() {
        let creds = || Some((b"me".to_vec(), b"no".to_vec()));
        let cases: [(Handshake, Exchange<'_>); 5] = [
            (Handshake::new("h", 1, None), &[(&[5, 1, 0], &[5, 0xff])]),
            (Handshake::new("h", 1, None), &[(&[5, 1, 0], &[4, 0])]),
            (
                Handshake::new("h", 1, creds()),
                &[
                    (&[5, 1, 2], &[5, 2]),
                    (&[1, 2, b'm', b'e', 2, b'n', b'o'], &[1, 1]),
                ],
            ),
            (
                Handshake::new("h", 1, None),
                &[
                    (&[5, 1, 0], &[5, 0]),
                    (&[5, 1, 0, 3, 1, b'h', 0, 1], &[5, 5, 0, 1]),
                ],
            ),
            (
                Handshake::new("h", 1, None),
                &[
                    (&[5, 1, 0], &[5, 0]),
                    (&[5, 1, 0, 3, 1, b'h', 0, 1], &[5, 0, 0, 9]),
                ],
            ),
        ];
        for (h, exchange) in cases {
            assert!(run(h, exchange).is_err(), "{exchange:?}");
        }
    }
}
