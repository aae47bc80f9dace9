//! Running `cat`: set the socket up, then one loop per [`Role`].

use std::thread;
use std::time::{Duration, Instant};

use ferrozmq::{poll, Context, Error, PollEvents, Socket, SocketType, DONTWAIT, POLLIN};

use super::draft;
use super::input::{Input, Stdin};
use super::output::{Printed, Printer};
use super::{CatOptions, Role};
use crate::cli_args::Failure;
use crate::sock_opts::{bind, connect, make_socket};

/// Runs `cat` to its end. Returns once what was sent is delivered (or the
/// linger time is up): the socket's context terminates before this returns.
pub fn run(o: &CatOptions) -> Result<(), Failure> {
    let ctx = Context::new();
    let auth = o.security.authenticator(&ctx)?;
    let socket = make_socket(&ctx, o.kind)?;
    let result = setup(o, &socket).and_then(|()| {
        let mut cat = Cat {
            o,
            socket: &socket,
            printer: Printer::new(&o.separator, o.progress),
        };
        let result = match Role::of(o.kind) {
            Role::Send => cat.send_all(),
            Role::Receive => cat.receive_all(),
            Role::Request => cat.request_all(),
            Role::Reply => cat.reply_all(),
            Role::Both => cat.both(),
        };
        cat.printer.finish();
        result
    });
    if result.is_err() {
        // A failed run has nothing left worth waiting for.
        let _ = socket.set_linger(0);
    }
    drop(socket);
    drop(auth);
    drop(ctx);
    result
}

/// Options, subscriptions, then the endpoints.
fn setup(o: &CatOptions, socket: &Socket) -> Result<(), Failure> {
    o.socket.apply(socket)?;
    o.security.apply(socket)?;
    let failed = |e: Error| Failure::Run(format!("cannot set up the socket: {e}"));
    if let Some(ms) = o.timeout {
        socket.set_sndtimeo(ms).map_err(failed)?;
        socket.set_rcvtimeo(ms).map_err(failed)?;
    }
    if o.kind == SocketType::SUB {
        if o.subscribe.is_empty() {
            socket.set_subscribe(b"").map_err(failed)?;
        }
        for prefix in &o.subscribe {
            socket.set_subscribe(prefix).map_err(failed)?;
        }
    }
    for group in &o.join {
        socket
            .join(group)
            .map_err(|e| Failure::Run(format!("cannot join group {group:?}: {e}")))?;
    }
    for endpoint in &o.binds {
        bind(socket, endpoint, "cat: ")?;
    }
    for endpoint in &o.connects {
        connect(socket, endpoint)?;
    }
    if o.kind == SocketType::XSUB {
        for prefix in &o.subscribe {
            let mut message = vec![1u8];
            message.extend_from_slice(prefix);
            socket.send(message, 0).map_err(failed)?;
        }
    }
    Ok(())
}

/// One run of `cat`.
struct Cat<'a> {
    o: &'a CatOptions,
    socket: &'a Socket,
    printer: Printer,
}

impl Cat<'_> {
    /// Whether `-n` messages have arrived.
    fn done(&self) -> bool {
        self.o.count.is_some_and(|n| self.printer.received() >= n)
    }

    /// The end of a run by `--timeout`: fine, unless `-n` was not reached.
    fn timed_out(&self) -> Result<(), Failure> {
        match self.o.count {
            Some(n) if self.printer.received() < n => Err(Failure::Run(format!(
                "timed out after {} ms with {} of {n} messages",
                self.o.timeout.unwrap_or(0),
                self.printer.received()
            ))),
            _ => Ok(()),
        }
    }

    /// `--delay` before the first send.
    fn delay(&self) {
        thread::sleep(Duration::from_millis(self.o.delay));
    }

    fn send(&mut self, frames: Vec<Vec<u8>>) -> Result<(), Failure> {
        self.printer.sent(&frames);
        let sent = if draft::is_draft(self.o.kind) {
            let msg = draft::message(self.o.kind, frames)?;
            self.socket.send(msg, 0)
        } else {
            self.socket.send_multipart(frames, 0)
        };
        sent.map_err(|e| match e {
            Error::EAGAIN => Failure::Run(format!(
                "could not send within {} ms (no peer ready?)",
                self.o.timeout.unwrap_or(0)
            )),
            e => Failure::Run(format!("cannot send: {e}")),
        })
    }

    /// The next message, or `None` once `--timeout` passes without one.
    fn recv(&self, flags: i32) -> Result<Option<Vec<Vec<u8>>>, Failure> {
        let received = if draft::is_draft(self.o.kind) {
            let kind = self.o.kind;
            self.socket
                .recv_msg(flags)
                .map(|msg| draft::fields(kind, msg))
        } else {
            self.socket.recv_multipart(flags)
        };
        match received {
            Ok(frames) => Ok(Some(frames)),
            Err(Error::EAGAIN) => Ok(None),
            Err(e) => Err(Failure::Run(format!("cannot receive: {e}"))),
        }
    }

    /// Send-only types: stdin out, then return.
    fn send_all(&mut self) -> Result<(), Failure> {
        let stdin = Stdin::spawn(self.o.separator.clone())?;
        self.delay();
        while let Input::Line(frames) = stdin.next()? {
            self.send(frames)?;
        }
        Ok(())
    }

    /// Receive-only types: print until `-n` or `--timeout`.
    fn receive_all(&mut self) -> Result<(), Failure> {
        while !self.done() {
            let Some(frames) = self.recv(0)? else {
                return self.timed_out();
            };
            if self.printer.print(&frames)? == Printed::Closed {
                break;
            }
        }
        Ok(())
    }

    /// REQ: each line is a request; print each reply.
    fn request_all(&mut self) -> Result<(), Failure> {
        let stdin = Stdin::spawn(self.o.separator.clone())?;
        self.delay();
        while !self.done() {
            let Input::Line(frames) = stdin.next()? else {
                break;
            };
            self.send(frames)?;
            let Some(reply) = self.recv(0)? else {
                return Err(Failure::Run(format!(
                    "no reply within {} ms",
                    self.o.timeout.unwrap_or(0)
                )));
            };
            if self.printer.print(&reply)? == Printed::Closed {
                break;
            }
        }
        Ok(())
    }

    /// REP: print each request, answer it with itself or `--reply`.
    fn reply_all(&mut self) -> Result<(), Failure> {
        while !self.done() {
            let Some(request) = self.recv(0)? else {
                return self.timed_out();
            };
            let printed = self.printer.print(&request)?;
            let reply = self.o.reply.clone().unwrap_or(request);
            self.send(reply)?;
            if printed == Printed::Closed {
                break;
            }
        }
        Ok(())
    }

    /// Two-way types: stdin out and messages in, together; after stdin
    /// ends, messages in until `-n` or `--timeout`.
    fn both(&mut self) -> Result<(), Failure> {
        let stdin = Stdin::spawn(self.o.separator.clone())?;
        self.delay();
        let mut stdin_open = true;
        let mut idle_since = Instant::now();
        while !self.done() {
            let wait_ms = match self.o.timeout {
                Some(ms) if !stdin_open => {
                    let left =
                        Duration::from_millis(ms as u64).saturating_sub(idle_since.elapsed());
                    if left.is_zero() {
                        return self.timed_out();
                    }
                    left.as_millis() as i64
                }
                _ => -1,
            };
            let (message_ready, line_ready) = {
                let mut items = [
                    self.socket.as_poll_item(POLLIN),
                    stdin.socket().as_poll_item(if stdin_open {
                        POLLIN
                    } else {
                        PollEvents::empty()
                    }),
                ];
                poll(&mut items, wait_ms)
                    .map_err(|e| Failure::Run(format!("cannot wait for messages: {e}")))?;
                (items[0].is_readable(), items[1].is_readable())
            };
            if message_ready {
                if let Some(frames) = self.recv(DONTWAIT)? {
                    idle_since = Instant::now();
                    if self.printer.print(&frames)? == Printed::Closed {
                        break;
                    }
                }
            }
            if line_ready {
                match stdin.next()? {
                    Input::Line(frames) => self.send(frames)?,
                    Input::End => {
                        stdin_open = false;
                        idle_since = Instant::now();
                    }
                }
            }
        }
        Ok(())
    }
}
