//! Security mechanisms — NULL (RFC 23/37), PLAIN (RFC 24) and CURVE (RFC 25/26) — as the
//! handshake the [`Engine`](crate::Engine) runs between the greeting and traffic, with libzmq
//! 4.3's commands, checks and error codes (`null_mechanism.cpp`, `plain_*.cpp`, `curve_*.cpp`).
//!
//! * [`Mechanism`] — what a connection is configured with;
//! * [`ZapRequest`] — what a server asks its ZAP handler (RFC 27) before it lets a peer in;
//!   the engine waits until the caller answers with [`Engine::zap_reply`](crate::Engine::zap_reply);
//! * [`plain`] and [`curve`] — command layouts and parsers (public so they can be fuzzed);
//! * [`cipher`] — CURVE's MESSAGE boxes once traffic flows.
//!
//! Every parser here takes untrusted bytes and checks each length before it reads.

use bytes::{Bytes, BytesMut};

use crate::command::{self, Command};
use crate::error::EngineError;
use crate::greeting::MECHANISM_LEN;
use crate::metadata;
use crate::peer::PeerInfo;
use crate::random::Randomness;
use crate::SocketType;

pub mod cipher;
pub mod curve;
mod null;
pub mod plain;

pub use cipher::CurveCipher;

/// A connection's security mechanism and role (libzmq's `ZMQ_MECHANISM` plus the
/// `ZMQ_PLAIN_*`/`ZMQ_CURVE_*` options that pick the role and keys).
#[derive(Clone, PartialEq, Eq)]
pub enum Mechanism {
    /// No security (the default): READY both ways, optionally after a ZAP check
    /// ([`EngineConfig::null_zap`](crate::EngineConfig::null_zap)).
    Null,
    /// PLAIN client: sends a user name and password (at most 255 bytes each; longer ones are
    /// cut, libzmq's options refuse them).
    PlainClient {
        /// `ZMQ_PLAIN_USERNAME`.
        username: Vec<u8>,
        /// `ZMQ_PLAIN_PASSWORD`.
        password: Vec<u8>,
    },
    /// PLAIN server (`ZMQ_PLAIN_SERVER`): hands the client's credentials to ZAP.
    PlainServer,
    /// CURVE client: long-term key pair plus the server's long-term public key.
    CurveClient {
        /// `ZMQ_CURVE_PUBLICKEY`.
        public_key: [u8; 32],
        /// `ZMQ_CURVE_SECRETKEY`.
        secret_key: [u8; 32],
        /// `ZMQ_CURVE_SERVERKEY`.
        server_key: [u8; 32],
    },
    /// CURVE server (`ZMQ_CURVE_SERVER`): its long-term secret key (the public half, which
    /// clients are given, follows from it).
    CurveServer {
        /// `ZMQ_CURVE_SECRETKEY`.
        secret_key: [u8; 32],
    },
}

impl std::fmt::Debug for Mechanism {
    /// Names the mechanism and role; credentials and secret keys are never printed.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Mechanism::Null => "Null",
            Mechanism::PlainClient { .. } => "PlainClient",
            Mechanism::PlainServer => "PlainServer",
            Mechanism::CurveClient { .. } => "CurveClient",
            Mechanism::CurveServer { .. } => "CurveServer",
        })
    }
}

impl Mechanism {
    /// The name announced in the greeting: `"NULL"`, `"PLAIN"` or `"CURVE"`.
    pub fn name(&self) -> &'static str {
        match self {
            Mechanism::Null => "NULL",
            Mechanism::PlainClient { .. } | Mechanism::PlainServer => "PLAIN",
            Mechanism::CurveClient { .. } | Mechanism::CurveServer { .. } => "CURVE",
        }
    }

    /// The greeting's 20-byte mechanism field (name, NUL-padded), compared byte for byte.
    pub fn greeting_field(&self) -> [u8; MECHANISM_LEN] {
        let mut field = [0u8; MECHANISM_LEN];
        let name = self.name().as_bytes();
        if let Some(dst) = field.get_mut(..name.len()) {
            dst.copy_from_slice(name);
        }
        field
    }
}

/// What a server asks its ZAP handler (RFC 27) before letting a peer in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ZapRequest {
    /// `"NULL"`, `"PLAIN"` or `"CURVE"`.
    pub mechanism: &'static str,
    /// PLAIN: user name and password; CURVE: the client's 32-byte long-term public key;
    /// NULL: none.
    pub credentials: Vec<Bytes>,
}

/// What the local side brings to a handshake.
pub(crate) struct Context<'a> {
    /// Our property list (Socket-Type, Identity when sent, application properties).
    pub our_metadata: &'a [u8],
    /// Our socket type, checked against the peer's.
    pub socket_type: SocketType,
    /// The peer's effective minor version.
    pub peer_minor: u8,
}

impl Context<'_> {
    /// Validates the peer's property list (READY or INITIATE) into a [`PeerInfo`]: it must
    /// parse and carry a `Socket-Type` compatible with ours (libzmq's `parse_metadata`).
    pub fn accept(&self, props: &Bytes) -> Result<PeerInfo, EngineError> {
        let properties = metadata::parse(props)
            .map_err(|e| EngineError::InvalidMetadata { reason: e.reason() })?;
        let mut socket_type = None;
        let mut routing_id = None;
        for (name, value) in &properties {
            if name == metadata::SOCKET_TYPE {
                // Like libzmq, every Socket-Type occurrence must pass; the first one counts.
                let peer_type = SocketType::from_name(value)
                    .filter(|t| self.socket_type.is_compatible_with(*t))
                    .ok_or_else(|| EngineError::IncompatibleSocketType {
                        peer: crate::error::lossy_prefix(value),
                    })?;
                socket_type.get_or_insert(peer_type);
            } else if name == metadata::IDENTITY && routing_id.is_none() {
                routing_id = Some(value.clone());
            }
        }
        let socket_type = socket_type.ok_or(EngineError::InvalidMetadata {
            reason: "no Socket-Type property",
        })?;
        Ok(PeerInfo {
            socket_type,
            routing_id,
            properties,
            minor_version: self.peer_minor,
            legacy: None,
        })
    }
}

/// What a handshake step asks of the engine.
pub(crate) enum Step {
    /// Nothing to report; wait for the peer's next command.
    Wait,
    /// Ask the caller's ZAP handler, and wait for [`Handshake::zap_ok`] or a refusal.
    Zap(ZapRequest),
    /// The handshake is complete: traffic flows (boxed if a cipher is given).
    Done(Box<PeerInfo>, Option<CurveCipher>),
}

/// One connection's mechanism state.
pub(crate) enum Handshake {
    /// NULL.
    Null(null::Null),
    /// PLAIN client.
    PlainClient(plain::Client),
    /// PLAIN server.
    PlainServer(plain::Server),
    /// CURVE client.
    CurveClient(Box<curve::Client>),
    /// CURVE server.
    CurveServer(Box<curve::Server>),
}

impl std::fmt::Debug for Handshake {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Handshake")
    }
}

impl Handshake {
    /// The state for `mechanism`; `null_zap` makes NULL consult ZAP.
    /// CURVE draws its keys and nonces from `random`.
    pub fn new(mechanism: &Mechanism, null_zap: bool, random: Randomness) -> Handshake {
        match mechanism {
            Mechanism::Null => Handshake::Null(null::Null::new(null_zap)),
            Mechanism::PlainClient { username, password } => {
                Handshake::PlainClient(plain::Client::new(username, password))
            }
            Mechanism::PlainServer => Handshake::PlainServer(plain::Server::new()),
            Mechanism::CurveClient {
                public_key,
                secret_key,
                server_key,
            } => Handshake::CurveClient(Box::new(curve::Client::new(
                *public_key,
                *secret_key,
                *server_key,
                random,
            ))),
            Mechanism::CurveServer { secret_key } => {
                Handshake::CurveServer(Box::new(curve::Server::new(*secret_key, random)))
            }
        }
    }

    /// Right after the greeting: the first command (NULL READY, PLAIN/CURVE HELLO), or a ZAP
    /// request for NULL with ZAP.
    pub fn start(&mut self, ctx: &Context<'_>, out: &mut Vec<u8>) -> Step {
        match self {
            Handshake::Null(m) => m.start(ctx, out),
            Handshake::PlainClient(m) => m.start(out),
            Handshake::CurveClient(m) => m.start(out),
            Handshake::PlainServer(_) | Handshake::CurveServer(_) => Step::Wait,
        }
    }

    /// One command frame from the peer during the handshake.
    pub fn process(
        &mut self,
        body: BytesMut,
        ctx: &Context<'_>,
        out: &mut Vec<u8>,
    ) -> Result<Step, EngineError> {
        match self {
            Handshake::Null(m) => m.process(body.freeze(), ctx),
            Handshake::PlainClient(m) => m.process(body.freeze(), ctx, out),
            Handshake::PlainServer(m) => m.process(body.freeze(), ctx, out),
            Handshake::CurveClient(m) => m.process(body, ctx, out),
            Handshake::CurveServer(m) => m.process(body, ctx, out),
        }
    }

    /// The ZAP handler said 200: go on (NULL: READY; PLAIN: WELCOME; CURVE: READY).
    pub fn zap_ok(&mut self, ctx: &Context<'_>, out: &mut Vec<u8>) -> Step {
        match self {
            Handshake::Null(m) => m.zap_ok(ctx, out),
            Handshake::PlainServer(m) => m.zap_ok(out),
            Handshake::CurveServer(m) => m.zap_ok(ctx, out),
            Handshake::PlainClient(_) | Handshake::CurveClient(_) => Step::Wait,
        }
    }
}

/// Our property list: `Socket-Type`, `Identity` for types that send one, then the
/// application's properties, in libzmq's order (`mechanism_t::add_basic_properties`).
pub(crate) fn our_metadata(
    socket_type: SocketType,
    routing_id: &[u8],
    extra: &[(String, Vec<u8>)],
) -> Vec<u8> {
    let mut props = Vec::new();
    metadata::encode_property(
        metadata::SOCKET_TYPE,
        socket_type.name().as_bytes(),
        &mut props,
    );
    if socket_type.sends_identity() {
        metadata::encode_property(metadata::IDENTITY, routing_id, &mut props);
    }
    for (name, value) in extra {
        metadata::encode_property(name, value, &mut props);
    }
    props
}

/// The name of a command body (empty when it has none), for state checks.
pub(crate) fn command_name(body: &[u8]) -> &[u8] {
    let len = body.first().map_or(0, |&n| usize::from(n));
    body.get(1..1 + len).unwrap_or_default()
}

/// A command the state does not allow: an ERROR is the peer's refusal (or malformed), anything
/// else is unexpected.
pub(crate) fn refuse(body: Bytes, allow_error: bool) -> EngineError {
    let name = command_name(&body).to_vec();
    if allow_error && name == command::ERROR {
        return match command::parse(body) {
            Ok(Command::Error(reason)) => crate::error::peer_error(&reason),
            Ok(other) => EngineError::UnexpectedCommand { name: other.name() },
            Err(e) => e,
        };
    }
    EngineError::UnexpectedCommand {
        name: String::from_utf8_lossy(&name).into_owned(),
    }
}

/// A command that does not parse, reported under its name (which picks libzmq's code).
pub(crate) fn malformed(command: &'static str, reason: &'static str) -> EngineError {
    EngineError::MalformedCommand {
        command: command.to_string(),
        reason,
    }
}
