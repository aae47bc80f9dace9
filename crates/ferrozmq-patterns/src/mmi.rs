//! The Majordomo Management Interface (RFC 8, MMI): services under `mmi.` that the broker
//! answers itself. `mmi.service` tells whether a service has workers ("200" found, "404" not);
//! any other `mmi.*` name gets "501" (not implemented) unless the broker was given a handler
//! for it with [`Mmi::add`] (or [`Broker::add_mmi`](crate::mdp::broker::Broker::add_mmi)).
//!
//! ```
//! use ferrozmq::Multipart;
//! use ferrozmq_patterns::mmi::{Mmi, ServiceDirectory};
//!
//! struct OneService;
//! impl ServiceDirectory for OneService {
//!     fn worker_count(&self, service: &[u8]) -> usize { usize::from(service == b"echo") }
//!     fn services(&self) -> Vec<Vec<u8>> { vec![b"echo".to_vec()] }
//! }
//! let mut mmi = Mmi::new();
//! mmi.add("mmi.count", |directory, _request| {
//!     Multipart::from([directory.services().len().to_string()])
//! });
//! let ask = |mmi: &mut Mmi, service: &str, body: &str| {
//!     mmi.handle(service.as_bytes(), Multipart::from([body]), &OneService).pop_str().unwrap()
//! };
//! assert_eq!(ask(&mut mmi, "mmi.service", "echo"), "200");
//! assert_eq!(ask(&mut mmi, "mmi.service", "nope"), "404");
//! assert_eq!(ask(&mut mmi, "mmi.count", ""), "1");
//! assert_eq!(ask(&mut mmi, "mmi.unknown", ""), "501");
//! ```

use ferrozmq::Multipart;
use std::collections::HashMap;

/// What MMI handlers may ask the broker about its services.
pub trait ServiceDirectory {
    /// How many workers are registered for `service` (0 if the broker does not know it).
    fn worker_count(&self, service: &[u8]) -> usize;
    /// The names of the services the broker knows.
    fn services(&self) -> Vec<Vec<u8>>;
}

/// An MMI service: takes the request body, returns the reply body.
pub type MmiHandler = Box<dyn FnMut(&dyn ServiceDirectory, Multipart) -> Multipart + Send>;

/// The `mmi.*` services of one broker.
pub struct Mmi {
    handlers: HashMap<Vec<u8>, MmiHandler>,
}

impl Default for Mmi {
    fn default() -> Mmi {
        Mmi::new()
    }
}

impl Mmi {
    /// The services RFC 8 requires: `mmi.service`.
    pub fn new() -> Mmi {
        let mut mmi = Mmi {
            handlers: HashMap::new(),
        };
        mmi.add("mmi.service", |directory, mut request| {
            let name = request.pop().unwrap_or_default();
            let code = if directory.worker_count(&name) > 0 {
                "200"
            } else {
                "404"
            };
            Multipart::from([code])
        });
        mmi
    }

    /// Adds (or replaces) the service `name`, which should start with `mmi.`.
    pub fn add(
        &mut self,
        name: &str,
        handler: impl FnMut(&dyn ServiceDirectory, Multipart) -> Multipart + Send + 'static,
    ) {
        self.handlers
            .insert(name.as_bytes().to_vec(), Box::new(handler));
    }

    /// The reply of service `name` to `request`: the handler's, or "501".
    pub fn handle(
        &mut self,
        name: &[u8],
        request: Multipart,
        directory: &dyn ServiceDirectory,
    ) -> Multipart {
        match self.handlers.get_mut(name) {
            Some(handler) => handler(directory, request),
            None => Multipart::from(["501"]),
        }
    }
}
