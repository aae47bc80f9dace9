//! The atomics and the `UnsafeCell` of the lock-free code (`spsc.rs`, `pipe.rs`): std's in
//! every normal build, loom's under `cfg(ferrozmq_loom)`, so that the loom tests
//! (`loom_models/`) model-check the real queue and pipe code, not a copy of it.
//!
//! Both sides offer loom's `UnsafeCell` API: `get`/`get_mut` hand out a pointer whose
//! `deref` is the access (loom records it as a read or a write for as long as the pointer
//! lives, and reports accesses that no happens-before relation orders). std's side is a
//! transparent wrapper that compiles to the bare pointer, so normal builds are unchanged.

#[cfg(ferrozmq_loom)]
pub(crate) use loom::{cell::UnsafeCell, sync::atomic};
#[cfg(not(ferrozmq_loom))]
pub(crate) use {cell::UnsafeCell, std::sync::atomic};

#[cfg(not(ferrozmq_loom))]
mod cell {
    /// `std::cell::UnsafeCell` with loom's access API.
    #[repr(transparent)]
    pub(crate) struct UnsafeCell<T>(std::cell::UnsafeCell<T>);

    impl<T> UnsafeCell<T> {
        /// A cell holding `value`.
        #[inline(always)]
        pub(crate) fn new(value: T) -> UnsafeCell<T> {
            UnsafeCell(std::cell::UnsafeCell::new(value))
        }

        /// A pointer for reading the content.
        #[inline(always)]
        pub(crate) fn get(&self) -> ConstPtr<T> {
            ConstPtr(self.0.get())
        }

        /// A pointer for writing the content.
        #[inline(always)]
        pub(crate) fn get_mut(&self) -> MutPtr<T> {
            MutPtr(self.0.get())
        }
    }

    /// A read access to an [`UnsafeCell`]'s content.
    pub(crate) struct ConstPtr<T>(*const T);

    impl<T> ConstPtr<T> {
        /// The content.
        ///
        /// # Safety
        /// As dereferencing the cell's raw pointer: no write may happen while the reference
        /// lives.
        #[inline(always)]
        pub(crate) unsafe fn deref(&self) -> &T {
            // SAFETY: the caller's contract.
            unsafe { &*self.0 }
        }
    }

    /// A write access to an [`UnsafeCell`]'s content.
    pub(crate) struct MutPtr<T>(*mut T);

    impl<T> MutPtr<T> {
        /// The content, mutably.
        ///
        /// # Safety
        /// As dereferencing the cell's raw pointer: no other access may happen while the
        /// reference lives.
        #[inline(always)]
        #[allow(clippy::mut_from_ref)] // loom's API: the pointer stands for the access.
        pub(crate) unsafe fn deref(&self) -> &mut T {
            // SAFETY: the caller's contract.
            unsafe { &mut *self.0 }
        }
    }
}
