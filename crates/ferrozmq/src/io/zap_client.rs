//! A session's ZAP client: asks the context's ZAP handler (`inproc://zeromq.zap.01`) whether a
//! peer may connect, over a pipe of its own, and collects the handler's reply.
//!
//! As in libzmq, the request goes out only if a handler is bound when the engine asks; what
//! happens without one is the mechanism's policy, decided by the session.

use super::{IoShared, SocketLink};
use crate::message::Message;
use crate::metadata::PeerMetadata;
use crate::pipe::{Notify, Parcel, PipeEnd};
use crate::signal::lock;
use bytes::Bytes;
use ferrozmq_zmtp::zap::{self, ZapReply};
use ferrozmq_zmtp::SocketType;
use std::sync::atomic::Ordering;
use std::sync::Arc;

/// Routes the ZAP pipe's wake-ups to the session that owns it: the pipe has an id of its
/// own (a reconnecting session's old ZAP pipe may still be known to the handler).
struct WakeSession {
    io: Arc<IoShared>,
    session_id: u64,
}

impl Notify for WakeSession {
    fn notify(&self, _pipe_id: u64) {
        self.io.notify(self.session_id);
    }
}

/// A request in flight to the ZAP handler.
pub(crate) struct ZapClient {
    pipe: PipeEnd,
}

/// How a ZAP exchange ended without a usable reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ZapFailure {
    /// The reply broke RFC 27; the value is libzmq's `ZMQ_PROTOCOL_ERROR_ZAP_*`.
    Protocol(u32),
}

impl ZapClient {
    /// Sends the request for one connection if a handler is bound (None otherwise). The
    /// handler's reply wakes session `session_id` in I/O thread `io`.
    pub(crate) fn start(
        socket: &SocketLink,
        session_id: u64,
        io: &Arc<IoShared>,
        peer_address: &str,
        mechanism: &str,
        credentials: &[Bytes],
    ) -> Option<ZapClient> {
        let me = Arc::new(PeerMetadata::local(SocketType::REQ, &[]));
        let endpoint = zap::ENDPOINT.trim_start_matches("inproc://");
        let notify: Arc<dyn Notify> = Arc::new(WakeSession {
            io: io.clone(),
            session_id,
        });
        let pipe_id = io.ids.fetch_add(1, Ordering::Relaxed);
        let mut pipe = lock(&socket.inproc).connect_bound(endpoint, notify, me, pipe_id)?;
        let security = &socket.options.security;
        let frames = zap::request(
            &security.zap_domain,
            peer_address.as_bytes(),
            &socket.options.routing_id,
            mechanism,
            credentials,
        );
        let frames = frames.into_iter().map(Message::from_bytes).collect();
        pipe.write(Parcel::Multi(frames));
        Some(ZapClient { pipe })
    }

    /// The handler's verdict once it has arrived (None while waiting). A handler that went
    /// away without answering leaves the request waiting, as in libzmq: the handshake ends
    /// when the peer gives up or HANDSHAKE_IVL passes.
    pub(crate) fn poll_reply(&mut self) -> Option<Result<ZapReply, ZapFailure>> {
        match self.pipe.read() {
            Some(parcel) => {
                let frames: Vec<Bytes> = match parcel {
                    Parcel::One(frame) => vec![frame.into_bytes()],
                    Parcel::Multi(frames) => frames.into_iter().map(Message::into_bytes).collect(),
                    Parcel::Subscribe(_) | Parcel::Cancel(_) => Vec::new(),
                };
                Some(zap::parse_reply(&frames).map_err(ZapFailure::Protocol))
            }
            None => None,
        }
    }
}
