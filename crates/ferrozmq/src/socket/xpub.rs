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

//!
//! Hostile subscribers: the work subscriptions cause is bounded per socket turn (each call
//! into the socket, or each event it wakes for). One turn applies at most
//! [`TURN_BUDGET`] subscriptions from a pipe, and removes at most as many of a departed
//! subscriber's; where more is left, the socket wakes itself for another turn, so a flood of
//! subscriptions never holds up sending to the other subscribers for long. Each subscriber's
//! topics are also kept in a set of its own, which is how they are removed in steps when it
//! leaves and how XPUB_MAX_SUBSCRIPTIONS / XPUB_MAX_SUBSCRIPTION_BYTES (ferrozmq's own
//! options) are enforced: a subscriber passing either is dropped, with the monitor event
//! SUBSCRIPTION_LIMIT.

use super::pattern::{is_subscription, Cx, Pattern};
use super::trie::PrefixTree;
use crate::error::{Error, Result};
use crate::message::Message;
use crate::monitor::SocketEvent;
use crate::options::ids;
use crate::pipe::{Parcel, SocketWaker};
use std::collections::{BTreeSet, HashMap, VecDeque};

/// Subscriptions applied (or removed) per pipe per turn. At ~1 µs each this keeps a turn
/// well under a millisecond.
pub(crate) const TURN_BUDGET: usize = 256;

/// What one subscriber holds, kept so that it can be removed in steps and limited.
#[derive(Default)]
struct Subscriber {
    /// Its topics in `XPub::subscriptions`.
    topics: BTreeSet<Box<[u8]>>,
    /// XPUB_MANUAL: what it asked for itself (the application decides what is applied).
    requested: BTreeSet<Box<[u8]>>,
    /// Bytes of the topics it asked for (`topics`, or `requested` in manual mode).
    bytes: usize,
}

/// A subscriber that left, whose subscriptions are being removed a turn at a time.
struct Departed {
    id: u64,
    held: Subscriber,
    /// Asks for the next turn while there is more to remove.
    waker: SocketWaker,
}

/// PUB or XPUB.
pub(crate) struct XPub {
    xpub: bool,
    subscriptions: PrefixTree<Vec<u64>>,
    subscribers: HashMap<u64, Subscriber>,
    /// Subscribers gone, oldest first, with what they still hold.
    departed: VecDeque<Departed>,
    /// Distinct topics in `subscriptions` (ZMQ_TOPICS_COUNT).
    topics: usize,
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
            subscribers: HashMap::new(),
            departed: VecDeque::new(),
            topics: 0,
            pipes: Vec::new(),
            targets: Vec::new(),
            send_to_last: false,
            pending: VecDeque::new(),
            last_subscriber: None,
        }
    }

    /// Reads and applies up to a turn's budget of what subscriber `id` has sent; if it may
    /// have sent more, asks for another turn.
    fn read_subscriptions(&mut self, id: u64, cx: &mut Cx<'_>) {
        for _ in 0..TURN_BUDGET {
            let Some(parcel) = cx.pipes.get(id).and_then(|p| p.read()) else {
                if cx.pipes.get(id).is_some_and(|p| p.is_finished()) {
                    cx.pipes.mark_dead(id);
                }
                return;
            };
            if !self.on_upstream(id, parcel, cx) {
                return;
            }
        }
        if let Some(p) = cx.pipes.get(id) {
            p.socket_waker().wake();
        }
    }

    /// Applies one message from subscriber `id`. False if it got the subscriber dropped.
    fn on_upstream(&mut self, id: u64, parcel: Parcel, cx: &mut Cx<'_>) -> bool {
        let (subscribe, topic) = match parcel {
            Parcel::Subscribe(topic) => (true, topic.to_vec()),
            Parcel::Cancel(topic) => (false, topic.to_vec()),
            Parcel::One(m) if is_subscription(&m) => (m[0] == 1, m[1..].to_vec()),
            Parcel::Multi(mut frames)
                if cx.options.only_first_subscribe
                    && frames.first().is_some_and(is_subscription) =>
            {
                let first = frames.remove(0);
                let kept = self.on_upstream(id, Parcel::One(first), cx);
                if kept && self.xpub && !frames.is_empty() {
                    self.pending.push_back((id, Parcel::from_frames(frames)));
                }
                return kept;
            }
            other => {
                // Not a subscription: an XPUB passes it up as it is, a PUB drops it.
                if self.xpub {
                    self.pending.push_back((id, other));
                }
                return true;
            }
        };
        let options = cx.options;
        let manual = self.xpub && options.xpub_manual;
        let subscriber = self.subscribers.entry(id).or_default();
        let asked = if manual {
            &mut subscriber.requested
        } else {
            &mut subscriber.topics
        };
        let held = asked.contains(&topic[..]);
        if subscribe && !held {
            if let Some(limit) = passed_limit(asked.len(), subscriber.bytes, topic.len(), options) {
                drop_subscriber(id, limit, cx);
                return false;
            }
            asked.insert(topic.as_slice().into());
            subscriber.bytes += topic.len();
        } else if !subscribe && held {
            asked.remove(&topic[..]);
            subscriber.bytes -= topic.len();
        }
        if manual {
            self.notify(id, subscribe, &topic);
            return true;
        }
        let verbose = options.xpub_verbose || options.xpub_verboser;
        let report = match (subscribe, held) {
            (true, false) => self.subscribe_pipe(&topic, id) || verbose,
            (true, true) => verbose,
            (false, true) => self.unsubscribe(&topic, id) || options.xpub_verboser,
            // Not held: nothing to remove, though XPUB_VERBOSER reports it, as libzmq.
            (false, false) => options.xpub_verboser,
        };
        if report {
            self.notify(id, subscribe, &topic);
        }
        true
    }

    /// Adds pipe `id` to `topic`'s subscribers (it is not there yet); true if it is the
    /// first.
    fn subscribe_pipe(&mut self, topic: &[u8], id: u64) -> bool {
        let subscribers = self.subscriptions.entry(topic);
        let first = subscribers.is_empty();
        subscribers.reserve_exact(1);
        subscribers.push(id);
        self.topics += usize::from(first);
        first
    }

    /// Removes pipe `id` from `topic`'s subscribers; true if it was the last.
    fn unsubscribe(&mut self, topic: &[u8], id: u64) -> bool {
        let last = self.subscriptions.update(topic, |subscribers| {
            subscribers.retain(|&p| p != id);
            subscribers.is_empty()
        }) == Some(true);
        self.topics -= usize::from(last);
        last
    }

    /// Removes up to a turn's budget of departed subscribers' subscriptions, reporting them
    /// as unsubscriptions to an XPUB's application: the topics nobody else holds, every one
    /// with XPUB_VERBOSER; in manual mode, what the subscriber asked for itself.
    fn remove_departed(&mut self, cx: &mut Cx<'_>) {
        let manual = cx.options.xpub_manual;
        let everything = cx.options.xpub_verboser;
        for _ in 0..TURN_BUDGET {
            let Some(departed) = self.departed.front_mut() else {
                return;
            };
            let id = departed.id;
            if let Some(topic) = departed.held.topics.pop_first() {
                let last = self.unsubscribe(&topic, id);
                if !manual && (last || everything) {
                    self.notify(id, false, &topic);
                }
            } else if let Some(topic) = departed.held.requested.pop_first() {
                self.notify(id, false, &topic);
            } else {
                self.departed.pop_front();
            }
        }
        if let Some(departed) = self.departed.front() {
            departed.waker.wake();
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

/// Which limit (its option id) one more subscription of `len` bytes would pass, for a
/// subscriber holding `count` topics of `bytes` bytes.
fn passed_limit(
    count: usize,
    bytes: usize,
    len: usize,
    options: &crate::options::Options,
) -> Option<i32> {
    let over = |limit: i64, value: usize| limit >= 0 && value as u64 > limit as u64;
    if over(i64::from(options.xpub_max_subscriptions), count + 1) {
        Some(ids::XPUB_MAX_SUBSCRIPTIONS)
    } else if over(options.xpub_max_subscription_bytes, bytes + len) {
        Some(ids::XPUB_MAX_SUBSCRIPTION_BYTES)
    } else {
        None
    }
}

/// Drops subscriber `id` for passing the limit with option id `limit`, telling the monitor.
fn drop_subscriber(id: u64, limit: i32, cx: &mut Cx<'_>) {
    let address = cx
        .pipes
        .get(id)
        .and_then(|p| p.peer())
        .and_then(|m| m.get("Peer-Address"))
        .unwrap_or_default()
        .to_string();
    cx.pipes
        .report(SocketEvent::SUBSCRIPTION_LIMIT, limit as u32, address);
    cx.pipes.mark_dead(id);
}

impl Pattern for XPub {
    fn takes_option(&self, id: i32) -> bool {
        // PUB takes the filter options; XPUB also its own XPUB_* ones.
        match id {
            ids::INVERT_MATCHING
            | ids::XPUB_MAX_SUBSCRIPTIONS
            | ids::XPUB_MAX_SUBSCRIPTION_BYTES => true,
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
        self.subscribers.insert(id, Subscriber::default());
        if let Some(welcome) = &cx.options.xpub_welcome_msg {
            if let Some(p) = cx.pipes.get(id) {
                p.write(Parcel::One(Message::from(&welcome[..])));
            }
        }
        self.read_subscriptions(id, cx);
        true
    }

    /// A multicast endpoint (pgm, epgm) gets every message: it carries no subscriptions.
    fn datagram_peer(&mut self, id: u64) {
        if let Some(subscriber) = self.subscribers.get_mut(&id) {
            if subscriber.topics.insert(Box::from(&b""[..])) {
                self.subscribe_pipe(b"", id);
            }
        }
    }

    fn detach(&mut self, id: u64, cx: &mut Cx<'_>) {
        self.pipes.retain(|&p| p != id);
        let held = self.subscribers.remove(&id);
        let waker = cx.pipes.get(id).map(|p| p.socket_waker());
        if let (Some(held), Some(waker)) = (held, waker) {
            self.departed.push_back(Departed { id, held, waker });
            self.remove_departed(cx);
        }
    }

    fn activate(&mut self, id: u64, cx: &mut Cx<'_>) {
        self.read_subscriptions(id, cx);
        self.remove_departed(cx);
    }

    fn begin_send(&mut self, first: &Message, _: bool, cx: &mut Cx<'_>) -> Result<()> {
        self.remove_departed(cx);
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
        self.remove_departed(cx);
        let (id, parcel) = self.pending.pop_front().ok_or(Error::EAGAIN)?;
        if cx.options.xpub_manual {
            // Manual subscriptions apply to the subscriber the application heard from last.
            self.last_subscriber = Some(id);
        }
        Ok((id, parcel))
    }

    fn has_in(&mut self, cx: &mut Cx<'_>) -> bool {
        self.remove_departed(cx);
        !self.pending.is_empty()
    }

    fn has_out(&mut self, cx: &mut Cx<'_>) -> bool {
        self.remove_departed(cx);
        true
    }

    fn subscribe(&mut self, topic: &[u8], subscribe: bool, cx: &mut Cx<'_>) -> Result<()> {
        // XPUB_MANUAL: the application applies a subscription for the last subscriber (none
        // yet, or gone: nothing to do, as libzmq).
        if !self.xpub || !cx.options.xpub_manual {
            return Err(Error::EINVAL);
        }
        let Some(id) = self.last_subscriber else {
            return Ok(());
        };
        self.send_to_last = cx.options.xpub_manual_last_value;
        let Some(subscriber) = self.subscribers.get_mut(&id) else {
            return Ok(());
        };
        if subscribe {
            if subscriber.topics.insert(topic.into()) {
                self.subscribe_pipe(topic, id);
            }
        } else if subscriber.topics.remove(topic) {
            self.unsubscribe(topic, id);
        }
        Ok(())
    }

    fn topics_count(&self) -> Option<usize> {
        Some(self.topics)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::options::Options;
    use crate::pipe::{pipe, Notify, PipeEnd};
    use crate::socket::pipes::Pipes;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    #[derive(Default)]
    struct Count(AtomicUsize);
    impl Notify for Count {
        fn notify(&self, _: u64) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }

    /// A PUB with one subscriber pipe whose peer end (the "session") is returned.
    fn publisher(pipes: &mut Pipes, wakes: &Arc<Count>) -> PipeEnd {
        let (socket_end, peer_end) = pipe(7, 0, 0, wakes.clone(), Arc::new(Count::default()));
        pipes.insert(socket_end);
        peer_end
    }

    fn cx<'a>(pipes: &'a mut Pipes, options: &'a Options) -> Cx<'a> {
        Cx {
            pipes,
            options,
            connect_routing_id: None,
        }
    }

    #[test]
    fn a_turn_applies_and_removes_a_bounded_number_of_subscriptions() {
        let (mut pipes, options) = (Pipes::default(), Options::default());
        let wakes = Arc::new(Count::default());
        let mut session = publisher(&mut pipes, &wakes);
        let n = 3 * TURN_BUDGET + 10;
        for i in 0..n {
            session.write(Parcel::Subscribe(format!("topic-{i}").into_bytes().into()));
        }
        let mut xpub = XPub::new(false);
        assert!(xpub.attach(7, &mut cx(&mut pipes, &options)));
        assert_eq!(xpub.topics_count(), Some(TURN_BUDGET), "one turn's worth");
        assert_eq!(
            wakes.0.load(Ordering::SeqCst),
            1,
            "and a request for the next turn"
        );
        let mut turns = 1;
        while xpub.topics_count() != Some(n) {
            xpub.activate(7, &mut cx(&mut pipes, &options));
            turns += 1;
            assert!(turns <= 4, "every turn makes a budget's progress");
        }
        drop(session);
        xpub.detach(7, &mut cx(&mut pipes, &options));
        pipes.remove(7);
        assert_eq!(xpub.topics_count(), Some(n - TURN_BUDGET));
        let mut turns = 1;
        while xpub.topics_count() != Some(0) {
            let before = wakes.0.load(Ordering::SeqCst);
            assert!(xpub.has_out(&mut cx(&mut pipes, &options)));
            let more = xpub.topics_count() != Some(0);
            let asked = wakes.0.load(Ordering::SeqCst) - before;
            assert_eq!(
                asked,
                usize::from(more),
                "a next turn asked for iff work is left"
            );
            turns += 1;
            assert!(turns <= 4);
        }
        let before = wakes.0.load(Ordering::SeqCst);
        xpub.has_out(&mut cx(&mut pipes, &options));
        assert_eq!(
            wakes.0.load(Ordering::SeqCst),
            before,
            "no more turns asked for"
        );
        assert!(xpub.departed.is_empty() && xpub.subscribers.is_empty());
    }

    #[test]
    fn limits_drop_the_subscriber_and_raise_an_event() {
        let (mut pipes, mut options) = (Pipes::default(), Options::default());
        options.xpub_max_subscriptions = 2;
        let wakes = Arc::new(Count::default());
        let mut session = publisher(&mut pipes, &wakes);
        for topic in ["a", "a", "b", "b", "c"] {
            session.write(Parcel::Subscribe(topic.as_bytes().to_vec().into()));
        }
        let mut xpub = XPub::new(false);
        xpub.attach(7, &mut cx(&mut pipes, &options));
        assert_eq!(xpub.topics_count(), Some(2), "repeats do not count");
        assert_eq!(pipes.take_dead(), vec![7]);
        let events = pipes.take_events();
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].0, SocketEvent::SUBSCRIPTION_LIMIT);
        assert_eq!(events[0].1, ids::XPUB_MAX_SUBSCRIPTIONS as u32);

        let (mut pipes, mut options) = (Pipes::default(), Options::default());
        options.xpub_max_subscription_bytes = 5;
        let mut session = publisher(&mut pipes, &wakes);
        for (subscribe, topic) in [(true, "abc"), (false, "abc"), (true, "abcde"), (true, "f")] {
            let topic = topic.as_bytes().to_vec().into();
            session.write(if subscribe {
                Parcel::Subscribe(topic)
            } else {
                Parcel::Cancel(topic)
            });
        }
        let mut xpub = XPub::new(false);
        xpub.attach(7, &mut cx(&mut pipes, &options));
        assert_eq!(
            xpub.topics_count(),
            Some(1),
            "a cancel gives its bytes back"
        );
        assert_eq!(pipes.take_dead(), vec![7]);
        let events = pipes.take_events();
        assert_eq!(events[0].1, ids::XPUB_MAX_SUBSCRIPTION_BYTES as u32);
    }
}
