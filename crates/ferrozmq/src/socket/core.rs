//! `Core`: the state of one socket and its data path — send, receive, waiting on the
//! signaler, and the commands (new pipes, pipe events) that pipes and I/O threads post to its
//! mailbox. Endpoints (`endpoints.rs`) and options (`options.rs`) work on the same state.

use super::endpoints::{Bound, Connected};
use super::pattern::{Cx, Pattern};
use super::pipes::Pipes;
use super::{DONTWAIT, SNDMORE};
use crate::context::Context;
use crate::error::{Error, Result};
use crate::mailbox::{SocketCommand, SocketShared};
use crate::message::Message;
use crate::metadata::PeerMetadata;
use crate::monitor::SocketEvent;
use crate::options::Options;
use crate::pipe::Parcel;
use ferrozmq_zmtp::SocketType;
use std::collections::{HashMap, VecDeque};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The state of one socket, behind the façade's `RefCell`.
pub(super) struct Core {
    pub(super) ctx: Context,
    pub(super) shared: Arc<SocketShared>,
    pub(super) socket_type: SocketType,
    pub(super) options: Options,
    pub(super) pattern: Box<dyn Pattern>,
    pub(super) pipes: Pipes,
    /// Which listener each accepted pipe came through (for `unbind`).
    pub(super) pipe_listener: HashMap<u64, u64>,
    pub(super) commands: Vec<SocketCommand>,
    /// Frames of an outgoing message waiting for its last frame.
    pub(super) outgoing: Vec<Message>,
    /// Frames of the current incoming message not yet handed out.
    pub(super) incoming: VecDeque<Message>,
    pub(super) rcvmore: bool,
    pub(super) bound: Vec<Bound>,
    pub(super) connected: Vec<Connected>,
    pub(super) last_endpoint: String,
}

impl Core {
    pub(super) fn check_term(&self) -> Result<()> {
        if self.ctx.inner().is_terminating() {
            Err(Error::ETERM)
        } else {
            Ok(())
        }
    }

    pub(super) fn cx<'a>(pipes: &'a mut Pipes, options: &'a Options) -> Cx<'a> {
        Cx {
            pipes,
            options,
            connect_routing_id: None,
        }
    }

    pub(super) fn remove_pipe(&mut self, id: u64) {
        self.pattern
            .detach(id, &mut Self::cx(&mut self.pipes, &self.options));
        self.pipes.remove(id);
        self.pipe_listener.remove(&id);
        // A connection's endpoint goes with its pipe (libzmq's term_endpoint): disconnecting
        // it afterwards is ENOENT.
        self.connected.retain(|c| c.pipe != id);
    }

    /// Gives every pipe the socket's SNDHWM and RCVHWM, and lets the pattern try each again:
    /// a full pipe it had passed over may have room under a raised mark (libzmq leaves it
    /// passed over until its reader frees room).
    pub(super) fn apply_hwms(&mut self) {
        let (snd, rcv) = (self.options.sndhwm as u64, self.options.rcvhwm as u64);
        for id in self.pipes.set_hwms(snd, rcv) {
            self.pattern
                .activate(id, &mut Self::cx(&mut self.pipes, &self.options));
        }
    }

    /// ZMQ_ROUTER_RAW: this ROUTER's later connections are raw, and its routing becomes
    /// STREAM's (as a ROUTER); the pipes it has go on under the new pattern.
    pub(super) fn make_raw_router(&mut self) {
        self.options.router_raw = true;
        let mut pattern: Box<dyn Pattern> = Box::new(super::stream::Stream::raw_router());
        let ids: Vec<u64> = self.pipes.iter().map(|p| p.id()).collect();
        for id in ids {
            pattern.attach(id, &mut Self::cx(&mut self.pipes, &self.options));
        }
        self.pattern = pattern;
    }

    /// Applies news from pipes and I/O threads.
    pub(super) fn process_commands(&mut self) {
        self.shared.take_commands(&mut self.commands);
        if self.commands.is_empty() {
            // The usual case, once per send and receive.
            self.reap_dead_pipes();
            return;
        }
        let mut commands = std::mem::take(&mut self.commands);
        for command in commands.drain(..) {
            match command {
                SocketCommand::Attach { pipe, listener } => {
                    if self.bound.iter().any(|b| b.listener == listener) {
                        self.attach_pipe(pipe, listener);
                    }
                }
                SocketCommand::PipeEvent(id) => {
                    let finished = match self.pipes.get(id) {
                        Some(p) => p.is_finished(),
                        None => continue,
                    };
                    if finished {
                        self.remove_pipe(id);
                    } else {
                        self.pattern
                            .activate(id, &mut Self::cx(&mut self.pipes, &self.options));
                    }
                }
            }
        }
        self.commands = commands;
        self.reap_dead_pipes();
    }

    /// Emits the monitor events and removes the pipes that an operation found dead.
    #[inline]
    pub(super) fn reap_dead_pipes(&mut self) {
        if self.pipes.has_news() {
            self.reap_news();
        }
    }

    #[cold]
    fn reap_news(&mut self) {
        for (event, value, endpoint) in self.pipes.take_events() {
            self.shared.event(event, value, &endpoint);
        }
        for id in self.pipes.take_dead() {
            self.remove_pipe(id);
        }
    }

    /// The draft thread-safe types send and receive single frames only: SNDMORE
    /// is EINVAL and multipart messages from peers are dropped, as libzmq's.
    #[inline]
    pub(super) fn single_frame(&self) -> bool {
        self.socket_type.is_thread_safe()
    }

    /// Whether a message may have `count` frames so far, with more to come if `more`: one
    /// for the thread-safe types, DGRAM's address and body (with MORE on the address only),
    /// any number otherwise. (A DGRAM message's first frame without MORE is the pattern's
    /// EINVAL.)
    fn takes_frames(&self, count: usize, more: bool) -> bool {
        if self.single_frame() {
            count == 1 && !more
        } else if self.socket_type == SocketType::DGRAM {
            count < 2 || (count == 2 && !more)
        } else {
            true
        }
    }

    pub(super) fn deadline(timeout_ms: i32, flags: i32) -> Option<Option<Instant>> {
        if flags & DONTWAIT != 0 || timeout_ms == 0 {
            None
        } else if timeout_ms < 0 {
            Some(None)
        } else {
            Some(Some(
                Instant::now() + Duration::from_millis(timeout_ms as u64),
            ))
        }
    }

    /// Sleeps until something may have changed. `deadline`: None = must not block.
    pub(super) fn wait(&mut self, deadline: Option<Option<Instant>>) -> Result<()> {
        let Some(deadline) = deadline else {
            return Err(Error::EAGAIN);
        };
        if !self.shared.signaler.wait(deadline)? {
            return Err(Error::EAGAIN);
        }
        self.check_term()
    }

    pub(super) fn send(&mut self, msg: Message, flags: i32) -> Result<()> {
        self.send_one(&mut Some(msg), flags)
    }

    /// Sends the frame in `slot` (SNDMORE in `flags`: more frames follow), taking it only on
    /// success: on error (EAGAIN included) it stays in `slot`, so an async caller can retry
    /// without keeping a copy.
    pub(super) fn send_one(&mut self, slot: &mut Option<Message>, flags: i32) -> Result<()> {
        let Some(msg) = slot.as_ref() else {
            return Ok(());
        };
        self.check_term()?;
        let more = flags & SNDMORE != 0;
        // A lone frame suits every type (DGRAM's pattern refuses it): the usual send skips
        // the count rules.
        let count = self.outgoing.len() + 1;
        if (more || count > 1) && !self.takes_frames(count, more) {
            return Err(Error::EINVAL);
        }
        if self.outgoing.is_empty() {
            self.wait_ready_to_send(msg, more, flags)?;
        }
        if let Some(msg) = slot.take() {
            self.queue_frame(msg, more);
        }
        Ok(())
    }

    /// Sends `frames` as one message (with `SNDMORE` in `flags`, more frames follow them):
    /// waits (as `flags` and SNDTIMEO allow) until the pattern can take its first frame, then
    /// queues them all. On error nothing is queued and `frames` is untouched, so a caller
    /// that retries later (the async API) loses nothing.
    pub(super) fn send_parts(&mut self, frames: &mut Vec<Message>, flags: i32) -> Result<()> {
        let Some(first) = frames.first() else {
            return Ok(());
        };
        self.check_term()?;
        let continues = flags & SNDMORE != 0;
        let count = self.outgoing.len() + frames.len();
        if (continues || count > 1) && !self.takes_frames(count, continues) {
            return Err(Error::EINVAL);
        }
        if self.outgoing.is_empty() {
            self.wait_ready_to_send(first, frames.len() > 1 || continues, flags)?;
        }
        let last = frames.len() - 1;
        for (i, frame) in frames.drain(..).enumerate() {
            self.queue_frame(frame, i < last || continues);
        }
        Ok(())
    }

    /// Waits until the pattern can take a message that starts with `first`; EAGAIN if it
    /// cannot before the deadline that `flags` and SNDTIMEO give.
    pub(super) fn wait_ready_to_send(
        &mut self,
        first: &Message,
        more: bool,
        flags: i32,
    ) -> Result<()> {
        let deadline = Self::deadline(self.options.sndtimeo, flags);
        loop {
            self.process_commands();
            let mut cx = Self::cx(&mut self.pipes, &self.options);
            let ready = self.pattern.begin_send(first, more, &mut cx);
            self.reap_dead_pipes();
            match ready {
                Ok(()) => return Ok(()),
                Err(Error::EAGAIN) => self.wait(deadline)?,
                Err(e) => return Err(e),
            }
        }
    }

    /// Adds one frame to the outgoing message; the frame without `more` hands the whole
    /// message to the pattern (which was asked by `wait_ready_to_send` beforehand).
    pub(super) fn queue_frame(&mut self, mut msg: Message, more: bool) {
        msg.set_more(false);
        msg.set_metadata(None);
        // STREAM messages are [routing id, data]: the data frame ends the message even with
        // SNDMORE, as libzmq ignores it there.
        let more = more && !(self.socket_type == SocketType::STREAM && self.outgoing.len() == 1);
        if more {
            self.outgoing.push(msg);
            return;
        }
        let parcel = if self.outgoing.is_empty() {
            Parcel::One(msg)
        } else {
            let mut frames = std::mem::take(&mut self.outgoing);
            frames.push(msg);
            Parcel::Multi(frames)
        };
        self.pattern
            .finish_send(parcel, &mut Self::cx(&mut self.pipes, &self.options));
        self.reap_dead_pipes();
    }

    /// Receives the rest of a message whose first frame `recv` returned, or a whole next
    /// message: frames already taken from the pipe are handed out without further checks, so
    /// a message is never split by an error.
    pub(super) fn recv_parts(&mut self, flags: i32) -> Result<Vec<Message>> {
        let mut frames = vec![self.recv(flags)?];
        frames.extend(self.incoming.drain(..));
        let last = frames.len() - 1;
        for (i, frame) in frames.iter_mut().enumerate() {
            frame.set_more(i < last);
        }
        self.rcvmore = false;
        Ok(frames)
    }

    pub(super) fn recv(&mut self, flags: i32) -> Result<Message> {
        self.check_term()?;
        if let Some(mut frame) = self.incoming.pop_front() {
            self.rcvmore = !self.incoming.is_empty();
            frame.set_more(self.rcvmore);
            return Ok(frame);
        }
        let deadline = Self::deadline(self.options.rcvtimeo, flags);
        loop {
            self.process_commands();
            let received = self
                .pattern
                .recv(&mut Self::cx(&mut self.pipes, &self.options));
            self.reap_dead_pipes();
            match received {
                Ok((pipe, Parcel::One(mut frame))) => {
                    self.rcvmore = false;
                    frame.set_more(false);
                    frame.set_metadata(self.peer_metadata(pipe));
                    return Ok(frame);
                }
                // Subscriptions never reach the application as such.
                Ok((_, Parcel::Subscribe(_) | Parcel::Cancel(_))) => continue,
                Ok((_, Parcel::Multi(_))) if self.single_frame() => continue,
                Ok((pipe, Parcel::Multi(mut frames))) => {
                    let metadata = self.peer_metadata(pipe);
                    for frame in &mut frames {
                        frame.set_metadata(metadata.clone());
                    }
                    self.incoming = VecDeque::from(frames);
                    let Some(mut first) = self.incoming.pop_front() else {
                        continue;
                    };
                    self.rcvmore = !self.incoming.is_empty();
                    first.set_more(self.rcvmore);
                    return Ok(first);
                }
                Err(Error::EAGAIN) => self.wait(deadline)?,
                Err(e) => return Err(e),
            }
        }
    }

    /// ZMQ_SUBSCRIBE / ZMQ_UNSUBSCRIBE, applied by the pattern at once.
    pub(super) fn subscribe(&mut self, topic: &[u8], subscribe: bool) -> Result<()> {
        if self.socket_type == SocketType::DISH {
            // A DISH joins groups (`join`); it takes no topic subscriptions.
            return Err(Error::EINVAL);
        }
        self.apply_subscription(topic, subscribe)
    }

    /// `zmq_join` / `zmq_leave`: DISH only (ENOTSUP elsewhere, as libzmq).
    pub(super) fn join(&mut self, group: &[u8], join: bool) -> Result<()> {
        if self.socket_type != SocketType::DISH {
            return Err(Error::ENOTSUP);
        }
        self.apply_subscription(group, join)
    }

    /// `zmq_connect_peer`: PEER only (ENOTSUP elsewhere); connects and returns the routing id
    /// the new connection got. EFAULT under ZMQ_IMMEDIATE, as libzmq (the connection would
    /// have no pipe to name yet there).
    pub(super) fn connect_peer(&mut self, endpoint: &str) -> Result<u32> {
        if self.socket_type != SocketType::PEER {
            return Err(Error::ENOTSUP);
        }
        if self.options.immediate {
            return Err(Error::EFAULT);
        }
        self.connect(endpoint)?;
        let pipe = self.connected.last().map(|c| c.pipe).ok_or(Error::EFAULT)?;
        self.pattern.peer_routing_id(pipe).ok_or(Error::EFAULT)
    }

    fn apply_subscription(&mut self, topic: &[u8], subscribe: bool) -> Result<()> {
        self.check_term()?;
        self.process_commands();
        let mut cx = Self::cx(&mut self.pipes, &self.options);
        let result = self.pattern.subscribe(topic, subscribe, &mut cx);
        self.reap_dead_pipes();
        result
    }

    pub(super) fn events(&mut self) -> Result<crate::PollEvents> {
        self.check_term()?;
        self.shared.signaler.take();
        self.process_commands();
        let mut events = crate::PollEvents::empty();
        let mut cx = Self::cx(&mut self.pipes, &self.options);
        if !self.incoming.is_empty() || self.pattern.has_in(&mut cx) {
            events |= crate::POLLIN;
        }
        if !self.outgoing.is_empty() || self.pattern.has_out(&mut cx) {
            events |= crate::POLLOUT;
        }
        self.reap_dead_pipes();
        Ok(events)
    }

    pub(super) fn peer_state(&mut self, routing_id: &[u8]) -> Result<crate::PollEvents> {
        self.check_term()?;
        self.process_commands();
        let mut cx = Self::cx(&mut self.pipes, &self.options);
        self.pattern.peer_state(routing_id, &mut cx)
    }

    pub(super) fn peer_metadata(&mut self, pipe: u64) -> Option<Arc<PeerMetadata>> {
        self.pipes.get(pipe).and_then(|p| p.peer().cloned())
    }
}

impl Drop for Core {
    fn drop(&mut self) {
        // The monitor goes first, so the I/O threads report nothing more; the listeners'
        // closes are reported here, before MONITOR_STOPPED (libzmq's order).
        let monitor = self.shared.set_monitor(None);
        drop(self.shared.close());
        for bound in std::mem::take(&mut self.bound) {
            let endpoint = bound.resolved.clone();
            let closed = bound.close(&self.ctx);
            if let (Some(monitor), Some((event, value))) = (&monitor, closed) {
                monitor.emit(event, value, &endpoint);
            }
        }
        if let Some(monitor) = monitor {
            monitor.emit(SocketEvent::MONITOR_STOPPED, 0, "");
        }
        self.pipes.clear();
        self.ctx.inner().unregister_socket();
    }
}
