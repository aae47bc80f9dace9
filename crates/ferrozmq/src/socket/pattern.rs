//! `Pattern`: what makes one socket type differ from another — where a message goes, where
//! the next one comes from, and which sequences are legal. The socket handles blocking,
//! timeouts, multipart assembly and pipe bookkeeping around it.

use super::pipes::Pipes;
use crate::error::Result;
use crate::pipe::Parcel;

/// The routing and state rules of one socket type.
pub(crate) trait Pattern: Send {
    /// A new peer pipe. Returns false to refuse it (the pipe is then closed).
    fn attach(&mut self, id: u64) -> bool;
    /// A peer pipe is gone.
    fn detach(&mut self, id: u64);
    /// A peer pipe may have become readable or writable.
    fn activate(&mut self, id: u64);
    /// Called at the first frame of an outgoing message: Ok if a whole message can be accepted
    /// now, EAGAIN if not yet (the socket may block and retry), or a final error (EFSM, ENOTSUP).
    fn begin_send(&mut self, pipes: &mut Pipes) -> Result<()>;
    /// Delivers the whole message whose first frame `begin_send` accepted.
    fn finish_send(&mut self, parcel: Parcel, pipes: &mut Pipes);
    /// The next whole incoming message, EAGAIN if there is none yet, or a final error.
    fn recv(&mut self, pipes: &mut Pipes) -> Result<Parcel>;
}
