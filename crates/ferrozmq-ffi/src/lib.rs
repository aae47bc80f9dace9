//! # ferrozmq-ffi — libzmq 4.3's C ABI over ferrozmq
//!
//! Built as a shared library with soname `libzmq.so.5` and described by a `zmq.h` generated
//! from these declarations (cbindgen, `include/zmq.h`), it lets C, C++ and Python programs
//! written for libzmq run on ferrozmq unchanged. Every entry point catches Rust panics at the
//! boundary and reports failures through the thread's `errno` with libzmq's numbers.

#![allow(non_camel_case_types)]

mod args;
pub mod constants;
mod context;
#[cfg(feature = "draft")]
pub mod draft;
mod errno;
mod handle;
mod iov;
mod message;
mod poll;
mod socket;
mod utility;
mod utils;
