//! `ferrozmq::has` and `ferrozmq::version` against the libzmq the interop tests run (4.3.4,
//! built by the `zmq` crate without CURVE, PGM or wss and with the ws transport).

/// libzmq's `zmq_has` names.
const CAPABILITIES: [&str; 10] = [
    "ipc", "pgm", "tipc", "norm", "curve", "gssapi", "draft", "vmci", "WS", "WSS",
];

#[test]
fn has_answers_as_libzmq_but_for_curve_and_drafts() {
    for capability in CAPABILITIES {
        let ours = ferrozmq::has(capability);
        match capability {
            // ferrozmq always has CURVE; this libzmq build has not.
            "curve" => assert_eq!((ours, zmq::has(capability)), (Some(true), Some(false))),
            // ferrozmq has the draft socket types; this libzmq is built without them (npm
            // zeromq's libzmq 4.3.5, with them, is the draft interop peer).
            "draft" => assert_eq!((ours, zmq::has(capability)), (Some(true), Some(false))),
            // ferrozmq has PGM; this libzmq is built without OpenPGM (Debian's, with it, is
            // the pgm interop peer).
            "pgm" => assert_eq!((ours, zmq::has(capability)), (Some(true), Some(false))),
            // ferrozmq has wss (rustls); this libzmq is built without GnuTLS (the one
            // scripts/libzmq-wss.sh builds, with it, is the wss interop peer).
            "WSS" => assert_eq!((ours, zmq::has(capability)), (Some(true), Some(false))),
            _ => assert_eq!(ours, zmq::has(capability), "{capability}"),
        }
    }
    // libzmq never lists what it always has; ferrozmq says so.
    assert_eq!(zmq::has("tcp"), Some(false));
    assert_eq!(ferrozmq::has("tcp"), Some(true));
}

#[test]
fn version_is_the_libzmq_version_tested_against() {
    assert_eq!(ferrozmq::version(), zmq::version());
}
