//! Writing a parcel from the pipe into a connection's output through its engine: small
//! frames are copied into the batch, large bodies queued by reference where the engine's
//! codec writes headers apart from bodies (not under CURVE, whose boxes seal both).

use super::outbuf::{OutBuffer, ZERO_COPY_MIN};
use crate::message::Message;
use crate::pipe::Parcel;
use ferrozmq_zmtp::{Engine, Outgoing};

/// Appends one whole message to `output` (subscriptions go through the session's hook,
/// which knows whether they are topics or groups, and are skipped here).
#[inline]
pub(crate) fn encode_parcel(engine: &mut Engine, parcel: Parcel, output: &mut OutBuffer) {
    match parcel {
        Parcel::One(frame) => encode_data_frame(engine, frame, false, output),
        Parcel::Multi(frames) => {
            let last = frames.len().saturating_sub(1);
            for (i, frame) in frames.into_iter().enumerate() {
                encode_data_frame(engine, frame, i < last, output);
            }
        }
        Parcel::Subscribe(_) | Parcel::Cancel(_) => {}
    }
}

/// One data frame: copied into the batch, or (large and in clear) its header copied and its
/// body queued by reference.
#[inline(always)]
fn encode_data_frame(engine: &mut Engine, frame: Message, more: bool, output: &mut OutBuffer) {
    if frame.len() >= ZERO_COPY_MIN && !engine.encrypts() {
        let len = frame.len();
        engine.encode(Outgoing::FrameHeader { more, len }, output.tail());
        output.push_shared(frame.into_bytes());
    } else {
        let body = &frame[..];
        engine.encode(Outgoing::Frame { more, body }, output.tail());
    }
}
