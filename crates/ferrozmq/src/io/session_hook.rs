//! `SessionHook`: the socket-type logic a session runs for its pattern, so the session itself
//! only moves messages (libzmq's per-type sessions, `session_base_t::create` picking
//! `radio_session_t`/`dish_session_t`). RADIO/DISH's group joins will plug in here.
//!
//! Today's hooks are the subscription ones: a publisher's session passes the peer's
//! SUBSCRIBE/CANCEL to its socket; a subscriber's session remembers the topics it sent and
//! replays them to each new connection after a reconnect (libzmq's "hiccup"
//! resubscription); every other type ignores subscriptions.

use crate::pipe::Parcel;
use bytes::Bytes;
use ferrozmq_zmtp::SocketType;
use std::collections::HashSet;

/// Per-type behaviour of a session; the session calls it only for subscription traffic, so
/// plain messages never pay for it.
pub(crate) trait SessionHook: Send {
    /// The peer sent a SUBSCRIBE (`subscribe`) or CANCEL for `topic`: the parcel to hand to
    /// the socket, or `None` to drop it.
    fn peer_subscription(&mut self, subscribe: bool, topic: Bytes) -> Option<Parcel>;

    /// The socket sent a SUBSCRIBE or CANCEL for `topic` through this session.
    fn sent_subscription(&mut self, subscribe: bool, topic: &Bytes);

    /// Topics to subscribe a new connection to before anything else is sent.
    fn resubscriptions(&self) -> Vec<Bytes>;
}

/// The hook for a session of a `socket_type` socket.
pub(crate) fn for_socket(socket_type: SocketType) -> Box<dyn SessionHook> {
    match socket_type {
        SocketType::PUB | SocketType::XPUB => Box::new(Publisher),
        SocketType::SUB | SocketType::XSUB => Box::<Subscriber>::default(),
        _ => Box::new(NoSubscriptions),
    }
}

/// PUB/XPUB: peers' subscriptions go to the socket, which filters by them.
struct Publisher;

impl SessionHook for Publisher {
    fn peer_subscription(&mut self, subscribe: bool, topic: Bytes) -> Option<Parcel> {
        Some(if subscribe {
            Parcel::Subscribe(topic)
        } else {
            Parcel::Cancel(topic)
        })
    }

    fn sent_subscription(&mut self, _subscribe: bool, _topic: &Bytes) {}

    fn resubscriptions(&self) -> Vec<Bytes> {
        Vec::new()
    }
}

/// SUB/XSUB: what was subscribed through this session is replayed after a reconnect.
#[derive(Default)]
struct Subscriber {
    topics: HashSet<Bytes>,
}

impl SessionHook for Subscriber {
    fn peer_subscription(&mut self, _subscribe: bool, _topic: Bytes) -> Option<Parcel> {
        None
    }

    fn sent_subscription(&mut self, subscribe: bool, topic: &Bytes) {
        if subscribe {
            self.topics.insert(topic.clone());
        } else {
            self.topics.remove(topic);
        }
    }

    fn resubscriptions(&self) -> Vec<Bytes> {
        self.topics.iter().cloned().collect()
    }
}

/// Every other type: subscriptions from a peer are noise, and none are sent.
struct NoSubscriptions;

impl SessionHook for NoSubscriptions {
    fn peer_subscription(&mut self, _subscribe: bool, _topic: Bytes) -> Option<Parcel> {
        None
    }

    fn sent_subscription(&mut self, _subscribe: bool, _topic: &Bytes) {}

    fn resubscriptions(&self) -> Vec<Bytes> {
        Vec::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn publishers_take_subscriptions_and_subscribers_replay_theirs() {
        let topic = Bytes::from_static(b"weather");
        let mut publisher = for_socket(SocketType::XPUB);
        assert!(matches!(
            publisher.peer_subscription(true, topic.clone()),
            Some(Parcel::Subscribe(t)) if t == topic
        ));
        assert!(matches!(
            publisher.peer_subscription(false, topic.clone()),
            Some(Parcel::Cancel(_))
        ));
        let mut subscriber = for_socket(SocketType::SUB);
        assert!(subscriber.peer_subscription(true, topic.clone()).is_none());
        subscriber.sent_subscription(true, &topic);
        subscriber.sent_subscription(true, &Bytes::from_static(b"news"));
        subscriber.sent_subscription(false, &Bytes::from_static(b"news"));
        assert_eq!(subscriber.resubscriptions(), vec![topic.clone()]);
        let mut dealer = for_socket(SocketType::DEALER);
        assert!(dealer.peer_subscription(true, topic).is_none());
        assert!(dealer.resubscriptions().is_empty());
    }
}
