//! Security options (`ZMQ_PLAIN_*`, `ZMQ_CURVE_*`, `ZMQ_ZAP_*`), with libzmq's rules for how
//! they pick the mechanism: setting a PLAIN or CURVE option switches the socket to that
//! mechanism, the `*_SERVER` options choose the server role, and clearing the PLAIN user name
//! (or a `*_SERVER` flag) goes back to NULL. Like every option they apply to later binds and
//! connects. The rules are functions of [`Security`] that the option table (`options.rs`)
//! calls; the typed accessors below go through that table.

use super::Socket;
use crate::error::{Error, Result};
use crate::options::{ids, Mechanism, Security};
use crate::z85::parse_curve_key;

/// Whether `security` is the server side of `mechanism` (PLAIN_SERVER / CURVE_SERVER).
pub(super) fn is_server(security: &Security, mechanism: Mechanism) -> bool {
    security.mechanism == mechanism && security.as_server
}

/// `ZMQ_PLAIN_SERVER`/`ZMQ_CURVE_SERVER`: on picks that mechanism as server, off NULL.
pub(super) fn set_server(security: &mut Security, mechanism: Mechanism, value: bool) {
    security.as_server = value;
    security.mechanism = if value {
        mechanism
    } else {
        Mechanism::ZMQ_NULL
    };
}

/// A PLAIN user name or password: set (at most 255 bytes) makes a PLAIN client, empty (libzmq's
/// NULL) clears it and goes back to NULL.
pub(super) fn set_plain(
    security: &mut Security,
    value: &[u8],
    field: fn(&mut Security) -> &mut Vec<u8>,
) -> Result<()> {
    match value {
        [] => {
            field(security).clear();
            security.mechanism = Mechanism::ZMQ_NULL;
        }
        v if v.len() > 255 => return Err(Error::EINVAL),
        v => {
            *field(security) = v.to_vec();
            security.as_server = false;
            security.mechanism = Mechanism::ZMQ_PLAIN;
        }
    }
    Ok(())
}

/// A CURVE key option (32 bytes, 40 Z85 characters or 41 with a NUL): any of them switches to
/// CURVE (the role is left as it was).
pub(super) fn set_curve_key(
    security: &mut Security,
    key: &[u8],
    field: fn(&mut Security) -> &mut [u8; 32],
) -> Result<()> {
    *field(security) = parse_curve_key(key)?;
    security.mechanism = Mechanism::ZMQ_CURVE;
    Ok(())
}

impl Socket {
    /// The security mechanism in use (`ZMQ_MECHANISM`).
    pub fn get_mechanism(&self) -> Result<Mechanism> {
        let raw = self.read_option(ids::MECHANISM)?;
        let raw = <[u8; 4]>::try_from(raw.as_slice()).map_err(|_| Error::EINVAL)?;
        Mechanism::from_raw(i32::from_ne_bytes(raw)).ok_or(Error::EINVAL)
    }

    /// Whether this socket is a PLAIN server (`ZMQ_PLAIN_SERVER`).
    pub fn is_plain_server(&self) -> Result<bool> {
        self.get_flag(ids::PLAIN_SERVER)
    }

    /// Makes this socket a PLAIN server (true) — its peers' user names and passwords go to
    /// the ZAP handler, and without one they are refused — or back to NULL (false).
    pub fn set_plain_server(&self, value: bool) -> Result<()> {
        self.set_flag(ids::PLAIN_SERVER, value)
    }

    /// The PLAIN user name (`ZMQ_PLAIN_USERNAME`).
    pub fn get_plain_username(&self) -> Result<std::result::Result<String, Vec<u8>>> {
        self.get_text(ids::PLAIN_USERNAME)
    }

    /// Makes this socket a PLAIN client with this user name; None (or "") goes back to NULL.
    pub fn set_plain_username(&self, value: Option<&str>) -> Result<()> {
        self.set_option(ids::PLAIN_USERNAME, value.unwrap_or("").as_bytes())
    }

    /// The PLAIN password (`ZMQ_PLAIN_PASSWORD`).
    pub fn get_plain_password(&self) -> Result<std::result::Result<String, Vec<u8>>> {
        self.get_text(ids::PLAIN_PASSWORD)
    }

    /// Makes this socket a PLAIN client with this password; None (or "") goes back to NULL.
    pub fn set_plain_password(&self, value: Option<&str>) -> Result<()> {
        self.set_option(ids::PLAIN_PASSWORD, value.unwrap_or("").as_bytes())
    }

    /// Whether this socket is a CURVE server (`ZMQ_CURVE_SERVER`).
    pub fn is_curve_server(&self) -> Result<bool> {
        self.get_flag(ids::CURVE_SERVER)
    }

    /// Makes this socket a CURVE server (true; it needs `set_curve_secretkey` too) or goes
    /// back to NULL (false).
    pub fn set_curve_server(&self, value: bool) -> Result<()> {
        self.set_flag(ids::CURVE_SERVER, value)
    }

    /// This socket's long-term CURVE public key, 32 bytes (`ZMQ_CURVE_PUBLICKEY`).
    pub fn get_curve_publickey(&self) -> Result<Vec<u8>> {
        self.read_option(ids::CURVE_PUBLICKEY)
    }

    /// Sets this socket's long-term CURVE public key (a client's; `ZMQ_CURVE_PUBLICKEY`) and
    /// switches to CURVE. Keys are taken as 32 bytes or 40 Z85 characters (the key options
    /// all accept both, as libzmq's do); anything else is EINVAL.
    pub fn set_curve_publickey(&self, key: &[u8]) -> Result<()> {
        self.set_option(ids::CURVE_PUBLICKEY, key)
    }

    /// This socket's long-term CURVE secret key, 32 bytes (`ZMQ_CURVE_SECRETKEY`).
    pub fn get_curve_secretkey(&self) -> Result<Vec<u8>> {
        self.read_option(ids::CURVE_SECRETKEY)
    }

    /// Sets this socket's long-term CURVE secret key (`ZMQ_CURVE_SECRETKEY`) and switches to
    /// CURVE.
    pub fn set_curve_secretkey(&self, key: &[u8]) -> Result<()> {
        self.set_option(ids::CURVE_SECRETKEY, key)
    }

    /// The server's long-term public key a CURVE client expects (`ZMQ_CURVE_SERVERKEY`).
    pub fn get_curve_serverkey(&self) -> Result<Vec<u8>> {
        self.read_option(ids::CURVE_SERVERKEY)
    }

    /// Makes this socket a CURVE client of the server with this long-term public key
    /// (`ZMQ_CURVE_SERVERKEY`).
    pub fn set_curve_serverkey(&self, key: &[u8]) -> Result<()> {
        self.set_option(ids::CURVE_SERVERKEY, key)
    }

    /// The ZAP domain (`ZMQ_ZAP_DOMAIN`).
    pub fn get_zap_domain(&self) -> Result<std::result::Result<String, Vec<u8>>> {
        self.get_text(ids::ZAP_DOMAIN)
    }

    /// The domain sent with ZAP requests (`ZMQ_ZAP_DOMAIN`, at most 255 bytes); a non-empty
    /// domain makes even the NULL mechanism ask the ZAP handler about each peer.
    pub fn set_zap_domain(&self, domain: &str) -> Result<()> {
        self.set_option(ids::ZAP_DOMAIN, domain.as_bytes())
    }

    /// Whether peers are refused when no ZAP handler is bound (`ZMQ_ZAP_ENFORCE_DOMAIN`).
    pub fn is_zap_enforce_domain(&self) -> Result<bool> {
        self.get_flag(ids::ZAP_ENFORCE_DOMAIN)
    }

    /// Refuse NULL (with a ZAP domain) and CURVE peers when no ZAP handler is bound, instead
    /// of accepting them unauthenticated (`ZMQ_ZAP_ENFORCE_DOMAIN`, default false; PLAIN
    /// always refuses then).
    pub fn set_zap_enforce_domain(&self, value: bool) -> Result<()> {
        self.set_flag(ids::ZAP_ENFORCE_DOMAIN, value)
    }
}
