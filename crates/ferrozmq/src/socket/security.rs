//! Security options (`ZMQ_PLAIN_*`, `ZMQ_CURVE_*`, `ZMQ_ZAP_*`), with libzmq's rules for how
//! they pick the mechanism: setting a PLAIN or CURVE option switches the socket to that
//! mechanism, the `*_SERVER` options choose the server role, and clearing the PLAIN user name
//! (or a `*_SERVER` flag) goes back to NULL. Like every option they apply to later binds and
//! connects.

use super::Socket;
use crate::error::{Error, Result};
use crate::options::{Mechanism, Security};
use crate::z85::parse_curve_key;

/// A byte-string option as rust-zmq's getters return it: text if it is UTF-8.
fn text(bytes: &[u8]) -> std::result::Result<String, Vec<u8>> {
    String::from_utf8(bytes.to_vec()).map_err(|e| e.into_bytes())
}

impl Socket {
    /// The security mechanism in use (`ZMQ_MECHANISM`).
    pub fn get_mechanism(&self) -> Result<Mechanism> {
        Ok(self.core().options.security.mechanism)
    }

    /// Whether this socket is a PLAIN server (`ZMQ_PLAIN_SERVER`).
    pub fn is_plain_server(&self) -> Result<bool> {
        Ok(self.is_server_of(Mechanism::ZMQ_PLAIN))
    }

    /// Makes this socket a PLAIN server (true) — its peers' user names and passwords go to
    /// the ZAP handler, and without one they are refused — or back to NULL (false).
    pub fn set_plain_server(&self, value: bool) -> Result<()> {
        self.set_server_of(Mechanism::ZMQ_PLAIN, value);
        Ok(())
    }

    /// The PLAIN user name (`ZMQ_PLAIN_USERNAME`).
    pub fn get_plain_username(&self) -> Result<std::result::Result<String, Vec<u8>>> {
        Ok(text(&self.core().options.security.plain_username))
    }

    /// Makes this socket a PLAIN client with this user name; None (or "") goes back to NULL.
    pub fn set_plain_username(&self, value: Option<&str>) -> Result<()> {
        self.set_plain_credential(value, |s| &mut s.plain_username)
    }

    /// The PLAIN password (`ZMQ_PLAIN_PASSWORD`).
    pub fn get_plain_password(&self) -> Result<std::result::Result<String, Vec<u8>>> {
        Ok(text(&self.core().options.security.plain_password))
    }

    /// Makes this socket a PLAIN client with this password; None (or "") goes back to NULL.
    pub fn set_plain_password(&self, value: Option<&str>) -> Result<()> {
        self.set_plain_credential(value, |s| &mut s.plain_password)
    }

    /// Whether this socket is a CURVE server (`ZMQ_CURVE_SERVER`).
    pub fn is_curve_server(&self) -> Result<bool> {
        Ok(self.is_server_of(Mechanism::ZMQ_CURVE))
    }

    /// Makes this socket a CURVE server (true; it needs `set_curve_secretkey` too) or goes
    /// back to NULL (false).
    pub fn set_curve_server(&self, value: bool) -> Result<()> {
        self.set_server_of(Mechanism::ZMQ_CURVE, value);
        Ok(())
    }

    /// This socket's long-term CURVE public key, 32 bytes (`ZMQ_CURVE_PUBLICKEY`).
    pub fn get_curve_publickey(&self) -> Result<Vec<u8>> {
        Ok(self.core().options.security.curve_public_key.to_vec())
    }

    /// Sets this socket's long-term CURVE public key (a client's; `ZMQ_CURVE_PUBLICKEY`) and
    /// switches to CURVE. Keys are taken as 32 bytes or 40 Z85 characters (the key options
    /// all accept both, as libzmq's do); anything else is EINVAL.
    pub fn set_curve_publickey(&self, key: &[u8]) -> Result<()> {
        self.set_curve_key(key, |s| &mut s.curve_public_key)
    }

    /// This socket's long-term CURVE secret key, 32 bytes (`ZMQ_CURVE_SECRETKEY`).
    pub fn get_curve_secretkey(&self) -> Result<Vec<u8>> {
        Ok(self.core().options.security.curve_secret_key.to_vec())
    }

    /// Sets this socket's long-term CURVE secret key (`ZMQ_CURVE_SECRETKEY`) and switches to
    /// CURVE.
    pub fn set_curve_secretkey(&self, key: &[u8]) -> Result<()> {
        self.set_curve_key(key, |s| &mut s.curve_secret_key)
    }

    /// The server's long-term public key a CURVE client expects (`ZMQ_CURVE_SERVERKEY`).
    pub fn get_curve_serverkey(&self) -> Result<Vec<u8>> {
        Ok(self.core().options.security.curve_server_key.to_vec())
    }

    /// Makes this socket a CURVE client of the server with this long-term public key
    /// (`ZMQ_CURVE_SERVERKEY`).
    pub fn set_curve_serverkey(&self, key: &[u8]) -> Result<()> {
        self.set_curve_key(key, |s| &mut s.curve_server_key)?;
        self.core().options.security.as_server = false;
        Ok(())
    }

    /// The ZAP domain (`ZMQ_ZAP_DOMAIN`).
    pub fn get_zap_domain(&self) -> Result<std::result::Result<String, Vec<u8>>> {
        Ok(text(&self.core().options.security.zap_domain))
    }

    /// The domain sent with ZAP requests (`ZMQ_ZAP_DOMAIN`, at most 255 bytes); a non-empty
    /// domain makes even the NULL mechanism ask the ZAP handler about each peer.
    pub fn set_zap_domain(&self, domain: &str) -> Result<()> {
        if domain.len() > 255 {
            return Err(Error::EINVAL);
        }
        self.core().options.security.zap_domain = domain.as_bytes().to_vec();
        Ok(())
    }

    /// Whether peers are refused when no ZAP handler is bound (`ZMQ_ZAP_ENFORCE_DOMAIN`).
    pub fn is_zap_enforce_domain(&self) -> Result<bool> {
        Ok(self.core().options.security.zap_enforce_domain)
    }

    /// Refuse NULL (with a ZAP domain) and CURVE peers when no ZAP handler is bound, instead
    /// of accepting them unauthenticated (`ZMQ_ZAP_ENFORCE_DOMAIN`, default false; PLAIN
    /// always refuses then).
    pub fn set_zap_enforce_domain(&self, value: bool) -> Result<()> {
        self.core().options.security.zap_enforce_domain = value;
        Ok(())
    }

    fn is_server_of(&self, mechanism: Mechanism) -> bool {
        let security = &self.core().options.security;
        security.mechanism == mechanism && security.as_server
    }

    /// `ZMQ_PLAIN_SERVER`/`ZMQ_CURVE_SERVER`: on picks that mechanism as server, off NULL.
    fn set_server_of(&self, mechanism: Mechanism, value: bool) {
        let security = &mut self.core().options.security;
        security.as_server = value;
        security.mechanism = if value {
            mechanism
        } else {
            Mechanism::ZMQ_NULL
        };
    }

    /// A PLAIN user name or password: set (at most 255 bytes) makes a PLAIN client, cleared
    /// goes back to NULL.
    fn set_plain_credential(
        &self,
        value: Option<&str>,
        field: fn(&mut Security) -> &mut Vec<u8>,
    ) -> Result<()> {
        let security = &mut self.core().options.security;
        match value.filter(|v| !v.is_empty()) {
            Some(v) if v.len() > 255 => return Err(Error::EINVAL),
            Some(v) => {
                *field(security) = v.as_bytes().to_vec();
                security.as_server = false;
                security.mechanism = Mechanism::ZMQ_PLAIN;
            }
            None => {
                field(security).clear();
                security.mechanism = Mechanism::ZMQ_NULL;
            }
        }
        Ok(())
    }

    /// A CURVE key option: any of them switches to CURVE (the role is left as it was).
    fn set_curve_key(&self, key: &[u8], field: fn(&mut Security) -> &mut [u8; 32]) -> Result<()> {
        let key = parse_curve_key(key)?;
        let security = &mut self.core().options.security;
        *field(security) = key;
        security.mechanism = Mechanism::ZMQ_CURVE;
        Ok(())
    }
}
