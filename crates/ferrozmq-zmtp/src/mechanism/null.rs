//! NULL (RFC 23/37, libzmq's `null_mechanism.cpp`): both sides send READY with their
//! properties right after the greeting; with ZAP on, the server asks ZAP first and sends READY
//! only on status 200.

use bytes::Bytes;

use super::{refuse, Context, Step, ZapRequest};
use crate::command::{self, Command};
use crate::error::EngineError;

/// NULL handshake state.
pub(crate) struct Null {
    /// Whether ZAP is consulted before our READY.
    zap: bool,
}

impl Null {
    /// A NULL handshake; `zap` makes it ask ZAP first.
    pub fn new(zap: bool) -> Null {
        Null { zap }
    }

    /// After the greeting: READY at once, or a ZAP request first.
    pub fn start(&mut self, ctx: &Context<'_>, out: &mut Vec<u8>) -> Step {
        if self.zap {
            return Step::Zap(ZapRequest {
                mechanism: "NULL",
                credentials: Vec::new(),
            });
        }
        command::encode(command::READY, ctx.our_metadata, out);
        Step::Wait
    }

    /// ZAP said 200: our READY.
    pub fn zap_ok(&mut self, ctx: &Context<'_>, out: &mut Vec<u8>) -> Step {
        command::encode(command::READY, ctx.our_metadata, out);
        Step::Wait
    }

    /// The peer's READY completes the handshake (ours was sent before any input is read).
    pub fn process(&mut self, body: Bytes, ctx: &Context<'_>) -> Result<Step, EngineError> {
        if super::command_name(&body) != command::READY {
            return Err(refuse(body, true));
        }
        match command::parse(body)? {
            Command::Ready(props) => Ok(Step::Done(Box::new(ctx.accept(&props)?), None)),
            other => Err(EngineError::UnexpectedCommand { name: other.name() }),
        }
    }
}
