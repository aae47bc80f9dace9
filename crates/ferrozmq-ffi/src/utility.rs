//! Calls that need no socket: `zmq_version`, `zmq_has`, `zmq_z85_*`, `zmq_curve_*`.

use crate::args::text;
use crate::errno::{guard, Outcome, EFAULT, EINVAL};
use std::ffi::{c_char, c_int};
use std::ptr;

/// `zmq_version`: the libzmq API version implemented (NULL pointers are skipped).
///
/// # Safety
/// Each pointer is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn zmq_version(major: *mut c_int, minor: *mut c_int, patch: *mut c_int) {
    let (version_major, version_minor, version_patch) = ferrozmq::version();
    for (out, value) in [
        (major, version_major),
        (minor, version_minor),
        (patch, version_patch),
    ] {
        if !out.is_null() {
            out.write(value);
        }
    }
}

/// `zmq_has`: 1 if the library has `capability` ("ipc", "curve", "draft"…), else 0.
///
/// # Safety
/// `capability` is NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn zmq_has(capability: *const c_char) -> c_int {
    guard(0, || {
        Ok(c_int::from(
            ferrozmq::has(text(capability)?).unwrap_or(false),
        ))
    })
}

/// Writes `text` and a NUL at `dest`.
unsafe fn write_text(dest: *mut c_char, text: &str) {
    ptr::copy_nonoverlapping(text.as_ptr(), dest.cast::<u8>(), text.len());
    dest.add(text.len()).write(0);
}

/// `zmq_z85_encode`: writes the Z85 text of `size` bytes (a multiple of 4) and a NUL at
/// `dest` (`size * 5 / 4 + 1` bytes); returns `dest`, or NULL and EINVAL.
///
/// # Safety
/// `data` points at `size` bytes; `dest` at enough writable bytes.
#[no_mangle]
pub unsafe extern "C" fn zmq_z85_encode(
    dest: *mut c_char,
    data: *const u8,
    size: usize,
) -> *mut c_char {
    guard(ptr::null_mut(), || {
        if size % 4 != 0 {
            return Err(EINVAL);
        }
        if dest.is_null() || data.is_null() {
            return Err(EFAULT);
        }
        let encoded =
            ferrozmq::z85_encode(std::slice::from_raw_parts(data, size)).map_err(|_| EINVAL)?;
        write_text(dest, &encoded);
        Ok(dest)
    })
}

/// `zmq_z85_decode`: writes the bytes of Z85 `text` (length a multiple of 5) at `dest`;
/// returns `dest`, or NULL and EINVAL.
///
/// # Safety
/// `text` is a NUL-terminated string; `dest` has `strlen(text) * 4 / 5` writable bytes.
#[no_mangle]
pub unsafe extern "C" fn zmq_z85_decode(dest: *mut u8, text_in: *const c_char) -> *mut u8 {
    guard(ptr::null_mut(), || {
        if dest.is_null() {
            return Err(EFAULT);
        }
        let decoded = ferrozmq::z85_decode(text(text_in)?).map_err(|_| EINVAL)?;
        ptr::copy_nonoverlapping(decoded.as_ptr(), dest, decoded.len());
        Ok(dest)
    })
}

/// A 32-byte CURVE key from its 40-character Z85 text.
unsafe fn z85_key(key: *const c_char) -> Outcome<[u8; 32]> {
    let decoded = ferrozmq::z85_decode(text(key)?).map_err(|_| EINVAL)?;
    <[u8; 32]>::try_from(decoded).map_err(|_| EINVAL)
}

/// `zmq_curve_keypair`: a new CURVE key pair, each key as 40 Z85 characters and a NUL.
///
/// # Safety
/// Each pointer has 41 writable bytes.
#[no_mangle]
pub unsafe extern "C" fn zmq_curve_keypair(
    public_key: *mut c_char,
    secret_key: *mut c_char,
) -> c_int {
    guard(-1, || {
        if public_key.is_null() || secret_key.is_null() {
            return Err(EFAULT);
        }
        let pair = ferrozmq::CurveKeyPair::new()?;
        write_text(public_key, &pair.public_txt());
        write_text(secret_key, &pair.secret_txt());
        Ok(0)
    })
}

/// `zmq_curve_public`: the Z85 public key (40 characters and a NUL) of a Z85 secret key.
///
/// # Safety
/// `public_key` has 41 writable bytes; `secret_key` is a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn zmq_curve_public(
    public_key: *mut c_char,
    secret_key: *const c_char,
) -> c_int {
    guard(-1, || {
        if public_key.is_null() {
            return Err(EFAULT);
        }
        let public = ferrozmq::curve_public(&z85_key(secret_key)?);
        let encoded = ferrozmq::z85_encode(&public).map_err(|_| EINVAL)?;
        write_text(public_key, &encoded);
        Ok(0)
    })
}
