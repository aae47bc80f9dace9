//! The Majordomo commands as frames: parsing what a broker, worker or client reads (never
//! panicking: anything malformed is a [`Malformed`] saying what was wrong), and building what
//! each of them sends, in MDP/0.1 (RFC 7) or MDP/0.2 (RFC 18).
//!
//! Every message may start with an empty delimiter frame before its header. MDP/0.1 requires
//! it (clients use REQ sockets); RFC 18 drops it for MDP/0.2, yet PyPI's `majortomo` (the
//! MDP/0.2 peer we test against) sends and requires it. So the parsers accept both, report
//! which one a peer used in its [`Dialect`], and the builders write what the dialect says, so
//! a broker answers every peer in the form that peer speaks.
//!
//! majortomo also numbers the MDP/0.2 client commands differently from RFC 18: its clients
//! send REQUEST as 0x02 and read PARTIAL 0x03 and FINAL 0x04 (the worker commands' codes),
//! where RFC 18 has 0x01, 0x02 and 0x03. A broker tells the two apart by the REQUEST's code
//! ([`ClientCodes`]) and answers each client with its own numbering. majortomo's broker
//! also leaves the service frame out of its replies to clients, and its clients take the
//! frames after the command as the body; so replies in that numbering have no service frame.

use super::Version;
use ferrozmq::{Message, Multipart};
use std::fmt;

/// How MDP/0.2 client commands are numbered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ClientCodes {
    /// RFC 18: REQUEST 0x01, PARTIAL 0x02, FINAL 0x03.
    Rfc18,
    /// majortomo 0.2.0: REQUEST 0x02, PARTIAL 0x03, FINAL 0x04 (the worker commands' codes).
    Majortomo,
}

impl ClientCodes {
    fn request(self) -> u8 {
        match self {
            ClientCodes::Rfc18 => 1,
            ClientCodes::Majortomo => 2,
        }
    }

    fn reply(self, kind: ReplyKind) -> u8 {
        let first = match self {
            ClientCodes::Rfc18 => 2,
            ClientCodes::Majortomo => 3,
        };
        match kind {
            ReplyKind::Partial => first,
            ReplyKind::Final => first + 1,
        }
    }
}

/// How one peer frames its messages: the protocol revision, whether an empty delimiter
/// frame comes before the header, and (MDP/0.2 clients) how client commands are numbered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Dialect {
    /// The revision, from the header frame.
    pub version: Version,
    /// True when an empty frame comes before the header (always, for MDP/0.1).
    pub delimiter: bool,
    /// The numbering of MDP/0.2 client commands (ignored for MDP/0.1 and for workers).
    pub client_codes: ClientCodes,
}

impl Dialect {
    /// MDP/0.1, delimiter first (what REQ sockets and the guide's programs use).
    pub const V01: Dialect = Dialect {
        version: Version::V01,
        delimiter: true,
        client_codes: ClientCodes::Rfc18,
    };
    /// MDP/0.2 with RFC 18's command codes and the delimiter frame (which majortomo's
    /// workers require; for workers this is majortomo's dialect).
    pub const V02: Dialect = Dialect {
        version: Version::V02,
        delimiter: true,
        client_codes: ClientCodes::Rfc18,
    };
    /// MDP/0.2 exactly as RFC 18 writes it: the header first, no delimiter.
    pub const V02_BARE: Dialect = Dialect {
        version: Version::V02,
        delimiter: false,
        client_codes: ClientCodes::Rfc18,
    };
    /// MDP/0.2 as majortomo 0.2.0's clients and broker speak it to clients: delimiter
    /// first, client commands numbered as [`ClientCodes::Majortomo`].
    pub const MAJORTOMO: Dialect = Dialect {
        version: Version::V02,
        delimiter: true,
        client_codes: ClientCodes::Majortomo,
    };

    /// The dialect of `version` with RFC 18's client codes, with or without the delimiter
    /// (MDP/0.1 always has it).
    pub fn new(version: Version, delimiter: bool) -> Dialect {
        Dialect {
            version,
            delimiter: delimiter || version == Version::V01,
            client_codes: ClientCodes::Rfc18,
        }
    }
}

/// Why a message is not a Majordomo command.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Malformed {
    /// The message had no frames (or only a routing id).
    Empty,
    /// The header frame is missing.
    NoHeader,
    /// The header frame is neither a client nor a worker header of a known revision (its
    /// first bytes, at most 16).
    UnknownHeader(Vec<u8>),
    /// A client header where a worker command was expected, or the other way round.
    WrongSide,
    /// The command frame is missing.
    NoCommand,
    /// The command frame is not a command of this revision (its first bytes, at most 16).
    UnknownCommand(Vec<u8>),
    /// A known command that this side never receives (for example REQUEST from a worker).
    Unexpected(&'static str),
    /// The service name frame is missing.
    NoService,
    /// The client address frame is missing.
    NoAddress,
    /// The frame after the client address is missing or not empty.
    NoDelimiter,
}

impl fmt::Display for Malformed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Malformed::Empty => f.write_str("empty message"),
            Malformed::NoHeader => f.write_str("no protocol header"),
            Malformed::UnknownHeader(h) => write!(f, "unknown protocol header {}", show(h)),
            Malformed::WrongSide => f.write_str("header of the wrong sub-protocol"),
            Malformed::NoCommand => f.write_str("no command frame"),
            Malformed::UnknownCommand(c) => write!(f, "unknown command {}", show(c)),
            Malformed::Unexpected(name) => write!(f, "unexpected command {name}"),
            Malformed::NoService => f.write_str("no service name"),
            Malformed::NoAddress => f.write_str("no client address"),
            Malformed::NoDelimiter => f.write_str("no empty frame after the client address"),
        }
    }
}

impl std::error::Error for Malformed {}

/// A frame as text when printable, else as hex (for log lines).
pub fn show(frame: &[u8]) -> String {
    if !frame.is_empty() && frame.iter().all(|b| (0x20..0x7f).contains(b)) {
        format!("{:?}", String::from_utf8_lossy(frame))
    } else {
        let hex: String = frame.iter().map(|b| format!("{b:02X}")).collect();
        format!("0x{hex}")
    }
}

/// At most the first 16 bytes of a frame, kept in an error.
fn clip(frame: &[u8]) -> Vec<u8> {
    frame[..frame.len().min(16)].to_vec()
}

/// A client's request as the broker reads it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientRequest {
    /// How the client frames its messages (its reply is framed the same way).
    pub dialect: Dialect,
    /// The service the request is for.
    pub service: Message,
    /// The request body, any number of frames.
    pub body: Multipart,
}

/// A command from a worker to the broker.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WorkerToBroker {
    /// READY: the worker offers `service`.
    Ready {
        /// The service name.
        service: Message,
    },
    /// PARTIAL (MDP/0.2 only): part of the reply to `client`; more follows.
    Partial {
        /// The client address the request came with.
        client: Message,
        /// The reply body.
        body: Multipart,
    },
    /// REPLY (MDP/0.1) or FINAL (MDP/0.2): the (last) reply to `client`.
    Final {
        /// The client address the request came with.
        client: Message,
        /// The reply body.
        body: Multipart,
    },
    /// HEARTBEAT.
    Heartbeat,
    /// DISCONNECT: the worker is leaving.
    Disconnect,
}

/// A command from the broker to a worker.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BrokerToWorker {
    /// REQUEST from `client` (whose address the reply must carry).
    Request {
        /// The client address.
        client: Message,
        /// The request body.
        body: Multipart,
    },
    /// HEARTBEAT.
    Heartbeat,
    /// DISCONNECT: the worker must reconnect on a new socket.
    Disconnect,
}

/// Whether a reply to a client is the last one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReplyKind {
    /// PARTIAL (MDP/0.2): more replies follow.
    Partial,
    /// REPLY (MDP/0.1) or FINAL (MDP/0.2): the request is answered.
    Final,
}

/// A reply as a client reads it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientReply {
    /// The revision the broker answered in.
    pub version: Version,
    /// Partial or final.
    pub kind: ReplyKind,
    /// The service that answered (`None` in majortomo's replies, which do not name it).
    pub service: Option<Message>,
    /// The reply body.
    pub body: Multipart,
}

/// What the broker reads from its ROUTER socket: a client request or a worker command, with
/// the routing id of the peer that sent it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BrokerInput {
    /// A client's request.
    Client {
        /// The client's routing id.
        sender: Message,
        /// The request.
        request: ClientRequest,
    },
    /// A worker's command.
    Worker {
        /// The worker's routing id.
        sender: Message,
        /// How the worker frames its messages.
        dialect: Dialect,
        /// The command.
        command: WorkerToBroker,
    },
}

/// The worker commands, whose codes differ between revisions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Command {
    Ready,
    Request,
    Partial,
    Final,
    Heartbeat,
    Disconnect,
}

impl Command {
    /// The command's byte in `version`; MDP/0.1 has no PARTIAL.
    fn code(self, version: Version) -> Option<u8> {
        match (version, self) {
            (_, Command::Ready) => Some(1),
            (_, Command::Request) => Some(2),
            (Version::V01, Command::Partial) => None,
            (Version::V01, Command::Final) => Some(3),
            (Version::V01, Command::Heartbeat) => Some(4),
            (Version::V01, Command::Disconnect) => Some(5),
            (Version::V02, Command::Partial) => Some(3),
            (Version::V02, Command::Final) => Some(4),
            (Version::V02, Command::Heartbeat) => Some(5),
            (Version::V02, Command::Disconnect) => Some(6),
        }
    }

    /// The command whose one-byte frame `frame` is, in `version`.
    fn parse(version: Version, frame: &[u8]) -> Result<Command, Malformed> {
        let all = [
            Command::Ready,
            Command::Request,
            Command::Partial,
            Command::Final,
            Command::Heartbeat,
            Command::Disconnect,
        ];
        match frame {
            [code] => all
                .into_iter()
                .find(|c| c.code(version) == Some(*code))
                .ok_or_else(|| Malformed::UnknownCommand(clip(frame))),
            _ => Err(Malformed::UnknownCommand(clip(frame))),
        }
    }

    /// The command's name in `version`, for log lines.
    fn name(self, version: Version) -> &'static str {
        match (self, version) {
            (Command::Ready, _) => "READY",
            (Command::Request, _) => "REQUEST",
            (Command::Partial, _) => "PARTIAL",
            (Command::Final, Version::V01) => "REPLY",
            (Command::Final, Version::V02) => "FINAL",
            (Command::Heartbeat, _) => "HEARTBEAT",
            (Command::Disconnect, _) => "DISCONNECT",
        }
    }
}

/// Takes the optional delimiter and the header frame off the front.
fn take_header(frames: &mut Multipart) -> Result<(bool, Message), Malformed> {
    let first = frames.pop().ok_or(Malformed::Empty)?;
    if first.is_empty() {
        Ok((true, frames.pop().ok_or(Malformed::NoHeader)?))
    } else {
        Ok((false, first))
    }
}

/// Takes `client address, empty frame` off the front.
fn take_address(frames: &mut Multipart) -> Result<Message, Malformed> {
    let client = frames.pop().ok_or(Malformed::NoAddress)?;
    match frames.pop() {
        Some(empty) if empty.is_empty() => Ok(client),
        _ => Err(Malformed::NoDelimiter),
    }
}

/// Takes the command frame off the front.
fn take_command(frames: &mut Multipart, version: Version) -> Result<Command, Malformed> {
    let frame = frames.pop().ok_or(Malformed::NoCommand)?;
    Command::parse(version, &frame)
}

/// Parses a message the broker received on its ROUTER socket (routing id first).
pub fn parse_broker_input(mut frames: Multipart) -> Result<BrokerInput, Malformed> {
    let sender = frames.pop().ok_or(Malformed::Empty)?;
    let (delimiter, header) = take_header(&mut frames)?;
    if let Some(version) = Version::of_client_header(&header) {
        let mut dialect = Dialect::new(version, delimiter);
        if version == Version::V02 {
            let command = frames.pop().ok_or(Malformed::NoCommand)?;
            dialect.client_codes = [ClientCodes::Rfc18, ClientCodes::Majortomo]
                .into_iter()
                .find(|codes| command[..] == [codes.request()])
                .ok_or_else(|| Malformed::UnknownCommand(clip(&command)))?;
        }
        let service = frames.pop().ok_or(Malformed::NoService)?;
        let request = ClientRequest {
            dialect,
            service,
            body: frames,
        };
        return Ok(BrokerInput::Client { sender, request });
    }
    let version = Version::of_worker_header(&header)
        .ok_or_else(|| Malformed::UnknownHeader(clip(&header)))?;
    let command = match take_command(&mut frames, version)? {
        Command::Ready => WorkerToBroker::Ready {
            service: frames.pop().ok_or(Malformed::NoService)?,
        },
        Command::Partial => WorkerToBroker::Partial {
            client: take_address(&mut frames)?,
            body: frames,
        },
        Command::Final => WorkerToBroker::Final {
            client: take_address(&mut frames)?,
            body: frames,
        },
        Command::Heartbeat => WorkerToBroker::Heartbeat,
        Command::Disconnect => WorkerToBroker::Disconnect,
        other => return Err(Malformed::Unexpected(other.name(version))),
    };
    Ok(BrokerInput::Worker {
        sender,
        dialect: Dialect::new(version, delimiter),
        command,
    })
}

/// Parses a message a worker received from the broker on its DEALER socket.
pub fn parse_worker_input(mut frames: Multipart) -> Result<(Dialect, BrokerToWorker), Malformed> {
    let (delimiter, header) = take_header(&mut frames)?;
    let Some(version) = Version::of_worker_header(&header) else {
        return Err(match Version::of_client_header(&header) {
            Some(_) => Malformed::WrongSide,
            None => Malformed::UnknownHeader(clip(&header)),
        });
    };
    let command = match take_command(&mut frames, version)? {
        Command::Request => BrokerToWorker::Request {
            client: take_address(&mut frames)?,
            body: frames,
        },
        Command::Heartbeat => BrokerToWorker::Heartbeat,
        Command::Disconnect => BrokerToWorker::Disconnect,
        other => return Err(Malformed::Unexpected(other.name(version))),
    };
    Ok((Dialect::new(version, delimiter), command))
}

/// Parses a reply a client speaking `codes` received on its DEALER socket.
pub fn parse_client_reply(
    mut frames: Multipart,
    codes: ClientCodes,
) -> Result<ClientReply, Malformed> {
    let (_, header) = take_header(&mut frames)?;
    let Some(version) = Version::of_client_header(&header) else {
        return Err(match Version::of_worker_header(&header) {
            Some(_) => Malformed::WrongSide,
            None => Malformed::UnknownHeader(clip(&header)),
        });
    };
    let kind = match version {
        Version::V01 => ReplyKind::Final,
        Version::V02 => {
            let command = frames.pop().ok_or(Malformed::NoCommand)?;
            match command[..] {
                [code] if code == codes.reply(ReplyKind::Partial) => ReplyKind::Partial,
                [code] if code == codes.reply(ReplyKind::Final) => ReplyKind::Final,
                [code] if code == codes.request() => return Err(Malformed::Unexpected("REQUEST")),
                _ => return Err(Malformed::UnknownCommand(clip(&command))),
            }
        }
    };
    let service = if version == Version::V02 && codes == ClientCodes::Majortomo {
        None
    } else {
        Some(frames.pop().ok_or(Malformed::NoService)?)
    };
    Ok(ClientReply {
        version,
        kind,
        service,
        body: frames,
    })
}

/// Puts the header (and the delimiter, if the dialect has it) in front of `frames`.
fn with_header(mut frames: Multipart, dialect: Dialect, header: &[u8]) -> Multipart {
    frames.push(header);
    if dialect.delimiter {
        frames.push(Message::new());
    }
    frames
}

/// A client's request for `service` (what a client sends on its DEALER socket).
pub fn client_request(dialect: Dialect, service: &[u8], body: Multipart) -> Multipart {
    let mut frames = body;
    frames.push(service);
    if dialect.version == Version::V02 {
        frames.push(&[dialect.client_codes.request()]);
    }
    with_header(frames, dialect, dialect.version.client_header())
}

/// A reply to a client (without the routing id the broker puts in front); `None` for a
/// PARTIAL in MDP/0.1, which has none.
pub fn client_reply(
    dialect: Dialect,
    kind: ReplyKind,
    service: &[u8],
    body: Multipart,
) -> Option<Multipart> {
    let mut frames = body;
    if dialect.client_codes == ClientCodes::Rfc18 || dialect.version == Version::V01 {
        frames.push(service);
    }
    match (dialect.version, kind) {
        (Version::V01, ReplyKind::Partial) => return None,
        (Version::V01, ReplyKind::Final) => {}
        (Version::V02, kind) => frames.push(&[dialect.client_codes.reply(kind)]),
    }
    Some(with_header(
        frames,
        dialect,
        dialect.version.client_header(),
    ))
}

/// Frames `body` as worker command `command`, with the client address envelope if given.
fn worker_command(
    dialect: Dialect,
    command: Command,
    client: Option<Message>,
    mut frames: Multipart,
) -> Option<Multipart> {
    if let Some(client) = client {
        frames.wrap(client);
    }
    frames.push(&[command.code(dialect.version)?]);
    Some(with_header(
        frames,
        dialect,
        dialect.version.worker_header(),
    ))
}

/// A worker's command to the broker; `None` for PARTIAL in MDP/0.1, which has none.
pub fn worker_to_broker(dialect: Dialect, command: WorkerToBroker) -> Option<Multipart> {
    match command {
        WorkerToBroker::Ready { service } => {
            worker_command(dialect, Command::Ready, None, Multipart::from([service]))
        }
        WorkerToBroker::Partial { client, body } => {
            worker_command(dialect, Command::Partial, Some(client), body)
        }
        WorkerToBroker::Final { client, body } => {
            worker_command(dialect, Command::Final, Some(client), body)
        }
        WorkerToBroker::Heartbeat => {
            worker_command(dialect, Command::Heartbeat, None, Multipart::new())
        }
        WorkerToBroker::Disconnect => {
            worker_command(dialect, Command::Disconnect, None, Multipart::new())
        }
    }
}

/// The broker's command to a worker (without the routing id the broker puts in front).
pub fn broker_to_worker(dialect: Dialect, command: BrokerToWorker) -> Multipart {
    let framed = match command {
        BrokerToWorker::Request { client, body } => {
            worker_command(dialect, Command::Request, Some(client), body)
        }
        BrokerToWorker::Heartbeat => {
            worker_command(dialect, Command::Heartbeat, None, Multipart::new())
        }
        BrokerToWorker::Disconnect => {
            worker_command(dialect, Command::Disconnect, None, Multipart::new())
        }
    };
    // REQUEST, HEARTBEAT and DISCONNECT exist in every revision.
    framed.unwrap_or_default()
}

/// The name of a worker command for log lines ("READY", "REPLY", …), from its frames.
pub fn describe_worker_command(command: &WorkerToBroker, version: Version) -> &'static str {
    let command = match command {
        WorkerToBroker::Ready { .. } => Command::Ready,
        WorkerToBroker::Partial { .. } => Command::Partial,
        WorkerToBroker::Final { .. } => Command::Final,
        WorkerToBroker::Heartbeat => Command::Heartbeat,
        WorkerToBroker::Disconnect => Command::Disconnect,
    };
    command.name(version)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frames(parts: &[&[u8]]) -> Multipart {
        parts.iter().copied().collect()
    }

    #[test]
    fn a_v01_request_reads_with_its_service_and_body() {
        let input = parse_broker_input(frames(&[b"C", b"", b"MDPC01", b"echo", b"hi"])).unwrap();
        let BrokerInput::Client { sender, request } = input else {
            panic!("not a client request: {input:?}");
        };
        assert_eq!(&sender[..], b"C");
        assert_eq!(request.dialect, Dialect::V01);
        assert_eq!(&request.service[..], b"echo");
        assert_eq!(request.body, frames(&[b"hi"]));
    }

    #[test]
    fn v02_requests_read_with_and_without_the_delimiter() {
        for (raw, dialect) in [
            (
                frames(&[b"C", b"", b"MDPC02", b"\x01", b"echo", b"x"]),
                Dialect::V02,
            ),
            (
                frames(&[b"C", b"MDPC02", b"\x01", b"echo", b"x"]),
                Dialect::V02_BARE,
            ),
        ] {
            match parse_broker_input(raw).unwrap() {
                BrokerInput::Client { request, .. } => assert_eq!(request.dialect, dialect),
                other => panic!("not a client request: {other:?}"),
            }
        }
    }

    #[test]
    fn worker_commands_round_trip_through_build_and_parse() {
        for dialect in [Dialect::V01, Dialect::V02, Dialect::V02_BARE] {
            let commands = [
                WorkerToBroker::Ready {
                    service: "echo".into(),
                },
                WorkerToBroker::Final {
                    client: "C".into(),
                    body: frames(&[b"a", b"b"]),
                },
                WorkerToBroker::Heartbeat,
                WorkerToBroker::Disconnect,
            ];
            for command in commands {
                let mut built = worker_to_broker(dialect, command.clone()).unwrap();
                built.push("W");
                let parsed = parse_broker_input(built).unwrap();
                assert_eq!(
                    parsed,
                    BrokerInput::Worker {
                        sender: "W".into(),
                        dialect,
                        command
                    }
                );
            }
        }
        let partial = WorkerToBroker::Partial {
            client: "C".into(),
            body: Multipart::new(),
        };
        assert_eq!(worker_to_broker(Dialect::V01, partial), None);
    }

    #[test]
    fn broker_commands_and_client_replies_round_trip() {
        for dialect in [
            Dialect::V01,
            Dialect::V02,
            Dialect::V02_BARE,
            Dialect::MAJORTOMO,
        ] {
            let request = BrokerToWorker::Request {
                client: "C".into(),
                body: frames(&[b"x"]),
            };
            let built = broker_to_worker(dialect, request.clone());
            let (parsed, command) = parse_worker_input(built).unwrap();
            assert_eq!(
                (parsed.version, parsed.delimiter),
                (dialect.version, dialect.delimiter)
            );
            assert_eq!(command, request);
            let reply = client_reply(dialect, ReplyKind::Final, b"echo", frames(&[b"y"])).unwrap();
            let parsed = parse_client_reply(reply, dialect.client_codes).unwrap();
            assert_eq!(parsed.kind, ReplyKind::Final);
            assert_eq!(parsed.version, dialect.version);
            assert_eq!(parsed.body, frames(&[b"y"]));
        }
    }

    #[test]
    fn the_v01_wire_bytes_are_rfc_7s() {
        let request = client_request(Dialect::V01, b"echo", frames(&[b"hi"]));
        assert_eq!(request, frames(&[b"", b"MDPC01", b"echo", b"hi"]));
        let reply = worker_to_broker(
            Dialect::V01,
            WorkerToBroker::Final {
                client: "C".into(),
                body: frames(&[b"hi"]),
            },
        );
        assert_eq!(
            reply.unwrap(),
            frames(&[b"", b"MDPW01", b"\x03", b"C", b"", b"hi"])
        );
    }

    #[test]
    fn malformed_input_is_an_error_not_a_panic() {
        let cases: Vec<(Vec<&[u8]>, Malformed)> = vec![
            (vec![], Malformed::Empty),
            (vec![b"C"], Malformed::Empty),
            (vec![b"C", b""], Malformed::NoHeader),
            (
                vec![b"C", b"", b"MDPX01"],
                Malformed::UnknownHeader(b"MDPX01".to_vec()),
            ),
            (vec![b"C", b"", b"MDPC01"], Malformed::NoService),
            (vec![b"W", b"", b"MDPW01"], Malformed::NoCommand),
            (
                vec![b"W", b"", b"MDPW01", b"\x09"],
                Malformed::UnknownCommand(vec![9]),
            ),
            (
                vec![b"W", b"", b"MDPW01", b"\x01\x01"],
                Malformed::UnknownCommand(vec![1, 1]),
            ),
            (vec![b"W", b"", b"MDPW01", b"\x01"], Malformed::NoService),
            (vec![b"W", b"", b"MDPW01", b"\x03"], Malformed::NoAddress),
            (
                vec![b"W", b"", b"MDPW01", b"\x03", b"C"],
                Malformed::NoDelimiter,
            ),
            (
                vec![b"W", b"", b"MDPW01", b"\x03", b"C", b"x"],
                Malformed::NoDelimiter,
            ),
            (
                vec![b"W", b"", b"MDPW01", b"\x02"],
                Malformed::Unexpected("REQUEST"),
            ),
            (
                vec![b"C", b"", b"MDPC02", b"\x03", b"echo"],
                Malformed::UnknownCommand(vec![3]),
            ),
        ];
        for (raw, expected) in cases {
            let raw: Multipart = raw.into_iter().collect();
            assert_eq!(parse_broker_input(raw.clone()), Err(expected), "{raw:?}");
        }
        assert_eq!(
            parse_worker_input(frames(&[b"", b"MDPC01", b"x"])),
            Err(Malformed::WrongSide)
        );
        assert_eq!(
            parse_client_reply(frames(&[b"", b"MDPC02", b"\x07", b"s"]), ClientCodes::Rfc18),
            Err(Malformed::UnknownCommand(vec![7]))
        );
    }
}
