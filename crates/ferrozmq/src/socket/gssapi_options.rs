//! The GSSAPI options, with rust-zmq's accessor names, so code written for the zmq crate
//! builds unchanged. ferrozmq has no GSSAPI mechanism: like a libzmq built without it
//! (`zmq_has("gssapi")` false), every GSSAPI option is refused with EINVAL, which is what
//! these accessors return. Code that checks [`crate::has`]`("gssapi")` first, as rust-zmq's
//! own tests do, skips them.

use super::Socket;
use crate::error::Result;
use crate::options::ids;

impl Socket {
    /// Whether this socket is a GSSAPI server (`ZMQ_GSSAPI_SERVER`): EINVAL, no GSSAPI here.
    pub fn is_gssapi_server(&self) -> Result<bool> {
        self.get_flag(ids::GSSAPI_SERVER)
    }

    /// Makes this socket a GSSAPI server (`ZMQ_GSSAPI_SERVER`): EINVAL, no GSSAPI here.
    pub fn set_gssapi_server(&self, value: bool) -> Result<()> {
        self.set_flag(ids::GSSAPI_SERVER, value)
    }

    /// Whether GSSAPI traffic is unencrypted (`ZMQ_GSSAPI_PLAINTEXT`): EINVAL here.
    pub fn is_gssapi_plaintext(&self) -> Result<bool> {
        self.get_flag(ids::GSSAPI_PLAINTEXT)
    }

    /// Leaves GSSAPI traffic unencrypted (`ZMQ_GSSAPI_PLAINTEXT`): EINVAL here.
    pub fn set_gssapi_plaintext(&self, value: bool) -> Result<()> {
        self.set_flag(ids::GSSAPI_PLAINTEXT, value)
    }

    /// This socket's GSSAPI principal (`ZMQ_GSSAPI_PRINCIPAL`): EINVAL here.
    pub fn get_gssapi_principal(&self) -> Result<std::result::Result<String, Vec<u8>>> {
        self.get_text(ids::GSSAPI_PRINCIPAL)
    }

    /// Sets this socket's GSSAPI principal (`ZMQ_GSSAPI_PRINCIPAL`): EINVAL here.
    pub fn set_gssapi_principal(&self, value: &str) -> Result<()> {
        self.set_option(ids::GSSAPI_PRINCIPAL, value.as_bytes())
    }

    /// The GSSAPI principal of the server to talk to (`ZMQ_GSSAPI_SERVICE_PRINCIPAL`):
    /// EINVAL here.
    pub fn get_gssapi_service_principal(&self) -> Result<std::result::Result<String, Vec<u8>>> {
        self.get_text(ids::GSSAPI_SERVICE_PRINCIPAL)
    }

    /// Sets the GSSAPI principal of the server to talk to (`ZMQ_GSSAPI_SERVICE_PRINCIPAL`):
    /// EINVAL here.
    pub fn set_gssapi_service_principal(&self, value: &str) -> Result<()> {
        self.set_option(ids::GSSAPI_SERVICE_PRINCIPAL, value.as_bytes())
    }
}
