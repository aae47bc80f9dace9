//! `Reactor` (CZMQ's `zloop`): an event loop that calls your closures when a socket or a raw
//! file descriptor is readable, when a timer fires, or when a ticket expires — instead of a
//! hand-written `poll` loop.
//!
//! * **Readers** ([`add_reader`](Reactor::add_reader), `zloop_reader`) on ferrozmq sockets,
//!   and [`add_fd`](Reactor::add_fd) (`zloop_poller`) on raw descriptors. A closed descriptor
//!   (or a socket that reports an error) is removed and its error kept in
//!   [`reader_errors`](Reactor::reader_errors), as zloop removes a reader that fails.
//! * **Timers** ([`add_timer`](Reactor::add_timer), `zloop_timer`): a delay and a number of
//!   times (0 = forever); cancelled by id ([`cancel_timer`](Reactor::cancel_timer),
//!   `zloop_timer_end`).
//! * **Tickets** ([`add_ticket`](Reactor::add_ticket), `zloop_ticket`): many one-shot timers
//!   that share one delay ([`set_ticket_delay`](Reactor::set_ticket_delay)), with a cheap
//!   [`reset_ticket`](Reactor::reset_ticket) — what heartbeating brokers keep per peer.
//! * Every handler gets the reactor, so it can add or remove readers, timers and tickets. A
//!   handler that returns `Err` ends [`start`](Reactor::start) with that error (zloop's -1);
//!   [`stop`](Reactor::stop) ends it with `Ok` once the handler returns.
//! * The loop also ends, with `Ok`, when a socket's context is terminated (ETERM), when
//!   nothing is left to wait for, and on Ctrl-C or SIGTERM ([`crate::interrupt`]) unless
//!   [`set_nonstop`](Reactor::set_nonstop) or [`ignore_interrupts`](Reactor::ignore_interrupts)
//!   says otherwise.
//!
//! Between events the loop sleeps in `ppoll(2)` until the next timer's due time, to the
//! nanosecond (not `poll(2)`'s whole milliseconds), so an idle reactor costs no CPU and a
//! timer fires on time rather than up to a millisecond late.
//!
//! ```
//! use ferrozmq::{reactor::Reactor, Context, PULL, PUSH};
//! use std::time::Duration;
//! let ctx = Context::new();
//! let pull = ctx.socket(PULL)?;
//! pull.bind("inproc://reactor-doc")?;
//! let push = ctx.socket(PUSH)?;
//! push.connect("inproc://reactor-doc")?;
//!
//! let mut reactor = Reactor::new();
//! // Send one message 10 ms from now; the reader stops the loop when it arrives.
//! reactor.add_timer(Duration::from_millis(10), 1, |_, _| push.send("tick", 0));
//! reactor.add_reader(&pull, |reactor, socket| {
//!     assert_eq!(socket.recv_msg(0)?.as_str(), Some("tick"));
//!     reactor.stop();
//!     Ok(())
//! });
//! reactor.start()?;
//! # Ok::<(), ferrozmq::Error>(())
//! ```

use crate::deadlines::Deadlines;
use crate::error::{Error, Result};
use crate::interrupt::{catch_interrupts, interrupted};
use crate::poll::{poll_until, PollEvents, PollItem, POLLERR, POLLIN};
use crate::socket::Socket;
use std::collections::HashMap;
use std::os::fd::RawFd;
use std::time::{Duration, Instant};

/// Identifies a reactor timer (zloop's timer id).
pub type TimerId = u64;
/// Identifies a reactor ticket (zloop's `void *` ticket handle).
pub type TicketId = u64;

type SocketHandler<'a> = Box<dyn FnMut(&mut Reactor<'a>, &'a Socket) -> Result<()> + 'a>;
type FdHandler<'a> = Box<dyn FnMut(&mut Reactor<'a>, RawFd, PollEvents) -> Result<()> + 'a>;
type TimerHandler<'a> = Box<dyn FnMut(&mut Reactor<'a>, TimerId) -> Result<()> + 'a>;
type TicketHandler<'a> = Box<dyn FnOnce(&mut Reactor<'a>, TicketId) -> Result<()> + 'a>;

enum Source<'a> {
    Socket(&'a Socket, Option<SocketHandler<'a>>),
    Fd(RawFd, PollEvents, Option<FdHandler<'a>>),
}

struct Reader<'a> {
    key: u64,
    source: Source<'a>,
}

struct Timer<'a> {
    delay: Duration,
    /// Firings left; `None` for forever.
    times_left: Option<usize>,
    due: Instant,
    /// `None` while the handler runs.
    handler: Option<TimerHandler<'a>>,
}

struct Ticket<'a> {
    due: Instant,
    handler: TicketHandler<'a>,
}

/// A reader the reactor removed because its socket or descriptor failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReaderError {
    /// The raw descriptor, for a reader added with [`add_fd`](Reactor::add_fd).
    pub fd: Option<RawFd>,
    /// What failed: EBADF for a closed descriptor, the socket's error for a socket.
    pub error: Error,
}

/// The event loop (`zloop_t`); see the [module docs](self). Borrowed sockets live at least as
/// long as the reactor (`'a`), and so may the handlers' captures.
#[derive(Default)]
pub struct Reactor<'a> {
    readers: Vec<Reader<'a>>,
    next_key: u64,
    timers: HashMap<TimerId, Timer<'a>>,
    timer_order: Deadlines,
    tickets: HashMap<TicketId, Ticket<'a>>,
    ticket_order: Deadlines,
    ticket_delay: Option<Duration>,
    errors: Vec<ReaderError>,
    stopped: bool,
    nonstop: bool,
    ignore_interrupts: bool,
}

impl<'a> Reactor<'a> {
    /// An empty reactor (`zloop_new`).
    pub fn new() -> Reactor<'a> {
        Reactor::default()
    }

    fn key(&mut self) -> u64 {
        self.next_key += 1;
        self.next_key
    }

    /// Calls `handler` whenever `socket` has a message to read (`zloop_reader`). The handler
    /// must read it, or it is called again at once.
    pub fn add_reader(
        &mut self,
        socket: &'a Socket,
        handler: impl FnMut(&mut Reactor<'a>, &'a Socket) -> Result<()> + 'a,
    ) {
        let key = self.key();
        self.readers.push(Reader {
            key,
            source: Source::Socket(socket, Some(Box::new(handler))),
        });
    }

    /// Stops reading `socket` (`zloop_reader_end`); a no-op if it has no reader.
    pub fn remove_reader(&mut self, socket: &Socket) {
        self.readers
            .retain(|r| !matches!(r.source, Source::Socket(s, _) if std::ptr::eq(s, socket)));
    }

    /// Calls `handler` with the events found whenever raw descriptor `fd` has any of `events`
    /// (`zloop_poller` with a raw fd). A descriptor that errors (POLLERR, or closed under the
    /// reactor) is removed without a call, and its error kept in
    /// [`reader_errors`](Reactor::reader_errors).
    pub fn add_fd(
        &mut self,
        fd: RawFd,
        events: PollEvents,
        handler: impl FnMut(&mut Reactor<'a>, RawFd, PollEvents) -> Result<()> + 'a,
    ) {
        let key = self.key();
        self.readers.push(Reader {
            key,
            source: Source::Fd(fd, events, Some(Box::new(handler))),
        });
    }

    /// Stops watching `fd` (`zloop_poller_end`); a no-op if it has no reader.
    pub fn remove_fd(&mut self, fd: RawFd) {
        self.readers
            .retain(|r| !matches!(r.source, Source::Fd(f, _, _) if f == fd));
    }

    /// Calls `handler` after `delay`, `times` times (0: until cancelled) (`zloop_timer`);
    /// returns the timer's id.
    pub fn add_timer(
        &mut self,
        delay: Duration,
        times: usize,
        handler: impl FnMut(&mut Reactor<'a>, TimerId) -> Result<()> + 'a,
    ) -> TimerId {
        let id = self.key();
        let due = Instant::now() + delay;
        self.timer_order.insert(due, id);
        self.timers.insert(
            id,
            Timer {
                delay,
                times_left: (times > 0).then_some(times),
                due,
                handler: Some(Box::new(handler)),
            },
        );
        id
    }

    /// Cancels timer `id` (`zloop_timer_end`), even from its own handler; EINVAL if there is
    /// no such timer (it finished, or was cancelled).
    pub fn cancel_timer(&mut self, id: TimerId) -> Result<()> {
        let timer = self.timers.remove(&id).ok_or(Error::EINVAL)?;
        self.timer_order.remove(timer.due, id);
        Ok(())
    }

    /// Sets the delay of tickets added from now on (`zloop_set_ticket_delay`).
    pub fn set_ticket_delay(&mut self, delay: Duration) {
        self.ticket_delay = Some(delay);
    }

    /// Calls `handler` once, the ticket delay from now, unless the ticket is reset or
    /// cancelled first (`zloop_ticket`). EINVAL if no ticket delay was set.
    pub fn add_ticket(
        &mut self,
        handler: impl FnOnce(&mut Reactor<'a>, TicketId) -> Result<()> + 'a,
    ) -> Result<TicketId> {
        let delay = self.ticket_delay.ok_or(Error::EINVAL)?;
        let id = self.key();
        let due = Instant::now() + delay;
        self.ticket_order.insert(due, id);
        self.tickets.insert(
            id,
            Ticket {
                due,
                handler: Box::new(handler),
            },
        );
        Ok(id)
    }

    /// Restarts ticket `id`'s delay from now (`zloop_ticket_reset`); EINVAL if it has fired
    /// or was cancelled. O(log n) in the number of tickets.
    pub fn reset_ticket(&mut self, id: TicketId) -> Result<()> {
        let delay = self.ticket_delay.ok_or(Error::EINVAL)?;
        let ticket = self.tickets.get_mut(&id).ok_or(Error::EINVAL)?;
        self.ticket_order.remove(ticket.due, id);
        ticket.due = Instant::now() + delay;
        self.ticket_order.insert(ticket.due, id);
        Ok(())
    }

    /// Cancels ticket `id` (`zloop_ticket_delete`); EINVAL if it has fired or was cancelled.
    pub fn cancel_ticket(&mut self, id: TicketId) -> Result<()> {
        let ticket = self.tickets.remove(&id).ok_or(Error::EINVAL)?;
        self.ticket_order.remove(ticket.due, id);
        Ok(())
    }

    /// Ends [`start`](Reactor::start) (with `Ok`) as soon as the running handler returns.
    pub fn stop(&mut self) {
        self.stopped = true;
    }

    /// With `true`, Ctrl-C and SIGTERM do not end the loop (`zloop_set_nonstop`): for loops
    /// that are stopped by a message instead, such as an actor's.
    pub fn set_nonstop(&mut self, nonstop: bool) {
        self.nonstop = nonstop;
    }

    /// Leaves signals to the application (`zloop_ignore_interrupts`): the loop installs no
    /// SIGINT/SIGTERM handler, does not look at [`interrupted`], and resumes waiting after a
    /// signal interrupts it.
    pub fn ignore_interrupts(&mut self) {
        self.ignore_interrupts = true;
    }

    /// The readers removed because their socket or descriptor failed, oldest first.
    pub fn reader_errors(&self) -> &[ReaderError] {
        &self.errors
    }

    /// Runs the loop until a handler fails (its `Err`), or (with `Ok`) until
    /// [`stop`](Reactor::stop), ETERM, an interrupt, or until it has no readers, timers or
    /// tickets left (`zloop_start`).
    pub fn start(&mut self) -> Result<()> {
        self.stopped = false;
        let watch_interrupts = !self.ignore_interrupts && !self.nonstop;
        let interrupt_fd = if watch_interrupts {
            Some(catch_interrupts()?)
        } else {
            None
        };
        loop {
            if self.stopped || (watch_interrupts && interrupted()) {
                return Ok(());
            }
            if self.readers.is_empty() && self.timers.is_empty() && self.tickets.is_empty() {
                return Ok(());
            }
            let Some(ready) = self.wait(interrupt_fd)? else {
                return Ok(());
            };
            self.run_timers()?;
            self.run_tickets()?;
            self.run_readers(ready)?;
        }
    }

    /// When to wake up: the next timer's or ticket's due time, or never (None).
    fn next_due(&self) -> Option<Instant> {
        [self.timer_order.first(), self.ticket_order.first()]
            .into_iter()
            .flatten()
            .map(|(due, _)| due)
            .min()
    }

    /// Waits for readers or the next due time; returns the ready readers (key, events), or
    /// `None` if the loop must end (ETERM, or an interrupt).
    fn wait(&mut self, interrupt_fd: Option<RawFd>) -> Result<Option<Vec<(u64, PollEvents)>>> {
        if self.drop_failed_sockets() {
            return Ok(None);
        }
        let mut items: Vec<PollItem<'a>> = Vec::with_capacity(self.readers.len() + 1);
        for reader in &self.readers {
            items.push(match &reader.source {
                Source::Socket(socket, _) => socket.as_poll_item(POLLIN),
                Source::Fd(fd, events, _) => PollItem::from_fd(*fd, *events),
            });
        }
        if let Some(fd) = interrupt_fd {
            items.push(PollItem::from_fd(fd, POLLIN));
        }
        match poll_until(&mut items, self.next_due()) {
            Ok(_) => {}
            Err(Error::EINTR) => return Ok(Some(Vec::new())),
            Err(Error::ETERM) => {
                // Keep which readers saw it.
                drop(items);
                self.drop_failed_sockets();
                return Ok(None);
            }
            Err(_) => {
                // Some socket failed between the check and the wait: the next turn finds it.
                return Ok(Some(Vec::new()));
            }
        }
        if interrupt_fd.is_some() && items.pop().is_some_and(|i| i.is_readable()) {
            return Ok(None);
        }
        let mut ready = Vec::new();
        let mut failed = Vec::new();
        for (reader, item) in self.readers.iter().zip(&items) {
            let revents = item.get_revents();
            match reader.source {
                Source::Fd(fd, _, _) if revents.contains(POLLERR) => failed.push((reader.key, fd)),
                _ if !revents.is_empty() => ready.push((reader.key, revents)),
                _ => {}
            }
        }
        for (key, fd) in failed {
            self.readers.retain(|r| r.key != key);
            self.errors.push(ReaderError {
                fd: Some(fd),
                error: fd_error(fd),
            });
        }
        Ok(Some(ready))
    }

    /// Removes socket readers whose socket fails; true if one failed with ETERM, which ends
    /// the loop.
    fn drop_failed_sockets(&mut self) -> bool {
        let mut failed = Vec::new();
        for reader in &self.readers {
            if let Source::Socket(socket, _) = reader.source {
                if let Err(error) = socket.get_fd().and_then(|_| socket.get_events()) {
                    failed.push((reader.key, error));
                }
            }
        }
        let terminated = failed.iter().any(|(_, error)| *error == Error::ETERM);
        for (key, error) in failed {
            self.readers.retain(|r| r.key != key);
            self.errors.push(ReaderError { fd: None, error });
        }
        terminated
    }

    fn run_timers(&mut self) -> Result<()> {
        let now = Instant::now();
        for (due, id) in self.timer_order.due(now) {
            if self.stopped {
                break;
            }
            self.timer_order.remove(due, id);
            // Skip timers cancelled or reset by an earlier handler of this turn.
            let Some(timer) = self.timers.get_mut(&id).filter(|t| t.due == due) else {
                continue;
            };
            let last = timer.times_left == Some(1);
            if let Some(left) = timer.times_left.as_mut() {
                *left -= 1;
            }
            let Some(mut handler) = timer.handler.take() else {
                continue;
            };
            if last {
                self.timers.remove(&id);
            } else {
                // The next firing counts from this one's due time, so a repeating timer
                // does not drift by each turn's lateness (as zloop's `when += delay`).
                timer.due = (due + timer.delay).max(now);
                self.timer_order.insert(timer.due, id);
            }
            let result = handler(self, id);
            if let Some(timer) = self.timers.get_mut(&id) {
                timer.handler = Some(handler);
            }
            result?;
        }
        Ok(())
    }

    fn run_tickets(&mut self) -> Result<()> {
        let now = Instant::now();
        for (due, id) in self.ticket_order.due(now) {
            if self.stopped {
                break;
            }
            self.ticket_order.remove(due, id);
            if self.tickets.get(&id).is_some_and(|t| t.due == due) {
                if let Some(ticket) = self.tickets.remove(&id) {
                    (ticket.handler)(self, id)?;
                }
            }
        }
        Ok(())
    }

    fn run_readers(&mut self, ready: Vec<(u64, PollEvents)>) -> Result<()> {
        for (key, revents) in ready {
            if self.stopped {
                break;
            }
            // An earlier handler of this turn may have removed this reader.
            let Some(at) = self.readers.iter().position(|r| r.key == key) else {
                continue;
            };
            let result = match &mut self.readers[at].source {
                Source::Socket(socket, handler) => {
                    let socket: &'a Socket = socket;
                    let Some(mut call) = handler.take() else {
                        continue;
                    };
                    let result = call(self, socket);
                    self.restore(key, |source| {
                        if let Source::Socket(_, slot) = source {
                            *slot = Some(call);
                        }
                    });
                    result
                }
                Source::Fd(fd, _, handler) => {
                    let fd = *fd;
                    let Some(mut call) = handler.take() else {
                        continue;
                    };
                    let result = call(self, fd, revents);
                    self.restore(key, |source| {
                        if let Source::Fd(_, _, slot) = source {
                            *slot = Some(call);
                        }
                    });
                    result
                }
            };
            result?;
        }
        Ok(())
    }

    /// Puts a handler back into reader `key`, unless its handler removed it.
    fn restore(&mut self, key: u64, put_back: impl FnOnce(&mut Source<'a>)) {
        if let Some(reader) = self.readers.iter_mut().find(|r| r.key == key) {
            put_back(&mut reader.source);
        }
    }
}

/// Why raw descriptor `fd` reported POLLERR: EBADF if it is closed, else its socket error
/// (or EIO when it has none to give).
fn fd_error(fd: RawFd) -> Error {
    // SAFETY: F_GETFD only inspects the descriptor table.
    if unsafe { libc::fcntl(fd, libc::F_GETFD) } == -1 {
        return Error::Os(libc::EBADF);
    }
    let mut error: libc::c_int = 0;
    let mut len = std::mem::size_of::<libc::c_int>() as libc::socklen_t;
    // SAFETY: SO_ERROR writes one int into `error`; on a non-socket it fails harmlessly.
    let rc = unsafe {
        libc::getsockopt(
            fd,
            libc::SOL_SOCKET,
            libc::SO_ERROR,
            (&mut error as *mut libc::c_int).cast(),
            &mut len,
        )
    };
    if rc == 0 && error != 0 {
        Error::from_raw(error)
    } else {
        Error::Os(libc::EIO)
    }
}
