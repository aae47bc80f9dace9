//! Authentication helpers as CZMQ offers them: CURVE [`Certificate`]s stored as ZPL files,
//! a [`CertStore`] of known client keys, and an [`Authenticator`] that answers ZAP (RFC 27)
//! requests in a context by address lists, PLAIN password files and CURVE certificates.
//!
//! ```
//! use ferrozmq::auth::{Authenticator, CurveAllow};
//! let ctx = ferrozmq::Context::new();
//! let auth = Authenticator::new(&ctx)?;
//! auth.deny("192.0.2.7");
//! auth.configure_curve("*", CurveAllow::Any);
//! # Ok::<(), ferrozmq::Error>(())
//! ```

mod authenticator;
mod cert;
mod cert_store;
mod passwords;
mod policy;
mod zap;

pub use authenticator::{Authenticator, CurveAllow, ZAP_ENDPOINT};
pub use cert::Certificate;
pub use cert_store::CertStore;
