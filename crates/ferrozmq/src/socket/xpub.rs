//! PUB and XPUB (RFC 29): fan a message out to every subscriber whose subscriptions match its
//! first frame (prefix match; "" matches all), filtering here at the publisher. A subscriber at
//! its high-water mark misses the message (never blocking the publisher), unless
//! ZMQ_XPUB_NODROP makes the send wait (EAGAIN).
//!
//! Subscriptions arrive from subscribers as ZMTP 3.1 SUBSCRIBE/CANCEL commands or as 3.0-style
//! messages (`0x01`/`0x00` + topic); both are accepted. An XPUB hands them to the application
//! as messages in the 3.0 form — the first subscription to a topic and the last
//! unsubscription, or every one with ZMQ_XPUB_VERBOSE(R) — including the unsubscriptions
//! implied when a subscriber disconnects. With ZMQ_XPUB_MANUAL the application decides: it
//! receives every subscription and applies them itself with `set_subscribe` for the
//! subscriber it last heard from; ZMQ_XPUB_MANUAL_LAST_VALUE also sends the next message to
//! that subscriber alone (so a late joiner gets the last value without the others getting it
//! twice). With ZMQ_ONLY_FIRST_SUBSCRIBE only the first frame of a multipart message can be a
//! subscription; the rest is data.

use super::pattern::{is_subscription, Cx, Pattern};
use super::trie::PrefixTree;
use crate::error::{Error, Result};
use crate::message::Message;
use crate::options::ids;
use crate::pipe::Parcel;
use std::collections::VecDeque;

/// PUB or XPUB.
pub(crate) struct XPub {
    xpub: bool,
    subscriptions: PrefixTree<Vec<u64>>,
    /// XPUB_MANUAL: what each subscriber itself asked for (the application decides what is
    /// applied), reported as unsubscriptions when it leaves.
    requested: PrefixTree<Vec<u64>>,
    pipes: Vec<u64>,
    /// Where the message being sent goes.
    targets: Vec<u64>,
    /// XPUB_MANUAL_LAST_VALUE: the next message goes to `last_subscriber` alone.
    send_to_last: bool,
    /// Subscription messages (and upstream messages) waiting for `recv`.
    pending: VecDeque<(u64, Parcel)>,
    /// The subscriber whose subscription the application saw last (XPUB_MANUAL).
    last_subscriber: Option<u64>,
}

impl XPub {
    pub(crate) fn new(xpub: bool) -> XPub {
        XPub {
            xpub,
            subscriptions: PrefixTree::default(),
            requested: PrefixTree::default(),
            pipes: Vec::new(),
            targets: Vec::new(),
            send_to_last: false,
            pending: VecDeque::new(),
            last_subscriber: None,
        }
    }

    /// Reads and applies everything subscriber `id` has sent.
    fn read_subscriptions(&mut self, id: u64, cx: &mut Cx<'_>) {
        while let Some(parcel) = cx.pipes.get(id).and_then(|p| p.read()) {
            self.on_upstream(id, parcel, cx);
        }
        if cx.pipes.get(id).is_some_and(|p| p.is_finished()) {
            cx.pipes.mark_dead(id);
        }
    }

    fn on_upstream(&mut self, id: u64, parcel: Parcel, cx: &mut Cx<'_>) {
        let (subscribe, topic) = match parcel {
            Parcel::Subscribe(topic) => (true, topic.to_vec()),
            Parcel::Cancel(topic) => (false, topic.to_vec()),
            Parcel::One(m) if is_subscription(&m) => (m[0] == 1, m[1..].to_vec()),
            Parcel::Multi(mut frames)
                if cx.options.only_first_subscribe
                    && frames.first().is_some_and(is_subscription) =>
            {
                let first = frames.remove(0);
                self.on_upstream(id, Parcel::One(first), cx);
                if self.xpub && !frames.is_empty() {
                    self.pending.push_back((id, Parcel::from_frames(frames)));
                }
                return;
            }
            other => {
                // Not a subscription: an XPUB passes it up as it is, a PUB drops it.
                if self.xpub {
                    self.pending.push_back((id, other));
                }
                return;
            }
        };
        let options = cx.options;
        if self.xpub && options.xpub_manual {
            if subscribe {
                add_subscriber(&mut self.requested, &topic, id);
            } else {
                remove_subscriber(&mut self.requested, &topic, id);
            }
            self.notify(id, subscribe, &topic);
            return;
        }
        let report = if subscribe {
            let subscribers = self.subscriptions.entry(&topic);
            let first = subscribers.is_empty();
            let new_for_pipe = !subscribers.contains(&id);
            if new_for_pipe {
                subscribers.push(id);
            }
            first || options.xpub_verbose || options.xpub_verboser
        } else {
            let last = self.subscriptions.update(&topic, |subscribers| {
                let had = subscribers.contains(&id);
                subscribers.retain(|&p| p != id);
                had && subscribers.is_empty()
            });
            last == Some(true) || options.xpub_verboser
        };
        if report {
            self.notify(id, subscribe, &topic);
        }
    }

    /// Queues a subscription message (0x01/0x00 + topic) for an XPUB's application.
    fn notify(&mut self, id: u64, subscribe: bool, topic: &[u8]) {
        if !self.xpub {
            return;
        }
        let mut body = Vec::with_capacity(topic.len() + 1);
        body.push(u8::from(subscribe));
        body.extend_from_slice(topic);
        self.pending
            .push_back((id, Parcel::One(Message::from(body))));
    }

    fn matching(&mut self, topic: &[u8], invert: bool) {
        self.targets.clear();
        let targets = &mut self.targets;
        self.subscriptions
            .for_each_prefix_of(topic, |pipes| targets.extend_from_slice(pipes));
        targets.sort_unstable();
        targets.dedup();
        if invert {
            let matched = std::mem::take(&mut self.targets);
            self.targets = self
                .pipes
                .iter()
                .copied()
                .filter(|p| matched.binary_search(p).is_err())
                .collect();
        }
    }
}

/// Records that pipe `id` is subscribed to `topic`.
fn add_subscriber(tree: &mut PrefixTree<Vec<u64>>, topic: &[u8], id: u64) {
    let subscribers = tree.entry(topic);
    if !subscribers.contains(&id) {
        subscribers.push(id);
    }
}

/// Records that pipe `id` is no longer subscribed to `topic`.
fn remove_subscriber(tree: &mut PrefixTree<Vec<u64>>, topic: &[u8], id: u64) {
    tree.update(topic, |subscribers| subscribers.retain(|&p| p != id));
}

/// Removes pipe `id` from every topic; returns the topics it held (all of them, or only those
/// it was the last subscriber of).
fn forget_subscriber(tree: &mut PrefixTree<Vec<u64>>, id: u64, all: bool) -> Vec<Vec<u8>> {
    let mut held = Vec::new();
    tree.retain_all(|topic, subscribers| {
        if subscribers.contains(&id) {
            subscribers.retain(|&p| p != id);
            if all || subscribers.is_empty() {
                held.push(topic.to_vec());
            }
        }
    });
    held
}

impl Pattern for XPub {
    fn takes_option(&self, id: i32) -> bool {
        // PUB takes the filter options; XPUB also its own XPUB_* ones.
        match id {
            ids::INVERT_MATCHING => true,
            ids::CONFLATE => !self.xpub,
            ids::XPUB_VERBOSE
            | ids::XPUB_VERBOSER
            | ids::XPUB_MANUAL
            | ids::XPUB_MANUAL_LAST_VALUE
            | ids::XPUB_NODROP
            | ids::XPUB_WELCOME_MSG
            | ids::ONLY_FIRST_SUBSCRIBE => self.xpub,
            _ => false,
        }
    }

    fn attach(&mut self, id: u64, cx: &mut Cx<'_>) -> bool {
        self.pipes.push(id);
        if let Some(welcome) = &cx.options.xpub_welcome_msg {
            if let Some(p) = cx.pipes.get(id) {
                p.write(Parcel::One(Message::from(&welcome[..])));
            }
        }
        self.read_subscriptions(id, cx);
        true
    }

    fn detach(&mut self, id: u64, cx: &mut Cx<'_>) {
        self.pipes.retain(|&p| p != id);
        // Unsubscriptions for what the subscriber held: the topics nobody else holds, every
        // one of them with XPUB_VERBOSER; in manual mode, what it asked for itself.
        let everything = cx.options.xpub_verboser;
        let gone = forget_subscriber(&mut self.subscriptions, id, everything);
        let gone = if cx.options.xpub_manual {
            forget_subscriber(&mut self.requested, id, true)
        } else {
            gone
        };
        for topic in gone {
            self.notify(id, false, &topic);
        }
    }

    fn activate(&mut self, id: u64, cx: &mut Cx<'_>) {
        self.read_subscriptions(id, cx);
    }

    fn begin_send(&mut self, first: &Message, _: bool, cx: &mut Cx<'_>) -> Result<()> {
        self.matching(first, cx.options.invert_matching);
        if std::mem::take(&mut self.send_to_last) {
            let last = self.last_subscriber.take();
            self.targets.retain(|&p| Some(p) == last);
        }
        if self.xpub && cx.options.xpub_nodrop {
            for &id in &self.targets {
                if let Some(p) = cx.pipes.get(id) {
                    if !p.is_other_closed() && !p.check_write() {
                        return Err(Error::EAGAIN);
                    }
                }
            }
        }
        Ok(())
    }

    fn finish_send(&mut self, parcel: Parcel, cx: &mut Cx<'_>) {
        let mut parcel = parcel;
        parcel.share();
        for &id in &self.targets {
            if let Some(p) = cx.pipes.get(id) {
                // PUB drops for a subscriber at its HWM rather than block everyone.
                if !p.is_other_closed() && p.check_write() {
                    p.write(parcel.clone_shared());
                }
            }
        }
        self.targets.clear();
    }

    fn recv(&mut self, cx: &mut Cx<'_>) -> Result<(u64, Parcel)> {
        if !self.xpub {
            return Err(Error::ENOTSUP);
        }
        let (id, parcel) = self.pending.pop_front().ok_or(Error::EAGAIN)?;
        if cx.options.xpub_manual {
            // Manual subscriptions apply to the subscriber the application heard from last.
            self.last_subscriber = Some(id);
        }
        Ok((id, parcel))
    }

    fn has_in(&mut self, _: &mut Cx<'_>) -> bool {
        !self.pending.is_empty()
    }

    fn has_out(&mut self, _: &mut Cx<'_>) -> bool {
        true
    }

    fn subscribe(&mut self, topic: &[u8], subscribe: bool, cx: &mut Cx<'_>) -> Result<()> {
        // XPUB_MANUAL: the application applies a subscription for the last subscriber (none
        // yet: nothing to do, as libzmq).
        if !self.xpub || !cx.options.xpub_manual {
            return Err(Error::EINVAL);
        }
        let Some(id) = self.last_subscriber else {
            return Ok(());
        };
        self.send_to_last = cx.options.xpub_manual_last_value;
        if subscribe {
            add_subscriber(&mut self.subscriptions, topic, id);
        } else {
            remove_subscriber(&mut self.subscriptions, topic, id);
        }
        Ok(())
    }

    fn topics_count(&self) -> Option<usize> {
        let mut n = 0;
        self.subscriptions.for_each(|_, _| n += 1);
        Some(n)
    }
}
