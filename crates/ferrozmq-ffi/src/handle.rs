//! The objects behind libzmq's `void *` context and socket pointers: a tag first, as libzmq
//! has, so a NULL, foreign or closed pointer is answered with EFAULT (contexts) or ENOTSOCK
//! (sockets) instead of being used. A socket pointer is ferrozmq's own (`Socket::into_raw`),
//! so Rust code can hand a socket to C and take one back (rust-zmq's `as_mut_ptr`, `from_raw`).

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

/// A new socket, as the pointer handed to C.
pub fn new_socket(socket: ferrozmq::Socket) -> *mut c_void {
    socket.into_raw()
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
pub unsafe fn socket<'a>(pointer: *mut c_void) -> Outcome<&'a ferrozmq::Socket> {
    ferrozmq::Socket::borrow_raw(pointer).ok_or(ENOTSOCK)
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
pub unsafe fn take_socket(pointer: *mut c_void) -> Outcome<ferrozmq::Socket> {
    socket(pointer)?;
    Ok(ferrozmq::Socket::from_raw(pointer))
}
