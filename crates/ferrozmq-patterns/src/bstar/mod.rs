//! Binary Star (the guide's chapter 4): a primary/backup server pair where exactly one
//! serves clients. Each server publishes its state on a PUB socket every heartbeat (1 s) and
//! reads its peer's on a SUB socket; the passive server takes over only when its peer has
//! been silent for two heartbeats *and* a client asks it (the client vote), so a broken
//! link between the servers alone never makes two actives.
//!
//! * [`fsm`]: the state machine as a pure function ([`fsm::transition`]) and [`fsm::Fsm`].
//! * [`BinaryStar`]: the guide's `bstar` reactor class on [`ferrozmq::reactor::Reactor`]:
//!   a voter socket whose requests are client votes, handlers called on becoming active
//!   or passive, and the state exchange. Garbage on the state socket is logged and ignored.
//!
//! ```no_run
//! use ferrozmq::{Context, Multipart, ROUTER};
//! use ferrozmq_patterns::bstar::{BinaryStar, Handlers, Role};
//!
//! let ctx = Context::new();
//! let mut bstar = BinaryStar::new(&ctx, Role::Primary, "tcp://*:5003", "tcp://localhost:5004")?;
//! bstar.voter("tcp://*:5001", ROUTER)?;
//! // Echo every request the machine accepts; it drops the ones it must not serve.
//! bstar.start(Handlers::new(|_, socket| Multipart::recv(socket)?.send(socket)))?;
//! # Ok::<(), ferrozmq::Error>(())
//! ```

pub mod fsm;

use ferrozmq::reactor::Reactor;
use ferrozmq::{Context, Error, Multipart, Result, Socket, SocketType, PUB, SUB};
use fsm::{Event, Fsm, State, Transition};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::{Duration, Instant};

/// The guide's heartbeat: each server publishes its state this often, and counts its peer
/// dead after two of them without a state message.
pub const HEARTBEAT: Duration = Duration::from_millis(1000);

/// Which server of the pair this is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// The primary: becomes active on its own when a client asks and no backup is heard.
    Primary,
    /// The backup: serves only after the primary was seen active and then went silent.
    Backup,
}

/// A handler that reads a message from a ready socket.
type SocketHandler<'a> = Box<dyn FnMut(&mut Reactor<'a>, &'a Socket) -> Result<()> + 'a>;
/// A handler of a state change.
type StateHandler<'a> = Box<dyn FnMut(&mut Reactor<'a>) -> Result<()> + 'a>;
/// Where log lines go.
type Log = Box<dyn FnMut(&str)>;

/// The application's side of a [`BinaryStar`]: what to do with a client request the
/// machine accepted, and (optionally) on becoming active or passive.
pub struct Handlers<'a> {
    voter: SocketHandler<'a>,
    active: Option<StateHandler<'a>>,
    passive: Option<StateHandler<'a>>,
}

impl<'a> Handlers<'a> {
    /// `voter` gets the voter socket when a request there was accepted, and must read it.
    pub fn new(voter: impl FnMut(&mut Reactor<'a>, &'a Socket) -> Result<()> + 'a) -> Handlers<'a> {
        Handlers {
            voter: Box::new(voter),
            active: None,
            passive: None,
        }
    }

    /// Calls `handler` whenever the server becomes active (`bstar_new_active`).
    pub fn on_active(mut self, handler: impl FnMut(&mut Reactor<'a>) -> Result<()> + 'a) -> Self {
        self.active = Some(Box::new(handler));
        self
    }

    /// Calls `handler` whenever the server becomes passive (`bstar_new_passive`).
    pub fn on_passive(mut self, handler: impl FnMut(&mut Reactor<'a>) -> Result<()> + 'a) -> Self {
        self.passive = Some(Box::new(handler));
        self
    }
}

/// One server of a Binary Star pair (the guide's `bstar_t`); see the [module docs](self).
pub struct BinaryStar {
    ctx: Context,
    statepub: Socket,
    statesub: Socket,
    voter: Option<Socket>,
    heartbeat: Duration,
    fsm: RefCell<Fsm>,
    failure: Cell<Option<&'static str>>,
    log: RefCell<Log>,
}

impl BinaryStar {
    /// A server in `role` that publishes its state on `local` (bound) and reads its peer's
    /// from `remote` (connected) — `bstar_new`.
    pub fn new(ctx: &Context, role: Role, local: &str, remote: &str) -> Result<BinaryStar> {
        let statepub = ctx.socket(PUB)?;
        statepub.set_linger(0)?;
        statepub.bind(local)?;
        let statesub = ctx.socket(SUB)?;
        statesub.set_linger(0)?;
        statesub.set_subscribe(b"")?;
        statesub.connect(remote)?;
        let start = match role {
            Role::Primary => State::Primary,
            Role::Backup => State::Backup,
        };
        Ok(BinaryStar {
            ctx: ctx.clone(),
            statepub,
            statesub,
            voter: None,
            heartbeat: HEARTBEAT,
            fsm: RefCell::new(Fsm::new(start, HEARTBEAT)),
            failure: Cell::new(None),
            log: RefCell::new(Box::new(|line| eprintln!("{line}"))),
        })
    }

    /// Binds the voter socket, of `socket_type`, on `endpoint` (`bstar_voter`): its
    /// requests are client votes. A server has exactly one; a second call is EINVAL.
    pub fn voter(&mut self, endpoint: &str, socket_type: SocketType) -> Result<()> {
        if self.voter.is_some() {
            return Err(Error::EINVAL);
        }
        let socket = self.ctx.socket(socket_type)?;
        socket.set_linger(0)?;
        socket.bind(endpoint)?;
        self.voter = Some(socket);
        Ok(())
    }

    /// The voter socket, once bound: for options the application sets on it (a Clone
    /// server lifts its send HWM, as a snapshot must arrive whole).
    pub fn voter_socket(&self) -> Option<&Socket> {
        self.voter.as_ref()
    }

    /// Publishes every `heartbeat` instead of every second (both servers must agree).
    pub fn set_heartbeat(&mut self, heartbeat: Duration) {
        self.heartbeat = heartbeat;
        let state = self.fsm.get_mut().state();
        *self.fsm.get_mut() = Fsm::new(state, heartbeat);
    }

    /// Where the log lines go (state changes, split brain, ignored state messages); stderr
    /// by default.
    pub fn set_log(&mut self, log: impl FnMut(&str) + 'static) {
        *self.log.get_mut() = Box::new(log);
    }

    /// The current state.
    pub fn state(&self) -> State {
        self.fsm.borrow().state()
    }

    /// Why the reactor was stopped, if split brain (dual actives or passives) stopped it.
    pub fn failure(&self) -> Option<&'static str> {
        self.failure.get()
    }

    /// Adds the state exchange (a heartbeat timer and the state reader) and the voter
    /// reader to `reactor`, whose other readers and timers the application may add — what
    /// `bstar_zloop` gives the guide's programs. EINVAL if no voter was bound.
    pub fn attach<'a>(&'a self, reactor: &mut Reactor<'a>, handlers: Handlers<'a>) -> Result<()> {
        let voter = self.voter.as_ref().ok_or(Error::EINVAL)?;
        let handlers = Rc::new(RefCell::new(handlers));
        reactor.add_timer(self.heartbeat, 0, move |_, _| {
            self.statepub.send(self.state().wire().as_str(), 0)
        });
        let on_state = Rc::clone(&handlers);
        reactor.add_reader(&self.statesub, move |reactor, socket| {
            let message = Multipart::recv(socket)?;
            match peer_state(&message) {
                Some(peer) => self.run(reactor, Event::Peer(peer), &on_state).map(drop),
                None => {
                    self.say(&format!("W: ignored bad state message: {}", message.dump()));
                    Ok(())
                }
            }
        });
        reactor.add_reader(voter, move |reactor, socket| {
            if self.run(reactor, Event::ClientRequest, &handlers)? {
                (handlers.borrow_mut().voter)(reactor, socket)
            } else {
                Multipart::recv(socket).map(drop)
            }
        });
        Ok(())
    }

    /// Runs the server on a reactor of its own until interrupted or split brain
    /// (`bstar_start`).
    pub fn start<'a>(&'a self, handlers: Handlers<'a>) -> Result<()> {
        let mut reactor = Reactor::new();
        self.attach(&mut reactor, handlers)?;
        reactor.start()
    }

    /// Feeds `event` to the machine and acts on the transition; true if a client request
    /// is to be served.
    fn run<'a>(
        &self,
        reactor: &mut Reactor<'a>,
        event: Event,
        handlers: &RefCell<Handlers<'a>>,
    ) -> Result<bool> {
        let outcome = self.fsm.borrow_mut().handle(event, Instant::now());
        match outcome {
            Transition::Stay => Ok(true),
            Transition::Reject => Ok(false),
            Transition::Become(state, line) => {
                self.say(line);
                let mut handlers = handlers.borrow_mut();
                let handler = match state {
                    State::Active => handlers.active.as_mut(),
                    State::Passive => handlers.passive.as_mut(),
                    State::Primary | State::Backup => None,
                };
                if let Some(handler) = handler {
                    handler(reactor)?;
                }
                Ok(true)
            }
            Transition::Fatal(line) => {
                self.say(line);
                self.failure.set(Some(line));
                reactor.stop();
                Ok(false)
            }
        }
    }

    fn say(&self, line: &str) {
        (self.log.borrow_mut())(line);
    }
}

/// The peer state a state message carries: exactly one frame, `1`..`4` in decimal.
pub fn peer_state(message: &Multipart) -> Option<State> {
    match message.len() {
        1 => State::from_wire(message.first()?),
        _ => None,
    }
}
