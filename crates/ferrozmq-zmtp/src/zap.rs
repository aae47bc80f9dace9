//! ZAP (RFC 27): the request a server-side engine's owner sends to the authentication handler
//! on `inproc://zeromq.zap.01`, and the checks libzmq applies to the handler's reply
//! (`zap_client.cpp`).
//!
//! ```text
//! request = "" | "1.0" | request-id | domain | address | routing-id | mechanism | credentials…
//! reply   = "" | "1.0" | request-id | status-code (3 chars) | status-text | user-id | metadata
//! ```
//!
//! The leading empty frame is the REQ-style delimiter, so the handler may be a REP socket (or
//! a ROUTER that keeps the envelope).

use bytes::Bytes;

use crate::metadata;

/// The ZAP version this side speaks.
pub const VERSION: &[u8] = b"1.0";
/// The request id libzmq sends (one request per connection, so a constant).
pub const REQUEST_ID: &[u8] = b"1";
/// Where the ZAP handler binds (an inproc endpoint of the same context).
pub const ENDPOINT: &str = "inproc://zeromq.zap.01";

/// libzmq's `ZMQ_PROTOCOL_ERROR_ZAP_*` values, reported in HANDSHAKE_FAILED_PROTOCOL events.
pub mod protocol_error {
    /// Unspecified ZAP failure.
    pub const UNSPECIFIED: u32 = 0x2000_0000;
    /// Wrong number of frames, or a missing/non-empty delimiter.
    pub const MALFORMED_REPLY: u32 = 0x2000_0001;
    /// The reply's request id is not the one sent.
    pub const BAD_REQUEST_ID: u32 = 0x2000_0002;
    /// The reply's version is not "1.0".
    pub const BAD_VERSION: u32 = 0x2000_0003;
    /// The status code is not one of 200, 300, 400, 500.
    pub const INVALID_STATUS_CODE: u32 = 0x2000_0004;
    /// The metadata frame is not a valid property list.
    pub const INVALID_METADATA: u32 = 0x2000_0005;
}

/// Frames in a ZAP reply, delimiter included.
pub const REPLY_FRAMES: usize = 7;

/// What the handler answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ZapReply {
    /// 200 (allow), 300 (temporary failure: close silently), 400 (deny), 500 (handler error).
    pub status_code: u16,
    /// The identity the handler vouches for (`User-Id` message property); may be empty.
    pub user_id: Bytes,
    /// Extra properties for the peer's messages (`Message::gets`).
    pub metadata: Vec<(String, Bytes)>,
}

/// The frames of a request for one connection, in order, delimiter first.
pub fn request(
    domain: &[u8],
    address: &[u8],
    routing_id: &[u8],
    mechanism: &str,
    credentials: &[Bytes],
) -> Vec<Bytes> {
    let mut frames = vec![
        Bytes::new(),
        Bytes::from_static(VERSION),
        Bytes::from_static(REQUEST_ID),
        Bytes::copy_from_slice(domain),
        Bytes::copy_from_slice(address),
        Bytes::copy_from_slice(routing_id),
        Bytes::copy_from_slice(mechanism.as_bytes()),
    ];
    frames.extend(credentials.iter().cloned());
    frames
}

/// Checks a whole reply (every frame, delimiter first) as libzmq does; the error is the
/// `protocol_error` value for the monitor.
pub fn parse_reply(frames: &[Bytes]) -> Result<ZapReply, u32> {
    use protocol_error::*;
    let [delimiter, version, request_id, status, _text, user_id, properties] = frames else {
        return Err(MALFORMED_REPLY);
    };
    if !delimiter.is_empty() {
        return Err(MALFORMED_REPLY);
    }
    if &version[..] != VERSION {
        return Err(BAD_VERSION);
    }
    if &request_id[..] != REQUEST_ID {
        return Err(BAD_REQUEST_ID);
    }
    let status_code = match &status[..] {
        b"200" => 200,
        b"300" => 300,
        b"400" => 400,
        b"500" => 500,
        _ => return Err(INVALID_STATUS_CODE),
    };
    let metadata = metadata::parse(properties).map_err(|_| INVALID_METADATA)?;
    Ok(ZapReply {
        status_code,
        user_id: user_id.clone(),
        metadata,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn reply(parts: &[&[u8]]) -> Vec<Bytes> {
        parts.iter().map(|p| Bytes::copy_from_slice(p)).collect()
    }

    #[test]
    fn request_has_libzmqs_frames() {
        let frames = request(b"global", b"127.0.0.1", b"", "PLAIN", &reply(&[b"u", b"p"]));
        let expected: Vec<&[u8]> = vec![
            b"",
            b"1.0",
            b"1",
            b"global",
            b"127.0.0.1",
            b"",
            b"PLAIN",
            b"u",
            b"p",
        ];
        assert_eq!(frames, reply(&expected));
    }

    #[test]
    fn accepts_a_well_formed_reply_with_metadata() {
        let mut props = Vec::new();
        props.push(5u8);
        props.extend_from_slice(b"Hello");
        props.extend_from_slice(&5u32.to_be_bytes());
        props.extend_from_slice(b"World");
        let parsed = parse_reply(&reply(&[
            b"",
            b"1.0",
            b"1",
            b"200",
            b"OK",
            b"anonymous",
            &props,
        ]))
        .unwrap();
        assert_eq!(parsed.status_code, 200);
        assert_eq!(&parsed.user_id[..], b"anonymous");
        assert_eq!(
            parsed.metadata,
            vec![("Hello".to_string(), Bytes::from_static(b"World"))]
        );
    }

    #[test]
    fn refuses_what_libzmq_refuses() {
        use protocol_error::*;
        let cases: Vec<(Vec<&[u8]>, u32)> = vec![
            (vec![b"", b"1.0", b"1", b"200", b"", b""], MALFORMED_REPLY),
            (
                vec![b"", b"1.0", b"1", b"200", b"", b"", b"", b"extra"],
                MALFORMED_REPLY,
            ),
            (
                vec![b"x", b"1.0", b"1", b"200", b"", b"", b""],
                MALFORMED_REPLY,
            ),
            (vec![b"", b"2.0", b"1", b"200", b"", b"", b""], BAD_VERSION),
            (
                vec![b"", b"1.0", b"2", b"200", b"", b"", b""],
                BAD_REQUEST_ID,
            ),
            (
                vec![b"", b"1.0", b"1", b"201", b"", b"", b""],
                INVALID_STATUS_CODE,
            ),
            (
                vec![b"", b"1.0", b"1", b"20", b"", b"", b""],
                INVALID_STATUS_CODE,
            ),
            (
                vec![b"", b"1.0", b"1", b"200", b"", b"", b"\x00"],
                INVALID_METADATA,
            ),
        ];
        for (frames, code) in cases {
            assert_eq!(parse_reply(&reply(&frames)), Err(code), "{frames:?}");
        }
    }

    proptest! {
        #[test]
        fn any_reply_is_parsed_or_refused(frames in prop::collection::vec(
            prop::collection::vec(any::<u8>(), 0..12), 0..10)) {
            let frames: Vec<Bytes> = frames.into_iter().map(Bytes::from).collect();
            let _ = parse_reply(&frames);
        }
    }
}
