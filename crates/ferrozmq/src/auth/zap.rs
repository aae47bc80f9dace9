//! ZAP (ZeroMQ RFC 27) messages as a handler sees them on its REP socket (the empty delimiter
//! already removed): parsing requests without trusting them, and building replies.

use ferrozmq_zmtp::zap::VERSION;

/// A well-formed ZAP request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Request {
    /// Echoed in the reply so the client can match it.
    pub request_id: Vec<u8>,
    /// The server socket's ZAP domain.
    pub domain: String,
    /// The client's address (an IP address for tcp).
    pub address: String,
    /// The server socket's routing id.
    pub routing_id: Vec<u8>,
    /// The mechanism and its credentials.
    pub credentials: Credentials,
}

/// A mechanism and the credentials it carries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Credentials {
    /// NULL: none.
    Null,
    /// PLAIN: user name and password.
    Plain {
        /// The user name.
        username: Vec<u8>,
        /// The password, in clear.
        password: Vec<u8>,
    },
    /// CURVE: the client's long-term public key.
    Curve([u8; 32]),
    /// GSSAPI: the client's principal.
    Gssapi(Vec<u8>),
    /// Any other mechanism, named, with whatever frames followed.
    Other(String),
}

/// Why a request was refused; the reply still echoes the request id, when there was one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Malformed {
    /// The request id frame, or empty if the request was too short to have one.
    pub request_id: Vec<u8>,
    /// What was wrong, for the reply's status text.
    pub reason: &'static str,
}

/// Parses a request's frames: version, request id, domain, address, routing id, mechanism,
/// credentials.
pub(crate) fn parse(frames: &[Vec<u8>]) -> Result<Request, Malformed> {
    let request_id = frames.get(1).cloned().unwrap_or_default();
    let malformed = |reason| Malformed {
        request_id: request_id.clone(),
        reason,
    };
    let [version, _, domain, address, routing_id, mechanism, credentials @ ..] = frames else {
        return Err(malformed("Too few frames"));
    };
    if version.as_slice() != VERSION {
        return Err(malformed("Unsupported version"));
    }
    let credentials = match (mechanism.as_slice(), credentials) {
        (b"NULL", []) => Credentials::Null,
        (b"PLAIN", [username, password]) => Credentials::Plain {
            username: username.clone(),
            password: password.clone(),
        },
        (b"CURVE", [key]) => Credentials::Curve(
            key.as_slice()
                .try_into()
                .map_err(|_| malformed("CURVE key is not 32 bytes"))?,
        ),
        (b"GSSAPI", [principal]) => Credentials::Gssapi(principal.clone()),
        (b"NULL" | b"PLAIN" | b"CURVE" | b"GSSAPI", _) => {
            return Err(malformed("Wrong number of credential frames"))
        }
        (other, _) => Credentials::Other(String::from_utf8_lossy(other).into_owned()),
    };
    Ok(Request {
        request_id: request_id.clone(),
        domain: String::from_utf8_lossy(domain).into_owned(),
        address: String::from_utf8_lossy(address).into_owned(),
        routing_id: routing_id.clone(),
        credentials,
    })
}

/// A reply's frames: version, request id, status code, status text, user id, metadata (a
/// ZMTP property list).
pub(crate) fn reply(
    request_id: &[u8],
    status_code: &str,
    status_text: &str,
    user_id: &[u8],
    metadata: Vec<u8>,
) -> Vec<Vec<u8>> {
    vec![
        VERSION.to_vec(),
        request_id.to_vec(),
        status_code.as_bytes().to_vec(),
        status_text.as_bytes().to_vec(),
        user_id.to_vec(),
        metadata,
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn frames(parts: &[&[u8]]) -> Vec<Vec<u8>> {
        parts.iter().map(|p| p.to_vec()).collect()
    }

    #[test]
    fn parses_each_mechanism() {
        let head: [&[u8]; 5] = [b"1.0", b"7", b"global", b"127.0.0.1", b"id"];
        let null = parse(&frames(&[&head[..], &[b"NULL"]].concat())).unwrap();
        assert_eq!(null.credentials, Credentials::Null);
        assert_eq!(null.request_id, b"7");
        assert_eq!(null.domain, "global");
        assert_eq!(null.address, "127.0.0.1");
        assert_eq!(null.routing_id, b"id");
        let plain = parse(&frames(&[&head[..], &[b"PLAIN", b"u", b"p"]].concat())).unwrap();
        assert_eq!(
            plain.credentials,
            Credentials::Plain {
                username: b"u".to_vec(),
                password: b"p".to_vec()
            }
        );
        let curve = parse(&frames(&[&head[..], &[b"CURVE", &[9; 32]]].concat())).unwrap();
        assert_eq!(curve.credentials, Credentials::Curve([9; 32]));
        let other = parse(&frames(&[&head[..], &[b"X", b"y"]].concat())).unwrap();
        assert_eq!(other.credentials, Credentials::Other("X".into()));
    }

    #[test]
    fn refuses_malformed_requests() {
        let head: [&[u8]; 5] = [b"1.0", b"7", b"", b"", b""];
        let reason = |parts: &[&[u8]]| parse(&frames(parts)).unwrap_err();
        assert_eq!(reason(&[]).request_id, b"");
        assert_eq!(reason(&[b"1.0", b"9"]).request_id, b"9");
        assert_eq!(
            reason(&[b"2.0", b"7", b"", b"", b"", b"NULL"]).reason,
            "Unsupported version"
        );
        for creds in [
            &[b"NULL".as_slice(), b"x"][..],
            &[b"PLAIN", b"u"],
            &[b"CURVE", &[1; 31]],
            &[b"CURVE"],
            &[b"GSSAPI"],
        ] {
            let m = reason(&[&head[..], creds].concat());
            assert_eq!(m.request_id, b"7");
        }
    }

    proptest! {
        #[test]
        fn parse_never_panics(
            parts in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..40), 0..10)
        ) {
            let _ = parse(&parts);
        }

        /// A well-formed request parses to its fields and credentials.
        #[test]
        fn valid_requests_parse_to_their_fields((parts, creds) in valid_request()) {
            let request = parse(&parts).expect("a valid request");
            prop_assert_eq!(&request.request_id, &parts[1]);
            prop_assert_eq!(request.domain.as_bytes(), &parts[2][..]);
            prop_assert_eq!(request.address.as_bytes(), &parts[3][..]);
            prop_assert_eq!(&request.routing_id, &parts[4]);
            prop_assert_eq!(request.credentials, creds);
        }

        /// A valid request cut short, or with a wrong version, is refused (with the request
        /// id when it is still there), never a panic.
        #[test]
        fn damaged_requests_are_refused(
            (parts, _) in valid_request(),
            cut_at in any::<prop::sample::Index>(),
            version in "[0-9.]{0,4}",
        ) {
            // Every frame is needed: the head, the mechanism, and each of its credentials.
            let mut cut = parts.clone();
            cut.truncate(cut_at.index(parts.len()));
            prop_assert!(parse(&cut).is_err(), "{:?}", cut);
            if version != "1.0" {
                let mut versioned = parts;
                versioned[0] = version.into_bytes();
                let refused = parse(&versioned).expect_err("a wrong version");
                prop_assert_eq!(&refused.request_id, &versioned[1]);
            }
        }
    }

    /// A well-formed ZAP request (RFC 27) and the credentials it carries.
    fn valid_request() -> impl Strategy<Value = (Vec<Vec<u8>>, Credentials)> {
        let bytes = |max: usize| proptest::collection::vec(any::<u8>(), 0..max);
        let creds = prop_oneof![
            Just((vec![b"NULL".to_vec()], Credentials::Null)),
            (bytes(20), bytes(20)).prop_map(|(u, p)| (
                vec![b"PLAIN".to_vec(), u.clone(), p.clone()],
                Credentials::Plain {
                    username: u,
                    password: p
                }
            )),
            any::<[u8; 32]>()
                .prop_map(|k| (vec![b"CURVE".to_vec(), k.to_vec()], Credentials::Curve(k))),
        ];
        (bytes(12), "[a-z]{0,10}", "[0-9.]{0,15}", bytes(12), creds).prop_map(
            |(id, domain, address, routing_id, (mechanism, creds))| {
                let mut parts = vec![
                    b"1.0".to_vec(),
                    id,
                    domain.into_bytes(),
                    address.into_bytes(),
                    routing_id,
                ];
                parts.extend(mechanism);
                (parts, creds)
            },
        )
    }
}
