//! `Protocol`: how a connection's bytes map to messages — ZMTP through the sans-IO engine, or
//! raw bytes for STREAM sockets (no greeting, no framing: each read is one message and each
//! message is written as it is).

use super::outbuf::{OutBuffer, ZERO_COPY_MIN};
use super::SocketLink;
use crate::message::Message;
use crate::options::{Mechanism, Options, Security};
use crate::pipe::Parcel;
use bytes::BytesMut;
use ferrozmq_zmtp::mechanism::Mechanism as EngineMechanism;
use ferrozmq_zmtp::{Engine, EngineConfig, EngineError, Event, HeartbeatConfig, SocketType};
use std::time::{Duration, Instant};

/// The wire protocol of one connection.
pub(crate) enum Protocol {
    /// ZMTP 3.x.
    Zmtp(Box<Engine>),
    /// Raw bytes (STREAM).
    Raw,
}

impl Protocol {
    /// The protocol for a new connection of `socket`; its first output (the greeting) is
    /// appended to `output`.
    pub(crate) fn new(socket: &SocketLink, output: &mut OutBuffer) -> Protocol {
        if socket.socket_type == SocketType::STREAM {
            return Protocol::Raw;
        }
        let security = &socket.options.security;
        let mechanism = engine_mechanism(security);
        // libzmq's "ZAP enabled": any real mechanism, or NULL with a ZAP domain. Old peers,
        // which cannot be authenticated, are refused then.
        let null_zap = !security.zap_domain.is_empty();
        let secured = !matches!(mechanism, EngineMechanism::Null) || null_zap;
        let mut config = EngineConfig::new(socket.socket_type);
        config.routing_id = socket.options.routing_id.clone();
        config.max_msg_size = Some(socket.options.max_msg_size());
        config.allow_legacy = !secured;
        config.mechanism = mechanism;
        config.null_zap = null_zap;
        config.heartbeat = heartbeat_config(&socket.options);
        let mut engine = Engine::new(config);
        engine.take_output(output.tail());
        Protocol::Zmtp(Box::new(engine))
    }

    /// True once messages may flow (at once for raw connections).
    pub(crate) fn is_ready(&self) -> bool {
        match self {
            Protocol::Zmtp(engine) => engine.is_ready(),
            Protocol::Raw => true,
        }
    }

    /// The peer's bytes just decoded arrived at `now` (see `Engine::note_traffic`).
    pub(crate) fn note_traffic(&mut self, now: Instant) {
        if let Protocol::Zmtp(engine) = self {
            engine.note_traffic(now);
        }
    }

    /// When the engine's heartbeat timing next needs the time (`Engine::poll_timeout`).
    pub(crate) fn poll_timeout(&self) -> Option<Instant> {
        match self {
            Protocol::Zmtp(engine) => engine.poll_timeout(),
            Protocol::Raw => None,
        }
    }

    /// Lets the engine act on the time (`Engine::handle_timeout`); a PING goes to `output`.
    pub(crate) fn handle_timeout(
        &mut self,
        now: Instant,
        output: &mut OutBuffer,
    ) -> Result<(), EngineError> {
        match self {
            Protocol::Zmtp(engine) => {
                let result = engine.handle_timeout(now);
                engine.take_output(output.tail());
                result
            }
            Protocol::Raw => Ok(()),
        }
    }

    /// Answers the engine's ZAP request with the handler's status code (see
    /// `Engine::zap_reply`); an ERROR for the peer, if any, goes to `output`.
    pub(crate) fn zap_reply(
        &mut self,
        status: u16,
        output: &mut OutBuffer,
    ) -> Result<(), EngineError> {
        match self {
            Protocol::Zmtp(engine) => {
                let result = engine.zap_reply(status);
                engine.take_output(output.tail());
                result
            }
            Protocol::Raw => Ok(()),
        }
    }

    /// Turns buffered input into events (see `Engine::handle_input`); protocol replies go to
    /// `output`. A raw connection hands over everything read as one frame.
    pub(crate) fn decode(
        &mut self,
        input: &mut BytesMut,
        output: &mut OutBuffer,
        emit: &mut dyn FnMut(Event) -> bool,
    ) -> Result<(), EngineError> {
        match self {
            Protocol::Zmtp(engine) => {
                let result = engine.handle_input(input, emit);
                if engine.has_output() {
                    engine.take_output(output.tail());
                }
                result
            }
            Protocol::Raw => {
                if !input.is_empty() {
                    emit(Event::Frame {
                        more: false,
                        body: input.split().freeze(),
                    });
                }
                Ok(())
            }
        }
    }

    /// Appends one whole message to the output: small frames copied into the batch, large
    /// bodies queued by reference. Raw connections write the frames' bytes as they are.
    pub(crate) fn encode(&mut self, parcel: Parcel, output: &mut OutBuffer) {
        let mut put = |frame: Message, more: bool| match self {
            Protocol::Zmtp(engine) => {
                // Encrypted frames are boxed whole; only clear ones can go by reference.
                if frame.len() >= ZERO_COPY_MIN && !engine.encrypts() {
                    engine.encode_frame_header(more, frame.len(), output.tail());
                    output.push_shared(frame.into_bytes());
                } else {
                    engine.encode_frame(more, &frame, output.tail());
                }
            }
            Protocol::Raw => {
                if frame.len() >= ZERO_COPY_MIN {
                    output.push_shared(frame.into_bytes());
                } else {
                    output.tail().extend_from_slice(&frame);
                }
            }
        };
        match parcel {
            Parcel::One(frame) => put(frame, false),
            Parcel::Multi(frames) => {
                let last = frames.len().saturating_sub(1);
                for (i, frame) in frames.into_iter().enumerate() {
                    put(frame, i < last);
                }
            }
            Parcel::Subscribe(topic) => self.encode_subscription(true, &topic, output),
            Parcel::Cancel(topic) => self.encode_subscription(false, &topic, output),
        }
    }

    /// Writes a subscription in the form the peer speaks: a SUBSCRIBE/CANCEL command to a
    /// ZMTP 3.1 peer, a `0x01`/`0x00`-prefixed message to a 3.0 one. Raw peers get nothing.
    pub(crate) fn encode_subscription(
        &mut self,
        subscribe: bool,
        topic: &[u8],
        output: &mut OutBuffer,
    ) {
        if let Protocol::Zmtp(engine) = self {
            if subscribe {
                engine.encode_subscribe(topic, output.tail());
            } else {
                engine.encode_cancel(topic, output.tail());
            }
        }
    }
}

/// The engine's mechanism (role and credentials) for a socket's security options.
fn engine_mechanism(security: &Security) -> EngineMechanism {
    match (security.mechanism, security.as_server) {
        (Mechanism::ZMQ_NULL, _) => EngineMechanism::Null,
        (Mechanism::ZMQ_PLAIN, true) => EngineMechanism::PlainServer,
        (Mechanism::ZMQ_PLAIN, false) => EngineMechanism::PlainClient {
            username: security.plain_username.clone(),
            password: security.plain_password.clone(),
        },
        (Mechanism::ZMQ_CURVE, true) => EngineMechanism::CurveServer {
            secret_key: security.curve_secret_key,
        },
        (Mechanism::ZMQ_CURVE, false) => EngineMechanism::CurveClient {
            public_key: security.curve_public_key,
            secret_key: security.curve_secret_key,
            server_key: security.curve_server_key,
        },
    }
}

/// The engine's heartbeat settings for a socket's HEARTBEAT_IVL, _TIMEOUT (-1: the interval)
/// and _TTL options, all in milliseconds.
fn heartbeat_config(options: &Options) -> HeartbeatConfig {
    let ms = |v: i32| Duration::from_millis(u64::try_from(v).unwrap_or(0));
    HeartbeatConfig {
        interval: (options.heartbeat_ivl > 0).then(|| ms(options.heartbeat_ivl)),
        timeout: (options.heartbeat_timeout >= 0).then(|| ms(options.heartbeat_timeout)),
        ttl: ms(options.heartbeat_ttl),
    }
}
