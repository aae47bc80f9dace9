//! CURVE handshake (RFC 25 ZMTP-CURVE + RFC 26 CurveZMQ; libzmq's `curve_client.cpp`,
//! `curve_server.cpp`, `curve_client_tools.hpp`). Sizes are command bodies, name included:
//!
//! ```text
//! HELLO    (200)  = 05 "HELLO" | 01 00 | 72×00 | C' | short nonce | Box[64×00](C'→S)
//! WELCOME  (168)  = 07 "WELCOME" | long nonce | Box[S' | cookie](S→C')
//!   cookie  (96)  = long nonce | SecretBox[C' | s'](K), K fresh per connection
//! INITIATE (257+) = 08 "INITIATE" | cookie | short nonce | Box[C | vouch | metadata](C'→S')
//!   vouch   (96)  = long nonce | Box[C' | S](C→S')
//! READY    (30+)  = 05 "READY" | short nonce | Box[metadata](S'→C')
//! ```
//!
//! Boxes are NaCl `crypto_box` (MAC first); nonces are a 16- or 8-byte prefix naming the
//! command plus the 8-byte short nonce (a per-direction counter from 1) or 16 random bytes.
//! Failures carry libzmq's codes: a wrong name is unexpected, a wrong size malformed, a box
//! that does not open cryptographic, a vouch for another key a key-exchange failure.

use bytes::{Bytes, BytesMut};
use crypto_box::aead::KeyInit;
use crypto_box::{PublicKey, SalsaBox, SecretKey};
use crypto_secretbox::XSalsa20Poly1305;

use super::cipher::{nonce, open, seal, CurveCipher, MAC_LEN};
use super::{malformed, refuse, Context, Step, ZapRequest};
use crate::command;
use crate::error::EngineError;
use crate::random::Randomness;

/// HELLO body size.
pub const HELLO_LEN: usize = 200;
/// WELCOME body size.
pub const WELCOME_LEN: usize = 168;
/// Smallest INITIATE body (no metadata).
pub const MIN_INITIATE_LEN: usize = 257;
/// Smallest READY body (no metadata).
pub const MIN_READY_LEN: usize = 30;

/// Offsets inside HELLO.
const HELLO_VERSION: usize = 6;
const HELLO_KEY: usize = 80;
const HELLO_NONCE: usize = 112;
const HELLO_BOX: usize = 120;
/// Offsets inside WELCOME.
const WELCOME_NONCE: usize = 8;
const WELCOME_BOX: usize = 24;
/// Offsets inside INITIATE (and inside its plaintext, which starts after the MAC).
const INITIATE_COOKIE: usize = 9;
const INITIATE_NONCE: usize = 105;
const INITIATE_BOX: usize = 113;
const INITIATE_TEXT: usize = INITIATE_BOX + MAC_LEN;
/// Offsets inside READY.
const READY_NONCE: usize = 6;
const READY_BOX: usize = 14;

/// Length of a cookie: 16-byte nonce suffix + SecretBox of C' and s'.
const COOKIE_LEN: usize = 96;
/// Length of a vouch: 16-byte nonce suffix + Box of C' and S.
const VOUCH_LEN: usize = 96;

/// `N` bytes of `b` from `at` (zeros where `b` is short; callers check sizes first).
fn field<const N: usize>(b: &[u8], at: usize) -> [u8; N] {
    let mut out = [0u8; N];
    for (dst, src) in out.iter_mut().zip(b.iter().skip(at)) {
        *dst = *src;
    }
    out
}

/// Checks a HELLO body (name, size 200, version 1.0); returns the client's transient key.
pub fn parse_hello(body: &[u8]) -> Result<[u8; 32], EngineError> {
    if super::command_name(body) != b"HELLO" {
        return Err(refuse(Bytes::copy_from_slice(body), false));
    }
    if body.len() != HELLO_LEN {
        return Err(malformed("HELLO", "not 200 bytes"));
    }
    if body.get(HELLO_VERSION..HELLO_VERSION + 2) != Some(&[1, 0]) {
        return Err(malformed("HELLO", "version is not 1.0"));
    }
    Ok(field(body, HELLO_KEY))
}

/// Checks a WELCOME body (name, size 168); an ERROR in its place is the server's refusal.
pub fn parse_welcome(body: &[u8]) -> Result<(), EngineError> {
    if super::command_name(body) != b"WELCOME" {
        return Err(refuse(Bytes::copy_from_slice(body), true));
    }
    if body.len() != WELCOME_LEN {
        return Err(malformed("WELCOME", "not 168 bytes"));
    }
    Ok(())
}

/// Checks an INITIATE body (name, at least 257 bytes); returns its short nonce.
pub fn parse_initiate(body: &[u8]) -> Result<u64, EngineError> {
    if super::command_name(body) != b"INITIATE" {
        return Err(refuse(Bytes::copy_from_slice(body), false));
    }
    if body.len() < MIN_INITIATE_LEN {
        return Err(malformed("INITIATE", "shorter than 257 bytes"));
    }
    Ok(u64::from_be_bytes(field(body, INITIATE_NONCE)))
}

/// Checks a READY body (name, at least 30 bytes); returns its short nonce. An ERROR in its
/// place is the server's refusal.
pub fn parse_ready(body: &[u8]) -> Result<u64, EngineError> {
    if super::command_name(body) != command::READY {
        return Err(refuse(Bytes::copy_from_slice(body), true));
    }
    if body.len() < MIN_READY_LEN {
        return Err(malformed("READY", "shorter than 30 bytes"));
    }
    Ok(u64::from_be_bytes(field(body, READY_NONCE)))
}

/// Opens the box at `at` of `body` (MAC, then text up to the end) in place.
fn open_at(
    aead: &SalsaBox,
    nonce: &[u8; 24],
    body: &mut [u8],
    at: usize,
    what: &'static str,
) -> Result<(), EngineError> {
    let failed = || EngineError::Cryptographic { what };
    let boxed = body.get_mut(at..).ok_or_else(failed)?;
    if boxed.len() < MAC_LEN {
        return Err(failed());
    }
    let (mac, text) = boxed.split_at_mut(MAC_LEN);
    open(aead, nonce, mac, text).map_err(|()| failed())
}

/// Appends `MAC | box` of `text` (encrypted in place) to `out`.
fn push_box(aead: &SalsaBox, nonce: &[u8; 24], text: &mut [u8], out: &mut Vec<u8>) {
    let mac = seal(aead, nonce, text);
    out.extend_from_slice(&mac);
    out.extend_from_slice(text);
}

/// Where a CURVE client stands.
enum ClientState {
    /// HELLO sent.
    ExpectWelcome,
    /// INITIATE sent; the box key for READY and traffic is known.
    ExpectReady(SalsaBox),
    /// READY received (no more handshake input is accepted).
    Done,
}

/// CURVE client.
pub(crate) struct Client {
    public: [u8; 32],
    secret: SecretKey,
    server: PublicKey,
    transient_public: [u8; 32],
    transient_secret: SecretKey,
    /// Box between our transient key and the server's long-term key (HELLO, WELCOME).
    hello_box: SalsaBox,
    next_nonce: u64,
    state: ClientState,
    /// Where the vouch's long nonce comes from.
    random: Randomness,
}

impl Client {
    /// A client with a fresh transient key pair drawn from `random`.
    pub fn new(public: [u8; 32], secret: [u8; 32], server: [u8; 32], random: Randomness) -> Client {
        let transient_secret = SecretKey::from(random.bytes::<32>());
        let server = PublicKey::from(server);
        Client {
            public,
            secret: SecretKey::from(secret),
            hello_box: SalsaBox::new(&server, &transient_secret),
            server,
            transient_public: transient_secret.public_key().to_bytes(),
            transient_secret,
            next_nonce: 1,
            state: ClientState::ExpectWelcome,
            random,
        }
    }

    fn take_nonce(&mut self) -> [u8; 8] {
        let n = self.next_nonce;
        self.next_nonce = self.next_nonce.saturating_add(1);
        n.to_be_bytes()
    }

    /// After the greeting: HELLO.
    pub fn start(&mut self, out: &mut Vec<u8>) -> Step {
        let short = self.take_nonce();
        let mut data = Vec::with_capacity(HELLO_LEN - 6);
        data.extend_from_slice(&[1, 0]);
        data.extend_from_slice(&[0; 72]);
        data.extend_from_slice(&self.transient_public);
        data.extend_from_slice(&short);
        let mut zeros = [0u8; 64];
        push_box(
            &self.hello_box,
            &nonce(b"CurveZMQHELLO---", &short),
            &mut zeros,
            &mut data,
        );
        command::encode(b"HELLO", &data, out);
        Step::Wait
    }

    /// WELCOME (answered with INITIATE), then READY, which completes the handshake.
    pub fn process(
        &mut self,
        mut body: BytesMut,
        ctx: &Context<'_>,
        out: &mut Vec<u8>,
    ) -> Result<Step, EngineError> {
        match std::mem::replace(&mut self.state, ClientState::Done) {
            ClientState::ExpectWelcome => {
                parse_welcome(&body)?;
                let long: [u8; 16] = field(&body, WELCOME_NONCE);
                let welcome_nonce = nonce(b"WELCOME-", &long);
                open_at(
                    &self.hello_box,
                    &welcome_nonce,
                    &mut body,
                    WELCOME_BOX,
                    "WELCOME box",
                )?;
                let text = WELCOME_BOX + MAC_LEN;
                let server_transient = PublicKey::from(field::<32>(&body, text));
                let cookie: [u8; COOKIE_LEN] = field(&body, text + 32);
                let traffic = SalsaBox::new(&server_transient, &self.transient_secret);
                self.initiate(&server_transient, &cookie, &traffic, ctx, out);
                self.state = ClientState::ExpectReady(traffic);
                Ok(Step::Wait)
            }
            ClientState::ExpectReady(traffic) => {
                let peer_nonce = parse_ready(&body)?;
                let ready_nonce = nonce(b"CurveZMQREADY---", &peer_nonce.to_be_bytes());
                open_at(&traffic, &ready_nonce, &mut body, READY_BOX, "READY box")?;
                let props = body.freeze().slice(READY_BOX + MAC_LEN..);
                let info = ctx.accept(&props)?;
                let cipher = CurveCipher::new(traffic, self.next_nonce, peer_nonce, false);
                Ok(Step::Done(Box::new(info), Some(cipher)))
            }
            ClientState::Done => Err(refuse(body.freeze(), false)),
        }
    }

    /// Appends INITIATE: the cookie, then our long-term key, the vouch and our metadata.
    fn initiate(
        &mut self,
        server_transient: &PublicKey,
        cookie: &[u8; COOKIE_LEN],
        traffic: &SalsaBox,
        ctx: &Context<'_>,
        out: &mut Vec<u8>,
    ) {
        let vouch_long = self.random.bytes::<16>();
        let mut vouch_text = [0u8; 64];
        vouch_text[..32].copy_from_slice(&self.transient_public);
        vouch_text[32..].copy_from_slice(self.server.as_bytes());
        let vouch_box = SalsaBox::new(server_transient, &self.secret);
        let mut text = Vec::with_capacity(32 + VOUCH_LEN + ctx.our_metadata.len());
        text.extend_from_slice(&self.public);
        text.extend_from_slice(&vouch_long);
        push_box(
            &vouch_box,
            &nonce(b"VOUCH---", &vouch_long),
            &mut vouch_text,
            &mut text,
        );
        text.extend_from_slice(ctx.our_metadata);
        let short = self.take_nonce();
        let mut data = Vec::with_capacity(COOKIE_LEN + 8 + MAC_LEN + text.len());
        data.extend_from_slice(cookie);
        data.extend_from_slice(&short);
        push_box(
            traffic,
            &nonce(b"CurveZMQINITIATE", &short),
            &mut text,
            &mut data,
        );
        command::encode(b"INITIATE", &data, out);
    }
}

/// Where a CURVE server stands.
enum ServerState {
    /// Waiting for HELLO.
    ExpectHello,
    /// WELCOME sent to the client with this transient key.
    ExpectInitiate([u8; 32]),
    /// INITIATE accepted and handed to ZAP.
    AwaitZap(SalsaBox, Box<crate::peer::PeerInfo>, u64),
    /// READY sent (no more handshake input is accepted).
    Done,
}

/// CURVE server.
pub(crate) struct Server {
    secret: SecretKey,
    public: [u8; 32],
    transient_secret: SecretKey,
    /// Key of this connection's cookie (libzmq: fresh per connection).
    cookie_key: XSalsa20Poly1305,
    state: ServerState,
    /// Where the cookie's and WELCOME's long nonces come from.
    random: Randomness,
}

impl Server {
    /// A server with long-term `secret` and fresh transient and cookie keys from `random`.
    pub fn new(secret: [u8; 32], random: Randomness) -> Server {
        let secret = SecretKey::from(secret);
        let cookie_key = random.bytes::<32>();
        Server {
            public: secret.public_key().to_bytes(),
            secret,
            transient_secret: SecretKey::from(random.bytes::<32>()),
            cookie_key: XSalsa20Poly1305::new(&cookie_key.into()),
            state: ServerState::ExpectHello,
            random,
        }
    }

    /// HELLO (answered with WELCOME), then INITIATE (handed to ZAP).
    pub fn process(
        &mut self,
        body: BytesMut,
        ctx: &Context<'_>,
        out: &mut Vec<u8>,
    ) -> Result<Step, EngineError> {
        match std::mem::replace(&mut self.state, ServerState::Done) {
            ServerState::ExpectHello => {
                let client_transient = self.hello(body, out)?;
                self.state = ServerState::ExpectInitiate(client_transient);
                Ok(Step::Wait)
            }
            ServerState::ExpectInitiate(client_transient) => {
                let (traffic, info, client, peer_nonce) =
                    self.initiate(body, &client_transient, ctx)?;
                self.state = ServerState::AwaitZap(traffic, info, peer_nonce);
                Ok(Step::Zap(ZapRequest {
                    mechanism: "CURVE",
                    credentials: vec![Bytes::copy_from_slice(&client)],
                }))
            }
            ServerState::AwaitZap(..) | ServerState::Done => Err(refuse(body.freeze(), false)),
        }
    }

    /// Checks HELLO, appends WELCOME; returns the client's transient key.
    fn hello(&mut self, mut body: BytesMut, out: &mut Vec<u8>) -> Result<[u8; 32], EngineError> {
        let client_transient = parse_hello(&body)?;
        let short: [u8; 8] = field(&body, HELLO_NONCE);
        let hello_box = SalsaBox::new(&PublicKey::from(client_transient), &self.secret);
        open_at(
            &hello_box,
            &nonce(b"CurveZMQHELLO---", &short),
            &mut body,
            HELLO_BOX,
            "HELLO box",
        )?;
        // cookie = long nonce | SecretBox[C' | s'](K)
        let cookie_long = self.random.bytes::<16>();
        let mut cookie_text = [0u8; 64];
        cookie_text[..32].copy_from_slice(&client_transient);
        cookie_text[32..].copy_from_slice(&self.transient_secret.to_bytes());
        let mut text = Vec::with_capacity(32 + COOKIE_LEN);
        text.extend_from_slice(self.transient_secret.public_key().as_bytes());
        text.extend_from_slice(&cookie_long);
        let cookie_mac = seal(
            &self.cookie_key,
            &nonce(b"COOKIE--", &cookie_long),
            &mut cookie_text,
        );
        text.extend_from_slice(&cookie_mac);
        text.extend_from_slice(&cookie_text);
        let welcome_long = self.random.bytes::<16>();
        let mut data = Vec::with_capacity(WELCOME_LEN - 8);
        data.extend_from_slice(&welcome_long);
        push_box(
            &hello_box,
            &nonce(b"WELCOME-", &welcome_long),
            &mut text,
            &mut data,
        );
        command::encode(b"WELCOME", &data, out);
        Ok(client_transient)
    }

    /// Checks INITIATE: cookie, box, vouch, metadata. Returns the traffic key, the peer, the
    /// client's long-term key and the INITIATE's short nonce.
    fn initiate(
        &mut self,
        mut body: BytesMut,
        client_transient: &[u8; 32],
        ctx: &Context<'_>,
    ) -> Result<(SalsaBox, Box<crate::peer::PeerInfo>, [u8; 32], u64), EngineError> {
        let peer_nonce = parse_initiate(&body)?;
        let bad_cookie = || EngineError::Cryptographic {
            what: "INITIATE cookie",
        };
        let cookie_long: [u8; 16] = field(&body, INITIATE_COOKIE);
        let mut cookie: [u8; COOKIE_LEN - 16] = field(&body, INITIATE_COOKIE + 16);
        let (mac, text) = cookie.split_at_mut(MAC_LEN);
        open(
            &self.cookie_key,
            &nonce(b"COOKIE--", &cookie_long),
            mac,
            text,
        )
        .map_err(|()| bad_cookie())?;
        if text.get(..32) != Some(client_transient)
            || text.get(32..) != Some(&self.transient_secret.to_bytes()[..])
        {
            return Err(bad_cookie());
        }
        let client_key = PublicKey::from(*client_transient);
        let traffic = SalsaBox::new(&client_key, &self.transient_secret);
        open_at(
            &traffic,
            &nonce(b"CurveZMQINITIATE", &peer_nonce.to_be_bytes()),
            &mut body,
            INITIATE_BOX,
            "INITIATE box",
        )?;
        // Plaintext: C (32) | vouch long nonce (16) | vouch box (80) | metadata.
        let client: [u8; 32] = field(&body, INITIATE_TEXT);
        let vouch_long: [u8; 16] = field(&body, INITIATE_TEXT + 32);
        let vouch_box = SalsaBox::new(&PublicKey::from(client), &self.transient_secret);
        open_at(
            &vouch_box,
            &nonce(b"VOUCH---", &vouch_long),
            body.get_mut(..INITIATE_TEXT + 32 + VOUCH_LEN)
                .unwrap_or_default(),
            INITIATE_TEXT + 48,
            "INITIATE vouch",
        )?;
        let vouch_text = INITIATE_TEXT + 48 + MAC_LEN;
        if field::<32>(&body, vouch_text) != *client_transient {
            return Err(EngineError::KeyExchange {
                reason: "vouch names another transient key",
            });
        }
        if field::<32>(&body, vouch_text + 32) != self.public {
            return Err(EngineError::KeyExchange {
                reason: "vouch names another server",
            });
        }
        let props = body.freeze().slice(INITIATE_TEXT + 32 + VOUCH_LEN..);
        let info = ctx.accept(&props)?;
        Ok((traffic, Box::new(info), client, peer_nonce))
    }

    /// ZAP said 200: READY, which completes the handshake.
    pub fn zap_ok(&mut self, ctx: &Context<'_>, out: &mut Vec<u8>) -> Step {
        let ServerState::AwaitZap(traffic, info, peer_nonce) =
            std::mem::replace(&mut self.state, ServerState::Done)
        else {
            return Step::Wait;
        };
        let short = 1u64.to_be_bytes();
        let mut text = ctx.our_metadata.to_vec();
        let mut data = Vec::with_capacity(8 + MAC_LEN + text.len());
        data.extend_from_slice(&short);
        push_box(
            &traffic,
            &nonce(b"CurveZMQREADY---", &short),
            &mut text,
            &mut data,
        );
        command::encode(command::READY, &data, out);
        Step::Done(info, Some(CurveCipher::new(traffic, 2, peer_nonce, true)))
    }
}
