//! `SessionHook`: the socket-type logic a session runs for its pattern, so the session itself
//! only moves messages (libzmq's per-type sessions, `session_base_t::create` picking
//! `radio_session_t`/`dish_session_t`).
//!
//! The hooks are the subscription ones: a publisher's session passes the peer's
//! SUBSCRIBE/CANCEL to its socket; a subscriber's session remembers the topics it sent and
//! replays them to each new connection after a reconnect (libzmq's "hiccup"
//! resubscription); every other type ignores subscriptions. RADIO and DISH are the same two
//! roles with groups: a DISH's joins travel as `Parcel::Subscribe`/`Cancel` in its pipes and
//! as JOIN/LEAVE commands on the wire, and a RADIO's session refuses a JOIN of a group
//! longer than 255 bytes (libzmq's `radio_session_t` asserts on one) by dropping the peer
//! with a malformed-command error.

use crate::group::GROUP_MAX_LENGTH;
use crate::pipe::Parcel;
use bytes::Bytes;
use ferrozmq_zmtp::{EngineError, Outgoing, SocketType};
use std::collections::HashSet;

/// Per-type behaviour of a session; the session calls it only for subscription traffic, so
/// plain messages never pay for it.
pub(crate) trait SessionHook: Send {
    /// The peer sent a SUBSCRIBE (`subscribe`) or CANCEL for `topic`: the parcel to hand to
    /// the socket, or `None` to drop it.
    fn peer_subscription(&mut self, subscribe: bool, topic: Bytes) -> Option<Parcel>;

    /// The peer sent a JOIN (`join`) or LEAVE for `group`: the parcel to hand to the socket,
    /// `None` to drop it, or an error that drops the peer.
    fn peer_group(&mut self, _join: bool, _group: Bytes) -> Result<Option<Parcel>, EngineError> {
        Ok(None)
    }

    /// The socket sent a SUBSCRIBE or CANCEL for `topic` through this session.
    fn sent_subscription(&mut self, subscribe: bool, topic: &Bytes);

    /// How a subscription from the socket goes on the wire: SUBSCRIBE/CANCEL, or for a
    /// DISH JOIN/LEAVE.
    fn outgoing<'a>(&self, subscribe: bool, topic: &'a [u8]) -> Outgoing<'a> {
        if subscribe {
            Outgoing::Subscribe(topic)
        } else {
            Outgoing::Cancel(topic)
        }
    }

    /// Topics to subscribe a new connection to before anything else is sent.
    fn resubscriptions(&self) -> Vec<Bytes>;
}

/// The hook for a session of a `socket_type` socket.
pub(crate) fn for_socket(socket_type: SocketType) -> Box<dyn SessionHook> {
    match socket_type {
        SocketType::PUB | SocketType::XPUB => Box::new(Publisher { groups: false }),
        SocketType::RADIO => Box::new(Publisher { groups: true }),
        SocketType::SUB | SocketType::XSUB => Box::<Subscriber>::default(),
        SocketType::DISH => Box::new(Subscriber {
            groups: true,
            ..Subscriber::default()
        }),
        _ => Box::new(NoSubscriptions),
    }
}

fn parcel(subscribe: bool, topic: Bytes) -> Parcel {
    if subscribe {
        Parcel::Subscribe(topic)
    } else {
        Parcel::Cancel(topic)
    }
}

/// PUB/XPUB (topics) and RADIO (groups): peers' subscriptions go to the socket, which
/// filters by them.
struct Publisher {
    groups: bool,
}

impl SessionHook for Publisher {
    fn peer_subscription(&mut self, subscribe: bool, topic: Bytes) -> Option<Parcel> {
        (!self.groups).then(|| parcel(subscribe, topic))
    }

    fn peer_group(&mut self, join: bool, group: Bytes) -> Result<Option<Parcel>, EngineError> {
        if !self.groups {
            return Ok(None);
        }
        if group.len() > GROUP_MAX_LENGTH {
            return Err(EngineError::MalformedCommand {
                command: if join { "JOIN" } else { "LEAVE" }.to_string(),
                reason: "group longer than 255 bytes",
            });
        }
        Ok(Some(parcel(join, group)))
    }

    fn sent_subscription(&mut self, _subscribe: bool, _topic: &Bytes) {}

    fn resubscriptions(&self) -> Vec<Bytes> {
        Vec::new()
    }
}

/// SUB/XSUB (topics) and DISH (groups): what was subscribed through this session is
/// replayed after a reconnect.
#[derive(Default)]
struct Subscriber {
    topics: HashSet<Bytes>,
    groups: bool,
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

    fn outgoing<'a>(&self, subscribe: bool, topic: &'a [u8]) -> Outgoing<'a> {
        match (self.groups, subscribe) {
            (true, true) => Outgoing::Join(topic),
            (true, false) => Outgoing::Leave(topic),
            (false, true) => Outgoing::Subscribe(topic),
            (false, false) => Outgoing::Cancel(topic),
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
        assert!(publisher.peer_group(true, topic.clone()).unwrap().is_none());
        let mut subscriber = for_socket(SocketType::SUB);
        assert!(subscriber.peer_subscription(true, topic.clone()).is_none());
        subscriber.sent_subscription(true, &topic);
        subscriber.sent_subscription(true, &Bytes::from_static(b"news"));
        subscriber.sent_subscription(false, &Bytes::from_static(b"news"));
        assert_eq!(subscriber.resubscriptions(), vec![topic.clone()]);
        assert_eq!(subscriber.outgoing(true, b"x"), Outgoing::Subscribe(b"x"));
        let mut dealer = for_socket(SocketType::DEALER);
        assert!(dealer.peer_subscription(true, topic).is_none());
        assert!(dealer.resubscriptions().is_empty());
    }

    #[test]
    fn radios_take_joins_of_short_groups_and_dishes_send_joins() {
        let mut radio = for_socket(SocketType::RADIO);
        let group = Bytes::from(vec![b'g'; 255]);
        assert!(matches!(
            radio.peer_group(true, group.clone()),
            Ok(Some(Parcel::Subscribe(g))) if g == group
        ));
        assert!(matches!(
            radio.peer_group(false, group.clone()),
            Ok(Some(Parcel::Cancel(_)))
        ));
        let long = Bytes::from(vec![b'g'; 256]);
        let refused = radio.peer_group(true, long).unwrap_err();
        assert_eq!(
            refused.to_string(),
            "malformed JOIN command: group longer than 255 bytes"
        );
        assert!(radio.peer_subscription(true, group.clone()).is_none());
        let mut dish = for_socket(SocketType::DISH);
        assert_eq!(dish.outgoing(true, b"tv"), Outgoing::Join(b"tv"));
        assert_eq!(dish.outgoing(false, b"tv"), Outgoing::Leave(b"tv"));
        dish.sent_subscription(true, &group);
        assert_eq!(dish.resubscriptions(), vec![group]);
    }
}
