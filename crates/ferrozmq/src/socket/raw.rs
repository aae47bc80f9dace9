//! A socket as a C pointer (rust-zmq's `as_mut_ptr`, `into_raw`, `from_raw`): the pointer is
//! the one `ferrozmq-ffi`'s `zmq_socket` returns and its `zmq_*` functions take, so a socket
//! made in Rust can be handed to C code linked against our libzmq, and back.
//!
//! A socket's state lives in one heap block whose address is that pointer. The block starts
//! with libzmq's socket tag (so the C ABI answers ENOTSOCK for a foreign or closed pointer)
//! and holds a `Socket` that points at the block itself: the C ABI borrows that one, so C and
//! Rust act on the same socket.

use super::core::Core;
use super::Socket;
use std::cell::RefCell;
use std::ffi::c_void;
use std::mem::ManuallyDrop;
use std::ptr::NonNull;

/// libzmq's tag of a live socket.
const LIVE_TAG: u32 = 0xbadd_ecaf;
/// libzmq's tag of a closed socket.
const DEAD_TAG: u32 = 0xdead_beef;

/// The heap block behind a socket and its C pointer.
#[repr(C)]
pub(super) struct Body {
    /// First, so the C ABI can check a pointer before trusting it.
    tag: u32,
    /// A handle on this very block, lent to the C ABI; never dropped.
    view: ManuallyDrop<Socket>,
    /// The socket's state.
    pub(super) core: RefCell<Core>,
}

// A `Socket` owns its block as a `Box` would; it may move to another thread as the `Box` could.
// This checks at compile time that what the block holds may.
const _: fn() = || {
    fn is_send<T: Send>() {}
    is_send::<RefCell<Core>>();
};
// SAFETY: the block is owned by one `Socket` (the view is a borrowed alias, reachable only
// through `Socket::borrow_raw` under its caller's promise), and its contents are `Send`.
unsafe impl Send for Socket {}

impl Socket {
    /// A socket owning a new block holding `core`.
    pub(super) fn from_core(core: Core) -> Socket {
        let block = Box::new(Body {
            tag: LIVE_TAG,
            view: ManuallyDrop::new(Socket {
                body: NonNull::dangling(),
            }),
            core: RefCell::new(core),
        });
        let body = NonNull::from(Box::leak(block));
        // SAFETY: `body` was just leaked from a Box and nothing else refers to it yet.
        unsafe { (*body.as_ptr()).view = ManuallyDrop::new(Socket { body }) };
        Socket { body }
    }

    /// The block behind this socket.
    pub(super) fn body(&self) -> &Body {
        // SAFETY: the block lives until the owning `Socket` drops, which outlives `&self`.
        unsafe { self.body.as_ref() }
    }

    /// The socket's C pointer, as `zmq_socket` returns it: C code linked against ferrozmq's
    /// libzmq (`ferrozmq-ffi`) may pass it to any `zmq_*` socket function while this `Socket`
    /// lives. It must not `zmq_close` it (this `Socket` closes it when dropped).
    pub fn as_mut_ptr(&mut self) -> *mut c_void {
        self.body.as_ptr().cast()
    }

    /// Gives the socket to C: returns its C pointer, which `zmq_close` closes (or
    /// [`Socket::from_raw`] takes back). Not closing it leaks the socket.
    pub fn into_raw(self) -> *mut c_void {
        let body = self.body;
        std::mem::forget(self);
        body.as_ptr().cast()
    }

    /// Takes a socket back from C: the returned `Socket` owns it and closes it when dropped.
    ///
    /// # Safety
    /// `sock` came from [`Socket::into_raw`] or from `ferrozmq-ffi`'s `zmq_socket`, is not
    /// closed, and is used by nobody else once the returned `Socket` drops.
    pub unsafe fn from_raw(sock: *mut c_void) -> Socket {
        Socket {
            // SAFETY: the caller promises a live socket pointer, which is never NULL.
            body: unsafe { NonNull::new_unchecked(sock.cast()) },
        }
    }

    /// The socket behind a C pointer, for the C ABI's functions: `None` for NULL or a
    /// pointer whose tag is not a live socket's (ENOTSOCK in libzmq).
    ///
    /// # Safety
    /// `sock` is NULL or points at readable memory at least 4 bytes long; if it is a socket
    /// pointer, the socket stays open (and is used by one thread at a time) for `'a`.
    pub unsafe fn borrow_raw<'a>(sock: *mut c_void) -> Option<&'a Socket> {
        if sock.is_null() {
            return None;
        }
        // SAFETY: the caller promises 4 readable bytes, the tag of every socket block.
        if unsafe { sock.cast::<u32>().read() } != LIVE_TAG {
            return None;
        }
        // SAFETY: the tag says this is a live socket block, which the caller keeps open.
        Some(unsafe { &(*sock.cast::<Body>()).view })
    }
}

impl Drop for Socket {
    fn drop(&mut self) {
        let body = self.body.as_ptr();
        // SAFETY: this `Socket` owns the block (views are never dropped); the tag is marked
        // dead first, as libzmq does, before the block is freed.
        unsafe {
            (*body).tag = DEAD_TAG;
            drop(Box::from_raw(body));
        }
    }
}
