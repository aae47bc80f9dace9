//! The guide's "interface" (chapter 8, "Designing the API"): our node as the rest of the
//! network sees it. An actor that beacons our UUID to UDP port 9999 every second, hears the
//! beacons of other nodes, and reports on its pipe `JOINED <uuid>` when a node is first
//! heard and `LEFT <uuid>` when it has been silent for five seconds.
//!
//! Built on ferrozmq's high-level layer: the actor is an [`Actor`], the UDP side a
//! [`Beacon`] on the limited broadcast address (what the guide's `udplib` sends to), and
//! each peer's expiry a reactor ticket reset by every beacon it sends.

use ferrozmq::actor::{self, Actor};
use ferrozmq::beacon::{Beacon, BeaconOptions};
use ferrozmq::reactor::{Reactor, TicketId};
use ferrozmq::{Context, Multipart, Result, Socket, Uuid};
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use std::time::Duration;

const PING_PORT_NUMBER: u16 = 9999;
/// How often we send our beacon.
const PING_INTERVAL: Duration = Duration::from_millis(1000);
/// How long a peer may stay silent before it has left.
const PEER_EXPIRY: Duration = Duration::from_millis(5000);

/// Our node's interface to the network (`interface_t`); dropping it stops its actor.
pub struct Interface {
    actor: Actor,
}

impl Interface {
    /// Starts the interface's actor with a fresh UUID (`interface_new`).
    pub fn new(ctx: &Context) -> Result<Interface> {
        let agent_ctx = ctx.clone();
        Ok(Interface {
            actor: Actor::new(ctx, move |pipe| agent(&agent_ctx, pipe))?,
        })
    }

    /// The pipe events arrive on, for `poll`.
    pub fn pipe(&self) -> &Socket {
        self.actor.pipe()
    }

    /// The next event, `JOINED <uuid>` or `LEFT <uuid>` (`interface_recv`).
    pub fn recv(&self) -> Result<Multipart> {
        self.actor.recv()
    }
}

/// The peers we have heard, each with the ticket that reports it gone.
type Peers = Rc<RefCell<HashMap<[u8; Uuid::LEN], TicketId>>>;

/// The actor's body (`interface_agent`): runs until `$TERM`.
fn agent(ctx: &Context, pipe: &Socket) -> Result<()> {
    let uuid = Uuid::new();
    let beacon = Beacon::with_options(
        ctx,
        BeaconOptions {
            interface: Some("*".into()),
            ..BeaconOptions::default()
        },
    )?;
    beacon.configure(PING_PORT_NUMBER)?;
    beacon.publish(uuid.as_bytes(), PING_INTERVAL)?;
    beacon.subscribe(b"")?;
    actor::signal(pipe, 0)?;

    let peers: Peers = Rc::default();
    let mut reactor = Reactor::new();
    // The owner stops us with $TERM; Ctrl-C is the owner's to handle.
    reactor.ignore_interrupts();
    reactor.set_ticket_delay(PEER_EXPIRY);
    reactor.add_reader(pipe, |reactor, pipe| {
        // We take no commands; $TERM ends us.
        if Multipart::recv(pipe)?
            .first()
            .is_some_and(|f| &f[..] == b"$TERM")
        {
            reactor.stop();
        }
        Ok(())
    });
    let beacon = &beacon;
    reactor.add_reader(beacon.pipe(), move |reactor, _| {
        let (_, payload) = beacon.recv()?;
        let Ok(peer) = <[u8; Uuid::LEN]>::try_from(&payload[..]) else {
            return Ok(()); // Not a node's beacon.
        };
        if &peer == uuid.as_bytes() {
            return Ok(()); // Our own.
        }
        heard(reactor, pipe, &peers, peer)
    });
    reactor.start()
}

/// A beacon from `peer` arrived: it is alive for another [`PEER_EXPIRY`], and new ones are
/// reported as `JOINED`.
fn heard<'a>(
    reactor: &mut Reactor<'a>,
    pipe: &'a Socket,
    peers: &Peers,
    peer: [u8; Uuid::LEN],
) -> Result<()> {
    if let Some(&ticket) = peers.borrow().get(&peer) {
        return reactor.reset_ticket(ticket);
    }
    let name = Uuid::from_bytes(peer).to_czmq_string();
    Multipart::from(["JOINED", name.as_str()]).send(pipe)?;
    let gone = Rc::clone(peers);
    let ticket = reactor.add_ticket(move |_, _| {
        gone.borrow_mut().remove(&peer);
        Multipart::from(["LEFT", name.as_str()]).send(pipe)
    })?;
    peers.borrow_mut().insert(peer, ticket);
    Ok(())
}
