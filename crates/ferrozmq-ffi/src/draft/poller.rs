//! `zmq_poller_*`: a set of sockets and descriptors with user data, waited on together.
//! Each wait checks every socket pointer again (a closed one is ENOTSOCK) and polls the set
//! with `ferrozmq::poll`, so the set holds no Rust borrow of a socket between calls.

use crate::errno::{guard, Errno, Outcome, EFAULT, EINVAL};
use crate::handle;
use std::ffi::{c_int, c_long, c_short, c_void};
use std::os::fd::AsRawFd;

/// One ready entry, as `zmq_poller_wait` and `zmq_poller_wait_all` report it.
#[repr(C)]
pub struct zmq_poller_event_t {
    /// The socket, or NULL for a descriptor entry.
    pub socket: *mut c_void,
    /// The descriptor of a descriptor entry.
    pub fd: c_int,
    /// The user data given to `zmq_poller_add`.
    pub user_data: *mut c_void,
    /// The events found.
    pub events: c_short,
}

/// What an entry waits on.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Target {
    Socket(*mut c_void),
    Fd(c_int),
}

/// One entry of the set.
struct Entry {
    target: Target,
    user_data: *mut c_void,
    events: c_short,
}

const POLLER_TAG: u32 = 0xcafe_f00d;

/// What a C poller pointer points at: a tag (EFAULT for anything else), the entries and,
/// once `zmq_poller_fd` has been asked for, the epoll set behind that descriptor.
#[repr(C)]
struct PollerHandle {
    tag: u32,
    entries: Vec<Entry>,
    readiness: Option<ferrozmq::ReadinessSet>,
}

/// The poller behind a C pointer; EFAULT for NULL or a destroyed poller.
///
/// # Safety
/// `poller` is NULL or from `zmq_poller_new`.
unsafe fn poller<'a>(poller: *mut c_void) -> Outcome<&'a mut PollerHandle> {
    Ok(&mut *handle::tagged::<PollerHandle>(
        poller, POLLER_TAG, EFAULT,
    )?)
}

impl PollerHandle {
    fn modify(&mut self, target: Target, events: c_short) -> Outcome<c_int> {
        let entry = self
            .entries
            .iter_mut()
            .find(|entry| entry.target == target)
            .ok_or(EINVAL)?;
        entry.events = checked(events)?;
        let (target, events) = (entry.target, entry.events);
        self.unwatch(target);
        self.watch(target, events)?;
        Ok(0)
    }

    fn add(&mut self, target: Target, user_data: *mut c_void, events: c_short) -> Outcome<c_int> {
        if self.entries.iter().any(|entry| entry.target == target) {
            return Err(EINVAL);
        }
        let events = checked(events)?;
        self.watch(target, events)?;
        self.entries.push(Entry {
            target,
            user_data,
            events,
        });
        Ok(0)
    }

    fn remove(&mut self, target: Target) -> Outcome<c_int> {
        let index = self
            .entries
            .iter()
            .position(|entry| entry.target == target)
            .ok_or(EINVAL)?;
        self.entries.remove(index);
        self.unwatch(target);
        Ok(0)
    }

    /// `zmq_poller_fd`: the readiness set's descriptor, made on first use; EINVAL unless a
    /// thread-safe socket is in the set, as libzmq (whose descriptor exists only then).
    ///
    /// # Safety
    /// Every socket entry's pointer is NULL or from `zmq_socket`.
    unsafe fn fd(&mut self) -> Outcome<c_int> {
        let mut thread_safe = false;
        for entry in &self.entries {
            if let Target::Socket(socket) = entry.target {
                thread_safe |= matches!(handle::socket(socket)?, handle::SocketRef::Shared(_));
            }
        }
        if !thread_safe {
            return Err(EINVAL);
        }
        if self.readiness.is_none() {
            self.readiness = Some(ferrozmq::ReadinessSet::new()?);
            for (target, events) in self
                .entries
                .iter()
                .map(|e| (e.target, e.events))
                .collect::<Vec<_>>()
            {
                self.watch(target, events)?;
            }
        }
        Ok(self.readiness.as_ref().map_or(-1, |set| set.as_raw_fd()))
    }

    /// Adds an entry's descriptor to the readiness set, if there is one.
    fn watch(&self, target: Target, events: c_short) -> Outcome<()> {
        let Some(readiness) = &self.readiness else {
            return Ok(());
        };
        match target {
            // SAFETY: as every caller's, socket pointers are NULL or from `zmq_socket`.
            Target::Socket(socket) if events != 0 => {
                unsafe { handle::socket(socket)? }.with(|s| readiness.watch_socket(s))?
            }
            Target::Socket(_) => {}
            Target::Fd(fd) => readiness.watch_fd(fd, self::events(events))?,
        }
        Ok(())
    }

    /// Removes an entry's descriptor from the readiness set, if there is one.
    fn unwatch(&self, target: Target) {
        let Some(readiness) = &self.readiness else {
            return;
        };
        match target {
            // SAFETY: as `watch`.
            Target::Socket(socket) => {
                if let Ok(Ok(fd)) =
                    unsafe { handle::socket(socket) }.map(|s| s.with(|s| s.get_fd()))
                {
                    readiness.unwatch_fd(fd);
                }
            }
            Target::Fd(fd) => readiness.unwatch_fd(fd),
        }
    }

    /// Makes the readiness descriptor quiet until something changes again.
    fn clear_readiness(&mut self) {
        if let Some(readiness) = &mut self.readiness {
            readiness.clear();
        }
    }

    /// Waits up to `timeout` ms; writes up to `out.len()` ready entries and returns how many
    /// (EAGAIN for none, EFAULT for a set watching no events waited on forever, as
    /// libzmq: an entry added with no events counts as absent).
    ///
    /// # Safety
    /// Every socket entry's pointer is NULL or from `zmq_socket`.
    unsafe fn wait(&mut self, out: &mut [zmq_poller_event_t], timeout: c_long) -> Outcome<c_int> {
        // c_long is i64 on LP64 targets only.
        #[allow(clippy::useless_conversion)]
        let timeout = i64::from(timeout);
        if timeout < 0 && self.entries.iter().all(|entry| entry.events == 0) {
            return Err(EFAULT);
        }
        let mut items = self
            .entries
            .iter()
            .map(|entry| {
                Ok(match entry.target {
                    Target::Socket(socket) => {
                        handle::socket(socket)?.as_poll_item(events(entry.events))
                    }
                    Target::Fd(fd) => ferrozmq::PollItem::from_fd(fd, events(entry.events)),
                })
            })
            .collect::<Outcome<Vec<_>>>()?;
        self.clear_readiness();
        ferrozmq::poll(&mut items, timeout)?;
        // What woke this wait is taken: the readiness descriptor goes quiet again.
        self.clear_readiness();
        let ready = self
            .entries
            .iter()
            .zip(&items)
            .filter(|(_, item)| !item.get_revents().is_empty());
        let mut found = 0;
        for ((entry, item), slot) in ready.zip(out.iter_mut()) {
            *slot = match entry.target {
                Target::Socket(socket) => zmq_poller_event_t {
                    socket,
                    fd: -1,
                    user_data: entry.user_data,
                    events: item.get_revents().bits(),
                },
                Target::Fd(fd) => zmq_poller_event_t {
                    socket: std::ptr::null_mut(),
                    fd,
                    user_data: entry.user_data,
                    events: item.get_revents().bits(),
                },
            };
            found += 1;
        }
        if found == 0 {
            return Err(Errno(libc::EAGAIN));
        }
        Ok(found)
    }
}

/// libzmq's event bits as the poll set they name (`checked` refused any others).
fn events(bits: c_short) -> ferrozmq::PollEvents {
    ferrozmq::PollEvents::from_bits_truncate(bits)
}

/// The events an entry may wait for: EINVAL for bits beyond POLLIN, POLLOUT, POLLERR and
/// POLLPRI, as libzmq.
fn checked(events: c_short) -> Outcome<c_short> {
    let known = ferrozmq::POLLIN | ferrozmq::POLLOUT | ferrozmq::POLLERR | ferrozmq::POLLPRI;
    if events & !known.bits() != 0 {
        return Err(EINVAL);
    }
    Ok(events)
}

/// A socket entry's target: ENOTSOCK unless `socket` is a live socket.
///
/// # Safety
/// `socket` is NULL or from `zmq_socket`.
unsafe fn socket_target(socket: *mut c_void) -> Outcome<Target> {
    handle::socket(socket)?;
    Ok(Target::Socket(socket))
}

/// A descriptor entry's target: EBADF for -1.
fn fd_target(fd: c_int) -> Outcome<Target> {
    if fd < 0 {
        return Err(Errno(libc::EBADF));
    }
    Ok(Target::Fd(fd))
}

/// `zmq_poller_new`: an empty set.
#[no_mangle]
pub extern "C" fn zmq_poller_new() -> *mut c_void {
    Box::into_raw(Box::new(PollerHandle {
        tag: POLLER_TAG,
        entries: Vec::new(),
        readiness: None,
    }))
    .cast()
}

/// `zmq_poller_destroy`: frees the set `*poller_p` and sets `*poller_p` to NULL (EFAULT
/// for a NULL or destroyed set).
///
/// # Safety
/// `poller_p` is NULL or points at NULL or a pointer from `zmq_poller_new`.
#[no_mangle]
pub unsafe extern "C" fn zmq_poller_destroy(poller_p: *mut *mut c_void) -> c_int {
    guard(-1, || {
        handle::destroy_tagged::<PollerHandle>(poller_p, POLLER_TAG)?;
        Ok(0)
    })
}

/// `zmq_poller_size`: how many entries the set has.
///
/// # Safety
/// `poller` is NULL or from `zmq_poller_new`.
#[no_mangle]
pub unsafe extern "C" fn zmq_poller_size(poller_: *mut c_void) -> c_int {
    guard(-1, || {
        Ok(crate::args::count(poller(poller_)?.entries.len()))
    })
}

/// `zmq_poller_add`: waits on `socket` for `events` too (EINVAL if it is in the set).
///
/// # Safety
/// `poller_` as `zmq_poller_size`; `socket` is NULL or from `zmq_socket` and stays open
/// while in the set.
#[no_mangle]
pub unsafe extern "C" fn zmq_poller_add(
    poller_: *mut c_void,
    socket: *mut c_void,
    user_data: *mut c_void,
    events: c_short,
) -> c_int {
    guard(-1, || {
        let handle = poller(poller_)?;
        handle.add(socket_target(socket)?, user_data, events)
    })
}

/// `zmq_poller_modify`: changes the events wanted for `socket` (EINVAL if not in the set).
///
/// # Safety
/// As `zmq_poller_add`.
#[no_mangle]
pub unsafe extern "C" fn zmq_poller_modify(
    poller_: *mut c_void,
    socket: *mut c_void,
    events: c_short,
) -> c_int {
    guard(-1, || {
        let handle = poller(poller_)?;
        handle.modify(socket_target(socket)?, events)
    })
}

/// `zmq_poller_remove`: stops waiting on `socket` (EINVAL if not in the set).
///
/// # Safety
/// As `zmq_poller_add`.
#[no_mangle]
pub unsafe extern "C" fn zmq_poller_remove(poller_: *mut c_void, socket: *mut c_void) -> c_int {
    guard(-1, || {
        let handle = poller(poller_)?;
        handle.remove(socket_target(socket)?)
    })
}

/// `zmq_poller_add_fd`: waits on descriptor `fd` for `events` too (EBADF for -1, EINVAL
/// if it is in the set).
///
/// # Safety
/// As `zmq_poller_size`.
#[no_mangle]
pub unsafe extern "C" fn zmq_poller_add_fd(
    poller_: *mut c_void,
    fd: c_int,
    user_data: *mut c_void,
    events: c_short,
) -> c_int {
    guard(-1, || {
        poller(poller_)?.add(fd_target(fd)?, user_data, events)
    })
}

/// `zmq_poller_modify_fd`: changes the events wanted for `fd` (EINVAL if not in the set).
///
/// # Safety
/// As `zmq_poller_size`.
#[no_mangle]
pub unsafe extern "C" fn zmq_poller_modify_fd(
    poller_: *mut c_void,
    fd: c_int,
    events: c_short,
) -> c_int {
    guard(-1, || poller(poller_)?.modify(fd_target(fd)?, events))
}

/// `zmq_poller_remove_fd`: stops waiting on `fd` (EINVAL if not in the set).
///
/// # Safety
/// As `zmq_poller_size`.
#[no_mangle]
pub unsafe extern "C" fn zmq_poller_remove_fd(poller_: *mut c_void, fd: c_int) -> c_int {
    guard(-1, || poller(poller_)?.remove(fd_target(fd)?))
}

/// `zmq_poller_wait`: waits up to `timeout` ms (-1: forever) for one entry to be ready and
/// writes it to `*event`; EAGAIN on timeout, EFAULT for a NULL `event`.
///
/// # Safety
/// `poller_` as `zmq_poller_size`; `event` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn zmq_poller_wait(
    poller_: *mut c_void,
    event: *mut zmq_poller_event_t,
    timeout: c_long,
) -> c_int {
    guard(-1, || {
        let handle = poller(poller_)?;
        if event.is_null() {
            return Err(EFAULT);
        }
        handle.wait(std::slice::from_raw_parts_mut(event, 1), timeout)?;
        Ok(0)
    })
}

/// `zmq_poller_wait_all`: waits as `zmq_poller_wait`, writing up to `n_events` ready
/// entries to `events`; returns how many (EINVAL for a negative count, EFAULT for NULL).
///
/// # Safety
/// `poller_` as `zmq_poller_size`; `events` is NULL or `n_events` writable events.
#[no_mangle]
pub unsafe extern "C" fn zmq_poller_wait_all(
    poller_: *mut c_void,
    events: *mut zmq_poller_event_t,
    n_events: c_int,
    timeout: c_long,
) -> c_int {
    guard(-1, || {
        let handle = poller(poller_)?;
        if events.is_null() {
            return Err(EFAULT);
        }
        let n_events = usize::try_from(n_events).map_err(|_| EINVAL)?;
        handle.wait(std::slice::from_raw_parts_mut(events, n_events), timeout)
    })
}

/// `zmq_poller_fd`: libzmq gives a descriptor only while a thread-safe socket is in the
/// set; ferrozmq's C sets have none to give: EINVAL (EFAULT for a bad set).
///
/// # Safety
/// `poller_` as `zmq_poller_size`; `fd` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn zmq_poller_fd(poller_: *mut c_void, fd: *mut c_int) -> c_int {
    guard(-1, || {
        let handle = poller(poller_)?;
        if fd.is_null() {
            return Err(EFAULT);
        }
        *fd = handle.fd()?;
        Ok(0)
    })
}
