//! The FILEMQ commands (spec 19, guide chapter 7) as values, and their codec: sans-IO, frames
//! in and out. Every command starts with the signature `%xAA %xA3` and a command id in its
//! first frame, followed by the command's fields; ORLY's challenge, YARLY's response and
//! CHEEZBURGER's chunk travel as a second ZeroMQ frame. Strings are one length octet and the
//! bytes; numbers are 8 octets in network order; dictionaries are one count octet and that
//! many `name=value` strings.
//!
//! ```
//! use ferrozmq_filemq::msg::Command;
//! let frames = Command::Nom { credit: 250_000, sequence: 0 }.encode();
//! assert_eq!(Command::decode(&frames)?, Command::Nom { credit: 250_000, sequence: 0 });
//! # Ok::<(), ferrozmq_filemq::msg::DecodeError>(())
//! ```
//!
//! Decoding never panics and never trusts a length: a field that runs past its frame, a
//! missing or surplus frame, a wrong signature, protocol or version, or an unknown id is a
//! [`DecodeError`], which the server answers with RTFM.

use std::fmt;

/// The two signature octets that open every FILEMQ command.
pub const SIGNATURE: [u8; 2] = [0xAA, 0xA3];
/// The protocol name OHAI carries.
pub const PROTOCOL: &str = "FILEMQ";
/// The protocol version OHAI carries.
pub const VERSION: u8 = 1;
/// CHEEZBURGER operation: the chunk belongs to a file being created or updated.
pub const OP_CREATE: u8 = 1;
/// CHEEZBURGER operation: the file was deleted on the server.
pub const OP_DELETE: u8 = 2;

/// An ordered `name=value` dictionary (options, cache, headers); order is kept as sent.
pub type Dictionary = Vec<(String, String)>;

/// One FILEMQ command.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    /// C: open (or restart) the peering.
    Ohai,
    /// S: challenge the client with the SASL mechanisms the server accepts.
    Orly {
        /// Mechanism names, e.g. `ANONYMOUS`, `PLAIN`.
        mechanisms: Vec<String>,
        /// The opaque challenge (second frame).
        challenge: Vec<u8>,
    },
    /// C: answer a challenge with one mechanism.
    Yarly {
        /// The mechanism chosen.
        mechanism: String,
        /// The opaque response (second frame); PLAIN: `\0login\0password`.
        response: Vec<u8>,
    },
    /// S: access granted.
    OhaiOk,
    /// C: subscribe to a virtual path.
    Icanhaz {
        /// Virtual path or prefix, e.g. `/` or `/logs`.
        path: String,
        /// Options, e.g. `RESYNC=1`.
        options: Dictionary,
        /// Files the client already has: `filename=SHA-1 hex`.
        cache: Dictionary,
    },
    /// S: subscription accepted.
    IcanhazOk,
    /// C: grant `credit` more bytes of chunk data.
    Nom {
        /// Bytes of credit added.
        credit: u64,
        /// The client's sequence counter.
        sequence: u64,
    },
    /// S: a chunk of one file (or a deletion).
    Cheezburger {
        /// The server's sequence number of this chunk, per client.
        sequence: u64,
        /// [`OP_CREATE`] or [`OP_DELETE`].
        operation: u8,
        /// The virtual file name, e.g. `/logs/today.txt`.
        filename: String,
        /// Where in the file the chunk starts.
        offset: u64,
        /// Extra headers (e.g. `SIZE=`).
        headers: Dictionary,
        /// The data (second frame); empty at the end of the file.
        chunk: Vec<u8>,
    },
    /// Either side: heartbeat.
    Hugz,
    /// Either side: heartbeat answer.
    HugzOk,
    /// Either side: close the peering.
    Kthxbai,
    /// S: refused (access rights).
    Srsly {
        /// Why, for people.
        reason: String,
    },
    /// S: the client sent an invalid command.
    Rtfm {
        /// Why, for people.
        reason: String,
    },
}

/// Why some frames are not a FILEMQ command.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DecodeError {
    /// No frames, or the first is shorter than signature + id.
    Empty,
    /// The first two octets are not [`SIGNATURE`].
    BadSignature,
    /// A command id this protocol does not define.
    UnknownCommand(u8),
    /// OHAI named another protocol or version.
    BadProtocol,
    /// A field runs past the end of its frame.
    Truncated,
    /// Bytes left over after the last field, or a surplus/missing frame.
    BadFraming,
    /// A string is not UTF-8, or a dictionary entry has no `=`.
    BadText,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecodeError::Empty => write!(f, "empty or too short command frame"),
            DecodeError::BadSignature => write!(f, "wrong signature (want AA A3)"),
            DecodeError::UnknownCommand(id) => write!(f, "unknown command id {id:#04x}"),
            DecodeError::BadProtocol => write!(f, "OHAI: not FILEMQ version 1"),
            DecodeError::Truncated => write!(f, "field runs past the end of the frame"),
            DecodeError::BadFraming => write!(f, "wrong number of frames or trailing bytes"),
            DecodeError::BadText => write!(f, "string is not UTF-8 or entry has no '='"),
        }
    }
}

impl std::error::Error for DecodeError {}

impl Command {
    /// The command's id octet.
    pub fn id(&self) -> u8 {
        match self {
            Command::Ohai => 0x01,
            Command::Orly { .. } => 0x02,
            Command::Yarly { .. } => 0x03,
            Command::OhaiOk => 0x04,
            Command::Icanhaz { .. } => 0x05,
            Command::IcanhazOk => 0x06,
            Command::Nom { .. } => 0x07,
            Command::Cheezburger { .. } => 0x08,
            Command::Hugz => 0x09,
            Command::HugzOk => 0x0A,
            Command::Kthxbai => 0x0B,
            Command::Srsly { .. } => 0x80,
            Command::Rtfm { .. } => 0x81,
        }
    }

    /// The command's name as the spec writes it, for logs.
    pub fn name(&self) -> &'static str {
        match self {
            Command::Ohai => "OHAI",
            Command::Orly { .. } => "ORLY",
            Command::Yarly { .. } => "YARLY",
            Command::OhaiOk => "OHAI-OK",
            Command::Icanhaz { .. } => "ICANHAZ",
            Command::IcanhazOk => "ICANHAZ-OK",
            Command::Nom { .. } => "NOM",
            Command::Cheezburger { .. } => "CHEEZBURGER",
            Command::Hugz => "HUGZ",
            Command::HugzOk => "HUGZ-OK",
            Command::Kthxbai => "KTHXBAI",
            Command::Srsly { .. } => "SRSLY",
            Command::Rtfm { .. } => "RTFM",
        }
    }

    /// The frames of this command. Strings and dictionary entries longer than 255 bytes,
    /// and dictionaries of more than 255 entries, are cut to fit (callers keep within
    /// those limits; see [`fits_string`]).
    pub fn encode(&self) -> Vec<Vec<u8>> {
        let mut head = Vec::with_capacity(64);
        head.extend_from_slice(&SIGNATURE);
        head.push(self.id());
        let second = match self {
            Command::Ohai => {
                put_string(&mut head, PROTOCOL);
                head.push(VERSION);
                None
            }
            Command::Orly {
                mechanisms,
                challenge,
            } => {
                let count = mechanisms.len().min(255);
                head.push(count as u8);
                for m in &mechanisms[..count] {
                    put_string(&mut head, m);
                }
                Some(challenge.clone())
            }
            Command::Yarly {
                mechanism,
                response,
            } => {
                put_string(&mut head, mechanism);
                Some(response.clone())
            }
            Command::Icanhaz {
                path,
                options,
                cache,
            } => {
                put_string(&mut head, path);
                put_dictionary(&mut head, options);
                put_dictionary(&mut head, cache);
                None
            }
            Command::Nom { credit, sequence } => {
                head.extend_from_slice(&credit.to_be_bytes());
                head.extend_from_slice(&sequence.to_be_bytes());
                None
            }
            Command::Cheezburger {
                sequence,
                operation,
                filename,
                offset,
                headers,
                chunk,
            } => {
                head.extend_from_slice(&sequence.to_be_bytes());
                head.push(*operation);
                put_string(&mut head, filename);
                head.extend_from_slice(&offset.to_be_bytes());
                put_dictionary(&mut head, headers);
                Some(chunk.clone())
            }
            Command::Srsly { reason } | Command::Rtfm { reason } => {
                put_string(&mut head, reason);
                None
            }
            Command::OhaiOk
            | Command::IcanhazOk
            | Command::Hugz
            | Command::HugzOk
            | Command::Kthxbai => None,
        };
        let mut frames = vec![head];
        frames.extend(second);
        frames
    }

    /// Parses one command from its frames (without any routing id).
    pub fn decode<F: AsRef<[u8]>>(frames: &[F]) -> Result<Command, DecodeError> {
        let head = frames.first().ok_or(DecodeError::Empty)?.as_ref();
        if head.len() < 3 {
            return Err(DecodeError::Empty);
        }
        if head[..2] != SIGNATURE {
            return Err(DecodeError::BadSignature);
        }
        let id = head[2];
        let mut r = Reader { rest: &head[3..] };
        let second = frames.get(1).map(|f| f.as_ref().to_vec());
        let wants_second = matches!(id, 0x02 | 0x03 | 0x08);
        if frames.len() != if wants_second { 2 } else { 1 } {
            return Err(DecodeError::BadFraming);
        }
        let command = match id {
            0x01 => {
                if r.string()? != PROTOCOL || r.octet()? != VERSION {
                    return Err(DecodeError::BadProtocol);
                }
                Command::Ohai
            }
            0x02 => {
                let count = r.octet()?;
                let mut mechanisms = Vec::with_capacity(count as usize);
                for _ in 0..count {
                    mechanisms.push(r.string()?);
                }
                Command::Orly {
                    mechanisms,
                    challenge: second.unwrap_or_default(),
                }
            }
            0x03 => Command::Yarly {
                mechanism: r.string()?,
                response: second.unwrap_or_default(),
            },
            0x04 => Command::OhaiOk,
            0x05 => Command::Icanhaz {
                path: r.string()?,
                options: r.dictionary()?,
                cache: r.dictionary()?,
            },
            0x06 => Command::IcanhazOk,
            0x07 => Command::Nom {
                credit: r.number()?,
                sequence: r.number()?,
            },
            0x08 => Command::Cheezburger {
                sequence: r.number()?,
                operation: r.octet()?,
                filename: r.string()?,
                offset: r.number()?,
                headers: r.dictionary()?,
                chunk: second.unwrap_or_default(),
            },
            0x09 => Command::Hugz,
            0x0A => Command::HugzOk,
            0x0B => Command::Kthxbai,
            0x80 => Command::Srsly {
                reason: r.string()?,
            },
            0x81 => Command::Rtfm {
                reason: r.string()?,
            },
            other => return Err(DecodeError::UnknownCommand(other)),
        };
        if !r.rest.is_empty() {
            return Err(DecodeError::BadFraming);
        }
        Ok(command)
    }
}

/// Whether `text` fits a FILEMQ string (at most 255 bytes).
pub fn fits_string(text: &str) -> bool {
    text.len() <= 255
}

/// Appends a string, cut to 255 bytes at a character boundary.
fn put_string(out: &mut Vec<u8>, text: &str) {
    let mut end = text.len().min(255);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    out.push(end as u8);
    out.extend_from_slice(&text.as_bytes()[..end]);
}

/// Appends a dictionary: entries that do not fit a string are left out, at most 255.
fn put_dictionary(out: &mut Vec<u8>, dict: &Dictionary) {
    let entries: Vec<String> = dict
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .filter(|e| fits_string(e))
        .take(255)
        .collect();
    out.push(entries.len() as u8);
    for e in &entries {
        put_string(out, e);
    }
}

/// A cursor over one frame that refuses to read past its end.
struct Reader<'a> {
    rest: &'a [u8],
}

impl Reader<'_> {
    fn take(&mut self, n: usize) -> Result<&[u8], DecodeError> {
        if self.rest.len() < n {
            return Err(DecodeError::Truncated);
        }
        let (head, tail) = self.rest.split_at(n);
        self.rest = tail;
        Ok(head)
    }

    fn octet(&mut self) -> Result<u8, DecodeError> {
        Ok(self.take(1)?[0])
    }

    fn number(&mut self) -> Result<u64, DecodeError> {
        let bytes = self.take(8)?;
        let mut array = [0u8; 8];
        array.copy_from_slice(bytes);
        Ok(u64::from_be_bytes(array))
    }

    fn string(&mut self) -> Result<String, DecodeError> {
        let size = self.octet()? as usize;
        let bytes = self.take(size)?;
        String::from_utf8(bytes.to_vec()).map_err(|_| DecodeError::BadText)
    }

    fn dictionary(&mut self) -> Result<Dictionary, DecodeError> {
        let count = self.octet()?;
        let mut dict = Vec::with_capacity(count as usize);
        for _ in 0..count {
            let entry = self.string()?;
            let (k, v) = entry.split_once('=').ok_or(DecodeError::BadText)?;
            dict.push((k.to_string(), v.to_string()));
        }
        Ok(dict)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn text() -> impl Strategy<Value = String> {
        "[a-zA-Z0-9/._-]{0,40}"
    }

    fn dict() -> impl Strategy<Value = Dictionary> {
        proptest::collection::vec(("[a-zA-Z0-9/._-]{1,20}", "[a-zA-Z0-9=._-]{0,40}"), 0..8)
    }

    fn command() -> impl Strategy<Value = Command> {
        prop_oneof![
            Just(Command::Ohai),
            (proptest::collection::vec(text(), 0..4), any::<Vec<u8>>()).prop_map(
                |(mechanisms, challenge)| Command::Orly {
                    mechanisms,
                    challenge
                }
            ),
            (text(), any::<Vec<u8>>()).prop_map(|(mechanism, response)| Command::Yarly {
                mechanism,
                response
            }),
            Just(Command::OhaiOk),
            (text(), dict(), dict()).prop_map(|(path, options, cache)| Command::Icanhaz {
                path,
                options,
                cache
            }),
            Just(Command::IcanhazOk),
            (any::<u64>(), any::<u64>())
                .prop_map(|(credit, sequence)| Command::Nom { credit, sequence }),
            (
                any::<u64>(),
                any::<u8>(),
                text(),
                any::<u64>(),
                dict(),
                any::<Vec<u8>>()
            )
                .prop_map(|(sequence, operation, filename, offset, headers, chunk)| {
                    Command::Cheezburger {
                        sequence,
                        operation,
                        filename,
                        offset,
                        headers,
                        chunk,
                    }
                }),
            Just(Command::Hugz),
            Just(Command::HugzOk),
            Just(Command::Kthxbai),
            text().prop_map(|reason| Command::Srsly { reason }),
            text().prop_map(|reason| Command::Rtfm { reason }),
        ]
    }

    proptest! {
        #[test]
        fn every_command_reads_back_as_written(c in command()) {
            prop_assert_eq!(Command::decode(&c.encode()), Ok(c));
        }

        #[test]
        fn arbitrary_frames_never_panic(frames in proptest::collection::vec(any::<Vec<u8>>(), 0..4)) {
            let _ = Command::decode(&frames);
        }

        #[test]
        fn a_cut_command_is_refused(c in command(), cut in 1usize..64) {
            let mut frames = c.encode();
            let len = frames[0].len();
            prop_assume!(cut < len - 2);
            frames[0].truncate(len - cut);
            prop_assert!(Command::decode(&frames).is_err());
        }
    }

    #[test]
    fn the_wire_layout_is_the_specs() {
        let frames = Command::Ohai.encode();
        assert_eq!(frames, vec![b"\xAA\xA3\x01\x06FILEMQ\x01".to_vec()]);
        let frames = Command::Nom {
            credit: 1,
            sequence: 2,
        }
        .encode();
        assert_eq!(frames[0][..3], [0xAA, 0xA3, 0x07]);
        assert_eq!(frames[0].len(), 3 + 16);
    }

    #[test]
    fn wrong_signature_protocol_and_id_are_refused() {
        assert_eq!(
            Command::decode(&[b"\xAA\xA4\x09"]),
            Err(DecodeError::BadSignature)
        );
        assert_eq!(
            Command::decode(&[b"\xAA\xA3\x01\x04NOPE\x01"]),
            Err(DecodeError::BadProtocol)
        );
        assert_eq!(
            Command::decode(&[b"\xAA\xA3\x42"]),
            Err(DecodeError::UnknownCommand(0x42))
        );
        assert_eq!(
            Command::decode(&[&b"\xAA\xA3\x09"[..], b""]),
            Err(DecodeError::BadFraming)
        );
        assert_eq!(Command::decode::<&[u8]>(&[]), Err(DecodeError::Empty));
    }
}
