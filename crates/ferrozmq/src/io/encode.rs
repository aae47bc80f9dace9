//! Writing a parcel from the pipe into a connection's output through its engine: small
//! frames are copied into the batch, large bodies queued by reference where the engine's
//! codec writes headers apart from bodies (not under CURVE, whose boxes seal both).

use super::outbuf::{OutBuffer, ZERO_COPY_MIN};
use crate::message::Message;
use crate::pipe::Parcel;
use ferrozmq_zmtp::{Engine, Outgoing};

/// Appends one whole message, or a subscription, to `output`.
pub(crate) fn encode_parcel(engine: &mut Engine, parcel: Parcel, output: &mut OutBuffer) {
    let mut put = |frame: Message, more: bool| {
        if frame.len() >= ZERO_COPY_MIN && !engine.encrypts() {
            let len = frame.len();
            engine.encode(Outgoing::FrameHeader { more, len }, output.tail());
            output.push_shared(frame.into_bytes());
        } else {
            let body = &frame[..];
            engine.encode(Outgoing::Frame { more, body }, output.tail());
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
        Parcel::Subscribe(topic) => engine.encode(Outgoing::Subscribe(&topic), output.tail()),
        Parcel::Cancel(topic) => engine.encode(Outgoing::Cancel(&topic), output.tail()),
    }
}
