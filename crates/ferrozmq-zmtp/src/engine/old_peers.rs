//! The engine's side of ZMTP/1.0 and 2.0 peers (libzmq's `handshake_v1_0_unversioned`,
//! `handshake_v1_0`, `handshake_v2_0` and `process_routing_id_msg`): what is sent once an old
//! peer is detected, its identity message, and its frames. The codecs are in
//! [`legacy`](crate::legacy).

use bytes::Bytes;

use super::{Engine, Event, PeerInfo, Phase, MAX_ADDRESSABLE, MAX_HANDSHAKE_COMMAND};
use crate::codec::PlainCodec;
use crate::error::{EngineError, LegacyVersion};
use crate::frame::{FrameHeader, Framing};
use crate::legacy;
use crate::SocketType;

impl<F: Framing> Engine<F> {
    /// Common to every old peer (libzmq's `handshake_v1_0*`/`handshake_v2_0`): refused unless
    /// allowed; else its framing is fixed, and for 1.0 the stand-in peer type.
    pub(super) fn start_legacy(&mut self, version: LegacyVersion) -> Result<(), EngineError> {
        if !self.config.allow_legacy || self.config.security_on() {
            return Err(EngineError::UnsupportedVersion(version));
        }
        if version == LegacyVersion::Zmtp10 {
            let stand_in = legacy::v1_stand_in_type(self.config.socket_type).ok_or_else(|| {
                EngineError::IncompatibleSocketType {
                    peer: version.to_string(),
                }
            })?;
            self.legacy_peer_type = Some(stand_in);
        }
        self.legacy = Some(version);
        self.codec = Box::new(PlainCodec::new(Some(version)));
        self.plain_traffic = false;
        self.plain_traffic = false;
        Ok(())
    }

    /// A ZMTP/1.0 peer without greeting (libzmq's `handshake_v1_0_unversioned`): our 10 bytes
    /// were the long-form header of our identity frame, so its body follows; the peer's bytes
    /// received so far are the start of its identity frame's header.
    pub(super) fn start_unversioned(&mut self) -> Result<(), EngineError> {
        self.start_legacy(LegacyVersion::Zmtp10)?;
        self.out.extend_from_slice(&self.config.routing_id);
        self.identity_prefix = self.peer_greeting_len;
        // libzmq PUB/XPUB inject a subscribe-all: such peers never send subscriptions.
        self.pending_subscribe_after_ready =
            matches!(self.config.socket_type, SocketType::PUB | SocketType::XPUB);
        self.phase = Phase::LegacyIdentity;
        Ok(())
    }

    /// A peer announcing revision 0 (1.0) or 1 (2.0): like libzmq, our socket-type byte instead
    /// of the rest of the 3.x greeting, then wait for the peer's socket-type byte.
    pub(super) fn start_revision(&mut self, version: LegacyVersion) -> Result<(), EngineError> {
        self.start_legacy(version)?;
        let type_byte = legacy::socket_type_byte(self.config.socket_type);
        self.out.push(type_byte);
        self.phase = Phase::LegacyType;
        Ok(())
    }

    /// The peer's socket-type byte arrived: checked for a 2.0 peer (ignored for 1.0, as libzmq
    /// ignores it), then our identity message in the peer's framing.
    pub(super) fn finish_revision_greeting(&mut self, type_byte: u8) -> Result<(), EngineError> {
        let Some(version) = self.legacy else {
            return Err(EngineError::NotZmtp);
        };
        if version == LegacyVersion::Zmtp20 {
            let announced = legacy::v2_socket_type(type_byte);
            let name = || announced.map_or_else(|| type_byte.to_string(), |t| t.name().into());
            let peer_type = announced
                .filter(|t| self.config.socket_type.is_compatible_with(*t))
                .ok_or_else(|| EngineError::IncompatibleSocketType { peer: name() })?;
            self.legacy_peer_type = Some(peer_type);
        }
        legacy::encode_identity(version, &self.config.routing_id, &mut self.out);
        self.phase = Phase::LegacyIdentity;
        Ok(())
    }

    /// Reads a ZMTP/1.0 header; an unversioned peer's first header bytes were taken as
    /// greeting bytes and still sit in `peer_greeting`.
    pub(super) fn v1_header(&self, input: &[u8]) -> Result<Option<FrameHeader>, EngineError> {
        let prefix = self
            .peer_greeting
            .get(..self.identity_prefix)
            .unwrap_or_default();
        let mut buf = [0u8; legacy::V1_LONG_HEADER_LEN];
        let mut len = 0;
        for (dst, src) in buf.iter_mut().zip(prefix.iter().chain(input)) {
            *dst = *src;
            len += 1;
        }
        legacy::decode_v1_header(buf.get(..len).unwrap_or_default())
            .map_err(|e| EngineError::MalformedFrame { reason: e.reason() })
    }

    /// What an old peer's frame may cost: `max_msg_size` applies to every frame (libzmq's 1.0
    /// and 2.0 decoders check all of them), [`MAX_HANDSHAKE_COMMAND`] to the identity message.
    pub(super) fn check_legacy_header(&self, header: &FrameHeader) -> Result<(), EngineError> {
        let too_large = |limit| {
            Err(EngineError::MessageTooLarge {
                size: header.size,
                limit,
            })
        };
        if let Some(limit) = self.config.max_msg_size {
            if header.size > limit {
                return too_large(limit);
            }
        }
        if self.phase == Phase::LegacyIdentity && header.size > MAX_HANDSHAKE_COMMAND {
            return too_large(MAX_HANDSHAKE_COMMAND);
        }
        if header.size > MAX_ADDRESSABLE {
            return too_large(MAX_ADDRESSABLE);
        }
        Ok(())
    }

    /// One frame from a ZMTP/1.0 or 2.0 peer: the first is its identity (libzmq's
    /// `process_routing_id_msg`, which reads neither its flags nor its size beyond the
    /// decoder's limits), then data. Returns the event it makes, if any.
    pub(super) fn process_legacy_frame(
        &mut self,
        header: FrameHeader,
        body: Bytes,
    ) -> Result<Option<Event>, EngineError> {
        if self.phase == Phase::LegacyIdentity {
            let Some(socket_type) = self.legacy_peer_type else {
                return Err(EngineError::NotZmtp);
            };
            let info = PeerInfo {
                socket_type,
                routing_id: Some(body),
                properties: Vec::new(),
                minor_version: 0,
                legacy: self.legacy,
            };
            self.peer = Some(info.clone());
            self.phase = Phase::Ready;
            self.pending_subscribe = self.pending_subscribe_after_ready;
            return Ok(Some(Event::Ready(info)));
        }
        if header.is_command() {
            // A 2.0 frame with the reserved COMMAND bit: libzmq's session drops it unread.
            return Ok(None);
        }
        self.count_multipart(header.more(), body.len())?;
        Ok(Some(Event::Frame {
            more: header.more(),
            body,
        }))
    }
}
