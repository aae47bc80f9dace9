//! The Binary Star finite-state machine as a pure function: a state, an event and whether
//! the peer has been silent for two heartbeats in, a [`Transition`] out. No sockets, no
//! clock: [`Fsm`] adds the peer-expiry bookkeeping with the time passed in, so every case
//! is tested deterministically.
//!
//! The table is the guide's `bstar.c` (`s_execute_fsm`): a server leaves PRIMARY/BACKUP when
//! it hears its peer, or (primary only) when a client asks while the peer is silent; a
//! PASSIVE server takes over when its peer restarts, or when a client asks and the peer has
//! been silent for two heartbeats (the "client vote", which prevents split brain); two
//! actives or two passives are fatal.

use std::time::{Duration, Instant};

/// A Binary Star server's state; the number is what goes on the wire (`"%d"`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum State {
    /// Primary, waiting for its peer.
    Primary = 1,
    /// Backup, waiting for its peer.
    Backup = 2,
    /// Serving clients.
    Active = 3,
    /// Not serving clients; watching the active peer.
    Passive = 4,
}

impl State {
    /// Every state, in wire order.
    pub const ALL: [State; 4] = [State::Primary, State::Backup, State::Active, State::Passive];

    /// The state message a server publishes: its number as a decimal string.
    pub fn wire(self) -> String {
        (self as u8).to_string()
    }

    /// The peer state in a state message, or `None` for anything that is not exactly one
    /// frame holding `1`..`4` as a decimal string (garbage is never an event).
    pub fn from_wire(frame: &[u8]) -> Option<State> {
        match frame {
            b"1" => Some(State::Primary),
            b"2" => Some(State::Backup),
            b"3" => Some(State::Active),
            b"4" => Some(State::Passive),
            _ => None,
        }
    }
}

/// What happens to a server: its peer's state arrives, or a client request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Event {
    /// The peer published this state.
    Peer(State),
    /// A client request arrived on the voter socket.
    ClientRequest,
}

impl Event {
    /// Every event: the four peer states, then a client request.
    pub const ALL: [Event; 5] = [
        Event::Peer(State::Primary),
        Event::Peer(State::Backup),
        Event::Peer(State::Active),
        Event::Peer(State::Passive),
        Event::ClientRequest,
    ];
}

/// The outcome of one event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Transition {
    /// Nothing changes; a client request is served.
    Stay,
    /// The server moves to `state` (a client request that caused it is served); `line` is
    /// the guide's log line.
    Become(State, &'static str),
    /// A client request this server must not serve (it is read and dropped).
    Reject,
    /// Split brain (two actives or two passives): the server must stop.
    Fatal(&'static str),
}

/// The Binary Star table: what `event` does in `state`, given whether the peer has been
/// silent for two heartbeats (`peer_expired`; only client requests look at it).
pub fn transition(state: State, event: Event, peer_expired: bool) -> Transition {
    use Event::{ClientRequest, Peer};
    use State::{Active, Backup, Passive, Primary};
    match (state, event) {
        (Primary, Peer(Backup)) => {
            Transition::Become(Active, "I: connected to backup (passive), ready as active")
        }
        (Primary, Peer(Active)) => {
            Transition::Become(Passive, "I: connected to backup (active), ready as passive")
        }
        (Primary, ClientRequest) if peer_expired => {
            Transition::Become(Active, "I: request from client, ready as active")
        }
        (Backup, Peer(Active)) => Transition::Become(
            Passive,
            "I: connected to primary (active), ready as passive",
        ),
        (Primary | Backup, ClientRequest) => Transition::Reject,
        (Active, Peer(Active)) => Transition::Fatal("E: fatal error - dual actives, aborting"),
        (Passive, Peer(Primary)) => Transition::Become(
            Active,
            "I: primary (passive) is restarting, ready as active",
        ),
        (Passive, Peer(Backup)) => {
            Transition::Become(Active, "I: backup (passive) is restarting, ready as active")
        }
        (Passive, Peer(Passive)) => Transition::Fatal("E: fatal error - dual passives, aborting"),
        (Passive, ClientRequest) if peer_expired => {
            Transition::Become(Active, "I: failover successful, ready as active")
        }
        (Passive, ClientRequest) => Transition::Reject,
        _ => Transition::Stay,
    }
}

/// A server's machine: its state and when its peer counts as dead (two heartbeats after
/// the peer's last state message; dead from the start until one arrives).
#[derive(Clone, Debug)]
pub struct Fsm {
    state: State,
    peer_expiry: Option<Instant>,
    heartbeat: Duration,
}

impl Fsm {
    /// A machine starting in `state` (PRIMARY or BACKUP) whose peer publishes every
    /// `heartbeat`.
    pub fn new(state: State, heartbeat: Duration) -> Fsm {
        Fsm {
            state,
            peer_expiry: None,
            heartbeat,
        }
    }

    /// The current state.
    pub fn state(&self) -> State {
        self.state
    }

    /// Runs `event` at time `now`: a peer state also moves the peer's expiry to two
    /// heartbeats from `now`. The state changes as the returned transition says.
    pub fn handle(&mut self, event: Event, now: Instant) -> Transition {
        let peer_expired = self.peer_expiry.is_none_or(|expiry| now >= expiry);
        if let Event::Peer(_) = event {
            self.peer_expiry = Some(now + 2 * self.heartbeat);
        }
        let outcome = transition(self.state, event, peer_expired);
        if let Transition::Become(next, _) = outcome {
            self.state = next;
        }
        outcome
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Any bytes parse to a state or to nothing, and only the four digits parse.
        #[test]
        fn from_wire_takes_only_the_four_state_numbers(frame in proptest::collection::vec(any::<u8>(), 0..8)) {
            let parsed = State::from_wire(&frame);
            let expected = State::ALL.into_iter().find(|s| s.wire().as_bytes() == frame.as_slice());
            prop_assert_eq!(parsed, expected);
        }
    }
}
