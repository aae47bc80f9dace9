//! Simple Pirate: a load-balancing queue with no reliability of its own. Clients (Lazy
//! Pirate) connect to the frontend ROUTER; workers (REQ sockets) connect to the backend
//! ROUTER and say READY (`"\x01"`); a worker is ready again once it has replied. The
//! frontend is read only while a worker is ready, so requests wait in the clients' queues.

use super::{log_to_stderr, Event, Observer};
use crate::mdp::broker::millis_rounded_up;
use ferrozmq::{poll, Context, Multipart, Result, Socket, DONTWAIT, POLLIN, ROUTER};
use std::collections::VecDeque;
use std::time::Duration;

/// What a Simple Pirate worker sends when it starts.
pub const WORKER_READY: &[u8] = b"\x01";

/// A Simple Pirate queue.
pub struct SimpleQueue {
    frontend: Socket,
    backend: Socket,
    ready: VecDeque<ferrozmq::Message>,
    observer: Observer,
}

impl SimpleQueue {
    /// A queue with clients at `frontend` and workers at `backend` (both bound).
    pub fn bind(ctx: &Context, frontend: &str, backend: &str) -> Result<SimpleQueue> {
        let queue = SimpleQueue {
            frontend: ctx.socket(ROUTER)?,
            backend: ctx.socket(ROUTER)?,
            ready: VecDeque::new(),
            observer: log_to_stderr(),
        };
        queue.frontend.bind(frontend)?; // For clients
        queue.backend.bind(backend)?; // For workers
        Ok(queue)
    }

    /// Where events go (stderr by default).
    pub fn set_observer(&mut self, observer: impl FnMut(&Event) + Send + 'static) {
        self.observer = Box::new(observer);
    }

    /// Serves until the context is terminated.
    pub fn run(&mut self) -> Result<()> {
        loop {
            match self.poll_once(None) {
                Ok(_) => {}
                Err(ferrozmq::Error::ETERM) => return Ok(()),
                Err(e) => return Err(e),
            }
        }
    }

    /// Waits up to `timeout` (`None`: forever) and moves what arrived; returns how many
    /// worker replies went to clients.
    pub fn poll_once(&mut self, timeout: Option<Duration>) -> Result<usize> {
        let mut items = [
            self.backend.as_poll_item(POLLIN),
            self.frontend.as_poll_item(POLLIN),
        ];
        // Poll frontend only if we have available workers
        let polled = if self.ready.is_empty() { 1 } else { 2 };
        poll(&mut items[..polled], timeout.map_or(-1, millis_rounded_up))?;
        let (backend_ready, frontend_ready) = (items[0].is_readable(), items[1].is_readable());
        let mut replies = 0;
        if backend_ready {
            // [worker][empty][READY] or [worker][empty][client][empty][reply]
            let mut message = Multipart::recv_with(&self.backend, DONTWAIT)?;
            let delimited = message.get(1).is_some_and(|f| f.is_empty()) && message.len() >= 3;
            if delimited {
                let worker = message.unwrap().unwrap_or_default();
                self.ready.push_back(worker);
                // Forward message to client if it's not a READY
                if !(message.len() == 1 && message.first().is_some_and(|f| &f[..] == WORKER_READY))
                {
                    message.send(&self.frontend)?;
                    replies += 1;
                }
            } else {
                (self.observer)(&Event::Invalid(message));
            }
        }
        if polled == 2 && frontend_ready {
            // Get client request, route to first available worker
            if let Some(worker) = self.ready.pop_front() {
                let mut request = Multipart::recv_with(&self.frontend, DONTWAIT)?;
                request.wrap(worker);
                request.send(&self.backend)?;
            }
        }
        Ok(replies)
    }
}
