//! The ZAP handler thread, as CZMQ's `zauth` actor: a REP socket bound at
//! `inproc://zeromq.zap.01` in the application's context answers every ZAP request by the
//! [`Policy`](super::policy) the application configures, from any thread, while it runs.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;

use super::policy::Policy;
use crate::{poll, Context, Error, Result, Socket, DONTWAIT, PAIR, POLLIN, REP};

/// Where libzmq sends ZAP requests (RFC 27), and so where the authenticator binds.
pub const ZAP_ENDPOINT: &str = ferrozmq_zmtp::zap::ENDPOINT;

/// Numbers the control endpoints of authenticators, so each has its own.
static NEXT_CONTROL: AtomicU64 = AtomicU64::new(0);

/// How CURVE clients are checked (`configure_curve`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CurveAllow {
    /// Every client key is accepted (zauth's `CURVE_ALLOW_ANY`).
    Any,
    /// The client's key must be the public key of a certificate in this directory (a
    /// [`CertStore`](super::CertStore), reloaded when its files change).
    Directory(PathBuf),
}

/// A running ZAP handler for one context. Configure it from any thread; each setting applies
/// from the next request on. Dropping it (or [`stop`](Authenticator::stop)) stops the thread
/// and unbinds the ZAP endpoint.
///
/// The thread's sockets belong to the context, so the context terminates only after the
/// authenticator is dropped.
pub struct Authenticator {
    policy: Arc<Mutex<Policy>>,
    /// Our end of the thread's control pipe: any message on it stops the thread.
    control: Mutex<Socket>,
    thread: Option<JoinHandle<()>>,
}

impl Authenticator {
    /// Binds the ZAP endpoint in `ctx` and starts answering requests. With nothing configured
    /// every NULL client passes and every PLAIN and CURVE client is refused (GSSAPI clients
    /// pass, as with zauth: that mechanism authenticated them). Fails with EADDRINUSE if the
    /// context already has a ZAP handler.
    pub fn new(ctx: &Context) -> Result<Authenticator> {
        let handler = ctx.socket(REP)?;
        handler.set_linger(0)?;
        handler.bind(ZAP_ENDPOINT)?;
        let endpoint = format!(
            "inproc://ferrozmq.auth.control.{}",
            NEXT_CONTROL.fetch_add(1, Ordering::Relaxed)
        );
        let thread_end = ctx.socket(PAIR)?;
        thread_end.bind(&endpoint)?;
        let control = ctx.socket(PAIR)?;
        control.connect(&endpoint)?;
        let policy = Arc::new(Mutex::new(Policy::default()));
        let thread_policy = Arc::clone(&policy);
        let thread = std::thread::Builder::new()
            .name("ferrozmq-auth".into())
            .spawn(move || serve(&handler, &thread_end, &thread_policy))?;
        Ok(Authenticator {
            policy,
            control: Mutex::new(control),
            thread: Some(thread),
        })
    }

    /// Allows `address` (a client IP address as ZAP reports it). Once any address is
    /// allowed, clients from every other address are refused, and the deny list is ignored.
    pub fn allow(&self, address: &str) {
        self.policy().allow(address);
    }

    /// Refuses clients from `address` (unless some address is allowed).
    pub fn deny(&self, address: &str) {
        self.policy().deny(address);
    }

    /// Authenticates PLAIN clients of ZAP `domain` (`"*"`: every domain without its own
    /// setting) against `password_file`: `name=password` lines, reread when the file
    /// changes. A missing file refuses everyone until it appears.
    pub fn configure_plain(&self, domain: &str, password_file: impl Into<PathBuf>) {
        self.policy().configure_plain(domain, password_file.into());
    }

    /// Authenticates CURVE clients of ZAP `domain` (`"*"`: every domain without its own
    /// setting) as `allow` says.
    pub fn configure_curve(&self, domain: &str, allow: CurveAllow) {
        self.policy().configure_curve(domain, allow);
    }

    /// Logs every request and decision to stderr (passwords are never logged).
    pub fn verbose(&self, verbose: bool) {
        self.policy().set_verbose(verbose);
    }

    /// Stops the thread and unbinds the ZAP endpoint (the same as dropping).
    pub fn stop(self) {}

    fn policy(&self) -> MutexGuard<'_, Policy> {
        self.policy.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Drop for Authenticator {
    /// Tells the thread to stop and waits for it. If the context is being terminated the
    /// thread has already stopped (its sockets report ETERM).
    fn drop(&mut self) {
        let control = self
            .control
            .get_mut()
            .unwrap_or_else(PoisonError::into_inner);
        let _ = control.send("$TERM", DONTWAIT);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// The thread: answers requests on `handler` until anything arrives on `control` or the
/// context terminates. Dropping the sockets on return unbinds the ZAP endpoint.
fn serve(handler: &Socket, control: &Socket, policy: &Mutex<Policy>) {
    loop {
        let mut items = [handler.as_poll_item(POLLIN), control.as_poll_item(POLLIN)];
        match poll(&mut items, -1) {
            Ok(_) | Err(Error::EINTR) => {}
            Err(_) => return,
        }
        if items[1].is_readable() {
            return;
        }
        if !items[0].is_readable() {
            continue;
        }
        let frames = match handler.recv_multipart(DONTWAIT) {
            Ok(frames) => frames,
            Err(Error::EAGAIN | Error::EINTR) => continue,
            Err(_) => return,
        };
        let reply = policy
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .handle(&frames);
        // A requester that has gone away loses its reply; REP then takes the next request.
        if let Err(Error::ETERM) = handler.send_multipart(reply, DONTWAIT) {
            return;
        }
    }
}
