//! ZMQ_METADATA (libzmq's test_app_meta) against libzmq 4.3.4, over tcp and ipc: `X-`
//! properties set on either side travel in READY and are read by the other side as message
//! properties (`Message::gets` here, `zmq_msg_gets` there); libzmq's own properties stay
//! what they were, a name set twice keeps its first value, and bad values are refused alike
//! (the option table's comparison with libzmq tries them on every type).

use crate::common::*;
use std::os::raw::{c_int, c_void};

extern "C" {
    fn zmq_setsockopt(s: *mut c_void, option: c_int, value: *const c_void, len: usize) -> c_int;
}

/// ZMQ_METADATA through libzmq's raw setsockopt (the `zmq` crate has no setter for it).
fn their_set_metadata(s: &mut zmq::Socket, property: &str) {
    // SAFETY: a live libzmq socket; `property` outlives the call.
    let rc = unsafe {
        zmq_setsockopt(
            s.as_mut_ptr(),
            ferrozmq::options::ids::METADATA,
            property.as_ptr().cast(),
            property.len(),
        )
    };
    assert_eq!(rc, 0, "libzmq takes {property:?}");
}

over_both!(our_metadata_read_by_libzmq, libzmq_metadata_read_by_us);

/// Generates a tcp and an ipc test for each `name(Transport)`.
macro_rules! over_both {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                use super::*;
                #[test]
                fn tcp() {
                    bounded(|| super::$name(Transport::Tcp));
                }
                #[test]
                fn ipc() {
                    bounded(|| super::$name(Transport::Ipc));
                }
            }
        )*
    };
}
use over_both;

fn our_metadata_read_by_libzmq(tr: Transport) {
    let ctx = ferrozmq::Context::new();
    let zctx = zmq::Context::new();
    let rep = ours(&ctx, ferrozmq::REP);
    rep.set_metadata("X-hello:1").unwrap();
    rep.set_metadata("X-connection:primary").unwrap();
    rep.set_metadata("X-hello:ignored, the first value stays")
        .unwrap();
    rep.bind(&tr.bind_endpoint()).unwrap();
    let req = theirs(&zctx, zmq::REQ);
    req.connect(&last_ep(&rep)).unwrap();
    req.send("question", 0).unwrap();
    assert_eq!(rep.recv_string(0).unwrap().unwrap(), "question");
    rep.send("answer", 0).unwrap();
    let mut reply = req.recv_msg(0).unwrap();
    assert_eq!(&reply[..], b"answer");
    assert_eq!(reply.gets("X-hello"), Some("1"));
    assert_eq!(reply.gets("X-connection"), Some("primary"));
    assert_eq!(reply.gets("Socket-Type"), Some("REP"));
    assert_eq!(reply.gets("X-absent"), None);
}

fn libzmq_metadata_read_by_us(tr: Transport) {
    let ctx = ferrozmq::Context::new();
    let zctx = zmq::Context::new();
    let mut req = theirs(&zctx, zmq::REQ);
    their_set_metadata(&mut req, "X-hello:2");
    their_set_metadata(&mut req, "X-empty-free:value with: colons");
    let rep = ours(&ctx, ferrozmq::REP);
    rep.bind(&tr.bind_endpoint()).unwrap();
    req.connect(&last_ep(&rep)).unwrap();
    req.send("question", 0).unwrap();
    let request = rep.recv_msg(0).unwrap();
    assert_eq!(&request[..], b"question");
    assert_eq!(request.gets("X-hello"), Some("2"));
    assert_eq!(request.gets("X-empty-free"), Some("value with: colons"));
    assert_eq!(request.gets("Socket-Type"), Some("REQ"));
    assert_eq!(request.gets("X-absent"), None);
}
