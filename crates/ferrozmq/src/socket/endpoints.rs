//! Endpoints: `bind`, `connect`, `unbind` and `disconnect` of one socket over tcp, ipc
//! (through an I/O thread) and inproc (through the context's registry), and the attachment of
//! the pipes they produce to the socket's pattern.

use super::core::Core;
use super::pattern::Cx;
use crate::context::Context;
use crate::endpoint::{Endpoint, IpcAddress};
use crate::error::{Error, Result};
use crate::inproc::InprocPeer;
use crate::io::{self, ConnectTarget, IoCommand, IoShared, SocketLink};
use crate::metadata::PeerMetadata;
use crate::monitor::SocketEvent;
use crate::peer_messages;
use crate::pipe::{self, Notify, PipeEnd};
use ferrozmq_zmtp::SocketType;
use std::sync::Arc;

/// An endpoint this socket is bound to.
pub(super) struct Bound {
    /// The endpoint as given to `bind`, and as resolved (`get_last_endpoint`).
    pub(super) requested: String,
    pub(super) resolved: String,
    pub(super) listener: u64,
    pub(super) kind: BoundKind,
    /// ZMQ_CONFLATE as it was at bind time.
    pub(super) conflate: bool,
}

/// Who serves a bound endpoint.
pub(super) enum BoundKind {
    /// A listener in this I/O thread, the ipc socket file it created (if any), and its
    /// descriptor (the value of its CLOSED event).
    Io(
        Arc<IoShared>,
        Option<std::path::PathBuf>,
        std::os::fd::RawFd,
    ),
    /// The context's inproc registry, under this name.
    Inproc(String),
    /// A DISH's udp pump (`udp/`), which ends when its pipe is removed.
    Datagram,
}

impl Bound {
    /// Stops accepting on this endpoint.
    ///
    /// For a listener, returns the event its I/O thread reports when it closes it (CLOSED
    /// with its fd, or CLOSE_FAILED with an errno): the socket's close reports it itself, so
    /// it comes before MONITOR_STOPPED as in libzmq.
    pub(super) fn close(self, ctx: &Context) -> Option<(SocketEvent, u32)> {
        match self.kind {
            BoundKind::Io(io, ipc_path, fd) => {
                // Removed here, not later by the I/O thread: a bind that follows at once may
                // already have created the same path anew. A file that cannot be removed
                // (gone already, or its directory not writable) makes the close CLOSE_FAILED.
                let close_failed = ipc_path.and_then(|path| {
                    let removed = std::fs::remove_file(path);
                    removed.err().map(|e| e.raw_os_error().unwrap_or(0) as u32)
                });
                io.send(IoCommand::Unbind(self.listener, close_failed));
                Some(match close_failed {
                    Some(errno) => (SocketEvent::CLOSE_FAILED, errno),
                    None => (SocketEvent::CLOSED, fd as u32),
                })
            }
            BoundKind::Inproc(name) => {
                ctx.inner().inproc().unbind(&name, self.listener);
                None
            }
            BoundKind::Datagram => None,
        }
    }
}

/// An endpoint this socket connected to, and the pipe that serves it.
pub(super) struct Connected {
    pub(super) endpoint: String,
    pub(super) pipe: u64,
}

impl Core {
    /// What the sessions of `endpoint` keep of this socket: its options as they are now,
    /// MAXMSGSIZE bounded by the context's MAX_MSGSZ.
    pub(super) fn link(&self, endpoint: &str) -> SocketLink {
        let mut options = self.options.clone();
        if let Some(bound) = self.ctx.inner().options().message_bound() {
            options.maxmsgsize = match options.maxmsgsize {
                own if own >= 0 => own.min(bound),
                _ => bound,
            };
        }
        SocketLink {
            shared: self.shared.clone(),
            options: Arc::new(options),
            socket_type: self.socket_type,
            endpoint: Arc::from(endpoint),
            inproc: self.ctx.inner().inproc_registry(),
        }
    }

    pub(super) fn bind(&mut self, requested: &str) -> Result<()> {
        self.check_term()?;
        let endpoint = Endpoint::parse(requested)?;
        io::TransportKind::of(&endpoint).check(self.socket_type)?;
        let (listener, resolved, ipc_path) = match endpoint {
            Endpoint::Inproc(name) => return self.bind_inproc(requested, name),
            Endpoint::Udp(address) => return self.bind_udp(requested, &address),
            // libzmq: "bind can be used interchangeably with connect for PGM".
            Endpoint::Pgm { udp, address } => return self.connect_pgm(requested, udp, &address),
            endpoint => match io::listen(endpoint, &self.options, self.socket_type) {
                Ok(bound) => bound,
                Err(e) => {
                    let errno = e.to_raw() as u32;
                    self.shared
                        .event(SocketEvent::BIND_FAILED, errno, requested);
                    return Err(e);
                }
            },
        };
        let fd = std::os::fd::AsRawFd::as_raw_fd(&listener);
        self.shared
            .event(SocketEvent::LISTENING, fd as u32, &resolved);
        let io = self.ctx.inner().choose_io_thread(self.options.affinity)?;
        let id = self.ctx.inner().next_id();
        io.send(IoCommand::Listen {
            id,
            listener,
            socket: self.link(&resolved),
        });
        self.bound.push(Bound {
            requested: requested.to_string(),
            resolved: resolved.clone(),
            listener: id,
            kind: BoundKind::Io(io, ipc_path, fd),
            conflate: self.options.conflate,
        });
        self.last_endpoint = resolved;
        Ok(())
    }

    /// This socket as an inproc peer sees it.
    pub(super) fn inproc_peer(&self) -> InprocPeer {
        InprocPeer {
            shared: self.shared.clone(),
            metadata: Arc::new(PeerMetadata::local(
                self.socket_type,
                &self.options.routing_id,
            )),
            sndhwm: self.options.sndhwm as u64,
            rcvhwm: self.options.rcvhwm as u64,
            hello: peer_messages::hello(&self.options, self.socket_type),
            disconnect: peer_messages::disconnect(&self.options, self.socket_type),
        }
    }

    pub(super) fn bind_inproc(&mut self, requested: &str, name: String) -> Result<()> {
        let id = self.ctx.inner().next_id();
        let peer = self.inproc_peer();
        let waiting = self.ctx.inner().inproc().bind(&name, peer, id)?;
        self.bound.push(Bound {
            requested: requested.to_string(),
            resolved: requested.to_string(),
            listener: id,
            kind: BoundKind::Inproc(name),
            conflate: self.options.conflate,
        });
        for pipe in waiting {
            self.attach_pipe(pipe, id);
        }
        self.last_endpoint = requested.to_string();
        Ok(())
    }

    /// DISH or DGRAM `bind("udp://…")` (libzmq: ENOCOMPATPROTO for a RADIO).
    fn bind_udp(&mut self, requested: &str, address: &str) -> Result<()> {
        let id = self.ctx.inner().next_id();
        let (pipe, resolved) = crate::udp::bind(
            self.socket_type,
            address,
            id,
            &self.options,
            self.shared.clone(),
        )?;
        self.bound.push(Bound {
            requested: requested.to_string(),
            resolved: resolved.clone(),
            listener: id,
            kind: BoundKind::Datagram,
            conflate: false,
        });
        self.attach_pipe(pipe, id);
        self.last_endpoint = resolved;
        Ok(())
    }

    /// RADIO `connect("udp://…")` (libzmq: a DISH never connects udp, ENOCOMPATPROTO).
    fn connect_udp(&mut self, requested: &str, address: &str) -> Result<()> {
        if self.socket_type != SocketType::RADIO {
            return Err(Error::ENOCOMPATPROTO);
        }
        let id = self.ctx.inner().next_id();
        let pipe = crate::udp::connect_radio(address, id, &self.options, self.shared.clone())?;
        self.attach_connected(pipe, requested);
        self.pattern.datagram_peer(id);
        Ok(())
    }

    /// A pgm or epgm endpoint (bind or connect alike): a PGM source for PUB/XPUB, which
    /// sends it every message (libzmq's `subscribe_to_all`), a receiver for SUB/XSUB.
    fn connect_pgm(&mut self, requested: &str, udp: bool, address: &str) -> Result<()> {
        let id = self.ctx.inner().next_id();
        let publisher = matches!(self.socket_type, SocketType::PUB | SocketType::XPUB);
        let (pipe, pump) = if publisher {
            crate::pgm::connect_source(address, udp, id, &self.options, self.shared.clone())?
        } else {
            crate::pgm::connect_receiver(address, udp, id, &self.options, self.shared.clone())?
        };
        self.ctx.inner().adopt_pump(pump);
        self.attach_connected(pipe, requested);
        self.pattern.datagram_peer(id);
        Ok(())
    }

    pub(super) fn connect(&mut self, requested: &str) -> Result<()> {
        self.check_term()?;
        // As libzmq: pipes whose sessions ended go first, so a PAIR takes the new one.
        self.process_commands();
        let endpoint = Endpoint::parse(requested)?;
        io::TransportKind::of(&endpoint).check(self.socket_type)?;
        let target = match endpoint {
            // Names are resolved by the I/O thread on each attempt, as libzmq does.
            Endpoint::Tcp { host, port, source } => {
                ConnectTarget::tcp(host, port, source, self.options.ipv6)?
            }
            Endpoint::Ipc(IpcAddress::Wildcard) => return Err(Error::EINVAL),
            Endpoint::Ipc(address) => ConnectTarget::Ipc(address),
            Endpoint::Ws {
                host,
                port,
                path,
                tls,
            } => ConnectTarget::ws(host, port, path, self.options.ipv6, tls)?,
            Endpoint::Udp(address) => return self.connect_udp(requested, &address),
            Endpoint::Pgm { udp, address } => return self.connect_pgm(requested, udp, &address),
            Endpoint::Inproc(name) => {
                let id = self.ctx.inner().next_id();
                let peer = self.inproc_peer();
                let pipe = self.ctx.inner().inproc().connect(&name, peer, id);
                self.attach_connected(pipe, requested);
                return Ok(());
            }
        };
        let io = self.ctx.inner().choose_io_thread(self.options.affinity)?;
        let id = self.ctx.inner().next_id();
        let notify_socket: Arc<dyn Notify> = self.shared.clone();
        let notify_session: Arc<dyn Notify> = io.clone();
        let (socket_end, session_end) = pipe::pipe(
            id,
            self.options.sndhwm as u64,
            self.options.rcvhwm as u64,
            notify_socket,
            notify_session,
        );
        if self.options.immediate {
            socket_end.set_connected(false);
        }
        io.send(IoCommand::Connect {
            id,
            target,
            pipe: session_end,
            socket: self.link(requested),
        });
        self.attach_connected(socket_end, requested);
        Ok(())
    }

    /// Attaches the socket's end of a pipe made by `connect(endpoint)`.
    pub(super) fn attach_connected(&mut self, pipe: PipeEnd, endpoint: &str) {
        if self.options.conflate {
            pipe.set_conflate();
        }
        let id = pipe.id();
        self.pipes.insert(pipe);
        let connect_routing_id = self.options.connect_routing_id.take();
        let mut cx = Cx {
            pipes: &mut self.pipes,
            options: &self.options,
            connect_routing_id,
        };
        if !self.pattern.attach(id, &mut cx) {
            self.pipes.remove(id);
        }
        if self.socket_type == SocketType::STREAM {
            // libzmq's way to learn a STREAM connection's id: ROUTING_ID right after connect.
            if let Some(rid) = self.pattern.routing_id_of(id) {
                self.options.routing_id = rid;
            }
        }
        self.connected.push(Connected {
            endpoint: endpoint.to_string(),
            pipe: id,
        });
        self.last_endpoint = endpoint.to_string();
    }

    /// Attaches a pipe that a peer of bound endpoint `listener` opened.
    pub(super) fn attach_pipe(&mut self, pipe: PipeEnd, listener: u64) {
        if self.bound_options_conflate(listener) {
            pipe.set_conflate();
        }
        let id = pipe.id();
        self.pipes.insert(pipe);
        let mut cx = Self::cx(&mut self.pipes, &self.options);
        if self.pattern.attach(id, &mut cx) {
            self.pipe_listener.insert(id, listener);
        } else {
            self.pipes.remove(id);
        }
    }

    /// Whether the endpoint bound as `listener` was bound with ZMQ_CONFLATE.
    pub(super) fn bound_options_conflate(&self, listener: u64) -> bool {
        self.bound
            .iter()
            .any(|b| b.listener == listener && b.conflate)
    }

    pub(super) fn unbind(&mut self, endpoint: &str) -> Result<()> {
        self.check_term()?;
        let i = self
            .bound
            .iter()
            // A wildcard endpoint is unbound by what it resolved to, as in libzmq.
            .position(|b| {
                b.resolved == endpoint || (b.requested == endpoint && !endpoint.contains('*'))
            })
            .ok_or(Error::ENOENT)?;
        let bound = self.bound.remove(i);
        let listener = bound.listener;
        // Its I/O thread reports the close: the monitor is still there when it does.
        bound.close(&self.ctx);
        let accepted: Vec<u64> = self
            .pipe_listener
            .iter()
            .filter(|(_, &l)| l == listener)
            .map(|(&p, _)| p)
            .collect();
        for id in accepted {
            self.remove_pipe(id);
        }
        Ok(())
    }

    pub(super) fn disconnect(&mut self, endpoint: &str) -> Result<()> {
        self.check_term()?;
        // An endpoint whose session already ended is ENOENT, as in libzmq.
        self.process_commands();
        let before = self.connected.len();
        let mut gone = Vec::new();
        self.connected.retain(|c| {
            let matches = c.endpoint == endpoint;
            if matches {
                gone.push(c.pipe);
            }
            !matches
        });
        if self.connected.len() == before {
            return Err(Error::ENOENT);
        }
        for id in gone {
            self.remove_pipe(id);
        }
        Ok(())
    }
}
