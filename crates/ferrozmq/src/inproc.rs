//! `inproc://`: sockets of one context joined by a pipe directly — no I/O thread, no encoding,
//! no copies. Each context has its own registry, so another context cannot see its endpoints.
//!
//! As in libzmq, a connect may come before the bind: the connecting socket gets its pipe at
//! once (and can queue into it); the other end waits here until a socket binds the name. The
//! high-water mark of each direction is the sender's SNDHWM plus the receiver's RCVHWM
//! (unlimited if either is 0).

use crate::error::{Error, Result};
use crate::mailbox::SocketShared;
use crate::message::Message;
use crate::metadata::PeerMetadata;
use crate::pipe::{self, Notify, Parcel, PipeEnd};
use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

/// One side of an inproc connection, as the other side needs to know it.
#[derive(Clone)]
pub(crate) struct InprocPeer {
    /// The socket's mailbox, for notifications and attachments.
    pub shared: Arc<SocketShared>,
    /// What the other side sees from `Message::gets` (socket type, routing id).
    pub metadata: Arc<PeerMetadata>,
    pub sndhwm: u64,
    pub rcvhwm: u64,
    /// HELLO_MSG: written to every new pipe for the other side, if its type sends one.
    pub hello: Option<Message>,
    /// DISCONNECT_MSG: what a binder hears when a connecter's end closes.
    pub disconnect: Option<Message>,
}

struct Bound {
    binder: InprocPeer,
    listener: u64,
}

/// A connection made before its bind: the binder's end of the pipe, and the notifier that
/// will reach the binder once there is one.
struct Pending {
    end: PipeEnd,
    notify: Arc<DeferredNotify>,
}

/// Forwards pipe notifications to a binder that may not exist yet.
#[derive(Default)]
struct DeferredNotify(OnceLock<Arc<dyn Notify>>);

impl Notify for DeferredNotify {
    fn notify(&self, pipe_id: u64) {
        if let Some(target) = self.0.get() {
            target.notify(pipe_id);
        }
    }
}

/// The inproc endpoints of one context.
#[derive(Default)]
pub(crate) struct Registry {
    bound: HashMap<String, Bound>,
    pending: HashMap<String, Vec<Pending>>,
}

impl Registry {
    /// Binds `name` for `binder`; EADDRINUSE if taken. Returns the binder's ends of the
    /// connections that were waiting for this bind, ready to attach.
    pub(crate) fn bind(
        &mut self,
        name: &str,
        binder: InprocPeer,
        listener: u64,
    ) -> Result<Vec<PipeEnd>> {
        if self.bound.contains_key(name) {
            return Err(Error::EADDRINUSE);
        }
        let waiting = self.pending.remove(name).unwrap_or_default();
        let mut ends = Vec::with_capacity(waiting.len());
        for mut pending in waiting {
            greet(&mut pending.end, &binder, true);
            let target: Arc<dyn Notify> = binder.shared.clone();
            let _ = pending.notify.0.set(target);
            pending.end.set_hwms(binder.sndhwm, binder.rcvhwm);
            pending.end.set_peer(binder.metadata.clone());
            pending.end.notify_other();
            ends.push(pending.end);
        }
        self.bound
            .insert(name.to_string(), Bound { binder, listener });
        Ok(ends)
    }

    /// Forgets the binding of `name` by `listener` (connections made stay until closed).
    pub(crate) fn unbind(&mut self, name: &str, listener: u64) {
        if self.bound.get(name).is_some_and(|b| b.listener == listener) {
            self.bound.remove(name);
        }
    }

    /// Connects a pipe `id` to the socket bound at `name`, if one is: for an I/O thread's
    /// session reaching the ZAP handler. Unlimited HWMs both ways (libzmq's ZAP pipe); the
    /// handler sees `metadata` as its peer's; `notify` hears of the handler's replies.
    pub(crate) fn connect_bound(
        &mut self,
        name: &str,
        notify: Arc<dyn Notify>,
        metadata: Arc<PeerMetadata>,
        id: u64,
    ) -> Option<PipeEnd> {
        let bound = self.bound.get(name)?;
        let binder = &bound.binder;
        let notify_binder: Arc<dyn Notify> = binder.shared.clone();
        let (mine, theirs) = pipe::pipe(id, 0, 0, notify, notify_binder);
        mine.set_peer(metadata);
        theirs.set_peer(binder.metadata.clone());
        binder.shared.attach(theirs, bound.listener);
        Some(mine)
    }

    /// Connects `connecter` to `name` with a new pipe `id`, returning the connecter's end.
    /// If `name` is bound, the binder's end goes to the binder's mailbox; if not, it waits
    /// for the bind.
    pub(crate) fn connect(&mut self, name: &str, connecter: InprocPeer, id: u64) -> PipeEnd {
        let notify_connecter: Arc<dyn Notify> = connecter.shared.clone();
        match self.bound.get(name) {
            Some(bound) => {
                let binder = &bound.binder;
                let notify_binder: Arc<dyn Notify> = binder.shared.clone();
                let (mut mine, mut theirs) = pipe::pipe(
                    id,
                    connecter.sndhwm,
                    connecter.rcvhwm,
                    notify_connecter,
                    notify_binder,
                );
                theirs.set_hwms(binder.sndhwm, binder.rcvhwm);
                greet(&mut mine, &connecter, false);
                greet(&mut theirs, binder, true);
                mine.set_peer(connecter.metadata.clone());
                theirs.set_peer(binder.metadata.clone());
                binder.shared.attach(theirs, bound.listener);
                mine
            }
            None => {
                let notify = Arc::new(DeferredNotify::default());
                let notify_binder: Arc<dyn Notify> = notify.clone();
                let (mut mine, theirs) = pipe::pipe(
                    id,
                    connecter.sndhwm,
                    connecter.rcvhwm,
                    notify_connecter,
                    notify_binder,
                );
                greet(&mut mine, &connecter, false);
                mine.set_peer(connecter.metadata.clone());
                self.pending
                    .entry(name.to_string())
                    .or_default()
                    .push(Pending {
                        end: theirs,
                        notify,
                    });
                mine
            }
        }
    }
}

/// What `peer`'s end of a new pipe says first (HELLO_MSG), and, for the binder, what it
/// hears when the connecter's end closes (DISCONNECT_MSG, libzmq's inproc rule).
fn greet(end: &mut PipeEnd, peer: &InprocPeer, binder: bool) {
    if let Some(hello) = &peer.hello {
        end.write(Parcel::One(hello.clone()));
    }
    if let Some(disconnect) = peer.disconnect.as_ref().filter(|_| binder) {
        end.set_farewell(Parcel::One(disconnect.clone()));
    }
}
