//! `zmq_msg_t` and the `zmq_msg_*` calls. A `zmq_msg_t` is 64 caller-allocated bytes (aligned
//! to a pointer, as libzmq's header asks): a pointer to a boxed `ferrozmq::Message` at its start
//! and a tag in its last four bytes, so a message that was never initialised or is closed gets
//! EFAULT. The message is boxed because, with the draft types' routing id and group, it no
//! longer fits beside the tag (libzmq keeps its own inline); the boxes of closed messages are
//! kept per thread for the next ones, so a message costs no allocation of its own.

use crate::args::count;
use crate::errno::{guard, Outcome, EFAULT, EINVAL};
use crate::handle;
use bytes::Bytes;
use ferrozmq::Message;
use std::cell::RefCell;
use std::ffi::{c_char, c_int, c_void, CStr, CString};
use std::mem::align_of;
use std::sync::{Mutex, OnceLock};

/// libzmq's message: 64 opaque bytes the caller allocates.
#[repr(C, align(8))]
pub struct zmq_msg_t {
    _d: [u8; 64],
}

/// The free callback of `zmq_msg_init_data` (`zmq_free_fn *` in C): called once with the data
/// and the hint when the last user of the data is gone. Spelled out, not aliased, where it
/// appears in a signature, so that cbindgen writes a plain nullable function pointer.
pub type FreeFn = Option<unsafe extern "C" fn(data: *mut c_void, hint: *mut c_void)>;

/// Where the ZMQ_SHARED flag byte sits, after the message.
const SHARED_OFFSET: usize = 56;
const TAG_OFFSET: usize = 60;
const LIVE_TAG: u32 = 0x5a4d_5347;
/// libzmq's largest inline ("very small") message: copies of larger ones share their buffer.
const MAX_INLINE: usize = 33;

/// ZMQ_MORE for `zmq_msg_get`.
const MORE: c_int = 1;
/// ZMQ_SRCFD for `zmq_msg_get` (deprecated; -1: not known).
const SRCFD: c_int = 2;
/// ZMQ_SHARED for `zmq_msg_get`.
const SHARED: c_int = 3;

/// The tag slot of a `zmq_msg_t`.
unsafe fn tag(msg: *mut zmq_msg_t) -> *mut u32 {
    msg.cast::<u8>().add(TAG_OFFSET).cast()
}

/// The ZMQ_SHARED flag of a `zmq_msg_t`: set for constant data (`zmq_msg_init_data` without
/// a free callback) and for both sides of a `zmq_msg_copy` of a non-inline message. Unlike
/// libzmq's reference count it stays set after the other copy is closed.
unsafe fn shared_flag(msg: *mut zmq_msg_t) -> *mut u8 {
    msg.cast::<u8>().add(SHARED_OFFSET)
}

/// Stores a fresh message into uninitialised `zmq_msg_t` memory.
pub(crate) unsafe fn store(msg: *mut zmq_msg_t, message: Message) -> Outcome<c_int> {
    if msg.is_null() || msg as usize % align_of::<*mut Message>() != 0 {
        return Err(EFAULT);
    }
    msg.cast::<*mut Message>().write(boxed(message));
    shared_flag(msg).write(0);
    tag(msg).write(LIVE_TAG);
    Ok(0)
}

/// The live message in a `zmq_msg_t`; EFAULT for NULL, closed or never initialised.
pub(crate) unsafe fn live<'a>(msg: *mut zmq_msg_t) -> Outcome<&'a mut Message> {
    if msg.is_null()
        || msg as usize % align_of::<*mut Message>() != 0
        || tag(msg).read() != LIVE_TAG
    {
        return Err(EFAULT);
    }
    Ok(&mut *msg.cast::<*mut Message>().read())
}

/// Takes the message out of a live `zmq_msg_t`, leaving it closed.
unsafe fn take(msg: *mut zmq_msg_t) -> Outcome<Message> {
    live(msg)?;
    tag(msg).write(0);
    Ok(unboxed(msg.cast::<*mut Message>().read()))
}

/// How many boxes of closed messages a thread keeps for its next messages.
const SPARE_BOXES: usize = 16;

thread_local! {
    // The boxes themselves are what is kept: a `zmq_msg_t` holds a box's address.
    #[allow(clippy::vec_box)]
    static SPARE: RefCell<Vec<Box<Message>>> = const { RefCell::new(Vec::new()) };
}

/// `message` in a box: a spare one of this thread's if it has one.
fn boxed(message: Message) -> *mut Message {
    let spare = SPARE.try_with(|s| s.borrow_mut().pop()).ok().flatten();
    match spare {
        Some(mut reused) => {
            *reused = message;
            Box::into_raw(reused)
        }
        None => Box::into_raw(Box::new(message)),
    }
}

/// The message in box `ptr`, the box kept as a spare (up to [`SPARE_BOXES`]).
///
/// # Safety
/// `ptr` came from [`boxed`] and is not used again.
unsafe fn unboxed(ptr: *mut Message) -> Message {
    let mut emptied = Box::from_raw(ptr);
    let message = std::mem::take(&mut *emptied);
    let mut emptied = Some(emptied);
    let _ = SPARE.try_with(|s| {
        let mut spare = s.borrow_mut();
        if spare.len() < SPARE_BOXES {
            spare.extend(emptied.take());
        }
    });
    message
}

/// Data owned by C: freed through its callback, once, when the last frame sharing it drops.
struct ForeignData {
    data: *mut c_void,
    len: usize,
    free: FreeFn,
    hint: *mut c_void,
}

// SAFETY: libzmq's contract: the data stays valid and untouched by the caller until the free
// callback runs, and the callback may run on any thread (libzmq's I/O threads call it).
unsafe impl Send for ForeignData {}

impl AsRef<[u8]> for ForeignData {
    fn as_ref(&self) -> &[u8] {
        if self.len == 0 {
            return &[];
        }
        // SAFETY: `data` points at `len` bytes valid until the callback (libzmq's contract).
        unsafe { std::slice::from_raw_parts(self.data.cast(), self.len) }
    }
}

impl Drop for ForeignData {
    fn drop(&mut self) {
        if let Some(free) = self.free {
            // SAFETY: the caller's callback, called exactly once, with its own arguments.
            unsafe { free(self.data, self.hint) };
        }
    }
}

/// A frame over C-owned bytes, never copied: `free` (if any) runs once, when the frame and
/// every copy of it are gone.
pub fn borrowed_message(
    data: *const c_void,
    len: usize,
    free: FreeFn,
    hint: *mut c_void,
) -> Message {
    Message::from_shared(Bytes::from_owner(ForeignData {
        data: data.cast_mut(),
        len,
        free,
        hint,
    }))
}

/// `zmq_msg_init`: an empty message.
///
/// # Safety
/// `msg` is NULL or points at a writable `zmq_msg_t`.
#[no_mangle]
pub unsafe extern "C" fn zmq_msg_init(msg: *mut zmq_msg_t) -> c_int {
    guard(-1, || store(msg, Message::new()))
}

/// `zmq_msg_init_size`: a message of `size` bytes for the caller to fill via `zmq_msg_data`.
///
/// # Safety
/// As `zmq_msg_init`.
#[no_mangle]
pub unsafe extern "C" fn zmq_msg_init_size(msg: *mut zmq_msg_t, size: usize) -> c_int {
    guard(-1, || store(msg, Message::with_size(size)))
}

/// `zmq_msg_init_data`: a message over the caller's `size` bytes at `data`, never copied
/// (small ones neither); `free(data, hint)` is called exactly once when no frame uses them
/// any more — after the message was sent or received and closed, as libzmq.
///
/// # Safety
/// As `zmq_msg_init`; `data` stays valid until `free` is called.
#[no_mangle]
pub unsafe extern "C" fn zmq_msg_init_data(
    msg: *mut zmq_msg_t,
    data: *mut c_void,
    size: usize,
    free: Option<unsafe extern "C" fn(data: *mut c_void, hint: *mut c_void)>,
    hint: *mut c_void,
) -> c_int {
    guard(-1, || match (data.is_null(), size) {
        (true, 0) => store(msg, Message::new()),
        (true, _) => Err(EFAULT),
        (false, _) if msg.is_null() => Err(EFAULT),
        (false, _) => {
            store(msg, borrowed_message(data, size, free, hint))?;
            shared_flag(msg).write(u8::from(free.is_none()));
            Ok(0)
        }
    })
}

/// `zmq_msg_close`: releases the message.
///
/// # Safety
/// As `zmq_msg_init`.
#[no_mangle]
pub unsafe extern "C" fn zmq_msg_close(msg: *mut zmq_msg_t) -> c_int {
    guard(-1, || {
        drop(take(msg)?);
        Ok(0)
    })
}

/// `zmq_msg_move`: moves `src`'s content to `dest` (whose old content is released); `src`
/// becomes empty.
///
/// # Safety
/// Both point at initialised messages.
#[no_mangle]
pub unsafe extern "C" fn zmq_msg_move(dest: *mut zmq_msg_t, src: *mut zmq_msg_t) -> c_int {
    guard(-1, || {
        let content = std::mem::take(live(src)?);
        *live(dest)? = content;
        shared_flag(dest).write(shared_flag(src).replace(0));
        Ok(0)
    })
}

/// `zmq_msg_copy`: makes `dest` share `src`'s content (its old content released).
///
/// # Safety
/// As `zmq_msg_move`.
#[no_mangle]
pub unsafe extern "C" fn zmq_msg_copy(dest: *mut zmq_msg_t, src: *mut zmq_msg_t) -> c_int {
    guard(-1, || {
        let content = live(src)?.clone();
        let shared = u8::from(content.len() > MAX_INLINE || shared_flag(src).read() == 1);
        *live(dest)? = content;
        shared_flag(src).write(shared);
        shared_flag(dest).write(shared);
        Ok(0)
    })
}

/// `zmq_msg_data`: the message's bytes; NULL (errno EFAULT) for a bad message. As in
/// libzmq, this is the buffer itself, shared with copies of the message and, for
/// `zmq_msg_init_data`, the caller's own memory: C may write through it (libzmq's contract),
/// so it is never a private copy.
///
/// # Safety
/// As `zmq_msg_move`, for `msg`.
#[no_mangle]
pub unsafe extern "C" fn zmq_msg_data(msg: *mut zmq_msg_t) -> *mut c_void {
    guard(std::ptr::null_mut(), || {
        Ok(live(msg)?.as_ptr().cast_mut().cast())
    })
}

/// `zmq_msg_size`: the message's size in bytes (0 for a bad message).
///
/// # Safety
/// As `zmq_msg_data`.
#[no_mangle]
pub unsafe extern "C" fn zmq_msg_size(msg: *const zmq_msg_t) -> usize {
    guard(0, || Ok(live(msg.cast_mut())?.len()))
}

/// `zmq_msg_more`: 1 if more frames of the same message follow this received one.
///
/// # Safety
/// As `zmq_msg_data`.
#[no_mangle]
pub unsafe extern "C" fn zmq_msg_more(msg: *const zmq_msg_t) -> c_int {
    guard(0, || Ok(c_int::from(live(msg.cast_mut())?.get_more())))
}

/// `zmq_msg_get`: ZMQ_MORE, ZMQ_SRCFD (the connection's descriptor, -1 if none) or ZMQ_SHARED (see `shared_flag`);
/// EINVAL otherwise.
///
/// # Safety
/// As `zmq_msg_data`.
#[no_mangle]
pub unsafe extern "C" fn zmq_msg_get(msg: *const zmq_msg_t, property: c_int) -> c_int {
    guard(-1, || {
        let message = live(msg.cast_mut())?;
        match property {
            MORE => Ok(c_int::from(message.get_more())),
            SRCFD => Ok(message.source_fd()),
            SHARED => Ok(c_int::from(shared_flag(msg.cast_mut()).read())),
            _ => Err(EINVAL),
        }
    })
}

/// `zmq_msg_set`: no property is settable, as in libzmq: EINVAL.
///
/// # Safety
/// As `zmq_msg_data`.
#[no_mangle]
pub unsafe extern "C" fn zmq_msg_set(msg: *mut zmq_msg_t, property: c_int, value: c_int) -> c_int {
    guard(-1, || {
        live(msg)?;
        let _ = (property, value);
        Err(EINVAL)
    })
}

/// A property value as a C string that lives as long as the process: each distinct value is
/// made once and kept (peers' metadata values are few).
fn interned(value: &str) -> *const c_char {
    static VALUES: OnceLock<Mutex<Vec<&'static CStr>>> = OnceLock::new();
    let values = VALUES.get_or_init(Default::default);
    let mut values = values
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(known) = values
        .iter()
        .find(|known| known.to_bytes() == value.as_bytes())
    {
        return known.as_ptr();
    }
    let made: &'static CStr = Box::leak(
        CString::new(value.replace('\0', ""))
            .unwrap_or_default()
            .into_boxed_c_str(),
    );
    values.push(made);
    made.as_ptr()
}

/// `zmq_msg_gets`: a metadata property of the peer the message came from (`Socket-Type`,
/// `Routing-Id`, `Peer-Address`, or one the peer sent); NULL and EINVAL if absent.
///
/// # Safety
/// As `zmq_msg_data`; `property` is NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn zmq_msg_gets(
    msg: *const zmq_msg_t,
    property: *const c_char,
) -> *const c_char {
    guard(std::ptr::null(), || {
        let message = live(msg.cast_mut())?;
        let value = message.gets(crate::args::text(property)?).ok_or(EINVAL)?;
        Ok(interned(value))
    })
}

/// `zmq_msg_send`: sends the message as one frame (ZMQ_SNDMORE: more follow); on success it
/// becomes empty and its size is returned, on failure it is left as it was.
///
/// # Safety
/// `msg` as `zmq_msg_data`; `socket` is NULL or from `zmq_socket`.
#[no_mangle]
pub unsafe extern "C" fn zmq_msg_send(
    msg: *mut zmq_msg_t,
    socket: *mut c_void,
    flags: c_int,
) -> c_int {
    guard(-1, || {
        let socket = handle::socket(socket)?;
        let message = live(msg)?;
        let size = message.len();
        let mut slot = Some(std::mem::take(message));
        let sent = socket.send_one(&mut slot, flags);
        if let Some(unsent) = slot {
            *message = unsent;
        }
        sent?;
        Ok(count(size))
    })
}

/// `zmq_msg_recv`: receives one frame into the message (its old content released); returns
/// its size.
///
/// # Safety
/// As `zmq_msg_send`.
#[no_mangle]
pub unsafe extern "C" fn zmq_msg_recv(
    msg: *mut zmq_msg_t,
    socket: *mut c_void,
    flags: c_int,
) -> c_int {
    guard(-1, || {
        let socket = handle::socket(socket)?;
        let message = live(msg)?;
        *message = socket.recv_msg(flags)?;
        Ok(count(message.len()))
    })
}

/// `zmq_sendmsg` (deprecated): `zmq_msg_send` with the socket first.
///
/// # Safety
/// As `zmq_msg_send`.
#[no_mangle]
pub unsafe extern "C" fn zmq_sendmsg(
    socket: *mut c_void,
    msg: *mut zmq_msg_t,
    flags: c_int,
) -> c_int {
    zmq_msg_send(msg, socket, flags)
}

/// `zmq_recvmsg` (deprecated): `zmq_msg_recv` with the socket first.
///
/// # Safety
/// As `zmq_msg_send`.
#[no_mangle]
pub unsafe extern "C" fn zmq_recvmsg(
    socket: *mut c_void,
    msg: *mut zmq_msg_t,
    flags: c_int,
) -> c_int {
    zmq_msg_recv(msg, socket, flags)
}
