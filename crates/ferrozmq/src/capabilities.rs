//! `has(capability)`: which of libzmq's optional features this build of ferrozmq offers
//! (`zmq_has`), so code written for libzmq can check before it relies on one.

/// Capabilities ferrozmq has: libzmq's names for the optional ones it implements (ipc, the
/// CURVE mechanism, the draft socket types, the ws and wss transports as `"WS"` and `"WSS"`,
/// the PGM transports as
/// `"pgm"`), plus the transports libzmq always has or never names (tcp, inproc, udp, epgm),
/// which ferrozmq answers truthfully.
const SUPPORTED: [&str; 10] = [
    "ipc", "curve", "draft", "WS", "WSS", "pgm", "tcp", "inproc", "udp", "epgm",
];

/// Whether ferrozmq offers `capability`, by libzmq's `zmq_has` names: `"ipc"`, `"curve"`,
/// `"draft"` (CLIENT, SERVER, RADIO, DISH, SCATTER, GATHER, PEER, CHANNEL, DGRAM),
/// `"WS"`, `"WSS"`, `"pgm"` (pgm:// and epgm:// for PUB/SUB; and `"tcp"`, `"inproc"`,
/// `"epgm"`, `"udp"` for RADIO/DISH) are there; `"tipc"`, `"norm"`, `"gssapi"`, `"vmci"`,
/// `"vsock"` and anything else are not. Always
/// `Some` — the `Option` keeps rust-zmq's signature, whose `None` is a libzmq without
/// `zmq_has`.
///
/// ```
/// assert_eq!(ferrozmq::has("curve"), Some(true));
/// assert_eq!(ferrozmq::has("norm"), Some(false));
/// ```
pub fn has(capability: &str) -> Option<bool> {
    Some(SUPPORTED.contains(&capability))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::endpoint::Endpoint;
    use crate::error::Error;

    /// A transport is listed exactly when an endpoint of it parses past the scheme check and
    /// some socket type takes it (udp: RADIO and DISH).
    #[test]
    fn transports_are_listed_exactly_when_endpoints_take_them() {
        let transports = [
            "tcp", "ipc", "inproc", "pgm", "epgm", "norm", "udp", "ws", "wss", "tipc", "vmci",
            "vsock",
        ];
        for transport in transports {
            let parsed = Endpoint::parse(&format!("{transport}://x"));
            let offered = parsed != Err(Error::EPROTONOSUPPORT);
            // libzmq's names for the websocket capabilities are upper case.
            let name = match transport {
                "ws" => "WS",
                "wss" => "WSS",
                other => other,
            };
            assert_eq!(has(name), Some(offered), "{transport}");
        }
    }

    #[test]
    fn curve_and_draft_are_there_and_gssapi_is_not() {
        assert_eq!(has("curve"), Some(true));
        assert_eq!(has("gssapi"), Some(false));
        assert_eq!(has("draft"), Some(true));
        assert_eq!(
            has("IPC"),
            Some(false),
            "names are case-sensitive, as libzmq's"
        );
    }
}
