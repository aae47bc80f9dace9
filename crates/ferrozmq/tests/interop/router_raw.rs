//! ZMQ_ROUTER_RAW (41, deprecated in libzmq for STREAM): a ROUTER speaking raw TCP. The same
//! steps against ferrozmq's and libzmq 4.3.4's raw ROUTER, with a plain TCP client, must
//! show the same things: a connection announced as `[id, ""]`, bytes in as `[id, bytes]`,
//! `[id, bytes]` written as they are, `[id, ""]` closing the connection, and a client
//! leaving announced as `[id, ""]`.

use crate::common::*;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::os::raw::{c_int, c_void};

extern "C" {
    fn zmq_setsockopt(s: *mut c_void, option: c_int, value: *const c_void, len: usize) -> c_int;
}

/// What a test sees of one raw ROUTER.
trait RawRouter {
    fn recv(&self) -> Vec<Vec<u8>>;
    fn send(&self, frames: &[&[u8]]);
    /// Lets the socket process its commands (libzmq closes a connection only then).
    fn poke(&self);
}

impl RawRouter for ferrozmq::Socket {
    fn recv(&self) -> Vec<Vec<u8>> {
        recv_frames(self).expect("ferrozmq recv")
    }
    fn send(&self, frames: &[&[u8]]) {
        self.send_multipart(frames.iter().copied(), 0).unwrap();
    }
    fn poke(&self) {
        self.get_events().unwrap();
    }
}

impl RawRouter for zmq::Socket {
    fn recv(&self) -> Vec<Vec<u8>> {
        self.recv_multipart(0).expect("libzmq recv")
    }
    fn send(&self, frames: &[&[u8]]) {
        self.send_multipart(frames.iter().copied(), 0).unwrap();
    }
    fn poke(&self) {
        self.get_events().unwrap();
    }
}

/// Runs the steps against `router` bound at `endpoint` and returns what was seen, with
/// routing ids replaced by their length.
fn observe(router: &dyn RawRouter, endpoint: &str) -> Vec<String> {
    let mut seen = Vec::new();
    let shape = |frames: Vec<Vec<u8>>| -> (Vec<u8>, String) {
        let rest: Vec<String> = frames[1..]
            .iter()
            .map(|f| String::from_utf8_lossy(f).into_owned())
            .collect();
        (
            frames[0].clone(),
            format!("[id:{}, {:?}]", frames[0].len(), rest),
        )
    };
    let addr = endpoint.trim_start_matches("tcp://");
    let mut client = TcpStream::connect(addr).unwrap();
    client
        .set_read_timeout(Some(std::time::Duration::from_millis(TIMEO as u64)))
        .unwrap();
    let (id, connected) = shape(router.recv());
    seen.push(format!("connected {connected}"));
    client.write_all(b"hello").unwrap();
    let (_, data) = shape(router.recv());
    seen.push(format!("data {data}"));
    router.send(&[&id, b"world"]);
    let mut reply = [0u8; 5];
    client.read_exact(&mut reply).unwrap();
    seen.push(format!("client read {:?}", String::from_utf8_lossy(&reply)));
    router.send(&[&id, b""]);
    client
        .set_read_timeout(Some(std::time::Duration::from_millis(10)))
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_millis(TIMEO as u64);
    let mut rest = Vec::new();
    loop {
        match client.read_to_end(&mut rest) {
            Ok(_) => break,
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                assert!(
                    std::time::Instant::now() < deadline,
                    "the connection stays open"
                );
                router.poke();
            }
            Err(e) => panic!("{e}"),
        }
    }
    seen.push(format!("client read to the end, {} bytes more", rest.len()));

    let second = TcpStream::connect(addr).unwrap();
    let (_, connected) = shape(router.recv());
    seen.push(format!("second connected {connected}"));
    drop(second);
    let (_, gone) = shape(router.recv());
    seen.push(format!("second gone {gone}"));
    seen
}

#[test]
fn raw_router_behaves_as_libzmq_s() {
    bounded(|| {
        let zctx = zmq::Context::new();
        let mut theirs = theirs(&zctx, zmq::ROUTER);
        let on: c_int = 1;
        // SAFETY: a live libzmq socket; `on` outlives the call.
        let rc = unsafe {
            zmq_setsockopt(
                theirs.as_mut_ptr(),
                ferrozmq::options::ids::ROUTER_RAW,
                (&on as *const c_int).cast(),
                std::mem::size_of::<c_int>(),
            )
        };
        assert_eq!(rc, 0);
        theirs.bind("tcp://127.0.0.1:*").unwrap();
        let libzmq = observe(&theirs, &zlast_ep(&theirs));

        let ctx = ferrozmq::Context::new();
        let router = ours(&ctx, ferrozmq::ROUTER);
        router.set_router_raw(true).unwrap();
        router.bind("tcp://127.0.0.1:*").unwrap();
        let ferrozmq = observe(&router, &last_ep(&router));
        assert_eq!(ferrozmq, libzmq);
        assert_eq!(ferrozmq[0], r#"connected [id:5, [""]]"#);
    });
}
