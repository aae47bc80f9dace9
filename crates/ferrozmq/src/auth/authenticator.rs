//! The ZAP handler, as CZMQ's `zauth` actor: an [`Actor`] whose REP socket, bound at
//! `inproc://zeromq.zap.01` in the application's context, answers every ZAP request by the
//! [`Policy`](super::policy) the application configures, from any thread, while it runs.

use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use super::policy::Policy;
use crate::actor::{self, Actor};
use crate::{poll, Context, Error, Result, Socket, DONTWAIT, POLLIN, REP};

/// Where libzmq sends ZAP requests (RFC 27), and so where the authenticator binds.
pub const ZAP_ENDPOINT: &str = ferrozmq_zmtp::zap::ENDPOINT;

/// How CURVE clients are checked (`configure_curve`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CurveAllow {
    /// Every client key is accepted (zauth's `CURVE_ALLOW_ANY`).
    Any,
    /// The client's key must be the public key of a certificate in this directory (a
    /// [`CertStore`](super::CertStore), reloaded when its files change).
    Directory(PathBuf),
}

/// A running ZAP handler for one context, an [`Actor`] as `zauth` is. Configure it from any
/// thread; each setting applies from the next request on. Dropping it (or
/// [`stop`](Authenticator::stop)) sends the actor `$TERM`, waits for it, and so unbinds the
/// ZAP endpoint.
///
/// The thread's sockets belong to the context, so the context terminates only after the
/// authenticator is dropped.
pub struct Authenticator {
    policy: Arc<Mutex<Policy>>,
    /// The actor (behind a mutex so the authenticator can be shared between threads);
    /// dropping it stops the handler.
    actor: Mutex<Actor>,
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
        let policy = Arc::new(Mutex::new(Policy::default()));
        let actor_policy = Arc::clone(&policy);
        let actor = Actor::new(ctx, move |pipe| {
            actor::signal(pipe, 0)?;
            serve(&handler, pipe, &actor_policy);
            Ok(())
        })?;
        Ok(Authenticator {
            policy,
            actor: Mutex::new(actor),
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

    /// Stops the actor and unbinds the ZAP endpoint (the same as dropping).
    pub fn stop(self) {}

    /// How the actor ended, if it has (the context was terminated, or it panicked).
    pub fn outcome(&self) -> Option<actor::Outcome> {
        self.actor
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .outcome()
    }

    fn policy(&self) -> MutexGuard<'_, Policy> {
        self.policy.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The actor's loop: answers requests on `handler` until anything (`$TERM`) arrives on
/// `control` or the context terminates. Dropping the sockets on return unbinds the ZAP endpoint.
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
