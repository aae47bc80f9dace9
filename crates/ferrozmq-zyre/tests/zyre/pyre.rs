//! pyre interop: placeholder.
