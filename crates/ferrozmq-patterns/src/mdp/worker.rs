//! The Majordomo worker API (the guide's `mdwrkapi`): a DEALER socket connected to the broker,
//! READY for one service, then requests in and replies out through [`Worker::recv`].
//!
//! While it waits for a request the worker sends a HEARTBEAT every interval and counts the
//! broker's: after `liveness` intervals without a word from the broker it waits the reconnect
//! interval, opens a new socket and registers again. A DISCONNECT from the broker does the
//! same at once. Malformed messages from the broker are dropped with an `E:` line on stderr.
//! Dropping the worker sends DISCONNECT, so the broker forgets it at once.

use super::broker::millis_rounded_up;
use super::frames::{self, parse_worker_input, BrokerToWorker, Dialect, WorkerToBroker};
use super::{Version, HEARTBEAT_INTERVAL};
use ferrozmq::{Context, Error, Message, Multipart, Result, Socket, DEALER, DONTWAIT, POLLIN};
use std::time::{Duration, Instant};

/// Timing, revision and logging of a [`Worker`].
#[derive(Clone, Debug)]
pub struct WorkerConfig {
    /// How often to send HEARTBEAT while idle (2.5 s).
    pub heartbeat_interval: Duration,
    /// Broker heartbeats missed before reconnecting (3).
    pub heartbeat_liveness: u32,
    /// Wait before reconnecting (2.5 s).
    pub reconnect_interval: Duration,
    /// How to frame messages: [`Dialect::V01`] (the default), [`Dialect::V02`], …
    pub dialect: Dialect,
    /// Print every message to stderr (`mdworker -v`).
    pub verbose: bool,
}

impl Default for WorkerConfig {
    fn default() -> WorkerConfig {
        WorkerConfig {
            heartbeat_interval: HEARTBEAT_INTERVAL,
            heartbeat_liveness: 3,
            reconnect_interval: HEARTBEAT_INTERVAL,
            dialect: Dialect::V01,
            verbose: false,
        }
    }
}

/// A Majordomo worker for one service.
pub struct Worker {
    ctx: Context,
    broker: String,
    service: String,
    config: WorkerConfig,
    socket: Socket,
    liveness: u32,
    heartbeat_at: Instant,
    /// The client whose request was last returned by `recv`, until replied to.
    reply_to: Option<Message>,
}

impl Worker {
    /// A worker for `service` at `broker`, with the default (MDP/0.1) configuration.
    pub fn new(ctx: &Context, broker: &str, service: &str) -> Result<Worker> {
        Worker::with_config(ctx, broker, service, WorkerConfig::default())
    }

    /// A worker for `service` at `broker`; connects and sends READY.
    pub fn with_config(
        ctx: &Context,
        broker: &str,
        service: &str,
        config: WorkerConfig,
    ) -> Result<Worker> {
        let socket = connect(ctx, broker, service, &config)?;
        Ok(Worker {
            ctx: ctx.clone(),
            broker: broker.to_string(),
            service: service.to_string(),
            liveness: config.heartbeat_liveness,
            heartbeat_at: Instant::now() + config.heartbeat_interval,
            config,
            socket,
            reply_to: None,
        })
    }

    /// Sends `reply` (if any) to the client of the last request, then waits for the next
    /// request and returns its body (`mdwrk_recv`). Heartbeats and reconnects meanwhile;
    /// returns ETERM when the context is terminated.
    pub fn recv(&mut self, reply: Option<Multipart>) -> Result<Multipart> {
        if let Some(body) = reply {
            match self.reply_to.take() {
                Some(client) => self.send(WorkerToBroker::Final { client, body })?,
                None => eprintln!("E: reply dropped: no request to reply to"),
            }
        }
        loop {
            let wait = self.heartbeat_at.saturating_duration_since(Instant::now());
            if self.socket.poll(POLLIN, millis_rounded_up(wait))? > 0 {
                let message = Multipart::recv_with(&self.socket, DONTWAIT)?;
                if self.config.verbose {
                    eprintln!("I: received message from broker:\n{}", message.dump());
                }
                self.liveness = self.config.heartbeat_liveness;
                match parse_worker_input(message) {
                    Ok((_, BrokerToWorker::Request { client, body })) => {
                        self.reply_to = Some(client);
                        return Ok(body);
                    }
                    Ok((_, BrokerToWorker::Heartbeat)) => {}
                    Ok((_, BrokerToWorker::Disconnect)) => self.reconnect()?,
                    Err(why) => eprintln!("E: invalid message from broker dropped: {why}"),
                }
            } else {
                self.liveness = self.liveness.saturating_sub(1);
                if self.liveness == 0 {
                    eprintln!("W: disconnected from broker - retrying...");
                    std::thread::sleep(self.config.reconnect_interval);
                    self.reconnect()?;
                }
            }
            if Instant::now() >= self.heartbeat_at {
                self.send(WorkerToBroker::Heartbeat)?;
                self.heartbeat_at = Instant::now() + self.config.heartbeat_interval;
            }
        }
    }

    /// Sends a PARTIAL reply to the client of the last request (MDP/0.2 only: ENOTSUP on a
    /// 0.1 worker; EFSM when there is no request to reply to).
    pub fn send_partial(&mut self, body: Multipart) -> Result<()> {
        if self.config.dialect.version != Version::V02 {
            return Err(Error::ENOTSUP);
        }
        let client = self.reply_to.clone().ok_or(Error::EFSM)?;
        self.send(WorkerToBroker::Partial { client, body })
    }

    /// The service this worker serves.
    pub fn service(&self) -> &str {
        &self.service
    }

    /// Opens a new socket to the broker and registers again.
    fn reconnect(&mut self) -> Result<()> {
        self.socket = connect(&self.ctx, &self.broker, &self.service, &self.config)?;
        self.liveness = self.config.heartbeat_liveness;
        self.heartbeat_at = Instant::now() + self.config.heartbeat_interval;
        self.reply_to = None;
        Ok(())
    }

    fn send(&self, command: WorkerToBroker) -> Result<()> {
        send(&self.socket, &self.config, command)
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        // Best effort: the broker expires the worker anyway if this does not arrive.
        if let Some(mut message) =
            frames::worker_to_broker(self.config.dialect, WorkerToBroker::Disconnect)
        {
            let _ = message.send_with(&self.socket, DONTWAIT);
        }
    }
}

/// A new DEALER socket connected to `broker` that has sent READY for `service`.
fn connect(ctx: &Context, broker: &str, service: &str, config: &WorkerConfig) -> Result<Socket> {
    let socket = ctx.socket(DEALER)?;
    // A dropped worker's DISCONNECT gets a moment to leave; a dead broker does not hold it.
    socket.set_linger(100)?;
    socket.connect(broker)?;
    if config.verbose {
        eprintln!("I: connecting to broker at {broker}...");
    }
    let ready = WorkerToBroker::Ready {
        service: service.into(),
    };
    send(&socket, config, ready)?;
    Ok(socket)
}

fn send(socket: &Socket, config: &WorkerConfig, command: WorkerToBroker) -> Result<()> {
    let Some(mut message) = frames::worker_to_broker(config.dialect, command) else {
        return Err(Error::ENOTSUP);
    };
    if config.verbose {
        eprintln!("I: sending to broker:\n{}", message.dump());
    }
    message.send(socket)
}
