//! Majordomo: service-oriented reliable request-reply through a broker (the guide's chapter 4,
//! RFC 7 "MDP/0.1" and RFC 18 "MDP/0.2").
//!
//! Clients send a request to a service by name; the [`broker::Broker`] queues it for that
//! service and hands it to an idle [`worker::Worker`] that registered the service; the
//! worker's reply goes back to the client. Broker and workers heartbeat each other, so a dead
//! worker is forgotten and a dead broker makes workers reconnect; the clients
//! ([`client::Client`], [`async_client::AsyncClient`]) retry on a fresh socket when a reply
//! does not come in time.
//!
//! Both protocol revisions run side by side on one broker: each message's header frame
//! (`MDPC01`/`MDPW01` or `MDPC02`/`MDPW02`) says which one its sender speaks, and everything
//! sent back to that peer is in the same revision ([`Dialect`]). MDP/0.2 adds PARTIAL replies
//! before the FINAL one. The parsers in [`frames`] never panic: malformed input is a
//! [`Malformed`] error, which the broker, worker and clients log and drop.
//!
//! ```
//! use ferrozmq::{Context, Multipart};
//! use ferrozmq_patterns::mdp::{broker::Broker, client::Client, worker::Worker};
//!
//! let ctx = Context::new();
//! let mut broker = Broker::new(&ctx, Default::default())?;
//! broker.bind("tcp://127.0.0.1:*")?;
//! let endpoint = broker.last_endpoint()?;
//! std::thread::spawn(move || broker.run());
//!
//! let mut worker = Worker::new(&ctx, &endpoint, "echo")?;
//! std::thread::spawn(move || {
//!     let mut reply = None;
//!     while let Ok(request) = worker.recv(reply.take()) {
//!         reply = Some(request); // echo
//!     }
//! });
//!
//! let mut client = Client::new(&ctx, &endpoint)?;
//! let reply = client.send("echo", Multipart::from(["Hello world"]))?;
//! assert_eq!(reply.unwrap().pop_str().as_deref(), Some("Hello world"));
//! ctx.shutdown()?; // the broker and worker threads end with ETERM
//! # Ok::<(), ferrozmq::Error>(())
//! ```

pub mod async_client;
pub mod broker;
pub mod client;
pub mod frames;
pub mod worker;

pub use frames::{
    BrokerInput, BrokerToWorker, ClientCodes, ClientReply, ClientRequest, Dialect, Malformed,
    ReplyKind, WorkerToBroker,
};

use std::time::Duration;

/// Which Majordomo revision a peer speaks, told by the header frame of every message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Version {
    /// MDP/0.1 (RFC 7): one REPLY per request; the guide's `mdbroker`, `mdcliapi`, `mdwrkapi`.
    V01,
    /// MDP/0.2 (RFC 18): zero or more PARTIAL replies, then one FINAL; PyPI's `majortomo`.
    V02,
}

impl Version {
    /// The header of client messages: `MDPC01` or `MDPC02`.
    pub fn client_header(self) -> &'static [u8] {
        match self {
            Version::V01 => b"MDPC01",
            Version::V02 => b"MDPC02",
        }
    }

    /// The header of worker messages: `MDPW01` or `MDPW02`.
    pub fn worker_header(self) -> &'static [u8] {
        match self {
            Version::V01 => b"MDPW01",
            Version::V02 => b"MDPW02",
        }
    }

    /// The revision whose client header `frame` is, if any.
    pub fn of_client_header(frame: &[u8]) -> Option<Version> {
        [Version::V01, Version::V02]
            .into_iter()
            .find(|v| v.client_header() == frame)
    }

    /// The revision whose worker header `frame` is, if any.
    pub fn of_worker_header(frame: &[u8]) -> Option<Version> {
        [Version::V01, Version::V02]
            .into_iter()
            .find(|v| v.worker_header() == frame)
    }
}

/// The guide's heartbeat interval for brokers and workers (2.5 s).
pub const HEARTBEAT_INTERVAL: Duration = Duration::from_millis(2500);

/// The prefix of the service names the broker answers itself (RFC 8, [`crate::mmi`]).
pub const MMI_PREFIX: &[u8] = b"mmi.";
