//! PLAIN (RFC 24, libzmq's `plain_client.cpp`/`plain_server.cpp`):
//!
//! ```text
//! C: HELLO    = 05 "HELLO" | ulen(1) username | plen(1) password
//! S: WELCOME  = 07 "WELCOME"                   (after ZAP said 200; else ERROR or silence)
//! C: INITIATE = 08 "INITIATE" | metadata
//! S: READY    = 05 "READY" | metadata
//! ```

use bytes::Bytes;

use super::{malformed, refuse, Context, Step, ZapRequest};
use crate::command;
use crate::error::EngineError;

/// HELLO command name.
pub const HELLO: &[u8] = b"HELLO";
/// WELCOME command name.
pub const WELCOME: &[u8] = b"WELCOME";
/// INITIATE command name.
pub const INITIATE: &[u8] = b"INITIATE";

/// Longest user name or password a HELLO can carry (one length byte).
pub const MAX_CREDENTIAL: usize = 255;

/// Parses a PLAIN HELLO body into (username, password), as libzmq's server does: both length
/// bytes must be present, the fields must fit, and nothing may follow the password.
pub fn parse_hello(body: &Bytes) -> Result<(Bytes, Bytes), EngineError> {
    if super::command_name(body) != HELLO {
        return Err(refuse(body.clone(), false));
    }
    let bad = |reason| malformed("HELLO", reason);
    let mut pos = 1 + HELLO.len();
    let user_len = usize::from(*body.get(pos).ok_or_else(|| bad("no user name length"))?);
    pos += 1;
    let user_end = pos + user_len;
    if body.len() < user_end {
        return Err(bad("user name longer than the command"));
    }
    let username = body.slice(pos..user_end);
    pos = user_end;
    let pass_len = usize::from(*body.get(pos).ok_or_else(|| bad("no password length"))?);
    pos += 1;
    if body.len() - pos != pass_len {
        return Err(bad("password length does not match the command"));
    }
    Ok((username, body.slice(pos..)))
}

/// Parses a PLAIN WELCOME body: exactly the name (libzmq refuses anything after it).
pub fn parse_welcome(body: &Bytes) -> Result<(), EngineError> {
    if super::command_name(body) != WELCOME {
        return Err(refuse_libzmq_error(body));
    }
    if body.len() != 1 + WELCOME.len() {
        return Err(malformed("WELCOME", "data after the command name"));
    }
    Ok(())
}

/// The property list of a PLAIN INITIATE or READY body named `name` (parse it with
/// [`metadata::parse`](crate::metadata::parse)).
pub fn parse_properties(body: &Bytes, name: &[u8]) -> Result<Bytes, EngineError> {
    if super::command_name(body) != name {
        if name == command::READY {
            return Err(refuse_libzmq_error(body));
        }
        return Err(refuse(body.clone(), false));
    }
    Ok(body.slice(1 + name.len()..))
}

/// How libzmq's PLAIN server (4.3.x) spells ERROR: its C literal `"\x05ERROR"` reads as the
/// hex escape `\x05E` (`^`) then `RROR`, so the body is `^RROR`, a reason length and the
/// reason — and libzmq's PLAIN client only knows that spelling.
const LIBZMQ_ERROR: &[u8] = b"^RROR";

/// A command a PLAIN client did not expect from the server: an ERROR (RFC 23's, or libzmq's
/// misspelt one) is the server's refusal; anything else is unexpected.
fn refuse_libzmq_error(body: &Bytes) -> EngineError {
    if let Some(rest) = body.strip_prefix(LIBZMQ_ERROR) {
        if let Some((&len, reason)) = rest.split_first() {
            if usize::from(len) == reason.len() {
                return crate::error::peer_error(reason);
            }
        }
    }
    refuse(body.clone(), true)
}

/// Where a PLAIN client stands.
enum ClientState {
    /// HELLO sent.
    ExpectWelcome,
    /// INITIATE sent.
    ExpectReady,
}

/// PLAIN client.
pub(crate) struct Client {
    hello: Vec<u8>,
    state: ClientState,
}

impl Client {
    /// A client that will log in with `username` and `password` (each cut to 255 bytes).
    pub fn new(username: &[u8], password: &[u8]) -> Client {
        let username = username.get(..MAX_CREDENTIAL).unwrap_or(username);
        let password = password.get(..MAX_CREDENTIAL).unwrap_or(password);
        let mut hello = Vec::with_capacity(2 + username.len() + password.len());
        hello.push(username.len() as u8);
        hello.extend_from_slice(username);
        hello.push(password.len() as u8);
        hello.extend_from_slice(password);
        Client {
            hello,
            state: ClientState::ExpectWelcome,
        }
    }

    /// After the greeting: HELLO.
    pub fn start(&mut self, out: &mut Vec<u8>) -> Step {
        command::encode(HELLO, &self.hello, out);
        Step::Wait
    }

    /// WELCOME (answered with INITIATE), then READY; ERROR is the server's refusal.
    pub fn process(
        &mut self,
        body: Bytes,
        ctx: &Context<'_>,
        out: &mut Vec<u8>,
    ) -> Result<Step, EngineError> {
        match self.state {
            ClientState::ExpectWelcome => {
                parse_welcome(&body)?;
                command::encode(INITIATE, ctx.our_metadata, out);
                self.state = ClientState::ExpectReady;
                Ok(Step::Wait)
            }
            ClientState::ExpectReady => {
                let props = parse_properties(&body, command::READY)?;
                Ok(Step::Done(Box::new(ctx.accept(&props)?), None))
            }
        }
    }
}

/// Where a PLAIN server stands.
enum ServerState {
    /// Waiting for HELLO.
    ExpectHello,
    /// HELLO handed to ZAP; no input is read until the answer.
    AwaitZap,
    /// WELCOME sent.
    ExpectInitiate,
}

/// PLAIN server.
pub(crate) struct Server {
    state: ServerState,
}

impl Server {
    /// A server waiting for HELLO.
    pub fn new() -> Server {
        Server {
            state: ServerState::ExpectHello,
        }
    }

    /// HELLO (handed to ZAP), then INITIATE (answered with READY, which completes it).
    pub fn process(
        &mut self,
        body: Bytes,
        ctx: &Context<'_>,
        out: &mut Vec<u8>,
    ) -> Result<Step, EngineError> {
        match self.state {
            ServerState::ExpectHello => {
                let (username, password) = parse_hello(&body)?;
                self.state = ServerState::AwaitZap;
                Ok(Step::Zap(ZapRequest {
                    mechanism: "PLAIN",
                    credentials: vec![username, password],
                }))
            }
            ServerState::AwaitZap => Err(refuse(body, false)),
            ServerState::ExpectInitiate => {
                let props = parse_properties(&body, INITIATE)?;
                let info = ctx.accept(&props)?;
                command::encode(command::READY, ctx.our_metadata, out);
                Ok(Step::Done(Box::new(info), None))
            }
        }
    }

    /// ZAP said 200: WELCOME.
    pub fn zap_ok(&mut self, out: &mut Vec<u8>) -> Step {
        command::encode(WELCOME, &[], out);
        self.state = ServerState::ExpectInitiate;
        Step::Wait
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn libzmqs_misspelt_error_is_a_refusal() {
        let libzmq = Bytes::from_static(b"^RROR\x03400");
        assert_eq!(
            parse_welcome(&libzmq).unwrap_err().zap_status_code(),
            Some(400)
        );
        let ready = parse_properties(&libzmq, command::READY).unwrap_err();
        assert_eq!(ready.zap_status_code(), Some(400));
        let rfc = Bytes::from_static(b"\x05ERROR\x03500");
        assert_eq!(
            parse_welcome(&rfc).unwrap_err().zap_status_code(),
            Some(500)
        );
        // A wrong reason length is no ERROR of either kind.
        let bad = Bytes::from_static(b"^RROR\x04400");
        assert_eq!(parse_welcome(&bad).unwrap_err().zap_status_code(), None);
    }
}
