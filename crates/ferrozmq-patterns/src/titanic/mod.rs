//! Titanic (RFC 9, the guide's chapter 4): disk-backed request-reply on top of Majordomo. A
//! client hands a request to `titanic.request` and gets a UUID back at once; Titanic stores
//! it, sends it to its service when the service has workers, and keeps the reply until the
//! client fetches it (`titanic.reply`: "200" with the reply, "300" pending, "400" unknown) and
//! says it is done (`titanic.close`, "200").
//!
//! A request is on disk (written, synced, renamed into place: [`store`]) before its UUID is
//! sent back, and the store's directory is the queue, so a Titanic killed at any moment and
//! started again on the same directory delivers every request it acknowledged.
//!
//! The three services are Majordomo workers in threads of their own; the dispatcher runs in
//! the thread that calls [`Titanic::run`], woken by each new request and every
//! `retry_interval`, asking the broker through `mmi.service` before it calls a service.

pub mod store;

use crate::mdp::client::Client;
use crate::mdp::worker::{Worker, WorkerConfig};
use ferrozmq::{Context, Error, Multipart, Result, DONTWAIT, PAIR, POLLIN};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;
use store::{Fsync, RequestId, Store};

/// Where Titanic finds its broker and keeps its files, and how it retries.
#[derive(Clone, Debug)]
pub struct TitanicConfig {
    /// The Majordomo broker (the guide's `tcp://localhost:5555`).
    pub broker: String,
    /// The directory of request and reply files (the guide's `.titanic`).
    pub directory: PathBuf,
    /// Whether each file is synced to the disk before it is acknowledged.
    pub fsync: Fsync,
    /// How often pending requests are tried again (the guide's 1 s).
    pub retry_interval: Duration,
    /// How long one call to a service may take before it is tried again later (1 s).
    pub call_timeout: Duration,
    /// The configuration of the three service workers (heartbeats, revision).
    pub worker: WorkerConfig,
    /// Print each request processed (`titanic -v`).
    pub verbose: bool,
}

impl Default for TitanicConfig {
    fn default() -> TitanicConfig {
        TitanicConfig {
            broker: "tcp://localhost:5555".into(),
            directory: ".titanic".into(),
            fsync: Fsync::Always,
            retry_interval: Duration::from_secs(1),
            call_timeout: Duration::from_secs(1),
            worker: WorkerConfig::default(),
            verbose: false,
        }
    }
}

/// A Titanic server.
pub struct Titanic {
    ctx: Context,
    config: TitanicConfig,
    store: Store,
}

impl Titanic {
    /// A server on `config.directory` (created if needed), not started yet.
    pub fn new(ctx: &Context, config: TitanicConfig) -> std::io::Result<Titanic> {
        let store = Store::open(&config.directory, config.fsync)?;
        Ok(Titanic {
            ctx: ctx.clone(),
            config,
            store,
        })
    }

    /// Runs the three services and the dispatcher until the context is terminated (`Ok`) or
    /// a socket fails.
    pub fn run(self) -> Result<()> {
        static SERVERS: AtomicUsize = AtomicUsize::new(0);
        let endpoint = format!(
            "inproc://titanic-dispatcher-{}",
            SERVERS.fetch_add(1, Ordering::Relaxed)
        );
        let wake = self.ctx.socket(PAIR)?;
        wake.bind(&endpoint)?;
        let threads = vec![
            self.service("titanic.request", Some(endpoint), request_service),
            self.service("titanic.reply", None, reply_service),
            self.service("titanic.close", None, close_service),
        ];
        let result = self.dispatch_loop(&wake);
        drop(wake);
        let _ = self.ctx.shutdown();
        for thread in threads {
            let _ = thread.join();
        }
        match result {
            Err(Error::ETERM) => Ok(()),
            other => other,
        }
    }

    /// Starts a worker thread for `name`, answering each request with `answer`. The
    /// request service also tells the dispatcher of each new request over `wake`.
    fn service(
        &self,
        name: &'static str,
        wake: Option<String>,
        answer: fn(&Store, Multipart) -> (Multipart, Option<RequestId>),
    ) -> JoinHandle<()> {
        let (ctx, config, store) = (self.ctx.clone(), self.config.clone(), self.store.clone());
        std::thread::spawn(move || {
            let run = || -> Result<()> {
                let wake = match wake {
                    Some(endpoint) => {
                        let socket = ctx.socket(PAIR)?;
                        socket.connect(&endpoint)?;
                        Some(socket)
                    }
                    None => None,
                };
                let mut worker =
                    Worker::with_config(&ctx, &config.broker, name, config.worker.clone())?;
                let mut reply = None;
                loop {
                    let request = worker.recv(reply.take())?;
                    let (answer, new) = answer(&store, request);
                    if let (Some(socket), Some(id)) = (&wake, new) {
                        socket.send(id.as_str(), DONTWAIT).or_else(ignore_eagain)?;
                    }
                    reply = Some(answer);
                }
            };
            match run() {
                Ok(()) | Err(Error::ETERM) => {}
                Err(e) => eprintln!("E: {name} stopped: {e}"),
            }
        })
    }

    /// Dispatches pending requests every `retry_interval` and whenever one arrives.
    fn dispatch_loop(&self, wake: &ferrozmq::Socket) -> Result<()> {
        let mut client = Client::new(&self.ctx, &self.config.broker)?;
        client.set_timeout(self.config.call_timeout);
        client.set_retries(1);
        let interval = crate::mdp::broker::millis_rounded_up(self.config.retry_interval);
        loop {
            if wake.poll(POLLIN, interval)? > 0 {
                while wake.recv_bytes(DONTWAIT).is_ok() {}
            }
            let pending = match self.store.pending() {
                Ok(pending) => pending,
                Err(e) => {
                    eprintln!("E: cannot read {}: {e}", self.store.directory().display());
                    continue;
                }
            };
            for id in pending {
                if self.config.verbose {
                    eprintln!("I: processing request {}", id.as_str());
                }
                self.call(&mut client, &id)?;
            }
        }
    }

    /// Sends request `id` to its service if the service has workers, and stores the reply.
    fn call(&self, client: &mut Client, id: &RequestId) -> Result<()> {
        let mut request = match self.store.request(id) {
            Ok(Some(request)) => request,
            Ok(None) => return Ok(()), // closed meanwhile
            Err(e) => {
                eprintln!("E: cannot read request {}: {e}", id.as_str());
                return Ok(());
            }
        };
        let Some(service) = request.pop() else {
            return Ok(());
        };
        let service = String::from_utf8_lossy(&service).into_owned();
        let lookup = client.send("mmi.service", Multipart::from([service.as_str()]))?;
        let found = lookup.is_some_and(|reply| reply.first().is_some_and(|c| &c[..] == b"200"));
        if !found {
            return Ok(());
        }
        if let Some(reply) = client.send(&service, request)? {
            if let Err(e) = self.store.save_reply(id, &reply) {
                eprintln!("E: cannot store the reply to {}: {e}", id.as_str());
            }
        }
        Ok(())
    }
}

/// EAGAIN on the dispatcher's wake-up pipe: a wake-up is already pending.
fn ignore_eagain(e: Error) -> Result<()> {
    match e {
        Error::EAGAIN => Ok(()),
        e => Err(e),
    }
}

/// `titanic.request`: [service, body…] → stored; "200" and the new UUID.
fn request_service(store: &Store, request: Multipart) -> (Multipart, Option<RequestId>) {
    if request.first().is_none_or(|service| service.is_empty()) {
        return (Multipart::from(["400"]), None);
    }
    let id = RequestId::new();
    match store.save_request(&id, &request) {
        Ok(()) => (Multipart::from(["200", id.as_str()]), Some(id)),
        Err(e) => {
            eprintln!("E: cannot store a request: {e}");
            (Multipart::from(["500"]), None)
        }
    }
}

/// `titanic.reply`: UUID → "200" and the reply, "300" while pending, "400" if unknown.
fn reply_service(store: &Store, mut request: Multipart) -> (Multipart, Option<RequestId>) {
    let Some(id) = request.pop().and_then(|frame| RequestId::parse(&frame)) else {
        return (Multipart::from(["400"]), None);
    };
    let answer = match store.reply(&id) {
        Ok(Some(mut reply)) => {
            reply.push("200");
            reply
        }
        Ok(None) if store.has_request(&id) => Multipart::from(["300"]),
        Ok(None) => Multipart::from(["400"]),
        Err(e) => {
            eprintln!("E: cannot read the reply to {}: {e}", id.as_str());
            Multipart::from(["500"])
        }
    };
    (answer, None)
}

/// `titanic.close`: UUID → request and reply deleted; "200" (also for unknown ones).
fn close_service(store: &Store, mut request: Multipart) -> (Multipart, Option<RequestId>) {
    let Some(id) = request.pop().and_then(|frame| RequestId::parse(&frame)) else {
        return (Multipart::from(["400"]), None);
    };
    let answer = match store.close(&id) {
        Ok(()) => Multipart::from(["200"]),
        Err(e) => {
            eprintln!("E: cannot close {}: {e}", id.as_str());
            Multipart::from(["500"])
        }
    };
    (answer, None)
}
