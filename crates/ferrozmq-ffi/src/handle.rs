//! The objects behind libzmq's `void *` context and socket pointers: a tag first, as libzmq
//! has, so a NULL, foreign or closed pointer is answered with EFAULT (contexts) or ENOTSOCK
//! (sockets) instead of being used. A socket pointer is ferrozmq's own (`Socket::into_raw`),
//! so Rust code can hand a socket to C and take one back (rust-zmq's `as_mut_ptr`, `from_raw`).
//!
//! A socket of a draft thread-safe type (CLIENT, SERVER, RADIO, DISH, SCATTER, GATHER, PEER,
//! CHANNEL) is a [`ferrozmq::ThreadSafeSocket`] behind a tagged block of this crate's own, as
//! libzmq lets many threads use those at once: every call takes its lock, and a blocking send
//! or receive waits with the lock released.

use crate::errno::{Errno, Outcome, EFAULT, ENOTSOCK};
use std::ffi::c_void;

const CONTEXT_TAG: u32 = 0xabad_cafe;
/// The tag a taken-back object is left with, so a stale pointer to it is refused.
const DEAD_TAG: u32 = 0xdead_beef;

/// What a C context pointer points at.
#[repr(C)]
pub struct ContextHandle {
    tag: u32,
    /// The Rust context.
    pub context: ferrozmq::Context,
}

/// A new context, as the pointer handed to C.
pub fn new_context(context: ferrozmq::Context) -> *mut c_void {
    Box::into_raw(Box::new(ContextHandle {
        tag: CONTEXT_TAG,
        context,
    }))
    .cast()
}

/// The tag of a live thread-safe socket's block.
const SHARED_SOCKET_TAG: u32 = 0xbadd_5afe;

/// What a C pointer to a thread-safe socket points at.
#[repr(C)]
struct SharedSocketHandle {
    tag: u32,
    socket: ferrozmq::ThreadSafeSocket,
}

/// A new socket of `socket_type`, as the pointer handed to C.
pub fn new_socket(
    context: &ferrozmq::Context,
    socket_type: ferrozmq::SocketType,
) -> ferrozmq::Result<*mut c_void> {
    if socket_type.is_thread_safe() {
        let socket = context.thread_safe_socket(socket_type)?;
        return Ok(Box::into_raw(Box::new(SharedSocketHandle {
            tag: SHARED_SOCKET_TAG,
            socket,
        }))
        .cast());
    }
    Ok(context.socket(socket_type)?.into_raw())
}

/// A socket as C calls reach it: one thread's, or one many threads share.
#[derive(Clone, Copy)]
pub enum SocketRef<'a> {
    /// A socket of a type that is not thread-safe (libzmq: one thread at a time).
    Plain(&'a ferrozmq::Socket),
    /// A socket of a draft thread-safe type.
    Shared(&'a ferrozmq::ThreadSafeSocket),
}

impl<'a> SocketRef<'a> {
    /// Runs `call` on the socket (holding a thread-safe socket's lock): for every call that
    /// does not block.
    pub fn with<R>(self, call: impl FnOnce(&ferrozmq::Socket) -> R) -> R {
        match self {
            SocketRef::Plain(socket) => call(socket),
            SocketRef::Shared(socket) => socket.with_socket(call),
        }
    }

    /// Sends one frame, waiting as `flags` and SNDTIMEO allow.
    pub fn send(self, message: ferrozmq::Message, flags: i32) -> ferrozmq::Result<()> {
        match self {
            SocketRef::Plain(socket) => socket.send(message, flags),
            SocketRef::Shared(socket) => socket.send(message, flags),
        }
    }

    /// Sends the frame in `slot`, emptying it only on success (`zmq_msg_send`).
    pub fn send_one(
        self,
        slot: &mut Option<ferrozmq::Message>,
        flags: i32,
    ) -> ferrozmq::Result<()> {
        match self {
            SocketRef::Plain(socket) => socket.send_one(slot, flags),
            SocketRef::Shared(socket) => socket.send_one(slot, flags),
        }
    }

    /// Receives one frame, waiting as `flags` and RCVTIMEO allow.
    pub fn recv_msg(self, flags: i32) -> ferrozmq::Result<ferrozmq::Message> {
        match self {
            SocketRef::Plain(socket) => socket.recv_msg(flags),
            SocketRef::Shared(socket) => socket.recv_msg(flags),
        }
    }

    /// Receives one frame into `buffer` (truncating), returning the frame's full size.
    pub fn recv_into(self, buffer: &mut [u8], flags: i32) -> ferrozmq::Result<usize> {
        match self {
            SocketRef::Plain(socket) => socket.recv_into(buffer, flags),
            SocketRef::Shared(socket) => {
                let message = socket.recv_msg(flags)?;
                let n = message.len().min(buffer.len());
                buffer[..n].copy_from_slice(&message[..n]);
                Ok(message.len())
            }
        }
    }

    /// The socket as an entry of a poll set.
    pub fn as_poll_item(self, events: ferrozmq::PollEvents) -> ferrozmq::PollItem<'a> {
        match self {
            SocketRef::Plain(socket) => socket.as_poll_item(events),
            SocketRef::Shared(socket) => socket.as_poll_item(events),
        }
    }
}

/// The object of type `T` (a `#[repr(C)]` struct whose first field is its `u32` tag) behind
/// a C pointer; `errno` for NULL or a pointer whose tag is not `tag`.
///
/// # Safety
/// `pointer` is NULL or points at readable memory of at least a tag's size.
pub(crate) unsafe fn tagged<T>(pointer: *mut c_void, tag: u32, errno: Errno) -> Outcome<*mut T> {
    if pointer.is_null() || pointer.cast::<u32>().read() != tag {
        return Err(errno);
    }
    Ok(pointer.cast())
}

/// The context behind a C pointer; EFAULT for NULL or a terminated context.
///
/// # Safety
/// `pointer` is NULL or came from `new_context` (and, if terminated, its memory is readable).
pub unsafe fn context<'a>(pointer: *mut c_void) -> Outcome<&'a ferrozmq::Context> {
    let handle = tagged::<ContextHandle>(pointer, CONTEXT_TAG, EFAULT)?;
    Ok(&(*handle).context)
}

/// The socket behind a C pointer; ENOTSOCK for NULL or a closed socket.
///
/// # Safety
/// As [`context`], for `new_socket`.
pub unsafe fn socket<'a>(pointer: *mut c_void) -> Outcome<SocketRef<'a>> {
    if let Ok(shared) = tagged::<SharedSocketHandle>(pointer, SHARED_SOCKET_TAG, ENOTSOCK) {
        return Ok(SocketRef::Shared(&(*shared).socket));
    }
    ferrozmq::Socket::borrow_raw(pointer)
        .map(SocketRef::Plain)
        .ok_or(ENOTSOCK)
}

/// Takes a context back from C (`zmq_ctx_term`), marking the pointer dead first.
///
/// # Safety
/// As [`context`]; the pointer is not used by C afterwards except by mistake.
pub unsafe fn take_context(pointer: *mut c_void) -> Outcome<Box<ContextHandle>> {
    let handle = tagged::<ContextHandle>(pointer, CONTEXT_TAG, EFAULT)?;
    (*handle).tag = DEAD_TAG;
    Ok(Box::from_raw(handle))
}

/// Frees the tagged `T` at `*pointer_p` (made with `Box::into_raw`), marking it dead first,
/// and sets `*pointer_p` to NULL: the `zmq_*_destroy (void **)` calls. EFAULT for a NULL
/// `pointer_p`, a NULL or foreign object, or one already destroyed.
///
/// # Safety
/// `pointer_p` is NULL or points at NULL or at a pointer to a live or destroyed `T` with tag
/// `tag`.
pub(crate) unsafe fn destroy_tagged<T>(pointer_p: *mut *mut c_void, tag: u32) -> Outcome<()> {
    if pointer_p.is_null() {
        return Err(EFAULT);
    }
    let object = tagged::<T>(*pointer_p, tag, EFAULT)?;
    object.cast::<u32>().write(DEAD_TAG);
    drop(Box::from_raw(object));
    *pointer_p = std::ptr::null_mut();
    Ok(())
}

/// Takes a socket back from C (`zmq_close`); dropping it marks the pointer dead.
///
/// # Safety
/// As [`take_context`], for sockets.
pub unsafe fn take_socket(pointer: *mut c_void) -> Outcome<()> {
    match socket(pointer)? {
        SocketRef::Shared(_) => {
            let shared = pointer.cast::<SharedSocketHandle>();
            (*shared).tag = DEAD_TAG;
            drop(Box::from_raw(shared));
        }
        SocketRef::Plain(_) => drop(ferrozmq::Socket::from_raw(pointer)),
    }
    Ok(())
}
