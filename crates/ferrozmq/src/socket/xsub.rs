//! SUB and XSUB (RFC 29): fair-queue messages from publishers and keep those whose first
//! frame starts with a subscribed prefix. Subscriptions are counted (two subscribes need two
//! unsubscribes); as in libzmq, every subscribe is passed on to the publishers (an XPUB
//! upstream decides what is new, and XPUB_VERBOSE wants to see repeats) and an unsubscribe
//! only when a topic's count drops to zero; every new or reconnected publisher learns all
//! current subscriptions.
//!
//! XSUB takes subscriptions as messages (`0x01` + topic subscribes, `0x00` + topic
//! unsubscribes) and sends any other message upstream to the publishers. It forwards every
//! subscribe (an XPUB upstream decides what is new) and an unsubscribe only when the topic's
//! count drops to zero, unless ZMQ_XSUB_VERBOSE_UNSUBSCRIBE. Unlike SUB it does not filter
//! what arrives (publishers filter; libzmq sets `options.filter` for SUB only).

use super::fq::FairQueue;
use super::pattern::{is_subscription, Cx, Pattern};
use super::trie::PrefixTree;
use crate::error::{Error, Result};
use crate::message::Message;
use crate::options::ids;
use crate::pipe::Parcel;
use bytes::Bytes;

/// SUB or XSUB.
pub(crate) struct XSub {
    xsub: bool,
    fq: FairQueue,
    pipes: Vec<u64>,
    subscriptions: PrefixTree<u32>,
    /// A message `has_in` found and matched, kept for the next `recv` (libzmq's prefetch),
    /// so POLLIN promises a message the filter lets through.
    prefetched: Option<(u64, Parcel)>,
}

impl XSub {
    pub(crate) fn new(xsub: bool) -> XSub {
        XSub {
            xsub,
            fq: FairQueue::default(),
            pipes: Vec::new(),
            subscriptions: PrefixTree::default(),
            prefetched: None,
        }
    }

    fn send_to_all(&self, parcel: impl Fn() -> Parcel, cx: &mut Cx<'_>) {
        for &id in &self.pipes {
            if let Some(p) = cx.pipes.get(id) {
                if !p.is_other_closed() {
                    p.write(parcel());
                }
            }
        }
    }

    /// Applies a `0x01`/`0x00` + topic message and tells the publishers as XSUB should.
    fn subscription(&mut self, message: &Message, cx: &mut Cx<'_>) {
        let topic = Bytes::copy_from_slice(&message[1..]);
        if message[0] == 1 {
            self.add(&topic);
            self.send_to_all(|| Parcel::Subscribe(topic.clone()), cx);
        } else if self.remove(&topic) || cx.options.xsub_verbose_unsubscribe {
            self.send_to_all(|| Parcel::Cancel(topic.clone()), cx);
        }
    }

    /// Sends a data message upstream to every publisher.
    fn upstream(&self, mut parcel: Parcel, cx: &mut Cx<'_>) {
        parcel.share();
        self.send_to_all(|| parcel.clone_shared(), cx);
    }

    /// Counts a subscription; true if it is the topic's first.
    fn add(&mut self, topic: &[u8]) -> bool {
        let count = self.subscriptions.entry(topic);
        *count += 1;
        *count == 1
    }

    /// Uncounts a subscription; true if it was the topic's last.
    fn remove(&mut self, topic: &[u8]) -> bool {
        self.subscriptions.update(topic, |count| {
            if *count == 0 {
                return false;
            }
            *count -= 1;
            *count == 0
        }) == Some(true)
    }

    fn wanted(&self, parcel: &Parcel, invert: bool) -> bool {
        let first: &[u8] = match parcel {
            Parcel::One(m) => m,
            Parcel::Multi(frames) => frames.first().map_or(&[][..], |m| &m[..]),
            Parcel::Subscribe(_) | Parcel::Cancel(_) => return false,
        };
        let mut matched = false;
        self.subscriptions
            .for_each_prefix_of(first, |count| matched |= *count > 0);
        matched != invert
    }
}

impl Pattern for XSub {
    fn takes_option(&self, id: i32) -> bool {
        // SUB takes the filter options; XSUB also its own.
        match id {
            ids::INVERT_MATCHING => true,
            ids::CONFLATE => !self.xsub,
            ids::ONLY_FIRST_SUBSCRIBE | ids::XSUB_VERBOSE_UNSUBSCRIBE => self.xsub,
            _ => false,
        }
    }

    fn attach(&mut self, id: u64, cx: &mut Cx<'_>) -> bool {
        self.fq.attach(id);
        self.pipes.push(id);
        if let Some(p) = cx.pipes.get(id) {
            self.subscriptions.for_each(|topic, _| {
                p.write(Parcel::Subscribe(Bytes::copy_from_slice(topic)));
            });
        }
        true
    }

    fn detach(&mut self, id: u64, _: &mut Cx<'_>) {
        self.fq.detach(id);
        self.pipes.retain(|&p| p != id);
    }

    fn activate(&mut self, id: u64, _: &mut Cx<'_>) {
        self.fq.activate(id);
    }

    fn begin_send(&mut self, _: &Message, _: bool, _: &mut Cx<'_>) -> Result<()> {
        if self.xsub {
            Ok(())
        } else {
            Err(Error::ENOTSUP)
        }
    }

    fn finish_send(&mut self, parcel: Parcel, cx: &mut Cx<'_>) {
        match parcel {
            Parcel::One(m) if is_subscription(&m) => self.subscription(&m, cx),
            // ONLY_FIRST_SUBSCRIBE: a multipart message's first frame may subscribe, the rest
            // is data; the message travels whole, for an XPUB to split the same way.
            Parcel::Multi(frames)
                if cx.options.only_first_subscribe
                    && frames.first().is_some_and(is_subscription) =>
            {
                let topic = &frames[0][1..];
                if frames[0][0] == 1 {
                    self.add(topic);
                } else {
                    self.remove(topic);
                }
                self.upstream(Parcel::Multi(frames), cx);
            }
            data => self.upstream(data, cx),
        }
    }

    fn recv(&mut self, cx: &mut Cx<'_>) -> Result<(u64, Parcel)> {
        if let Some(message) = self.prefetched.take() {
            return Ok(message);
        }
        loop {
            let (from, parcel) = self.fq.recv(cx.pipes).ok_or(Error::EAGAIN)?;
            // SUB filters what arrives; XSUB passes everything (libzmq's `options.filter`).
            if self.xsub || self.wanted(&parcel, cx.options.invert_matching) {
                return Ok((from, parcel));
            }
        }
    }

    fn has_in(&mut self, cx: &mut Cx<'_>) -> bool {
        if self.prefetched.is_some() {
            return true;
        }
        match self.recv(cx) {
            Ok(message) => {
                self.prefetched = Some(message);
                true
            }
            Err(_) => false,
        }
    }

    fn has_out(&mut self, _: &mut Cx<'_>) -> bool {
        self.xsub
    }

    fn subscribe(&mut self, topic: &[u8], subscribe: bool, cx: &mut Cx<'_>) -> Result<()> {
        if self.xsub {
            return Err(Error::EINVAL);
        }
        let topic = Bytes::copy_from_slice(topic);
        if subscribe {
            self.add(&topic);
            self.send_to_all(|| Parcel::Subscribe(topic.clone()), cx);
        } else if self.remove(&topic) {
            self.send_to_all(|| Parcel::Cancel(topic.clone()), cx);
        }
        Ok(())
    }

    fn topics_count(&self) -> Option<usize> {
        let mut n = 0;
        self.subscriptions.for_each(|_, _| n += 1);
        Some(n)
    }
}
