//! The engine a new connection gets, from the socket's options snapshotted at bind/connect:
//! a raw engine for STREAM sockets (and ROUTER_RAW), else ZMTP with the mechanism, limits and heartbeat timing
//! the options pick.

use super::SocketLink;
use crate::options::{Mechanism, Options, Security};
use ferrozmq_zmtp::mechanism::Mechanism as EngineMechanism;
use ferrozmq_zmtp::{Engine, EngineConfig, HeartbeatConfig, SocketType};
use std::time::Duration;

/// The engine for a new connection of `socket`; its first output (the greeting) is waiting
/// in it.
pub(crate) fn engine_for(socket: &SocketLink) -> Engine {
    if socket.socket_type == SocketType::STREAM || socket.options.router_raw {
        return Engine::raw(socket.socket_type);
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
    config.max_multipart_size = u64::try_from(socket.options.maxmultipartsize).ok();
    config.allow_legacy = !secured;
    config.mechanism = mechanism;
    config.null_zap = null_zap;
    config.metadata = socket
        .options
        .metadata
        .iter()
        .map(|(name, value)| (name.clone(), value.clone()))
        .collect();
    config.heartbeat = heartbeat_config(&socket.options);
    Engine::new(config)
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
